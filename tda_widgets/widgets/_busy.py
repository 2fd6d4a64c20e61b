"""A busy state for views while Python recomputes what they show.

``with busy(view, ...):`` adds the CSS class ``tdaw-busy`` to each widget for the
duration of the block (js/shared/base.css dims the view and shows "Computing…"), so
that a view never shows old results under new controls without saying so. The class
change is sent to the page before the computation starts; it is removed even when the
block raises. Nested blocks on the same widget keep the class until the outer one ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["BUSY_CLASS", "busy"]

BUSY_CLASS = "tdaw-busy"


@contextmanager
def busy(*views: Any) -> Iterator[None]:
    """Mark ``views`` (ipywidgets DOMWidgets) busy while the block runs.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> box = widgets.Box()
    >>> with busy(box):
    ...     "tdaw-busy" in box._dom_classes
    True
    >>> "tdaw-busy" in box._dom_classes
    False
    """
    added = [v for v in views if BUSY_CLASS not in v._dom_classes]
    for v in added:
        v.add_class(BUSY_CLASS)
    try:
        yield
    finally:
        for v in added:
            v.remove_class(BUSY_CLASS)
