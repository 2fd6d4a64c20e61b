"""Greedy farthest-point (max-min) subsampling with its covering radius."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import PointCloud
from tda_widgets._validation import as_points, check_int

__all__ = ["FarthestPointSample", "farthest_point_subsample"]

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
