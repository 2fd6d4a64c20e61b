"""Stage 2: activations in, ``(n, d)`` point clouds with provenance out.

The paper's samplers (top-l2, random position, all positions) and image-level ones
(pooled, flattened), plus greedy farthest-point subsampling with its covering radius.
"""

from tda_widgets.point_clouds.base import Sampler
from tda_widgets.point_clouds.samplers import (
    SAMPLERS,
    all_positions,
    flatten,
    pooled,
    random_position,
    sampler_by_name,
    top_l2,
)
from tda_widgets.point_clouds.subsample import (
    FarthestPointSample,
    covering_radius,
    farthest_point_subsample,
    random_subsample,
)

__all__ = [
    "SAMPLERS",
    "FarthestPointSample",
    "Sampler",
    "all_positions",
    "covering_radius",
    "farthest_point_subsample",
    "flatten",
    "pooled",
    "random_position",
    "random_subsample",
    "sampler_by_name",
    "top_l2",
]
