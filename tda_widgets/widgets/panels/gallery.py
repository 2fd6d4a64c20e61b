"""ImageGallery: the images of the current selection, as an ipywidgets grid."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import traitlets
from numpy.typing import NDArray

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
        Where the images come from; only the thumbnails shown are read from it.
    captions : sequence of str or callable, optional
        One caption per image (e.g. its class name), or a function from an image index
        to its caption (asked only for the images shown).
    max_images : int
        At most this many thumbnails are shown (and read); the heading says how many
        images the selection has, and :attr:`indices` holds all of them.
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
    >>> g = ImageGallery(ImageSource(np.zeros((20000, 2, 2))), captions=lambda i: f"c{i % 3}")
    >>> g.show(range(20000), "Node 4")
    >>> g.text, len(g.indices), len(g.grid.children)
    ('Node 4: 20,000 images (showing 48)', 20000, 48)
    """

    indices = traitlets.List(traitlets.Int())
    """list of int: image indices of the selection (all of them, not only those shown)."""

    title = traitlets.Unicode("")
    """str: what the images are (e.g. "Mapper nodes of conv2"); "" when nothing is shown."""

    def __init__(
        self,
        source: ImageSource,
        *,
        captions: Sequence[str] | Callable[[int], str] | None = None,
        max_images: int = 48,
        max_height: str = "420px",
        **kwargs: Any,
    ) -> None:
        self.source = source
        self.captions: Sequence[str] | Callable[[int], str] | None = (
            captions if captions is None or callable(captions) else list(captions)
        )
        if isinstance(self.captions, list) and len(self.captions) != len(source):
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
                # rows as tall as their tiles, always: with auto rows a re-render under a
                # height limit (intervals changed, selection kept) squeezed them 77 -> 65 px
                # and cut the captions
                grid_auto_rows="max-content",
                flex="0 0 auto",
                # a rule under the grid: where it scrolls, the cut row reads as scrolled
                border_bottom="1px solid var(--jp-border-color2, #e0e0e0)",
            )
        )
        self.grid.add_class("tdaw-gallery-grid")
        # buttons that act on the selection shown (the explorer's "Images along this
        # loop"); empty, it takes no room
        self.actions = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([self.heading, self.actions, self.grid], **kwargs)
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

    def _caption(self, i: int) -> str:
        if self.captions is None:
            return ""
        return str(self.captions(i) if callable(self.captions) else self.captions[i])

    def show(self, indices: Sequence[int] | NDArray[np.int64], heading: str = "Selection") -> None:
        """Show images ``indices`` (sorted, duplicates removed) under ``heading``.

        Only the first :attr:`max_images` are read and drawn; :attr:`indices` keeps all.
        """
        idx = np.unique(np.asarray(indices, dtype=np.int64).ravel()).tolist()
        self._show(idx, heading, None)

    def show_sequence(
        self,
        indices: Sequence[int] | NDArray[np.int64],
        heading: str,
        notes: Sequence[str],
    ) -> None:
        """Show images ``indices`` in the order given (repeats kept), each under its note.

        For an ordered selection such as the images along a loop: ``notes[k]`` (e.g.
        ``"3/24"``, plain text) goes on a line above image ``indices[k]``'s caption, and
        :attr:`indices` keeps the order. Only the first :attr:`max_images` are read and
        drawn.

        Examples
        --------
        >>> import numpy as np
        >>> g = ImageGallery(ImageSource(np.zeros((5, 8, 8))), captions=list("abcde"))
        >>> g.show_sequence([4, 1, 3], "Loop", ["1/3", "2/3", "3/3"])
        >>> g.indices, g.text
        ([4, 1, 3], 'Loop: 3 images in order')
        """
        idx = [int(i) for i in np.asarray(indices, dtype=np.int64).ravel()]
        if len(notes) != len(idx):
            raise ValueError(f"notes: expected one note per image ({len(idx)}), got {len(notes)}")
        self._show(idx, heading, [str(n) for n in notes])

    def _show(self, idx: list[int], heading: str, notes: list[str] | None) -> None:
        self.indices = idx
        self.title = heading
        shown = idx[: self.max_images]
        if not idx:
            self._set_text(f"{heading}: no images")
            self.grid.children = ()
            return
        more = f" (showing {len(shown)})" if len(shown) < len(idx) else ""
        order = " in order" if notes is not None else ""
        self._set_text(f"{heading}: {len(idx):,} image{'s' * (len(idx) != 1)}{order}{more}")
        thumbs = self.source.thumbnails(shown)
        cells = []
        for k, (i, img) in enumerate(zip(shown, thumbs, strict=True)):
            picture = widgets.Image(
                value=encode_png(img),
                format="png",
                # a fixed box: a tile's height never waits on the image's decoding (rows
                # laid out before it were 43 px, the next row's images over the captions)
                layout=widgets.Layout(
                    width="56px", height="56px", min_height="56px", object_fit="contain"
                ),
            )
            caption = self._caption(i)
            text = html.escape(f"#{i}" + (f" {caption}" if caption else ""))
            if notes is not None:  # a line of its own, so it never runs into the caption
                note = html.escape(notes[k])
                text = f'<span style="display: block; font-weight: 600">{note}</span>{text}'
            label = widgets.HTML(
                f'<div style="font-size: 11px; line-height: 1.2; overflow-wrap: anywhere" '
                f'data-testid="gallery-item" data-image="{i}">{text}</div>',
                layout=widgets.Layout(width="64px"),
            )
            cells.append(
                widgets.VBox(
                    [picture, label], layout=widgets.Layout(overflow="visible", flex="0 0 auto")
                )
            )
        self.grid.children = tuple(cells)
