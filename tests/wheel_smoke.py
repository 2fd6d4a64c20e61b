"""Run by tests/test_wheel.py from a scratch folder: the installed wheel, headless.

``python wheel_smoke.py TARGET OUT``: imports tda_widgets from TARGET (the ``pip install
--target`` folder, first on ``PYTHONPATH``) with torchvision blocked, builds the default
explorer, writes its ``to_html`` page to OUT and prints one JSON line of facts.
"""

from __future__ import annotations

import importlib.abc
import json
import sys
from pathlib import Path
from typing import Any


class _NoTorchvision(importlib.abc.MetaPathFinder):
    """explore() must work without torchvision (the ``vision`` extra)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] == "torchvision":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


def _live_widgets() -> int:
    from ipywidgets.widgets import widget

    return len(widget._instances)


def main(target: str, out: str) -> None:
    sys.meta_path.insert(0, _NoTorchvision())
    import tda_widgets

    location = Path(tda_widgets.__file__).resolve()
    if Path(target).resolve() not in location.parents:
        raise SystemExit(f"tda_widgets imported from {location}, not from {target}")
    before = _live_widgets()
    explorer = tda_widgets.explore(progress=False)
    after_explore = _live_widgets()
    path = explorer.to_html(out)
    print(
        json.dumps(
            {
                "module": str(location),
                "layers": len(explorer.layers),
                "html_bytes": Path(path).stat().st_size,
                "torchvision_loaded": "torchvision" in sys.modules,
                "widgets_before": before,
                "widgets_after_explore": after_explore,
                "widgets_after_to_html": _live_widgets(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
