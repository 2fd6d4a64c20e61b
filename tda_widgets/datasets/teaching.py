"""Teaching data whose topology is known in advance.

Seeded point clouds (``circle``: one loop; ``two_circles``: two loops, two components;
``figure_eight``: two loops, one component; ``torus``: two loops and a void; ``sphere``: a
void, no loop) and :func:`rotating_image`, one image rotated through 360 degrees: its
pixel-space point cloud is a loop, which one can follow through a network's layers to
see where it persists and where it dies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from tda_widgets.datasets._base import ImageDataset

from tda_widgets._validation import check_int, check_number, describe

__all__ = ["circle", "figure_eight", "rotating_image", "sphere", "torus", "two_circles"]


def _check(n: Any, noise: Any, seed: Any, *, min_n: int = 1) -> np.random.Generator:
    """Check the arguments shared by the point clouds and return the generator."""
    check_int(n, name="n", minimum=min_n)
    check_number(noise, name="noise", minimum=0)
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, (int, np.integer, np.random.Generator))
    ):
        raise TypeError(f"seed: expected an int, a numpy Generator or None, got {describe(seed)}")
    return np.random.default_rng(seed)


def _noisy(points: NDArray[np.float64], noise: float, rng: np.random.Generator) -> Any:
    return points + noise * rng.standard_normal(points.shape) if noise else points


def circle(
    n: int = 100,
    noise: float = 0.0,
    seed: int | np.random.Generator | None = 0,
    *,
    radius: float = 1.0,
) -> NDArray[np.float64]:
    """``n`` points on a circle of the given radius in the plane, at random angles.

    Parameters
    ----------
    n : int
        Number of points.
    noise : float
        Standard deviation of Gaussian noise added to each coordinate.
    seed : int, numpy Generator or None
        Randomness; the default 0 makes repeated calls identical.
    radius : float
        Radius of the circle.

    Returns
    -------
    ndarray of float64, shape (n, 2)

    Examples
    --------
    >>> import numpy as np
    >>> pts = circle(50)
    >>> pts.shape, bool(np.allclose(np.hypot(pts[:, 0], pts[:, 1]), 1.0))
    ((50, 2), True)
    """
    rng = _check(n, noise, seed)
    angles = rng.uniform(0.0, 2 * np.pi, size=n)
    pts = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return np.asarray(_noisy(pts, noise, rng), dtype=np.float64)


def two_circles(
    n: int = 200, noise: float = 0.0, seed: int | np.random.Generator | None = 0
) -> NDArray[np.float64]:
    """Two disjoint unit circles centred at ``(-1.5, 0)`` and ``(1.5, 0)``, ``n`` points in all.

    The first ``n // 2`` points lie on the left circle. Known answer: two H0 components
    and two H1 loops.

    Examples
    --------
    >>> pts = two_circles(100)
    >>> pts.shape, int((pts[:, 0] < 0).sum())
    ((100, 2), 50)
    """
    rng = _check(n, noise, seed, min_n=2)
    left = circle(n // 2, 0.0, rng) + np.array([-1.5, 0.0])
    right = circle(n - n // 2, 0.0, rng) + np.array([1.5, 0.0])
    return np.asarray(_noisy(np.concatenate([left, right]), noise, rng), dtype=np.float64)


def figure_eight(
    n: int = 200, noise: float = 0.0, seed: int | np.random.Generator | None = 0
) -> NDArray[np.float64]:
    """Two unit circles touching at the origin (centres ``(-1, 0)`` and ``(1, 0)``).

    Known answer: one component and two H1 loops (a wedge of two circles).

    Examples
    --------
    >>> import numpy as np
    >>> pts = figure_eight(100)
    >>> pts.shape, bool(np.abs(pts[:, 0]).max() <= 2.0)
    ((100, 2), True)
    """
    rng = _check(n, noise, seed, min_n=2)
    left = circle(n // 2, 0.0, rng) + np.array([-1.0, 0.0])
    right = circle(n - n // 2, 0.0, rng) + np.array([1.0, 0.0])
    return np.asarray(_noisy(np.concatenate([left, right]), noise, rng), dtype=np.float64)


def torus(
    n: int = 400,
    noise: float = 0.0,
    seed: int | np.random.Generator | None = 0,
    *,
    major_radius: float = 2.0,
    minor_radius: float = 1.0,
) -> NDArray[np.float64]:
    """``n`` points on a torus in R^3, uniform with respect to its surface area.

    Known answer: one component, two H1 loops and one H2 void.

    Examples
    --------
    >>> import numpy as np
    >>> pts = torus(200)
    >>> ring = np.hypot(pts[:, 0], pts[:, 1]) - 2.0
    >>> pts.shape, bool(np.allclose(ring**2 + pts[:, 2] ** 2, 1.0))
    ((200, 3), True)
    """
    rng = _check(n, noise, seed)
    if not 0 < minor_radius < major_radius:
        raise ValueError(
            "minor_radius: expected 0 < minor_radius < major_radius, "
            f"got minor_radius={minor_radius!r} and major_radius={major_radius!r}"
        )
    # rejection sampling of the tube angle makes the density uniform on the surface
    tube = np.empty(0)
    while tube.size < n:
        cand = rng.uniform(0.0, 2 * np.pi, size=2 * n)
        keep = rng.uniform(0.0, 1.0, size=2 * n) < (
            (major_radius + minor_radius * np.cos(cand)) / (major_radius + minor_radius)
        )
        tube = np.concatenate([tube, cand[keep]])
    tube = tube[:n]
    around = rng.uniform(0.0, 2 * np.pi, size=n)
    ring = major_radius + minor_radius * np.cos(tube)
    pts = np.stack(
        [ring * np.cos(around), ring * np.sin(around), minor_radius * np.sin(tube)], axis=1
    )
    return np.asarray(_noisy(pts, noise, rng), dtype=np.float64)


def sphere(
    n: int = 300,
    noise: float = 0.0,
    seed: int | np.random.Generator | None = 0,
    *,
    dim: int = 2,
) -> NDArray[np.float64]:
    """``n`` points uniform on the unit ``dim``-sphere in R^(dim + 1).

    Known answer for ``dim=2``: one component, no loop, one H2 void.

    Examples
    --------
    >>> import numpy as np
    >>> pts = sphere(100)
    >>> pts.shape, bool(np.allclose(np.linalg.norm(pts, axis=1), 1.0))
    ((100, 3), True)
    """
    rng = _check(n, noise, seed)
    dim = check_int(dim, name="dim", minimum=1)
    pts = rng.standard_normal((n, dim + 1))
    pts /= np.linalg.norm(pts, axis=1, keepdims=True)
    return np.asarray(_noisy(pts, noise, rng), dtype=np.float64)


def _default_picture(size: int) -> NDArray[np.float32]:
    """A smooth, asymmetric grey picture (two blobs and a bar), zero near the border."""
    c = (size - 1) / 2
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) - c
    s = size / 32
    img = np.exp(-((x - 7 * s) ** 2 + y**2) / (2 * (2.5 * s) ** 2))
    img += 0.6 * np.exp(-((x + 3 * s) ** 2 + (y - 6 * s) ** 2) / (2 * (3.5 * s) ** 2))
    img += 0.4 * np.exp(-(((x + 4 * s) / (5 * s)) ** 2 + ((y + 5 * s) / (1.5 * s)) ** 2))
    img *= (x**2 + y**2) <= (c - 1) ** 2  # inside the inscribed disc: rotation keeps it
    return (img / img.max()).astype(np.float32)[None]


def rotating_image(n_angles: int = 72, image: Any = None, *, size: int = 32) -> ImageDataset:
    """One image rotated through 360 degrees in ``n_angles`` equal steps.

    As the angle goes round, the image traces a closed curve in pixel space, so the point
    cloud of flattened images has one dominant H1 bar. Pass it through a network to see
    in which layers that loop survives.

    Parameters
    ----------
    n_angles : int
        Number of rotations, at angles ``360 * k / n_angles`` degrees (at least 3).
    image : array-like of shape (H, W) or (C, H, W), optional
        The image to rotate (about its centre, bilinear, zero outside). The default is a
        smooth asymmetric grey picture of shape ``(1, size, size)``.
    size : int
        Side of the default picture (ignored when ``image`` is given).

    Returns
    -------
    ImageDataset
        ``n_angles`` float32 images; target ``k`` is the rotation index and
        ``extras["angle_deg"]`` holds the angles in degrees.

    Examples
    --------
    >>> ds = rotating_image(36)
    >>> len(ds), tuple(ds.images.shape[1:]), float(ds.extras["angle_deg"][1])
    (36, (1, 32, 32), 10.0)
    """
    import torch
    import torch.nn.functional as F

    from tda_widgets.datasets._base import ImageDataset

    n_angles = check_int(n_angles, name="n_angles", minimum=3)
    if image is None:
        size = check_int(size, name="size", minimum=8)
        picture = torch.from_numpy(_default_picture(size))
    else:
        picture = torch.as_tensor(np.asarray(image, dtype=np.float32))
        if picture.ndim == 2:
            picture = picture[None]
        if picture.ndim != 3 or not bool(torch.isfinite(picture).all()):
            raise ValueError(
                "image: expected a finite array of shape (H, W) or (C, H, W), "
                f"got shape {tuple(picture.shape)}"
            )
    angles = 360.0 * np.arange(n_angles) / n_angles
    theta = np.deg2rad(angles)
    cos, sin = np.cos(theta), np.sin(theta)
    affine = np.zeros((n_angles, 2, 3), dtype=np.float32)
    height, width = picture.shape[-2:]  # normalised coordinates: undo the aspect ratio
    affine[:, 0, 0], affine[:, 0, 1] = cos, -sin * height / width
    affine[:, 1, 0], affine[:, 1, 1] = sin * width / height, cos
    batch = picture[None].expand(n_angles, *picture.shape)
    grid = F.affine_grid(torch.from_numpy(affine), list(batch.shape), align_corners=False)
    rotated = F.grid_sample(batch, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return ImageDataset(
        rotated,
        np.arange(n_angles),
        classes=tuple(f"{a:g} deg" for a in angles),
        name="rotating_image",
        extras={"angle_deg": angles},
    )
