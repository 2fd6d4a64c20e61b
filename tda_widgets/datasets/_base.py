"""The in-memory image dataset shared by the embedded datasets.

Every dataset built in memory here (``mnist_5k``, ``digits``, ``hierarchical_shapes``,
``rotating_image``) is an :class:`ImageDataset`: a torch ``Dataset`` of float32 images of
shape ``(C, H, W)`` with integer targets, plus the whole arrays as attributes so that a
notebook can index, colour or plot them without a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch.utils.data import Dataset

__all__ = ["ImageDataset"]


class ImageDataset(Dataset[tuple[torch.Tensor, int]]):
    """Images and labels held in memory, indexable like any torch ``Dataset``.

    Parameters
    ----------
    images : array-like of shape (n, C, H, W)
        The images, converted to a float32 tensor.
    targets : array-like of int, shape (n,)
        One class index per image.
    classes : sequence of str
        Class names; ``classes[targets[i]]`` names image ``i``'s class.
    transform : callable or None
        Applied to each image tensor in ``__getitem__`` (not to :attr:`images`).
    name : str
        Short name shown in ``repr``.
    extras : mapping of str to array-like, optional
        Further per-image arrays (for example coarse labels), stored as numpy arrays
        under :attr:`extras` and checked to have ``n`` rows.

    Attributes
    ----------
    images : torch.Tensor, float32, shape (n, C, H, W)
    targets : torch.Tensor, int64, shape (n,)
    classes : tuple of str
    extras : dict of str to ndarray

    Examples
    --------
    >>> import numpy as np
    >>> ds = ImageDataset(np.zeros((4, 1, 8, 8)), [0, 1, 0, 1], classes=("a", "b"))
    >>> len(ds), ds[1][0].shape, ds[1][1]
    (4, torch.Size([1, 8, 8]), 1)
    >>> ds.labels
    array([0, 1, 0, 1])
    """

    def __init__(
        self,
        images: Any,
        targets: Any,
        classes: Sequence[str],
        *,
        transform: Callable[[torch.Tensor], Any] | None = None,
        name: str = "ImageDataset",
        extras: Mapping[str, Any] | None = None,
    ) -> None:
        imgs = torch.as_tensor(np.asarray(images), dtype=torch.float32)
        if imgs.ndim != 4:
            raise ValueError(
                f"images: expected an array of shape (n, C, H, W), got shape {tuple(imgs.shape)}"
            )
        tgts = torch.as_tensor(np.asarray(targets), dtype=torch.int64)
        if tgts.shape != (imgs.shape[0],):
            raise ValueError(
                f"targets: expected shape ({imgs.shape[0]},) to match images, "
                f"got shape {tuple(tgts.shape)}"
            )
        self.classes: tuple[str, ...] = tuple(classes)
        if tgts.numel() and not 0 <= int(tgts.min()) <= int(tgts.max()) < len(self.classes):
            raise ValueError(
                f"targets: expected class indices in [0, {len(self.classes)}), "
                f"got values in [{int(tgts.min())}, {int(tgts.max())}]"
            )
        self.images = imgs
        self.targets = tgts
        self.transform = transform
        self.name = name
        self.extras: dict[str, NDArray[Any]] = {}
        for key, value in (extras or {}).items():
            arr = np.asarray(value)
            if arr.shape[:1] != (imgs.shape[0],):
                raise ValueError(
                    f"extras[{key!r}]: expected {imgs.shape[0]} rows to match images, "
                    f"got shape {arr.shape}"
                )
            self.extras[key] = arr

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def __getitem__(self, index: int) -> tuple[Any, int]:
        image: Any = self.images[index]
        if self.transform is not None:
            image = self.transform(image)
        return image, int(self.targets[index])

    @property
    def labels(self) -> NDArray[np.int64]:
        """The targets as a numpy int64 array."""
        return self.targets.numpy().astype(np.int64)

    def __repr__(self) -> str:
        shape = "x".join(str(s) for s in self.images.shape[1:])
        return (
            f"{self.name}(n={len(self)}, image shape {shape}, "
            f"{len(self.classes)} classes: {', '.join(self.classes[:10])}"
            f"{', ...' if len(self.classes) > 10 else ''})"
        )
