"""A synthetic image dataset with a known two-level class hierarchy.

Eight shape classes in two superclasses, ``curved`` (circle, ellipse, ring, crescent) and
``angular`` (square, triangle, star, cross), drawn with numpy at random position, scale,
rotation, colour and noise. Because the hierarchy is known, the paper's observation that
Mapper graphs of activations group classes hierarchically can be checked against ground
truth. Shapes are rasterised with 4x4 supersampling, so edges are anti-aliased.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from tda_widgets._validation import check_int, check_number
from tda_widgets.datasets._base import ImageDataset

__all__ = [
    "SHAPE_CLASSES",
    "SHAPE_SUPERCLASSES",
    "HierarchicalImageDataset",
    "hierarchical_shapes",
]

#: Fine class names, in target order.
SHAPE_CLASSES: tuple[str, ...] = (
    "circle",
    "ellipse",
    "ring",
    "crescent",
    "square",
    "triangle",
    "star",
    "cross",
)
#: Coarse class names, in coarse-target order.
SHAPE_SUPERCLASSES: tuple[str, ...] = ("curved", "angular")
_FINE_TO_COARSE = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=np.int64)
_SUPERSAMPLE = 4


class HierarchicalImageDataset(ImageDataset):
    """An :class:`ImageDataset` whose fine classes group into coarse superclasses.

    Attributes
    ----------
    coarse_targets : torch.Tensor, int64, shape (n,)
        Superclass index of each image.
    coarse_classes : tuple of str
        Superclass names.
    fine_to_coarse : ndarray of int64, shape (n_classes,)
        Superclass index of each fine class.
    masks : ndarray of bool, shape (n, H, W), or None
        Where the object of each image is (True on its pixels), when known;
        :func:`hierarchical_shapes` knows it. Masks follow the stored images, not what
        ``transform`` makes of them.

    Examples
    --------
    >>> import numpy as np
    >>> ds = HierarchicalImageDataset(
    ...     np.zeros((3, 1, 4, 4)), [0, 1, 2], ("a", "b", "c"),
    ...     coarse_classes=("ab", "c"), fine_to_coarse=np.array([0, 0, 1]))
    >>> ds.coarse_labels
    array([0, 0, 1])
    """

    def __init__(
        self,
        images: Any,
        targets: Any,
        classes: tuple[str, ...],
        *,
        coarse_classes: tuple[str, ...],
        fine_to_coarse: NDArray[np.int64],
        masks: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(images, targets, classes, **kwargs)
        if masks is not None:
            masks = np.asarray(masks)
            expected = (len(self.targets), *self.images.shape[2:])
            if masks.shape != expected or masks.dtype != np.bool_:
                raise ValueError(
                    f"masks: expected booleans of shape {expected} (one mask per image), got "
                    f"{masks.dtype} of shape {masks.shape}"
                )
        self.masks: NDArray[np.bool_] | None = masks
        self.coarse_classes = tuple(coarse_classes)
        self.fine_to_coarse = np.asarray(fine_to_coarse, dtype=np.int64)
        self.coarse_targets = torch.as_tensor(self.fine_to_coarse[self.targets.numpy()])

    @property
    def coarse_labels(self) -> NDArray[np.int64]:
        """The coarse targets as a numpy int64 array."""
        return self.coarse_targets.numpy().astype(np.int64)


def _in_polygon(x: NDArray[np.float64], y: NDArray[np.float64], verts: NDArray[np.float64]) -> Any:
    """Even-odd test of points ``(x, y)`` against a closed polygon ``verts`` (k, 2)."""
    inside = np.zeros(x.shape, dtype=bool)
    xj, yj = verts[-1]
    for xi, yi in verts:
        crosses = (yi > y) != (yj > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_edge = (xj - xi) * (y - yi) / (yj - yi) + xi
        inside ^= crosses & (x < x_edge)
        xj, yj = xi, yi
    return inside


def _regular(radii: list[float], offset_deg: float = 90.0) -> NDArray[np.float64]:
    """Polygon with vertices at equal angles and the given radii."""
    angles = np.deg2rad(offset_deg) + 2 * np.pi * np.arange(len(radii)) / len(radii)
    r = np.asarray(radii)
    return np.stack([r * np.cos(angles), r * np.sin(angles)], axis=1)


_T = 0.32  # half-width of the cross's arms
_POLYGONS = {
    "square": np.array([[-0.75, -0.75], [0.75, -0.75], [0.75, 0.75], [-0.75, 0.75]]),
    "triangle": _regular([1.0, 1.0, 1.0]),
    "star": _regular([1.0, 0.42] * 5),
    "cross": np.array(
        [
            [-_T, 1],
            [_T, 1],
            [_T, _T],
            [1, _T],
            [1, -_T],
            [_T, -_T],
            [_T, -1],
            [-_T, -1],
            [-_T, -_T],
            [-1, -_T],
            [-1, _T],
            [-_T, _T],
        ],
        dtype=np.float64,
    ),
}


def _mask(
    name: str, u: NDArray[np.float64], v: NDArray[np.float64], rng: np.random.Generator
) -> Any:
    """Membership of local coordinates ``(u, v)`` (shape radius about 1) in shape ``name``."""
    r2 = u**2 + v**2
    if name == "circle":
        return r2 <= 1.0
    if name == "ellipse":
        aspect = rng.uniform(0.4, 0.6)
        return u**2 + (v / aspect) ** 2 <= 1.0
    if name == "ring":
        inner = rng.uniform(0.45, 0.62)
        return (r2 <= 1.0) & (r2 >= inner**2)
    if name == "crescent":
        shift = rng.uniform(0.4, 0.55)
        return (r2 <= 1.0) & ((u - shift) ** 2 + v**2 > 0.8**2)
    return _in_polygon(u, v, _POLYGONS[name])


def _draw(name: str, size: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """Coverage in [0, 1] of one randomly placed, scaled and rotated shape, (size, size)."""
    radius = rng.uniform(0.22, 0.40) * size
    cx, cy = rng.uniform(radius + 1, size - 1 - radius, size=2)
    theta = rng.uniform(0, 2 * np.pi)
    fine = (np.arange(size * _SUPERSAMPLE) + 0.5) / _SUPERSAMPLE
    px, py = np.meshgrid(fine - cx, fine - cy)
    cos, sin = np.cos(theta), np.sin(theta)
    u = (cos * px + sin * py) / radius
    v = (-sin * px + cos * py) / radius
    inside = _mask(name, u, v, rng).astype(np.float64)
    return inside.reshape(size, _SUPERSAMPLE, size, _SUPERSAMPLE).mean(axis=(1, 3))


def hierarchical_shapes(
    n_per_class: int = 100,
    seed: int = 0,
    *,
    size: int = 32,
    noise: float = 0.05,
    transform: Callable[[torch.Tensor], Any] | None = None,
) -> HierarchicalImageDataset:
    """Coloured shapes in 8 classes grouped into 2 superclasses, with random nuisances.

    Each image is one shape (``circle``, ``ellipse``, ``ring``, ``crescent``: superclass
    ``curved``; ``square``, ``triangle``, ``star``, ``cross``: superclass ``angular``) at a
    random position, scale (radius 22-40% of the side) and rotation, in a random light
    colour on a random dark background, plus Gaussian pixel noise.

    Parameters
    ----------
    n_per_class : int
        Images per fine class; the dataset holds ``8 * n_per_class`` images, with
        classes interleaved (image ``i`` has class ``i % 8``).
    seed : int
        Seed of the numpy generator; the same seed gives the same images.
    size : int
        Side of the square images in pixels (at least 8).
    noise : float
        Standard deviation of the Gaussian noise added to each pixel (values are
        clipped to ``[0, 1]`` afterwards).
    transform : callable or None
        Applied to each image tensor when indexing.

    Returns
    -------
    HierarchicalImageDataset
        Images of shape ``(3, size, size)``, float32 in ``[0, 1]``; ``targets`` index
        :data:`SHAPE_CLASSES`, ``coarse_targets`` index :data:`SHAPE_SUPERCLASSES`;
        ``masks`` (bool, ``(n, size, size)``) is True where the shape covers at least
        half of a pixel: the true foreground, for the paper's foreground sampler.

    Examples
    --------
    >>> ds = hierarchical_shapes(n_per_class=2, seed=0)
    >>> len(ds), tuple(ds.images.shape[1:])
    (16, (3, 32, 32))
    >>> [ds.classes[t] for t in ds.labels[:3]], ds.coarse_labels[:8].tolist()
    (['circle', 'ellipse', 'ring'], [0, 0, 0, 0, 1, 1, 1, 1])
    >>> ds.masks.shape, bool(ds.masks[0].any())
    ((16, 32, 32), True)
    """
    n_per_class = check_int(n_per_class, name="n_per_class", minimum=1)
    seed = check_int(seed, name="seed")
    size = check_int(size, name="size", minimum=8)
    noise = check_number(noise, name="noise", minimum=0)
    rng = np.random.default_rng(seed)
    n = n_per_class * len(SHAPE_CLASSES)
    targets = np.arange(n, dtype=np.int64) % len(SHAPE_CLASSES)
    images = np.empty((n, 3, size, size), dtype=np.float32)
    masks = np.empty((n, size, size), dtype=bool)
    for i, target in enumerate(targets):
        coverage = _draw(SHAPE_CLASSES[target], size, rng)
        masks[i] = coverage >= 0.5
        background = rng.uniform(0.0, 0.3, size=3)
        foreground = np.minimum(background + rng.uniform(0.4, 0.7, size=3), 1.0)
        img = background[:, None, None] + (foreground - background)[:, None, None] * coverage
        img += noise * rng.standard_normal(img.shape)
        images[i] = np.clip(img, 0.0, 1.0)
    return HierarchicalImageDataset(
        images,
        targets,
        SHAPE_CLASSES,
        coarse_classes=SHAPE_SUPERCLASSES,
        fine_to_coarse=_FINE_TO_COARSE,
        masks=masks,
        transform=transform,
        name=f"hierarchical_shapes(seed={seed})",
    )
