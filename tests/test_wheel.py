"""The wheel a user gets: built from the sdist without Node, installed alone, run headless.

``python -m build`` makes the sdist and then the wheel *from the sdist* (its default), with
``PATH`` holding only the virtual environment's ``bin`` (no ``node``), so the wheel can only
contain the JavaScript the sdist carries. The wheel is installed with ``--no-deps`` into a
scratch ``--target`` folder and imported from there by the base interpreter (the
dependencies come from this venv's site-packages on ``PYTHONPATH``, whose ``.pth`` files,
the editable install among them, are then not read).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert out.returncode == 0, f"{args}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wheel")
    assert REPO not in root.parents, "the scratch folder must be outside the repository"
    venv_bin = str(Path(sys.executable).parent)
    assert shutil.which("node", path=venv_bin) is None
    env = {**os.environ, "PATH": venv_bin}
    _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(root / "dist"), "."],
        cwd=REPO,
        env=env,
    )
    (wheel,) = (root / "dist").glob("*.whl")
    (sdist,) = (root / "dist").glob("*.tar.gz")
    target = root / "site"
    _run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
         "--target", str(target), str(wheel)],
        env=env,
    )  # fmt: skip
    return {"root": root, "wheel": wheel, "sdist": sdist, "target": target}


def _headless_env(target: Path) -> dict[str, str]:
    deps = sysconfig.get_paths()["purelib"]  # this venv's site-packages
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(target), deps]),
        "PATH": str(Path(sys.executable).parent),
    }


def _bundles() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    targets = config["tool"]["hatch"]["build"]["hooks"]["jupyter-builder"]["ensured-targets"]
    styles = [
        f"tda_widgets/static/{folder.name}.css"
        for folder in sorted((REPO / "js").iterdir())
        if (folder / "styles.css").is_file()
    ]
    assert len(targets) >= 5 and styles
    return [*targets, *styles]


def test_the_wheel_holds_bundles_weights_notebooks_licence_and_py_typed(built):
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    for bundle in _bundles():
        assert bundle in names, bundle
    weights = sorted((REPO / "tda_widgets/datasets/weights").iterdir())
    assert any(p.suffix == ".pt" for p in weights)
    for path in weights:
        assert f"tda_widgets/datasets/weights/{path.name}" in names, path.name
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert f"tda_widgets/_notebooks/{notebook.name}" in names, notebook.name
    assert "tda_widgets/py.typed" in names
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert b"MIT License" in zipfile.ZipFile(built["wheel"]).read(licence)
    metadata = (
        zipfile.ZipFile(built["wheel"])
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: MIT" in metadata
    assert "Requires-Dist: torchvision" in metadata and "extra == 'vision'" in metadata
    assert not any(line == "Requires-Dist: torchvision>=0.17" for line in metadata.splitlines())


def test_the_sdist_carries_the_built_javascript(built):
    with tarfile.open(built["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for bundle in _bundles():
        assert bundle in names, bundle


def test_the_installed_wheel_builds_and_exports_the_default_explorer(built, tmp_path):
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    script = workdir / "wheel_smoke.py"
    shutil.copyfile(REPO / "tests/wheel_smoke.py", script)
    out = workdir / "explorer.html"
    result = _run(
        [sys._base_executable, str(script), str(built["target"]), str(out)],
        cwd=workdir,
        env=_headless_env(built["target"]),
    )
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(facts["module"]).is_relative_to(built["target"])
    assert facts["torchvision_loaded"] is False
    assert facts["layers"] > 1
    page = out.read_text(encoding="utf-8")
    assert facts["html_bytes"] == out.stat().st_size
    assert "<html" in page.lower() and "application/json" in page


def test_python_m_tda_widgets_notebooks_works_from_the_wheel(built, tmp_path):
    dest = tmp_path / "course"
    _run(
        [sys._base_executable, "-m", "tda_widgets", "notebooks", str(dest)],
        cwd=tmp_path,
        env=_headless_env(built["target"]),
    )
    copied = sorted(p.name for p in dest.glob("*.ipynb"))
    assert copied == sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    refused = subprocess.run(
        [sys._base_executable, "-m", "tda_widgets", "notebooks", str(dest)],
        capture_output=True, text=True, cwd=tmp_path, env=_headless_env(built["target"]),
        timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2 and "--force" in refused.stderr
