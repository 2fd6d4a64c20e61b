"""Mapper purity against label permutation in the views: the Mapper view's legend trait,
the explorer's test of the graph it shows, and the per-layer chart's null band."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis, MapperGraph, MapperGraphWidget
from tda_widgets.stats import TestResult, purity_permutation_test
from tda_widgets.widgets.mapper_graph import purity_evidence


def _graph() -> MapperGraph:
    # two overlapping nodes of 4 images each, one of 3: sizes and overlap fixed
    return MapperGraph(
        member_offsets=np.array([0, 4, 8, 11]),
        members=np.array([0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9]),
        edges=np.array([[0, 1]]),
        edge_weights=np.array([1 / 7]),
        lens_mean=np.array([0.1, 0.5, 0.9]),
    )


LABELS = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2])


def test_widget_shows_the_test_it_is_given_and_python_reads_it_back() -> None:
    g = _graph()
    w = MapperGraphWidget(g, labels=LABELS, class_names=["a", "b", "c"])
    assert w.purity_evidence == {} and w.purity_test is None
    result = purity_permutation_test(g, LABELS, n_permutations=199, seed=3)
    w.set_purity_test(result)
    assert w.purity_test is result
    e = w.purity_evidence
    assert e["statistic"] == pytest.approx(result.statistic)
    assert e["p_value"] == result.p_value and e["mc_se"] == pytest.approx(result.mc_se)
    assert e["n_permutations"] == 199 == result.null.size
    assert (e["null_low"], e["null_high"]) == pytest.approx(result.null_band(0.95))
    assert e["null_mean"] == pytest.approx(result.null.mean())
    assert e["null_low"] <= e["null_mean"] <= e["null_high"]
    assert e["effect"] == pytest.approx(result.effect) and e["alternative"] == "greater"
    # the state the browser receives carries it, as plain JSON
    assert w.get_state()["purity_evidence"] == e
    w.set_purity_test(None)
    assert w.purity_evidence == {} and w.purity_test is None


def test_band_level_and_bad_inputs_are_named() -> None:
    r = TestResult("t", statistic=0.9, null=np.linspace(0.0, 1.0, 101), seed=0)
    half = purity_evidence(r, level=0.5)
    assert (half["null_low"], half["null_high"]) == (pytest.approx(0.25), pytest.approx(0.75))
    with pytest.raises(TypeError, match=r"result: expected a TestResult .* got dict"):
        purity_evidence({"statistic": 0.5})
    with pytest.raises(ValueError, match=r"level: expected a coverage in \(0, 1\), got 1.0"):
        purity_evidence(r, level=1.0)


@pytest.fixture(scope="module")
def ex(tmp_path_factory: pytest.TempPathFactory) -> ActivationExplorer:
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3), torch.nn.ReLU()
    )
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(60, 1, 8, 8, generator=gen)
    labels = torch.randint(0, 3, (60,), generator=gen)
    cache = tmp_path_factory.mktemp("cache")
    analysis = Analysis(model, (images, labels), ["0", "1", "2"], cache_dir=cache, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small graphs: "all points are noise" for some
        return ActivationExplorer(
            analysis, class_names=["a", "b", "c"], mapper_params={"n_intervals": 3}
        )


def _direct(ex: ActivationExplorer, j: int) -> TestResult:
    """The test computed independently, on the graph the explorer shows and the labels."""
    return purity_permutation_test(
        ex.mapper.graph, ex.clouds[j].labels, n_permutations=ex.n_permutations, seed=0
    )


def _same(a: TestResult, b: TestResult) -> None:
    assert a.statistic == b.statistic
    np.testing.assert_array_equal(a.null, b.null)
    assert a.p_value == b.p_value


def test_explorer_purity_test_is_the_direct_test_of_the_graph_shown(ex) -> None:
    j = ex.pair[1]
    t = ex.purity_test
    assert isinstance(t, TestResult) and t.n_permutations == 999
    _same(t, _direct(ex, j))
    assert 0.0 < t.p_value <= 1.0
    assert ex.mapper.purity_evidence["p_value"] == t.p_value


def test_layer_and_parameters_change_the_test(ex) -> None:
    before = ex.purity_test
    ex.layer_picker.value = 2
    assert ex.mapper.title == "Mapper of 2"
    _same(ex.purity_test, _direct(ex, 2))
    assert ex.purity_test is not before
    states: list[bool] = []
    slot = ex.mapper_slot
    original = ex.purity_test_of

    def spy(layer: str):
        states.append("tdaw-busy" in slot._dom_classes)
        return original(layer)

    ex.purity_test_of = spy  # type: ignore[method-assign]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ex.n_intervals.value = 4
    finally:
        del ex.purity_test_of
    assert states and all(states)  # computed while the Mapper view says "Computing…"
    assert "tdaw-busy" not in slot._dom_classes
    _same(ex.purity_test, _direct(ex, 2))


def test_per_layer_chart_draws_each_layers_observed_purity_over_its_null_band(ex) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ex.summary.statistic.value = "purity"
    tests = [ex.purity_test_of(layer) for layer in ex.layers]
    np.testing.assert_array_equal(ex.summary.points.y, [t.statistic for t in tests])
    band = np.array([t.null_band(0.95) for t in tests]).T
    np.testing.assert_allclose(ex.summary.band.y, band)
    assert ex.summary.band.visible
    assert (band[0] <= band[1]).all()
    note = ex.summary.band_note.value
    assert "2.5&ndash;97.5 %" in note and "B = 999" in note and "graph" in note
    # new parameters: the chart follows them (not the values of the old graphs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ex.n_intervals.value = 2
    now = [ex.purity_test_of(layer) for layer in ex.layers]
    np.testing.assert_array_equal(ex.summary.points.y, [t.statistic for t in now])
    ex.summary.statistic.value = "bars"
    assert not ex.summary.band.visible and ex.summary.band_note.layout.display == "none"


def test_a_graph_without_nodes_shows_no_test(ex, monkeypatch) -> None:
    # every point noise: the Mapper view says "no nodes" and there is no purity to test
    empty = MapperGraph(
        member_offsets=np.array([0]),
        members=np.zeros(0, np.int64),
        edges=np.zeros((0, 2), np.int64),
        edge_weights=np.zeros(0),
        lens_mean=np.zeros(0),
    )
    monkeypatch.setattr(ex, "graph", lambda layer: empty)
    ex.summary.statistic.value = "bars"
    ex.n_intervals.value = 7  # parameters not computed before in this module
    assert ex.mapper.graph.n_nodes == 0
    assert ex.purity_test is None and ex.mapper.purity_evidence == {}
