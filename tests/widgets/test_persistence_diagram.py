"""Python-side state of PersistenceDiagramWidget: validation, selection, codec."""

import numpy as np
import pytest
import ripser
import traitlets

from tda_widgets import PersistenceDiagramWidget, PointCloud
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


# --- constructors, overlay and generators ---------------------------------------------


def _circle(n=40, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.02, size=(n, 2))


def test_from_cloud_maps_the_loop_back_to_its_images():
    from tda_widgets import PointCloud

    pts = _circle()
    # each point comes from image 100 + i, so the mapping is checked, not the identity
    cloud = PointCloud(
        points=pts.astype(np.float32),
        image_index=np.arange(100, 100 + len(pts)),
        position=np.full((len(pts), 2), -1),
        layer="toy",
    )
    w = PersistenceDiagramWidget.from_cloud(cloud)
    assert w.title == "toy"
    loop = int(np.argmax(w.diagrams[1][:, 1] - w.diagrams[1][:, 0]))
    w.selected_points = [[1, loop]]
    (gen,) = w.selected_generators()
    birth, death = w.diagrams[1][loop]
    assert np.isclose(np.linalg.norm(pts[gen[0]] - pts[gen[1]]), birth, rtol=1e-5)
    assert np.isclose(np.linalg.norm(pts[gen[2]] - pts[gen[3]]), death, rtol=1e-5)
    np.testing.assert_array_equal(w.selected_images, np.unique(100 + gen))


def test_generators_need_diagrams_with_generators(dgms):
    w = PersistenceDiagramWidget(dgms, selected_points=[[0, 0]])
    with pytest.raises(ValueError, match="diagrams: generators are unknown for plain arrays"):
        w.selected_generators()
    with pytest.raises(ValueError, match="cloud: unknown"):
        w.selected_images  # noqa: B018


def test_overlay_sends_both_diagrams_and_the_matching_that_persim_finds():
    import persim

    a = [np.array([[0.0, np.inf], [0.0, 0.5], [0.0, 0.2]]), np.array([[0.2, 1.0], [0.3, 0.4]])]
    b = [np.array([[0.0, np.inf], [0.0, 0.45]]), np.array([[0.25, 1.05]])]
    w = PersistenceDiagramWidget.overlay(a, b, names=("conv1", "conv2"))
    assert w.names == ["conv1", "conv2"]
    assert len(w.compare_diagrams) == 2 and len(w.matching) == 2
    pairs = w.matching[1]
    assert pairs.dtype == np.int32
    # the matching's cost equals persim's Wasserstein distance on H1 (Euclidean ground metric)
    cost = 0.0
    for i, j in pairs:
        p = a[1][i] if i >= 0 else None
        q = b[1][j] if j >= 0 else None
        if p is not None and q is not None:
            cost += np.linalg.norm(p - q)
        else:
            r = p if p is not None else q
            cost += (r[1] - r[0]) / np.sqrt(2)
    assert np.isclose(cost, persim.wasserstein(a[1], b[1]))
    assert sorted(i for i, _ in pairs if i >= 0) == [0, 1]  # every point matched once
    state = w.get_state()
    assert [m["dtype"] for m in state["matching"]] == ["int32", "int32"]


def test_bad_matching_is_rejected(dgms):
    with pytest.raises(
        ValueError, match=r"matching\[1\] row 0: index 5 is not -1 or a row of diagrams\[1\]"
    ):
        PersistenceDiagramWidget(
            dgms, compare_diagrams=dgms, matching=[np.zeros((0, 2), int), np.array([[5, 0]])]
        )
    with pytest.raises(ValueError, match=r"matching\[0\]: expected an \(m, 2\) integer array"):
        PersistenceDiagramWidget(dgms, compare_diagrams=dgms, matching=[np.zeros((2, 2))])
    # set_diagrams(matching=) passes what it is given on: a (k, 4) array is not reshaped
    w = PersistenceDiagramWidget(dgms)
    n = min(len(d) for d in dgms[:2])
    with pytest.raises(ValueError, match=r"matching\[1\]: expected an \(m, 2\) integer array"):
        w.set_diagrams(dgms, compare=dgms, matching=[None, np.zeros((1, 4), int)])
    w.set_diagrams(dgms, compare=dgms, matching=[[], np.c_[np.arange(n), np.arange(n)]])
    assert w.matching[0].shape == (0, 2) and w.matching[1].shape == (n, 2)


def test_mode_is_validated(dgms):
    w = PersistenceDiagramWidget(dgms, mode="barcode")
    assert w.mode == "barcode"
    with pytest.raises(traitlets.TraitError, match="mode"):
        w.mode = "bars"


