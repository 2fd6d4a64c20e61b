"""Where the views' front-end bundles live (built from ``js/<name>/`` into ``static/``)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC", "bundle"]

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
