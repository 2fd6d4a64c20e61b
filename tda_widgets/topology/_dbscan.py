"""DBSCAN with Euclidean distances, giving scikit-learn's labels with fewer distances.

Mapper clusters each interval of its cover with DBSCAN, and scikit-learn's DBSCAN
spends nearly all its time on the distances between every pair of points of the
interval. Most of those pairs cannot be neighbours, and that can be known cheaply:
projecting onto an orthonormal basis ``V`` never increases a distance,
``|(x - y) V| <= |x - y|``. :func:`radius_pairs` splits the points into leaves of a
tree on their first principal coordinates and skips every pair of leaves whose boxes
are farther apart than ``eps`` in those coordinates. Activation clouds are clustered
by class, so most pairs of leaves are skipped. The distances that remain are computed
as ``|x|^2 + |y|^2 - 2 x.y`` with one float32 matrix product per block (of the points
minus the cloud's centre, so that the error does not grow with the distance from the
origin), and the pairs that this leaves within its (bounded) rounding error of ``eps``
are decided by the float64 sum of squared differences of the points as given: float32
input is exact in float64, and float64 input is never rounded to float32.

:func:`dbscan_labels` then labels the points exactly as
``sklearn.cluster.DBSCAN(eps, min_samples).fit_predict`` does: a point is a core point
when at least ``min_samples`` points (itself included) lie within ``eps``; clusters are
the connected components of the core points, numbered in the order of their first
core point; a non-core point within ``eps`` of a core point joins the lowest-numbered
such cluster (scikit-learn's search reaches it first); the rest are noise, ``-1``.
``tests/topology/test_dbscan.py`` checks both against scikit-learn.

A pair whose distance equals ``eps`` up to rounding is decided as scipy's ``cdist``
decides it: the squared differences summed one coordinate after another, then the
square root, ``<= eps``. scikit-learn's own decision for such a pair depends on its
search (its trees compare squared distances, its brute force uses the matrix-product
formula), so only there can its labels differ from these. With ``strict=True``
(:func:`~tda_widgets.topology.mapper_graph` uses it) :func:`radius_pairs` instead raises
:class:`NearTie` when any pair is that close to ``eps``, and the caller runs
scikit-learn's own DBSCAN; so the labels are always scikit-learn's. Away from such ties
the labels are scikit-learn's (tested on decimal grids, duplicates, far-from-origin and
random clouds, in float32 and float64).

Points whose coordinates reach beyond ``2**40`` (or stay below ``2**-40``) are first
multiplied by a power of two, with ``eps`` (:func:`unit_scale`): exact in float64, so
every decision is the one scikit-learn makes on the points as given, up to the largest
float64 magnitudes, where its own squared distances would overflow (from about
``1e154``; the float32 blocks here, from about ``1e19``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from numbers import Integral, Real
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "NearTie",
    "dbscan_labels",
    "nearest_distances",
    "principal_basis",
    "radius_pairs",
    "unit_scale",
    "uses_fast_path",
]

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

_PROJECTION_ROUNDING = 1e-12
"""Relative rounding error allowed for the float64 projections (against the largest
squared norm)."""

Basis = tuple[NDArray[np.float64], NDArray[np.float64]]

_SAFE_MAGNITUDE = 2.0**40
"""Largest coordinate magnitude used as given: beyond it (or below its inverse) the
points are first multiplied by a power of two (exact in float64) that brings the
largest to [0.5, 1), so that no float32 or float64 square overflows or underflows."""


def unit_scale(points: NDArray[np.float64]) -> float:
    """A power of two ``s`` such that ``points * s`` is computed exactly and safely.

    ``1.0`` for coordinates within ``[2**-40, 2**40]`` in magnitude (the points are
    then used as given); otherwise ``2**-e`` with ``e`` the exponent of the largest
    magnitude. Distances scale by ``s`` exactly, so DBSCAN of ``points * s`` with
    ``eps * s`` decides every pair as DBSCAN of ``points`` with ``eps`` does (the
    same float64 operations, one exponent lower), without the overflow of the squared
    distances from about ``1e19`` (float32) or ``1e154`` (float64) on.

    Examples
    --------
    >>> unit_scale(np.array([[1.0, 2.0]])), unit_scale(np.array([[3e20, 0.0]])) == 2.0**-69
    (1.0, True)
    """
    top = float(np.abs(points).max(initial=0.0))
    if top == 0.0 or not np.isfinite(top) or 1 / _SAFE_MAGNITUDE <= top <= _SAFE_MAGNITUDE:
        return 1.0
    return math.ldexp(1.0, -math.frexp(top)[1])


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
    euclidean = p["metric"] == "euclidean" or (p["metric"] == "minkowski" and p["p"] == 2)
    # anything scikit-learn would refuse is left to it, so that it raises its own error
    eps, least = p["eps"], p["min_samples"]
    valid = isinstance(eps, Real) and float(eps) > 0
    valid = valid and isinstance(least, Integral) and int(least) >= 1
    return euclidean and not p["metric_params"] and valid


def principal_basis(points: NDArray[np.float64]) -> Basis:
    """Centre and first principal directions (columns) of a sample of ``points``.

    Examples
    --------
    >>> centre, v = principal_basis(np.random.default_rng(0).normal(size=(50, 3)))
    >>> v.shape, bool(np.allclose(v.T @ v, np.eye(3)))
    ((3, 3), True)
    """
    n, d = points.shape
    s = unit_scale(points)  # the products below overflow from about 1e154 on
    scaled = points * s if s != 1.0 else points
    centre = scaled.mean(axis=0)
    pick = np.random.default_rng(0).choice(n, size=min(n, _BASIS_SAMPLE), replace=False)
    sample = scaled[pick] - centre
    k = min(_COMPONENTS, d)
    from scipy.linalg import eigh  # scipy imported when a graph is built, not to read one

    _, vectors = eigh(sample.T @ sample, subset_by_index=[d - k, d - 1], driver="evx")
    return centre / s, vectors[:, ::-1]


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


class _Tree:
    """Points reordered leaf by leaf, with the squared gaps between the leaves' boxes."""

    def __init__(self, points: NDArray[np.float64], basis: Basis | None) -> None:
        centre, directions = principal_basis(points) if basis is None else basis
        proj = (points - centre) @ directions
        leaves = _leaves(proj)
        lo = np.asarray([proj[leaf].min(axis=0) for leaf in leaves])
        hi = np.asarray([proj[leaf].max(axis=0) for leaf in leaves])
        self.gap2 = np.empty((len(leaves), len(leaves)))
        for a in range(len(leaves)):  # a row at a time: L x L x k would not scale
            gap = np.maximum(np.maximum(lo - hi[a], lo[a] - hi), 0.0)
            self.gap2[a] = np.einsum("bk,bk->b", gap, gap)
        self.order = np.concatenate(leaves)
        self.bounds = np.r_[0, np.cumsum([leaf.size for leaf in leaves])]
        self.xs = points[self.order]
        # the blocks are float32 products (twice the speed of float64) of the points
        # minus the centre, so that their error scales with the cloud's spread, not with
        # its distance from the origin; the error is bounded by (d + 7) float32
        # epsilons of the larger squared (centred) norms, the centring's float64
        # rounding and the rounding to float32 included
        centred = self.xs - centre
        self.sq = np.einsum("ij,ij->i", centred, centred)
        self.xs32 = centred.astype(np.float32)
        self.sq32 = self.sq.astype(np.float32)
        self.rounding = (points.shape[1] + 7) * 2.0**-23
        # the float64 projections' own rounding, against the largest squared norm
        self.pad = _PROJECTION_ROUNDING * 2 * float(self.sq.max(initial=0.0))
        # scikit-learn's own distances (|x|^2 + |y|^2 - 2 x.y in float64 for its brute
        # force, sums of squares for its trees) are within this many float64 epsilons
        # of the squared norms (not centred) plus eps^2 of the exact ones
        self.raw_sq = np.einsum("ij,ij->i", self.xs, self.xs)
        self.tie_rounding = (2 * points.shape[1] + 16) * 2.0**-52

    def exact(self, i: NDArray[np.int64], j: NDArray[np.int64]) -> NDArray[np.float64]:
        """Squared distances of the pairs ``(i, j)`` (tree order), summed directly.

        From the points as given (not centred), in float64 (float32 input is exact in
        float64). The squares are added one coordinate after another, the order in
        which scipy's ``cdist`` and scikit-learn's trees add them, so that a distance
        equal to ``eps`` up to rounding is decided as they decide it."""
        diff = self.xs[i] - self.xs[j]
        diff *= diff
        total = np.zeros(diff.shape[0])
        for column in diff.T:
            total += column
        return total

    def tolerance(self, a: int, c0: int, d2: NDArray[np.float32]) -> float:
        """Bound on the rounding error of the block ``d2`` of :meth:`blocks`."""
        r0 = self.bounds[a]
        return self.rounding * float(
            self.sq[r0 : r0 + d2.shape[0]].max() + self.sq[c0 : c0 + d2.shape[1]].max()
        )

    def improve(self, a: int, c0: int, d2: NDArray[np.float32], best: NDArray[np.float64]) -> None:
        """Lower ``best`` (exact squared distances of leaf ``a``'s points) by the block."""
        r0 = self.bounds[a]
        rows = best[r0 : r0 + d2.shape[0]]
        tol = self.tolerance(a, c0, d2)
        # an entry more than the rounding error above the best so far, or more than
        # twice that above the block's least, cannot be the nearest; the rest are
        # summed exactly (an all-inf row, a one-point leaf against itself, has none)
        least = d2.min(axis=1)
        limit = np.where(np.isfinite(least), np.minimum(rows + tol, least + 2 * tol), -1.0)
        ri, ci = np.nonzero(d2 <= limit[:, None])
        if ri.size == 0:
            return
        exact = self.exact(ri + r0, ci + c0)
        np.minimum.at(rows, ri, exact)

    def tie_tolerance(self, a: int, c0: int, d2: NDArray[np.float32], eps: float) -> float:
        """Bound on how far scikit-learn's squared distances of the block ``d2`` of
        :meth:`blocks` can be from the exact ones (its brute force uses the norms of the
        points as given, not centred)."""
        r0 = self.bounds[a]
        return self.tie_rounding * float(
            self.raw_sq[r0 : r0 + d2.shape[0]].max()
            + self.raw_sq[c0 : c0 + d2.shape[1]].max()
            + eps * eps
        )

    def rows(self, a: int) -> slice:
        return slice(self.bounds[a], self.bounds[a + 1])

    def blocks(
        self, a: int, partners: NDArray[np.int64]
    ) -> Iterator[tuple[int, NDArray[np.float32]]]:
        """Approximate squared distances (float32, within :meth:`tolerance`) from leaf
        ``a`` to the leaves ``partners`` (sorted), one block per run of consecutive
        leaves (one contiguous slice of ``xs``)."""
        r = self.rows(a)
        for run in np.split(partners, np.flatnonzero(np.diff(partners) != 1) + 1):
            if run.size == 0:
                continue
            c0, c1 = self.bounds[run[0]], self.bounds[run[-1] + 1]
            d2 = self.xs32[r] @ self.xs32[c0:c1].T
            d2 *= -2.0
            d2 += self.sq32[r, None]
            d2 += self.sq32[None, c0:c1]
            yield c0, d2


