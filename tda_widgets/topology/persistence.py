"""Exact Vietoris-Rips persistence of a point cloud, with generators.

Every backend gets the same input: the Euclidean distance matrix computed the way
``ripser.ripser`` computes it (:func:`sklearn.metrics.pairwise_distances` on the
float32 points) and rounded to float32, as ripser does internally. So every backend
sees the same filtration, and the diagrams agree exactly with ``ripser.ripser``'s.

Backends (``backend="auto"`` takes the first installed one in this order, which is
the order measured fastest for ~1000-point clouds; see ``benchmarks/p1_persistence.py``):

``"gudhi"``
    gudhi's Ripser fork (MIT, optional extra ``tda-widgets[fast]``).
``"giotto-ph"``
    ``gph.ripser_parallel`` (AGPL-3.0: only ever an optional, user-installed backend;
    called without ``collapse_edges``).
``"ripser"``
    ripser.py, the reference (always installed).

Generators are computed after the fact, from the distance matrix, the same way for
every backend (see :func:`persistence_diagrams`).
"""

from __future__ import annotations

import importlib.util
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.csgraph import minimum_spanning_tree
from sklearn.metrics import pairwise_distances

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets._validation import as_points, check_choice, format_bytes

__all__ = [
    "BYTES_PER_PAIR",
    "DEFAULT_MEMORY_BUDGET",
    "MAX_DIM",
    "available_backends",
    "persistence_diagrams",
]

MAX_DIM = 3
"""Highest homology dimension :func:`persistence_diagrams` computes (see ``maxdim``)."""

DEFAULT_MEMORY_BUDGET = 4 * 1024**3
"""Default ``memory_budget`` of :func:`persistence_diagrams`: 4 GiB."""

BYTES_PER_PAIR = 96
"""Estimated peak bytes per pair of points (``n**2`` of them) of one persistence run:
the n x n distances (float64, then float32), the spanning tree and edge index built
for the generators, and ripser's own work for H0/H1 (measured 65-90 on random clouds)."""

_PREFERENCE = ("gudhi", "giotto-ph", "ripser")
_MODULES = {"gudhi": "gudhi", "giotto-ph": "gph", "ripser": "ripser"}


def available_backends() -> tuple[str, ...]:
    """Names of the installed persistence backends, fastest first.

    Examples
    --------
    >>> "ripser" in available_backends()
    True
    """
    return tuple(b for b in _PREFERENCE if importlib.util.find_spec(_MODULES[b]) is not None)


