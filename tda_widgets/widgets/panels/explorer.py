"""ActivationExplorer: the paper's analysis as one linked dashboard (ipywidgets + bqplot).

Views are linked through their traits, so every link also works from Python:

* a matrix cell ``(i, j)`` -> the diagrams of layers ``i`` and ``j`` with their optimal
  matching, and the Mapper graph of layer ``j``;
* a diagram point -> the images whose activations form that feature's birth and death
  edges, in the gallery and highlighted (selected) in the Mapper graph;
* Mapper nodes -> their member images in the gallery; switching layer selects, in the
  new layer's graph, the nodes that hold the same images (follow them through the net).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import DistanceMatrix, MapperGraph, PointCloud
from tda_widgets.widgets.layer_distance_matrix import LayerDistanceMatrixWidget
from tda_widgets.widgets.mapper_graph import MapperGraphWidget
from tda_widgets.widgets.panels.gallery import ImageGallery
from tda_widgets.widgets.panels.images import ImageSource
from tda_widgets.widgets.panels.summary import LayerSummaryPanel
from tda_widgets.widgets.persistence_diagram import PersistenceDiagramWidget

__all__ = ["ActivationExplorer", "ExplorerSelection"]


@dataclass(frozen=True)
class ExplorerSelection:
    """What is selected in an :class:`ActivationExplorer`.

    Attributes
    ----------
    layers : tuple of str
        The pair of layers shown (diagrams of both; Mapper of the second).
    points : tuple of (dim, index)
        Selected diagram points of the first layer.
    nodes : tuple of int
        Selected Mapper nodes of the second layer.
    images : ndarray of int64
        Image indices of the current selection (what the gallery shows).
    """

    layers: tuple[str, str]
    points: tuple[tuple[int, int], ...]
    nodes: tuple[int, ...]
    images: NDArray[np.int64]


def _image_labels(clouds: list[PointCloud], n_images: int) -> NDArray[np.int64] | None:
    """Class of each image, from the clouds' per-point labels (-1 where unknown)."""
    out = np.full(n_images, -1, dtype=np.int64)
    for c in clouds:
        if c.labels is not None:
            out[c.image_index] = c.labels
    return out if (out >= 0).any() else None


