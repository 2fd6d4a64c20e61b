"""Widget state of MapperGraphWidget: linked selections, detail panel, thumbnails, validation."""

import io

import numpy as np
import pytest
import traitlets

from tda_widgets import MapperGraph, MapperGraphWidget
from tda_widgets.widgets._codec import array_from_json


def make_graph(with_counts=True):
    # nodes: 0 = {0,1,2}, 1 = {2,3}, 2 = {3,4}, 3 = {5}
    return MapperGraph(
        member_offsets=np.array([0, 3, 5, 7, 8]),
        members=np.array([0, 1, 2, 2, 3, 3, 4, 5]),
        edges=np.array([[0, 1], [1, 2]]),
        edge_weights=np.array([0.25, 1 / 3]),
        lens_mean=np.array([0.1, 0.4, 0.7, 0.9]),
        class_counts=np.array([[3, 0], [1, 1], [0, 2], [1, 0]]) if with_counts else None,
    )


LABELS = np.array([0, 0, 0, 1, 1, 0])


def test_traits_are_binary_and_classes_give_pies():
    w = MapperGraphWidget(make_graph(), class_names=["cat", "dog"])
    assert w.color_mode == "classes"
    state = w.get_state()
    for name in ("sizes", "edges", "edge_weights", "class_counts"):
        assert isinstance(state[name]["buffer"], memoryview), name
    np.testing.assert_array_equal(array_from_json(state["sizes"]), [3, 2, 2, 1])
    assert w.positions is None


def test_selected_nodes_and_indices_follow_each_other():
    w = MapperGraphWidget(make_graph(), class_names=["cat", "dog"])
    w.selected_nodes = [1, 2]
    np.testing.assert_array_equal(w.selected_indices, [2, 3, 4])
    assert w.detail == {
        "nodes": 2,
        "points": 3,
        "classes": [["dog", 3], ["cat", 1]],  # node counts summed: point 3 counts twice
        "exact": False,
        "images": 0,
        "filter": "",  # no class filter: all classes counted
    }
    w.selected_indices = np.array([5, 0])
    assert w.selected_nodes == [0, 3]
    np.testing.assert_array_equal(w.selected_indices, [0, 5])  # kept as given, sorted
    w.selected_nodes = []
    assert w.selected_indices.size == 0 and w.detail["nodes"] == 0


def test_labels_give_exact_breakdown_and_class_counts():
    w = MapperGraphWidget(make_graph(with_counts=False), labels=LABELS, class_names=["cat", "dog"])
    np.testing.assert_array_equal(w.class_counts, [[3, 0], [1, 1], [0, 2], [1, 0]])
    w.selected_nodes = [1, 2]
    assert w.detail["classes"] == [["dog", 2], ["cat", 1]] and w.detail["exact"] is True
    np.testing.assert_array_equal(w.selected_labels(), [0, 1, 1])


def test_thumbnails_are_a_png_sprite_of_at_most_n_images():
    from PIL import Image

    images = np.random.default_rng(0).random((6, 3, 8, 10))  # channel-first floats
    w = MapperGraphWidget(make_graph(), images=images, max_thumbnails=2)
    w.selected_nodes = [0]
    assert w.thumbnail_indices == [0, 1]
    assert w.thumbnail_grid == [8, 10, 2]
    sheet = np.asarray(Image.open(io.BytesIO(w.thumbnails)))
    assert sheet.shape == (8, 20, 3)
    np.testing.assert_array_equal(sheet[:, 10:], np.round(np.moveaxis(images[1], 0, -1) * 255))
    assert w.detail["images"] == 3
    w.max_thumbnails = 10  # what the "more" button does
    assert w.thumbnail_indices == [0, 1, 2]
    assert w.selected_image_pixels().shape == (3, 8, 10, 3)
    assert w.selected_image_indices().tolist() == [0, 1, 2]
    with pytest.warns(FutureWarning, match=r"selected_images\(\) is deprecated; use selected_"):
        np.testing.assert_array_equal(w.selected_images(), w.selected_image_pixels())


def test_image_index_maps_points_to_images():
    images = np.zeros((3, 4, 4), dtype=np.uint8)
    w = MapperGraphWidget(make_graph(), images=images, image_index=[0, 0, 1, 1, 2, 2])
    w.selected_nodes = [1]
    assert w.thumbnail_indices == [1]


def test_colour_by_values():
    g = make_graph(with_counts=False)
    w = MapperGraphWidget(g)
    assert w.color_mode == "values" and w.value_name == "lens (mean)"
    np.testing.assert_array_equal(w.node_values, g.lens_mean)
    w = MapperGraphWidget(g, point_values=np.arange(6.0), value_name="norm")
    np.testing.assert_allclose(w.node_values, [1.0, 2.5, 3.5, 5.0])
    w = MapperGraphWidget(make_graph(), color_by="purity")
    np.testing.assert_allclose(w.node_values, [1.0, 0.5, 1.0, 1.0])
    assert w.color_mode == "values"


