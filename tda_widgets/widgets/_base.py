"""What every tda_widgets view shares: where its front-end bundle lives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anywidget

from tda_widgets.widgets._bundles import STATIC, bundle

__all__ = ["STATIC", "TdaWidget", "bundle"]


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
