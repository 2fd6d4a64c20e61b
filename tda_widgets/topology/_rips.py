"""Exact shortcuts for Vietoris-Rips persistence of a dense distance matrix.

Three pieces that :func:`~tda_widgets.topology.persistence_diagrams` builds on:

:func:`spanning_forest` and :func:`h0_diagram`
    H0 of a Rips filtration is Kruskal's algorithm: every minimum-spanning-tree edge
    of positive length ``l`` ends one bar ``(0, l)``, and each connected component
    keeps one bar ``(0, inf)``. The lengths of a minimum spanning tree do not depend
    on how ties are broken, so this is ripser's H0 exactly; the tree also gives each
    bar's generator.

:func:`h1_birth_bound`
    Every H1 bar is born at an edge of the *relative neighbourhood graph*. Let ``r`` be
    a filtration value and ``K_<r`` the complex of simplices shorter than ``r``. If an
    edge ``ab`` of length ``r`` has a *witness* ``c`` with ``d(a, c) < r`` and
    ``d(b, c) < r``, the triangle ``abc`` enters with it, so ``ab`` is homologous to
    the path ``a c b`` of ``K_<r``. The tree's edges shorter than ``r`` span every
    component of ``K_<r`` (the cut property), so its edges of length ``r`` form a
    forest on those components, and a mod-2 cycle uses each of them an even number
    of times, i.e. not at all. Hence if every edge of length ``r`` is a tree edge or has a
    witness, every 1-cycle of ``K_r`` is homologous to one of ``K_<r``: no H1 bar is
    born at ``r``. The bound returned is the longest non-tree edge without a witness,
    so no H1 bar is born after it.

:func:`edges_of_lengths`
    Finds, for each diagram value, an edge of exactly that length (the generator of a
    Rips bar is the longest edge of its simplex).

With the bound ``B``, persistence truncated at any ``T >= B`` holds every H1 bar: a
bar that dies at or below ``T`` has its exact death (a prefix of a filtration pairs
its simplices as the whole filtration does), and one that dies later shows as
``inf``. If no bar shows as ``inf``, the truncated diagram *is* the full one. (Every
backend keeps the edges of length exactly ``T``; ``tests/topology/test_rips.py`` checks
the result against ``ripser.ripser`` for each.)

The distance matrix must be exactly symmetric, since these functions read whole rows
and the backends one triangle. ``persistence._distance_matrix`` is: for float32 points
scikit-learn mirrors its blocks when it compares a set of points with itself; for
float64 points (where scikit-learn's two triangles can differ in the last bit) the
upper triangle, the one ripser reads, is mirrored.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["edges_of_lengths", "h0_diagram", "h1_birth_bound", "spanning_forest"]

_WITNESS_CANDIDATES = 16
"""Nearest neighbours of each endpoint tried as witnesses before the exact check."""

_BLOCK = 256
"""Rows per block in the witness search (bounds its memory to ``_BLOCK * n``)."""


def spanning_forest(
    dm: NDArray[np.float32], threshold: float = np.inf
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Minimum spanning forest of the graph of edges ``<= threshold`` (dense Prim).

    Parameters
    ----------
    dm : ndarray of shape (n, n), float32
        Symmetric distances with a zero diagonal.
    threshold : float
        Longer edges are not in the graph.

    Returns
    -------
    edges : ndarray of shape (m, 2), int64
        The forest's edges, ``m = n - (number of components)``.
    lengths : ndarray of shape (m,), float32
        Their lengths, ``dm[edges[:, 0], edges[:, 1]]``.

    Examples
    --------
    >>> dm = np.array([[0, 1, 4], [1, 0, 2], [4, 2, 0]], dtype=np.float32)
    >>> edges, lengths = spanning_forest(dm)
    >>> edges.tolist(), lengths.tolist()
    ([[0, 1], [1, 2]], [1.0, 2.0])
    """
    n = dm.shape[0]
    best = np.full(n, np.inf, dtype=np.float32)
    parent = np.full(n, -1, dtype=np.int64)
    free = np.ones(n, dtype=bool)
    capped = bool(np.isfinite(threshold))
    edges: list[tuple[int, int]] = []
    lengths: list[float] = []
    v = 0
    free[v] = False
    for _ in range(n - 1):
        row = dm[v]
        closer = row < best
        closer &= free
        if capped:
            closer &= row <= threshold
        best[closer] = row[closer]
        parent[closer] = v
        v = int(np.argmin(best))
        if best[v] == np.inf:  # nothing else is reachable: start the next component
            v = int(np.argmax(free))
        else:
            edges.append((int(parent[v]), v))
            lengths.append(float(best[v]))
        free[v] = False
        best[v] = np.inf
    return (
        np.asarray(edges, dtype=np.int64).reshape(-1, 2),
        np.asarray(lengths, dtype=np.float32),
    )


