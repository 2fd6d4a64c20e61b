"""ImageGallery: the images of the current selection, as an ipywidgets grid."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from tda_widgets.widgets._sprites import encode_png
from tda_widgets.widgets.panels.images import ImageSource

__all__ = ["ImageGallery"]

PLACEHOLDER = "Select a diagram point or Mapper nodes to see their images."


class ImageGallery(widgets.VBox):
    """A grid of thumbnails with captions; captions are plain text, never HTML.

    The heading wraps instead of being cut, the grid fills the gallery's width, and past
    ``max_height`` the grid scrolls inside the gallery rather than growing the page.

    Parameters
    ----------
    source : ImageSource
        Where the images come from.
    captions : sequence of str, optional
        One caption per image (e.g. its class name).
    max_images : int
        At most this many thumbnails are shown; the heading says how many there are.
    max_height : str
        CSS height past which the grid scrolls (default ``"420px"``).

    Examples
    --------
    >>> import numpy as np
    >>> g = ImageGallery(ImageSource(np.zeros((5, 8, 8))), captions=list("abcde"), max_images=2)
    >>> g.show([4, 1, 3], "Selection")
    >>> g.indices, g.title, g.text
    ([1, 3, 4], 'Selection', 'Selection: 3 images (showing 2)')
    >>> g.clear()
    >>> g.indices, g.title
    ([], '')
    """

    indices = traitlets.List(traitlets.Int())
    """list of int: image indices of the selection (all of them, not only those shown)."""

    title = traitlets.Unicode("")
    """str: what the images are (e.g. "Mapper nodes of conv2"); "" when nothing is shown."""

    def __init__(
        self,
        source: ImageSource,
        *,
        captions: Sequence[str] | None = None,
        max_images: int = 48,
        max_height: str = "420px",
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.captions = list(captions) if captions is not None else None
        if self.captions is not None and len(self.captions) != len(source):
            raise ValueError(
                f"captions: expected one caption per image ({len(source)}), "
                f"got {len(self.captions)}"
            )
        self.max_images = int(max_images)
        self.text = PLACEHOLDER
        self.heading = widgets.HTML(self._heading_html())
        self.heading.add_class("tdaw-gallery-heading")
        self.grid = widgets.GridBox(
            layout=widgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(68px, 1fr))",
                grid_gap="6px",
                width="100%",
                max_height=max_height,
                overflow_y="auto",
                align_content="flex-start",
            )
        )
        self.grid.add_class("tdaw-gallery-grid")
        super().__init__([self.heading, self.grid], **kwargs)
        self.add_class("tdaw-gallery")

    def _heading_html(self) -> str:
        # an HTML widget wraps long headings where a Label would cut them; escaped text
        style = "white-space: normal; overflow-wrap: anywhere; line-height: 1.35"
        return f'<div style="{style}" data-testid="gallery-heading">{html.escape(self.text)}</div>'

    def _set_text(self, text: str) -> None:
        self.text = text
        self.heading.value = self._heading_html()

    def clear(self) -> None:
        """Show no images, and the hint that says how to select some."""
        self.indices = []
        self.title = ""
        self.grid.children = ()
        self._set_text(PLACEHOLDER)

    def show(self, indices: Sequence[int], heading: str = "Selection") -> None:
        """Show images ``indices`` (sorted, duplicates removed) under ``heading``."""
        idx = sorted({int(i) for i in indices})
        self.indices = idx
        self.title = heading
        shown = idx[: self.max_images]
        if not idx:
            self._set_text(f"{heading}: no images")
            self.grid.children = ()
            return
        more = f" (showing {len(shown)})" if len(shown) < len(idx) else ""
        self._set_text(f"{heading}: {len(idx)} image{'s' * (len(idx) != 1)}{more}")
        thumbs = self.source.get(shown)
        cells = []
        for i, img in zip(shown, thumbs, strict=True):
            picture = widgets.Image(
                value=encode_png(img), format="png", layout=widgets.Layout(width="56px")
            )
            text = f"#{i}" + (f" {self.captions[i]}" if self.captions else "")
            label = widgets.HTML(
                f'<div style="font-size: 11px; line-height: 1.2; overflow-wrap: anywhere">'
                f"{html.escape(text)}</div>",
                layout=widgets.Layout(width="64px"),
            )
            cells.append(widgets.VBox([picture, label]))
        self.grid.children = tuple(cells)
