"""MapperGraphWidget: an interactive Mapper graph (front-end: ``js/mapper_graph/``)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets
from numpy.typing import NDArray

from tda_widgets._types import MapperGraph
from tda_widgets.widgets._base import TdaWidget
from tda_widgets.widgets._checks import as_float_array, as_index_array, as_names
from tda_widgets.widgets._codec import array_from_json, array_to_json, array_trait
from tda_widgets.widgets._graph import (
    check_graph,
    class_counts_from_labels,
    matching_classes,
    node_values_for,
)
from tda_widgets.widgets._selected import SelectedImages
from tda_widgets.widgets._sprites import as_images, sprite_sheet

if TYPE_CHECKING:  # the statistics load the topology stage: only when a test is set
    from tda_widgets.stats import TestResult

__all__ = ["MapperGraphWidget", "purity_evidence"]


def _finite(x: Any) -> float | None:
    v = float(x)
    return v if np.isfinite(v) else None


def purity_evidence(result: TestResult | None, *, level: float = 0.95) -> dict[str, Any]:
    """The JSON form of a purity test that :attr:`MapperGraphWidget.purity_evidence` holds.

    Parameters
    ----------
    result : TestResult or None
        A permutation test (``None`` gives ``{}``).
    level : float
        Coverage of the central band of the null, in (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets.stats import TestResult
    >>> r = TestResult("purity", statistic=0.5, null=np.linspace(0.2, 0.4, 99), seed=0)
    >>> e = purity_evidence(r)
    >>> e["statistic"], round(e["null_mean"], 6), e["p_value"], e["n_permutations"]
    (0.5, 0.3, 0.01, 99)
    """
    if result is None:
        return {}
    from tda_widgets.stats import TestResult

    if not isinstance(result, TestResult):
        raise TypeError(
            f"result: expected a TestResult (tda_widgets.stats) or None, got "
            f"{type(result).__name__}"
        )
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level: expected a coverage in (0, 1), got {level}")
    low, high = result.null_band(level)
    return {
        "name": result.name,
        "statistic": _finite(result.statistic),
        "null_mean": _finite(np.mean(result.null)),
        "null_low": _finite(low),
        "null_high": _finite(high),
        "level": level,
        "p_value": _finite(result.p_value),
        "mc_se": _finite(result.mc_se),
        "n_permutations": int(result.n_permutations),
        "effect": _finite(result.effect),
        "effect_name": result.effect_name,
        "alternative": result.alternative,
    }


class MapperGraphWidget(TdaWidget):
    """A Mapper graph with a force-directed layout, pie-chart nodes and linked selection.

    Nodes are sized by their number of members and drawn as pie charts of their class
    composition when class counts (or per-point ``labels``) exist, else coloured by a
    per-node value with a legend. Edges are weighted by the Jaccard overlap of their
    nodes; the slider hides edges below :attr:`edge_threshold`. Click a node to select
    it, shift-click to add or remove one, drag with shift (or in lasso mode) to select
    many. :attr:`selected_nodes` and :attr:`selected_indices` (the union of the nodes'
    members, as cloud indices) follow each other; set either from Python to change the
    view. The layout is seeded (same graph, same picture); drag nodes to pin them, and
    save or restore :attr:`positions` from Python.

    With the keyboard (once the view has focus): the first key puts a focus ring on the
    node last clicked, else the last selected node, else the node nearest the centre;
    each arrow then moves it to the nearest node on screen within 45 degrees either side
    of the arrow's direction (it stays when there is none). Enter or space selects the
    ringed node, shift+Enter or shift+space adds or removes it, as a click and a
    shift-click do; Escape clears the selection. The tooltip and a screen-reader message
    describe the ringed node. ``+`` (or ``=``) zooms in and ``-`` zooms out by a factor
    of 1.5 about the ringed node (it stays put on screen), or about the view's centre
    when no ring shows, within the same limits as ctrl+wheel; ``0`` fits the graph, as
    the Fit button does; shift+arrow keys pan the view a fifth of its width or height
    that way (shift+right shows more of the right: the drawing moves left). Zoom and pan
    leave :attr:`positions` alone. An arrow that reaches a node outside the drawing pans
    the view to show it.

    Parameters
    ----------
    graph : MapperGraph
        The graph to show.
    class_names : sequence of str, optional
        One name per class: the classes the labels can take (e.g. a dataset's
        ``classes``), at least one per column of ``graph.class_counts``; classes that
        no point of this graph has (a subset without the last class) count 0.
    images : array_like, optional
        Images for the detail panel's thumbnails, ``(n, h, w[, c])`` or ``(n, c, h, w)``.
    labels : array_like of int, optional
        Class of each cloud point; gives exact class breakdowns of a selection and,
        when the graph has no class counts, the pie charts.
    image_index : array_like of int, optional
        Image of each cloud point (e.g. ``PointCloud.image_index``); default: point i is
        image i.
    color_by : {"classes", "lens", "size", "purity"}, optional
        What colours nodes; default "classes" when there are classes, else "lens".
    node_values, point_values : array_like of float, optional
        Colour nodes by a value per node, or by the mean of a value per cloud point.
    value_name : str, optional
        Legend title for the value colours.
    max_thumbnails : int, optional
        Number of member images sent for a selection (the panel can ask for more).
    positions : array_like of shape (n_nodes, 2), optional
        Node positions saved from an earlier view (skips the layout).
    title : str, optional
        Shown above the graph.
    width, height : int, optional
        Size of the drawing in CSS pixels.
    **kwargs
        Other traits, e.g. ``selected_nodes`` or ``edge_threshold``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import MapperGraph, MapperGraphWidget
    >>> g = MapperGraph(member_offsets=np.array([0, 3, 5, 7]),
    ...                 members=np.array([0, 1, 2, 2, 3, 3, 4]),
    ...                 edges=np.array([[0, 1], [1, 2]]), edge_weights=np.array([0.25, 0.33]),
    ...                 lens_mean=np.array([0.1, 0.5, 0.9]),
    ...                 class_counts=np.array([[3, 0], [1, 1], [0, 2]]))
    >>> w = MapperGraphWidget(g, class_names=["cat", "dog"])
    >>> w.selected_nodes = [0, 1]
    >>> w.selected_indices
    array([0, 1, 2, 3])
    >>> w.selected_indices = [4]
    >>> w.selected_nodes
    [2]
    >>> w.detail["classes"]
    [['dog', 2]]
    """

    _bundle = "mapper_graph"

    sizes = array_trait()
    """int64 ndarray (n_nodes,): members per node. Set by Python."""

    edges = array_trait()
    """int32 ndarray (m, 2): node pairs. Set by Python."""

    edge_weights = array_trait()
    """float64 ndarray (m,): Jaccard overlap of each edge's nodes. Set by Python."""

    class_counts = array_trait(allow_none=True)
    """int64 ndarray (n_nodes, n_classes) or None: class composition. Set by Python."""

    class_names = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """list of str (n_classes): class names for pies, legend and search. Set by Python."""

    node_values = array_trait(allow_none=True)
    """float64 ndarray (n_nodes,) or None: the value that colours nodes. Set by Python."""

    value_name = traitlets.Unicode("").tag(sync=True)
    """str: legend title of ``node_values``. Set by Python."""

    color_mode = traitlets.Enum(["classes", "values"], "values").tag(sync=True)
    """str: "classes" (pie charts) or "values" (colour scale). Set by Python."""

    positions = array_trait(allow_none=True)
    """float64 ndarray (n_nodes, 2) or None: node positions. Set by the view (layout, drags) or Python."""

    layout_seed = traitlets.Int(0).tag(sync=True)
    """int: seed of the force layout. Set by Python."""

    selected_nodes = traitlets.List(traitlets.Int()).tag(sync=True)
    """list of int: selected node ids. Set by the view (click, lasso) or Python."""

    selected_indices = traitlets.Any(np.zeros(0, dtype=np.int64)).tag(
        sync=True, to_json=array_to_json, from_json=array_from_json
    )
    """int64 ndarray: cloud indices of the selection (union of members). Set by Python."""

    edge_threshold = traitlets.Float(0.0, min=0.0, max=1.0).tag(sync=True)
    """float: edges with a smaller weight are hidden. Set by the view (slider) or Python."""

    class_filter = traitlets.Unicode("").tag(sync=True)
    """str: nodes without a class matching this text are dimmed, and with per-point
    ``labels`` the side panel counts only the selected points of matching classes (a
    class matches when its name contains the text, any case). Set by the view or Python."""

    detail = traitlets.Dict().tag(sync=True)
    """dict: the detail panel's summary of the selection. Set by Python."""

    thumbnails = traitlets.Bytes(b"").tag(sync=True)
    """bytes: PNG sprite sheet of the selection's first images. Set by Python."""

    thumbnail_indices = traitlets.List(traitlets.Int()).tag(sync=True)
    """list of int: image index of each sprite tile, in order. Set by Python."""

    thumbnail_grid = traitlets.List(traitlets.Int()).tag(sync=True)
    """list of int: ``[tile_height, tile_width, columns]`` of the sprite sheet. Set by Python."""

    max_thumbnails = traitlets.Int(24, min=0).tag(sync=True)
    """int: at most this many thumbnails are sent. Set by Python or the view ("more")."""

    title = traitlets.Unicode("").tag(sync=True)
    """str: title above the graph. Set by Python."""

    width = traitlets.Int(640, min=160).tag(sync=True)
    """int: drawing width in CSS pixels. Set by Python."""

    fit_width = traitlets.Bool(False).tag(sync=True)
    """bool: draw at most :attr:`width` wide, and narrower (down to 240 px) when the box
    the view sits in is narrower; the side panel sits beside the canvas while it keeps
    360 px, else below. The explorer turns it on. Set by Python."""

    height = traitlets.Int(480, min=120).tag(sync=True)
    """int: drawing height in CSS pixels. Set by Python."""

    purity_evidence = traitlets.Dict().tag(sync=True)
    """dict: the Mapper purity permutation test the legend shows, ``{}`` for none: ``name``,
    ``statistic`` (observed), ``null_mean``, ``null_low`` and ``null_high`` (the central
    ``level`` band of the null), ``level``, ``p_value``, ``mc_se`` (its Monte Carlo
    standard error), ``n_permutations``, ``effect`` and ``effect_name`` (z, or the
    difference from the null's median when the null has no spread), ``alternative``; non-finite
    numbers are ``None``. Set by Python through :meth:`set_purity_test`."""

    def __init__(
        self,
        graph: MapperGraph,
        *,
        class_names: Any = None,
        images: Any = None,
        labels: Any = None,
        image_index: Any = None,
        color_by: str | None = None,
        node_values: Any = None,
        point_values: Any = None,
        value_name: str | None = None,
        max_thumbnails: int = 24,
        positions: Any = None,
        title: str = "",
        width: int = 640,
        height: int = 480,
        **kwargs: Any,
    ) -> None:
        check_graph(graph)
        self.graph = graph
        n = graph.n_nodes
        self._node_of_member = np.repeat(np.arange(n, dtype=np.int64), graph.node_sizes)
        n_points = int(graph.members.max()) + 1 if graph.members.size else 0
        self._labels: NDArray[np.int64] | None = None
        if labels is not None:
            self._labels = as_index_array(labels, name="labels", size=2**62, what="label")
            if self._labels.size < n_points:
                raise ValueError(
                    f"labels: expected one label per cloud point ({n_points} or more, as the "
                    f"graph's members reach index {n_points - 1}), got {self._labels.size}"
                )
            n_points = self._labels.size
        self.n_points = n_points

        counts = graph.class_counts
        if counts is None and self._labels is not None:
            n_classes = len(class_names) if class_names is not None else None
            counts = class_counts_from_labels(graph, self._labels, n_classes)
        if counts is not None:
            counts = np.asarray(counts)
            if class_names is not None and len(class_names) > counts.shape[1]:
                # the classes are the names given (the labels' declared range), not the
                # labels this graph happens to hold: absent classes count 0
                counts = np.pad(counts, ((0, 0), (0, len(class_names) - counts.shape[1])))
            n_classes = counts.shape[1]
            if class_names is None:
                class_names = [str(c) for c in range(n_classes)]
            names = as_names(class_names, name="class_names", count=n_classes, what="class")
            if self._labels is not None and self._labels.size and self._labels.max() >= n_classes:
                raise ValueError(
                    f"labels: label {int(self._labels.max())} has no class name "
                    f"(class_names has {n_classes})"
                )
        else:
            if class_names is not None and len(class_names):
                raise ValueError(
                    "class_names: the graph has no class counts; pass `labels=` (one per point)"
                )
            names = []

        self._image_index: NDArray[np.int64] | None = None
        self._images: NDArray[np.uint8] | None = None
        if images is not None:
            self._images = as_images(images)
            if image_index is None:
                image_index = np.arange(max(n_points, 0))
            self._image_index = as_index_array(
                image_index, name="image_index", size=len(self._images), what="image"
            )
            if self._image_index.size < n_points:
                raise ValueError(
                    f"image_index: expected one image index per cloud point ({n_points}), "
                    f"got {self._image_index.size}"
                )
        elif image_index is not None:
            self._image_index = as_index_array(image_index, name="image_index", size=2**62)

        mode = color_by or (
            "classes"
            if counts is not None and node_values is None and point_values is None
            else "lens"
        )
        values, default_name = node_values_for(
            graph,
            mode,
            counts=counts,
            node_values=node_values,
            point_values=point_values,
            node_of_member=self._node_of_member,
        )
        self._syncing = False
        self._purity_test: TestResult | None = None
        super().__init__(
            sizes=graph.node_sizes.astype(np.int64),
            edges=np.asarray(graph.edges, dtype=np.int32).reshape(-1, 2),
            edge_weights=np.asarray(graph.edge_weights, dtype=np.float64),
            class_counts=None if counts is None else np.asarray(counts, dtype=np.int64),
            class_names=names,
            node_values=values,
            value_name=value_name or default_name,
            color_mode="classes" if mode == "classes" else "values",
            positions=positions,
            max_thumbnails=max_thumbnails,
            title=title,
            width=width,
            height=height,
            **kwargs,
        )
        self._update_detail()

    # -- validation -------------------------------------------------------------

    @traitlets.validate("positions")
    def _validate_positions(self, proposal: dict[str, Any]) -> NDArray[np.float64] | None:
        if proposal["value"] is None:
            return None
        return as_float_array(
            proposal["value"], name="positions", ndim=2, shape=(self.graph.n_nodes, 2)
        )

    @traitlets.validate("edge_weights")
    def _validate_edge_weights(self, proposal: dict[str, Any]) -> NDArray[np.float64]:
        w = as_float_array(proposal["value"], name="edge_weights", ndim=1)
        bad = np.flatnonzero((w < 0) | (w > 1))
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"edge_weights[{i}]: expected a Jaccard overlap in [0, 1], got {w[i]:.6g}"
            )
        return w

    @traitlets.validate("edge_threshold")
    def _validate_edge_threshold(self, proposal: dict[str, Any]) -> float:
        t = float(proposal["value"])
        if not 0.0 <= t <= 1.0:  # also refuses NaN, which the slider cannot show
            raise ValueError(f"edge_threshold: expected a number in [0, 1], got {t}")
        return t

    @traitlets.validate("selected_nodes")
    def _validate_selected_nodes(self, proposal: dict[str, Any]) -> list[int]:
        ids = as_index_array(
            list(proposal["value"]), name="selected_nodes", size=self.graph.n_nodes, what="node"
        )
        return [int(k) for k in dict.fromkeys(ids.tolist())]  # unique, in order

    @traitlets.validate("selected_indices")
    def _validate_selected_indices(self, proposal: dict[str, Any]) -> NDArray[np.int64]:
        idx = as_index_array(
            proposal["value"], name="selected_indices", size=self.n_points, what="point"
        )
        return np.unique(idx)

    @traitlets.validate("color_mode")
    def _validate_color_mode(self, proposal: dict[str, Any]) -> str:
        if proposal["value"] == "classes" and self.class_counts is None:
            raise ValueError("color_mode: 'classes' needs class counts (pass `labels=`)")
        if proposal["value"] == "values" and self.node_values is None:
            raise ValueError("color_mode: 'values' needs node_values")
        return str(proposal["value"])

    # -- the two selection traits follow each other -------------------------------

    @traitlets.observe("selected_nodes")
    def _on_selected_nodes(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            ids = np.asarray(change["new"], dtype=np.int64)
            mask = np.isin(self._node_of_member, ids)
            self.selected_indices = np.unique(self.graph.members[mask])
        finally:
            self._syncing = False
        self._update_detail()

    @traitlets.observe("selected_indices")
    def _on_selected_indices(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            mask = np.isin(self.graph.members, change["new"])
            self.selected_nodes = np.unique(self._node_of_member[mask]).tolist()
        finally:
            self._syncing = False
        self._update_detail()

    @traitlets.observe("max_thumbnails", "class_filter")
    def _on_max_thumbnails(self, change: dict[str, Any]) -> None:
        self._update_detail()

    def selected_image_indices(self) -> NDArray[np.int64]:
        """Sorted indices of the images of the selected points (the points' own indices
        when the widget has no ``image_index``)."""
        idx = self.selected_indices
        if self._image_index is None:
            return idx
        return np.unique(self._image_index[idx])

    def _update_detail(self) -> None:
        nodes = list(self.selected_nodes)
        idx = self.selected_indices
        exact = self._labels is not None
        matched = matching_classes(self.class_names, self.class_filter)
        labels = self._labels
        narrowed = matched is not None and labels is not None
        if matched is not None and labels is not None:
            idx = idx[np.isin(labels[idx], matched)]  # the class filter narrows it
        classes: list[list[Any]] = []
        if self.class_counts is not None and nodes:
            if self._labels is not None:
                counts = np.bincount(self._labels[idx], minlength=len(self.class_names))
            else:  # members shared by two nodes count twice: say so in the panel
                counts = self.class_counts[nodes].sum(axis=0)
            order = np.argsort(-counts, kind="stable")
            classes = [[self.class_names[c], int(counts[c])] for c in order if counts[c] > 0]
        images = (
            (np.unique(self._image_index[idx]) if self._image_index is not None else idx)
            if self._images is not None
            else np.zeros(0, np.int64)
        )
        shown = images[: self.max_thumbnails]
        if shown.size and self._images is not None:
            tiles = self._images[shown]
            png, cols = sprite_sheet(tiles)
            self.thumbnail_grid = [int(tiles.shape[1]), int(tiles.shape[2]), cols]
        else:
            png = b""
            self.thumbnail_grid = []
        self.thumbnail_indices = [int(i) for i in shown]
        self.thumbnails = png
        self.detail = {
            "nodes": len(nodes),
            "points": int(idx.size),
            "classes": classes,
            "exact": exact,
            "images": int(images.size),
            "filter": self.class_filter.strip() if narrowed else "",
        }

    # -- evidence -------------------------------------------------------------------

    @property
    def purity_test(self) -> TestResult | None:
        """The purity permutation test shown in the legend (a
        :class:`~tda_widgets.stats.TestResult`), or ``None``."""
        return self._purity_test

    def set_purity_test(self, result: TestResult | None, *, level: float = 0.95) -> None:
        """Show ``result``, a Mapper purity permutation test, in the legend.

        The legend reads "purity 0.165 · chance 0.132 [0.126-0.138] · p = 0.001 ± 0.001
        (B = 999)": the observed statistic, the null's mean with its central ``level``
        band, and the p-value with its Monte Carlo standard error.

        Parameters
        ----------
        result : TestResult or None
            E.g. ``purity_permutation_test(widget.graph, labels)``; ``None`` clears it.
        level : float
            Coverage of the null band, in (0, 1).

        Examples
        --------
        >>> import numpy as np
        >>> from tda_widgets import MapperGraph, MapperGraphWidget
        >>> from tda_widgets.stats import purity_permutation_test
        >>> g = MapperGraph(member_offsets=np.array([0, 3, 6]), members=np.arange(6),
        ...                 edges=np.zeros((0, 2), dtype=np.int64), edge_weights=np.zeros(0),
        ...                 lens_mean=np.array([0.2, 0.8]))
        >>> labels = np.array([0, 0, 0, 1, 1, 1])
        >>> w = MapperGraphWidget(g, labels=labels)
        >>> w.set_purity_test(purity_permutation_test(g, labels, n_permutations=99))
        >>> w.purity_evidence["statistic"], w.purity_evidence["n_permutations"]
        (1.0, 99)
        >>> w.purity_test.p_value == w.purity_evidence["p_value"]
        True
        """
        self.purity_evidence = purity_evidence(result, level=level)
        self._purity_test = result

    # -- accessors ------------------------------------------------------------------

    def selected_image_pixels(self) -> NDArray[np.uint8] | None:
        """The selection's images (``(k, h, w, c)`` uint8), or ``None`` without images."""
        if self._images is None:
            return None
        return self._images[self.selected_image_indices()]

    @property
    def selected_images(self) -> SelectedImages:
        """Sorted image indices of the selection (as :meth:`selected_image_indices`).

        A property, as on the explorer and the diagram. The old call
        ``selected_images()`` returned the *pixels*: it still does, and warns
        (:class:`FutureWarning`); use :meth:`selected_image_pixels` for them.
        """
        return SelectedImages(
            self.selected_image_indices(), "MapperGraphWidget", old=self._old_selected_images
        )

    def _old_selected_images(self) -> NDArray[np.uint8] | None:
        warnings.warn(
            "MapperGraphWidget.selected_images() is deprecated; use selected_image_pixels() "
            "for the pixels, or the selected_images property for the image indices",
            FutureWarning,
            stacklevel=3,
        )
        return self.selected_image_pixels()

    def selected_labels(self) -> NDArray[np.int64] | None:
        """Class label of each selected cloud point, or ``None`` without ``labels``."""
        if self._labels is None:
            return None
        return self._labels[self.selected_indices]
