"""normalize="median": clouds scaled to median pairwise distance 1, factor recorded, keyed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.distance import pdist

from tda_widgets import Analysis, PointCloud, persistence_diagrams
from tda_widgets.point_clouds.normalize import median_pairwise_distance, normalize_cloud


def _cloud(n: int = 300, scale: float = 7.0, seed: int = 0) -> PointCloud:
    pts = np.random.default_rng(seed).normal(size=(n, 5)) * scale
    return PointCloud.from_array(pts.astype(np.float32), layer="toy")


def test_median_distance_is_one_after_normalizing():
    cloud = _cloud()
    out = normalize_cloud(cloud, "median")
    assert np.median(pdist(out.points.astype(np.float64))) == pytest.approx(1.0, rel=1e-5)
    raw = np.median(pdist(cloud.points.astype(np.float64)))
    assert out.params["normalize"] == "median"
    assert out.params["normalize_median"] == pytest.approx(raw, rel=1e-6)
    assert out.params["normalize_scale"] == pytest.approx(1 / raw, rel=1e-6)
    np.testing.assert_array_equal(out.image_index, cloud.image_index)
    np.testing.assert_array_equal(out.position, cloud.position)


def test_large_clouds_use_a_fixed_seeded_subsample():
    cloud = _cloud(n=3000)
    a = normalize_cloud(cloud, "median", n_sample=500)
    b = normalize_cloud(cloud, "median", n_sample=500)
    c = normalize_cloud(cloud, "median", n_sample=500, seed=1)
    assert a.params["normalize_n_used"] == 500
    assert a.params["normalize_scale"] == b.params["normalize_scale"]  # deterministic
    assert a.params["normalize_scale"] != c.params["normalize_scale"]  # the seed matters
    # and the subsample's median is close to the whole cloud's
    whole = median_pairwise_distance(cloud.points, n_sample=3000)[0]
    assert a.params["normalize_median"] == pytest.approx(whole, rel=0.05)


def test_scaling_a_cloud_does_not_change_its_normalized_diagrams():
    cloud = _cloud(n=120)
    big = PointCloud.from_array(cloud.points * 1000, layer="toy")
    d_small = persistence_diagrams(normalize_cloud(cloud), maxdim=1)
    d_big = persistence_diagrams(normalize_cloud(big), maxdim=1)
    np.testing.assert_allclose(d_small.dgms[1], d_big.dgms[1], rtol=1e-4, atol=1e-5)


def test_degenerate_cloud_is_kept_with_scale_one():
    cloud = PointCloud.from_array(np.ones((4, 3), dtype=np.float32), layer="flat")
    out = normalize_cloud(cloud, "median")
    np.testing.assert_array_equal(out.points, cloud.points)
    assert out.params["normalize_scale"] == 1.0 and out.params["normalize_median"] == 0.0


def test_bad_values_are_named():
    with pytest.raises(ValueError, match="normalize"):
        normalize_cloud(_cloud(), "mean")
    with pytest.raises(TypeError, match="normalize"):
        normalize_cloud(_cloud(), 1)
    with pytest.raises(ValueError, match="not normalised yet"):
        normalize_cloud(normalize_cloud(_cloud()), "median")
    with pytest.raises(ValueError, match="normalize"):
        Analysis(torch.nn.Conv2d(3, 4, 3), torch.zeros(4, 3, 8, 8), ["0"], normalize="max")


def _setup():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.Conv2d(8, 6, 3))
    images = torch.randn(60, 3, 10, 10, generator=torch.Generator().manual_seed(0)) * 50
    return model, images


def test_analysis_normalize_scales_clouds_and_is_part_of_the_cache_key(tmp_path):
    model, images = _setup()
    raw = Analysis(model, images, ["0", "2"], cache_dir=tmp_path, progress=False)
    norm = Analysis(
        model, images, ["0", "2"], cache_dir=tmp_path, progress=False, normalize="median"
    )
    for layer in ("0", "2"):
        c = norm.cloud(layer)
        assert np.median(pdist(c.points.astype(np.float64))) == pytest.approx(1.0, rel=1e-5)
        factor = c.params["normalize_scale"]
        np.testing.assert_allclose(c.points, raw.cloud(layer).points * factor, rtol=1e-5)
    # the normalised analysis computed its own clouds and diagrams, not the raw ones
    assert norm.n_computed["clouds"] == 2 and raw.n_computed["clouds"] == 2
    sw_raw = raw.distance_matrix().values
    sw_norm = norm.distance_matrix().values
    assert not np.allclose(sw_raw, sw_norm)
    # a second normalised analysis loads everything, factor included
    again = Analysis(
        model, images, ["0", "2"], cache_dir=tmp_path, progress=False, normalize="median"
    )
    np.testing.assert_array_equal(again.distance_matrix().values, sw_norm)
    assert again.n_computed["clouds"] == 0 and again.n_computed["matrix"] == 0
    assert again.cloud("0").params["normalize_scale"] == norm.cloud("0").params["normalize_scale"]


def test_explore_passes_normalize_to_the_analysis(tmp_path):
    from tda_widgets import explore

    model, images = _setup()
    ex = explore(model, images, ["0", "2"], cache_dir=tmp_path, progress=False, normalize="median")
    assert ex.analysis.normalize == "median"
    assert ex.analysis.cloud("2").params["normalize"] == "median"
