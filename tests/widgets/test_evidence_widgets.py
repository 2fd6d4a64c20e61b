"""The evidence the views draw: confidence sets on PersistenceDiagramWidget, noise floors
on LayerDistanceMatrixWidget (traits, read-back, validation naming the argument)."""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tda_widgets import (
    DistanceMatrix,
    LayerDistanceMatrixWidget,
    NoiseFloors,
    PersistenceDiagramWidget,
    diagram_confidence,
    persistence_diagrams,
)
from tda_widgets.widgets._evidence import noise_from_json, noise_to_json


def _circle(n, seed, scale=1.0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    return scale * np.c_[np.cos(t), np.sin(t)] + rng.normal(0, 0.05, (n, 2))


@pytest.fixture(scope="module")
def circle():
    pts = _circle(200, 0)
    return persistence_diagrams(pts), diagram_confidence(pts, n_boot=20)


def test_set_confidence_sends_the_radius_and_reads_back_the_stats_mask(circle):
    dgms, conf = circle
    w = PersistenceDiagramWidget(dgms)
    w.set_confidence(conf)
    rec = w.get_state()["confidence"][0]
    assert rec == {
        "c_alpha": conf.c_alpha,
        "alpha": conf.alpha,
        "method": conf.method,
        "n_boot": conf.n_boot,
        "dim": 1,
    }
    np.testing.assert_array_equal(w.significant[0], conf.significant)
    assert w.n_significant == [conf.n_significant]
    # a noisy circle: its loop, and only it, is outside the band
    assert conf.n_significant == 1
    w.set_confidence(None)
    assert w.confidence == [] and w.significant == [None] and w.n_significant == [None]


def test_overlay_takes_one_confidence_set_per_layer(circle):
    dgms, conf = circle
    pts2 = _circle(150, 1, scale=1.5)
    dgms2 = persistence_diagrams(pts2)
    conf2 = diagram_confidence(pts2, n_boot=20, seed=1)
    w = PersistenceDiagramWidget.overlay(dgms, dgms2, names=("a", "b"))
    w.set_confidence([conf, conf2])
    assert len(w.significant) == 2
    np.testing.assert_array_equal(w.significant[1], conf2.significant)
    w.set_confidence([None, conf2])
    assert w.significant[0] is None and w.n_significant[1] == conf2.n_significant


def test_set_diagrams_clears_the_confidence_or_sets_new_in_one_update(circle):
    dgms, conf = circle
    w = PersistenceDiagramWidget(dgms)
    w.set_confidence(conf)
    other = persistence_diagrams(_circle(120, 5))
    w.set_diagrams(other)
    assert w.confidence == []
    w.set_diagrams(dgms, confidence=conf)
    assert w.n_significant == [conf.n_significant]


def test_confidence_of_other_points_is_refused_naming_the_argument(circle):
    dgms, conf = circle
    other = persistence_diagrams(_circle(120, 5))
    w = PersistenceDiagramWidget(other)
    with pytest.raises(ValueError, match=r"confidence\[0\]: its H1 diagram \(\d+ points\) is not"):
        w.set_confidence(conf)
    with pytest.raises(
        TypeError, match=r"confidence\[0\]: expected a DiagramConfidence .* got dict"
    ):
        w.set_confidence({"c_alpha": 0.1})
    with pytest.raises(ValueError, match=r"confidence: 2 confidence sets for 1 diagram"):
        PersistenceDiagramWidget(dgms).set_confidence([conf, conf])
    with pytest.raises(ValueError, match=r"confidence\[0\]: c_alpha must be a finite number"):
        bad = SimpleNamespace(**{**_fields(conf), "c_alpha": float("nan")})
        PersistenceDiagramWidget(dgms).set_confidence(bad)
    with pytest.raises(ValueError, match=r"confidence\[0\]: significant\[\d+\] = .* disagrees"):
        flipped = SimpleNamespace(**{**_fields(conf), "significant": ~conf.significant})
        PersistenceDiagramWidget(dgms).set_confidence(flipped)
    # the trait itself: a dimension the diagrams do not have
    with pytest.raises(ValueError, match=r"confidence\[0\]: dim must be a dimension"):
        PersistenceDiagramWidget(dgms).confidence = [{**_fields(conf, record=True), "dim": 4}]


def _fields(conf, record=False):
    out = {k: getattr(conf, k) for k in ("c_alpha", "alpha", "method", "n_boot", "dim")}
    if not record:
        out.update(diagram=conf.diagram, significant=conf.significant)
    return out


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.floats(0, 5), st.floats(0, 3) | st.just(float("inf"))), min_size=0, max_size=30
    ),
    c=st.floats(0, 2),
)
def test_significant_is_death_minus_birth_beyond_twice_the_radius(rows, c):
    h1 = np.array([[b, b + p] for b, p in rows], dtype=np.float64).reshape(-1, 2)
    w = PersistenceDiagramWidget([np.zeros((0, 2)), h1])
    w.confidence = [{"c_alpha": c, "alpha": 0.05, "method": "subsample", "n_boot": 10, "dim": 1}]
    expected = [(d - b) > 2 * c for b, d in h1]
    assert w.significant[0].tolist() == expected
    assert w.n_significant == [sum(expected)]


