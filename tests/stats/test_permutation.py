"""Mapper purity and diagram-group permutation tests."""

import numpy as np
import pytest
from scipy import stats

from tda_widgets import MapperGraph, graph_measures, mapper_graph, persistence_diagrams
from tda_widgets.stats import diagram_permutation_test, purity_permutation_test


def _blobs(n_per, seed):
    rng = np.random.default_rng(seed)
    centres = np.array([[0, 0], [6, 0], [0, 6], [6, 6.0]])
    x = np.concatenate([c + rng.normal(size=(n_per, 2)) for c in centres])
    return x, np.repeat(np.arange(4), n_per)


def test_observed_purity_equals_graph_measures_and_separated_classes_are_significant():
    x, y = _blobs(60, 0)
    g = mapper_graph(x, labels=y, n_intervals=6, overlap=0.3, progress=False)
    r = purity_permutation_test(g, y, n_permutations=199, seed=1)
    assert r.statistic == pytest.approx(graph_measures(g)["mean_purity"])
    w = purity_permutation_test(g, y, statistic="weighted_purity", n_permutations=99)
    assert w.statistic == pytest.approx(graph_measures(g)["weighted_purity"])
    assert r.p_value == pytest.approx(1 / 200) and r.effect > 5
    assert "labels permuted over 240 images" in r.method


def test_the_null_keeps_the_graph_and_counts_an_image_once_per_node():
    # two nodes sharing images 2 and 3: a permutation moves labels of images, not memberships
    g = MapperGraph(
        member_offsets=np.array([0, 4, 8]),
        members=np.array([0, 1, 2, 3, 2, 3, 4, 5]),
        edges=np.array([[0, 1]]),
        edge_weights=np.array([0.5]),
        lens_mean=np.zeros(2),
    )
    r = purity_permutation_test(g, np.array([0, 0, 0, 0, 1, 1]), n_permutations=500, seed=0)
    assert r.statistic == pytest.approx((1.0 + 0.5) / 2)
    # every null value is a mean of two node purities, each a multiple of 1/4 in [1/2, 1]
    assert set(np.round(r.null * 8).astype(int)) <= {4, 5, 6, 7, 8}


def test_purity_p_values_are_uniform_when_labels_are_noise():
    x, _ = _blobs(30, 2)
    g = mapper_graph(x, n_intervals=5, overlap=0.3, progress=False)
    rng = np.random.default_rng(3)
    ps = [
        purity_permutation_test(
            g, rng.integers(0, 3, x.shape[0]), n_permutations=99, seed=i
        ).p_value
        for i in range(100)
    ]
    assert stats.kstest(ps, "uniform").statistic < 0.16


def test_purity_errors_name_the_argument():
    x, y = _blobs(10, 0)
    g = mapper_graph(x, n_intervals=3, progress=False)
    with pytest.raises(ValueError, match="labels: expected one label per point"):
        purity_permutation_test(g, y[:5])
    with pytest.raises(TypeError, match="labels"):
        purity_permutation_test(g, y.astype(float))
    with pytest.raises(TypeError, match="graph"):
        purity_permutation_test(x, y)
    with pytest.raises(ValueError, match="statistic"):
        purity_permutation_test(g, y, statistic="purity")


def _ring(radius, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, 60)
    return radius * np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.05, size=(60, 2))


def test_groups_of_diagrams_that_differ_are_found_and_equal_groups_are_not():
    small = [persistence_diagrams(_ring(1.0, s)) for s in range(6)]
    large = [persistence_diagrams(_ring(2.0, s + 10)) for s in range(6)]
    more_small = [persistence_diagrams(_ring(1.0, s + 20)) for s in range(6)]
    differ = diagram_permutation_test([small, large], n_permutations=199, seed=0)
    same = diagram_permutation_test([small, more_small], n_permutations=199, seed=0)
    assert differ.alternative == "less"
    assert differ.p_value <= 0.05 < same.p_value
    raw = diagram_permutation_test(
        [[d[1] for d in small], [d[1] for d in large]], n_permutations=99
    )
    assert raw.statistic == pytest.approx(differ.statistic)


def test_diagram_groups_errors():
    with pytest.raises(ValueError, match="groups"):
        diagram_permutation_test([[np.zeros((0, 2))]])
    with pytest.raises(ValueError, match=r"groups\[1\]"):
        diagram_permutation_test([[np.zeros((0, 2))] * 2, [np.zeros((0, 2))]])
