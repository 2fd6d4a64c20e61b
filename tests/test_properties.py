"""Property-based tests (hypothesis) of the invariants issue 9 lists.

The "ci" profile of ``tests/conftest.py`` runs them derandomised with a bounded number
of examples. Already covered elsewhere, not repeated here: codec round-trips of random
shapes and dtypes (``tests/widgets/test_codec.py``), matrix symmetry and zero diagonal
and agreement with persim (``tests/topology/test_distances.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import cdist
from sklearn.cluster import DBSCAN

from tda_widgets import (
    bottleneck,
    mapper_graph,
    persistence_diagrams,
    sliced_wasserstein,
    wasserstein,
)

# -- strategies ---------------------------------------------------------------------------

coords = st.floats(-10, 10, allow_nan=False, width=32).map(lambda v: round(v, 2))


@st.composite
def clouds(draw: st.DrawFn, min_points: int = 1, max_points: int = 18) -> np.ndarray:
    """Small clouds in 1-3 dimensions; rounded coordinates give duplicates and ties."""
    n = draw(st.integers(min_points, max_points))
    d = draw(st.integers(1, 3))
    return draw(arrays(np.float64, (n, d), elements=coords))


@st.composite
def diagrams(draw: st.DrawFn, max_points: int = 10) -> np.ndarray:
    """A finite persistence diagram: births in [0, 10], persistences in [0, 5]."""
    n = draw(st.integers(0, max_points))
    births = draw(arrays(np.float64, n, elements=st.floats(0, 10)))
    pers = draw(arrays(np.float64, n, elements=st.floats(0, 5)))
    return np.c_[births, births + pers].reshape(-1, 2)


def _pers(d: np.ndarray) -> np.ndarray:
    return d[:, 1] - d[:, 0]


EMPTY = np.zeros((0, 2))
METRICS = {
    "bottleneck": bottleneck,
    "wasserstein": wasserstein,
    "sliced_wasserstein": sliced_wasserstein,
}


# -- persistence --------------------------------------------------------------------------


@given(clouds())
def test_births_at_most_deaths_and_generators_realise_them(points: np.ndarray) -> None:
    dg = persistence_diagrams(points, backend="ripser")
    pts = points.astype(np.float32)
    for k, (d, g) in enumerate(zip(dg.dgms, dg.generators or (), strict=True)):
        assert np.all(d[:, 0] <= d[:, 1]) and np.all(np.isfinite(d[:, 0]))
        assert np.all(d[:, 0] >= 0)
        fin = np.isfinite(d[:, 1])
        death_len = np.linalg.norm(pts[g[fin, 2]] - pts[g[fin, 3]], axis=1)
        np.testing.assert_allclose(death_len, d[fin, 1], rtol=1e-5, atol=1e-5)
        if k >= 1:
            birth_len = np.linalg.norm(pts[g[:, 0]] - pts[g[:, 1]], axis=1)
            np.testing.assert_allclose(birth_len, d[:, 0], rtol=1e-5, atol=1e-5)


@given(clouds())
def test_h0_of_a_connected_cloud_has_exactly_one_infinite_bar(points: np.ndarray) -> None:
    dg = persistence_diagrams(points, maxdim=0, backend="ripser")  # no threshold: connected
    assert int(np.isinf(dg[0][:, 1]).sum()) == 1
    assert dg[0][0].tolist() == [0.0, np.inf]  # sorted: the infinite bar first


@given(clouds(min_points=2), st.floats(0.1, 8))
def test_infinite_h0_bars_count_the_components_below_the_threshold(
    points: np.ndarray, threshold: float
) -> None:
    dg = persistence_diagrams(points, maxdim=0, backend="ripser", thresh=threshold)
    dm = cdist(points, points).astype(np.float32)
    n_components, _ = connected_components(dm <= np.float32(threshold), directed=False)
    assert int(np.isinf(dg[0][:, 1]).sum()) == n_components


# -- diagram distances --------------------------------------------------------------------


@given(diagrams(), diagrams(), st.sampled_from(sorted(METRICS)))
def test_distance_identity_symmetry_and_non_negativity(
    a: np.ndarray, b: np.ndarray, metric: str
) -> None:
    fn = METRICS[metric]
    # persim's Wasserstein matching (which ours reuses) works to float32 precision:
    # d(a, a) can be ~2e-7 for diagrams with zero-persistence points
    assert 0.0 <= fn(a, a) <= 1e-6
    d_ab, d_ba = fn(a, b), fn(b, a)
    assert d_ab >= 0
    np.testing.assert_allclose(d_ab, d_ba, rtol=1e-6, atol=1e-6)


@given(diagrams())
def test_distance_to_the_empty_diagram(a: np.ndarray) -> None:
    # every point goes to the diagonal: L-inf distance (d - b) / 2, Euclidean (d - b) / sqrt 2
    p = _pers(a)
    assert np.isclose(bottleneck(a, EMPTY), p.max() / 2 if p.size else 0.0)
    assert np.isclose(wasserstein(a, EMPTY), p.sum() / np.sqrt(2))


@given(diagrams(), diagrams())
def test_bottleneck_at_most_the_larger_half_persistence(a: np.ndarray, b: np.ndarray) -> None:
    # matching everything to the diagonal is one matching, so it bounds the optimum
    bound = max([0.0, *(_pers(a) / 2), *(_pers(b) / 2)])
    assert bottleneck(a, b) <= bound + 1e-6


@given(diagrams(), diagrams(), diagrams())
def test_bottleneck_triangle_inequality(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> None:
    assert bottleneck(a, c) <= bottleneck(a, b) + bottleneck(b, c) + 1e-6


# -- Mapper -------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:mapper_graph. the graph has no nodes")
@pytest.mark.filterwarnings("ignore:lens. all .* lens values are equal")
@settings(max_examples=30)
@given(
    clouds(min_points=1, max_points=40),
    st.integers(1, 8),
    st.floats(0.0, 0.8),
    st.floats(0.1, 5.0),
    st.integers(1, 4),
)
def test_mapper_members_are_cloud_indices(
    points: np.ndarray, n_intervals: int, overlap: float, eps: float, min_samples: int
) -> None:
    n = points.shape[0]
    labels = np.arange(n) % 3
    g = mapper_graph(
        points,
        n_intervals=n_intervals,
        overlap=overlap,
        clusterer=DBSCAN(eps=eps, min_samples=min_samples),
        labels=labels,
    )
    assert g.member_offsets[0] == 0 and np.all(np.diff(g.member_offsets) >= 1)
    assert g.member_offsets[-1] == g.members.size
    assert set(g.members.tolist()) <= set(range(n))
    for k in range(g.n_nodes):
        members = g.node_members(k)
        assert np.unique(members).size == members.size  # no point twice in a node
        assert g.class_counts is not None
        width = int(labels.max()) + 1
        assert g.class_counts[k].tolist() == np.bincount(labels[members], minlength=width).tolist()
    for (i, j), w in zip(g.edges.tolist(), g.edge_weights.tolist(), strict=True):
        shared = np.intersect1d(g.node_members(i), g.node_members(j)).size
        union = np.union1d(g.node_members(i), g.node_members(j)).size
        assert i < j and shared > 0 and np.isclose(w, shared / union)
