"""Stage 2: activations in, ``(n, d)`` point clouds with provenance out.

The paper's samplers (top-l2, random position, all positions, foreground / background
top-k from GrabCut masks and receptive-field weights) and image-level ones (pooled,
flattened), scale normalisation, plus greedy farthest-point subsampling with its
covering radius.
"""

from tda_widgets.point_clouds.base import Sampler
from tda_widgets.point_clouds.masked import (
    ReceptiveFields,
    background,
    foreground,
    grabcut_masks,
    receptive_fields,
)
from tda_widgets.point_clouds.normalize import normalize_cloud
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
    "ReceptiveFields",
    "Sampler",
    "all_positions",
    "background",
    "covering_radius",
    "farthest_point_subsample",
    "flatten",
    "foreground",
    "grabcut_masks",
    "normalize_cloud",
    "pooled",
    "random_position",
    "random_subsample",
    "receptive_fields",
    "sampler_by_name",
    "top_l2",
]