# -- the matrix -------------------------------------------------------------------------

LAYERS = ("a", "b", "c")


@pytest.fixture
def assessed():
    floors = NoiseFloors(
        LAYERS,
        "sliced_wasserstein",
        1,
        4,
        np.array([[1, 2, 3, 4], [1, 1, 1, 1], [5, 6, 7, 8.0]]),
        0,
    )
    m = DistanceMatrix(
        np.array([[0, 2.5, 9], [2.5, 0, 9], [9, 9, 0.0]]), LAYERS, metric="sliced_wasserstein"
    )
    return m, floors.assess(m, alpha=0.25)


def test_noise_floor_marks_the_assessed_cells_and_crosses_in_binary(assessed):
    m, a = assessed
    w = LayerDistanceMatrixWidget(m, second=m.values / 9, second_metric="1 - CKA")
    w.set_noise_floor(a)
    np.testing.assert_array_equal(w.within_noise, a.within_noise)
    assert w.noise[0]["label"] == a.label
    state = w.get_state()["noise"]
    assert isinstance(state[0]["within_noise"]["buffer"], memoryview)
    back = noise_from_json(noise_to_json(w.noise))
    for key in ("within_noise", "p_values", "floor"):
        np.testing.assert_array_equal(back[0][key], getattr(a, key))
    assert (
        w.cell_evidence(0, 1)
        == f"distance = 2.5, floor = {a.floor[0, 1]:.3g}, p = {a.p_values[0, 1]:.3g}"
    )
    # the toggle: the second matrix has no floor of its own yet
    w.show_second = True
    assert w.within_noise is None and w.cell_evidence(0, 1) is None
    w.set_noise_floor(
        a,
        SimpleNamespace(
            within_noise=~a.within_noise, p_values=a.p_values, floor=a.floor, label="cka"
        ),
    )
    np.testing.assert_array_equal(w.within_noise, ~a.within_noise)
    w.show_second = False
    np.testing.assert_array_equal(w.within_noise, a.within_noise)
    w.set_noise_floor(None)
    assert w.noise == [] and w.within_noise is None


def test_new_values_clear_the_marks(assessed):
    m, a = assessed
    w = LayerDistanceMatrixWidget(m)
    w.set_noise_floor(a)
    w.values = m.values * 2
    assert w.noise == []


def test_bad_noise_floors_are_refused_naming_the_argument(assessed):
    m, a = assessed
    w = LayerDistanceMatrixWidget(m)
    with pytest.raises(TypeError, match=r"first: expected a FloorAssessment .* got ndarray"):
        w.set_noise_floor(np.zeros((3, 3)))
    small = SimpleNamespace(
        within_noise=np.eye(2, dtype=bool), p_values=np.ones((2, 2)), floor=np.ones((2, 2))
    )
    with pytest.raises(
        ValueError, match=r"first: within_noise has shape \(2, 2\), the matrix shown \(3, 3\)"
    ):
        w.set_noise_floor(small)
    with pytest.raises(ValueError, match=r"second: there is no second matrix"):
        w.set_noise_floor(a, a)
    ints = SimpleNamespace(within_noise=np.eye(3, dtype=int), p_values=a.p_values, floor=a.floor)
    with pytest.raises(ValueError, match=r"first: within_noise must be boolean"):
        w.set_noise_floor(ints)
    assert w.noise == []  # nothing half-set
