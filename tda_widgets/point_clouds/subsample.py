"""Greedy farthest-point (max-min) subsampling with its covering radius."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import PointCloud
from tda_widgets._validation import as_points, check_int

__all__ = ["FarthestPointSample", "covering_radius", "farthest_point_subsample", "random_subsample"]

_CHUNK_ROWS = 8192  # rows per distance chunk: keeps temporaries small and in cache


class FarthestPointSample(NamedTuple):
    """Result of :func:`farthest_point_subsample`.

    Attributes
    ----------
    indices : ndarray of int64, shape (k,)
        Indices of the chosen points, in the order they were chosen.
    radius : float
        Covering radius: the largest distance from any point of the cloud to its
        nearest chosen point (the Hausdorff distance between cloud and subsample).
    """

    indices: NDArray[np.int64]
    radius: float


def _sq_dists(points: NDArray[np.float32], centre: NDArray[np.float32]) -> NDArray[np.float64]:
    out = np.empty(points.shape[0], dtype=np.float64)
    for s in range(0, points.shape[0], _CHUNK_ROWS):
        diff = points[s : s + _CHUNK_ROWS] - centre
        out[s : s + _CHUNK_ROWS] = np.einsum("ij,ij->i", diff, diff)
    return out


def farthest_point_subsample(cloud: Any, n_points: int, *, start: int = 0) -> FarthestPointSample:
    """Choose ``n_points`` points greedily, each the farthest from those chosen so far.

    Starts from point ``start``, then repeatedly adds the point whose Euclidean
    distance to the chosen set is largest (ties: the lowest index). This is the
    greedy permutation that ``ripser(..., n_perm=k)`` uses, computed in ``O(n)``
    memory. The covering radius ``r`` bounds how far the subsample's persistence
    diagrams can be from the full cloud's: for Vietoris-Rips diagrams (ripser's
    convention, an edge enters at its length) the bottleneck distance is at most
    ``2 r``.

    Parameters
    ----------
    cloud : PointCloud or array-like of shape (n, d)
        The points.
    n_points : int
        How many points to choose; with ``n_points >= n`` every point is chosen (in
        greedy order) and the radius is 0.
    start : int
        Index of the first point.

    Returns
    -------
    FarthestPointSample
        ``(indices, radius)``; ``cloud.subset(indices)`` is the subsampled cloud.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import farthest_point_subsample
    >>> line = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])
    >>> idx, radius = farthest_point_subsample(line, 3)
    >>> idx.tolist(), radius
    ([0, 4, 2], 1.0)
    """
    points = cloud.points if isinstance(cloud, PointCloud) else as_points(cloud, name="cloud")
    n = points.shape[0]
    if n == 0:
        raise ValueError("cloud: expected at least one point, got an empty cloud")
    k = min(check_int(n_points, name="n_points", minimum=1), n)
    first = check_int(start, name="start", minimum=0)
    if first >= n:
        raise ValueError(f"start: expected an index below the number of points {n}, got {first}")
    chosen = np.empty(k, dtype=np.int64)
    chosen[0] = first
    nearest = _sq_dists(points, points[first])
    nearest[first] = -1.0  # chosen points are never chosen again, even among duplicates
    for i in range(1, k):
        nxt = int(np.argmax(nearest))
        chosen[i] = nxt
        np.minimum(nearest, _sq_dists(points, points[nxt]), out=nearest)
        nearest[nxt] = -1.0
    radius = float(np.sqrt(nearest.max())) if k < n else 0.0
    return FarthestPointSample(chosen, radius)


_RADIUS_ROWS = 2048  # rows per block of the covering-radius product


def covering_radius(cloud: Any, indices: Any) -> float:
    """Largest distance from a point of ``cloud`` to its nearest point among ``indices``.

    Computed in float64 blocks of ``points @ chosen.T`` (after centring on the chosen
    points' mean, so clouds far from the origin lose no precision): ``O(n k d)`` time
    in BLAS, ``O(k d + 2048 k)`` memory, no ``n x n`` matrix.

    Examples
    --------
    >>> import numpy as np
    >>> covering_radius(np.array([[0.0], [1.0], [3.0]]), [0, 2])
    1.0
    """
    points = cloud.points if isinstance(cloud, PointCloud) else as_points(cloud, name="cloud")
    idx = np.asarray(indices, dtype=np.int64)
    if idx.ndim != 1 or idx.size == 0:
        raise ValueError(
            f"indices: expected a non-empty 1-D array of indices, got shape {idx.shape}"
        )
    chosen = points[idx].astype(np.float64)
    centre = chosen.mean(axis=0)
    chosen -= centre
    sq_chosen = np.einsum("ij,ij->i", chosen, chosen)
    worst = 0.0
    for s in range(0, points.shape[0], _RADIUS_ROWS):
        block = points[s : s + _RADIUS_ROWS].astype(np.float64) - centre
        sq = np.einsum("ij,ij->i", block, block)
        d2 = sq[:, None] + sq_chosen[None, :] - 2.0 * (block @ chosen.T)
        worst = max(worst, float(np.maximum(d2.min(axis=1), 0.0).max()))
    return float(np.sqrt(worst))


def random_subsample(
    cloud: Any, n_points: int, *, seed: int | np.random.Generator = 0
) -> FarthestPointSample:
    """Choose ``n_points`` points uniformly at random (without replacement), sorted.

    The paper computes persistence on 1,000 randomly chosen test images; this is that
    choice, reproducible by ``seed``, with the covering radius ``r`` of the sample
    (see :func:`covering_radius`): the subsample's Rips diagrams are within bottleneck
    distance ``2 r`` of the full cloud's. Much cheaper than
    :func:`farthest_point_subsample` on large, high-dimensional clouds (one BLAS pass
    instead of ``n_points`` passes), at the price of a larger ``r``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(10.0)[:, None]
    >>> idx, r = random_subsample(x, 4, seed=1)
    >>> len(idx), bool(np.all(np.diff(idx) > 0)), r >= 1.0
    (4, True, True)
    """
    points = cloud.points if isinstance(cloud, PointCloud) else as_points(cloud, name="cloud")
    n = points.shape[0]
    if n == 0:
        raise ValueError("cloud: expected at least one point, got an empty cloud")
    k = min(check_int(n_points, name="n_points", minimum=1), n)
    if isinstance(seed, np.random.Generator):
        rng = seed
    else:
        rng = np.random.default_rng(check_int(seed, name="seed", minimum=0))
    if k == n:
        return FarthestPointSample(np.arange(n, dtype=np.int64), 0.0)
    idx = np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64)
    return FarthestPointSample(idx, covering_radius(points, idx))
