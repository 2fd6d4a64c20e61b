"""``topology/_dbscan.py`` gives scikit-learn's DBSCAN labels, and Mapper uses it.

The neighbour pairs are checked against scikit-learn's radius search, the labels
against ``DBSCAN.fit_predict`` (ties, duplicates, border points reached by two
clusters), and a Mapper graph built through the fast path against kmapper's.
"""

from __future__ import annotations

import kmapper as km
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import DBSCAN
from sklearn.neighbors import NearestNeighbors

from tda_widgets.topology import _dbscan, mapper
from tda_widgets.topology._dbscan import (
    dbscan_labels,
    nearest_distances,
    principal_basis,
    radius_pairs,
    uses_fast_path,
)


def _classes(n: int, d: int, k: int, seed: int) -> np.ndarray:
    """ReLU'd Gaussian classes, like a late layer's activations."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(k, d)) * 2.0
    return np.maximum(centres[rng.integers(0, k, n)] + rng.normal(size=(n, d)), 0)


def _sklearn_pairs(x: np.ndarray, eps: float) -> set[tuple[int, int]]:
    nb = NearestNeighbors(radius=eps, algorithm="brute").fit(x).radius_neighbors(x)[1]
    return {(i, int(j)) for i, js in enumerate(nb) for j in js if i < j}


CLOUDS = {
    "classes 64-d": (lambda: _classes(700, 64, 6, 0), None),
    "gauss 3-d": (lambda: np.random.default_rng(1).normal(size=(500, 3)), 0.3),
    "duplicates": (lambda: np.repeat(np.random.default_rng(2).normal(size=(150, 8)), 3, 0), 1.5),
    "one point": (lambda: np.zeros((1, 4)), 1.0),
}


@pytest.mark.parametrize("name", CLOUDS)
def test_radius_pairs_equal_sklearn(name: str) -> None:
    make, eps = CLOUDS[name]
    x = make()
    if eps is None:  # a typical DBSCAN eps: the 5th-nearest-neighbour distance's median
        eps = float(np.median(NearestNeighbors(n_neighbors=6).fit(x).kneighbors(x)[0][:, 5]))
    i, j = radius_pairs(x, eps)
    assert np.all(i < j)
    ours = set(zip(i.tolist(), j.tolist(), strict=True))
    assert len(ours) == i.size  # each pair once
    assert ours == _sklearn_pairs(x, eps)


def test_radius_pairs_skip_far_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    """On class-structured data far fewer distances are computed than all pairs."""
    x = _classes(2000, 64, 8, 3)
    computed = []
    real = np.nonzero

    def count(a: np.ndarray) -> tuple[np.ndarray, ...]:
        if a.ndim == 2 and a.dtype == bool:
            computed.append(a.size)
        return real(a)

    monkeypatch.setattr(_dbscan.np, "nonzero", count)
    radius_pairs(x, 8.0)
    assert 0 < sum(computed) < 0.5 * x.shape[0] ** 2


@pytest.mark.parametrize("name", [n for n in CLOUDS if n != "one point"])
@pytest.mark.parametrize("min_samples", [2, 5, 12])
def test_labels_equal_sklearn(name: str, min_samples: int) -> None:
    x = CLOUDS[name][0]()
    # the 8th-neighbour distance of a typical point: some cores, some noise, some borders
    eps = float(np.quantile(NearestNeighbors(n_neighbors=9).fit(x).kneighbors(x)[0][:, 8], 0.6))
    ref = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(x)
    ours = dbscan_labels(x.shape[0], *radius_pairs(x, eps), min_samples)
    assert len(set(ref.tolist())) > 1
    np.testing.assert_array_equal(ours, ref)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 60), st.integers(1, 3)),
        elements=st.integers(0, 6).map(lambda v: v / 10),
    ),
    st.sampled_from([0.1, 0.15, 0.2, 0.3]),
    st.integers(1, 6),
)
def test_labels_equal_sklearn_with_ties(x: np.ndarray, eps: float, min_samples: int) -> None:
    """Points on a 0.1 grid: distances equal to eps up to rounding, duplicates, border
    points between clusters. A pair at eps is decided as scipy's cdist decides it;
    scikit-learn's DBSCAN on cdist's matrix gives the labels to match."""
    from scipy.spatial.distance import cdist

    ref = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit_predict(cdist(x, x))
    np.testing.assert_array_equal(
        dbscan_labels(x.shape[0], *radius_pairs(x, eps), min_samples), ref
    )


def test_a_pair_at_eps_up_to_rounding() -> None:
    """6.5 - 6.4 is 0.0999999999999996: within eps=0.1, as scikit-learn's KD-tree says."""
    x = np.r_[[[6.4, 6.0], [6.5, 6.0]], [[20.0, 20.0]] * 10]
    ref = DBSCAN(eps=0.1, min_samples=2).fit_predict(x)
    assert ref[:2].tolist() == [0, 0]
    np.testing.assert_array_equal(dbscan_labels(12, *radius_pairs(x, 0.1), 2), ref)


