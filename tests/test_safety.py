"""Cache and interrupt safety, and no code runs on load (issue 9).

Damaged cache files (truncated, garbage, another entry's file) are covered in
``tests/test_analysis.py``; here: an interrupted run leaves no partial entry and puts
the model back, a cache file carrying a pickle is refused without running it, and the
package source never loads untrusted data with pickle.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import tda_widgets
import tda_widgets.analysis as analysis_mod
from tda_widgets import Analysis

LAYERS = ["0", "2"]
PACKAGE = Path(tda_widgets.__file__).resolve().parent


class _Interrupt(torch.nn.Module):
    """Identity that raises KeyboardInterrupt on its ``at``-th call (Ctrl-C mid-run)."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at, self.calls = at, 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return x


def _model(interrupt_at: int = 0) -> torch.nn.Sequential:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 6, 3),
        torch.nn.ReLU(),
        torch.nn.Conv2d(6, 5, 3),
        _Interrupt(interrupt_at),
        torch.nn.BatchNorm2d(5),
    )


def _images() -> torch.Tensor:
    return torch.randn(24, 3, 10, 10, generator=torch.Generator().manual_seed(0))


def _entries(cache: Path) -> dict[str, list[str]]:
    """Every file in the cache, checked to be a complete entry: plain npz with its key."""
    out: dict[str, list[str]] = {}
    for f in sorted(cache.iterdir()):
        assert f.suffix == ".npz", f"a stray file was left behind: {f.name}"
        kind, key = f.stem.split("-", 1)
        with np.load(f, allow_pickle=False) as z:
            assert str(z["__key__"]) == key and str(z["__format__"]) == analysis_mod._FORMAT
            [z[k] for k in z.files]
        out.setdefault(kind, []).append(key)
    return out


def _hooks(model: torch.nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def test_interrupt_during_extraction_leaves_no_entry_and_restores_the_model(tmp_path: Path) -> None:
    model = _model(interrupt_at=2).train()  # Ctrl-C in the second batch
    model[4].eval()  # a mixed train/eval state must come back as it was
    modes = [m.training for m in model.modules()]
    a = Analysis(model, _images(), LAYERS, cache_dir=tmp_path, batch_size=8, progress=False)
    with pytest.raises(KeyboardInterrupt):
        a.diagrams("2")
    assert [m.training for m in model.modules()] == modes
    assert _hooks(model) == 0
    assert list(tmp_path.iterdir()) == []  # nothing half-written, nothing at all
    # the next run starts clean and gives the uninterrupted answer
    interrupt = model[3]
    assert isinstance(interrupt, _Interrupt)
    interrupt.at = 0
    again = Analysis(model, _images(), LAYERS, cache_dir=tmp_path, batch_size=8, progress=False)
    ref = Analysis(_model(), _images(), LAYERS, cache_dir=False, batch_size=8, progress=False)
    np.testing.assert_array_equal(again.diagrams("2")[1], ref.diagrams("2")[1])
    assert again.n_computed["clouds"] == 2


def test_interrupt_during_persistence_keeps_only_complete_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = analysis_mod.persistence_diagrams
    seen: list[str] = []

    def interrupted(cloud: Any, **kw: Any) -> Any:
        seen.append(cloud.layer)
        if len(seen) == 2:  # Ctrl-C while the second layer's persistence runs
            raise KeyboardInterrupt
        return real(cloud, **kw)

    monkeypatch.setattr(analysis_mod, "persistence_diagrams", interrupted)
    a = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.raises(KeyboardInterrupt):
        a.diagrams("2")
    entries = _entries(tmp_path)  # every file left is complete and keyed
    assert len(entries["clouds"]) == 2
    assert entries.get("diagrams") == [a._diagram_key("0")]  # the finished layer only

    monkeypatch.setattr(analysis_mod, "persistence_diagrams", real)
    again = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    again.diagrams("2")
    assert dict(again.n_computed) == {"diagrams": 1}  # only the interrupted layer


def test_interrupt_while_writing_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_written(f: Any, **arrays: Any) -> None:
        f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(analysis_mod.np, "savez", half_written)
    a = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.raises(KeyboardInterrupt):
        a.cloud("0")
    assert list(tmp_path.iterdir()) == []


_RAN: list[str] = []


def _payload() -> str:
    _RAN.append("code ran while loading a cache file")
    return "pwned"


class _Evil:
    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return (_payload, ())


def test_cache_file_with_a_pickle_is_refused_without_running_it(tmp_path: Path) -> None:
    a = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    ref = a.cloud("0")
    (path,) = tmp_path.glob(f"clouds-{a._cloud_key('0')}.npz")
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["points"] = np.array([_Evil()], dtype=object)  # a planted object array
    with path.open("wb") as f:
        np.savez(f, **arrays)
    again = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        cloud = again.cloud("0")
    assert _RAN == []
    np.testing.assert_array_equal(cloud.points, ref.points)
    assert again.n_computed["clouds"] == 1  # the planted file, recomputed and rewritten
    _entries(tmp_path)


# -- the source: nothing that can run code from a file --------------------------------

_UNSAFE_MODULES = {
    "pickle",
    "cPickle",
    "dill",
    "cloudpickle",
    "shelve",
    "marshal",
    "joblib.numpy_pickle",
}


def _call_name(node: ast.Call) -> str:
    parts = []
    f: ast.AST = node.func
    while isinstance(f, ast.Attribute):
        parts.append(f.attr)
        f = f.value
    if isinstance(f, ast.Name):
        parts.append(f.id)
    return ".".join(reversed(parts))


def _keyword(node: ast.Call, name: str) -> Any:
    for kw in node.keywords:
        if kw.arg == name:
            return kw.value.value if isinstance(kw.value, ast.Constant) else "not a constant"
    return None


def _unsafe_loads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name in _UNSAFE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module in _UNSAFE_MODULES:
            found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            where = f"{name}(...) at line {node.lineno}"
            if name.endswith("torch.load") and _keyword(node, "weights_only") is not True:
                found.append(f"{where} without weights_only=True")
            if _keyword(node, "allow_pickle") not in (None, False):
                found.append(f"{where} with allow_pickle")
            if name in {"joblib.load", "pd.read_pickle", "pandas.read_pickle"}:
                found.append(where)
    return found


def test_the_scan_catches_what_it_should() -> None:
    bad = """
import pickle
from dill import loads
import torch, numpy as np, joblib
torch.load(path)
torch.load(path, weights_only=False)
np.load(path, allow_pickle=True)
joblib.load(path)
"""
    good = "import torch, numpy as np\ntorch.load(p, map_location='cpu', weights_only=True)\nnp.load(p, allow_pickle=False)\nnp.load(p)\n"
    assert len(_unsafe_loads(bad)) == 6
    assert _unsafe_loads(good) == []


def test_package_never_loads_with_pickle() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 20
    found = {
        str(p.relative_to(PACKAGE)): hits
        for p in sources
        if (hits := _unsafe_loads(p.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_tampered_cifar_batches_are_refused_before_unpickling(tmp_path: Path) -> None:
    """CIFAR-10's python batches are pickles, read by torchvision: only after their md5
    matches the official files', so a planted pickle is refused and never runs."""
    import pickle

    from tda_widgets.datasets import cifar10

    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    names = [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch", "batches.meta"]
    for name in names:
        (folder / name).write_bytes(pickle.dumps({"data": _Evil()}))
    with pytest.raises(RuntimeError, match="corrupted"):
        cifar10(tmp_path)
    assert _RAN == []
