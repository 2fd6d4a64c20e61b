"""The explorer's evidence from Python: confidence sets of the two layers shown, noise
floors behind one toggle, both computed through the Analysis and read back."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tda_widgets import ActivationExplorer
from tda_widgets.widgets._busy import BUSY_CLASS


@pytest.fixture(scope="module")
def ex(tmp_path_factory: pytest.TempPathFactory, small_explorer: Any) -> ActivationExplorer:
    return small_explorer(tmp_path_factory.mktemp("c"), confidence=True)


def test_the_two_layers_shown_get_their_confidence_sets(ex: ActivationExplorer) -> None:
    ex.matrix.selected_pair = [0, 2]
    shown = ex.diagram_confidence
    assert list(shown) == ["0", "2"]
    for k, layer in enumerate(shown):
        conf = ex.analysis.diagram_confidence(layer, dim=1, alpha=0.05)
        assert conf.c_alpha == shown[layer].c_alpha
        assert ex.diagram.confidence[k]["c_alpha"] == conf.c_alpha
        np.testing.assert_array_equal(ex.diagram.significant[k], conf.significant)
    assert ex.selection.n_significant == tuple(c.n_significant for c in shown.values())
    # one layer against itself: one diagram, one confidence set
    ex.matrix.selected_pair = [1, 1]
    assert list(ex.diagram_confidence) == ["1"] and len(ex.diagram.confidence) == 1


def test_the_confidence_toggle_clears_and_restores_them(ex: ActivationExplorer) -> None:
    ex.matrix.selected_pair = [0, 1]
    ex.evidence.confidence_toggle.value = False
    assert ex.diagram.confidence == [] and ex.diagram_confidence == {}
    assert ex.selection.n_significant == ()
    ex.evidence.confidence_toggle.value = True
    assert [r["c_alpha"] for r in ex.diagram.confidence] == [
        c.c_alpha for c in ex.diagram_confidence.values()
    ]
    assert BUSY_CLASS not in ex.diagram_slot._dom_classes


def test_noise_floors_mark_the_matrix_after_one_click(ex: ActivationExplorer) -> None:
    ex.matrix.selected_pair = [0, 1]
    ex.matrix.show_second = False
    assert ex.noise_floor_assessment is None and ex.selection.cell_evidence is None
    ex.evidence.noise_toggle.value = True
    a = ex.noise_floor_assessment
    expected = ex.analysis.noise_floors("sliced_wasserstein", dim=1).assess(
        ex.analysis.distance_matrix(metric="sliced_wasserstein", dim=1), alpha=0.05
    )
    np.testing.assert_array_equal(a.within_noise, expected.within_noise)
    np.testing.assert_array_equal(ex.matrix.within_noise, expected.within_noise)
    assert ex.selection.cell_evidence == ex.matrix.cell_evidence(0, 1)
    assert ex.selection.cell_evidence.startswith("distance = ")
    assert BUSY_CLASS not in ex.evidence.matrix_slot._dom_classes
    # 1 - CKA: its own marks, from CKA's shuffle null, with the floor on the distance scale
    ex.matrix.show_second = True
    cka = ex.analysis.noise_floors("cka").assess(ex.analysis.cka_matrix(), alpha=0.05)
    np.testing.assert_array_equal(ex.matrix.within_noise, cka.within_noise)
    np.testing.assert_allclose(ex.noise_floor_assessment.floor, 1 - cka.floor)
    ex.matrix.show_second = False
    ex.evidence.noise_toggle.value = False
    assert ex.matrix.noise == [] and ex.noise_floor_assessment is None
