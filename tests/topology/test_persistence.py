"""Persistence diagrams: agreement with ripser, known shapes, subsampling, generators."""

from __future__ import annotations

import numpy as np
import pytest
import ripser

from tda_widgets import Diagrams, PointCloud
from tda_widgets.topology import available_backends, bottleneck, persistence_diagrams

BACKENDS = available_backends()  # only installed backends are tested (ripser always is)


def _circle(n: int, r: float = 1.0, c: tuple[float, float] = (0.0, 0.0), seed: int = 0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    pts = np.c_[r * np.cos(t) + c[0], r * np.sin(t) + c[1]]
    return (pts + rng.normal(scale=0.03 * r, size=pts.shape)).astype(np.float32)


def _sorted(d: np.ndarray) -> np.ndarray:
    return d[np.lexsort((d[:, 1], d[:, 0]))]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("n", "d", "seed"), [(40, 2, 0), (120, 5, 1), (200, 16, 2), (80, 64, 3)])
def test_diagrams_equal_ripser(backend: str, n: int, d: int, seed: int) -> None:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    ref = ripser.ripser(x, maxdim=1)["dgms"]
    ours = persistence_diagrams(x, backend=backend)
    assert ours.backend == backend
    assert len(ours) == 2
    for k in range(2):
        np.testing.assert_array_equal(_sorted(ours[k]), _sorted(ref[k]))


@pytest.mark.parametrize("backend", BACKENDS)
def test_threshold_keeps_infinite_bars(backend: str) -> None:
    x = np.random.default_rng(5).standard_normal((60, 3)).astype(np.float32)
    ref = ripser.ripser(x, maxdim=1, thresh=0.6)["dgms"]
    ours = persistence_diagrams(x, backend=backend, thresh=0.6)
    for k in range(2):
        np.testing.assert_array_equal(_sorted(ours[k]), _sorted(ref[k]))
    assert np.isinf(ours[0][:, 1]).sum() > 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_circle_one_long_bar(backend: str) -> None:
    dg = persistence_diagrams(_circle(100), backend=backend)
    pers = dg[1][:, 1] - dg[1][:, 0]
    assert np.sum(pers > 0.5) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_circles_two_long_bars(backend: str) -> None:
    pts = np.r_[_circle(80, seed=1), _circle(80, r=1.5, c=(5.0, 0.0), seed=2)]
    dg = persistence_diagrams(PointCloud.from_array(pts, layer="two"), backend=backend)
    pers = dg[1][:, 1] - dg[1][:, 0]
    assert np.sum(pers > 0.5) == 2
    assert dg.layer == "two"


@pytest.mark.parametrize("backend", BACKENDS)
def test_generators_are_cloud_edges_of_the_bar_values(backend: str) -> None:
    x = np.random.default_rng(7).standard_normal((90, 4)).astype(np.float32)
    dg = persistence_diagrams(x, backend=backend)
    dist = np.linalg.norm(x[:, None].astype(np.float64) - x[None], axis=-1)
    assert dg.generators is not None
    for k in range(2):
        g, d = dg.generators[k], dg[k]
        assert g.shape == (d.shape[0], 4)
        assert g.min() >= -1 and g.max() < x.shape[0]
        np.testing.assert_allclose(dist[g[:, 0], g[:, 1]], d[:, 0], rtol=1e-5, atol=1e-6)
        fin = np.isfinite(d[:, 1])
        np.testing.assert_allclose(dist[g[fin, 2], g[fin, 3]], d[fin, 1], rtol=1e-5)
        assert np.all(g[~fin, 2:] == -1)
    # H0: birth vertex twice; the one infinite bar has vertex 0 (the oldest)
    assert np.all(dg.generators[0][:, 0] == dg.generators[0][:, 1])
    assert dg.generators[0][np.isinf(dg[0][:, 1]), 0].tolist() == [0]


def test_subsampling_bound_and_record() -> None:
    x = _circle(300, seed=3)
    full = persistence_diagrams(x, backend="ripser")
    sub = persistence_diagrams(x, backend="ripser", n_perm=60)
    r = sub.params["covering_radius"]
    idx = sub.params["indices"]
    assert idx.shape == (60,) and len(set(idx.tolist())) == 60
    assert r > 0
    for k in range(2):
        assert bottleneck(full[k], sub[k]) <= 2 * r + 1e-6
    # generators index the full cloud, through the kept indices
    assert set(sub.generators[1][:, :2].ravel().tolist()) <= set(idx.tolist())


def test_output_type_and_order() -> None:
    dg = persistence_diagrams(_circle(50), maxdim=2, backend="ripser")
    assert isinstance(dg, Diagrams)
    assert dg.maxdim == 2
    pers = dg[1][:, 1] - dg[1][:, 0]
    assert np.all(np.diff(pers) <= 0)  # most persistent first


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"backend": "nope"}, "backend"),
        ({"maxdim": -1}, "maxdim"),
        ({"thresh": -1.0}, "thresh"),
        ({"n_perm": 0}, "n_perm"),
    ],
)
def test_bad_arguments(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        persistence_diagrams(np.zeros((5, 2)), **kwargs)


def test_bad_cloud() -> None:
    with pytest.raises(ValueError, match="cloud"):
        persistence_diagrams(np.zeros(5))


def test_duplicate_points_keep_h0_generators_consistent():
    """Dead units give identical points (distance 0): the MST must still span them."""
    rng = np.random.default_rng(3)
    base = rng.normal(size=(30, 4))
    pts = np.vstack([base, base[:10], np.zeros((5, 4)), np.zeros((5, 4))])
    dg = persistence_diagrams(pts, backend="ripser")
    # float64 points: ripser's distances come from float64 |x|^2 + |y|^2 - 2 x.y, where
    # one duplicate pair rounds to 6e-8, not 0 (so one more H0 bar than in float32)
    ref = ripser.ripser(pts)["dgms"][0]
    assert len(dg[0]) == len(ref)
    dg32 = persistence_diagrams(pts.astype(np.float32), backend="ripser")
    assert len(dg32[0]) == len(ripser.ripser(pts.astype(np.float32))["dgms"][0])
    g = dg.generators[0]
    finite = np.isfinite(dg[0][:, 1])
    d = np.linalg.norm(pts[g[finite, 2]] - pts[g[finite, 3]], axis=1)
    # the 6e-8 bar's generator is a duplicate pair (exact distance 0)
    np.testing.assert_allclose(d, dg[0][finite, 1], rtol=1e-5, atol=1e-7)
