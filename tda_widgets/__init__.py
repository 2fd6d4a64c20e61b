"""tda_widgets: Jupyter widgets for the topology of CNN activations.

Follows Purvine et al., "Experimental Observations of the Topology of Convolutional
Neural Network Activations" (AAAI 2023). Everything public is importable from here;
datasets and models from :mod:`tda_widgets.datasets`.

Names are loaded lazily, so ``import tda_widgets`` is cheap and the science stages
work without the JavaScript build.

Examples
--------
>>> import tda_widgets
>>> tda_widgets.__version__ != ""
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it (relative to this package)
_LAZY: dict[str, str] = {
    # types
    "PointCloud": "._types",
    "Diagrams": "._types",
    "DistanceMatrix": "._types",
    "MapperGraph": "._types",
    # stage 1: activations
    "extract_activations": ".activations.extract",
    "list_layers": ".activations.layers",
    "Activations": ".activations.extract",
    "LayerInfo": ".activations.layers",
    "LayerList": ".activations.layers",
    "DEFAULT_MEMORY_BUDGET": "._validation",
    # stage 2: point clouds
    "Sampler": ".point_clouds.base",
    "top_l2": ".point_clouds.samplers",
    "random_position": ".point_clouds.samplers",
    "all_positions": ".point_clouds.samplers",
    "pooled": ".point_clouds.samplers",
    "flatten": ".point_clouds.samplers",
    "farthest_point_subsample": ".point_clouds.subsample",
    "random_subsample": ".point_clouds.subsample",
    "covering_radius": ".point_clouds.subsample",
    "FarthestPointSample": ".point_clouds.subsample",
    "normalize_cloud": ".point_clouds.normalize",
    "foreground": ".point_clouds.masked",
    "background": ".point_clouds.masked",
    "grabcut_masks": ".point_clouds.masked",
    "receptive_fields": ".point_clouds.masked",
    # stage 3: topology
    "persistence_diagrams": ".topology.persistence",
    "available_backends": ".topology.persistence",
    "sliced_wasserstein": ".topology.distances",
    "wasserstein": ".topology.distances",
    "bottleneck": ".topology.distances",
    "diagram_matching": ".topology.distances",
    "Matching": ".topology.distances",
    "layer_distance_matrix": ".topology.matrices",
    "cross_distance_matrix": ".topology.matrices",
    "linear_cka": ".topology.cka",
    "cka_matrix": ".topology.cka",
    "compare_matrices": ".topology.cka",
    "MatrixComparison": ".topology.cka",
    "matrix_correlation": ".topology.cka",
    "pc_removal_sensitivity": ".topology.cka",
    "mapper_graph": ".topology.mapper",
    "elbow_eps": ".topology.mapper",
    "graph_measures": ".topology.measures",
    "representative_cycle": ".topology.loops",
    "circular_coordinates": ".topology.loops",
    "RepresentativeCycle": ".topology.loops",
    "CircularCoordinates": ".topology.loops",
    # evidence: confidence sets, noise floors, permutation tests
    "TestResult": ".stats.result",
    "holm": ".stats.result",
    "DiagramConfidence": ".stats.confidence",
    "diagram_confidence": ".stats.confidence",
    "NoiseFloors": ".stats.floors",
    "FloorAssessment": ".stats.floors",
    "mantel": ".stats.permutation",
    "purity_permutation_test": ".stats.permutation",
    "diagram_permutation_test": ".stats.permutation",
    "Analysis": ".analysis",
    # experiments built on Analysis
    "noise_robustness": ".experiments",
    "seed_specificity": ".experiments",
    "specificity_evidence": ".experiments",
    "SpecificityEvidence": ".experiments",
    "sw_cka_agreement": ".experiments",
    "first_separating_layer": ".experiments",
    "class_components": ".experiments",
    "NoiseRobustness": ".experiments",
    "SeedSpecificity": ".experiments",
    "SwCkaAgreement": ".experiments",
    # widgets (need the JS build only when displayed)
    "PersistenceDiagramWidget": ".widgets.persistence_diagram",
    "FiltrationWidget": ".widgets.filtration",
    "LayerDistanceMatrixWidget": ".widgets.layer_distance_matrix",
    "MapperGraphWidget": ".widgets.mapper_graph",
    # the linked explorer (ipywidgets + bqplot composition of the views)
    "ActivationExplorer": ".widgets.panels.explorer",
    "ExplorerSelection": ".widgets.panels.explorer",
    "explore": ".widgets.panels.explore",
}

if TYPE_CHECKING:
    # `X as X` marks a re-export for type checkers; at run time names load lazily.
    from tda_widgets._types import Diagrams as Diagrams
    from tda_widgets._types import DistanceMatrix as DistanceMatrix
    from tda_widgets._types import MapperGraph as MapperGraph
    from tda_widgets._types import PointCloud as PointCloud
    from tda_widgets._validation import DEFAULT_MEMORY_BUDGET as DEFAULT_MEMORY_BUDGET
    from tda_widgets.activations.extract import Activations as Activations
    from tda_widgets.activations.extract import extract_activations as extract_activations
    from tda_widgets.activations.layers import LayerInfo as LayerInfo
    from tda_widgets.activations.layers import LayerList as LayerList
    from tda_widgets.activations.layers import list_layers as list_layers
    from tda_widgets.analysis import Analysis as Analysis
    from tda_widgets.experiments import NoiseRobustness as NoiseRobustness
    from tda_widgets.experiments import SeedSpecificity as SeedSpecificity
    from tda_widgets.experiments import SpecificityEvidence as SpecificityEvidence
    from tda_widgets.experiments import SwCkaAgreement as SwCkaAgreement
    from tda_widgets.experiments import class_components as class_components
    from tda_widgets.experiments import first_separating_layer as first_separating_layer
    from tda_widgets.experiments import noise_robustness as noise_robustness
    from tda_widgets.experiments import seed_specificity as seed_specificity
    from tda_widgets.experiments import specificity_evidence as specificity_evidence
    from tda_widgets.experiments import sw_cka_agreement as sw_cka_agreement
    from tda_widgets.point_clouds.base import Sampler as Sampler
    from tda_widgets.point_clouds.masked import background as background
    from tda_widgets.point_clouds.masked import foreground as foreground
    from tda_widgets.point_clouds.masked import grabcut_masks as grabcut_masks
    from tda_widgets.point_clouds.masked import receptive_fields as receptive_fields
    from tda_widgets.point_clouds.normalize import normalize_cloud as normalize_cloud
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
    from tda_widgets.stats.confidence import DiagramConfidence as DiagramConfidence
    from tda_widgets.stats.confidence import diagram_confidence as diagram_confidence
    from tda_widgets.stats.floors import FloorAssessment as FloorAssessment
    from tda_widgets.stats.floors import NoiseFloors as NoiseFloors
    from tda_widgets.stats.permutation import diagram_permutation_test as diagram_permutation_test
    from tda_widgets.stats.permutation import mantel as mantel
    from tda_widgets.stats.permutation import purity_permutation_test as purity_permutation_test
    from tda_widgets.stats.result import TestResult as TestResult
    from tda_widgets.stats.result import holm as holm
    from tda_widgets.topology.cka import MatrixComparison as MatrixComparison
    from tda_widgets.topology.cka import cka_matrix as cka_matrix
    from tda_widgets.topology.cka import compare_matrices as compare_matrices
    from tda_widgets.topology.cka import linear_cka as linear_cka
    from tda_widgets.topology.cka import matrix_correlation as matrix_correlation
    from tda_widgets.topology.cka import pc_removal_sensitivity as pc_removal_sensitivity
    from tda_widgets.topology.distances import Matching as Matching
    from tda_widgets.topology.distances import bottleneck as bottleneck
    from tda_widgets.topology.distances import diagram_matching as diagram_matching
    from tda_widgets.topology.distances import sliced_wasserstein as sliced_wasserstein
    from tda_widgets.topology.distances import wasserstein as wasserstein
    from tda_widgets.topology.loops import CircularCoordinates as CircularCoordinates
    from tda_widgets.topology.loops import RepresentativeCycle as RepresentativeCycle
    from tda_widgets.topology.loops import circular_coordinates as circular_coordinates
    from tda_widgets.topology.loops import representative_cycle as representative_cycle
    from tda_widgets.topology.mapper import elbow_eps as elbow_eps
    from tda_widgets.topology.mapper import mapper_graph as mapper_graph
    from tda_widgets.topology.matrices import cross_distance_matrix as cross_distance_matrix
    from tda_widgets.topology.matrices import layer_distance_matrix as layer_distance_matrix
    from tda_widgets.topology.measures import graph_measures as graph_measures
    from tda_widgets.topology.persistence import available_backends as available_backends
    from tda_widgets.topology.persistence import persistence_diagrams as persistence_diagrams
    from tda_widgets.widgets.filtration import FiltrationWidget as FiltrationWidget
    from tda_widgets.widgets.layer_distance_matrix import (
        LayerDistanceMatrixWidget as LayerDistanceMatrixWidget,
    )
    from tda_widgets.widgets.mapper_graph import MapperGraphWidget as MapperGraphWidget
    from tda_widgets.widgets.panels.explore import explore as explore
    from tda_widgets.widgets.panels.explorer import ActivationExplorer as ActivationExplorer
    from tda_widgets.widgets.panels.explorer import ExplorerSelection as ExplorerSelection
    from tda_widgets.widgets.persistence_diagram import (
        PersistenceDiagramWidget as PersistenceDiagramWidget,
    )

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tda_widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
