"""The explorer as one self-contained HTML page, with its linking done in the page.

Every layer is precomputed: diagrams and generators, the matching lines of every ordered
pair of layers (the explorer's, cached by the analysis), each layer's confidence set
(when the explorer shows them), each layer's Mapper graph with its purity test, image
thumbnails and captions. The page's runtime (``js/standalone/explorer.ts``) links the
views as the Python explorer does: a matrix click shows the two layers' own diagrams,
matching, confidence sets and notes, never another pair's.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets.widgets._base import detached
from tda_widgets.widgets._codec import array_to_json
from tda_widgets.widgets._evidence import confidence_record
from tda_widgets.widgets._export import NOT_EXPORTED, encode_nested, page_html, view_spec
from tda_widgets.widgets._sprites import encode_png

__all__ = ["MAX_EMBEDDED_IMAGES", "explorer_html", "explorer_state"]

#: more images than this are not embedded (the page says how many are missing)
MAX_EMBEDDED_IMAGES = 5000

#: (width, height) of the diagram and the Mapper canvas in the page, CSS pixels
PAGE_VIEW_SIZES = ((380, 380), (520, 380))

# traits of the Mapper view that change with the layer
_MAPPER_SELECTION = {
    "selected_nodes",
    "selected_indices",
    "detail",
    "thumbnails",
    "thumbnail_indices",
    "thumbnail_grid",
    "class_filter",
}

_BODY = """<div id="tdaw-root">
<h1 style="font-size:18px;margin:0 0 8px">{title}</h1>
<p class="tdaw-page-note">{note}</p>
<div class="tdaw-page-grid"><div data-view="matrix"></div><div data-view="diagram"></div></div>
<div class="tdaw-page-grid" style="margin-top:16px"><div data-view="mapper"></div>
<div data-testid="gallery" class="tdaw-gallery"></div></div>
</div>"""


class ExplorerParts(Protocol):
    """What the page needs from an :class:`~.explorer.ActivationExplorer` (named here,
    so that this module does not import the explorer that imports it)."""

    @property
    def layers(self) -> Sequence[str]: ...
    @property
    def diagrams(self) -> Mapping[str, Diagrams]: ...
    @property
    def clouds(self) -> Sequence[PointCloud]: ...
    @property
    def source(self) -> Any: ...
    @property
    def image_labels(self) -> Any: ...
    @property
    def class_names(self) -> Any: ...
    @property
    def gallery(self) -> Any: ...
    @property
    def matrix(self) -> Any: ...
    @property
    def diagram(self) -> Any: ...
    @property
    def mapper(self) -> Any: ...
    def mapper_view(self, j: int, *, keep: bool = True) -> Any: ...
    def matching_lines(self, i: int, j: int) -> list[NDArray[np.int32]]: ...
    def confidence_set(self, layer: str) -> Any: ...


def _mapper_state(explorer: ExplorerParts, j: int) -> dict[str, Any]:
    # inside explorer_html's detached(): a layer's view not built yet is made without a
    # comm (nothing reaches the front-end) and closed afterwards; no live widget is left
    widget = explorer.mapper_view(j, keep=False)
    state = widget.get_state()
    # the view's size stays the page's (PAGE_VIEW_SIZES), whatever the layer
    skip = NOT_EXPORTED | _MAPPER_SELECTION | {"width", "height", "fit_width"}
    out = {k: v for k, v in state.items() if k not in skip}
    # the page maps selected nodes to images itself: it needs each node's members
    out["member_offsets"] = array_to_json(widget.graph.member_offsets)
    out["members"] = array_to_json(widget.graph.members)
    return out


def _confidence_records(
    explorer: ExplorerParts, dgms: list[list[NDArray[np.float64]]]
) -> list[dict[str, Any]] | None:
    """Per layer, the ``confidence`` trait record of its confidence set (checked against
    its diagrams), or ``None`` when the explorer's confidence sets are off."""
    sets = [explorer.confidence_set(name) for name in explorer.layers]
    if all(c is None for c in sets):
        return None
    return [
        confidence_record(c, dgms[k], name=f"confidence set of {explorer.layers[k]!r}")
        for k, c in enumerate(sets)
    ]


