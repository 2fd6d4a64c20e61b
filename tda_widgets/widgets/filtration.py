"""FiltrationWidget: a Vietoris-Rips filtration explorer (front-end: ``js/filtration/``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets
from numpy.typing import NDArray

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets._validation import as_points
from tda_widgets.widgets._base import TdaWidget
from tda_widgets.widgets._codec import (
    array_list_trait,
    array_trait,
)

__all__ = ["FiltrationWidget"]

#: Largest cloud the view accepts: its edge list has n (n - 1) / 2 entries.
MAX_POINTS = 1000


class FiltrationWidget(TdaWidget):
    """A point cloud growing into its Vietoris-Rips complex, beside its barcode.

    Drag the radius slider (or press play) to grow the filtration. At radius ``r`` the
    Rips complex has an edge between two points at distance ``<= r`` and a triangle on
    every three points that are pairwise joined. Each point is drawn with a disc of
    radius ``r / 2``, so two discs touch exactly when the edge between their centres
    appears (the view says so under the plot). The barcode beside it has a vertical
    line at ``r``; the bars alive at ``r`` (birth ``<= r <`` death) are drawn strongly,
    the others faded. Clicking a bar sets :attr:`selected_bar`, jumps :attr:`radius` to
    the bar's birth and highlights its generator: the edge whose arrival creates the
    feature and the edge whose arrival kills it (from :func:`~tda_widgets.persistence_diagrams`).

    Clouds of dimension ``d > 2`` are drawn as their 2-D PCA projection (the view says
    so and gives the variance explained) while the edges, triangles and bars are those
    of the full ``d``-dimensional cloud. At most :attr:`max_edges` edges are drawn (the
    shortest ones); when more exist at the current radius the view says how many.

    Parameters
    ----------
    points : array_like of shape (n, d) or PointCloud
        The cloud, ``2 <= d``, ``n <= 1000`` (subsample bigger clouds first, e.g. with
        :func:`~tda_widgets.farthest_point_subsample`).
    radius : float, default 0
        Initial scale, ``0 <= radius <= max_radius``.
    max_radius : float, optional
        Upper end of the slider. Default: 1.15 times the largest finite death (or the
        cloud's diameter when there is none).
    maxdim : int, default 1
        Highest homology dimension of the barcode.
    max_edges : int, default 5000
        Most edges drawn at once.
    title : str, optional
        Shown above the views.
    width, height : int, optional
        Size of each of the two plots in CSS pixels.
    **kwargs
        Other traits, e.g. ``selected_bar`` or ``show_balls``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import FiltrationWidget
    >>> t = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    >>> w = FiltrationWidget(np.c_[np.cos(t), np.sin(t)])
    >>> w.edges.shape[1], bool(np.all(np.diff(w.edge_lengths) >= 0))
    (2, True)
    >>> w.radius = 0.6
    >>> w.edges_at().shape  # the 12 sides of the 12-gon (length 0.518)
    (12, 2)
    >>> w.selected_bar = [1, 0]  # the loop: its birth is the side length
    >>> round(w.bar(1, 0)[0], 3)
    0.518
    """

    _bundle = "filtration"

    points = array_trait()
    """float64 ndarray (n, d): the cloud. Set by Python."""

    xy = array_trait()
    """float64 ndarray (n, 2): drawn coordinates (the points, or their PCA projection). Set by Python."""

    projection = traitlets.Unicode("").tag(sync=True)
    """str: how ``xy`` was made from ``points`` ("" when d == 2), shown in the view. Set by Python."""

    edges = array_trait()
    """int32 ndarray (m, 2): every pair at distance <= max_radius, shortest first. Set by Python."""

    edge_lengths = array_trait()
    """float32 ndarray (m,): length of each edge, ascending (as ripser rounds them). Set by Python."""

    diagrams = array_list_trait()
    """list of float64 ndarray (n_k, 2): Rips persistence per dimension k. Set by Python."""

    generators = array_list_trait()
    """list of int32 ndarray (n_k, 4): birth-edge and death-edge vertices per bar (-1: none). Set by Python."""

    radius = traitlets.Float(0.0).tag(sync=True)
    """float: current scale r (edges of length <= r). Set by the view (slider, play, bar click) or Python."""

    max_radius = traitlets.Float(1.0).tag(sync=True)
    """float: upper end of the slider. Set by Python."""

    selected_bar = traitlets.List(traitlets.Int(), maxlen=2).tag(sync=True)
    """list: [dim, index] of the clicked bar, or []. Set by the view (barcode click) or Python."""

    max_edges = traitlets.Int(5000, min=1).tag(sync=True)
    """int: most edges drawn at once (the shortest). Set by Python."""

    show_balls = traitlets.Bool(True).tag(sync=True)
    """bool: draw the discs of radius r/2. Set by the view (checkbox) or Python."""

    show_triangles = traitlets.Bool(True).tag(sync=True)
    """bool: draw the Rips triangles. Set by the view (checkbox) or Python."""

    title = traitlets.Unicode("").tag(sync=True)
    """str: title above the views. Set by Python."""

    width = traitlets.Int(360, min=160).tag(sync=True)
    """int: width of each plot in CSS pixels. Set by Python."""

    height = traitlets.Int(360, min=160).tag(sync=True)
    """int: height of each plot in CSS pixels. Set by Python."""

    def __init__(
        self,
        points: Any,
        *,
        radius: float = 0.0,
        max_radius: float | None = None,
        maxdim: int = 1,
        max_edges: int = 5000,
        title: str = "",
        width: int = 360,
        height: int = 360,
        **kwargs: Any,
    ) -> None:
        if isinstance(points, PointCloud):
            title = title or points.layer
            points = points.points
        pts = _check_points(points)
        self._diagrams = _persistence(pts, maxdim)
        finite = [d[np.isfinite(d[:, 1]), 1] for d in self._diagrams]
        top = max((float(f.max()) for f in finite if f.size), default=0.0)
        if max_radius is None:
            max_radius = 1.15 * top if top > 0 else _diameter(pts) or 1.0
        max_radius = _check_radius(max_radius, name="max_radius", upper=np.inf)
        if max_radius == 0:
            raise ValueError("max_radius: expected a number > 0, got 0.0")
        xy, note = _projection(pts)
        edges, lengths = _edge_list(pts, max_radius)
        kwargs.setdefault("show_balls", pts.shape[1] == 2)
        super().__init__(
            points=pts.astype(np.float64),
            xy=xy,
            projection=note,
            edges=edges,
            edge_lengths=lengths,
            diagrams=[np.asarray(d, dtype=np.float64) for d in self._diagrams],
            generators=[np.asarray(g, dtype=np.int32) for g in self._diagrams.generators or ()],
            max_radius=max_radius,
            max_edges=max_edges,
            title=title,
            width=width,
            height=height,
            **kwargs,
        )
        self.radius = radius  # validated against max_radius

    # --- validation -----------------------------------------------------------------
    @traitlets.validate("radius")
    def _validate_radius(self, proposal: dict[str, Any]) -> float:
        return _check_radius(proposal["value"], name="radius", upper=self.max_radius)

    @traitlets.validate("selected_bar")
    def _validate_selected_bar(self, proposal: dict[str, Any]) -> list[int]:
        value = list(proposal["value"])
        if not value:
            return []
        if len(value) != 2:
            raise ValueError(f"selected_bar: expected [] or [dim, index], got {value}")
        dim, index = int(value[0]), int(value[1])
        sizes = [len(d) for d in self.diagrams]
        if not 0 <= dim < len(sizes):
            raise ValueError(
                f"selected_bar: dim must be in 0..{len(sizes) - 1}, got {dim} (value {value})"
            )
        if not sizes[dim]:
            raise ValueError(f"selected_bar: H{dim} has no bars, got index {index}")
        if not 0 <= index < sizes[dim]:
            raise ValueError(
                f"selected_bar: index must be in 0..{sizes[dim] - 1} for H{dim} "
                f"({sizes[dim]} bars), got {index}"
            )
        return [dim, index]

    # --- accessors ------------------------------------------------------------------
    def bar(self, dim: int, index: int) -> tuple[float, float]:
        """``(birth, death)`` of bar ``index`` of dimension ``dim``."""
        birth, death = self.diagrams[dim][index]
        return float(birth), float(death)

    def edges_at(self, radius: float | None = None) -> NDArray[np.int32]:
        """The Rips edges at ``radius`` (default: the current one), shortest first.

        Examples
        --------
        >>> w = FiltrationWidget([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
        >>> w.edges_at(1.5).tolist()
        [[0, 1]]
        """
        r = self.radius if radius is None else _check_radius(radius, name="radius", upper=np.inf)
        # compared in float64, as the view does
        count = int(np.searchsorted(self.edge_lengths.astype(np.float64), r, side="right"))
        return np.asarray(self.edges[:count])

    def bars_alive(self, radius: float | None = None) -> list[int]:
        """Number of bars alive (birth <= r < death) per dimension: the Betti numbers at r.

        Examples
        --------
        >>> w = FiltrationWidget([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0]])
        >>> w.bars_alive(0.5), w.bars_alive(2.0)
        ([3, 0], [2, 0])
        """
        r = self.radius if radius is None else float(radius)
        return [int(((d[:, 0] <= r) & (r < d[:, 1])).sum()) for d in self.diagrams]

    def selected_generator(self) -> NDArray[np.int64]:
        """Cloud indices of the selected bar's generator vertices (birth then death edge)."""
        if not self.selected_bar:
            return np.zeros(0, dtype=np.int64)
        dim, index = self.selected_bar
        row = np.asarray(self.generators[dim][index], dtype=np.int64)
        return row[row >= 0]


def _check_points(points: Any) -> NDArray[Any]:
    # the dtype persistence_diagrams (and ripser) compute the same input's distances in
    pts = as_points(points, name="points", dtype="exact")
    if pts.shape[1] < 2:
        raise ValueError(f"points: expected an (n, d) array with d >= 2, got shape {pts.shape}")
    n = pts.shape[0]
    if not 1 <= n <= MAX_POINTS:
        raise ValueError(
            f"points: expected 1 to {MAX_POINTS} points, got {n}; subsample first, e.g. "
            "with tda_widgets.farthest_point_subsample"
        )
    return pts


def _check_radius(value: Any, *, name: str, upper: float) -> float:
    try:
        r = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected a number, got {type(value).__name__}") from exc
    if np.isnan(r) or r < 0:
        raise ValueError(f"{name}: expected a number >= 0, got {r}")
    if not np.isfinite(r):  # the page cannot draw (nor its JSON hold) an infinite scale
        raise ValueError(f"{name}: expected a finite number, got {r}")
    if r > upper:
        raise ValueError(f"{name}: expected at most max_radius = {upper:.6g}, got {r:.6g}")
    return r


def _persistence(pts: NDArray[np.float32], maxdim: int) -> Diagrams:
    from tda_widgets.topology import persistence_diagrams

    return persistence_diagrams(pts, maxdim=maxdim)


def _distances(pts: NDArray[np.float32]) -> NDArray[np.float32]:
    # the same rounded distances the persistence backends see, so that a bar's birth
    # equals its birth edge's length exactly
    from tda_widgets.topology.persistence import rips_distances

    return rips_distances(pts)


def _diameter(pts: NDArray[np.float32]) -> float:
    return float(_distances(pts).max()) if pts.shape[0] > 1 else 0.0


def _edge_list(
    pts: NDArray[np.float32], max_radius: float
) -> tuple[NDArray[np.int32], NDArray[np.float32]]:
    """Every pair at distance <= max_radius, sorted by length (ties by index)."""
    dm = _distances(pts)
    i, j = np.triu_indices(pts.shape[0], k=1)
    lengths = dm[i, j]
    keep = lengths <= np.float32(max_radius)
    i, j, lengths = i[keep], j[keep], lengths[keep]
    order = np.argsort(lengths, kind="stable")
    edges = np.c_[i[order], j[order]].astype(np.int32).reshape(-1, 2)
    return edges, lengths[order].astype(np.float32)


def _projection(pts: NDArray[np.float32]) -> tuple[NDArray[np.float64], str]:
    """The points themselves when d == 2, else their first two principal components."""
    x = pts.astype(np.float64)
    d = x.shape[1]
    if d == 2:
        return x, ""
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    if xy.shape[1] < 2:  # a single point
        xy = np.c_[xy, np.zeros((xy.shape[0], 2 - xy.shape[1]))]
    total = float((s**2).sum())
    share = float((s[:2] ** 2).sum()) / total if total > 0 else 1.0
    note = (
        f"2-D view: PCA projection of {d}-D points ({share:.0%} of the variance). "
        f"Edges, triangles and bars are computed in all {d} dimensions; discs are off by "
        "default, since projected points sit closer than they are and discs would touch "
        "before their edge appears."
    )
    return xy, note
