"""Scale-free point clouds: divide a cloud by its median pairwise distance.

Layers differ in scale by orders of magnitude (the shipped MNIST model's top-l2 clouds
span median distances from under 1 to over 40), and every diagram distance is
measured in the clouds' own units: two layers of the same shape but different scale
are far apart in sliced Wasserstein distance. ``normalize="median"`` removes the scale
so that what is left to compare is the shape.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from tda_widgets._types import PointCloud
from tda_widgets._validation import check_choice, check_int, describe

__all__ = ["NORMALIZE_METHODS", "median_pairwise_distance", "normalize_cloud"]

#: The accepted values of ``normalize=`` (besides ``None``).
NORMALIZE_METHODS: tuple[str, ...] = ("median",)

_DEFAULT_SAMPLE = 1000
_DEFAULT_SEED = 0


def median_pairwise_distance(
    points: Any, *, n_sample: int = _DEFAULT_SAMPLE, seed: int = _DEFAULT_SEED
) -> tuple[float, int]:
    """The median Euclidean distance between distinct points of a fixed subsample.

    Parameters
    ----------
    points : array_like of shape (n, d)
    n_sample : int
        Clouds of more than ``n_sample`` points are measured on ``n_sample`` of them,
        drawn without replacement by ``numpy.random.default_rng(seed)`` (so the same
        cloud always gives the same value); smaller clouds are measured whole.
    seed : int
        Seed of that draw.

    Returns
    -------
    median : float
        Computed in float64; 0.0 for fewer than 2 points.
    n_used : int
        How many points it was computed on.

    Examples
    --------
    >>> median_pairwise_distance([[0, 0], [3, 4], [6, 8]])
    (5.0, 3)
    """
    n_sample = check_int(n_sample, name="n_sample", minimum=2)
    seed = check_int(seed, name="seed", minimum=0)
    x = np.asarray(points, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"points: expected an array of shape (n, d), got shape {x.shape}")
    n = x.shape[0]
    if n > n_sample:
        x = x[np.sort(np.random.default_rng(seed).choice(n, n_sample, replace=False))]
    if x.shape[0] < 2:
        return 0.0, int(x.shape[0])
    from scipy.spatial.distance import pdist  # imported when a cloud is normalised

    return float(np.median(pdist(x))), int(x.shape[0])


def normalize_cloud(
    cloud: PointCloud,
    normalize: str | None = "median",
    *,
    n_sample: int = _DEFAULT_SAMPLE,
    seed: int = _DEFAULT_SEED,
) -> PointCloud:
    """The cloud scaled so that its median pairwise distance is 1.

    ``normalize="median"`` multiplies every point by ``1 / m``, where ``m`` is
    :func:`median_pairwise_distance` over a fixed, seeded subsample of at most
    ``n_sample`` points. The points are not centred (Rips filtrations and diagram
    distances do not depend on a translation). The factor and how it was measured are
    recorded in ``params``: ``normalize``, ``normalize_scale`` (the factor the points
    were multiplied by), ``normalize_median`` (``m``, in the original units),
    ``normalize_n_sample`` and ``normalize_seed``. A cloud whose median distance is 0
    (fewer than 2 points, or most points equal) cannot be scaled to 1 and is kept as it
    is, with ``normalize_scale`` 1.0 and ``normalize_median`` 0.0 recorded.

    Scaling a cloud by ``s`` scales its diagrams (births and deaths) by ``s`` and so
    its diagram distances by ``s``; linear CKA does not change.

    Parameters
    ----------
    cloud : PointCloud
    normalize : {"median"} or None
        ``None`` returns ``cloud`` itself.
    n_sample, seed : int
        See :func:`median_pairwise_distance`.

    Returns
    -------
    PointCloud
        A new cloud with the same provenance (images, positions, labels, layer).

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import PointCloud
    >>> cloud = PointCloud.from_array(np.array([[0, 0], [30, 40], [60, 80]]), layer="toy")
    >>> scaled = normalize_cloud(cloud, "median")
    >>> scaled.points
    array([[0. , 0. ],
           [0.6, 0.8],
           [1.2, 1.6]], dtype=float32)
    >>> scaled.params["normalize_median"], scaled.params["normalize_scale"]
    (50.0, 0.02)
    >>> normalize_cloud(cloud, None) is cloud
    True
    """
    if not isinstance(cloud, PointCloud):
        raise TypeError(f"cloud: expected a PointCloud, got {describe(cloud)}")
    normalize = check_normalize(normalize)
    if normalize is None:
        return cloud
    if "normalize" in cloud.params:
        raise ValueError(
            f"cloud: expected a cloud that is not normalised yet, got one with "
            f"normalize={cloud.params['normalize']!r} in its params"
        )
    median, n_used = median_pairwise_distance(cloud.points, n_sample=n_sample, seed=seed)
    scale = 1.0 / median if median > 0 and np.isfinite(median) else 1.0
    points = (cloud.points.astype(np.float64) * scale).astype(np.float32)
    params = {
        **cloud.params,
        "normalize": normalize,
        "normalize_scale": scale,
        "normalize_median": median,
        "normalize_n_sample": n_sample,
        "normalize_n_used": n_used,
        "normalize_seed": seed,
    }
    return dataclasses.replace(cloud, points=points, params=params)


def check_normalize(value: Any, *, name: str = "normalize") -> str | None:
    """``None`` or a name in :data:`NORMALIZE_METHODS`; an error naming ``name`` otherwise.

    Examples
    --------
    >>> check_normalize(None), check_normalize("median")
    (None, 'median')
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: expected None or one of {list(NORMALIZE_METHODS)}, got {describe(value)}"
        )
    return check_choice(value, NORMALIZE_METHODS, name=name)