def test_positions_round_trip():
    pos = np.arange(8.0).reshape(4, 2)
    w = MapperGraphWidget(make_graph(), positions=pos)
    np.testing.assert_array_equal(array_from_json(w.get_state()["positions"]), pos)
    w.positions = None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"class_names": ["cat"]}, r"class_names: expected 2 names \(one per class\), got 1"),
        # more names than the graph's classes are fine (the labels' declared range:
        # tests/test_safety_round3.py); fewer are not
        ({"labels": [0, 1]}, r"labels: expected one label per cloud point \(6 or more"),
        (
            {"images": np.zeros((2, 4, 4))},
            r"image_index\[2\]: no image 2 \(expected 0 <= image < 2\)",
        ),
        ({"images": np.zeros((6, 4))}, r"images: expected shape \(n, h, w\)"),
        ({"color_by": "rainbow"}, r"color_by: expected one of"),
        ({"node_values": [1.0, 2.0]}, r"node_values: expected shape \(4\), got shape \(2,\)"),
        (
            {"positions": np.zeros((3, 2))},
            r"positions: expected shape \(4, 2\), got shape \(3, 2\)",
        ),
        ({"selected_nodes": [9]}, r"selected_nodes\[0\]: no node 9 \(expected 0 <= node < 4\)"),
    ],
)
def test_bad_input_raises_clear_errors(kwargs, message):
    with pytest.raises((ValueError, traitlets.TraitError), match=message):
        MapperGraphWidget(make_graph(), **kwargs)


def test_unknown_ids_and_bad_graphs():
    w = MapperGraphWidget(make_graph())
    with pytest.raises(ValueError, match=r"selected_nodes\[1\]: no node 4"):
        w.selected_nodes = [0, 4]
    with pytest.raises(
        ValueError, match=r"selected_indices\[0\]: no point 6 \(expected 0 <= point < 6\)"
    ):
        w.selected_indices = [6]
    with pytest.raises(ValueError, match=r"selected_indices: expected integers"):
        w.selected_indices = [0.5]
    with pytest.raises(ValueError, match=r"positions: expected finite values"):
        w.positions = np.full((4, 2), np.nan)
    with pytest.raises(traitlets.TraitError):
        w.edge_threshold = 1.5
    g = make_graph()
    bad = MapperGraph(g.member_offsets, g.members, np.array([[0, 7]]), np.array([0.5]), g.lens_mean)
    with pytest.raises(ValueError, match=r"graph.edges\[0\] = \[0, 7\]: unknown node id"):
        MapperGraphWidget(bad)
    bad = MapperGraph(g.member_offsets, g.members, g.edges, np.array([0.5]), g.lens_mean)
    with pytest.raises(ValueError, match=r"graph.edge_weights: expected shape \(2\)"):
        MapperGraphWidget(bad)
    with pytest.raises(TypeError, match=r"graph: expected a MapperGraph, got dict"):
        MapperGraphWidget({})


def test_empty_graph():
    g = MapperGraph(
        member_offsets=np.array([0]),
        members=np.zeros(0, dtype=np.int64),
        edges=np.zeros((0, 2), dtype=np.int64),
        edge_weights=np.zeros(0),
        lens_mean=np.zeros(0),
    )
    w = MapperGraphWidget(g)
    assert w.sizes.shape == (0,) and w.detail["nodes"] == 0


def test_graph_from_kmapper_shape():
    """A graph built by hand from kmapper's output dict converts and displays."""
    km = pytest.importorskip("kmapper")
    from sklearn.cluster import DBSCAN

    rng = np.random.default_rng(0)
    t = rng.uniform(0, 2 * np.pi, 200)
    x = np.c_[np.cos(t), np.sin(t)] + 0.02 * rng.normal(size=(200, 2))
    mapper = km.KeplerMapper(verbose=0)
    out = mapper.map(x[:, :1], x, clusterer=DBSCAN(eps=0.3, min_samples=3), cover=km.Cover(6, 0.3))
    names = sorted(out["nodes"])
    sets = [np.array(out["nodes"][k]) for k in names]
    offsets = np.r_[0, np.cumsum([len(s) for s in sets])]
    edges, weights = [], []
    for a, targets in out["links"].items():
        for b in targets:
            i, j = names.index(a), names.index(b)
            sa, sb = set(sets[i]), set(sets[j])
            edges.append([i, j])
            weights.append(len(sa & sb) / len(sa | sb))
    g = MapperGraph(
        member_offsets=offsets,
        members=np.concatenate(sets),
        edges=np.array(edges).reshape(-1, 2),
        edge_weights=np.array(weights),
        lens_mean=np.array([x[s, 0].mean() for s in sets]),
    )
    w = MapperGraphWidget(g, labels=(x[:, 1] > 0).astype(int), class_names=["lower", "upper"])
    w.selected_nodes = [0]
    assert set(w.selected_indices.tolist()) == set(sets[0].tolist())
