"""Stage 3: point clouds -> persistence diagrams, distances, CKA, Mapper graphs.

Modules: :mod:`.persistence` (exact Rips persistence with generators),
:mod:`.distances` (diagram distances and matchings), :mod:`.matrices` (layer-distance
matrices), :mod:`.cka` (representational-similarity baseline), :mod:`.mapper` (Mapper
graphs) and :mod:`.measures` (numbers that describe a Mapper graph).
"""

from tda_widgets.topology.distances import (
    Matching,
    bottleneck,
    diagram_matching,
    sliced_wasserstein,
    wasserstein,
)
from tda_widgets.topology.matrices import cross_distance_matrix, layer_distance_matrix
from tda_widgets.topology.persistence import (
    available_backends,
    greedy_subsample,
    persistence_diagrams,
)

__all__ = [
    "Matching",
    "available_backends",
    "bottleneck",
    "cross_distance_matrix",
    "diagram_matching",
    "greedy_subsample",
    "layer_distance_matrix",
    "persistence_diagrams",
    "sliced_wasserstein",
    "wasserstein",
]
