"""What every tda_widgets view shares: where its front-end bundle lives."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import anywidget

from tda_widgets.widgets._bundles import STATIC, bundle

__all__ = ["STATIC", "TdaWidget", "bundle", "detached"]

# the widgets made inside `detached()` (in this thread or task), or None outside it
_DETACHED: ContextVar[list[Any] | None] = ContextVar("tdaw_detached", default=None)


class _NoComm:
    """Stands in for a Jupyter comm and sends nothing (``kernel`` None: ipywidgets skips
    sending); a widget that has one never reaches the front-end."""

    kernel = None

    def __init__(self) -> None:
        self.comm_id = uuid.uuid4().hex

    def on_msg(self, callback: Any) -> None:
        pass

    def send(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def detached() -> Iterator[list[Any]]:
    """Widgets made inside are built for their state only: no comm is opened, nothing is
    sent to the front-end, and each is closed (no longer a live widget) on exit.

    Exports use it to build the state of views nobody displays. It covers every ipywidget
    made in this thread or task (a view's ``layout`` too), through ipywidgets' widget
    construction callback, which runs before a widget opens its comm; a callback already
    registered there still runs. Yields the list of widgets made so far.

    Examples
    --------
    >>> import numpy as np
    >>> from ipywidgets.widgets.widget import _instances
    >>> from tda_widgets import PersistenceDiagramWidget
    >>> before = len(_instances)
    >>> with detached() as made:
    ...     state = PersistenceDiagramWidget([np.array([[0.0, 1.0]])]).get_state()
    >>> len(made) >= 1, len(_instances) == before, "diagrams" in state
    (True, True, True)
    """
    from ipywidgets import Widget

    made: list[Any] = []
    previous = Widget._widget_construction_callback

    def constructed(widget: Any) -> None:
        if callable(previous):
            previous(widget)
        into = _DETACHED.get()
        if into is not None and widget.comm is None:
            widget.comm = _NoComm()  # Widget.open() then opens no comm
            into.append(widget)

    token = _DETACHED.set(made)
    Widget.on_widget_constructed(constructed)
    try:
        yield made
    finally:
        Widget._widget_construction_callback = previous
        _DETACHED.reset(token)
        for widget in made:
            widget.close()


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

    # -- export ----------------------------------------------------------------------
    def to_html(self, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
        """Write this view as one self-contained HTML file (no network needed to open it).

        The page holds the view's JS bundle, CSS and data; hover, click, selection and
        the other front-end interactions work in it. Selections are not sent back to
        Python (there is no kernel): read them in the page as ``window.tdaw.models``.

        Examples
        --------
        >>> import numpy as np, tempfile, pathlib
        >>> from tda_widgets import PersistenceDiagramWidget
        >>> w = PersistenceDiagramWidget([np.array([[0.0, 1.0]])])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = w.to_html(pathlib.Path(tmp) / "diagram.html")
        ...     "<script" in out.read_text()
        True
        """
        from tda_widgets.widgets._export import page_html, view_spec, write_html

        name = title or getattr(self, "title", "") or type(self).__name__
        return write_html(path, page_html([view_spec(self, "view")], title=name))

    def save_png(self, path: str | os.PathLike[str], *, scale: float = 2.0) -> Path:
        """Save a PNG of this view, rendered in headless Chromium from :meth:`to_html`.

        Needs Chromium (Debian: ``apt-get install chromium``; or set ``TDAW_CHROMIUM``)
        and the ``playwright`` package.
        """
        from tda_widgets.widgets._export import page_html, save_png, view_spec

        page = page_html([view_spec(self, "view")], title=type(self).__name__)
        return save_png(page, path, selector="[data-view='view'] > *", scale=scale)
