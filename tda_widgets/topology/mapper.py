"""Mapper graphs of a point cloud, built with KeplerMapper's cover.

The authors' recipe (read from their scripts): lens = each point's l2 norm, a uniform
cover of the lens range (``n_intervals`` intervals, ``overlap`` fraction), DBSCAN with
``min_samples=5`` and ``eps`` from the knee of the sorted nearest-neighbour distances
(:func:`elbow_eps`). Nodes are the clusters in each interval; two nodes are joined
when they share points.

:func:`mapper_graph` uses ``kmapper.Cover`` for the intervals and the same
"min points per cube" rule and node order as ``KeplerMapper.map``, so its nodes equal
kmapper's (tested). It differs in how it runs: the clusterer runs on the cubes in
parallel with joblib (threads by default, so ``joblib.parallel_config`` can move it);
a plain Euclidean ``DBSCAN`` (the default) gets scikit-learn's labels from
``_dbscan.py``, which skips the pairs of points that a principal-coordinate bound
proves are too far apart; and edges come from one sparse incidence product instead of
kmapper's loop over all node pairs.

"Equal to kmapper's" covers float32 and float64 input alike: the points are clustered
in float64 as given (float32 values are exact in float64; float64 is never rounded to
float32), as scikit-learn's DBSCAN does, and the clusterer's parameters are checked by
scikit-learn's own validation first. Where a pair of points is ``eps`` apart to within
the rounding of scikit-learn's own distances (an exact tie, or an ``eps`` that is one of
the distances, as ``elbow_eps`` can give), scikit-learn's decision depends on its search
algorithm, so that interval is clustered by scikit-learn itself.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from tqdm.auto import tqdm

from tda_widgets._types import MapperGraph, PointCloud
from tda_widgets._validation import as_points, check_int, describe
from tda_widgets.topology._dbscan import (
    Basis,
    NearTie,
    dbscan_labels,
    nearest_distances,
    principal_basis,
    radius_pairs,
    unit_scale,
    uses_fast_path,
)

__all__ = ["compute_lens", "elbow_eps", "mapper_graph"]


def elbow_eps(points: Any) -> float:
    """DBSCAN ``eps`` by the authors' rule: knee of the sorted nearest-neighbour distances.

    Each point's distance to its nearest neighbour (found with the pruned search of
    ``_dbscan.nearest_distances``), sorted in decreasing order; the
    knee (kneed, convex, decreasing) is the eps; the median when there is no knee;
    rounded to 3 decimals (unrounded if that would give 0). When that is 0 (many
    duplicate points, e.g. dead units) the smallest positive nearest-neighbour distance
    is taken, and when every point has a duplicate (so every nearest-neighbour distance
    is 0) the smallest distance between two distinct points; when every point is
    identical there is no scale and a ``ValueError`` says so. The distances are taken
    between the points as given (float64 input is not rounded to float32).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(200, 3))
    >>> eps = elbow_eps(x)
    >>> 0 < eps < 1
    True
    >>> elbow_eps(np.repeat([[0.0, 0.0], [0.0, 0.25], [1.0, 0.0]], 2, axis=0))
    0.25
    """
    from kneed import KneeLocator

    if isinstance(points, PointCloud):
        pts = points.points.astype(np.float64)
    else:
        pts = as_points(points, name="points", dtype=np.float64)
    if pts.shape[0] < 3:
        raise ValueError(f"points: expected at least 3 points, got {pts.shape[0]}")
    dist = np.sort(nearest_distances(pts))[::-1]
    if dist[0] > 0:
        with warnings.catch_warnings():  # kneed's normalisation of a flat curve divides by 0
            warnings.simplefilter("ignore", RuntimeWarning)
            knee = KneeLocator(
                np.arange(dist.size), dist, curve="convex", direction="decreasing"
            ).knee_y
        eps = float(np.median(dist)) if knee is None else float(knee)
        if not eps > 0:
            eps = float(dist[dist > 0].min())
    else:  # every point has a duplicate: the smallest distance between distinct points
        distinct = np.unique(pts, axis=0)
        eps = float(nearest_distances(distinct).min()) if distinct.shape[0] > 1 else 0.0
        if not eps > 0:
            got = (
                f"{pts.shape[0]} copies of one point (a dead layer?)"
                if distinct.shape[0] == 1
                else f"{pts.shape[0]} points whose {distinct.shape[0]} distinct positions "
                "are closer together than float64 distances resolve"
            )
            raise ValueError(
                f"points: expected points that are not all identical, got {got}, so there "
                "is no scale to pick DBSCAN's eps from"
            )
    rounded = round(eps, 3)
    return rounded if rounded > 0 else eps


def compute_lens(points: NDArray[np.float64], lens: Any) -> NDArray[np.float64]:
    """The lens values, shape (n, k): ``"l2norm"``, ``"pca"`` (first PC), array or callable.

    Examples
    --------
    >>> import numpy as np
    >>> compute_lens(np.array([[3.0, 4.0]]), "l2norm").tolist()
    [[5.0]]
    """
    n = points.shape[0]
    if isinstance(lens, str):
        if lens == "l2norm":  # scaled by a power of two: no overflow, the same values
            s = unit_scale(points)
            values = np.linalg.norm(points * s if s != 1.0 else points, axis=1) / s
        elif lens == "pca":
            from sklearn.decomposition import PCA

            values = PCA(n_components=1, random_state=0).fit_transform(points)
        else:
            raise ValueError(
                f"lens: expected 'l2norm', 'pca', an array or a callable, got {lens!r}"
            )
    elif callable(lens):
        values = np.asarray(lens(points), dtype=np.float64)
    else:
        values = np.asarray(lens, dtype=np.float64)
    values = values.reshape(n, -1) if values.size == n or values.ndim == 2 else values
    if values.ndim != 2 or values.shape[0] != n or not np.all(np.isfinite(values)):
        top = float(np.abs(points).max(initial=0.0))
        scale = (
            f" (the points reach {top:.3g}: the lens overflows float64 at this scale; "
            "normalise the cloud first, e.g. Analysis(normalize='median'))"
            if np.isfinite(top) and top > 1e150
            else ""
        )
        raise ValueError(
            f"lens: expected {n} finite values (shape ({n},) or ({n}, k)), "
            f"got shape {np.shape(values)}{' with non-finite values' if values.size else ''}"
            f"{scale}"
        )
    return values


def _min_cluster_samples(clusterer: Any) -> int:
    """KeplerMapper's rule for the smallest cube that is clustered."""
    params = clusterer.get_params()
    value = None
    for name in ("n_clusters", "min_cluster_size", "min_samples"):
        if params.get(name):
            value = params[name]
    return int(value) if value else 2


