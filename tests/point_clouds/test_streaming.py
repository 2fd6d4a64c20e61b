"""Streaming (point_cloud= during extraction) equals sampling the full activations."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from tda_widgets import (
    all_positions,
    extract_activations,
    flatten,
    pooled,
    random_position,
    top_l2,
)


@pytest.fixture(scope="module")
def setup():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1),
        nn.Flatten(),
        nn.Linear(16 * 6 * 6, 5),
    ).eval()
    images = torch.randn(23, 3, 12, 12, generator=torch.Generator().manual_seed(3))
    labels = np.arange(23) % 5
    full = extract_activations(
        model, images, ["1", "3", "5"], batch_size=8, labels=labels, progress=False
    )
    return model, images, labels, full


SAMPLERS = [
    top_l2(),
    top_l2(relu=True),
    random_position(seed=11),
    random_position(seed=11, skip_index_0=True),
    all_positions(max_points=150, seed=1),
    all_positions(max_points=None),
    pooled(),
    flatten(),
]


@pytest.mark.parametrize("sampler", SAMPLERS, ids=lambda s: repr(s))
def test_streaming_equals_full(setup, sampler):
    model, images, labels, full = setup
    layers = ["1", "3"] if sampler.name not in {"pooled", "flatten"} else ["1", "3", "5"]
    # same batch size as the full run, so the model's own arithmetic is identical
    streamed = extract_activations(
        model, images, layers, batch_size=8, labels=labels, point_cloud=sampler, progress=False
    )
    np.testing.assert_array_equal(streamed.labels, labels)
    for layer in layers:
        a, b = streamed[layer], sampler(full[layer], layer=layer, labels=full.labels)
        np.testing.assert_array_equal(a.points, b.points)
        np.testing.assert_array_equal(a.image_index, b.image_index)
        np.testing.assert_array_equal(a.position, b.position)
        np.testing.assert_array_equal(a.labels, b.labels)
        np.testing.assert_array_equal(a.labels, labels[a.image_index])
        assert a.layer == b.layer == layer
        assert dict(a.params) == dict(b.params)


def test_streaming_is_independent_of_batch_size_for_sampler_randomness(setup):
    full = setup[3]
    sampler = all_positions(max_points=100, seed=9)
    # sampling the same activations in different chunk sizes: identical choice of points
    a = sampler(full["3"], chunk_size=5)
    b = sampler(full["3"], chunk_size=23)
    np.testing.assert_array_equal(a.points, b.points)
    np.testing.assert_array_equal(a.position, b.position)
