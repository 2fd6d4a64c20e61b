"""Bad sampler parameters and activations get clear errors naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tda_widgets import all_positions, extract_activations, flatten, pooled, random_position, top_l2


def test_bad_parameters():
    with pytest.raises(ValueError, match="max_points: expected an integer >= 1, got 0"):
        all_positions(max_points=0)
    with pytest.raises(TypeError, match=r"max_points: expected an integer >= 1, got float 10\.0"):
        all_positions(max_points=10.0)
    with pytest.raises(ValueError, match="seed: expected an integer >= 0, got -1"):
        random_position(seed=-1)
    with pytest.raises(TypeError, match="relu: expected True or False, got str 'yes'"):
        top_l2(relu="yes")
    with pytest.raises(TypeError, match="skip_index_0: expected True or False"):
        random_position(skip_index_0=1)
    with pytest.raises(TypeError, match="point_cloud: expected None, a sampler name"):
        conv = torch.nn.Sequential(torch.nn.Conv2d(1, 1, 1))
        extract_activations(conv, torch.zeros(2, 1, 2, 2), "0", point_cloud=3, progress=False)


def test_bad_activations():
    with pytest.raises(TypeError, match=r"activations: expected an array of shape \(N, C, H, W\)"):
        top_l2()([[1.0]])
    with pytest.raises(ValueError, match=r"with N >= 1, got shape \(0, 3, 2, 2\)"):
        pooled()(np.zeros((0, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"got shape \(4,\)"):
        flatten()(np.zeros(4))
    with pytest.raises(
        ValueError,
        match=r"top_l2 \(layer 'fc'\): expected a conv feature map .* got shape \(3, 5\); use pooled\(\) or flatten\(\)",
    ):
        top_l2()(np.zeros((3, 5)), layer="fc")
    with pytest.raises(
        ValueError, match=r"random_position \(layer ''\): expected a conv feature map"
    ):
        random_position()(np.zeros((3, 5, 2)))
    with pytest.raises(ValueError, match=r"pooled \(layer ''\): expected activations of shape"):
        pooled()(np.zeros((3, 5, 2)))


def test_non_finite_activations():
    acts = np.ones((4, 2, 3, 3), np.float32)
    acts[2, 1, 0, 2] = np.nan
    with pytest.raises(
        ValueError,
        match=r"layer 'x': expected finite activations, got nan for image 2 at index \(1, 0, 2\)",
    ):
        top_l2()(acts, layer="x")
    with pytest.raises(ValueError, match=r"for image 2"):
        all_positions()(acts, chunk_size=1)


def test_labels_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"labels: expected 4 labels \(one per image\), got 3"):
        top_l2()(np.ones((4, 2, 3, 3)), labels=[0, 1, 2])
    state = pooled().start("x")
    state.update(torch.ones(4, 2, 3, 3), 0)
    with pytest.raises(
        ValueError, match=r"labels: expected 4 labels \(one per image\), got shape \(5,\)"
    ):
        state.finish(labels=np.zeros(5, dtype=np.int64), n_images=4)


def test_streamed_batches_must_agree_in_shape():
    state = top_l2().start("conv")
    state.update(torch.ones(2, 3, 4, 4), 0)
    with pytest.raises(
        ValueError,
        match=r"top_l2 \(layer 'conv'\): expected every batch to have per-image shape \(3, 4, 4\), got \(3, 5, 5\)",
    ):
        state.update(torch.ones(2, 3, 5, 5), 2)


def test_nothing_to_sample_and_skip_index_0_on_1x1():
    with pytest.raises(ValueError, match="top_l2: no activations were given"):
        top_l2().start().finish(labels=None, n_images=0)
    with pytest.raises(ValueError, match="all_positions: no activations were given"):
        all_positions().start().finish(labels=None, n_images=0)
    with pytest.raises(
        ValueError, match=r"skip_index_0: expected a feature map of at least 2x2 .* got 1x1"
    ):
        random_position(skip_index_0=True)(np.ones((2, 3, 1, 1)))


@pytest.mark.parametrize(
    "sampler", [top_l2(), top_l2(relu=True), random_position(), all_positions(), pooled(relu=True)]
)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_every_non_finite_value_is_caught_even_where_not_sampled(sampler, bad):
    acts = np.ones((3, 2, 4, 4), np.float32)
    acts[1, 0, 3, 3] = bad  # -inf would vanish under ReLU or at an unsampled position
    with pytest.raises(
        ValueError,
        match=r"layer '': expected finite activations, .* for image 1 at index \(0, 3, 3\)",
    ):
        sampler(acts)


def test_large_finite_values_are_not_mistaken_for_non_finite():
    acts = np.full((2, 3, 2, 2), 3e38, np.float32)  # squared norms overflow to inf
    cloud = top_l2()(acts)
    assert cloud.n_points == 2 and np.isfinite(cloud.points).all()
