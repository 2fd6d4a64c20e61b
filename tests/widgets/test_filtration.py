"""Python-side state of FiltrationWidget: edge list, projection, validation, round trips."""

import numpy as np
import pytest
from scipy.spatial.distance import pdist
from sklearn.decomposition import PCA

from tda_widgets import FiltrationWidget, PointCloud, persistence_diagrams
from tda_widgets.widgets._codec import array_from_json


@pytest.fixture
def circle():
    rng = np.random.default_rng(3)
    t = rng.uniform(0, 2 * np.pi, 40)
    return np.c_[np.cos(t), np.sin(t)] + 0.05 * rng.standard_normal((40, 2))


def test_edges_are_every_pair_up_to_max_radius_sorted_by_length(circle):
    w = FiltrationWidget(circle)
    d = pdist(circle)
    assert len(w.edges) == int((d <= w.max_radius).sum())
    assert np.all(np.diff(w.edge_lengths) >= 0)
    i, j = w.edges.T
    np.testing.assert_allclose(
        w.edge_lengths, np.linalg.norm(circle[i] - circle[j], axis=1), rtol=1e-6
    )
    for r in (0.0, 0.2, 0.45, 1.0):
        assert len(w.edges_at(r)) == int((d <= r).sum())


def test_state_is_sent_as_binary_buffers(circle):
    state = FiltrationWidget(circle).get_state()
    for key in ("points", "xy", "edges", "edge_lengths"):
        assert isinstance(state[key]["buffer"], memoryview), key
    assert state["edges"]["dtype"] == "int32"
    assert state["edge_lengths"]["dtype"] == "float32"
    assert [g["shape"][1] for g in state["generators"]] == [4, 4]
    back = array_from_json(
        {**state["diagrams"][0], "buffer": bytes(state["diagrams"][0]["buffer"])}
    )
    assert np.isposinf(back[:, 1]).sum() == 1


def test_diagrams_and_generators_are_persistence_diagrams_of_the_points(circle):
    w = FiltrationWidget(circle)
    ref = persistence_diagrams(circle)
    for k in (0, 1):
        np.testing.assert_array_equal(w.diagrams[k], ref[k])
        np.testing.assert_array_equal(w.generators[k], ref.generators[k])


def test_a_bar_is_born_exactly_when_its_birth_edge_appears(circle):
    w = FiltrationWidget(circle)
    loop = int(np.argmax(w.diagrams[1][:, 1] - w.diagrams[1][:, 0]))
    birth, death = w.bar(1, loop)
    a, b, _, _ = w.generators[1][loop]
    at_birth = {tuple(sorted(e)) for e in w.edges_at(birth).tolist()}
    assert (min(a, b), max(a, b)) in at_birth
    assert len(w.edges_at(np.nextafter(birth, 0))) < len(at_birth)
    assert w.bars_alive(birth)[1] >= 1
    assert birth < death <= w.max_radius


def test_view_changes_round_trip(circle):
    w = FiltrationWidget(circle)
    w.set_state({"radius": 0.4, "selected_bar": [1, 0]})  # as the front-end sends them
    assert w.radius == 0.4
    assert w.selected_bar == [1, 0]
    assert set(w.selected_generator().tolist()) <= set(range(len(circle)))
    w.selected_bar = []
    assert w.selected_generator().size == 0


def test_higher_dimensional_clouds_are_projected_but_filtered_in_full():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 5)) * [3, 2, 0.1, 0.1, 0.1]
    w = FiltrationWidget(x)
    assert w.xy.shape == (50, 2)
    assert "PCA projection of 5-D points" in w.projection
    assert "all 5 dimensions" in w.projection
    assert w.show_balls is False  # discs in a projection would overlap before edges appear
    d = pdist(x)
    assert len(w.edges_at(1.0)) == int((d <= 1.0).sum())
    # the first two principal components (up to sign), as scikit-learn computes them
    ref = PCA(2).fit_transform(x.astype(np.float32).astype(np.float64))
    np.testing.assert_allclose(np.abs(w.xy), np.abs(ref), atol=1e-6)
    flat = FiltrationWidget(x[:, :2])
    assert flat.projection == ""
    np.testing.assert_allclose(flat.xy, x[:, :2], rtol=1e-6)


def test_point_cloud_and_options():
    cloud = PointCloud.from_array(np.eye(3)[:, :2] * 2, layer="layer1")
    w = FiltrationWidget(cloud, radius=0.5, max_radius=4.0, max_edges=2)
    assert (w.title, w.radius, w.max_radius, w.max_edges) == ("layer1", 0.5, 4.0, 2)
    assert len(w.edges) == 3


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (np.zeros(5), r"points: expected an \(n, d\) array, got shape \(5,\)"),
        (np.zeros((5, 1)), r"points: expected an \(n, d\) array with d >= 2, got shape \(5, 1\)"),
        ([[0.0, np.nan]], r"points: expected finite values, got nan at row 0, column 1"),
        (np.zeros((1001, 2)), r"points: expected 1 to 1000 points, got 1001; subsample"),
        (np.zeros((0, 2)), r"points: expected 1 to 1000 points, got 0"),
    ],
)
def test_bad_points_are_named(points, message):
    with pytest.raises(ValueError, match=message):
        FiltrationWidget(points)


def test_bad_radius_and_selection_are_named(circle):
    w = FiltrationWidget(circle)
    with pytest.raises(ValueError, match=r"radius: expected a number >= 0, got -0.1"):
        w.radius = -0.1
    with pytest.raises(ValueError, match=r"radius: expected a number >= 0, got nan"):
        w.radius = float("nan")
    with pytest.raises(ValueError, match=r"radius: expected at most max_radius = .*, got 100"):
        w.radius = 100
    with pytest.raises(ValueError, match=r"radius: expected at most max_radius"):
        FiltrationWidget(circle, radius=50)
    with pytest.raises(ValueError, match=r"max_radius: expected a number >= 0, got -1"):
        FiltrationWidget(circle, max_radius=-1)
    n1 = len(w.diagrams[1])
    with pytest.raises(
        ValueError,
        match=rf"selected_bar: index must be in 0..{n1 - 1} for H1 \({n1} bars\), got 99",
    ):
        w.selected_bar = [1, 99]
    with pytest.raises(ValueError, match=r"selected_bar: dim must be in 0..1, got 2"):
        w.selected_bar = [2, 0]
    with pytest.raises(Exception, match=r"selected_bar"):
        w.selected_bar = [1, 0, 0]
    assert w.radius == 0.0 and w.selected_bar == []


def test_single_point():
    w = FiltrationWidget([[1.0, 2.0]])
    assert w.edges.shape == (0, 2)
    assert w.max_radius == 1.0
    assert w.bars_alive(0.5) == [1, 0]