def _validate_clusterer(clusterer: Any) -> None:
    """Run scikit-learn's own parameter validation, as its ``fit`` would.

    The fast DBSCAN path never calls ``fit``, and an interval too small to cluster
    never reaches it either, so invalid parameters (``algorithm="blah"``,
    ``leaf_size=-1``, ``p=-1``) raise scikit-learn's ``InvalidParameterError`` here,
    before any work (``KeplerMapper.map`` raises it from its first ``fit``).
    """
    if not callable(getattr(clusterer, "fit_predict", None)) and not callable(
        getattr(clusterer, "fit", None)
    ):
        raise TypeError(
            "clusterer: expected a scikit-learn-style clusterer with fit_predict (e.g. "
            f"sklearn.cluster.DBSCAN(eps=0.5, min_samples=5)), got {describe(clusterer)}"
        )
    from sklearn.base import BaseEstimator  # scikit-learn (~1 s) when a graph is built

    validate = getattr(clusterer, "_validate_params", None)
    if isinstance(clusterer, BaseEstimator) and callable(validate):
        validate()


def _cluster(clusterer: Any, x: NDArray[np.float64]) -> NDArray[np.int64]:
    from sklearn.base import clone

    return np.asarray(clone(clusterer).fit_predict(x))


def _dbscan(clusterer: Any, x: NDArray[np.float64], basis: Basis) -> NDArray[np.int64]:
    """``clusterer.fit_predict(x)`` for a Euclidean DBSCAN, computed by ``_dbscan.py``.

    When a pair of points is ``eps`` apart to within scikit-learn's own rounding (e.g.
    an ``eps`` that is itself one of the distances), scikit-learn's answer depends on
    its search, so scikit-learn clusters that interval itself."""
    try:
        i, j = radius_pairs(x, float(clusterer.eps), basis, strict=True)
    except NearTie:
        s = unit_scale(x)  # exact power of two: scikit-learn's decisions, no overflow
        if s == 1.0:
            return _cluster(clusterer, x)
        from sklearn.base import clone

        scaled = clone(clusterer).set_params(eps=float(clusterer.eps) * s)
        return np.asarray(scaled.fit_predict(x * s))
    return dbscan_labels(x.shape[0], i, j, int(clusterer.min_samples))