def test_from_ripser_rejects_other_dicts():
    with pytest.raises(ValueError, match=r"result: expected the dict returned by ripser\.ripser"):
        PersistenceDiagramWidget.from_ripser({"diagrams": []})


def test_subsample_note_says_how_much_of_the_cloud_persistence_used():
    from tda_widgets import PointCloud, persistence_diagrams

    rng = np.random.default_rng(0)
    cloud = PointCloud.from_array(rng.normal(size=(1500, 3)).astype(np.float32), layer="a")
    sub = persistence_diagrams(cloud, maxdim=1, n_perm=1200, subsample="random", seed=3)
    full = persistence_diagrams(cloud, maxdim=0)
    r = sub.params["covering_radius"]
    assert 0 < r < 10
    # independently: r to three significant digits, counts with thousands separators
    digits = f"{r:.{2 - int(np.floor(np.log10(r)))}f}".rstrip("0").rstrip(".")
    w = PersistenceDiagramWidget(sub, cloud=cloud)
    assert w.subsample_note == f"1,200 of 1,500 images, r = {digits}"
    assert w.get_state()["subsample_note"] == w.subsample_note  # synced to the view
    # no subsample, no note; a cloud with several points per image counts points
    assert PersistenceDiagramWidget(full, cloud=cloud).subsample_note == ""
    assert PersistenceDiagramWidget(sub).subsample_note.startswith("1,200 of 1,500 points, ")
    # two diagrams: each note names its layer; set_diagrams follows the new diagrams
    other = persistence_diagrams(cloud, maxdim=1, n_perm=1000, subsample="random", seed=4)
    w.set_diagrams(sub, compare=other, cloud=cloud, names=("a", "b"), match_dims=())
    assert w.subsample_note.split(" · ")[1].startswith("b: 1,000 of 1,500 points, r = ")
    w.set_diagrams(
        sub, compare=other, cloud=cloud, compare_cloud=cloud, names=("a", "b"), match_dims=()
    )
    first, second = w.subsample_note.split(" · ")
    assert first == f"a: 1,200 of 1,500 images, r = {digits}"
    assert second.startswith("b: 1,000 of 1,500 images, r = ")
    w.set_diagrams(full, cloud=cloud, names=("a",))
    assert w.subsample_note == ""


def test_labels_is_a_deprecated_name_of_names():
    """The old trait name (it means class integers everywhere else) warns and still works."""
    a = [np.array([[0.0, 1.0]])]
    b = [np.array([[0.0, 2.0]])]
    msg = r"PersistenceDiagramWidget\.labels is deprecated; use \.names"
    with pytest.warns(FutureWarning, match=msg):
        w = PersistenceDiagramWidget.overlay(a, b, labels=("conv1", "conv2"))
    assert w.names == ["conv1", "conv2"]
    with pytest.warns(FutureWarning, match=msg):
        assert w.labels == ["conv1", "conv2"]
    with pytest.warns(FutureWarning, match=msg):
        w.labels = ["x", "y"]
    assert w.names == ["x", "y"]
    with pytest.warns(FutureWarning, match=msg):
        w.set_diagrams(a, compare=b, labels=("p", "q"))
    assert w.names == ["p", "q"]
    with pytest.warns(FutureWarning, match=msg):
        w2 = PersistenceDiagramWidget(a, labels=["only"])
    assert w2.names == ["only"]
    assert "labels" not in w2.traits(sync=True)
    assert "names" in w2.traits(sync=True)
    with pytest.raises(TypeError, match="got both names= and its old name labels="):
        PersistenceDiagramWidget(a, names=["n"], labels=["l"])
    with pytest.raises(TypeError, match="got both names= and its old name labels="):
        w.set_diagrams(a, compare=b, names=("n", "m"), labels=("p", "q"))


def test_selected_images_is_a_property_and_the_old_call_warns():
    # issue 27.11: a property on the explorer, a method on the views; now a property
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(30, 2))
    cloud = PointCloud(
        points=pts, image_index=np.arange(30) + 100, position=np.full((30, 2), -1), layer="toy"
    )
    w = PersistenceDiagramWidget.from_cloud(cloud)
    w.selected_points = [[0, 0]]
    images = w.selected_images
    assert images.dtype == np.int64 and images.size >= 1
    assert images.min() >= 100
    with pytest.warns(FutureWarning, match=r"selected_images is a property now"):
        called = w.selected_images()
    np.testing.assert_array_equal(called, images)
    assert type(called) is np.ndarray
