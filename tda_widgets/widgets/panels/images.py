"""Images of a dataset for display: thumbnails as uint8 arrays, without copying the dataset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets.widgets._sprites import as_images

__all__ = ["ImageSource"]


class ImageSource:
    """Random access to a dataset's images as ``(h, w, c)`` uint8 thumbnails.

    Parameters
    ----------
    data : tensor, ndarray, Dataset or DataLoader
        What the activations were extracted from (as :func:`extract_activations` takes it).
    max_side : int
        Larger images are downsampled (area averaging) to at most this many pixels a side.

    Examples
    --------
    >>> import numpy as np
    >>> src = ImageSource(np.zeros((3, 1, 8, 8), dtype=np.float32))
    >>> len(src), src.get([0, 2]).shape
    (3, (2, 8, 8, 1))
    >>> import torch
    >>> len(ImageSource(torch.utils.data.Subset(torch.zeros(10, 1, 4, 4), range(4))))
    4
    """

    def __init__(self, data: Any, *, max_side: int = 64) -> None:
        self._data = _unwrap_loader(data)
        self.max_side = int(max_side)
        try:
            self._n = len(self._data)
        except TypeError as exc:
            raise ValueError(
                f"data: expected a tensor, array or Dataset with a length, got "
                f"{type(data).__name__}"
            ) from exc

    def __len__(self) -> int:
        return self._n

    def _raw(self, i: int) -> Any:
        item = self._data[int(i)]
        if isinstance(item, (tuple, list)):
            item = item[0]
        if hasattr(item, "detach"):
            item = item.detach().cpu().numpy()
        return np.asarray(item)

    def get(self, indices: Sequence[int] | NDArray[np.int64]) -> NDArray[np.uint8]:
        """Thumbnails of images ``indices`` as an ``(k, h, w, c)`` uint8 array."""
        idx = [int(i) for i in indices]
        bad = [i for i in idx if not 0 <= i < self._n]
        if bad:
            raise ValueError(f"indices: expected image indices in [0, {self._n}), got {bad[:5]}")
        if not idx:
            return np.zeros((0, 1, 1, 1), dtype=np.uint8)
        raw = np.stack([self._raw(i) for i in idx])
        images = as_images(raw, name="images")
        return _shrink(images, self.max_side)

    def all(self) -> NDArray[np.uint8]:
        """Every thumbnail, ``(n, h, w, c)`` uint8."""
        return self.get(range(self._n))


def _unwrap_loader(data: Any) -> Any:
    """A DataLoader's dataset (a Subset keeps its own, smaller, indexing)."""
    try:
        from torch.utils.data import DataLoader
    except ImportError:  # pragma: no cover - torch is a dependency
        return data
    return data.dataset if isinstance(data, DataLoader) else data


def _shrink(images: NDArray[np.uint8], max_side: int) -> NDArray[np.uint8]:
    h, w = images.shape[1:3]
    step = int(np.ceil(max(h, w) / max_side))
    if step <= 1:
        return images
    h2, w2 = h // step, w // step
    crop = images[:, : h2 * step, : w2 * step].astype(np.float32)
    blocks = crop.reshape(len(images), h2, step, w2, step, images.shape[3]).mean(axis=(2, 4))
    return np.round(blocks).astype(np.uint8)
