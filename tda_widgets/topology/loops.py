"""Which points make a loop: representative cycles and circular coordinates of H1 bars.

Both functions start from ripser's representative *cocycle* of an H1 bar
(``ripser(..., do_cocycles=True)``), computed on the same float32 distance matrix as
:func:`~tda_widgets.topology.persistence_diagrams` (:func:`rips_distances`).

:func:`representative_cycle`
    The bar is a row of ``persistence_diagrams(points)`` (Z/2), and its cocycle comes
    from ripser truncated at the chosen scale inside the bar (a prefix of a filtration
    pairs its simplices as the whole one does, so the bar is the truncated run's infinite
    bar with the same birth). The cycle: the bar's birth edge closed by the shortest path
    between its endpoints in the Rips graph at that scale that avoids the cocycle's
    support. The cocycle evaluates to 1 on it, and a cocycle vanishes on boundaries, so
    the cycle is not a boundary at that scale.

:func:`circular_coordinates`
    de Silva, Morozov and Vejdemo-Johansson's circular coordinates ("Persistent
    cohomology and circular coordinates", 2011), on landmarks as in DREiMac (Perea,
    "Sparse circular coordinates via principal Z-bundles", 2020): the Z/p cocycle,
    multiplied by the smallest unit of Z/p whose centred lift is an *integer* cocycle
    of the Rips complex at the chosen scale, is smoothed by least squares into a
    harmonic cocycle plus the coboundary of a real 0-cochain ``tau``; ``tau`` mod 1 is
    the landmarks' coordinate and every point is placed from its landmarks by a
    partition of unity. The winding of the coordinate along the bar's representative
    cycle at birth is the integer cocycle's value on that cycle: 2 for a loop that the
    coordinate's circle sees wound twice.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from tqdm.auto import tqdm

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    as_points,
    check_int,
    check_memory_budget,
    check_number,
    describe,
    format_bytes,
)
from tda_widgets.topology.persistence import BYTES_PER_PAIR, persistence_diagrams, rips_distances

__all__ = [
    "LOOP_BYTES_PER_PAIR",
    "CircularCoordinates",
    "RepresentativeCycle",
    "circular_coordinates",
    "representative_cycle",
]

LOOP_BYTES_PER_PAIR = BYTES_PER_PAIR + 48
"""Estimated peak bytes per pair of points (or landmarks): ripser's run with cocycles
(as :data:`~tda_widgets.topology.persistence.BYTES_PER_PAIR`) plus the Rips graph at
the chosen scale (mask, sparse graph) and the integer cochain (int64)."""

_EXTEND_CELLS = 1 << 22
"""Point-to-landmark distances per block when the coordinate is extended to every point."""


@dataclass(frozen=True)
class RepresentativeCycle:
    """A cycle of the Rips graph that represents one H1 bar.

    Attributes
    ----------
    vertices : ndarray of shape (k,), int64
        Point indices in cyclic order (each once; the cycle closes from the last back
        to the first).
    edges : ndarray of shape (k, 2), int64
        The cycle's edges, ``(vertices[i], vertices[i + 1])`` and the closing one.
    birth, death : float
        The bar (as in :func:`~tda_widgets.topology.persistence_diagrams`' diagram).
    scale : float
        The Rips scale the cycle lives at (every edge is at most this long);
        ``birth <= scale < death``.
    feature : int
        The bar's row in the diagram (0 = most persistent).
    length : float
        Sum of the edges' lengths.
    dim : int
        Homology dimension (1).
    """

    vertices: NDArray[np.int64]
    edges: NDArray[np.int64]
    birth: float
    death: float
    scale: float
    feature: int
    length: float
    dim: int = 1

    def __len__(self) -> int:
        return int(self.vertices.shape[0])


@dataclass(frozen=True)
class CircularCoordinates:
    """A circle-valued coordinate of every point, from one H1 bar.

    Attributes
    ----------
    angles : ndarray of shape (n,), float64
        The coordinate of each point, in ``[0, 2 pi)``.
    winding : int
        How many times the coordinate winds (``>= 0``) along ``cycle``, the bar's
        representative cycle at its birth: 1 for a loop the coordinate follows once,
        2 for a loop that wraps twice around the coordinate's circle.
    landmarks : ndarray of shape (m,), int64
        Point indices of the landmarks (every point when ``n <= n_landmarks``).
    cycle : ndarray of shape (k,), int64
        Point indices (all landmarks) of the representative cycle the winding is
        measured along, in cyclic order, oriented so that the winding is positive.
    feature : int
        The bar's row in the landmarks' Z/``prime`` diagram (0 = most persistent).
    birth, death : float
        The bar.
    scale : float
        Rips scale of the cocycle; landmarks are blended within ``scale / 2``.
    prime : int
        Coefficient field of the cocycle.
    unit : int
        The unit of Z/``prime`` the cocycle was multiplied by before its integer lift.
    covering_radius : float
        Largest distance from a point to its nearest landmark (0 with every point a
        landmark).
    landmark_angles : ndarray of shape (m,), float64
        ``2 pi tau`` mod ``2 pi`` at the landmarks, before the partition of unity.
    """

    angles: NDArray[np.float64]
    winding: int
    landmarks: NDArray[np.int64]
    cycle: NDArray[np.int64]
    feature: int
    birth: float
    death: float
    scale: float
    prime: int
    unit: int
    covering_radius: float
    landmark_angles: NDArray[np.float64] = field(repr=False)


# ---------------------------------------------------------------- shared pieces


def _points(points: Any) -> NDArray[Any]:
    if isinstance(points, PointCloud):
        points = points.points
    arr = as_points(points, name="points", dtype="exact")
    if arr.shape[0] < 3:
        raise ValueError(f"points: expected at least 3 points for a loop, got {arr.shape[0]}")
    return arr


def _check_budget(n: int, budget: int | None, what: str, fix: str) -> None:
    need = float(LOOP_BYTES_PER_PAIR) * n * n
    if budget is not None and need > budget:
        raise MemoryError(
            f"memory_budget: {what} of {n} points needs about {format_bytes(need)} "
            f"(~{LOOP_BYTES_PER_PAIR} bytes per pair of points: ripser's cocycles and the "
            f"Rips graph), more than memory_budget={format_bytes(budget)}; {fix}, or raise "
            "memory_budget"
        )


#: The last few cocycle computations, keyed by the SHA-256 of the distance matrix's
#: bytes (with its shape and dtype) and the prime: asking for another scale or bar of the
#: same loop (the usual next step) reuses them instead of running ripser again (seconds
#: at 400 landmarks). Only exactly equal inputs hit; the arrays are stored read-only.
_H1_MEMO: dict[tuple[str, tuple[int, ...], str, int], tuple[NDArray[np.float64], list[Any]]] = {}
_H1_MEMO_SIZE = 4
_H1_MEMO_LOCK = threading.Lock()  # threads (a widget's callbacks, joblib) may share it


def _h1_bars(dm: NDArray[np.float32], coeff: int) -> tuple[NDArray[np.float64], list[Any]]:
    """H1 bars and ripser's cocycles, sorted as ``persistence_diagrams`` sorts its rows."""
    import hashlib

    dm = np.ascontiguousarray(dm)
    key = (hashlib.sha256(dm.tobytes()).hexdigest(), dm.shape, dm.dtype.str, int(coeff))
    with _H1_MEMO_LOCK:
        hit = _H1_MEMO.pop(key, None)
    if hit is None:
        from ripser import ripser

        res = ripser(dm, maxdim=1, distance_matrix=True, do_cocycles=True, coeff=coeff)
        dgm = np.asarray(res["dgms"][1], dtype=np.float64).reshape(-1, 2)
        order = np.lexsort((dgm[:, 0], -(dgm[:, 1] - dgm[:, 0])))
        hit = (dgm[order], [np.asarray(res["cocycles"][1][k], dtype=np.int64) for k in order])
        for a in (hit[0], *hit[1]):
            a.setflags(write=False)
    with _H1_MEMO_LOCK:
        _H1_MEMO[key] = hit  # most recent last
        while len(_H1_MEMO) > _H1_MEMO_SIZE:
            del _H1_MEMO[next(iter(_H1_MEMO))]
    return hit[0], list(hit[1])


def _pick(dgm: NDArray[np.float64], feature: Any, point: Any, what: str) -> int:
    if dgm.shape[0] == 0:
        raise ValueError(f"points: {what} has no H1 bar, so there is no loop to represent")
    if point is None:
        feature = check_int(feature, name="feature", minimum=0)
        if feature >= dgm.shape[0]:
            raise ValueError(
                f"feature: expected a bar index below the {dgm.shape[0]} H1 bars of {what}, "
                f"got {feature}"
            )
        return feature
    try:
        b, d = (float(v) for v in np.asarray(point, dtype=np.float64).reshape(2))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"point: expected a (birth, death) pair, got {describe(point)}") from exc
    gap = np.abs(dgm[:, 0] - b) + np.where(
        np.isinf(dgm[:, 1]) & np.isinf(d), 0.0, np.abs(dgm[:, 1] - d)
    )
    k = int(np.argmin(gap))
    if not gap[k] <= 1e-6 * max(1.0, abs(b), abs(d) if np.isfinite(d) else 0.0):
        raise ValueError(
            f"point: expected a (birth, death) pair of {what}'s H1 diagram, got ({b}, {d}); "
            f"the nearest bar is ({dgm[k, 0]}, {dgm[k, 1]})"
        )
    return k


