"""Differential tests: tda_widgets against the reference libraries, float32 and float64.

Each function is compared with the library it claims to agree with, on the input as a
user would pass it to both (never rounded first):

* ``persistence_diagrams`` with ``_ripser(points)``: equal diagrams, bit for bit;
* ``sliced_wasserstein``, ``wasserstein``, ``bottleneck`` and ``diagram_matching`` with
  persim (same distances; the matching's costs follow persim's conventions);
* ``mapper_graph`` with ``kmapper.KeplerMapper.map`` (same nodes) and ``elbow_eps``
  with the same rule on scikit-learn's ``NearestNeighbors``;
* ``linear_cka`` with a float64 reference (centred Gram matrices).

The clouds cover ties (integer grids), duplicate points, clouds far from the origin,
tiny and huge scales, and empty diagrams. Hypothesis draws small clouds so the file
stays quick.
"""

from __future__ import annotations

import warnings
from typing import Any

import kmapper as km
import numpy as np
import persim
import pytest
import ripser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.cluster import DBSCAN
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import InvalidParameterError

from tda_widgets import available_backends, elbow_eps, mapper_graph, persistence_diagrams
from tda_widgets.topology import (
    bottleneck,
    diagram_matching,
    linear_cka,
    sliced_wasserstein,
    wasserstein,
)
from tda_widgets.topology._dbscan import NearTie, radius_pairs

BACKENDS = available_backends()
DTYPES = [np.float32, np.float64]
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _canonical(dgm: np.ndarray) -> np.ndarray:
    return dgm[np.lexsort((dgm[:, 1], dgm[:, 0]))]


def assert_same_diagrams(ours: Any, ref: list[np.ndarray]) -> None:
    """Bit-identical diagrams (after sorting the rows), dimension by dimension."""
    for k, r in enumerate(ref):
        np.testing.assert_array_equal(_canonical(np.asarray(ours[k])), _canonical(r))


def _ripser(x: np.ndarray, **kwargs: Any) -> dict:
    """``ripser.ripser`` without its shape notices and scikit-learn's overflow warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ripser.ripser(x, **kwargs)


def _circle(n: int = 40) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.c_[np.cos(t), np.sin(t)]


# -- persistence_diagrams vs ripser ---------------------------------------------------


def test_float64_gaussian_cloud_is_ripsers_diagram() -> None:
    """Issue 14.2: H1 differed by 1.2e-7 (the points were rounded to float32 first)."""
    x = np.random.default_rng(0).standard_normal((60, 5))
    ref = _ripser(x, maxdim=1)["dgms"]
    for backend in BACKENDS:
        assert_same_diagrams(persistence_diagrams(x, backend=backend), ref)


def test_float64_circle_far_from_origin_is_ripsers_diagram() -> None:
    """Issue 14.2: a unit circle shifted by 1e4 had an H0 error of 9e-4 (ripser: 8e-6)."""
    x = _circle() + 1e4
    ref = _ripser(x, maxdim=1)["dgms"]
    for backend in BACKENDS:
        dg = persistence_diagrams(x, backend=backend)
        assert_same_diagrams(dg, ref)
    true_gap = 2 * np.sin(np.pi / 40)
    assert np.abs(dg[0][1:, 1] - true_gap).max() < 1e-4


@pytest.mark.parametrize("scale", [1e20, 1e30])
def test_float64_huge_coordinates_do_not_overflow(scale: float) -> None:
    """Issue 14.2: coordinates >= 1e20 gave infinite H0 bars; ripser's are finite."""
    x = _circle() * scale
    ref = _ripser(x, maxdim=1)["dgms"]
    dg = persistence_diagrams(x, backend="ripser")
    assert_same_diagrams(dg, ref)
    assert np.isinf(dg[0][:, 1]).sum() == 1


@pytest.mark.parametrize(
    "x",
    [
        [
            [-0.10012076192167782, -2.6262708036069617],
            [0.13547657711566302, -3.66906208559739],
            [-0.20012076192167783, -2.6762708036069616],
        ],
        [
            [-1.0922949168911056, -0.6522593882142338],
            [-2.223988961951358, -0.629860033297417],
            [-1.1922949168911057, -0.7022593882142338],
        ],
    ],
)
def test_float64_distances_are_read_from_ripsers_triangle(x: list) -> None:
    """In float64, scikit-learn's d(1, 2) and d(2, 1) can round to different float32s.

    Found by search: points 1 and 2 are a float32 rounding midpoint apart, and the
    spanning tree reaches 1 from 2. ripser reads the upper triangle (i < j); so must
    every step here."""
    pts = np.array(x)
    dm = pairwise_distances(pts).astype(np.float32)
    assert dm[1, 2] != dm[2, 1]  # the case this test is about
    ref = _ripser(pts, maxdim=1)["dgms"]
    for backend in BACKENDS:
        assert_same_diagrams(persistence_diagrams(pts, backend=backend), ref)