class NearTie(Exception):
    """A pair of points is ``eps`` apart to within scikit-learn's own rounding."""


def radius_pairs(
    points: NDArray[np.float64],
    eps: float,
    basis: Basis | None = None,
    *,
    strict: bool = False,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Every pair of points within ``eps`` of each other (Euclidean, inclusive).

    Parameters
    ----------
    points : ndarray of shape (n, d), float64
    eps : float
    basis : (centre, directions), optional
        From :func:`principal_basis`; computed from ``points`` when not given (pass
        one basis for many subsets of one cloud).
    strict : bool
        Raise :class:`NearTie` when some pair's distance is so close to ``eps`` that
        scikit-learn's own rounding (which depends on its search algorithm) could
        decide it either way; the caller then asks scikit-learn. Otherwise such a
        pair is decided as scipy's ``cdist`` would (``sqrt(sum of squares) <= eps``).

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
    if points.shape[0] < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    s = unit_scale(points)
    if s != 1.0:  # exact: the same decisions, without overflow (see unit_scale)
        points, eps = points * s, eps * s
        basis = None if basis is None else (basis[0] * s, basis[1])
    tree = _Tree(points, basis)
    near = np.triu(tree.gap2 <= (eps * (1 + _SLACK)) ** 2 + tree.pad)
    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    for a in range(near.shape[0]):
        r0 = tree.bounds[a]
        for c0, d2 in tree.blocks(a, np.flatnonzero(near[a])):
            if c0 == r0:  # the leaf against itself: keep each pair once
                d2[np.tril_indices(d2.shape[0], 0, d2.shape[1])] = np.inf
            # |x|^2 + |y|^2 - 2 x.y loses digits when x ~ y: decide the pairs within its
            # rounding error of eps by the exact sum of squared differences
            tol = tree.tolerance(a, c0, d2)
            if strict:  # the pairs scikit-learn could decide either way must be unsure
                tol = max(tol, tree.tie_tolerance(a, c0, d2, eps))
            r, c = np.nonzero(d2 <= eps * eps + tol)
            r, c = r + r0, c + c0
            unsure = np.flatnonzero(d2[r - r0, c - c0] > eps * eps - tol)
            if unsure.size:
                keep = np.ones(r.size, dtype=bool)
                ru, cu = r[unsure], c[unsure]
                exact = tree.exact(ru, cu)
                if strict:
                    tie = tree.tie_rounding * (tree.raw_sq[ru] + tree.raw_sq[cu] + eps * eps)
                    if np.any(np.abs(exact - eps * eps) <= tie):
                        raise NearTie(f"a pair of points is eps={eps!r} apart up to rounding")
                keep[unsure] = np.sqrt(exact) <= eps
                r, c = r[keep], c[keep]
            rows.append(r)
            cols.append(c)
    i, j = tree.order[np.concatenate(rows)], tree.order[np.concatenate(cols)]
    return np.minimum(i, j), np.maximum(i, j)


def nearest_distances(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each point's distance to its nearest other point (0 for a duplicate).

    Equals ``NearestNeighbors(n_neighbors=2).fit(x).kneighbors(x)[0][:, 1]`` up to
    float64 rounding. Each leaf first searches itself; the largest distance found
    there bounds the search, which then visits only the leaves whose boxes are that
    close.

    Examples
    --------
    >>> nearest_distances(np.array([[0.0, 0.0], [0.0, 1.0], [3.0, 1.0]])).tolist()
    [1.0, 1.0, 3.0]
    """
    n = points.shape[0]
    if n < 2:
        raise ValueError(f"points: expected at least 2 points, got {n}")
    s = unit_scale(points)
    if s != 1.0:  # exact: distances scale by s (see unit_scale)
        return nearest_distances(points * s) / s
    tree = _Tree(points, None)
    best = np.full(n, np.inf)  # exact squared distance to the nearest point found so far
    leaves = tree.gap2.shape[0]
    for a in range(leaves):
        c0, d2 = next(tree.blocks(a, np.array([a])))
        np.fill_diagonal(d2, np.inf)
        tree.improve(a, c0, d2, best)
    for a in range(leaves):
        reach = best[tree.rows(a)].max() * (1 + _SLACK) ** 2 + tree.pad
        partners = np.flatnonzero(tree.gap2[a] <= reach)
        for c0, d2 in tree.blocks(a, partners[partners != a]):
            tree.improve(a, c0, d2, best)
    out = np.empty(n)
    out[tree.order] = np.sqrt(best)
    return out


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
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

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