def mapper_graph(
    cloud: Any,
    *,
    lens: str | NDArray[Any] | Callable[[Any], Any] = "l2norm",
    n_intervals: int = 10,
    overlap: float = 0.5,
    clusterer: Any = None,
    labels: Any = None,
    n_jobs: int | None = None,
    progress: bool = True,
) -> MapperGraph:
    """Mapper graph of a point cloud (KeplerMapper's cover and node rules).

    Parameters
    ----------
    cloud : PointCloud or array_like of shape (n, d)
    lens : {"l2norm", "pca"}, array of shape (n,) or (n, k), or callable
        Filter function; a callable gets the ``(n, d)`` float64 points.
    n_intervals : int, default 10
        Intervals per lens dimension (kmapper's ``n_cubes``).
    overlap : float, default 0.5
        Overlap fraction of neighbouring intervals (kmapper's ``perc_overlap``).
    clusterer : sklearn-style clusterer, optional
        Default ``DBSCAN(eps=elbow_eps(cloud), min_samples=5)``, which needs at least 3
        points. When every point is the same (a dead layer), any ``eps`` gives the same
        clusters: ``eps=1.0`` is used with a warning and recorded in ``params``.
    labels : array_like of int, shape (n,), optional
        Class of each point; defaults to ``cloud.labels``. Gives ``class_counts``.
    n_jobs : int, optional
        joblib workers over the cubes (threads unless ``joblib.parallel_config``
        says otherwise).
    progress : bool, default True
        A progress bar over the intervals, shown once clustering has taken 2 s
        (so never for small clouds).

    Returns
    -------
    MapperGraph
        Node ``k`` is the ``k``-th node kmapper would create (cube order, then
        cluster label); ``edge_weights`` are Jaccard overlaps; ``lens_mean`` is the
        mean of the first lens column over each node's members.
        A graph without nodes (no interval held enough points for the clusterer,
        e.g. more intervals than points) is returned with a warning.
        A constant lens (e.g. a dead layer, or points on a sphere with the
        ``"l2norm"`` lens) gives one interval instead of ``n_intervals`` copies of it,
        with a warning; ``params["cover"]`` records it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import DBSCAN
    >>> t = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    >>> circle = np.c_[np.cos(t), np.sin(t)]
    >>> g = mapper_graph(circle, lens=circle[:, 0], n_intervals=6, overlap=0.3,
    ...                  clusterer=DBSCAN(eps=0.2, min_samples=3))
    >>> g.n_nodes, len(g.edges)
    (10, 10)
    """
    if isinstance(cloud, PointCloud):
        pts = cloud.points.astype(np.float64)
        if labels is None:
            labels = cloud.labels
        layer = cloud.layer
    else:
        # float64, never through float32: DBSCAN decides eps-ties in the input's values
        pts, layer = as_points(cloud, name="cloud", dtype=np.float64), ""
    n = pts.shape[0]
    if n == 0:
        raise ValueError("cloud: expected at least one point, got an empty cloud")
    n_intervals = check_int(n_intervals, name="n_intervals", minimum=1)
    if isinstance(overlap, (bool, np.bool_)) or not isinstance(
        overlap, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"overlap: expected a fraction in [0, 1), got {describe(overlap)}")
    if not 0.0 <= float(overlap) < 1.0:
        raise ValueError(f"overlap: expected a fraction in [0, 1), got {overlap!r}")
    lab = None
    if labels is not None:
        lab = np.asarray(labels)
        if lab.shape != (n,) or not np.issubdtype(lab.dtype, np.integer) or lab.min() < 0:
            raise ValueError(
                f"labels: expected {n} non-negative integers, got {np.shape(lab)} {lab.dtype}"
            )
    lens_values = compute_lens(pts, lens)
    eps = None
    if clusterer is None:
        if n < 3:
            raise ValueError(
                f"cloud: expected at least 3 points to pick DBSCAN's eps (elbow_eps), got "
                f"{n}; pass clusterer= (e.g. DBSCAN(eps=..., min_samples=1)) for tiny clouds"
            )
        if np.all(pts == pts[0]):
            eps = 1.0
            warnings.warn(
                f"cloud: all {n} points are identical (a dead layer?); DBSCAN eps=1.0 is used "
                "(any eps gives one cluster per interval) and recorded in params",
                stacklevel=2,
            )
        else:
            eps = elbow_eps(pts)
        from sklearn.cluster import DBSCAN

        clusterer = DBSCAN(eps=eps, min_samples=5)

    constant = bool(np.all(np.ptp(lens_values, axis=0) == 0))
    if constant:
        # every interval of a constant lens holds every point: kmapper would repeat the
        # same nodes n_intervals times; one interval gives the graph once
        warnings.warn(
            f"lens: all {n} lens values are equal ({lens_values[0, 0]:g}), so the cover has "
            "one interval (recorded as params['cover'])",
            stacklevel=2,
        )
        cubes = [np.arange(n, dtype=np.int64)]
    else:
        import kmapper as km  # imported when a graph is built, not to read a cached one

        cover = km.Cover(n_cubes=int(n_intervals), perc_overlap=float(overlap))
        data = np.c_[np.arange(n), lens_values]
        cover.fit(data)
        cubes = [c[:, 0].astype(np.int64) for c in cover.transform(data)]
    _validate_clusterer(clusterer)
    smallest = _min_cluster_samples(clusterer)
    todo = [i for i, ids in enumerate(cubes) if ids.size >= smallest]
    with_threads = Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator")
    if uses_fast_path(clusterer):
        basis = principal_basis(pts)
        jobs = with_threads(delayed(_dbscan)(clusterer, pts[cubes[i]], basis) for i in todo)
    else:
        jobs = with_threads(delayed(_cluster)(clusterer, pts[cubes[i]]) for i in todo)
    bar = tqdm(
        jobs,
        total=len(todo),
        desc=f"mapper {layer}".rstrip(),
        unit="interval",
        delay=2.0,
        disable=not progress,
    )
    preds = list(bar)

    node_members: list[NDArray[np.int64]] = []
    for i, pred in zip(todo, preds, strict=True):
        for label in np.unique(pred):
            if label != -1 and not np.isnan(label):
                node_members.append(cubes[i][pred == label])
    if not node_members:
        why = (
            f"none of the {len(cubes)} non-empty intervals (of n_intervals={n_intervals}) "
            f"held the {smallest} points the clusterer needs"
            if not todo
            else f"the clusterer marked all {n} points as noise"
        )
        warnings.warn(
            f"mapper_graph: the graph has no nodes: {why}; use fewer intervals, more "
            "overlap or another clusterer",
            stacklevel=2,
        )
    return _assemble(
        node_members,
        n,
        lens_values[:, 0],
        lab,
        layer,
        {
            "lens": lens if isinstance(lens, str) else "custom",
            "n_intervals": int(n_intervals),
            "overlap": float(overlap),
            "clusterer": repr(clusterer),
            "eps": eps,
            "cover": "one interval (constant lens)" if constant else "uniform",
        },
    )


