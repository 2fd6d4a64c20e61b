"""DBSCAN with Euclidean distances, giving scikit-learn's labels with fewer distances.

Mapper clusters each interval of its cover with DBSCAN, and scikit-learn's DBSCAN
spends nearly all its time on the distances between every pair of points of the
interval. Most of those pairs cannot be neighbours, and that can be known cheaply:
projecting onto an orthonormal basis ``V`` never increases a distance,
``|(x - y) V| <= |x - y|``. :func:`radius_pairs` splits the points into leaves of a
tree on their first principal coordinates and skips every pair of leaves whose boxes
are farther apart than ``eps`` in those coordinates. Activation clouds are clustered
by class, so most pairs of leaves are skipped. The distances that remain are computed
as ``|x|^2 + |y|^2 - 2 x.y`` in float64, as scikit-learn's brute-force search does.

:func:`dbscan_labels` then labels the points exactly as
``sklearn.cluster.DBSCAN(eps, min_samples).fit_predict`` does: a point is a core point
when at least ``min_samples`` points (itself included) lie within ``eps``; clusters are
the connected components of the core points, numbered in the order of their first
core point; a non-core point within ``eps`` of a core point joins the lowest-numbered
such cluster (scikit-learn's search reaches it first); the rest are noise, ``-1``.
``tests/topology/test_dbscan.py`` checks both against scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.linalg import eigh
from scipy.sparse.csgraph import connected_components

__all__ = ["dbscan_labels", "principal_basis", "radius_pairs", "uses_fast_path"]

_LEAF = 128
"""Most points in a leaf of the tree."""

_COMPONENTS = 16
"""Principal coordinates the tree splits on and bounds with."""

_BASIS_SAMPLE = 1000
"""Points the principal directions are estimated from (any orthonormal basis gives a
valid bound; a good one skips more pairs)."""

_SLACK = 1e-6
"""Relative margin on the bound, far above float64 rounding: a pair of leaves is
skipped only when every pair between them is certainly farther apart than ``eps``."""

Basis = tuple[NDArray[np.float64], NDArray[np.float64]]


def uses_fast_path(clusterer: Any) -> bool:
    """Whether ``clusterer`` is a plain Euclidean ``sklearn.cluster.DBSCAN``.

    Examples
    --------
    >>> from sklearn.cluster import DBSCAN
    >>> uses_fast_path(DBSCAN(eps=0.5)), uses_fast_path(DBSCAN(eps=0.5, metric="cosine"))
    (True, False)
    """
    from sklearn.cluster import DBSCAN

    if type(clusterer) is not DBSCAN:
        return False
    p = clusterer.get_params()
    euclidean = p["metric"] == "euclidean" or (p["metric"] == "minkowski" and p["p"] in (None, 2))
    return euclidean and not p["metric_params"]


def principal_basis(points: NDArray[np.float64]) -> Basis:
    """Centre and first principal directions (columns) of a sample of ``points``.

    Examples
    --------
    >>> centre, v = principal_basis(np.random.default_rng(0).normal(size=(50, 3)))
    >>> v.shape, bool(np.allclose(v.T @ v, np.eye(3)))
    ((3, 3), True)
    """
    n, d = points.shape
    centre = points.mean(axis=0)
    pick = np.random.default_rng(0).choice(n, size=min(n, _BASIS_SAMPLE), replace=False)
    sample = points[pick] - centre
    k = min(_COMPONENTS, d)
    _, vectors = eigh(sample.T @ sample, subset_by_index=[d - k, d - 1])
    return centre, vectors[:, ::-1]


def _leaves(z: NDArray[np.float64]) -> list[NDArray[np.int64]]:
    """Split the rows of ``z`` at the median of their widest coordinate, recursively."""
    out: list[NDArray[np.int64]] = []
    stack = [np.arange(z.shape[0])]
    while stack:
        idx = stack.pop()
        if idx.size <= _LEAF:
            out.append(idx)
            continue
        sub = z[idx]
        dim = int(np.argmax(sub.max(axis=0) - sub.min(axis=0)))
        half = idx.size // 2
        part = np.argpartition(sub[:, dim], half)
        stack += [idx[part[half:]], idx[part[:half]]]
    return out


def radius_pairs(
    points: NDArray[np.float64], eps: float, basis: Basis | None = None
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every pair of points within ``eps`` of each other (Euclidean, inclusive).

    Parameters
    ----------
    points : ndarray of shape (n, d), float64
    eps : float
    basis : (centre, directions), optional
        From :func:`principal_basis`; computed from ``points`` when not given (pass
        one basis for many subsets of one cloud).

    Returns
    -------
    i, j : ndarray of shape (k,), int64
        Each pair once, ``i < j``.

    Examples
    --------
    >>> x = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 5.0]])
    >>> i, j = radius_pairs(x, 1.5)
    >>> sorted(zip(i.tolist(), j.tolist()))
    [(0, 1), (2, 3)]
    """
    n = points.shape[0]
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    centre, directions = principal_basis(points) if basis is None else basis
    proj = (points - centre) @ directions
    leaves = _leaves(proj)
    lo = np.asarray([proj[leaf].min(axis=0) for leaf in leaves])
    hi = np.asarray([proj[leaf].max(axis=0) for leaf in leaves])
    gap = np.maximum(np.maximum(lo[None] - hi[:, None], lo[:, None] - hi[None]), 0.0)
    near = np.triu(np.einsum("abk,abk->ab", gap, gap) <= (eps * (1 + _SLACK)) ** 2)

    order = np.concatenate(leaves)
    bounds = np.r_[0, np.cumsum([leaf.size for leaf in leaves])]
    xs = points[order]
    sq = np.einsum("ij,ij->i", xs, xs)
    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    for a in range(len(leaves)):
        r0, r1 = bounds[a], bounds[a + 1]
        partners = np.flatnonzero(near[a])
        # consecutive leaves are one contiguous slice of xs: one product per run
        for run in np.split(partners, np.flatnonzero(np.diff(partners) != 1) + 1):
            c0, c1 = bounds[run[0]], bounds[run[-1] + 1]
            d2 = xs[r0:r1] @ xs[c0:c1].T
            d2 *= -2.0
            d2 += sq[r0:r1, None]
            d2 += sq[None, c0:c1]
            if run[0] == a:  # the leaf against itself: keep each pair once
                d2[np.tril_indices(r1 - r0, 0, c1 - c0)] = np.inf
            r, c = np.nonzero(d2 <= eps * eps)
            rows.append(r + r0)
            cols.append(c + c0)
    i, j = order[np.concatenate(rows)], order[np.concatenate(cols)]
    return np.minimum(i, j), np.maximum(i, j)


