"""Images of a dataset for display: thumbnails as uint8 arrays, without copying the dataset.

Images are read from the dataset only when they are shown (a dataset of 50,000 images
costs nothing until a thumbnail of one is asked for); nothing here reads them all.
"""

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

    def _check(self, indices: Sequence[int] | NDArray[np.int64]) -> list[int]:
        idx = [int(i) for i in indices]
        bad = [i for i in idx if not 0 <= i < self._n]
        if bad:
            raise ValueError(f"indices: expected image indices in [0, {self._n}), got {bad[:5]}")
        return idx

    def thumbnails(self, indices: Sequence[int] | NDArray[np.int64]) -> list[NDArray[np.uint8]]:
        """Thumbnails of images ``indices``, one ``(h, w, c)`` uint8 array each.

        Only these images are read from the dataset. Images of different sizes (e.g. an
        :func:`~tda_widgets.datasets.image_folder` without ``image_size``) are shrunk one
        by one and keep their own sizes.

        Examples
        --------
        >>> import numpy as np
        >>> [t.shape for t in ImageSource(np.zeros((4, 8, 8)), max_side=4).thumbnails([3, 1])]
        [(4, 4, 1), (4, 4, 1)]
        """
        raw = [self._raw(i) for i in self._check(indices)]
        if not raw:
            return []
        if all(r.shape == raw[0].shape for r in raw):
            return list(_shrink(as_images(np.stack(raw), name="images"), self.max_side))
        return [_shrink(as_images(r[None], name="images"), self.max_side)[0] for r in raw]

    def get(self, indices: Sequence[int] | NDArray[np.int64]) -> NDArray[np.uint8]:
        """Thumbnails of images ``indices`` as an ``(k, h, w, c)`` uint8 array.

        Only these images are read. Thumbnails of different sizes are padded (black, at
        the bottom and right) to the largest; grey ones get three channels when mixed
        with colour ones.
        """
        thumbs = self.thumbnails(indices)
        if not thumbs:
            return np.zeros((0, 1, 1, 1), dtype=np.uint8)
        if all(t.shape == thumbs[0].shape for t in thumbs):
            return np.stack(thumbs)
        h = max(t.shape[0] for t in thumbs)
        w = max(t.shape[1] for t in thumbs)
        c = max(t.shape[2] for t in thumbs)
        out = np.zeros((len(thumbs), h, w, c), dtype=np.uint8)
        for k, t in enumerate(thumbs):
            if t.shape[2] == 1 and c > 1:
                t = np.repeat(t, 3, axis=2)
            out[k, : t.shape[0], : t.shape[1], : t.shape[2]] = t
            if t.shape[2] < c:  # RGB among RGBA: opaque
                out[k, : t.shape[0], : t.shape[1], t.shape[2] :] = 255
        return out


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
