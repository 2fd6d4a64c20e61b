"""image_folder scales each image by its own bit depth (issue 14.7)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from tda_widgets.datasets import image_folder


def _gradient16() -> np.ndarray:
    """A 64 x 64 grey gradient of 4096 levels spread over the whole 16-bit range."""
    return (np.arange(4096, dtype=np.uint16) * 16).reshape(64, 64)


def _folder(root: Path) -> np.ndarray:
    (root / "a").mkdir()
    (root / "b").mkdir()
    ramp = _gradient16()
    Image.fromarray(ramp).save(root / "a" / "ramp16.png")  # Pillow writes a 16-bit PNG
    Image.fromarray((ramp >> 8).astype(np.uint8)).save(root / "b" / "ramp8.png")
    return ramp


def test_sixteen_bit_png_is_scaled_by_its_bit_depth(tmp_path: Path) -> None:
    ramp = _folder(tmp_path)
    assert Image.open(tmp_path / "a" / "ramp16.png").mode.startswith("I;16")
    ds = image_folder(tmp_path)
    image, label = ds[0]
    assert label == 0 and image.shape == (3, 64, 64) and image.dtype == torch.float32
    # each level keeps its value: 4096 distinct values, not 99.6% clipped to 1.0
    np.testing.assert_allclose(image[0].numpy(), ramp / 65535, atol=1e-7)
    assert torch.equal(image[0], image[1]) and torch.equal(image[0], image[2])
    assert float((image == 1.0).float().mean()) < 0.01
    assert len(torch.unique(image[0])) == 4096
    # the 8-bit copy of the same ramp gives the same picture to 8-bit precision
    eight, _ = ds[1]
    np.testing.assert_allclose(eight[0].numpy(), image[0].numpy(), atol=1 / 255 + 1e-6)


def test_sixteen_bit_png_with_resize_and_pickled_dataset(tmp_path: Path) -> None:
    _folder(tmp_path)
    ds = pickle.loads(pickle.dumps(image_folder(tmp_path, image_size=16)))  # for workers
    image, _ = ds[0]
    assert image.shape == (3, 16, 16)
    assert float(image.min()) >= 0.0 and float(image.max()) <= 1.0
    assert float(image.max()) > 0.9 and float(image.min()) < 0.1
