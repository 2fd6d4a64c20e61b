"""Each sampler's exact output on hand-built activation tensors, with provenance."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tda_widgets import PointCloud, all_positions, flatten, pooled, random_position, top_l2

RNG = np.random.default_rng(42)


def _acts(n=6, c=5, h=4, w=3):
    return RNG.normal(size=(n, c, h, w)).astype(np.float32)


def _assert_provenance(cloud: PointCloud, acts: np.ndarray, relu: bool) -> None:
    """Every point is exactly the vector at its recorded image and position."""
    source = np.maximum(acts, 0) if relu else acts
    for k in range(cloud.n_points):
        i, (r, c) = cloud.image_index[k], cloud.position[k]
        np.testing.assert_array_equal(cloud.points[k], source[i, :, r, c])


def test_top_l2_picks_the_argmax_position():
    acts = _acts()
    # plant a clear winner at a known position in every image
    planted = [(0, 0), (3, 2), (1, 1), (2, 0), (3, 0), (0, 2)]
    for i, (r, c) in enumerate(planted):
        acts[i, :, r, c] = 10.0 + i
    cloud = top_l2()(acts, layer="toy")
    assert cloud.position.tolist() == [list(p) for p in planted]
    np.testing.assert_array_equal(cloud.image_index, np.arange(6))
    np.testing.assert_array_equal(
        cloud.points, np.array([[10.0 + i] * 5 for i in range(6)], np.float32)
    )
    assert cloud.points.dtype == np.float32 and cloud.layer == "toy"
    assert cloud.labels is None
    assert cloud.params["sampler"] == "top_l2" and cloud.params["relu"] is False
    assert cloud.params["layer_shape"] == (5, 4, 3)


def test_top_l2_matches_a_brute_force_argmax():
    acts = _acts(n=20)
    norms = np.linalg.norm(acts, axis=1).reshape(20, -1)
    best = norms.argmax(axis=1)
    cloud = top_l2()(acts)
    np.testing.assert_array_equal(cloud.position, np.stack([best // 3, best % 3], axis=1))
    _assert_provenance(cloud, acts, relu=False)


def test_top_l2_ties_go_to_the_first_position_in_row_major_order():
    acts = np.zeros((1, 2, 3, 3), np.float32)
    acts[0, :, 2, 0] = [3, 4]
    acts[0, :, 1, 2] = [0, 5]  # same norm, earlier in row-major order
    assert top_l2()(acts).position.tolist() == [[1, 2]]


def test_top_l2_relu_changes_which_position_wins():
    acts = np.zeros((1, 2, 1, 2), np.float32)
    acts[0, :, 0, 0] = [-9, -9]  # largest norm, but all negative
    acts[0, :, 0, 1] = [1, 0]
    assert top_l2()(acts).position.tolist() == [[0, 0]]
    cloud = top_l2(relu=True)(acts)
    assert cloud.position.tolist() == [[0, 1]]
    np.testing.assert_array_equal(cloud.points, [[1, 0]])


def test_random_position_provenance_seed_and_range():
    acts = _acts(n=200, h=3, w=3)
    cloud = random_position(seed=5)(acts, labels=np.arange(200) % 4)
    _assert_provenance(cloud, acts, relu=True)
    assert (cloud.points >= 0).all()
    np.testing.assert_array_equal(cloud.labels, np.arange(200) % 4)
    again = random_position(seed=5)(acts)
    np.testing.assert_array_equal(again.position, cloud.position)
    other = random_position(seed=6)(acts)
    assert (other.position != cloud.position).any()
    # border positions, index 0 included, are drawn by default...
    assert set(map(tuple, cloud.position)) == {(r, c) for r in range(3) for c in range(3)}
    # ...and never with the authors' range
    skip = random_position(seed=5, skip_index_0=True, relu=False)(acts)
    assert skip.position.min() == 1 and skip.position.max() == 2
    _assert_provenance(skip, acts, relu=False)


def test_all_positions_without_cap_is_every_position_once():
    acts = _acts(n=3, h=2, w=2)
    cloud = all_positions(max_points=None, relu=False)(acts)
    assert cloud.n_points == 12
    expected = [(i, r, c) for i in range(3) for r in range(2) for c in range(2)]
    got = [
        (i, *p) for i, p in zip(cloud.image_index.tolist(), cloud.position.tolist(), strict=True)
    ]
    assert got == expected
    _assert_provenance(cloud, acts, relu=False)
    assert cloud.params["subsampled"] is False and cloud.params["n_total"] == 12


def test_all_positions_cap_is_a_subset_without_replacement():
    acts = _acts(n=50, h=4, w=4)
    cloud = all_positions(max_points=300, seed=3)(acts)
    assert cloud.n_points == 300
    flat = cloud.image_index * 16 + cloud.position[:, 0] * 4 + cloud.position[:, 1]
    assert np.unique(flat).size == 300  # no position twice
    assert (np.diff(flat) > 0).all()  # ordered by image, then position
    _assert_provenance(cloud, acts, relu=True)
    assert cloud.params["subsampled"] is True and cloud.params["n_total"] == 800
    # roughly uniform over images: 300 of 800 positions, 6 per image on average
    per_image = np.bincount(cloud.image_index, minlength=50)
    assert per_image.max() <= 14 and per_image.min() >= 1
    other = all_positions(max_points=300, seed=4)(acts)
    assert not np.array_equal(other.position, cloud.position)


def test_all_positions_cap_above_total_keeps_everything():
    acts = _acts(n=2, h=2, w=2)
    cloud = all_positions(max_points=100)(acts)
    assert cloud.n_points == 8 and cloud.params["subsampled"] is False


def test_pooled_and_flatten():
    acts = _acts(n=4)
    p = pooled()(acts, labels=[1, 2, 3, 4])
    np.testing.assert_allclose(p.points, acts.mean(axis=(2, 3)), rtol=1e-6)
    assert (p.position == -1).all() and p.image_index.tolist() == [0, 1, 2, 3]
    assert p.labels.tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(
        pooled(relu=True)(acts).points, np.maximum(acts, 0).mean(axis=(2, 3)), rtol=1e-6
    )
    f = flatten()(acts)
    np.testing.assert_array_equal(f.points, acts.reshape(4, -1))
    assert (f.position == -1).all()
    vectors = RNG.normal(size=(4, 7)).astype(np.float32)
    np.testing.assert_array_equal(pooled()(vectors).points, vectors)
    np.testing.assert_array_equal(flatten(relu=True)(vectors).points, np.maximum(vectors, 0))


def test_torch_input_and_float64_input_agree():
    acts = _acts()
    np.testing.assert_array_equal(
        top_l2()(torch.from_numpy(acts)).points, top_l2()(acts.astype(np.float64)).points
    )


@pytest.mark.parametrize(
    "sampler",
    [top_l2(), random_position(seed=2), all_positions(max_points=40, seed=2), pooled(), flatten()],
)
def test_chunk_size_does_not_change_the_cloud(sampler):
    acts = _acts(n=30)
    one = sampler(acts, chunk_size=1)
    many = sampler(acts, chunk_size=1000)
    np.testing.assert_array_equal(one.points, many.points)
    np.testing.assert_array_equal(one.image_index, many.image_index)
    np.testing.assert_array_equal(one.position, many.position)
    assert one.params == many.params


@pytest.mark.parametrize("relu", [False, True])
def test_top_l2_norms_in_cache_sized_chunks_match_one_pass(monkeypatch, relu):
    from tda_widgets.point_clouds import samplers

    acts = _acts(n=9, c=6, h=5, w=5)
    whole = top_l2(relu=relu)(acts)
    monkeypatch.setattr(samplers, "_CACHE_ELEMENTS", 2 * 6 * 25)  # two images per chunk
    chunked = top_l2(relu=relu)(acts)
    np.testing.assert_array_equal(whole.position, chunked.position)
    np.testing.assert_array_equal(whole.points, chunked.points)
    source = np.maximum(acts, 0) if relu else acts
    best = (source**2).sum(axis=1).reshape(9, -1).argmax(axis=1)
    np.testing.assert_array_equal(whole.position, np.stack([best // 5, best % 5], axis=1))
