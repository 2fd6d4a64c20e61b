"""Stage 3: point clouds -> persistence diagrams, distances, CKA, Mapper graphs.

Modules: :mod:`.persistence` (exact Rips persistence with generators),
:mod:`.distances` (diagram distances and matchings), :mod:`.matrices` (layer-distance
matrices), :mod:`.cka` (representational-similarity baseline), :mod:`.mapper` (Mapper
graphs), :mod:`.measures` (numbers that describe a Mapper graph) and :mod:`.loops`
(representative cycles and circular coordinates of H1 bars).
"""

from tda_widgets.topology.cka import (
    MatrixComparison,
    cka_matrix,
    compare_matrices,
    linear_cka,
    pc_removal_sensitivity,
)
from tda_widgets.topology.distances import (
    Matching,
    bottleneck,
    diagram_matching,
    sliced_wasserstein,
    wasserstein,
)
from tda_widgets.topology.loops import (
    CircularCoordinates,
    RepresentativeCycle,
    circular_coordinates,
    representative_cycle,
)
from tda_widgets.topology.mapper import compute_lens, elbow_eps, mapper_graph
from tda_widgets.topology.matrices import cross_distance_matrix, layer_distance_matrix
from tda_widgets.topology.measures import graph_measures
from tda_widgets.topology.persistence import (
    available_backends,
    persistence_diagrams,
)

__all__ = [
    "CircularCoordinates",
    "Matching",
    "MatrixComparison",
    "RepresentativeCycle",
    "available_backends",
    "bottleneck",
    "circular_coordinates",
    "cka_matrix",
    "compare_matrices",
    "compute_lens",
    "cross_distance_matrix",
    "diagram_matching",
    "elbow_eps",
    "graph_measures",
    "layer_distance_matrix",
    "linear_cka",
    "mapper_graph",
    "pc_removal_sensitivity",
    "persistence_diagrams",
    "representative_cycle",
    "sliced_wasserstein",
    "wasserstein",
]
