"""What every tda_widgets view shares: where its front-end bundle lives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget

STATIC = Path(__file__).resolve().parent.parent / "static"


def bundle(name: str) -> tuple[Path, Path]:
    """Paths of the ``<name>.js`` and ``<name>.css`` built from ``js/<name>/``.

    Raises a ``RuntimeError`` that says how to build them when they are missing
    (a source checkout before ``npm run build``).
    """
    js, css = STATIC / f"{name}.js", STATIC / f"{name}.css"
    if not js.exists():
        raise RuntimeError(
            f"The front-end of the {name!r} widget is not built: {js} is missing. "
            "In a source checkout run `make build` (or `npm ci && npm run build`)."
        )
    return js, css


class TdaWidget(anywidget.AnyWidget):
    """Base class of the views: subclasses set ``_bundle`` to their ``js/<name>/`` folder."""

    _bundle: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if cls.__dict__.get("_bundle"):
            js, css = STATIC / f"{cls._bundle}.js", STATIC / f"{cls._bundle}.css"
            # anywidget turns these paths into file contents (reloaded on change in a
            # source checkout). A missing build is reported when the widget is created.
            if js.is_file():
                cls._esm = js
            if css.is_file():
                cls._css = css
        super().__init_subclass__(**kwargs)

    def __init__(self, **kwargs: object) -> None:
        if self._bundle:
            bundle(self._bundle)
        super().__init__(**kwargs)
