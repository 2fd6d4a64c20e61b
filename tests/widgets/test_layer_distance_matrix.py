"""Widget state of LayerDistanceMatrixWidget: construction, validation, correlation, codec."""

import numpy as np
import pytest
import traitlets

from tda_widgets import DistanceMatrix, LayerDistanceMatrixWidget
from tda_widgets.topology.cka import matrix_correlation
from tda_widgets.widgets._codec import array_from_json

NAMES = ("conv1", "conv2", "conv3", "fc")


@pytest.fixture
def dm():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    return DistanceMatrix(values=d, layers=NAMES, metric="SW(H1)")


def test_from_distance_matrix(dm):
    w = LayerDistanceMatrixWidget(dm, title="t")
    assert w.layers == list(NAMES) and w.columns == list(NAMES)
    assert w.metric == "SW(H1)"
    assert w.values.dtype == np.float64
    assert w.rank_correlation is None and w.values2 is None
    state = w.get_state()
    assert isinstance(state["values"]["buffer"], memoryview)  # binary, not a JSON list
    np.testing.assert_array_equal(array_from_json(state["values"]), dm.values)


def test_second_matrix_and_spearman(dm):
    from scipy.stats import spearmanr

    second = np.sqrt(dm.values) + 0.1 * np.eye(4)
    w = LayerDistanceMatrixWidget(dm, second=second, second_metric="sqrt")
    iu = np.triu_indices(4, 1)
    expected = spearmanr(dm.values[iu], second[iu]).statistic
    assert w.rank_correlation == pytest.approx(expected)
    assert w.rank_correlation == pytest.approx(1.0)  # sqrt keeps the ranks
    w.show_second = True
    w.selected_pair = [0, 3]
    assert w.selected_value() == pytest.approx(second[0, 3])


def test_rank_correlation_undefined_for_constant():
    assert matrix_correlation(np.ones((3, 3)), np.arange(9).reshape(3, 3)) is None
    assert matrix_correlation(np.zeros((2, 2)), np.zeros((2, 2))) is None


def test_plain_array_with_names_and_rectangular():
    w = LayerDistanceMatrixWidget(np.zeros((2, 3)), layers=["a", "b"], columns=["x", "y", "z"])
    assert w.columns == ["x", "y", "z"]
    w.selected_pair = [1, 2]
    assert w.selected_layers() == ("b", "z")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"matrix": np.zeros(3)}, r"matrix: expected a 2-D array, got shape \(3,\)"),
        ({"matrix": np.array([[0, np.nan], [1, 0]])}, r"matrix: expected finite values, got nan"),
        (
            {"matrix": np.array([["a", "b"]])},
            r"matrix: expected a 2-D array of numbers, got dtype <U1",
        ),
        (
            {"matrix": np.zeros((2, 2)), "layers": ["a", "b", "c"]},
            r"layers: expected 2 names \(one per row of the matrix\), got 3",
        ),
        ({"matrix": np.zeros((2, 3))}, r"columns: a 2x3 matrix is not square"),
        (
            {"matrix": np.zeros((2, 2)), "second": np.zeros((3, 3))},
            r"second: expected shape \(2, 2\), got shape \(3, 3\)",
        ),
    ],
)
def test_bad_input_raises_clear_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LayerDistanceMatrixWidget(**kwargs)


def test_second_with_other_layers_is_rejected(dm):
    other = DistanceMatrix(values=dm.values, layers=("a", "b", "c", "d"))
    with pytest.raises(ValueError, match=r"second: its layers \['a', 'b', 'c', 'd'\] differ"):
        LayerDistanceMatrixWidget(dm, second=other)


def test_bad_selections(dm):
    w = LayerDistanceMatrixWidget(dm)
    with pytest.raises(
        ValueError, match=r"selected_pair: expected 0 <= row < 4 and 0 <= column < 4, got \[4, 0\]"
    ):
        w.selected_pair = [4, 0]
    with pytest.raises(traitlets.TraitError):
        w.selected_pair = [0, 1, 2]
    with pytest.raises(ValueError, match=r"show_second: there is no second matrix"):
        w.show_second = True
    with pytest.raises(ValueError, match=r"layers: expected 4 names"):
        w.layers = ["a"]


def test_set_matrix_replaces_data_and_clears_selection(dm):
    w = LayerDistanceMatrixWidget(dm, selected_pair=[3, 3])
    w.set_matrix(DistanceMatrix(values=np.zeros((2, 2)), layers=("x", "y"), metric="CKA"))
    assert w.layers == ["x", "y"] and w.metric == "CKA" and w.selected_pair == []


def test_empty_matrix_is_allowed():
    w = LayerDistanceMatrixWidget(np.zeros((0, 0)))
    assert w.layers == [] and w.selected_layers() is None
