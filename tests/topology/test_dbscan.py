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
        elements=st.integers(0, 6).map(float),
    ),
    st.sampled_from([1.0, 1.5, 2.0]),
    st.integers(1, 6),
)
def test_labels_equal_sklearn_with_ties(x: np.ndarray, eps: float, min_samples: int) -> None:
    """Integer points: distances exactly eps, duplicates, border points between clusters."""
    ref = DBSCAN(eps=eps, min_samples=min_samples).fit_predict(x)
    np.testing.assert_array_equal(
        dbscan_labels(x.shape[0], *radius_pairs(x, eps), min_samples), ref
    )


def test_fast_path_choice() -> None:
    assert uses_fast_path(DBSCAN(eps=1.0))
    assert uses_fast_path(DBSCAN(eps=1.0, metric="minkowski", p=2))
    assert not uses_fast_path(DBSCAN(eps=1.0, metric="manhattan"))
    assert not uses_fast_path(DBSCAN(eps=1.0, metric="minkowski", p=1))
    assert not uses_fast_path(type("MyDBSCAN", (DBSCAN,), {})(eps=1.0))


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
