"""Stage 2: activations in, ``(n, d)`` point clouds with provenance out.

The paper's samplers (top-l2, random position, all positions, foreground / background
top-k from GrabCut masks and receptive-field weights) and image-level ones (pooled,
flattened), scale normalisation, plus greedy farthest-point subsampling with its
covering radius.

Names load lazily: :mod:`~tda_widgets.point_clouds.subsample` and
:mod:`~tda_widgets.point_clouds.normalize` need only numpy, so the topology stage can
subsample a cloud without importing torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module (in this package) that defines it
_LAZY: dict[str, str] = {
    "Sampler": "base",
    "ReceptiveFields": "masked",
    "background": "masked",
    "foreground": "masked",
    "grabcut_masks": "masked",
    "receptive_fields": "masked",
    "normalize_cloud": "normalize",
    "SAMPLERS": "samplers",
    "all_positions": "samplers",
    "flatten": "samplers",
    "pooled": "samplers",
    "random_position": "samplers",
    "top_l2": "samplers",
    "FarthestPointSample": "subsample",
    "covering_radius": "subsample",
    "farthest_point_subsample": "subsample",
    "random_subsample": "subsample",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:
    from tda_widgets.point_clouds.base import Sampler as Sampler
    from tda_widgets.point_clouds.masked import ReceptiveFields as ReceptiveFields
    from tda_widgets.point_clouds.masked import background as background
    from tda_widgets.point_clouds.masked import foreground as foreground
    from tda_widgets.point_clouds.masked import grabcut_masks as grabcut_masks
    from tda_widgets.point_clouds.masked import receptive_fields as receptive_fields
    from tda_widgets.point_clouds.normalize import normalize_cloud as normalize_cloud
    from tda_widgets.point_clouds.samplers import SAMPLERS as SAMPLERS
    from tda_widgets.point_clouds.samplers import all_positions as all_positions
    from tda_widgets.point_clouds.samplers import flatten as flatten
    from tda_widgets.point_clouds.samplers import pooled as pooled
    from tda_widgets.point_clouds.samplers import random_position as random_position
    from tda_widgets.point_clouds.samplers import top_l2 as top_l2
    from tda_widgets.point_clouds.subsample import FarthestPointSample as FarthestPointSample
    from tda_widgets.point_clouds.subsample import covering_radius as covering_radius
    from tda_widgets.point_clouds.subsample import (
        farthest_point_subsample as farthest_point_subsample,
    )
    from tda_widgets.point_clouds.subsample import random_subsample as random_subsample


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
