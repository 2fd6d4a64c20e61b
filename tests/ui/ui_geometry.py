"""Page coordinates of things drawn on the views' canvases, for the browser tests.

Each canvas publishes its mapping from data to pixels in a ``data-plot`` attribute (the
diagram: axis ranges and plot box; the matrix: cell size and offsets). These helpers turn
data values into the page coordinates Playwright's mouse needs.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

#: what a view's drawn-state attribute (``data-plot``, ``data-transform``) holds once it
#: has drawn: anything non-empty
DRAWN = re.compile(r".+")


def plot_and_box(canvas: Any) -> tuple[dict[str, Any], dict[str, float]]:
    """The canvas' ``data-plot`` mapping and its bounding box on the page."""
    return json.loads(canvas.get_attribute("data-plot")), canvas.bounding_box()


def diagram_pixel(
    plot: dict[str, Any], x_value: float, y_value: float | None, box: dict[str, float]
) -> tuple[float, float]:
    """Page coordinates of ``(x_value, y_value)`` on a diagram; ``None`` is the ∞ line."""
    y_value = plot["inf"] if y_value is None else y_value
    x = plot["left"] + (x_value - plot["xlo"]) / (plot["xhi"] - plot["xlo"]) * plot["plotW"]
    y = (
        plot["top"]
        + plot["plotH"]
        - (y_value - plot["ylo"]) / (plot["yhi"] - plot["ylo"]) * plot["plotH"]
    )
    return box["x"] + x, box["y"] + y


def diagram_point(canvas: Any, birth: float, death: float | None) -> tuple[float, float]:
    """Page coordinates of the diagram point ``(birth, death)`` on ``canvas``."""
    plot, box = plot_and_box(canvas)
    return diagram_pixel(plot, birth, death, box)


def matrix_cell(canvas: Any, i: int, j: int) -> tuple[float, float]:
    """Page coordinates of the centre of cell ``(i, j)`` of a layer-distance matrix."""
    plot, box = plot_and_box(canvas)
    return (
        box["x"] + plot["left"] + (j + 0.5) * plot["cell"],
        box["y"] + plot["top"] + (i + 0.5) * plot["cell"],
    )


def isolated(xy: np.ndarray, count: int) -> list[int]:
    """The ``count`` points of ``xy`` farthest from their nearest neighbour (safe to click)."""
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    return [int(k) for k in np.argsort(-d.min(axis=1))[:count]]