def explorer_state(explorer: ExplorerParts) -> dict[str, Any]:
    """What the page's runtime links, before its arrays are encoded: the page's
    ``ExplorerSpec`` (``js/standalone/explorer.ts``).

    ``matchings["i,j"]`` are :meth:`ActivationExplorer.matching_lines` of every ordered
    pair; ``confidence`` holds one confidence record per layer (the one the explorer
    draws on that layer's diagram), or is ``None`` when the confidence sets are off.

    Examples
    --------
    >>> import torch, tempfile
    >>> from tda_widgets import Analysis, ActivationExplorer
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU())
    >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> tmp = tempfile.TemporaryDirectory()
    >>> an = Analysis(net, images, ["0", "1"], cache_dir=tmp.name, progress=False)
    >>> ex = ActivationExplorer(an, mapper_params={"n_intervals": 2}, confidence=True)
    >>> state = explorer_state(ex)
    >>> [rec["c_alpha"] == an.diagram_confidence(name).c_alpha
    ...  for rec, name in zip(state["confidence"], ex.layers)]
    [True, True]
    >>> sorted(state["matchings"])
    ['0,1', '1,0']
    >>> tmp.cleanup()
    """
    from tda_widgets.widgets.persistence_diagram import subsample_note

    layers = explorer.layers
    dgms = [list(explorer.diagrams[name]) for name in layers]
    matchings: dict[str, Any] = {}
    for i in range(len(layers)):
        for j in range(len(layers)):
            if i != j:  # each order as the explorer shows it (its own cached matching)
                matchings[f"{i},{j}"] = [array_to_json(p) for p in explorer.matching_lines(i, j)]
    with detached():
        mappers = [_mapper_state(explorer, j) for j in range(len(layers))]
    n_images = len(explorer.source)
    n_embedded = min(n_images, MAX_EMBEDDED_IMAGES)
    thumbs = explorer.source.get(range(n_embedded))
    urls = ["data:image/png;base64," + base64.b64encode(encode_png(t)).decode() for t in thumbs]
    captions = [""] * n_images
    if explorer.image_labels is not None and explorer.class_names is not None:
        captions = [explorer.class_names[c] if c >= 0 else "" for c in explorer.image_labels]
    return {
        "matrix": "matrix",
        "diagram": "diagram",
        "mapper": "mapper",
        "layers": layers,
        "diagrams": [[array_to_json(d) for d in dg] for dg in dgms],
        "generators": [
            [array_to_json(g) for g in (explorer.diagrams[name].generators or ())]
            for name in layers
        ],
        "matchings": matchings,
        "mappers": mappers,
        "image_index": [array_to_json(c.image_index) for c in explorer.clouds],
        "thumbnails": urls,
        "captions": captions,
        "max_gallery": explorer.gallery.max_images,
        # what the screen shows now (save_png pictures it): the gallery's images and title,
        # the Mapper's selected nodes (their rings; the side panel is the live view's) and
        # the diagram's selected points
        "initial": {
            "images": [int(i) for i in explorer.gallery.indices],
            "heading": str(explorer.gallery.title),
            "nodes": [int(n) for n in explorer.mapper.selected_nodes],
            "points": [[int(d), int(k)] for d, k in explorer.diagram.selected_points],
        },
        "subsample_notes": [
            subsample_note(explorer.diagrams[name], cloud=cloud)
            for name, cloud in zip(layers, explorer.clouds, strict=True)
        ],
        "confidence": _confidence_records(explorer, dgms),
    }


def explorer_html(explorer: ExplorerParts, *, title: str = "tda_widgets explorer") -> str:
    """The HTML page of ``explorer`` (see :meth:`ActivationExplorer.to_html`)."""
    state = explorer_state(explorer)
    layers = explorer.layers
    n_images = len(explorer.source)
    n_embedded = min(n_images, MAX_EMBEDDED_IMAGES)
    nested, buffers = encode_nested(state)
    views = [
        view_spec(explorer.matrix, "matrix"),
        view_spec(explorer.diagram, "diagram"),
        view_spec(explorer.mapper, "mapper"),
    ]
    # the page's boxes take their views' widths: a view fitting its box there would
    # shrink with it (fit_width needs a box sized from outside, as the explorer's slots),
    # so the views draw at fixed sizes that fit a 1300 px page beside each other
    for spec, (width, height) in zip(views[1:], PAGE_VIEW_SIZES, strict=True):
        spec["state"].update(fit_width=False, width=width, height=height)
    missing = n_images - n_embedded
    note = (
        f"{len(layers)} layers, {n_images} images. Click a matrix cell to compare two layers "
        "and see the second one's Mapper graph; click a diagram point or Mapper nodes to "
        "see their images."
        + (f" Only the first {n_embedded} images are embedded ({missing} not)." if missing else "")
    )
    body = _BODY.format(title=html.escape(title), note=html.escape(note))
    return page_html(
        views, title=title, body=body, extra={"explorer": {"state": nested, "buffers": buffers}}
    )