def _check_scale(scale: Any, birth: float, death: float, low: float = -np.inf) -> float:
    s = check_number(scale, name="scale", minimum=0)
    if not (birth <= s < death) or s <= low:
        extra = f" and above {low:.6g} (twice the landmarks' covering radius)" if low > 0 else ""
        raise ValueError(
            f"scale: expected a Rips scale inside the bar [{birth:.6g}, {death:.6g}){extra}, "
            f"got {s}"
        )
    return s


def _cochain(cocycle: NDArray[np.int64], n: int, prime: int, unit: int) -> NDArray[np.int64]:
    """The cocycle times ``unit``, lifted to integers in ``(-prime/2, prime/2]``, as an
    antisymmetric matrix: ``C[i, j]`` is its value on the edge oriented ``i -> j``."""
    c = np.zeros((n, n), dtype=np.int64)
    if cocycle.size:
        i, j = cocycle[:, 0], cocycle[:, 1]
        v = (unit * cocycle[:, 2]) % prime
        v = np.where(v > prime // 2, v - prime, v)
        c[i, j] = v
        c[j, i] = -v
    return c


def _support_edge(dm: NDArray[np.float32], cocycle: NDArray[np.int64], prime: int) -> Any:
    """The cocycle's edges with a nonzero value, shortest first, as rows ``(i, j)``."""
    nz = cocycle[cocycle[:, 2] % prime != 0]
    order = np.argsort(dm[nz[:, 0], nz[:, 1]], kind="stable")
    return nz[order, :2]


def _cycle_in(
    dm: NDArray[np.float32], scale: float, cocycle: NDArray[np.int64], prime: int
) -> NDArray[np.int64]:
    """Birth edge of the cocycle closed by the shortest path avoiding its support.

    Returns the vertices in cyclic order, from one end of the edge to the other.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    n = dm.shape[0]
    within = dm <= np.float32(scale)
    np.fill_diagonal(within, False)
    support = _support_edge(dm, cocycle, prime)
    within[support[:, 0], support[:, 1]] = False
    within[support[:, 1], support[:, 0]] = False
    rows, cols = np.nonzero(within)
    # a tiny offset keeps duplicate points' zero-length edges in the sparse graph
    weights = dm[rows, cols].astype(np.float64) + 1e-12 * max(float(scale), 1e-300)
    graph = csr_matrix((weights, (rows, cols)), shape=(n, n))
    for a, b in support:
        if dm[a, b] > np.float32(scale):
            break
        dist, pred = dijkstra(graph, indices=int(a), return_predecessors=True)
        if np.isfinite(dist[b]):
            path = [int(b)]
            while path[-1] != a:
                path.append(int(pred[path[-1]]))
            return np.asarray(path[::-1], dtype=np.int64)
    raise RuntimeError(  # a cocycle of a bar alive at `scale` always has such a cycle
        f"no cycle through the cocycle's edges at scale {scale}; please report this"
    )


def _pairing(c: NDArray[np.int64], cycle: NDArray[np.int64]) -> int:
    return int(c[cycle, np.roll(cycle, -1)].sum())


# ---------------------------------------------------------------- representative_cycle


def _bar_cocycle(
    dm: NDArray[np.float32], birth: float, scale: float, edge: Any
) -> NDArray[np.int64]:
    """Z/2 cocycle of the bar born at ``birth`` (by ``edge`` when given) and alive at
    ``scale``, from ripser truncated at ``scale``.

    A prefix of the filtration pairs its simplices as the whole one does, so the bar is
    the truncated run's infinite bar born at ``birth``, and its cocycle is a cocycle of
    the Rips complex at ``scale``.
    """
    from ripser import ripser

    res = ripser(dm, maxdim=1, thresh=scale, distance_matrix=True, do_cocycles=True)
    dgm = np.asarray(res["dgms"][1], dtype=np.float64).reshape(-1, 2)
    rows = np.flatnonzero((dgm[:, 0] == birth) & np.isinf(dgm[:, 1]))
    if rows.size == 0:
        raise RuntimeError(f"no H1 bar born at {birth} alive at {scale}; please report this")
    cocycles = [np.asarray(res["cocycles"][1][r], dtype=np.int64) for r in rows]
    if edge is not None and len(cocycles) > 1:  # ties in birth: the one on the birth edge
        a, b = sorted(int(v) for v in edge)
        for co in cocycles:
            lo, hi = np.minimum(co[:, 0], co[:, 1]), np.maximum(co[:, 0], co[:, 1])
            if ((lo == a) & (hi == b) & (co[:, 2] % 2 == 1)).any():
                return co
    return cocycles[0]


def _diagrams_for(points: NDArray[Any], diagrams: Any) -> tuple[Any, NDArray[np.int64] | None]:
    """The given diagrams, checked, and the subsample they were computed on (if any)."""
    if not isinstance(diagrams, Diagrams):
        raise TypeError(
            f"diagrams: expected the Diagrams of these points (persistence_diagrams), "
            f"got {describe(diagrams)}"
        )
    if diagrams.maxdim < 1 or diagrams.generators is None:
        raise ValueError("diagrams: expected diagrams with H1 and generators (maxdim >= 1)")
    kept = diagrams.params.get("indices")
    if kept is None:
        return diagrams, None
    n_total = diagrams.params.get("n_total")
    if points.shape[0] != n_total:
        raise ValueError(
            f"diagrams: computed on a subsample of {n_total} points, got {points.shape[0]} "
            "points; pass the whole cloud the subsample was taken from"
        )
    return diagrams, np.asarray(kept, dtype=np.int64)


def representative_cycle(
    points: PointCloud | Any,
    *,
    dim: int = 1,
    feature: int = 0,
    point: Any = None,
    scale: float | None = None,
    diagrams: Diagrams | None = None,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> RepresentativeCycle:
    """A cycle of points that represents one H1 bar of the Rips filtration.

    The bar is a row of ``persistence_diagrams(points)[1]`` (Z/2 coefficients), chosen
    by ``feature`` or ``point``. Which representative: ripser's cocycle of the bar at
    ``scale``; its *birth edge* (of length ``birth``) is closed into a cycle by the
    shortest path (summed edge length) between its endpoints in the Rips graph at
    ``scale`` that uses none of the cocycle's edges. The cocycle is 1 on that cycle and
    0 on every boundary, so the cycle is not a boundary at ``scale``: it represents a
    class the bar's cocycle detects (at ``scale = birth``, the loop born with the bar,
    modulo loops born earlier). Both facts are checked before returning. At a larger
    ``scale`` the cycle takes shortcuts and has fewer points.

    Cost: the diagram (``persistence_diagrams``, unless ``diagrams`` is given), then
    ripser with cocycles truncated at ``scale`` (cheap near the birth: every edge
    longer than ``scale`` is left out), one Dijkstra on the Rips graph at ``scale``
    (``O(E log n)``), and ``~LOOP_BYTES_PER_PAIR * n**2`` bytes; see
    ``benchmarks/bench_loops.py``.

    Parameters
    ----------
    points : PointCloud or array_like of shape (n, d)
        The cloud (at least 3 points).
    dim : int, default 1
        Homology dimension; only 1 (loops) is supported.
    feature : int, default 0
        Which bar: its row in the diagram sorted by decreasing persistence (0 = the
        most persistent, as in ``persistence_diagrams``).
    point : (birth, death), optional
        Choose the bar by its diagram point instead of ``feature``.
    scale : float, optional
        Rips scale in ``[birth, death)``; default ``birth``.
    diagrams : Diagrams, optional
        ``persistence_diagrams(points)`` (or an :class:`~tda_widgets.Analysis`
        layer's diagrams) when already computed: only the truncated cocycle run is left.
        Diagrams of a subsample (``params["indices"]``, e.g. ``n_perm``) are used with
        the whole cloud as ``points``: the cycle is found on the subsample and its
        ``vertices`` are indices into ``points``.
    memory_budget : int or None, default 4 GiB
        Refuse, before allocating, a cloud needing more bytes than this.

    Returns
    -------
    RepresentativeCycle
        ``vertices`` (indices in cyclic order), ``edges``, ``birth``, ``death``,
        ``scale``, ``feature``, ``length``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    >>> cyc = representative_cycle(np.c_[np.cos(t), np.sin(t)])
    >>> len(cyc), sorted(cyc.vertices.tolist()) == list(range(24))
    (24, True)
    >>> bool(cyc.birth <= cyc.scale < cyc.death)
    True
    """
    dim = check_int(dim, name="dim", minimum=0)
    if dim != 1:
        raise ValueError(f"dim: only dim=1 (loops) is supported, got {dim}")
    pts = _points(points)
    budget = check_memory_budget(memory_budget)
    kept = None
    if diagrams is not None:
        diagrams, kept = _diagrams_for(pts, diagrams)
        if kept is not None:
            pts = pts[kept]
    n = pts.shape[0]
    _check_budget(n, budget, "a representative cycle", "pass a subsample of the points")
    if diagrams is None:
        diagrams = persistence_diagrams(pts, maxdim=1, memory_budget=budget)
    dgm = np.asarray(diagrams[1], dtype=np.float64).reshape(-1, 2)
    k = _pick(dgm, feature, point, "the cloud")
    birth, death = float(dgm[k, 0]), float(dgm[k, 1])
    s = birth if scale is None else _check_scale(scale, birth, death)
    edge = np.asarray(diagrams.generators[1][k][:2]) if diagrams.generators else None
    if edge is not None and kept is not None:
        edge = np.searchsorted(np.sort(kept), edge)
        edge = np.argsort(kept)[edge]  # positions in the subsample
    dm = rips_distances(pts)
    if edge is not None and dm[edge[0], edge[1]] != np.float32(birth):
        raise ValueError(
            f"diagrams: not the diagrams of these points (the bar's birth edge "
            f"{edge.tolist()} has length {dm[edge[0], edge[1]]}, not {birth})"
        )
    co = _bar_cocycle(dm, birth, s, edge)
    cycle = _cycle_in(dm, s, co, 2)
    c = _cochain(co, n, 2, 1)
    within = dm[cycle, np.roll(cycle, -1)]
    if (
        np.unique(cycle).size != cycle.size
        or cycle.size < 3
        or not (within <= np.float32(s)).all()
        or _pairing(c, cycle) % 2 == 0
    ):
        raise RuntimeError("the cycle found fails its own check; please report this")
    if kept is not None:
        cycle = kept[cycle]
    return RepresentativeCycle(
        vertices=cycle,
        edges=np.c_[cycle, np.roll(cycle, -1)],
        birth=birth,
        death=death,
        scale=float(s),
        feature=k,
        length=float(within.astype(np.float64).sum()),
    )


# ---------------------------------------------------------------- circular_coordinates


def _is_prime(p: int) -> bool:
    return p >= 2 and all(p % q for q in range(2, int(p**0.5) + 1))


def _is_integer_cocycle(c: NDArray[np.int64], within: NDArray[np.bool_]) -> bool:
    """Whether ``c`` vanishes on every triangle of the graph ``within`` (checked only on
    the triangles through an edge where ``c`` is nonzero: the others give 0)."""
    a, b = np.nonzero(np.triu(c != 0) & within)
    n = c.shape[0]
    step = max(1, _EXTEND_CELLS // max(n, 1))
    for s in range(0, a.size, step):
        i, j = a[s : s + step], b[s : s + step]
        common = within[i] & within[j]
        total = c[i, j][:, None] + c[j] - c[i]  # c(i, j) + c(j, x) + c(x, i)
        if (total[common] != 0).any():
            return False
    return True


def _harmonic_tau(c: NDArray[np.int64], within: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Least-squares ``tau`` with ``c(i, j) ~ tau[j] - tau[i]`` on the graph's edges."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import lsqr

    i, j = np.nonzero(np.triu(within, 1))
    m, n = i.size, c.shape[0]
    if m == 0:
        return np.zeros(n)
    rows = np.r_[np.arange(m), np.arange(m)]
    inc = csr_matrix((np.r_[-np.ones(m), np.ones(m)], (rows, np.r_[i, j])), shape=(m, n))
    tau = lsqr(inc, c[i, j].astype(np.float64), atol=1e-12, btol=1e-12, iter_lim=20 * n)[0]
    return np.asarray(tau, dtype=np.float64)


def _extend(
    pts: NDArray[Any],
    land: NDArray[np.int64],
    tau: NDArray[np.float64],
    c: NDArray[np.int64],
    radius: float,
    bar: Any,
) -> NDArray[np.float64]:
    """Each point's coordinate from the landmarks within ``radius`` (partition of unity).

    With ``j`` the nearest landmark and weights ``w_k = (radius - d_k)_+^2`` summing to
    1, the coordinate is ``sum_k w_k (tau[k] - c[j, k])`` mod 1: each landmark's value
    carried into ``j``'s chart by the integer cocycle.
    """
    from sklearn.metrics import pairwise_distances

    lp = pts[land].astype(np.float64)
    out = np.empty(pts.shape[0], dtype=np.float64)
    step = max(1, _EXTEND_CELLS // land.size)
    for s in range(0, pts.shape[0], step):
        d = pairwise_distances(pts[s : s + step].astype(np.float64), lp)
        near = np.argmin(d, axis=1)
        w = np.maximum(radius - d, 0.0) ** 2
        w[np.arange(d.shape[0]), near] = np.maximum(w[np.arange(d.shape[0]), near], 1e-300)
        w /= w.sum(axis=1, keepdims=True)
        out[s : s + step] = (w * (tau[None, :] - c[near])).sum(axis=1)
        bar.update(min(step, pts.shape[0] - s))
    return np.mod(out, 1.0)


def _landmark_indices(landmarks: Any, n: int) -> NDArray[np.int64]:
    arr = np.asarray(landmarks)
    if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) and arr.size >= 3):
        raise TypeError(
            f"landmarks: expected a 1-d array of at least 3 point indices, got {describe(landmarks)}"
        )
    if arr.min() < 0 or arr.max() >= n or np.unique(arr).size != arr.size:
        raise ValueError(
            f"landmarks: expected distinct point indices in 0..{n - 1}, got values from "
            f"{arr.min()} to {arr.max()} ({arr.size - np.unique(arr).size} repeated)"
        )
    return arr.astype(np.int64)


def circular_coordinates(
    points: PointCloud | Any,
    *,
    feature: int = 0,
    n_landmarks: int = 1000,
    landmarks: Any = None,
    prime: int = 47,
    scale: float | None = None,
    seed: int = 0,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
    progress: bool = False,
) -> CircularCoordinates:
    """An angle in ``[0, 2 pi)`` for every point, from one H1 bar (circular coordinates).

    The method of de Silva, Morozov and Vejdemo-Johansson (2011) on landmarks, as in
    DREiMac:

    1. ``m = min(n, n_landmarks)`` landmarks by farthest-point sampling (from a
       start drawn with ``seed``); their covering radius ``rho`` is recorded.
    2. ripser's Z/``prime`` persistence with cocycles on the landmarks; the bar is
       the ``feature``-th most persistent (ripser's diagram over Z/``prime``; it can
       differ from the Z/2 diagram of :func:`~tda_widgets.topology.persistence_diagrams`
       whenever the filtration maps a loop to twice another -- a doubly wound loop, as in
       notebook 06's rotation clouds -- even with no torsion in any single complex).
    3. At the Rips scale ``s`` (default the middle of the bar, raised above ``2 rho``
       when needed), the cocycle times the smallest unit ``u`` of Z/``prime`` whose
       centred integer lift is a cocycle of the Rips complex at ``s`` (checked on every
       triangle) gives an integer cocycle ``c``. ``u = 1`` for an ordinary loop; a loop
       that the complex at ``s`` sees wound twice (born as a long loop, then folded onto
       a circle of half its length) needs ``u = 2``.
    4. Least squares: ``tau`` minimises ``sum (c(i, j) - (tau_j - tau_i))**2`` over the
       edges at ``s``; the landmarks' coordinate is ``tau`` mod 1.
    5. Every point is placed by the landmarks within ``s / 2`` (weights
       ``(s/2 - d)**2``, the partition of unity), carried into its nearest landmark's
       chart by ``c``.

    The winding is ``c``'s value on the bar's representative cycle at birth (the
    cycle :func:`representative_cycle` would return there, over Z/``prime``, on the
    landmarks): how often the coordinate goes round along the loop that the bar is.

    Parameters
    ----------
    points : PointCloud or array_like of shape (n, d)
        The cloud (any size: only the landmarks enter persistence).
    feature : int, default 0
        The bar's row in the landmarks' diagram by decreasing persistence.
    landmarks : array_like of int, optional
        Point indices to use as the landmarks instead (e.g. the subsample an
        :class:`~tda_widgets.Analysis` diagram was computed on,
        ``diagrams.params["indices"]``); ``n_landmarks`` and ``seed`` are then unused.
    n_landmarks : int, default 1000
        Landmarks (``n`` if smaller). Persistence with cocycles costs about
        ``LOOP_BYTES_PER_PAIR * m**2`` bytes, checked against ``memory_budget``.
    prime : int, default 47
        Odd prime coefficient field of the cocycle (2 cannot carry the signs an integer
        lift needs).
    scale : float, optional
        Rips scale of the cocycle in ``[birth, death)`` and above ``2 rho``.
    seed : int, default 0
        Seeds the first landmark (only used when ``n > n_landmarks``).
    memory_budget : int or None, default 4 GiB
        Refuse, before allocating, landmarks needing more bytes than this.
    progress : bool, default False
        Show a ``tqdm`` progress bar (persistence, then the points placed).

    Returns
    -------
    CircularCoordinates
        ``angles``, ``winding``, ``landmarks``, ``cycle``, ``feature``, ``birth``,
        ``death``, ``scale``, ``prime``, ``unit``, ``covering_radius``,
        ``landmark_angles``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    >>> cc = circular_coordinates(np.c_[np.cos(t), np.sin(t)])
    >>> cc.angles.shape, cc.winding
    ((60,), 1)
    >>> a = cc.angles
    >>> steps = np.angle(np.exp(1j * (np.roll(a, -1) - a)))  # wrapped, round the circle
    >>> round(float(abs(steps.sum())) / (2 * np.pi), 6)  # the angle goes round once
    1.0
    """
    pts = _points(points)
    feature = check_int(feature, name="feature", minimum=0)
    n_landmarks = check_int(n_landmarks, name="n_landmarks", minimum=3)
    prime = check_int(prime, name="prime", minimum=2)
    if prime == 2 or not _is_prime(prime):
        raise ValueError(f"prime: expected an odd prime (e.g. 47), got {prime}")
    seed = check_int(seed, name="seed", minimum=0)
    budget = check_memory_budget(memory_budget)
    if not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress: expected True or False, got {describe(progress)}")
    n = pts.shape[0]
    chosen = None if landmarks is None else _landmark_indices(landmarks, n)
    m = min(n, n_landmarks) if chosen is None else chosen.size
    _check_budget(m, budget, "circular coordinates on landmarks", "pass a smaller n_landmarks")
    with tqdm(total=n + 1, desc="circular coordinates", unit="point", disable=not progress) as bar:
        if chosen is not None:
            from tda_widgets.point_clouds.subsample import covering_radius

            land, rho = chosen, covering_radius(pts, chosen) if m < n else 0.0
        elif m < n:
            from tda_widgets.point_clouds.subsample import farthest_point_subsample

            start = int(np.random.default_rng(seed).integers(n))
            land, rho = farthest_point_subsample(pts, m, start=start)
            land = np.asarray(land, dtype=np.int64)
        else:
            land, rho = np.arange(n, dtype=np.int64), 0.0
        dm = rips_distances(pts[land])
        dgm, cocycles = _h1_bars(dm, prime)
        if dgm.shape[0] == 0:
            fewer = (
                f" (only {m} of the {n} points are landmarks: raise n_landmarks)" if m < n else ""
            )
            raise ValueError(
                "points: the landmarks' Rips filtration has no H1 bar, so there is no loop "
                f"for a circular coordinate{fewer}"
            )
        k = _pick(dgm, feature, None, f"the {m} landmarks")
        birth, death = float(dgm[k, 0]), float(dgm[k, 1])
        low = 2.0 * float(rho)
        if scale is None:
            s = (birth + death) / 2
            if s <= low:
                if low >= death:
                    raise ValueError(
                        f"n_landmarks: the {m} landmarks cover the points only within "
                        f"{rho:.6g}, so their balls meet beyond the bar's death {death:.6g} "
                        f"(twice the radius is {low:.6g}); raise n_landmarks"
                    )
                s = (low + death) / 2
        else:
            s = _check_scale(scale, birth, death, low)
        bar.update(1)
        within = dm <= np.float32(s)
        np.fill_diagonal(within, False)
        # the cocycle at scale s: its edges within s
        co = cocycles[k]
        co = co[dm[co[:, 0], co[:, 1]] <= np.float32(s)]
        unit, c = 0, np.zeros((m, m), dtype=np.int64)
        for u in range(1, (prime + 1) // 2):
            c = _cochain(co, m, prime, u)
            if _is_integer_cocycle(c, within):
                unit = u
                break
        if unit == 0:
            raise ValueError(
                f"prime: no multiple of the Z/{prime} cocycle of bar {k} lifts to an integer "
                f"cocycle at scale {s:.6g}; try another prime or a scale nearer the birth "
                f"{birth:.6g}"
            )
        tau = _harmonic_tau(c, within)
        cycle = _cycle_in(dm, birth, cocycles[k], prime)
        winding = -_pairing(c, cycle)  # tau mod 1 steps by -(c - harmonic part) on an edge
        if winding < 0:
            cycle, winding = cycle[::-1].copy(), -winding
        angles = _extend(pts, land, tau, c, s / 2, bar)
    return CircularCoordinates(
        angles=2 * np.pi * angles,
        winding=int(winding),
        landmarks=land,
        cycle=land[cycle],
        feature=k,
        birth=birth,
        death=death,
        scale=float(s),
        prime=prime,
        unit=unit,
        covering_radius=float(rho),
        landmark_angles=2 * np.pi * np.mod(tau, 1.0),
    )
