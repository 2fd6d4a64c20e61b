"""farthest_point_subsample: greedy max-min order, covering radius, ripser agreement."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from tda_widgets import PointCloud, farthest_point_subsample


def test_agrees_with_ripsers_greedy_permutation():
    from ripser.ripser import get_greedy_perm

    points = np.random.default_rng(0).normal(size=(300, 6)).astype(np.float32)
    idx, radius = farthest_point_subsample(points, 40)
    ref_idx, lambdas, _ = get_greedy_perm(points.astype(np.float64), n_perm=40)
    np.testing.assert_array_equal(idx, ref_idx)
    assert radius == pytest.approx(lambdas[-1], rel=1e-5)


def test_radius_is_the_hausdorff_distance_and_order_is_greedy():
    points = np.random.default_rng(1).uniform(size=(200, 3))
    idx, radius = farthest_point_subsample(points, 25, start=7)
    assert idx[0] == 7 and np.unique(idx).size == 25
    d = cdist(points, points[idx])
    assert radius == pytest.approx(d.min(axis=1).max(), rel=1e-5)
    # each chosen point was the farthest from those chosen before it
    for i in range(1, 25):
        to_chosen = cdist(points, points[idx[:i]]).min(axis=1)
        assert to_chosen[idx[i]] == pytest.approx(to_chosen.max(), rel=1e-5)


def test_radius_bounds_the_bottleneck_distance_of_diagrams():
    from persim import bottleneck
    from ripser import ripser

    t = np.random.default_rng(2).uniform(0, 2 * np.pi, 120)
    circle = np.stack([np.cos(t), np.sin(t)], axis=1) + np.random.default_rng(3).normal(
        0, 0.05, (120, 2)
    )
    idx, radius = farthest_point_subsample(circle, 30)
    full = ripser(circle)["dgms"][1]
    sub = ripser(circle[idx])["dgms"][1]
    assert 0 < radius < 0.5
    assert bottleneck(full, sub) <= 2 * radius + 1e-9


def test_point_cloud_input_and_subset():
    cloud = PointCloud.from_array(
        np.random.default_rng(4).normal(size=(50, 2)), labels=np.arange(50)
    )
    idx, _ = farthest_point_subsample(cloud, 10)
    sub = cloud.subset(idx)
    assert sub.n_points == 10 and sub.labels.tolist() == idx.tolist()


def test_all_points_and_duplicates():
    points = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    idx, radius = farthest_point_subsample(points, 10)
    assert sorted(idx.tolist()) == [0, 1, 2, 3] and radius == 0.0
    idx, radius = farthest_point_subsample(points, 2)
    assert idx.tolist() == [0, 2] and radius == 0.0
    idx, _ = farthest_point_subsample(points, 3)
    assert np.unique(idx).size == 3  # a duplicate is chosen, never the same index twice


def test_bad_arguments():
    points = np.zeros((5, 2))
    with pytest.raises(ValueError, match="n_points: expected an integer >= 1, got 0"):
        farthest_point_subsample(points, 0)
    with pytest.raises(TypeError, match=r"n_points: expected an integer >= 1, got float 2\.5"):
        farthest_point_subsample(points, 2.5)
    with pytest.raises(
        ValueError, match="start: expected an index below the number of points 5, got 5"
    ):
        farthest_point_subsample(points, 2, start=5)
    with pytest.raises(ValueError, match=r"cloud: expected an \(n, d\) array, got shape \(5,\)"):
        farthest_point_subsample(np.zeros(5), 2)
    with pytest.raises(ValueError, match="cloud: expected finite values, got nan"):
        farthest_point_subsample(np.array([[0.0], [np.nan]]), 1)
    with pytest.raises(ValueError, match="cloud: expected at least one point"):
        farthest_point_subsample(np.zeros((0, 2)), 1)


def test_random_subsample_is_seeded_sorted_and_its_radius_is_exact() -> None:
    from scipy.spatial.distance import cdist

    from tda_widgets.point_clouds import covering_radius, random_subsample

    rng = np.random.default_rng(5)
    x = (np.maximum(rng.normal(size=(3000, 12)), 0) + 1e3).astype(np.float32)  # far from 0
    idx, r = random_subsample(x, 150, seed=3)
    again, _ = random_subsample(x, 150, seed=3)
    other, _ = random_subsample(x, 150, seed=4)
    np.testing.assert_array_equal(idx, again)
    assert not np.array_equal(idx, other)
    assert len(np.unique(idx)) == 150 and np.all(np.diff(idx) > 0)
    exact = cdist(x.astype(np.float64), x[idx].astype(np.float64)).min(axis=1).max()
    assert r == pytest.approx(exact, rel=1e-9)
    assert covering_radius(x, idx) == r
    full, r0 = random_subsample(x, 5000)
    assert r0 == 0.0 and len(full) == 3000


def test_persistence_random_subsample_records_its_choice() -> None:
    from tda_widgets import persistence_diagrams
    from tda_widgets.point_clouds import random_subsample

    x = np.random.default_rng(0).normal(size=(400, 3)).astype(np.float32)
    dg = persistence_diagrams(x, n_perm=100, subsample="random", seed=2)
    idx, r = random_subsample(x, 100, seed=2)
    np.testing.assert_array_equal(dg.params["indices"], idx)
    assert dg.params["covering_radius"] == r
    assert dg.params["subsample"] == "random" and dg.params["n_total"] == 400
    ref = persistence_diagrams(x[idx])
    for a, b in zip(dg, ref, strict=True):
        np.testing.assert_array_equal(a, b)
    fps = persistence_diagrams(x, n_perm=100)
    assert fps.params["subsample"] == "farthest" and fps.params["covering_radius"] < r
    with pytest.raises(ValueError, match="subsample: unknown name 'randm'"):
        persistence_diagrams(x, n_perm=10, subsample="randm")