def dbscan_labels(
    n: int, i: NDArray[np.int64], j: NDArray[np.int64], min_samples: int
) -> NDArray[np.int64]:
    """DBSCAN's labels from the pairs of neighbours (scikit-learn's numbering).

    Parameters
    ----------
    n : int
        Number of points.
    i, j : ndarray of shape (k,), int
        Each pair of neighbours once (as :func:`radius_pairs` gives them).
    min_samples : int
        Neighbours (the point itself included) that make a core point.

    Returns
    -------
    ndarray of shape (n,), int64
        Cluster of each point, ``-1`` for noise.

    Examples
    --------
    Two triangles joined through point 3. Only 2 and 4 have four neighbours (with
    themselves), so they are the core points; 3 is a border point of both clusters
    and joins the first:

    >>> i = np.array([0, 0, 1, 2, 3, 4, 4, 5])
    >>> j = np.array([1, 2, 2, 3, 4, 5, 6, 6])
    >>> dbscan_labels(7, i, j, min_samples=4).tolist()
    [0, 0, 0, 0, 1, 1, 1]
    """
    degree = 1 + np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    core = degree >= min_samples
    labels = np.full(n, -1, dtype=np.int64)
    cores = np.flatnonzero(core)
    if cores.size == 0:
        return labels
    at = np.full(n, -1, dtype=np.int64)
    at[cores] = np.arange(cores.size)
    both = core[i] & core[j]
    graph = sparse.coo_matrix(
        (np.ones(int(both.sum()), dtype=np.int8), (at[i[both]], at[j[both]])),
        shape=(cores.size, cores.size),
    )
    comp = connected_components(graph, directed=False)[1]
    first = np.unique(comp, return_index=True)[1]  # first core point of each component
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first)] = np.arange(first.size)
    labels[cores] = rank[comp]
    # a border point joins the lowest-numbered cluster among its core neighbours
    to_j, to_i = core[i] & ~core[j], core[j] & ~core[i]
    border = np.r_[j[to_j], i[to_i]]
    via = np.r_[labels[i[to_j]], labels[j[to_i]]]
    best = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, border, via)
    reached = best < np.iinfo(np.int64).max
    labels[reached] = best[reached]
    return labels
