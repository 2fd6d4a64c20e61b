"""hierarchical_shapes: sizes, balance, hierarchy, determinism and the drawing itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tda_widgets.datasets import SHAPE_CLASSES, SHAPE_SUPERCLASSES, hierarchical_shapes
from tda_widgets.datasets.shapes import _draw, _mask


def test_sizes_dtypes_balance_and_hierarchy() -> None:
    ds = hierarchical_shapes(n_per_class=5, seed=3)
    assert len(ds) == 40
    assert ds.images.shape == (40, 3, 32, 32) and ds.images.dtype == torch.float32
    assert float(ds.images.min()) >= 0.0 and float(ds.images.max()) <= 1.0
    np.testing.assert_array_equal(np.bincount(ds.labels, minlength=8), np.full(8, 5))
    assert ds.classes == SHAPE_CLASSES and ds.coarse_classes == SHAPE_SUPERCLASSES
    curved = {"circle", "ellipse", "ring", "crescent"}
    for fine, coarse in zip(ds.labels, ds.coarse_labels, strict=True):
        assert (ds.classes[fine] in curved) == (ds.coarse_classes[coarse] == "curved")
    np.testing.assert_array_equal(np.bincount(ds.coarse_labels), [20, 20])
    assert ds.coarse_targets.dtype == torch.int64
    image, label = ds[9]
    assert image.shape == (3, 32, 32) and label == 1


def test_deterministic_per_seed_and_random_across_seeds() -> None:
    a, b = hierarchical_shapes(3, seed=7), hierarchical_shapes(3, seed=7)
    c = hierarchical_shapes(3, seed=8)
    assert torch.equal(a.images, b.images) and torch.equal(a.targets, b.targets)
    assert not torch.allclose(a.images, c.images)


def test_nuisances_vary_within_a_class() -> None:
    ds = hierarchical_shapes(20, seed=0, noise=0.0)
    circles = ds.images[ds.targets == 0]
    # colour: the brightest pixel differs from image to image
    assert circles.amax(dim=(2, 3)).std(dim=0).min() > 0.05
    # position and scale: the covered area and its centroid vary
    mask = (circles - circles[:, :, :1, :1]).abs().sum(1) > 0.2
    area = mask.flatten(1).sum(1).float()
    assert area.std() > 10
    ys = (mask * torch.arange(32)[:, None]).flatten(1).sum(1) / area
    assert ys.std() > 1.0


def test_shapes_are_drawn_as_described() -> None:
    rng = np.random.default_rng(0)
    u, v = np.meshgrid(np.linspace(-1.2, 1.2, 241), np.linspace(-1.2, 1.2, 241))
    cell = (2.4 / 240) ** 2
    assert _mask("circle", u, v, rng).sum() * cell == pytest.approx(np.pi, rel=0.02)
    assert _mask("square", u, v, rng).sum() * cell == pytest.approx(1.5**2, rel=0.02)
    triangle = 3 * np.sqrt(3) / 4  # equilateral, circumradius 1
    assert _mask("triangle", u, v, rng).sum() * cell == pytest.approx(triangle, rel=0.03)
    centre = (120, 120)
    assert _mask("circle", u, v, rng)[centre] and _mask("cross", u, v, rng)[centre]
    assert not _mask("ring", u, v, rng)[centre]
    star = 10 * 0.5 * 1.0 * 0.42 * np.sin(np.pi / 5)  # 10 triangles, radii 1 and 0.42
    assert _mask("star", u, v, rng).sum() * cell == pytest.approx(star, rel=0.03)
    cross = 2 * (0.64 * 2) - 0.64**2  # two 0.64 x 2 bars, overlapping in a square
    assert _mask("cross", u, v, rng).sum() * cell == pytest.approx(cross, rel=0.03)
    coverage = _draw("ring", 32, np.random.default_rng(1))
    assert coverage.shape == (32, 32) and coverage.min() >= 0 and coverage.max() == 1.0


def test_transform_and_bad_arguments() -> None:
    ds = hierarchical_shapes(1, transform=lambda t: t[:1])
    assert ds[0][0].shape == (1, 32, 32)
    assert hierarchical_shapes(1, size=16).images.shape == (8, 3, 16, 16)
    with pytest.raises(ValueError, match=r"n_per_class: expected an integer >= 1, got 0"):
        hierarchical_shapes(0)
    with pytest.raises(TypeError, match=r"seed: expected an integer, got str 'a'"):
        hierarchical_shapes(1, seed="a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"size: expected an integer >= 8, got 4"):
        hierarchical_shapes(1, size=4)
    with pytest.raises(ValueError, match=r"noise: expected a finite number >= 0, got -1"):
        hierarchical_shapes(1, noise=-1)
