"""Teaching data: point clouds and the rotating image have the topology they promise."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from ripser import ripser

from tda_widgets.datasets import circle, figure_eight, rotating_image, sphere, torus, two_circles


def _persistence(dgm: np.ndarray) -> np.ndarray:
    """Finite persistences, longest first, followed by a 0 (so ``[k]`` always exists)."""
    finite = dgm[np.isfinite(dgm[:, 1])]
    return np.append(np.sort(finite[:, 1] - finite[:, 0])[::-1], 0.0)


@pytest.mark.parametrize(
    ("make", "dim"),
    [(circle, 2), (two_circles, 2), (figure_eight, 2), (torus, 3), (sphere, 3)],
)
def test_clouds_shape_dtype_and_seeding(make, dim: int) -> None:
    pts = make(60)
    assert pts.shape == (60, dim) and pts.dtype == np.float64
    np.testing.assert_array_equal(pts, make(60))
    np.testing.assert_array_equal(pts, make(60, seed=0))
    assert not np.allclose(pts, make(60, seed=1))
    noisy = make(60, noise=0.1)
    assert 0.02 < np.abs(noisy - pts).mean() < 0.2
    rng = np.random.default_rng(5)
    assert make(10, seed=rng).shape == (10, dim)


@pytest.mark.parametrize(
    ("make", "n", "n_loops", "n_components", "merge", "gap"),
    [
        (circle, 80, 1, 1, 0.5, 3.0),
        (two_circles, 120, 2, 2, 0.5, 3.0),
        (figure_eight, 120, 2, 1, 0.5, 3.0),
        (torus, 400, 2, 1, 1.0, 1.7),  # sparse on a surface: more mid-size noise bars
    ],
)
def test_clouds_have_their_known_homology(
    make, n: int, n_loops: int, n_components: int, merge: float, gap: float
) -> None:
    dgms = ripser(make(n, noise=0.02))["dgms"]
    h0 = np.sort(dgms[0][:, 1])[::-1]  # the first death is inf
    h1 = _persistence(dgms[1])
    # n_components long-lived components; all other points merge below the sampling scale
    assert np.isinf(h0[0])
    if n_components == 2:
        assert h0[1] > 0.9  # the circles are 1 apart
    assert h0[n_components] < merge
    # n_loops long H1 bars, much longer than the next
    assert h1[n_loops - 1] > 0.5
    assert h1[n_loops - 1] > gap * h1[n_loops]


def test_sphere_has_a_void_and_no_loop() -> None:
    dgms = ripser(sphere(100), maxdim=2)["dgms"]
    h1, h2 = _persistence(dgms[1]), _persistence(dgms[2])
    assert h2[0] > 0.5 and h2[0] > 5 * h2[1]
    assert h1[0] < 0.7 * h2[0]  # loops only at the sampling scale, well below the void
    assert sphere(5, dim=1).shape == (5, 2)


@pytest.mark.filterwarnings("ignore:The input point cloud has more columns than rows")
def test_rotating_image_has_one_dominant_loop() -> None:
    ds = rotating_image(72)
    assert len(ds) == 72 and ds.images.shape == (72, 1, 32, 32)
    cloud = ds.images.flatten(1).numpy()
    h1 = _persistence(ripser(cloud)["dgms"][1])
    assert h1[0] > 10 * h1[1]
    # consecutive rotations are close, opposite ones are far: the cloud is a loop
    step = np.linalg.norm(cloud[1] - cloud[0])
    assert np.linalg.norm(cloud[36] - cloud[0]) > 4 * step


def test_rotating_image_rotates() -> None:
    ds = rotating_image(8)
    np.testing.assert_allclose(ds.extras["angle_deg"], np.arange(8) * 45.0)
    np.testing.assert_array_equal(ds.labels, np.arange(8))
    first, quarter = ds.images[0, 0], ds.images[2, 0]
    errors = [float((quarter - torch.rot90(first, k)).abs().max()) for k in (1, -1)]
    assert min(errors) < 1e-4 < max(errors)
    assert float(ds.images[0].sum()) == pytest.approx(float(ds.images[3].sum()), rel=0.02)


def test_rotating_image_of_a_given_image() -> None:
    img = np.zeros((3, 16, 16), dtype=np.float32)
    img[:, 4:7, 8:12] = 1.0
    ds = rotating_image(4, img)
    assert ds.images.shape == (4, 3, 16, 16)
    assert torch.allclose(ds.images[0], torch.from_numpy(img), atol=1e-5)
    np.testing.assert_allclose(ds.images[2, 0].numpy(), np.rot90(img[0], 2), atol=1e-5)
    assert rotating_image(3, img[0]).images.shape == (3, 1, 16, 16)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: circle(0), r"n: expected an integer >= 1, got 0"),
        (lambda: circle(5, noise=-0.1), r"noise: expected a finite number >= 0, got -0.1"),
        (lambda: torus(5, minor_radius=3.0), r"minor_radius: expected 0 < minor_radius"),
        (lambda: sphere(5, dim=0), r"dim: expected an integer >= 1, got 0"),
        (lambda: rotating_image(2), r"n_angles: expected an integer >= 3, got 2"),
        (lambda: rotating_image(4, np.zeros(5)), r"image: expected a finite array"),
    ],
)
def test_bad_arguments_are_named(call, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: circle(5, seed="x"), r"seed: expected an int, a numpy Generator or None"),
        (lambda: circle(2.5), r"n: expected an integer >= 1, got float 2.5"),
        (lambda: circle(5, noise="0.1"), r"noise: expected a finite number >= 0, got str"),
        (lambda: sphere(5, dim=1.0), r"dim: expected an integer >= 1, got float 1.0"),
    ],
)
def test_wrong_types_are_type_errors(call, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        call()