def test_float32_input_is_still_computed_in_float32() -> None:
    """float32 points keep ripser's float32 distances (identical to before the fix)."""
    x = (_circle() + 1e4).astype(np.float32)
    ref = _ripser(x, maxdim=1)["dgms"]
    for backend in BACKENDS:
        assert_same_diagrams(persistence_diagrams(x, backend=backend), ref)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=hnp.arrays(
        np.int8, st.tuples(st.integers(4, 14), st.integers(1, 3)), elements=st.integers(-3, 3)
    ),
    scale_exp=st.sampled_from([-30, 0, 30]),
    dtype=st.sampled_from(DTYPES),
    maxdim=st.integers(0, 2),
)
def test_persistence_equals_ripser_on_grids(
    grid: np.ndarray, scale_exp: int, dtype: type, maxdim: int
) -> None:
    """Ties (integer grids, many equal distances), duplicates, tiny and huge scales."""
    x = (grid.astype(np.float64) * 2.0**scale_exp).astype(dtype)
    ref = _ripser(x, maxdim=maxdim)["dgms"]
    for backend in BACKENDS:
        assert_same_diagrams(persistence_diagrams(x, maxdim=maxdim, backend=backend), ref)


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 30),
    d=st.integers(1, 6),
    offset=st.sampled_from([0.0, 1.0, 1e4, -3e7]),
    scale=st.sampled_from([1e-12, 1e-3, 1.0, 1e6, 1e20]),
    dtype=st.sampled_from(DTYPES),
)
def test_persistence_equals_ripser_on_random_clouds(
    seed: int, n: int, d: int, offset: float, scale: float, dtype: type
) -> None:
    """Generic clouds, near and far from the origin, at tiny and huge scales."""
    x = (np.random.default_rng(seed).standard_normal((n, d)) * scale + offset).astype(dtype)
    ref = _ripser(x, maxdim=1)["dgms"]
    for backend in BACKENDS:
        with warnings.catch_warnings():
            # float32 points beyond ~1e19: scikit-learn's float32 squared norms overflow
            # (it warns), so some distances are inf, for ripser and here alike
            warnings.simplefilter("ignore", RuntimeWarning)
            dg = persistence_diagrams(x, backend=backend)
        assert_same_diagrams(dg, ref)


# -- mapper_graph and elbow_eps vs kmapper and scikit-learn ---------------------------


def _kmapper_nodes(x: np.ndarray, lens: np.ndarray, n_cubes: int, clusterer: Any) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = km.KeplerMapper(verbose=0).map(
            lens, x, clusterer=clusterer, cover=km.Cover(n_cubes=n_cubes, perc_overlap=0.3)
        )
    return [sorted(v) for v in graph["nodes"].values()]


def _our_nodes(x: np.ndarray, lens: np.ndarray, n_cubes: int, clusterer: Any) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the graph has no nodes"
        g = mapper_graph(x, lens=lens, n_intervals=n_cubes, overlap=0.3, clusterer=clusterer)
    return [g.node_members(k).tolist() for k in range(g.n_nodes)]


@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_mapper_float64_near_tie_is_kmappers(offset: float) -> None:
    """Issue 14.3: points 1 + 1e-9 apart (eps=1) were joined after rounding to float32."""
    gap = 1 + 1e-9 if offset == 0 else 1 + 1e-6  # 1e-6: kmapper's own search is exact there
    x = np.array([[0.0, 0.0], [gap, 0.0], [5.0, 5.0]]) + offset
    lens = np.arange(3.0)
    clusterer = DBSCAN(eps=1.0, min_samples=2)
    assert _kmapper_nodes(x, lens, 1, clusterer) == []
    assert _our_nodes(x, lens, 1, clusterer) == []
    # float32 input is clustered in its own (rounded) values, as kmapper does
    x32 = x.astype(np.float32)
    assert _our_nodes(x32, lens, 1, clusterer) == _kmapper_nodes(x32, lens, 1, clusterer)