class ActivationExplorer(widgets.VBox):
    """Linked views of an :class:`~tda_widgets.Analysis`: matrix, diagrams, Mapper, gallery.

    Parameters
    ----------
    analysis : Analysis
        Model, data and layers; results are computed through its cache.
    metric : str
        Diagram distance of the matrix (default the paper's sliced Wasserstein on H1).
    class_names : sequence of str, optional
        Names of the label values; default the dataset's ``classes`` when it has them.
    mapper_params : dict, optional
        Initial :func:`~tda_widgets.mapper_graph` parameters (``n_intervals``, ``overlap``).
    max_gallery : int
        Thumbnails shown in the gallery at most.
    compare_cka : bool
        Offer ``1 - linear CKA`` as the matrix's second view, with the rank correlation.
    match_dims : tuple of int
        Homology dimensions whose optimal matching is drawn between the two layers'
        diagrams (default H1, as the paper's distance; H0 of large clouds is slow).

    Examples
    --------
    >>> import torch, tempfile
    >>> from tda_widgets import Analysis, ActivationExplorer
    >>> model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3))
    >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ex = ActivationExplorer(Analysis(model, images, ["0", "2"], cache_dir=tmp, progress=False))
    ...     ex.matrix.selected_pair = [1, 0]
    ...     ex.selection.layers
    ('2', '0')
    """

    def __init__(
        self,
        analysis: Any,
        *,
        metric: str = "sliced_wasserstein",
        class_names: Any = None,
        mapper_params: dict[str, Any] | None = None,
        max_gallery: int = 48,
        compare_cka: bool = True,
        match_dims: tuple[int, ...] = (1,),
    ) -> None:
        self.analysis = analysis
        self.match_dims = tuple(match_dims)
        self.layers: list[str] = list(analysis.layers)
        self.metric = metric
        self.clouds = [analysis.cloud(layer) for layer in self.layers]
        self.diagrams = {layer: analysis.diagrams(layer) for layer in self.layers}
        self.source = ImageSource(analysis.data)
        if class_names is None:
            class_names = getattr(getattr(analysis.data, "dataset", analysis.data), "classes", None)
        self.class_names = [str(c) for c in class_names] if class_names is not None else None
        self.image_labels = _image_labels(self.clouds, len(self.source))
        captions = None
        if self.image_labels is not None and self.class_names is not None:
            captions = [self.class_names[c] if c >= 0 else "" for c in self.image_labels]
        self._mapper_params: dict[str, Any] = {"n_intervals": 10, "overlap": 0.5}
        self._mapper_params.update(mapper_params or {})
        self._mappers: dict[tuple[str, tuple[Any, ...]], MapperGraphWidget] = {}
        self._followed: NDArray[np.int64] | None = None
        self._busy = False
        self._thumbs: NDArray[np.uint8] | None = None

        # -- the views ----------------------------------------------------------------
        matrix = analysis.distance_matrix(metric=metric, dim=1)
        second = None
        if compare_cka and len(self.layers) > 1:
            cka = analysis.cka_matrix()
            second = DistanceMatrix(
                values=1.0 - np.asarray(cka.values), layers=cka.layers, metric="1 - linear CKA"
            )
        first_pair = [0, 1] if len(self.layers) > 1 else [0, 0]
        self.matrix = LayerDistanceMatrixWidget(
            matrix,
            second,
            title=f"Layer distances ({matrix.metric or metric}, H1)",
            cell_size=max(12, min(24, 320 // max(1, len(self.layers)))),
        )
        self.diagram = PersistenceDiagramWidget(
            self.diagrams[self.layers[0]], cloud=self.clouds[0], width=380, height=380
        )
        self.gallery = ImageGallery(self.source, captions=captions, max_images=max_gallery)
        self.layer_picker = widgets.Dropdown(
            options=[(name, i) for i, name in enumerate(self.layers)],
            value=first_pair[1],
            description="Mapper of",
        )
        self.n_intervals = widgets.IntSlider(
            value=int(self._mapper_params["n_intervals"]),
            min=2,
            max=60,
            description="intervals",
            continuous_update=False,
        )
        self.overlap = widgets.FloatSlider(
            value=float(self._mapper_params["overlap"]),
            min=0.05,
            max=0.9,
            step=0.05,
            description="overlap",
            continuous_update=False,
        )
        self.mapper_slot = widgets.Box(layout=widgets.Layout(min_height="300px"))
        self.summary = LayerSummaryPanel(
            self.diagrams, purity=self._purity, on_pick=self._on_summary_pick
        )
        self.status = widgets.HTML()
        self.mapper: MapperGraphWidget = self._mapper_widget(first_pair[1])
        self.mapper_slot.children = (self.mapper,)

        # -- links --------------------------------------------------------------------
        self.matrix.observe(self._on_pair, names="selected_pair")
        self.diagram.observe(self._on_points, names="selected_points")
        self.layer_picker.observe(self._on_layer_picker, names="value")
        self.n_intervals.observe(self._on_mapper_params, names="value")
        self.overlap.observe(self._on_mapper_params, names="value")

        wrap = widgets.Layout(flex_flow="row wrap", align_items="flex-start", grid_gap="12px")
        controls = widgets.HBox([self.layer_picker, self.n_intervals, self.overlap], layout=wrap)
        self.gallery.layout = widgets.Layout(width="320px")
        super().__init__(
            [
                self.status,
                widgets.HBox([self.matrix, self.diagram], layout=wrap),
                controls,
                widgets.HBox([self.mapper_slot, self.gallery], layout=wrap),
                self.summary,
            ],
            layout=widgets.Layout(max_width="1100px"),
        )
        self.add_class("tdaw-explorer")
        self.matrix.selected_pair = first_pair

    # -- Mapper graphs, through the analysis cache ---------------------------------------
    def _params_key(self) -> tuple[Any, ...]:
        return (int(self.n_intervals.value), round(float(self.overlap.value), 4))

    def graph(self, layer: str) -> MapperGraph:
        """The Mapper graph of ``layer`` with the current parameters (cached)."""
        n_intervals, overlap = self._params_key()
        cloud = self.clouds[self.layers.index(layer)]
        return self.analysis.mapper(
            layer, n_intervals=n_intervals, overlap=overlap, labels=cloud.labels
        )

    def _purity(self, layer: str) -> float:
        from tda_widgets.topology import graph_measures

        return float(graph_measures(self.graph(layer)).get("mean_purity", np.nan))

    def _images_for_mapper(self) -> NDArray[np.uint8] | None:
        if self._thumbs is None and len(self.source) <= 20_000:
            self._thumbs = self.source.all()
        return self._thumbs

    def _mapper_widget(self, j: int) -> MapperGraphWidget:
        layer = self.layers[j]
        key = (layer, self._params_key())
        if key not in self._mappers:
            cloud = self.clouds[j]
            self._mappers[key] = MapperGraphWidget(
                self.graph(layer),
                class_names=self.class_names if cloud.labels is not None else None,
                labels=cloud.labels,
                images=self._images_for_mapper(),
                image_index=cloud.image_index,
                title=f"Mapper of {layer}",
                width=520,
                height=380,
            )
            self._mappers[key].observe(self._on_nodes, names="selected_nodes")
        return self._mappers[key]

    # -- selection ------------------------------------------------------------------------
    @property
    def pair(self) -> tuple[int, int]:
        """Indices of the two layers shown."""
        p = list(self.matrix.selected_pair) or [0, 0]
        return int(p[0]), int(p[1])

    @property
    def selected_images(self) -> NDArray[np.int64]:
        """Image indices of the current selection (diagram feature or Mapper nodes)."""
        return np.asarray(self.gallery.indices, dtype=np.int64)

    @property
    def selection(self) -> ExplorerSelection:
        """Layers, diagram points, Mapper nodes and images selected now."""
        i, j = self.pair
        return ExplorerSelection(
            layers=(self.layers[i], self.layers[j]),
            points=tuple((int(d), int(k)) for d, k in self.diagram.selected_points),
            nodes=tuple(int(n) for n in self.mapper.selected_nodes),
            images=self.selected_images,
        )

    def _cloud_indices_of_images(self, j: int, images: NDArray[np.int64]) -> NDArray[np.int64]:
        return np.flatnonzero(np.isin(self.clouds[j].image_index, images)).astype(np.int64)

    def _show_mapper(self, j: int) -> None:
        """Show layer j's Mapper graph; select the nodes holding the followed images."""
        self.mapper = self._mapper_widget(j)
        self.mapper_slot.children = (self.mapper,)
        if self.layer_picker.value != j:
            self._busy = True
            try:
                self.layer_picker.value = j
            finally:
                self._busy = False
        self._busy = True
        try:
            if self._followed is not None and self._followed.size:
                self.mapper.selected_indices = self._cloud_indices_of_images(j, self._followed)
            else:
                self.mapper.selected_nodes = []
        finally:
            self._busy = False

    def _on_pair(self, change: dict[str, Any]) -> None:
        if len(change["new"]) != 2:
            return
        i, j = (int(v) for v in change["new"])
        a, b = self.layers[i], self.layers[j]
        self.diagram.unobserve(self._on_points, names="selected_points")
        try:
            self.diagram.set_diagrams(
                self.diagrams[a],
                compare=None if i == j else self.diagrams[b],
                cloud=self.clouds[i],
                labels=[a] if i == j else [a, b],
                title=a if i == j else f"{a} (filled) vs {b} (hollow)",
                match_dims=self.match_dims,
            )
        finally:
            self.diagram.observe(self._on_points, names="selected_points")
        self._show_mapper(j)
        self.summary.highlight([i, j])
        self.status.value = (
            f"<b>{len(self.layers)} layers</b> · showing <code>{html.escape(a)}</code> and "
            f"<code>{html.escape(b)}</code> · {len(self.source)} images"
        )

    def _on_points(self, change: dict[str, Any]) -> None:
        i, j = self.pair
        images = self.diagram.selected_images() if change["new"] else np.zeros(0, np.int64)
        self._followed = images if images.size else None
        self.gallery.show(images.tolist(), f"Feature of {self.layers[i]}")
        self._busy = True
        try:
            self.mapper.selected_indices = self._cloud_indices_of_images(j, images)
        finally:
            self._busy = False

    def _on_nodes(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        j = self.pair[1]
        members = self.mapper.selected_indices
        images = np.unique(self.clouds[j].image_index[members])
        self._followed = images if images.size else None
        self.gallery.show(images.tolist(), f"Mapper nodes of {self.layers[j]}")

    def _on_layer_picker(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        i = self.pair[0]
        self.matrix.selected_pair = [i, int(change["new"])]

    def _on_summary_pick(self, k: int) -> None:
        self.matrix.selected_pair = [self.pair[1], k]

    def _on_mapper_params(self, change: dict[str, Any]) -> None:
        self._show_mapper(self.pair[1])

    # -- export -----------------------------------------------------------------------------
    def to_html(self, path: Any, *, title: str = "tda_widgets explorer") -> Any:
        """Write the explorer as one self-contained HTML file (see :mod:`.export_explorer`)."""
        from tda_widgets.widgets._export import write_html
        from tda_widgets.widgets.panels.export_explorer import explorer_html

        return write_html(path, explorer_html(self, title=title))

    def save_png(self, path: Any, *, scale: float = 1.5) -> Any:
        """Save a PNG of the exported page, rendered in headless Chromium."""
        from tda_widgets.widgets._export import save_png
        from tda_widgets.widgets.panels.export_explorer import explorer_html

        return save_png(explorer_html(self), path, selector="body", scale=scale)
