"""Mapper graphs against kmapper; class counts; graph measures."""

from __future__ import annotations

import kmapper as km
import numpy as np
import pytest
from sklearn.cluster import DBSCAN

from tda_widgets import PointCloud
from tda_widgets.topology import compute_lens, elbow_eps, graph_measures, mapper_graph


def _circle(n: int = 300, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    return (np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.02, size=(n, 2))).astype(np.float32)


def _kmapper_nodes(x, lens, n_cubes, overlap, clusterer):
    graph = km.KeplerMapper(verbose=0).map(
        lens, x, clusterer=clusterer, cover=km.Cover(n_cubes=n_cubes, perc_overlap=overlap)
    )
    return graph


@pytest.mark.parametrize(
    ("lens", "n_cubes", "overlap", "eps"),
    [("l2norm", 10, 0.5, None), ("pca", 8, 0.3, 1.5), ("coord", 6, 0.25, 1.7)],
)
def test_nodes_and_edges_equal_kmapper(lens, n_cubes, overlap, eps) -> None:
    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(size=(150, 5)), rng.normal(loc=3.0, size=(100, 5))].astype(np.float32)
    lens_arg = x[:, 0] if lens == "coord" else lens
    eps = elbow_eps(x) if eps is None else eps
    ours = mapper_graph(
        x,
        lens=lens_arg,
        n_intervals=n_cubes,
        overlap=overlap,
        clusterer=DBSCAN(eps=eps, min_samples=5),
    )
    lens_values = compute_lens(x.astype(np.float64), lens_arg)
    ref = _kmapper_nodes(x, lens_values, n_cubes, overlap, DBSCAN(eps=eps, min_samples=5))
    ref_nodes = list(ref["nodes"].values())
    assert ours.n_nodes == len(ref_nodes) > 3
    for k, members in enumerate(ref_nodes):
        assert ours.node_members(k).tolist() == sorted(members)
    ids = list(ref["nodes"])
    ref_edges = {
        tuple(sorted((ids.index(a), ids.index(b)))) for a, bs in ref["links"].items() for b in bs
    }
    assert {tuple(e) for e in ours.edges.tolist()} == ref_edges
    for (a, b), w in zip(ours.edges, ours.edge_weights, strict=True):
        sa, sb = set(ours.node_members(a).tolist()), set(ours.node_members(b).tolist())
        assert w == pytest.approx(len(sa & sb) / len(sa | sb))


def test_default_clusterer_uses_elbow_eps_and_class_counts() -> None:
    rng = np.random.default_rng(2)
    x = np.r_[rng.normal(size=(120, 3)), rng.normal(loc=4.0, size=(120, 3))]
    labels = np.r_[np.zeros(120, int), np.ones(120, int)]
    cloud = PointCloud.from_array(x, labels=labels, layer="toy")
    g = mapper_graph(cloud, n_intervals=5)
    assert g.params["eps"] == elbow_eps(x)
    assert g.layer == "toy"
    assert g.class_counts is not None and g.class_counts.shape == (g.n_nodes, 2)
    np.testing.assert_array_equal(g.class_counts.sum(axis=1), g.node_sizes)
    for k in range(g.n_nodes):
        np.testing.assert_array_equal(
            g.class_counts[k], np.bincount(labels[g.node_members(k)], minlength=2)
        )
    lens = np.linalg.norm(x, axis=1)
    for k in range(g.n_nodes):
        assert g.lens_mean[k] == pytest.approx(lens[g.node_members(k)].mean())


def test_circle_with_coordinate_lens_has_one_cycle() -> None:
    x = _circle()
    g = mapper_graph(
        x, lens=x[:, 0], n_intervals=8, overlap=0.5, clusterer=DBSCAN(eps=0.25, min_samples=3)
    )
    m = graph_measures(g)
    assert m["components"] == 1
    assert m["cycles"] == 1
    assert m["leaves"] == 0


def test_graph_measures_with_classes() -> None:
    rng = np.random.default_rng(4)
    x = np.r_[rng.normal(size=(100, 2)), rng.normal(loc=10.0, size=(100, 2))]
    labels = np.r_[np.zeros(100, int), np.ones(100, int)]
    g = mapper_graph(
        x,
        lens=x[:, 0],
        n_intervals=6,
        overlap=0.3,
        labels=labels,
        clusterer=DBSCAN(eps=1.0, min_samples=3),
    )
    m = graph_measures(g)
    assert m["components"] >= 2  # the two blobs are far apart
    assert m["mean_purity"] == pytest.approx(1.0)
    assert m["mean_entropy"] == pytest.approx(0.0)
    np.testing.assert_allclose(m["class_majority_fraction"], 1.0)
    # mix the labels: purity drops, entropy rises
    mixed = mapper_graph(
        x,
        lens=x[:, 0],
        n_intervals=6,
        overlap=0.3,
        labels=rng.integers(0, 2, 200),
        clusterer=DBSCAN(eps=1.0, min_samples=3),
    )
    mm = graph_measures(mixed)
    assert mm["mean_purity"] < 1.0 and mm["mean_entropy"] > 0.0
    assert m["n_edges"] == len(g.edges) and m["n_nodes"] == g.n_nodes


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lens": "norm"}, "lens"),
        ({"lens": np.zeros(3)}, "lens"),
        ({"n_intervals": 0}, "n_intervals"),
        ({"overlap": 1.5}, "overlap"),
        ({"labels": [0, 1]}, "labels"),
    ],
)
def test_bad_arguments(kwargs, match) -> None:
    with pytest.raises(ValueError, match=match):
        mapper_graph(
            np.random.default_rng(0).normal(size=(20, 2)), clusterer=DBSCAN(eps=0.5), **kwargs
        )