def test_mapper_clusters_far_from_origin_equal_kmapper() -> None:
    """Issue 14.3: clusters 1e4 from the origin, in float64."""
    rng = np.random.default_rng(5)
    x = np.r_[rng.normal(size=(60, 3)), rng.normal(loc=4.0, size=(60, 3))] * 1e-3 + 1e4
    lens = x[:, 0] - 1e4
    clusterer = DBSCAN(eps=1e-3, min_samples=3)
    ref = _kmapper_nodes(x, lens, 4, clusterer)
    assert len(ref) > 2
    assert _our_nodes(x, lens, 4, clusterer) == ref


@pytest.mark.parametrize("bad", [{"algorithm": "blah"}, {"leaf_size": -1}, {"p": -1}])
def test_invalid_dbscan_parameters_raise_scikit_learns_error(bad: dict) -> None:
    """Issue 14.4: the fast path took DBSCANs that scikit-learn and kmapper refuse."""
    x = np.random.default_rng(0).normal(size=(30, 2))
    clusterer = DBSCAN(eps=10.0, min_samples=1, **bad)
    with pytest.raises(InvalidParameterError):
        _kmapper_nodes(x, x[:, 0], 2, clusterer)
    with pytest.raises(InvalidParameterError, match="DBSCAN"):
        mapper_graph(x, lens=x[:, 0], n_intervals=2, clusterer=clusterer)
    # also when no interval is large enough to be clustered at all
    with pytest.raises(InvalidParameterError):
        mapper_graph(x[:3], lens=x[:3, 0], n_intervals=3, overlap=0.1, clusterer=clusterer)


