"""ActivationExplorer: the paper's analysis as one linked dashboard (ipywidgets + bqplot).

Views are linked through their traits, so every link also works from Python:

* a matrix cell ``(i, j)`` -> the diagrams of layers ``i`` and ``j`` with their optimal
  matching, and the Mapper graph of layer ``j``;
* a diagram point -> the images whose activations form that feature's birth and death
  edges, in the gallery and highlighted (selected) in the Mapper graph; for an H1 point,
  "Images along this loop" -> the images of its representative cycle, in cyclic order
  (:meth:`ActivationExplorer.loop_images`);
* Mapper nodes -> their member images in the gallery; switching layer selects, in the
  new layer's graph, the nodes that hold the same images (follow them through the net).

The selection rule (what a new selection replaces and what it keeps) is documented on
:class:`ActivationExplorer`.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import ipywidgets as widgets
import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import DistanceMatrix, MapperGraph, PointCloud
from tda_widgets._validation import check_class_names, describe, unknown_name_error
from tda_widgets.widgets._busy import busy
from tda_widgets.widgets._graph import matching_classes
from tda_widgets.widgets._selected import SelectedImages
from tda_widgets.widgets.layer_distance_matrix import LayerDistanceMatrixWidget
from tda_widgets.widgets.mapper_graph import MapperGraphWidget
from tda_widgets.widgets.panels.evidence import ExplorerEvidence
from tda_widgets.widgets.panels.gallery import ImageGallery
from tda_widgets.widgets.panels.images import ImageSource
from tda_widgets.widgets.panels.summary import LayerSummaryPanel
from tda_widgets.widgets.persistence_diagram import PersistenceDiagramWidget

if TYPE_CHECKING:
    from tda_widgets.stats import TestResult
    from tda_widgets.topology.loops import RepresentativeCycle

__all__ = ["ActivationExplorer", "ExplorerSelection"]


@dataclass(frozen=True)
class ExplorerSelection:
    """What is selected in an :class:`ActivationExplorer`.

    Attributes
    ----------
    layers : tuple of str
        The pair of layers shown (diagrams of both; Mapper of the second).
    points : tuple of (dim, index)
        Selected diagram points of the first layer (empty unless the selection was made
        in the diagram and the diagram still shows that layer).
    nodes : tuple of int
        Mapper nodes of the second layer that are selected: picked by hand, or those that
        hold :attr:`images` when the selection came from elsewhere.
    images : ndarray of int64
        Image indices of the current selection (what the gallery shows): sorted, or,
        for a loop, one per vertex of :attr:`loop` in its cyclic order.
    source : {"diagram", "mapper"} or None
        The view the selection was made in; ``None`` when nothing is selected.
    origin : str
        Where the images come from, as the gallery's title says it, e.g.
        ``"H1 feature 3 of conv1"`` or ``"Mapper nodes of conv2"``; ``""`` when none.
    n_significant : tuple of (int or None)
        Per layer shown in the diagram, how many H1 features lie outside its confidence
        band (``None``: confidence sets off), as the diagram's header says.
    cell_evidence : str or None
        The selected matrix cell's distance, noise floor and p (``None``: noise floors
        off).
    loop : RepresentativeCycle or None
        When the images are those along a loop (:meth:`ActivationExplorer.loop_images`):
        its representative cycle, whose ``vertices`` are cloud indices of the layer the
        loop was found on; ``None`` otherwise.
    """

    layers: tuple[str, str]
    points: tuple[tuple[int, int], ...]
    nodes: tuple[int, ...]
    images: NDArray[np.int64]
    source: Literal["diagram", "mapper"] | None = None
    origin: str = ""
    n_significant: tuple[int | None, ...] = ()
    cell_evidence: str | None = None
    loop: RepresentativeCycle | None = None


class LayerClouds(Sequence[PointCloud]):
    """The analysis's clouds, one per layer, each read from it when first asked for.

    ``clouds[i]`` is ``analysis.cloud(layers[i])``: opening an explorer on a cached
    analysis reads the clouds of the layers it shows, not all of them.
    """

    def __init__(self, analysis: Any, layers: Sequence[str]) -> None:
        self._analysis, self._layers = analysis, tuple(layers)

    def __len__(self) -> int:
        return len(self._layers)

    @overload
    def __getitem__(self, i: int) -> PointCloud: ...
    @overload
    def __getitem__(self, i: slice) -> list[PointCloud]: ...
    def __getitem__(self, i: int | slice) -> PointCloud | list[PointCloud]:
        if isinstance(i, slice):
            return [self._analysis.cloud(layer) for layer in self._layers[i]]
        return self._analysis.cloud(self._layers[i])


def _image_labels(clouds: Sequence[PointCloud], n_images: int) -> NDArray[np.int64] | None:
    """Class of each image, from the clouds' per-point labels (-1 where unknown).

    The clouds are read in order until every image has a class (the first, for a
    sampler that takes a point from every image)."""
    out = np.full(n_images, -1, dtype=np.int64)
    for c in clouds:
        if c.labels is not None:
            out[c.image_index] = c.labels
            if (out >= 0).all():
                break
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
    confidence : bool
        Start with the confidence sets of the two layers' diagrams shown
        (:meth:`Analysis.diagram_confidence`; :func:`~tda_widgets.explore` turns them on).
        The "Confidence sets" and "Noise floors" toggles beside the status line switch them and
        the matrix's noise floors (:attr:`diagram_confidence`, :attr:`noise_floor_assessment`).
    alpha : float
        Level of the confidence sets and the noise floors.
    n_permutations : int
        Label permutations of the Mapper purity test (:attr:`purity_test`), shown in
        the Mapper view's legend and as a null band in the per-layer purity chart.

    Notes
    -----
    **Selection rule.** There is one selection at a time, made in one view; what the
    gallery, the highlighted Mapper nodes, the titles and :attr:`selection` show all
    describe it.

    * *A new click replaces the selection.* A diagram point selects the images of its
      feature (its birth and death edges) and clears any Mapper nodes picked before; the
      Mapper then highlights the nodes that hold those images. Mapper nodes select their
      member images and clear the diagram's points. Clearing the selection in the view it
      was made in (Escape, a click on empty space) clears the images.
    * *Changing what is shown keeps the images.* A new layer pair (matrix cell, the
      "Mapper of" picker, a click in the per-layer chart) or new Mapper parameters keep
      the selected images and follow them: the new Mapper graph highlights the nodes that
      hold them, and the gallery's title says where they came from and where they are
      followed to (``"Mapper nodes of A, followed to B"``). Diagram points are kept while
      the diagram shows the same first layer (their indices refer to its diagram) and are
      cleared otherwise.
    * *Titles name what is shown now*: the matrix's title follows its metric toggle; the
      Mapper's title its layer; the diagram's title its two layers.

    **Loops.** With one H1 point selected, the gallery offers "Images along this loop"
    (:meth:`loop_images`). It is the same selection, made in the diagram: the point stays
    selected and its images are replaced by those along its representative cycle
    (:func:`~tda_widgets.representative_cycle` on the layer's cloud, at the bar's birth),
    in cyclic order, one per cycle vertex, captioned with their position ``k/m``;
    :attr:`selected_images` and :attr:`selection` (``loop``) hold them in that order.
    A new click anywhere replaces it as above, and a new layer pair follows the images
    in the same order.

    **Class filter.** The Mapper's "Filter classes…" box (or a click on a class in its
    legend; :attr:`class_filter` from Python) narrows the *selection* to the images of
    the matching classes (a class matches when its name contains the text, any case):

    * the Mapper dims the nodes without a member of a matching class, and its side panel
      counts only the selected points of matching classes;
    * the gallery, :attr:`selected_images` and :attr:`selection` hold only the selected
      images of matching classes, and the gallery's title says so
      (``"Mapper nodes of A · classes matching '3': 14 of 141"``);
    * the filter stays when the Mapper shows another layer or new parameters, and
      clearing it brings the whole selection back (what was selected is kept);
    * the matrix, the diagram and the per-layer chart describe all images: a diagram
      point still selects its whole feature, which the filter then narrows.

    Views that Python is recomputing (new diagrams and matching, a new Mapper graph, a
    per-layer statistic) are dimmed with a "Computing…" badge until they are up to date.

    Examples
    --------
    >>> import torch, tempfile
    >>> from tda_widgets import Analysis, ActivationExplorer
    >>> model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3))
    >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> tmp = tempfile.TemporaryDirectory()
    >>> analysis = Analysis(model, images, ["0", "2"], cache_dir=tmp.name, progress=False)
    >>> ex = ActivationExplorer(analysis, mapper_params={"n_intervals": 2})
    >>> ex.matrix.selected_pair = [1, 0]
    >>> ex.selection.layers
    ('2', '0')
    >>> ex.mapper.selected_nodes = [0]  # a selection made in the Mapper view
    >>> ex.selection.source, ex.selection.points, ex.gallery.title
    ('mapper', (), 'Mapper nodes of 0')
    >>> ex.layer_picker.value = 1  # another Mapper layer: the images are kept and followed
    >>> ex.selection.source, ex.gallery.title
    ('mapper', 'Mapper nodes of 0, followed to 2')
    >>> tmp.cleanup()
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
        n_permutations: int = 999,
        confidence: bool = False,
        alpha: float = 0.05,
    ) -> None:
        self.analysis = analysis
        self.n_permutations = n_permutations
        self.match_dims = tuple(match_dims)
        self.layers: list[str] = list(analysis.layers)
        self.metric = metric
        self.clouds = LayerClouds(analysis, self.layers)  # each read when first shown
        self.diagrams = {layer: analysis.diagrams(layer) for layer in self.layers}
        self.source = ImageSource(analysis.data)
        if class_names is None:
            class_names = getattr(getattr(analysis.data, "dataset", analysis.data), "classes", None)
        self.class_names = [str(c) for c in class_names] if class_names is not None else None
        self.image_labels = _image_labels(self.clouds, len(self.source))
        check_class_names(self.class_names, self.image_labels)
        # captions and thumbnails are made only for the images the gallery shows
        captions = self._caption if self.class_names is not None else None
        self._mapper_params: dict[str, Any] = {"n_intervals": 10, "overlap": 0.5}
        self._mapper_params.update(mapper_params or {})
        self._mappers: dict[tuple[str, tuple[Any, ...]], MapperGraphWidget] = {}
        self._purity_tests: dict[tuple[str, tuple[Any, ...]], TestResult | None] = {}
        # the selection (see the class docstring): its images, the view it was made in,
        # the layer it was made on and how the gallery names it
        self._followed: NDArray[np.int64] | None = None
        self._source: Literal["diagram", "mapper"] | None = None
        self._origin_layer = ""
        self._origin = ""
        self._busy = False
        self._class_filter = ""
        self._loop: RepresentativeCycle | None = None  # the selection is a loop's images
        self._cycles: dict[tuple[str, int], RepresentativeCycle] = {}

        # -- the views ----------------------------------------------------------------
        matrix = analysis.distance_matrix(metric=metric, dim=1)
        second = None
        if compare_cka and len(self.layers) > 1:
            cka = analysis.cka_matrix()
            second = DistanceMatrix(
                values=1.0 - np.asarray(cka.values), layers=cka.layers, metric="1 - linear CKA"
            )
        first_pair = [0, 1] if len(self.layers) > 1 else [0, 0]
        self._metric_name = f"{matrix.metric or metric}, H1"
        self.matrix = LayerDistanceMatrixWidget(
            matrix,
            second,
            title=f"Layer distances ({self._metric_name})",
            # a 280 px grid at most: the matrix (~480 px for 17 layers, ~540 px for 20 with
            # names like "layer2.0.downsample.0", colour bar included) and the diagram (240
            # px at least) share a row from an 820 px explorer (JupyterLab's cell at a 1000
            # px window); 14 px cells still take an upright name each
            cell_size=max(14, min(40, 280 // max(1, len(self.layers)))),
        )
        # at most 520 px, narrower in a narrower slot (fit_width; see the layout below)
        self.diagram = PersistenceDiagramWidget(
            self.diagrams[self.layers[0]], cloud=self.clouds[0], width=520, height=520
        )
        self.diagram.fit_width = True
        # the diagram in a box: the box carries the busy state while Python recomputes it
        self.diagram_slot = widgets.Box([self.diagram])
        # confidence sets on the diagrams, noise floors on the matrix (panels/evidence.py)
        self.evidence = ExplorerEvidence(
            analysis,
            self.matrix,
            metric=metric,
            confidence=confidence,
            alpha=alpha,
            on_confidence=self._on_confidence,
        )
        self.gallery = ImageGallery(self.source, captions=captions, max_images=max_gallery)
        # shown in the gallery while exactly one H1 point is selected
        self.loop_button = widgets.Button(
            description="Images along this loop",
            tooltip="Show the images along this H1 feature's representative cycle, in order",
            layout=widgets.Layout(width="auto", display="none"),
        )
        self.loop_button.add_class("tdaw-loop-button")
        self.loop_button.on_click(lambda _: self.loop_images())
        self.gallery.actions.children = (self.loop_button,)
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
        self.mapper_slot = widgets.Box(
            layout=widgets.Layout(min_height="300px", flex_flow="column", min_width="0")
        )
        self.summary = LayerSummaryPanel(
            self.diagrams,
            purity=self._purity,
            purity_test=self.purity_test_of if self.image_labels is not None else None,
            on_pick=self._on_summary_pick,
        )
        self.status = widgets.HTML()
        self.mapper: MapperGraphWidget = self.mapper_view(first_pair[1])
        self.mapper_slot.children = (self.mapper,)

        # -- links --------------------------------------------------------------------
        self.matrix.observe(self._on_pair, names="selected_pair")
        self.matrix.observe(self._on_matrix_shown, names="show_second")
        self.diagram.observe(self._on_points, names="selected_points")
        self.layer_picker.observe(self._on_layer_picker, names="value")
        self.n_intervals.observe(self._on_mapper_params, names="value")
        self.overlap.observe(self._on_mapper_params, names="value")

        # One wrapping row (docs/architecture.md, "The explorer's layout"). Each view sits
        # in a slot whose width the row decides, never its content: the matrix keeps its
        # size and scrolls sideways in a slot narrower than it; the diagram (240-520 px) and
        # the Mapper canvas (up to 900 px, side panel beside it from 610 px) fit their
        # slots. Bases: matrix ~480-540 + diagram 240 share a row from ~800 px; the Mapper
        # (basis 800) then wraps below them with the gallery (320), and the two share that
        # row's width 2:1 (a 1420 px explorer: Mapper ~990, gallery ~410); from ~1950 px
        # all four sit in one row. Nothing is cut: a slot that is too narrow scrolls.
        row = widgets.Layout(
            display="flex",
            flex_flow="row wrap",
            align_items="flex-start",
            grid_gap="12px 16px",
            width="100%",
        )
        self.evidence.matrix_slot.layout = widgets.Layout(
            flex="0 1 auto", max_width="100%", min_width="0", overflow_x="auto"
        )
        self.diagram_slot.layout = widgets.Layout(
            # basis = its least width: beside a 20-layer matrix (~540 px) in an 820 px row
            flex="1 1 240px",
            flex_flow="column",
            min_width="240px",
            max_width="520px",
            overflow_x="auto",
        )
        controls = widgets.HBox(
            [self.layer_picker, self.n_intervals, self.overlap],
            layout=widgets.Layout(flex_flow="row wrap", max_width="100%"),
        )
        self.mapper_column = widgets.VBox(
            [controls, self.mapper_slot],
            layout=widgets.Layout(
                flex="2 1 800px", min_width="0", max_width="100%", overflow_x="auto"
            ),
        )
        self.gallery.layout = widgets.Layout(
            flex="1 1 320px", min_width="240px", max_width="100%", overflow="hidden"
        )
        for slot in (self.evidence.matrix_slot, self.diagram_slot, self.mapper_column):
            slot.add_class("tdaw-slot")
        # from a 1990 px explorer the four share one row with other bases (diagram 400,
        # Mapper 720, gallery 280: js/shared/base.css); the diagram shrank there to 240 px
        self.diagram_slot.add_class("tdaw-diagram-slot")
        self.mapper_column.add_class("tdaw-mapper-column")
        # a gap below the gallery, whose last row of thumbnails is cut where it scrolls
        self.summary.layout = widgets.Layout(width="100%", margin="12px 0 0 0")
        super().__init__(
            [
                # the status line, and the evidence toggles beside it
                widgets.HBox(
                    [self.status, self.evidence.bar],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
                ),
                widgets.Box(
                    [
                        self.evidence.matrix_slot,
                        self.diagram_slot,
                        self.mapper_column,
                        self.gallery,
                    ],
                    layout=row,
                ),
                self.summary,
            ],
            # a safety net: anything wider than the explorer scrolls, never is cut
            layout=widgets.Layout(width="100%", overflow_x="auto", overflow_y="hidden"),
        )
        self.add_class("tdaw-explorer")
        self.matrix.selected_pair = first_pair

    def _caption(self, image: int) -> str:
        """The class name of ``image`` ("" when unknown)."""
        if self.image_labels is None or self.class_names is None:
            return ""
        c = int(self.image_labels[image])
        return self.class_names[c] if c >= 0 else ""

    # -- Mapper graphs, through the analysis cache ---------------------------------------
    def _params_key(self) -> tuple[Any, ...]:
        return (int(self.n_intervals.value), round(float(self.overlap.value), 4))

    def graph(self, layer: str) -> MapperGraph:
        """The Mapper graph of ``layer`` with the current parameters (cached)."""
        n_intervals, overlap = self._params_key()
        # the cloud's own labels colour the nodes (mapper_graph's default), so the key is
        # the one `analysis.mapper(layer, n_intervals=..., overlap=...)` computes and caches
        return self.analysis.mapper(layer, n_intervals=n_intervals, overlap=overlap)

    def _purity(self, layer: str) -> float:
        from tda_widgets.topology import graph_measures

        return float(graph_measures(self.graph(layer)).get("mean_purity", np.nan))

    def purity_test_of(self, layer: str) -> TestResult | None:
        """The permutation test of ``layer``'s mean Mapper purity at the current
        parameters (:func:`~tda_widgets.stats.purity_permutation_test`: the labels are
        permuted over the images, the graph fixed; seed 0), or ``None`` when the layer's
        cloud has no labels or its graph no nodes. Cached by the analysis
        (:meth:`~tda_widgets.Analysis.purity_test`), under the graph's key."""
        key = (layer, self._params_key())
        if key not in self._purity_tests:
            n_intervals, overlap = key[1]
            labels = self.clouds[self.layers.index(layer)].labels
            # a graph without nodes (every point noise) has no purity to test
            self._purity_tests[key] = (
                None
                if labels is None or self.graph(layer).n_nodes == 0
                else self.analysis.purity_test(  # cached with the graph
                    layer,
                    n_intervals=n_intervals,
                    overlap=overlap,
                    n_permutations=self.n_permutations,
                    seed=0,
                )
            )
        return self._purity_tests[key]

    @property
    def purity_test(self) -> TestResult | None:
        """The purity permutation test of the Mapper graph shown (a
        :class:`~tda_widgets.stats.TestResult`, as its legend reads it), or ``None``."""
        return self.mapper.purity_test

    def mapper_view(self, j: int, *, keep: bool = True) -> MapperGraphWidget:
        """The Mapper view of layer ``j`` (an index into :attr:`layers`) at the current
        parameters: built on first use, then reused. With ``keep=False`` (exports) a view
        not built yet is returned without being kept or linked: the caller closes it."""
        layer = self.layers[j]
        key = (layer, self._params_key())
        if key not in self._mappers:
            cloud = self.clouds[j]
            view = MapperGraphWidget(
                self.graph(layer),
                class_names=self.class_names if cloud.labels is not None else None,
                labels=cloud.labels,
                # no thumbnails in the Mapper's side panel: the gallery shows them
                image_index=cloud.image_index,
                title=f"Mapper of {layer}",
                width=900,  # at most: the canvas fits its slot (fit_width)
                height=420,
                fit_width=True,
            )
            view.set_purity_test(self.purity_test_of(layer))
            if not keep:
                return view
            view.observe(self._on_nodes, names="selected_nodes")
            view.observe(self._on_class_filter, names="class_filter")
            self._mappers[key] = view
        return self._mappers[key]

    # -- selection ------------------------------------------------------------------------
    @property
    def pair(self) -> tuple[int, int]:
        """Indices of the two layers shown."""
        p = list(self.matrix.selected_pair) or [0, 0]
        return int(p[0]), int(p[1])

    @property
    def selected_images(self) -> NDArray[np.int64]:
        """Image indices of the current selection (diagram feature, loop or Mapper nodes):
        sorted, or, for a loop (:meth:`loop_images`), in the loop's cyclic order.

        A property here and on every view (``explorer.diagram.selected_images``); calling
        it as a method still works and warns (:class:`FutureWarning`)."""
        return SelectedImages(self.gallery.indices, "ActivationExplorer")

    @property
    def selection(self) -> ExplorerSelection:
        """Layers, diagram points, Mapper nodes and images selected now."""
        i, j = self.pair
        return ExplorerSelection(
            layers=(self.layers[i], self.layers[j]),
            points=tuple((int(d), int(k)) for d, k in self.diagram.selected_points),
            nodes=tuple(int(n) for n in self.mapper.selected_nodes),
            images=self.selected_images,
            source=self._source,
            origin=self._gallery_title(),
            n_significant=tuple(self.diagram.n_significant) if self.evidence.shown else (),
            cell_evidence=self.matrix.cell_evidence(i, j),
            loop=self._loop,
        )

    def loop_images(self, point: tuple[int, int] | list[int] | None = None) -> NDArray[np.int64]:
        """Select the images along an H1 feature's loop, in cyclic order.

        The feature's representative cycle (:func:`~tda_widgets.representative_cycle`,
        at its birth) is computed on the cloud of the diagram's first layer, with that
        layer's diagrams (so a subsampled diagram's cycle is in whole-cloud indices),
        and each cycle vertex is mapped to its image. The gallery then shows them in
        that order, captioned ``k/m``; :attr:`selected_images` and
        ``selection.loop`` hold them. This is the "Images along this loop" button.

        Parameters
        ----------
        point : (1, index), optional
            The diagram point (as in ``diagram.selected_points``) of the first layer
            shown; it becomes the selected point. Default: the one selected now.

        Returns
        -------
        ndarray of int64
            Image indices, one per cycle vertex, in cyclic order.

        Raises
        ------
        ValueError
            When ``point`` is not an H1 point of the diagram, or, without ``point``,
            when the diagram's selection is not exactly one H1 point.

        Examples
        --------
        >>> import torch, tempfile
        >>> from tda_widgets import Analysis
        >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU())
        >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ex = ActivationExplorer(
        ...     Analysis(net, images, ["0", "1"], cache_dir=tmp.name, progress=False),
        ...     mapper_params={"n_intervals": 2},
        ... )
        >>> ex.diagram.selected_points = [[1, 0]]
        >>> loop = ex.loop_images()
        >>> loop.tolist() == ex.selected_images.tolist(), ex.selection.loop is not None
        (True, True)
        >>> tmp.cleanup()
        """
        if point is None:
            chosen = [(int(d), int(k)) for d, k in self.diagram.selected_points]
            if len(chosen) != 1 or chosen[0][0] != 1:
                raise ValueError(
                    "point: expected one selected H1 point in the diagram (or point=(1, "
                    f"index)), got selected_points={[list(c) for c in chosen]}"
                )
            dim, k = chosen[0]
        else:
            try:
                dim, k = (int(v) for v in point)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"point: expected a (dim, index) pair, got {describe(point)}"
                ) from exc
            n_h1 = len(self.diagram.diagrams[1]) if len(self.diagram.diagrams) > 1 else 0
            if dim != 1 or not 0 <= k < n_h1:
                raise ValueError(
                    f"point: expected an H1 point (1, index) with index in [0, {n_h1}), "
                    f"got {(dim, k)}"
                )
        i = self.pair[0]
        layer = self.layers[i]
        cycle = self._cycle(layer, k)
        images = np.asarray(self.clouds[i].image_index[cycle.vertices], dtype=np.int64)
        with self._quiet():
            self.diagram.selected_points = [[1, k]]
        self._set_selection(
            images, "diagram", f"Loop of H1 feature {k} of {layer}", layer, loop=cycle
        )
        self._highlight_followed()
        self._update_loop_button()
        return images

    def _cycle(self, layer: str, k: int) -> RepresentativeCycle:
        """The representative cycle of row ``k`` of ``layer``'s H1 diagram (cached)."""
        from tda_widgets.topology import representative_cycle

        if (layer, k) not in self._cycles:
            with busy(self.gallery):
                self.loop_button.disabled = True
                try:
                    # feature=k: the diagram's row k (the widget shows these diagrams'
                    # rows in their order); point=(birth, death) could pick a tied row
                    self._cycles[(layer, k)] = representative_cycle(
                        self.clouds[self.layers.index(layer)],
                        feature=k,
                        diagrams=self.diagrams[layer],
                        memory_budget=getattr(self.analysis, "memory_budget", None),
                    )
                finally:
                    self.loop_button.disabled = False
        return self._cycles[(layer, k)]

    def _update_loop_button(self) -> None:
        """Offer the loop while exactly one H1 point is selected in the diagram."""
        points = list(self.diagram.selected_points)
        one_h1 = len(points) == 1 and int(points[0][0]) == 1
        self.loop_button.layout.display = "" if one_h1 else "none"

    # -- evidence (panels/evidence.py) ------------------------------------------------------
    @property
    def diagram_confidence(self) -> dict[str, Any]:
        """The confidence sets drawn on the diagrams now, by layer
        (:class:`~tda_widgets.DiagramConfidence`; empty when they are off)."""
        return dict(self.evidence.shown)

    @property
    def noise_floor_assessment(self) -> Any:
        """The noise floors' :class:`~tda_widgets.FloorAssessment` of the matrix shown
        (``1 - CKA``'s on the distance scale), or ``None`` while they are off."""
        return self.evidence.assessment

    def confidence_set(self, layer: str) -> Any:
        """The confidence set drawn on ``layer``'s H1 diagram whenever the diagram shows
        that layer (a :class:`~tda_widgets.DiagramConfidence`, computed through
        :meth:`Analysis.diagram_confidence` on first use, at the explorer's ``alpha``),
        or ``None`` while the confidence sets are off. The HTML export carries one per layer.

        Examples
        --------
        >>> import torch, tempfile
        >>> from tda_widgets import Analysis
        >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU())
        >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
        >>> tmp = tempfile.TemporaryDirectory()
        >>> an = Analysis(net, images, ["0", "1"], cache_dir=tmp.name, progress=False)
        >>> ex = ActivationExplorer(an, mapper_params={"n_intervals": 2}, confidence=True)
        >>> ex.confidence_set("1").c_alpha == an.diagram_confidence("1").c_alpha
        True
        >>> ex.evidence.confidence_toggle.value = False
        >>> ex.confidence_set("1") is None
        True
        >>> tmp.cleanup()
        """
        if layer not in self.layers:
            raise unknown_name_error(layer, self.layers, name="layer")
        if not self.evidence.confidence_toggle.value:
            return None
        return self.evidence.confidence_of(layer)

    def matching_lines(self, i: int, j: int) -> list[NDArray[np.int32]]:
        """The matching lines the diagram draws for the pair of layers ``(i, j)`` (indices
        into :attr:`layers`): per homology dimension both diagrams have, the ``(m, 2)``
        int32 row pairs (``-1``: the diagonal) of the optimal Wasserstein matching of
        layer ``i``'s diagram to layer ``j``'s (:meth:`Analysis.matching`, cached on
        disk) in ``match_dims``, none (``(0, 2)``) in the others; ``[]`` when ``i == j``.

        Examples
        --------
        >>> import torch, tempfile
        >>> from tda_widgets import Analysis
        >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU())
        >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
        >>> tmp = tempfile.TemporaryDirectory()
        >>> an = Analysis(net, images, ["0", "1"], cache_dir=tmp.name, progress=False)
        >>> ex = ActivationExplorer(an, mapper_params={"n_intervals": 2})
        >>> lines = ex.matching_lines(0, 1)
        >>> lines[0].shape, bool((lines[1] == an.matching("0", "1", dim=1).pairs).all())
        ((0, 2), True)
        >>> tmp.cleanup()
        """
        n = len(self.layers)
        for name, k in (("i", i), ("j", j)):
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < n:
                raise ValueError(f"{name}: expected a layer index in [0, {n}), got {k!r}")
        if i == j:
            return []
        a, b = self.layers[i], self.layers[j]
        n_dims = min(len(self.diagrams[a].dgms), len(self.diagrams[b].dgms))
        return [
            self.analysis.matching(a, b, dim=k).pairs.astype(np.int32)
            if k in self.match_dims
            else np.zeros((0, 2), np.int32)
            for k in range(n_dims)
        ]

    def _on_confidence(self) -> None:
        i, j = self.pair
        a, b = self.layers[i], self.layers[j]
        with busy(self.diagram_slot):
            self.diagram.set_confidence(self.evidence.confidence_sets([a] if i == j else [a, b]))

    def _cloud_indices_of_images(self, j: int, images: NDArray[np.int64]) -> NDArray[np.int64]:
        idx = np.flatnonzero(np.isin(self.clouds[j].image_index, images)).astype(np.int64)
        # points past the graph's last member belong to no node (noise): nothing to select
        return idx[idx < self.mapper.n_points]

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Set view selections from Python without taking them for the user's."""
        busy_before = self._busy
        self._busy = True
        self.diagram.unobserve(self._on_points, names="selected_points")
        try:
            yield
        finally:
            self.diagram.observe(self._on_points, names="selected_points")
            self._busy = busy_before

    def _set_selection(
        self,
        images: NDArray[np.int64],
        source: Literal["diagram", "mapper"] | None,
        origin: str,
        layer: str,
        loop: RepresentativeCycle | None = None,
    ) -> None:
        """Make ``images`` the selection, made in ``source`` on ``layer`` (the images
        along ``loop``, in its order, when given)."""
        if images.size == 0:
            images, source, origin, layer, loop = np.zeros(0, np.int64), None, "", "", None
        self._loop = loop
        self._followed = images if images.size else None
        self._source, self._origin, self._origin_layer = source, origin, layer
        self._show_gallery()
        self._update_loop_button()

    def _gallery_title(self) -> str:
        """The gallery's title: where the images come from, and where they are followed to."""
        if self._source is None:
            return ""
        i, j = self.pair
        shown = self.layers[i] if self._source == "diagram" else self.layers[j]
        if self._origin_layer == shown:
            return self._origin
        return f"{self._origin}, followed to {self.layers[j]}"

    @property
    def class_filter(self) -> str:
        """The class filter (see the class docstring): ``""`` for none."""
        return self._class_filter

    @class_filter.setter
    def class_filter(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"class_filter: expected a str, got {type(value).__name__}")
        self.mapper.class_filter = value  # -> _on_class_filter

    def _on_class_filter(self, change: dict[str, Any]) -> None:
        if change["owner"] is not self.mapper:
            return
        self._class_filter = str(change["new"])
        self._show_gallery()

    def _filtered(self, images: NDArray[np.int64]) -> tuple[NDArray[np.int64], str]:
        """``images`` of the classes the class filter matches (all without a filter), in
        their order, and what the gallery's title adds."""
        query = self._class_filter.strip()
        matched = matching_classes(self.class_names or [], query)
        if matched is None or self.image_labels is None:
            return images, ""
        kept = images[np.isin(self.image_labels[images], matched)]
        return kept, f" · classes matching {query!r}: {kept.size:,} of {images.size:,}"

    def _show_gallery(self) -> None:
        if self._source is None or self._followed is None:
            self.gallery.clear()
            return
        shown, note = self._filtered(self._followed)
        if self._loop is not None:
            m = len(self._followed)
            keep = np.isin(self._followed, shown)
            notes = [f"{k + 1}/{m}" for k in range(m) if keep[k]]
            self.gallery.show_sequence(self._followed[keep], self._gallery_title() + note, notes)
        else:
            self.gallery.show(shown, self._gallery_title() + note)

    def _highlight_followed(self) -> None:
        """Select, in the Mapper shown, the nodes that hold the selected images."""
        j = self.pair[1]
        with self._quiet():
            if self._followed is not None and self._followed.size:
                self.mapper.selected_indices = self._cloud_indices_of_images(j, self._followed)
            else:
                self.mapper.selected_nodes = []

    def _show_mapper(self, j: int) -> None:
        """Show layer j's Mapper graph; select the nodes holding the followed images."""
        # busy until the new graph is in the slot: the old one never shows undimmed
        with busy(self.mapper_slot):
            self.mapper = self.mapper_view(j)
            self.mapper.class_filter = self._class_filter  # the filter follows to the new graph
            self.mapper_slot.children = (self.mapper,)
        if self.layer_picker.value != j:
            with self._quiet():
                self.layer_picker.value = j
        self._highlight_followed()

    def _on_pair(self, change: dict[str, Any]) -> None:
        if len(change["new"]) != 2:
            return
        i, j = (int(v) for v in change["new"])
        old = change["old"] if len(change["old"] or ()) == 2 else None
        a, b = self.layers[i], self.layers[j]
        # points index the first layer's diagram: they survive only if it stays
        keep = list(self.diagram.selected_points) if old and int(old[0]) == i else []
        # a new Mapper layer: its slot is busy from the click on, while the diagrams are
        # computed first (it showed the old layer's graph as current for seconds)
        new_mapper = old is None or int(old[1]) != j
        with busy(*([self.mapper_slot] if new_mapper else [])):
            with busy(self.diagram_slot), self._quiet():
                self.diagram.set_diagrams(
                    self.diagrams[a],
                    compare=None if i == j else self.diagrams[b],
                    cloud=self.clouds[i],
                    names=[a] if i == j else [a, b],
                    title=a if i == j else f"{a} (filled) vs {b} (hollow)",
                    matching=None if i == j else self.matching_lines(i, j),
                    compare_cloud=None if i == j else self.clouds[j],
                    confidence=self.evidence.confidence_sets([a] if i == j else [a, b]),
                )
                self.diagram.selected_points = keep
            self._show_mapper(j)
        self._show_gallery()
        self._update_loop_button()  # the points were kept or cleared
        self.summary.highlight([i, j])
        self.status.value = (
            f"<b>{len(self.layers)} layers</b> · showing <code>{html.escape(a)}</code> and "
            f"<code>{html.escape(b)}</code> · {len(self.source):,} images"
        )

    def _on_points(self, change: dict[str, Any]) -> None:
        i = self.pair[0]
        points = [(int(d), int(k)) for d, k in change["new"]]
        self._update_loop_button()
        if not points:
            if self._source == "diagram":
                self._set_selection(np.zeros(0, np.int64), None, "", "")
                self._highlight_followed()
            return
        images = self.diagram.selected_images
        if len(points) == 1:
            d, k = points[0]
            origin = f"H{d} feature {k} of {self.layers[i]}"
        else:
            origin = f"{len(points)} features of {self.layers[i]}"
        self._set_selection(np.asarray(images, np.int64), "diagram", origin, self.layers[i])
        self._highlight_followed()

    def _on_nodes(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        j = self.pair[1]
        members = self.mapper.selected_indices
        images = np.unique(self.clouds[j].image_index[members]).astype(np.int64)
        with self._quiet():
            self.diagram.selected_points = []  # the new selection replaces the diagram's
        self._set_selection(images, "mapper", f"Mapper nodes of {self.layers[j]}", self.layers[j])

    def _on_matrix_shown(self, change: dict[str, Any]) -> None:
        second = bool(change["new"]) and self.matrix.metric2
        self.matrix.title = (
            f"Layer distances ({self.matrix.metric2 if second else self._metric_name})"
        )

    def _on_layer_picker(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        i = self.pair[0]
        self.matrix.selected_pair = [i, int(change["new"])]

    def _on_summary_pick(self, k: int) -> None:
        self.matrix.selected_pair = [self.pair[1], k]

    def _on_mapper_params(self, change: dict[str, Any]) -> None:
        self._show_mapper(self.pair[1])
        self.summary.refresh_purity()  # every layer's purity and its null, at the new parameters

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
