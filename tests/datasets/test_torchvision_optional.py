"""torchvision is optional: the loaders that need it say so when it is missing or broken."""

from __future__ import annotations

import importlib.abc
import sys
from typing import Any

import pytest

from tda_widgets.datasets import cifar10, image_folder


class _Blocker(importlib.abc.MetaPathFinder):
    """Make ``import torchvision`` fail the way a missing or mismatched install does."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "torchvision" or name.startswith("torchvision."):
            raise self.error
        return None


@pytest.fixture
def block_torchvision(monkeypatch: pytest.MonkeyPatch):
    def block(error: Exception) -> None:
        for name in list(sys.modules):
            if name == "torchvision" or name.startswith("torchvision."):
                monkeypatch.delitem(sys.modules, name)
        monkeypatch.setattr(sys, "meta_path", [_Blocker(error), *sys.meta_path])

    return block


@pytest.mark.parametrize("loader", [cifar10, image_folder])
def test_a_missing_torchvision_is_named_with_the_fix(block_torchvision, loader, tmp_path):
    block_torchvision(ModuleNotFoundError("No module named 'torchvision'", name="torchvision"))
    with pytest.raises(ModuleNotFoundError) as info:
        loader(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{loader.__name__} needs torchvision, which is not installed")
    assert "tda-widgets[vision]" in message
    assert "download.pytorch.org/whl/cpu" in message
    assert info.value.name == "torchvision"


@pytest.mark.parametrize("loader", [cifar10, image_folder])
def test_a_torchvision_built_for_another_torch_is_named(block_torchvision, loader, tmp_path):
    import torch

    block_torchvision(RuntimeError("operator torchvision::nms does not exist"))
    with pytest.raises(ImportError) as info:
        loader(tmp_path)
    message = str(info.value)
    assert f"{loader.__name__} needs torchvision" in message
    assert "failed to import beside torch" in message
    assert torch.__version__.split("+")[0] in message
    assert "operator torchvision::nms does not exist" in message
    assert isinstance(info.value.__cause__, RuntimeError)


def test_another_missing_module_is_not_blamed_on_torchvision(block_torchvision, tmp_path):
    block_torchvision(ModuleNotFoundError("No module named 'PIL'", name="PIL"))
    with pytest.raises(ModuleNotFoundError) as info:
        cifar10(tmp_path)
    assert info.value.name == "PIL"
    assert "needs torchvision" not in str(info.value)


def test_the_explore_path_never_imports_torchvision():
    """``explore()``'s modules import without torchvision (it is the ``vision`` extra)."""
    import subprocess

    code = (
        "import sys, importlib.abc\n"
        "class B(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'torchvision':\n"
        "            raise ModuleNotFoundError(name, name='torchvision')\n"
        "sys.meta_path.insert(0, B())\n"
        "import tda_widgets.widgets.panels.explore, tda_widgets.widgets.panels.explorer\n"
        "import tda_widgets.widgets.panels.export_explorer, tda_widgets.analysis\n"
        "import tda_widgets.datasets.default, tda_widgets.datasets.mnist\n"
        "print('torchvision' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    assert out.stdout.strip() == "False", out.stderr