def test_every_point_duplicated_gets_an_eps() -> None:
    """Issue 14.18: 4 distinct points, each twice, raised "8 copies of one point"."""
    distinct = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0], [5.0, 5.0]])
    x = np.repeat(distinct, 2, axis=0)
    assert elbow_eps(x) == 1.0  # the smallest distance between distinct points
    with pytest.warns(UserWarning, match="no nodes"):
        g = mapper_graph(x, lens=np.arange(8.0), n_intervals=1)
    # DBSCAN(eps=1, min_samples=5) on these 8 points: the two pairs 1 apart make no
    # core point (4 points within eps), so every point is noise, as in kmapper
    assert g.n_nodes == len(_kmapper_nodes(x, np.arange(8.0), 1, DBSCAN(1.0, min_samples=5)))
    with pytest.raises(ValueError, match="not all identical"):
        elbow_eps(np.zeros((8, 2)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_mapper_with_eps_equal_to_a_distance_is_kmappers(dtype: type) -> None:
    """An eps that is one of the distances (as an unrounded elbow_eps is): scikit-learn's
    brute force computes that distance 2.5e-21 above eps and leaves the pair out; the
    interval is handed to scikit-learn, so the nodes are kmapper's."""
    x = (_cloud(0, 12, 2) * 1e-6).astype(dtype)
    eps = elbow_eps(x)
    assert eps in np.sqrt(((x.astype(np.float64)[:, None] - x[None]) ** 2).sum(-1))
    lens = np.linalg.norm(x.astype(np.float64), axis=1)
    clusterer = DBSCAN(eps=eps, min_samples=3)
    assert _our_nodes(x, lens, 3, clusterer) == _kmapper_nodes(x, lens, 3, clusterer)


def test_radius_pairs_strict_reports_near_ties() -> None:
    x = np.array([[0.0, 0.0], [0.3, 0.4], [3.0, 3.0]])
    with pytest.raises(NearTie):
        radius_pairs(x, 0.5, strict=True)
    i, j = radius_pairs(x, 0.5)  # as cdist decides: 0.5 <= 0.5
    assert (i.tolist(), j.tolist()) == ([0], [1])
    assert radius_pairs(x, 0.5 * (1 + 1e-9), strict=True)[0].tolist() == [0]


def _plain_elbow_eps(x: np.ndarray) -> float:
    """The authors' rule written plainly with scikit-learn (exact k-d tree) and kneed."""
    from kneed import KneeLocator

    dist = NearestNeighbors(n_neighbors=2, algorithm="kd_tree").fit(x).kneighbors(x)[0][:, 1]
    dist = np.sort(dist)[::-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        knee = KneeLocator(np.arange(dist.size), dist, curve="convex", direction="decreasing")
    eps = float(np.median(dist)) if knee.knee_y is None else float(knee.knee_y)
    rounded = round(eps, 3)
    return rounded if rounded > 0 else eps


def _cloud(seed: int, n: int, d: int) -> np.ndarray:
    """A few separated blobs, so that DBSCAN and the cover both have work to do."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, d)) * 4
    return centres[rng.integers(0, 3, n)] + rng.normal(size=(n, d))


@FAST
@given(
    grid=hnp.arrays(
        np.int8, st.tuples(st.integers(12, 40), st.integers(1, 3)), elements=st.integers(-4, 4)
    ),
    eps=st.sampled_from([1.0, 2.0, 3.0]),
    scale_exp=st.sampled_from([-30, 0, 30]),
    min_samples=st.integers(1, 4),
    n_cubes=st.integers(1, 3),
    dtype=st.sampled_from(DTYPES),
)
def test_mapper_equals_kmapper_on_grids_with_ties(
    grid: np.ndarray, eps: float, scale_exp: int, min_samples: int, n_cubes: int, dtype: type
) -> None:
    """Integer grids: many distances exactly eps (and duplicates), at three scales."""
    s = 2.0**scale_exp  # a power of two: the ties stay exact
    x = (grid.astype(np.float64) * s).astype(dtype)
    lens = np.arange(x.shape[0], dtype=np.float64)
    clusterer = DBSCAN(eps=eps * s, min_samples=min_samples)
    assert _our_nodes(x, lens, n_cubes, clusterer) == _kmapper_nodes(x, lens, n_cubes, clusterer)


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(12, 60),
    d=st.integers(1, 5),
    offset=st.sampled_from([0.0, 1e4]),
    scale=st.sampled_from([1e-6, 1.0, 1e8]),
    dtype=st.sampled_from(DTYPES),
)
def test_mapper_and_elbow_eps_equal_references_on_random_clouds(
    seed: int, n: int, d: int, offset: float, scale: float, dtype: type
) -> None:
    """Generic clouds, near and far from the origin; eps by the authors' rule."""
    x = (_cloud(seed, n, d) * scale + offset).astype(dtype)
    if dtype is np.float32 and np.unique(x, axis=0).shape[0] < n:
        return  # rounding made duplicates: the rule's fallback is tested on its own
    eps = elbow_eps(x)
    assert eps == _plain_elbow_eps(x.astype(np.float64))
    lens = np.linalg.norm(x.astype(np.float64) - offset, axis=1)
    clusterer = DBSCAN(eps=eps, min_samples=3)
    assert _our_nodes(x, lens, 3, clusterer) == _kmapper_nodes(x, lens, 3, clusterer)


# -- distances and diagram_matching vs persim -----------------------------------------


def test_matching_an_empty_diagram_costs_the_diagonal_distance() -> None:
    """Issue 14.5: pair_costs were [0.05, 1.0]; (0, 0.05) to the diagonal costs 0.025."""
    b = [[0.0, 0.05], [1.0, 3.0]]
    m = diagram_matching(np.zeros((0, 2)), b, "bottleneck")
    assert m.pairs.tolist() == [[-1, 0], [-1, 1]]
    np.testing.assert_allclose(m.pair_costs, [0.025, 1.0])
    assert m.cost == persim.bottleneck(np.zeros((0, 2)), np.array(b)) == 1.0
    m = diagram_matching(b, np.zeros((0, 2)), "wasserstein")
    np.testing.assert_allclose(m.pair_costs, [0.05 / np.sqrt(2), 2 / np.sqrt(2)])


def _expected_pair_costs(a: np.ndarray, b: np.ndarray, pairs: np.ndarray, metric: str):
    """Each pair's cost from the points, by persim's conventions."""
    out = []
    # persim's Euclidean distances are scikit-learn's (|x|^2 + |y|^2 - 2 x.y)
    euclidean = pairwise_distances(a, b) if len(a) and len(b) else None
    for i, j in pairs:
        if i >= 0 and j >= 0:
            out.append(np.abs(a[i] - b[j]).max() if metric == "bottleneck" else euclidean[i, j])
        else:
            p = a[i] if i >= 0 else b[j]
            if metric == "bottleneck":
                out.append(0.5 * (p[1] - p[0]))
            else:  # persim's rotation by 45 degrees (1e-12 off (d - b) / sqrt 2 at 1e4)
                out.append(np.cos(np.pi / 4) * p[1] - np.sin(np.pi / 4) * p[0])
    return np.array(out)


finite_diagrams = st.integers(0, 6).flatmap(
    lambda n: hnp.arrays(
        np.float64,
        (n, 2),
        elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 3.0, 1e4, 1e4 + 0.5, 1e-9, 2e-9]),
    ).map(lambda d: np.sort(d, axis=1))
)


@FAST
@given(a=finite_diagrams, b=finite_diagrams, dtype=st.sampled_from(DTYPES))
def test_distances_and_matchings_equal_persim(a: np.ndarray, b: np.ndarray, dtype: type) -> None:
    """Empty and one-sided diagrams, ties, zero-length bars, far from the origin."""
    a, b = a.astype(dtype), b.astype(dtype)
    # diagrams are compared in float64 (float32 values are exact there); persim given
    # float32 arrays would round its own arithmetic to float32
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = {
            "wasserstein": persim.wasserstein(a64, b64),
            "bottleneck": persim.bottleneck(a64, b64),
            "sw": persim.sliced_wasserstein(a64, b64) if a.size and b.size else None,
        }
    for metric in ("wasserstein", "bottleneck"):
        m = diagram_matching(a, b, metric)
        assert m.cost == pytest.approx(ref[metric], rel=1e-12, abs=1e-12)
        fn = wasserstein if metric == "wasserstein" else bottleneck
        assert fn(a, b) == m.cost
        np.testing.assert_allclose(
            m.pair_costs, _expected_pair_costs(a64, b64, m.pairs, metric), rtol=1e-12, atol=1e-11
        )
        total = m.pair_costs.sum() if metric == "wasserstein" else m.pair_costs.max(initial=0)
        assert total == pytest.approx(m.cost, rel=1e-12, abs=1e-12)
        # every point of both diagrams is matched exactly once
        assert sorted(m.pairs[m.pairs[:, 0] >= 0, 0].tolist()) == list(range(len(a)))
        assert sorted(m.pairs[m.pairs[:, 1] >= 0, 1].tolist()) == list(range(len(b)))
    if ref["sw"] is not None:
        assert sliced_wasserstein(a, b) == pytest.approx(ref["sw"], rel=1e-6, abs=1e-9)


@FAST
@given(seed=st.integers(0, 2**32 - 1), dtype=st.sampled_from(DTYPES))
def test_distances_between_computed_diagrams_equal_persim(seed: int, dtype: type) -> None:
    """The pipeline's case: H0 and H1 of two clouds (infinite bars ignored, as persim)."""
    rng = np.random.default_rng(seed)
    x, y = (rng.normal(size=(25, 3)).astype(dtype) for _ in range(2))
    dx, dy = persistence_diagrams(x), persistence_diagrams(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in (0, 1):
            fx, fy = (d[k][np.isfinite(d[k][:, 1])] for d in (dx, dy))
            assert wasserstein(dx[k], dy[k], infinite="ignore") == pytest.approx(
                persim.wasserstein(fx, fy), rel=1e-12
            )
            assert bottleneck(dx[k], dy[k], infinite="ignore") == persim.bottleneck(fx, fy)
            if fx.size and fy.size:
                assert sliced_wasserstein(dx[k], dy[k], infinite="ignore") == pytest.approx(
                    persim.sliced_wasserstein(fx, fy), rel=1e-6
                )


# -- linear_cka vs a float64 reference ---------------------------------------------------


def _reference_cka(x: np.ndarray, y: np.ndarray) -> float:
    """Linear CKA from centred Gram matrices, all in float64 (Kornblith et al. 2019)."""
    xc = x.astype(np.float64) - x.astype(np.float64).mean(axis=0)
    yc = y.astype(np.float64) - y.astype(np.float64).mean(axis=0)
    kx, ky = xc @ xc.T, yc @ yc.T
    den = np.linalg.norm(kx) * np.linalg.norm(ky)
    return float(np.sum(kx * ky) / den) if den > 0 else 0.0  # a constant cloud: 0


def test_linear_cka_is_offset_free_on_float64() -> None:
    """Issue 14.6: linear_cka(a + 1e4, b + 1e4) was off by ~1e-5 (float32 before centring)."""
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(50, 4)), rng.normal(size=(50, 3))
    assert linear_cka(a + 1e4, b + 1e4) == pytest.approx(linear_cka(a, b), abs=1e-12)
    assert linear_cka(a + 1e4, b + 1e4) == pytest.approx(_reference_cka(a, b), abs=1e-12)


@FAST
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 40),
    p=st.integers(1, 6),
    q=st.integers(1, 6),
    offset=st.sampled_from([0.0, 1e4]),
    scale=st.sampled_from([1e-6, 1.0, 1e6]),
    dtype=st.sampled_from(DTYPES),
)
def test_linear_cka_equals_float64_reference(
    seed: int, n: int, p: int, q: int, offset: float, scale: float, dtype: type
) -> None:
    """float32 and float64, near and far from the origin, tiny and huge scales."""
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, p)) * scale + offset).astype(dtype)
    y = (rng.normal(size=(n, q)) * scale + offset).astype(dtype)
    y[:, 0] += x[:, 0]  # some shared structure
    assert linear_cka(x, y) == pytest.approx(_reference_cka(x, y), rel=1e-9, abs=1e-12)
