"""The exported explorer carries each layer's own evidence: one confidence record per layer
(the one the live explorer draws on that layer's diagram) and the explorer's cached
matching lines of every ordered pair of layers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tda_widgets.analysis
import tda_widgets.topology
from tda_widgets import ActivationExplorer
from tda_widgets.widgets._codec import array_from_json
from tda_widgets.widgets.panels.export_explorer import explorer_state

FIELDS = ("c_alpha", "alpha", "method", "n_boot", "dim")


@pytest.fixture(scope="module")
def ex(tmp_path_factory: pytest.TempPathFactory, small_explorer: Any) -> ActivationExplorer:
    return small_explorer(tmp_path_factory.mktemp("c"), confidence=True, alpha=0.1)


def test_the_export_holds_each_layers_own_confidence_record(ex: ActivationExplorer) -> None:
    ex.matrix.selected_pair = [0, 1]
    records = explorer_state(ex)["confidence"]
    assert len(records) == len(ex.layers)
    for rec, layer in zip(records, ex.layers, strict=True):
        # the evidence panel's alpha (0.1 here), not the function's default
        conf = ex.analysis.diagram_confidence(layer, dim=1, alpha=0.1)
        assert {k: rec[k] for k in FIELDS} == {
            "c_alpha": conf.c_alpha, "alpha": 0.1, "method": conf.method,
            "n_boot": conf.n_boot, "dim": 1,
        }  # fmt: skip
    # what the live diagram draws for any pair is the page's records of those two layers
    for i, j in ((2, 0), (1, 2), (1, 1)):
        ex.matrix.selected_pair = [i, j]
        assert ex.diagram.confidence == [records[k] for k in ([i] if i == j else [i, j])]
    ex.matrix.selected_pair = [0, 1]


def test_with_confidence_sets_off_the_export_holds_none(ex: ActivationExplorer) -> None:
    ex.evidence.confidence_toggle.value = False
    try:
        assert explorer_state(ex)["confidence"] is None
        assert ex.diagram.confidence == []
    finally:
        ex.evidence.confidence_toggle.value = True


def test_the_export_reads_the_explorers_cached_matchings(
    ex: ActivationExplorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    explorer_state(ex)  # computes (and caches) what the live explorer has not shown yet

    def no_assignment(*args: object, **kwargs: object) -> None:
        raise AssertionError("an optimal assignment was computed again")

    monkeypatch.setattr(tda_widgets.topology, "diagram_matching", no_assignment)
    monkeypatch.setattr(tda_widgets.analysis, "diagram_matching", no_assignment)
    matchings = explorer_state(ex)["matchings"]
    n = len(ex.layers)
    assert sorted(matchings) == sorted(f"{i},{j}" for i in range(n) for j in range(n) if i != j)
    for key, lines in matchings.items():
        i, j = (int(v) for v in key.split(","))
        a, b = ex.layers[i], ex.layers[j]
        assert len(lines) == min(len(ex.diagrams[a].dgms), len(ex.diagrams[b].dgms))
        for dim, enc in enumerate(lines):
            pairs = array_from_json(enc)
            if dim in ex.match_dims:  # each order is the analysis's own matching of it
                np.testing.assert_array_equal(pairs, ex.analysis.matching(a, b, dim=dim).pairs)
            else:
                assert pairs.shape == (0, 2)
