"""ImageDataset: the in-memory dataset behind mnist_5k, digits, shapes and rotating_image."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

from tda_widgets.datasets import ImageDataset


def test_indexing_batches_and_extras() -> None:
    images = np.arange(2 * 3 * 4 * 4, dtype=np.float64).reshape(2, 3, 4, 4)
    ds = ImageDataset(images, [1, 0], ("a", "b"), extras={"angle": [0.0, 90.0]}, name="toy")
    assert ds.images.dtype == torch.float32 and ds.targets.dtype == torch.int64
    image, label = ds[0]
    assert torch.equal(image, torch.from_numpy(images[0]).float()) and label == 1
    x, y = next(iter(DataLoader(ds, batch_size=2)))
    assert x.shape == (2, 3, 4, 4) and y.tolist() == [1, 0]
    np.testing.assert_array_equal(ds.extras["angle"], [0.0, 90.0])
    assert repr(ds) == "toy(n=2, image shape 3x4x4, 2 classes: a, b)"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"images": np.zeros((2, 4, 4))}, r"images: expected an array of shape \(n, C, H, W\)"),
        (
            {"targets": [0, 1, 0]},
            r"targets: expected shape \(2,\) to match images, got shape \(3,\)",
        ),
        (
            {"targets": [0, 5]},
            r"targets: expected class indices in \[0, 2\), got values in \[0, 5\]",
        ),
        ({"extras": {"w": [1.0]}}, r"extras\['w'\]: expected 2 rows to match images"),
    ],
)
def test_bad_input_is_named(kwargs: dict, match: str) -> None:
    args = {"images": np.zeros((2, 1, 4, 4)), "targets": [0, 1], "classes": ("a", "b"), **kwargs}
    with pytest.raises(ValueError, match=match):
        ImageDataset(**args)