def _assemble(
    node_members: list[NDArray[np.int64]],
    n: int,
    lens0: NDArray[np.float64],
    labels: NDArray[Any] | None,
    layer: str,
    params: dict[str, Any],
) -> MapperGraph:
    sizes = np.array([m.size for m in node_members], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    members = (
        np.concatenate(node_members).astype(np.int64) if node_members else np.zeros(0, np.int64)
    )
    n_nodes = sizes.size
    node_of = np.repeat(np.arange(n_nodes), sizes)
    from scipy import sparse

    inc = sparse.csr_matrix((np.ones(members.size), (node_of, members)), shape=(n_nodes, n))
    inter = sparse.triu(inc @ inc.T, k=1).tocoo()
    edges = np.c_[inter.row, inter.col].astype(np.int64).reshape(-1, 2)
    order = np.lexsort((edges[:, 1], edges[:, 0]))
    edges, shared = edges[order], inter.data[order]
    union = sizes[edges[:, 0]] + sizes[edges[:, 1]] - shared
    weights = (shared / union).astype(np.float64) if edges.size else np.zeros(0)
    lens_mean = np.bincount(node_of, weights=lens0[members], minlength=n_nodes) / np.maximum(
        sizes, 1
    )
    counts = None
    if labels is not None:
        k = int(labels.max()) + 1 if labels.size else 0
        counts = np.zeros((n_nodes, k), dtype=np.int64)
        np.add.at(counts, (node_of, labels[members]), 1)
    return MapperGraph(
        member_offsets=offsets,
        members=members,
        edges=edges,
        edge_weights=weights,
        lens_mean=lens_mean,
        class_counts=counts,
        layer=layer,
        params=params,
    )