def _check_memory(n: int, budget: int | None, n_points: int | None) -> None:
    """Refuse, before allocating anything, a cloud whose persistence would not fit."""
    need = BYTES_PER_PAIR * n * n
    if budget is None or need <= budget:
        return
    fit = max(1, math.isqrt(budget // BYTES_PER_PAIR))
    what = f"n_points={n_points} is too large; pass" if n_points is not None else "pass"
    raise MemoryError(
        f"memory_budget: persistence of {n} points needs about {format_bytes(need)} "
        f"(the {n} x {n} distance matrix and the filtration, ~{BYTES_PER_PAIR} bytes per "
        f"pair of points), more than memory_budget={format_bytes(budget)}; {what} "
        f"n_points={fit} or fewer to subsample by farthest-point sampling first (the "
        "covering radius r is recorded and the diagrams stay within bottleneck distance "
        "2r), or raise memory_budget"
    )


def _distance_matrix(points: NDArray[np.float32]) -> NDArray[np.float32]:
    """Euclidean distances exactly as ``ripser.ripser`` computes and rounds them."""
    dm = pairwise_distances(points, metric="euclidean").astype(np.float32)
    np.fill_diagonal(dm, 0.0)
    return dm


def _run_backend(
    backend: str, dm: NDArray[np.float32], maxdim: int, threshold: float
) -> list[NDArray[np.float64]]:
    if backend == "ripser":
        from ripser import ripser

        res = ripser(dm, maxdim=maxdim, thresh=threshold, distance_matrix=True)
        dgms = res["dgms"]
    elif backend == "gudhi":
        from gudhi.sklearn.rips_persistence import RipsPersistence

        rp = RipsPersistence(
            list(range(maxdim + 1)),
            threshold=threshold,
            input_type="full distance matrix",
            homology_coeff_field=2,
            num_collapses=0,
        )
        dgms = rp.fit_transform([dm])[0]
    else:
        from gph import ripser_parallel

        res = ripser_parallel(
            dm, metric="precomputed", maxdim=maxdim, thresh=threshold, n_threads=-1
        )
        dgms = res["dgms"]
    out = []
    for k in range(maxdim + 1):
        d = np.asarray(dgms[k], dtype=np.float64).reshape(-1, 2) if k < len(dgms) else None
        out.append(np.zeros((0, 2)) if d is None else d)
    return out


def _sort_diagram(dgm: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rows by decreasing persistence (infinite first), then birth: a canonical order."""
    order = np.lexsort((dgm[:, 0], -(dgm[:, 1] - dgm[:, 0])))
    return dgm[order]


def _h0_generators(
    dm: NDArray[np.float32], dgm0: NDArray[np.float64], threshold: float
) -> NDArray[np.int64]:
    """Birth vertex and merging edge of each H0 bar (elder rule, older = smaller index)."""
    n = dm.shape[0]
    # scipy reads a zero weight as "no edge": shift every edge by 1 so that duplicate
    # points (distance 0, e.g. dead activations) stay connected; the order is unchanged
    w = dm.astype(np.float64) + 1.0
    w[dm > threshold] = 0.0  # not an edge
    np.fill_diagonal(w, 0.0)
    mst = minimum_spanning_tree(w).tocoo()
    lengths = mst.data - 1.0
    order = np.argsort(lengths, kind="stable")
    parent = np.arange(n)

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = int(parent[v])
        return v

    deaths: list[float] = []
    rows: list[tuple[int, int, int, int]] = []
    for e in order:
        a, b = int(mst.row[e]), int(mst.col[e])
        ra, rb = find(a), find(b)  # roots are the components' smallest vertices
        young, old = max(ra, rb), min(ra, rb)
        parent[young] = old
        death = float(dm[a, b])
        if death > 0.0:  # zero-length bars are not in the diagram
            deaths.append(death)
            rows.append((young, young, a, b))
    roots = sorted({find(v) for v in range(n)})
    gens = np.full((dgm0.shape[0], 4), -1, dtype=np.int64)
    fin = np.isfinite(dgm0[:, 1])
    want = np.flatnonzero(fin)[np.argsort(dgm0[fin, 1], kind="stable")]
    got = np.argsort(np.asarray(deaths), kind="stable")
    if want.size != got.size or not np.array_equal(
        dgm0[want, 1], np.asarray(deaths, dtype=np.float64)[got]
    ):
        raise RuntimeError("H0 generators: the MST does not reproduce the H0 deaths")
    gens[want] = np.asarray(rows, dtype=np.int64).reshape(-1, 4)[got]
    inf_rows = np.flatnonzero(~fin)
    if inf_rows.size != len(roots):
        raise RuntimeError("H0 generators: component count differs from infinite H0 bars")
    gens[inf_rows, 0] = roots
    gens[inf_rows, 1] = roots
    return gens


class _EdgeIndex:
    """Look up an edge of the distance matrix by its exact (float32) length."""

    def __init__(self, dm: NDArray[np.float32]) -> None:
        n = dm.shape[0]
        self.iu, self.ju = np.triu_indices(n, k=1)
        vals = dm[self.iu, self.ju]
        self.order = np.argsort(vals, kind="stable")
        self.sorted = vals[self.order]
        self.ties = 0

    def find(self, values: NDArray[np.float64]) -> NDArray[np.int64]:
        out = np.full((values.shape[0], 2), -1, dtype=np.int64)
        ok = np.isfinite(values)
        v = values[ok].astype(np.float32)
        lo = np.searchsorted(self.sorted, v, side="left")
        hi = np.searchsorted(self.sorted, v, side="right")
        if np.any(hi == lo):
            raise RuntimeError("generators: a diagram value is not an edge length")
        self.ties += int(np.count_nonzero(hi - lo > 1))
        e = self.order[lo]
        out[ok, 0], out[ok, 1] = self.iu[e], self.ju[e]
        return out


def persistence_diagrams(
    cloud: PointCloud | Any,
    *,
    maxdim: int = 1,
    backend: str = "auto",
    n_points: int | None = None,
    threshold: float = np.inf,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> Diagrams:
    """Vietoris-Rips persistence diagrams of a point cloud (Z/2 coefficients).

    Parameters
    ----------
    cloud : PointCloud or array_like of shape (n, d)
        The points (Euclidean metric, as in the paper).
    maxdim : int, default 1
        Highest homology dimension, 0 to ``MAX_DIM`` = 3 (the paper uses H0 and H1).
        Higher dimensions are refused: a Rips complex needs simplices of ``k + 2``
        points for ``H_k``, whose number grows like ``n**(k + 2)``, so they do not
        finish for clouds of any useful size.
    backend : {"auto", "ripser", "gudhi", "giotto-ph"}
        ``"auto"`` takes the fastest installed backend (see :func:`available_backends`).
        All give the same diagrams as ``ripser.ripser(points)``.
    n_points : int, optional
        Subsample to this many points by greedy farthest-point sampling first. The
        kept indices and the covering radius ``r`` are recorded in ``params``; the
        diagrams are within bottleneck distance ``2 r`` of the full cloud's.
    threshold : float, default inf
        Largest edge length in the filtration; bars alive there get death ``inf``.
    memory_budget : int or None, default 4 GiB
        Most bytes the run may take, estimated as ``BYTES_PER_PAIR * n**2`` for the
        ``n`` points left after ``n_points``. A larger cloud is refused with a
        ``MemoryError`` *before* anything large is allocated; the message says which
        ``n_points`` fits. ``None`` turns the check off.

    Returns
    -------
    Diagrams
        ``diagrams[k]`` is the ``(n_k, 2)`` array of dimension ``k``, rows sorted by
        decreasing persistence (infinite bars first). ``generators[k]`` is an
        ``(n_k, 4)`` int array of cloud indices: columns 0-1 are the vertices of the
        birth simplex's longest edge (for H0 the birth vertex, twice), columns 2-3 the
        vertices of the death simplex's longest edge (``-1`` for infinite bars). In a
        Rips filtration a simplex enters at the length of its longest edge, so
        ``dist(points[g[0]], points[g[1]]) == birth`` and likewise for death. H0
        generators come from a minimum spanning tree with the elder rule (the
        component with the smaller least index survives). For ``k >= 1`` the edges are
        found by their exact length; when several edges have exactly the same length
        one of them is reported and ``params["generator_ties"]`` counts such cases.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    >>> circle = np.c_[np.cos(t), np.sin(t)]
    >>> dg = persistence_diagrams(circle, backend="ripser")
    >>> dg[1].shape, bool(dg[1][0, 1] > 1.5)
    ((1, 2), True)
    >>> g = dg.generators[1][0]
    >>> bool(np.isclose(np.linalg.norm(circle[g[2]] - circle[g[3]]), dg[1][0, 1]))
    True
    """
    if isinstance(cloud, PointCloud):
        points, layer = cloud.points, cloud.layer
    else:
        points, layer = as_points(cloud, name="cloud"), ""
    if isinstance(maxdim, bool) or not isinstance(maxdim, (int, np.integer)) or maxdim < 0:
        raise ValueError(f"maxdim: expected an integer >= 0, got {maxdim!r}")
    if maxdim > MAX_DIM:
        raise ValueError(
            f"maxdim: expected an integer in 0..{MAX_DIM}, got {maxdim}; H_k of a Rips "
            f"complex needs simplices of k + 2 points, whose number grows like n**(k + 2), "
            f"so dimensions above {MAX_DIM} are refused (the paper uses H0 and H1)"
        )
    if memory_budget is not None and (
        isinstance(memory_budget, bool)
        or not isinstance(memory_budget, (int, np.integer, float))
        or not memory_budget > 0
    ):
        raise ValueError(
            f"memory_budget: expected a positive number of bytes or None, got {memory_budget!r}"
        )
    installed = available_backends()
    if backend == "auto":
        backend = installed[0]
    else:
        check_choice(backend, _PREFERENCE, name="backend")
        if backend not in installed:
            raise ValueError(
                f"backend: {backend!r} is not installed (installed: {list(installed)}); "
                f"install it or use backend='auto'"
            )
    threshold = float(threshold)
    if np.isnan(threshold) or threshold < 0:
        raise ValueError(f"threshold: expected a number >= 0 or inf, got {threshold}")
    if points.shape[0] == 0:
        raise ValueError("cloud: expected at least one point, got an empty cloud")
    params: dict[str, Any] = {"maxdim": int(maxdim), "threshold": threshold, "n_points": n_points}
    kept = None
    if n_points is not None and n_points < 1:
        raise ValueError(f"n_points: expected a positive integer, got {n_points}")
    n_used = points.shape[0] if n_points is None else min(int(n_points), points.shape[0])
    _check_memory(n_used, None if memory_budget is None else int(memory_budget), n_points)
    if n_points is not None and n_points < points.shape[0]:
        from tda_widgets.point_clouds.subsample import farthest_point_subsample

        kept, radius = farthest_point_subsample(points, int(n_points))
        points = points[kept]
        params.update(indices=kept, covering_radius=radius)

    dm = _distance_matrix(points)
    dgms = [_sort_diagram(d) for d in _run_backend(backend, dm, int(maxdim), threshold)]
    gens = [_h0_generators(dm, dgms[0], threshold)]
    if maxdim >= 1:
        index = _EdgeIndex(dm)
        for d in dgms[1:]:
            gens.append(np.c_[index.find(d[:, 0]), index.find(d[:, 1])])
        params["generator_ties"] = index.ties
    if kept is not None:
        gens = [np.where(g >= 0, kept[np.maximum(g, 0)], -1) for g in gens]
    return Diagrams(
        dgms=tuple(dgms),
        generators=tuple(gens),
        backend=backend,
        layer=layer,
        params=params,
    )
