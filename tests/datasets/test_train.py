"""The training script: seeded and deterministic, writes weights plus a faithful card."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
import torch

from tda_widgets.datasets import resnet18_cifar
from tda_widgets.datasets import train as train_module
from tda_widgets.datasets.train import RECIPES, _lr_at, main, train


@pytest.fixture
def tiny_recipe(monkeypatch: pytest.MonkeyPatch) -> str:
    """A recipe small enough to train in about a second."""
    recipe = {
        **RECIPES["shapes"],
        "stem": "tiny",
        "architecture": {"num_classes": 8, "in_channels": 3, "width": 4, "shortcut": "B"},
        "train_data": {"function": "hierarchical_shapes", "kwargs": {"n_per_class": 6, "seed": 0}},
        "test_data": {"function": "hierarchical_shapes", "kwargs": {"n_per_class": 3, "seed": 1}},
        "epochs": 2,
        "batch_size": 16,
    }
    monkeypatch.setitem(RECIPES, "tiny", recipe)
    return "tiny"


def _state(path: Path) -> dict[str, torch.Tensor]:
    return torch.load(path, map_location="cpu", weights_only=True)


@pytest.mark.slow
def test_training_is_deterministic_and_writes_a_card(tiny_recipe: str, tmp_path: Path) -> None:
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    rng_state = torch.random.get_rng_state()
    card = train(tiny_recipe, seed=3, output=tmp_path / "a.pt", progress=False)
    # no global side effects
    assert torch.get_num_threads() == threads
    assert torch.are_deterministic_algorithms_enabled() == deterministic
    assert torch.equal(torch.random.get_rng_state(), rng_state)
    train(tiny_recipe, seed=3, output=tmp_path / "b.pt", progress=False)
    train(tiny_recipe, seed=4, output=tmp_path / "c.pt", progress=False)
    a, b, c = _state(tmp_path / "a.pt"), _state(tmp_path / "b.pt"), _state(tmp_path / "c.pt")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)
    on_disk = json.loads((tmp_path / "a.json").read_text())
    assert on_disk == card
    assert card["seed"] == 3 and card["epochs"] == 2 and card["name"] == "tiny"
    assert card["train_data"]["n"] == 48 and card["test_data"]["n"] == 24
    assert card["weights_sha256"] == hashlib.sha256((tmp_path / "a.pt").read_bytes()).hexdigest()
    assert card["torch_version"] == torch.__version__ and card["training_time_s"] >= 0
    net = resnet18_cifar(**card["architecture"]["kwargs"])
    net.load_state_dict(a)  # a plain state_dict of the named architecture
    from tda_widgets.datasets import accuracy
    from tda_widgets.datasets.train import dataset_from_spec

    assert accuracy(net, dataset_from_spec(card["test_data"])) == pytest.approx(
        card["test_accuracy"], abs=1e-6
    )


def test_command_line(tiny_recipe: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cli.pt"
    assert (
        main(["--model", tiny_recipe, "--epochs", "1", "--output", str(out), "--no-progress"]) == 0
    )
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["epochs"] == 1 and card["seed"] == 0
    assert "held-out accuracy" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--model", "nonexistent"])


def test_bad_arguments(tiny_recipe: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"model_name: expected one of .*got 'mnist'"):
        train("mnist")
    with pytest.raises(ValueError, match=r"epochs: expected an integer >= 1, got 0"):
        train(tiny_recipe, epochs=0, output=tmp_path / "x.pt")
    with pytest.raises(ValueError, match=r"threads: expected an integer >= 1, got 0"):
        train(tiny_recipe, threads=0, output=tmp_path / "x.pt")
    with pytest.raises(TypeError, match=r"seed: expected an integer, got float 1.5"):
        train(tiny_recipe, seed=1.5, output=tmp_path / "x.pt")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"output: expected a path ending in '.pt'"):
        train(tiny_recipe, output=tmp_path / "x.pth")


def test_default_output_is_the_shipped_location() -> None:
    assert train_module.WEIGHTS_DIR.name == "weights"
    assert (train_module.WEIGHTS_DIR / f"{RECIPES['default']['stem']}.pt").is_file()
    assert (train_module.WEIGHTS_DIR / f"{RECIPES['shapes']['stem']}.pt").is_file()


def test_learning_rate_schedule_is_triangular() -> None:
    total, peak = 100, 0.1
    lrs = [_lr_at(s, total, peak) for s in range(total)]
    top = max(range(total), key=lrs.__getitem__)
    assert lrs[top] == pytest.approx(peak) and 15 <= top <= 25
    assert all(x < y for x, y in itertools.pairwise(lrs[: top + 1]))
    assert all(x > y for x, y in itertools.pairwise(lrs[top:]))
    assert 0 < lrs[-1] < 0.01 and 0 < lrs[0] < 0.01