def test_fast_path_choice() -> None:
    assert uses_fast_path(DBSCAN(eps=1.0))
    assert uses_fast_path(DBSCAN(eps=1.0, metric="minkowski", p=2))
    assert not uses_fast_path(DBSCAN(eps=1.0, metric="manhattan"))
    assert not uses_fast_path(DBSCAN(eps=1.0, metric="minkowski", p=1))
    assert not uses_fast_path(DBSCAN(eps=1.0, metric="minkowski", p=None))
    assert not uses_fast_path(type("MyDBSCAN", (DBSCAN,), {})(eps=1.0))
    # what scikit-learn would refuse is left to it
    for bad in ({"eps": 0.0}, {"eps": -3.0}, {"min_samples": 0}, {"min_samples": 5.5}):
        assert not uses_fast_path(DBSCAN(**bad))


def test_invalid_dbscan_parameters_raise_sklearns_error() -> None:
    from sklearn.utils._param_validation import InvalidParameterError

    x = np.random.default_rng(0).normal(size=(60, 3))
    with pytest.raises(InvalidParameterError, match="eps"):
        mapper.mapper_graph(x, clusterer=DBSCAN(eps=-3.0))


def test_principal_basis_is_orthonormal() -> None:
    centre, v = principal_basis(_classes(300, 40, 4, 5))
    assert centre.shape == (40,) and v.shape == (40, 16)
    np.testing.assert_allclose(v.T @ v, np.eye(16), atol=1e-12)


def test_mapper_fast_path_equals_kmapper(monkeypatch: pytest.MonkeyPatch) -> None:
    x = _classes(1500, 128, 5, 6).astype(np.float32)
    lens = np.linalg.norm(x.astype(np.float64), axis=1)
    eps = 11.0

    def refuse(*a: object) -> None:
        raise AssertionError("the plain clusterer ran instead of the fast path")

    monkeypatch.setattr(mapper, "_cluster", refuse)
    ours = mapper.mapper_graph(x, lens=lens, clusterer=DBSCAN(eps=eps, min_samples=5))
    ref = km.KeplerMapper(verbose=0).map(
        lens, x, clusterer=DBSCAN(eps=eps, min_samples=5), cover=km.Cover(10, 0.5)
    )
    ref_nodes = list(ref["nodes"].values())
    assert ours.n_nodes == len(ref_nodes) > 10
    for k, members in enumerate(ref_nodes):
        assert ours.node_members(k).tolist() == sorted(members)


@pytest.mark.parametrize("name", [n for n in CLOUDS if n != "one point"])
def test_nearest_distances_equal_sklearn(name: str) -> None:
    x = CLOUDS[name][0]()
    ref = NearestNeighbors(n_neighbors=2).fit(x).kneighbors(x)[0][:, 1]
    np.testing.assert_allclose(nearest_distances(x), ref, rtol=1e-9, atol=1e-9)


def test_elbow_eps_equals_the_sklearn_rule() -> None:
    """elbow_eps's knee on our distances is the knee on scikit-learn's."""
    from kneed import KneeLocator

    for seed in range(3):
        x = _classes(1200, 96, 6, seed)
        dist = np.sort(NearestNeighbors(n_neighbors=2).fit(x).kneighbors(x)[0][:, 1])[::-1]
        knee = KneeLocator(np.arange(dist.size), dist, curve="convex", direction="decreasing")
        assert mapper.elbow_eps(x) == round(float(knee.knee_y), 3)


def test_far_from_the_origin_pairs_are_decided_exactly() -> None:
    """|x|^2 + |y|^2 - 2 x.y cancels badly for close points with large norms; such
    pairs are decided by the exact sum of squared differences (as scipy's cdist)."""
    from scipy.spatial.distance import cdist

    x = 1000.0 + np.random.default_rng(7).normal(scale=1e-5, size=(300, 32))
    eps = float(np.median(np.sort(cdist(x, x), axis=1)[:, 3]))
    i, j = radius_pairs(x, eps)
    d = cdist(x, x)
    ref = {(a, b) for a, b in zip(*np.nonzero(d <= eps), strict=True) if a < b}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == ref
    np.testing.assert_allclose(nearest_distances(x), np.sort(d, axis=1)[:, 1], rtol=1e-9)
    tree_labels = DBSCAN(eps=eps, min_samples=4, algorithm="ball_tree").fit_predict(x)
    np.testing.assert_array_equal(dbscan_labels(300, i, j, 4), tree_labels)