def h0_diagram(
    n: int, edges: NDArray[np.int64], lengths: NDArray[np.float32]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """H0 bars and their generators from a minimum spanning forest (elder rule).

    Parameters
    ----------
    n : int
        Number of points.
    edges, lengths
        A minimum spanning forest, as returned by :func:`spanning_forest`.

    Returns
    -------
    diagram : ndarray of shape (k, 2)
        ``(0, l)`` for each forest edge of length ``l > 0`` and ``(0, inf)`` for each
        component, unsorted.
    generators : ndarray of shape (k, 4), int64
        The dying component's least vertex (twice) and the merging edge; for an
        infinite bar the component's least vertex (twice) and ``-1, -1``. The component
        with the smaller least vertex survives a merge (the elder rule).

    Examples
    --------
    >>> dgm, gens = h0_diagram(3, np.array([[0, 1], [1, 2]]), np.array([1.0, 2.0]))
    >>> dgm.tolist(), gens.tolist()
    ([[0.0, 1.0], [0.0, 2.0], [0.0, inf]], [[1, 1, 0, 1], [2, 2, 1, 2], [0, 0, -1, -1]])
    """
    parent = np.arange(n)

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = int(parent[v])
        return v

    deaths: list[float] = []
    rows: list[tuple[int, int, int, int]] = []
    for e in np.argsort(lengths, kind="stable"):
        a, b = int(edges[e, 0]), int(edges[e, 1])
        ra, rb = find(a), find(b)  # roots are the components' least vertices
        young, old = max(ra, rb), min(ra, rb)
        parent[young] = old
        if lengths[e] > 0:  # a zero-length bar is not in the diagram
            deaths.append(float(lengths[e]))
            rows.append((young, young, a, b))
    roots = sorted({find(v) for v in range(n)})
    rows += [(r, r, -1, -1) for r in roots]
    dgm = np.zeros((len(rows), 2))
    dgm[:, 1] = deaths + [np.inf] * len(roots)
    return dgm, np.asarray(rows, dtype=np.int64).reshape(-1, 4)


def h1_birth_bound(
    dm: NDArray[np.float32], tree: NDArray[np.int64], *, candidates: int = _WITNESS_CANDIDATES
) -> float:
    """A filtration value after which no H1 bar is born (see the module docstring).

    Parameters
    ----------
    dm : ndarray of shape (n, n), float32
        Symmetric distances with a zero diagonal.
    tree : ndarray of shape (m, 2), int
        The edges of a minimum spanning forest of ``dm`` (:func:`spanning_forest`).
    candidates : int
        Nearest neighbours of each endpoint tried first as witnesses; the edges they
        leave unresolved get the exact check against every point, longest first.

    Returns
    -------
    float
        The length of the longest edge that is neither a tree edge nor witnessed by a
        third point strictly closer to both its ends (``0.0`` if there is none).

    Examples
    --------
    Four corners of a square: the sides (length 1) have no witness, the diagonals do.

    >>> sq = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    >>> dm = np.linalg.norm(sq[:, None] - sq[None], axis=-1).astype(np.float32)
    >>> tree, _ = spanning_forest(dm)
    >>> h1_birth_bound(dm, tree)
    1.0
    """
    n = dm.shape[0]
    if n < 4:  # a 1-cycle that is not a boundary needs four points
        return 0.0
    k = min(candidates, n - 1)
    near = np.empty((n, k + 1), dtype=np.int64)  # each row includes the point itself
    for lo in range(0, n, _BLOCK):  # by blocks: a whole n x n index array would not fit
        near[lo : lo + _BLOCK] = np.argpartition(dm[lo : lo + _BLOCK], k, axis=1)[:, : k + 1]
    witnessed = np.empty((n, n), dtype=bool)
    for lo in range(0, n, _BLOCK):
        hi = min(lo + _BLOCK, n)
        rows = np.arange(lo, hi)
        reach = np.full((hi - lo, n), np.inf, dtype=np.float32)
        for j in range(k + 1):
            c = near[lo:hi, j]
            np.minimum(reach, np.maximum(dm[rows, c][:, None], dm[c]), out=reach)
        np.less(reach, dm[lo:hi], out=witnessed[lo:hi])
    witnessed |= witnessed.T
    witnessed[tree[:, 0], tree[:, 1]] = True  # tree edges never start a cycle
    witnessed[tree[:, 1], tree[:, 0]] = True
    a, b = np.nonzero(np.triu(~witnessed, 1))
    length = dm[a, b]
    order = np.argsort(-length, kind="stable")
    a, b, length = a[order], b[order], length[order]
    for lo in range(0, a.size, _BLOCK):
        sl = slice(lo, lo + _BLOCK)
        has = (np.maximum(dm[a[sl]], dm[b[sl]]) < length[sl, None]).any(axis=1)
        if not has.all():
            return float(length[sl][np.argmin(has)])
    return 0.0


def edges_of_lengths(
    dm: NDArray[np.float32], values: NDArray[np.float64]
) -> tuple[NDArray[np.int64], int]:
    """An edge ``(i, j)``, ``i < j``, of exactly each length in ``values``.

    Parameters
    ----------
    dm : ndarray of shape (n, n), float32
        Symmetric distances.
    values : ndarray of shape (k,)
        Lengths to look up; ``inf`` gives ``(-1, -1)``.

    Returns
    -------
    edges : ndarray of shape (k, 2), int64
        For several edges of the same length, the first in row-major order.
    ties : int
        How many of the values had more than one edge.

    Raises
    ------
    RuntimeError
        If a finite value is not the length of any edge.

    Examples
    --------
    >>> dm = np.array([[0, 1, 4], [1, 0, 2], [4, 2, 0]], dtype=np.float32)
    >>> edges, ties = edges_of_lengths(dm, np.array([2.0, np.inf, 4.0]))
    >>> edges.tolist(), ties
    ([[1, 2], [-1, -1], [0, 2]], 0)
    """
    out = np.full((values.shape[0], 2), -1, dtype=np.int64)
    ok = np.isfinite(values)
    if not ok.any():
        return out, 0
    wanted, where = np.unique(values[ok].astype(np.float32), return_inverse=True)
    i, j = np.nonzero(np.triu(dm <= wanted[-1], 1))
    length = dm[i, j]
    slot = np.minimum(np.searchsorted(wanted, length), wanted.size - 1)
    hit = np.flatnonzero(wanted[slot] == length)
    found, first, count = np.unique(slot[hit], return_index=True, return_counts=True)
    if found.size != wanted.size:
        raise RuntimeError("generators: a diagram value is not an edge length")
    e = hit[first]
    out[ok, 0], out[ok, 1] = i[e][where], j[e][where]
    return out, int(np.count_nonzero(count[where] > 1))
