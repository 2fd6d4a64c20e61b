"""ImageGallery: the images of the current selection, as an ipywidgets grid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import traitlets

from tda_widgets.widgets._sprites import encode_png
from tda_widgets.widgets.panels.images import ImageSource

__all__ = ["ImageGallery"]


class ImageGallery(widgets.VBox):
    """A grid of thumbnails with captions; captions are plain text, never HTML.

    Parameters
    ----------
    source : ImageSource
        Where the images come from.
    captions : sequence of str, optional
        One caption per image (e.g. its class name).
    max_images : int
        At most this many thumbnails are shown; the heading says how many there are.

    Examples
    --------
    >>> import numpy as np
    >>> g = ImageGallery(ImageSource(np.zeros((5, 8, 8))), captions=list("abcde"), max_images=2)
    >>> g.show([4, 1, 3], "Selection")
    >>> g.indices, g.heading.value
    ([1, 3, 4], 'Selection: 3 images (showing 2)')
    """

    indices = traitlets.List(traitlets.Int())
    """list of int: image indices of the selection (all of them, not only those shown)."""

    def __init__(
        self,
        source: ImageSource,
        *,
        captions: Sequence[str] | None = None,
        max_images: int = 48,
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
        self.heading = widgets.Label("Select a diagram point or Mapper nodes to see images.")
        self.grid = widgets.GridBox(
            layout=widgets.Layout(
                grid_template_columns="repeat(auto-fill, 64px)", grid_gap="4px", width="100%"
            )
        )
        super().__init__([self.heading, self.grid], **kwargs)
        self.add_class("tdaw-gallery")

    def show(self, indices: Sequence[int], heading: str = "Selection") -> None:
        """Show images ``indices`` (sorted, duplicates removed)."""
        idx = sorted({int(i) for i in indices})
        self.indices = idx
        shown = idx[: self.max_images]
        if not idx:
            self.heading.value = f"{heading}: no images"
            self.grid.children = ()
            return
        more = f" (showing {len(shown)})" if len(shown) < len(idx) else ""
        self.heading.value = f"{heading}: {len(idx)} image{'s' * (len(idx) != 1)}{more}"
        thumbs = self.source.get(shown)
        cells = []
        for i, img in zip(shown, thumbs, strict=True):
            picture = widgets.Image(
                value=encode_png(img), format="png", layout=widgets.Layout(width="56px")
            )
            text = f"#{i}" + (f" {self.captions[i]}" if self.captions else "")
            cells.append(widgets.VBox([picture, widgets.Label(text)]))
        self.grid.children = tuple(cells)
