"""Evidence: confidence sets for diagrams, noise floors, permutation tests.

The stage between :mod:`tda_widgets.topology` (what is computed) and
:mod:`tda_widgets.analysis` (what is cached): every test returns a
:class:`TestResult` with its null sample, p-value, Monte Carlo error and effect size.
"""

from tda_widgets.stats.confidence import (
    DiagramConfidence,
    confidence_radius,
    diagram_confidence,
    significant_mask,
)
from tda_widgets.stats.floors import (
    FloorAssessment,
    NoiseFloors,
    cka_permutation_null,
    split_half_floor,
)
from tda_widgets.stats.permutation import (
    diagram_permutation_test,
    mantel,
    purity_permutation_test,
)
from tda_widgets.stats.result import TestResult, holm, p_value

__all__ = [
    "DiagramConfidence",
    "FloorAssessment",
    "NoiseFloors",
    "TestResult",
    "cka_permutation_null",
    "confidence_radius",
    "diagram_confidence",
    "diagram_permutation_test",
    "holm",
    "mantel",
    "p_value",
    "purity_permutation_test",
    "significant_mask",
    "split_half_floor",
]
