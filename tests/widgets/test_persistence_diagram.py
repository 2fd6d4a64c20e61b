"""Python-side state of PersistenceDiagramWidget: validation, selection, codec."""

import numpy as np
import pytest
import ripser
import traitlets

from tda_widgets import PersistenceDiagramWidget
from tda_widgets.widgets._codec import array_from_json


@pytest.fixture
def dgms():
    return [np.array([[0.0, 0.2], [0.0, 0.5], [0.0, np.inf]]), np.array([[0.3, 0.9]])]


def test_accepts_ripser_output_directly():
    rng = np.random.default_rng(0)
    t = rng.uniform(0, 2 * np.pi, 60)
    result = ripser.ripser(np.c_[np.cos(t), np.sin(t)])
    from_dict = PersistenceDiagramWidget(result)
    from_list = PersistenceDiagramWidget(result["dgms"])
    assert len(from_dict.diagrams) == 2
    for a, b, c in zip(from_dict.diagrams, from_list.diagrams, result["dgms"], strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, c)
    assert from_dict.visible_dims == [0, 1]


def test_state_is_sent_as_binary_buffers(dgms):
    w = PersistenceDiagramWidget(dgms)
    state = w.get_state()
    sent = state["diagrams"]
    assert [s["shape"] for s in sent] == [[3, 2], [1, 2]]
    assert all(isinstance(s["buffer"], memoryview) for s in sent)
    back = array_from_json({**sent[0], "buffer": bytes(sent[0]["buffer"])})
    assert np.isposinf(back[2, 1])


def test_selection_from_the_view_round_trips(dgms):
    w = PersistenceDiagramWidget(dgms)
    w.set_state({"selected_points": [[1, 0], [0, 2]]})  # as a front-end message would
    assert w.selected_points == [[1, 0], [0, 2]]
    assert w.selected_bars() == [(1, 0, 0.3, 0.9), (0, 2, 0.0, np.inf)]


@pytest.mark.parametrize(
    ("diagrams", "message"),
    [
        (
            [np.zeros((3, 3))],
            r"diagrams\[0\] \(H0\): expected an array of shape \(n, 2\), got shape \(3, 3\)",
        ),
        (
            [np.zeros((2, 2)), np.zeros(4)],
            r"diagrams\[1\] \(H1\): expected an array of shape \(n, 2\), got shape \(4,\)",
        ),
        (
            [np.array([[0.0, 1.0], [np.nan, 1.0]])],
            r"diagrams\[0\] \(H0\) point 1: birth must be finite, got nan",
        ),
        (
            [np.zeros((0, 2)), np.array([[0.5, 0.6], [0.7, 0.2]])],
            r"diagrams\[1\] \(H1\) point 1: death must be >= birth, got birth 0.7 and death 0.2",
        ),
        (
            [np.array([[0.0, np.nan]])],
            r"diagrams\[0\] \(H0\) point 0: death must be a number or inf, got nan",
        ),
        ("circle", r"diagrams: expected a list of \(n, 2\) arrays"),
        ([["a", "b"]], r"diagrams\[0\] \(H0\): expected an \(n, 2\) array of numbers"),
    ],
)
def test_bad_diagrams_raise_value_error_naming_dimension_and_point(diagrams, message):
    with pytest.raises(ValueError, match=message):
        PersistenceDiagramWidget(diagrams)


def test_bad_diagrams_assigned_later_are_rejected_and_state_kept(dgms):
    w = PersistenceDiagramWidget(dgms)
    with pytest.raises(ValueError, match=r"H1\) point 0: death must be >= birth"):
        w.diagrams = [np.zeros((0, 2)), np.array([[2.0, 1.0]])]
    assert len(w.diagrams[0]) == 3


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ([[2, 0]], r"selected_points\[0\]: dimension must be in 0..1, got 2"),
        (
            [[0, 0], [1, 1]],
            r"selected_points\[1\]: index must be in 0..0 for H1 \(1 points\), got 1",
        ),
        ([[0, -1]], r"index must be in 0..2 for H0"),
    ],
)
def test_out_of_range_selection_is_rejected(dgms, selection, message):
    w = PersistenceDiagramWidget(dgms)
    with pytest.raises(ValueError, match=message):
        w.selected_points = selection


def test_malformed_selection_pair_is_a_trait_error(dgms):
    w = PersistenceDiagramWidget(dgms)
    with pytest.raises(traitlets.TraitError):
        w.selected_points = [[0, 1, 2]]


def test_new_diagrams_drop_selections_that_no_longer_exist(dgms):
    w = PersistenceDiagramWidget(dgms, selected_points=[[0, 2], [1, 0]])
    w.diagrams = [np.array([[0.0, 1.0]])]
    assert w.selected_points == []
    assert w.visible_dims == [0]


def test_duplicate_selections_are_merged(dgms):
    w = PersistenceDiagramWidget(dgms)
    w.selected_points = [[0, 1], [0, 1]]
    assert w.selected_points == [[0, 1]]
