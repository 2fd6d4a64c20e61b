"""Turning the ``data=`` argument into checked batches of images (and labels).

``data`` may be an image tensor (or numpy array) ``(N, C, H, W)``, the pair
``(images, labels)`` of such a tensor and its 1-D labels, a torch ``Dataset``
whose items are images or ``(image, label, ...)`` tuples, or a ``DataLoader`` that
yields batches of those. Images are numbered ``0 .. N-1`` in the order they are met;
that number is the ``image_index`` of every point taken from them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, IterableDataset, RandomSampler

from tda_widgets._validation import describe

__all__ = [
    "Batches",
    "check_images",
    "check_labels",
    "images_and_labels_dataset",
    "is_images_and_labels",
    "make_batches",
]

Batch = tuple[torch.Tensor, "torch.Tensor | None"]


@dataclass
class Batches:
    """Batches of ``(images, labels or None)``, with counts when they are known."""

    batches: Iterator[Batch]
    n_images: int | None
    n_batches: int | None


def check_images(images: Any, *, where: str = "data") -> torch.Tensor:
    """Check a batch of images is a floating-point ``(N, C, H, W)`` tensor.

    Integer images (``uint8`` from PIL or CIFAR arrays) are refused rather than guessed
    at: the right scaling and normalisation depend on how the model was trained.

    Examples
    --------
    >>> import torch
    >>> check_images(torch.zeros(2, 3, 8, 8)).shape
    torch.Size([2, 3, 8, 8])
    >>> check_images(torch.zeros(3, 8, 8))
    Traceback (most recent call last):
    ...
    ValueError: data: expected images of shape (N, C, H, W), got shape (3, 8, 8); ...
    """
    if isinstance(images, np.ndarray):
        images = torch.from_numpy(images)
    if not isinstance(images, torch.Tensor):
        hint = ""
        if type(images).__module__.startswith("PIL"):
            hint = "; add torchvision.transforms.ToTensor() (and Normalize) to the dataset"
        raise TypeError(f"{where}: expected image tensors, got {describe(images)}{hint}")
    if images.ndim != 4:
        hint = (
            "for one image use image.unsqueeze(0)" if images.ndim == 3 else "e.g. (1000, 3, 32, 32)"
        )
        raise ValueError(
            f"{where}: expected images of shape (N, C, H, W), got shape {tuple(images.shape)}; {hint}"
        )
    if not images.is_floating_point():
        raise ValueError(
            f"{where}: expected floating-point images, got dtype {images.dtype}; convert them "
            "first, e.g. images.float() / 255, then normalise as the model expects"
        )
    return images


def check_labels(labels: Any, n: int, *, where: str = "labels", offset: int = 0) -> torch.Tensor:
    """Check ``labels`` holds one integer class per image and return them as int64.

    Examples
    --------
    >>> check_labels([1, 0, 2], 3)
    tensor([1, 0, 2])
    >>> check_labels([1, 0], 3)
    Traceback (most recent call last):
    ...
    ValueError: labels: expected 3 labels (one per image), got 2; pass labels of shape (3,)
    """
    try:
        lab = torch.as_tensor(
            np.asarray(labels) if not isinstance(labels, torch.Tensor) else labels
        )
    except (TypeError, ValueError, RuntimeError) as exc:
        raise ValueError(
            f"{where}: expected one integer label per image, got {describe(labels)}"
        ) from exc
    if lab.ndim != 1:
        one_hot = lab.ndim == 2 and lab.shape[0] == n and lab.shape[1] > 1
        hint = (
            "; one-hot or score rows? pass the class indices, labels.argmax(1)" if one_hot else ""
        )
        raise ValueError(
            f"{where}: expected one integer label per image (shape ({n},)), got shape "
            f"{tuple(lab.shape)}{hint}"
        )
    if lab.is_floating_point() or lab.is_complex() or lab.dtype == torch.bool:
        if lab.is_floating_point() and bool((lab == lab.round()).all()):
            lab = lab.long()
        else:
            raise ValueError(f"{where}: expected integer class labels, got dtype {lab.dtype}")
    if lab.shape[0] != n:
        raise ValueError(
            f"{where}: expected {n} labels (one per image), got {lab.shape[0]}; pass labels "
            f"of shape ({n},)"
        )
    lab = lab.to(torch.int64)
    _check_nonnegative(lab, where, offset)
    return lab


def _check_nonnegative(lab: torch.Tensor, where: str, offset: int = 0) -> None:
    """Refuse negative labels; ``offset`` is the index of ``lab[0]``'s image."""
    bad = torch.nonzero(lab < 0).flatten()
    if bad.numel():
        i = int(bad[0])
        raise ValueError(
            f"{where}: expected class indices >= 0, got {int(lab[i])} at image {offset + i} "
            f"({bad.numel()} negative of the {lab.numel()} labels checked); "
            "the class views (pie charts, purity) need a class for every image: drop the "
            "unlabelled images, or pass no labels"
        )


def _split(item: Any, where: str) -> tuple[Any, Any]:
    """``(image(s), label(s) or None)`` from a dataset item or a loader batch."""
    if isinstance(item, (tuple, list)):
        if not item:
            raise ValueError(
                f"{where}: expected images or (images, labels), got an empty {type(item).__name__}"
            )
        return item[0], (item[1] if len(item) > 1 else None)
    if isinstance(item, dict):
        raise TypeError(
            f"{where}: expected images or (images, labels), got a dict with keys {list(item)[:5]}; "
            "wrap the dataset so that it returns (image, label)"
        )
    return item, None


def _collate(items: list[Any]) -> Batch:
    images, labels = [], []
    for item in items:
        image, label = _split(item, "data item")
        images.append(image)
        labels.append(label)
    for image in images:
        if not isinstance(image, torch.Tensor):
            check_images(image, where="data item")  # raises with a hint
    shapes = {tuple(im.shape) for im in images}
    if len(shapes) > 1:
        raise ValueError(
            f"data item: expected images of one shape, got shapes {sorted(shapes)[:3]}"
        )
    batch = check_images(torch.stack(images), where="data item (stacked)")
    has = [lab is not None for lab in labels]
    if any(has) and not all(has):
        raise ValueError("data item: expected every item to have a label or none to, got a mix")
    if not all(has):
        return batch, None
    try:
        lab = torch.as_tensor([int(lab) for lab in labels])
    except (TypeError, ValueError, RuntimeError) as exc:
        raise ValueError(
            f"labels: expected one integer label per dataset item, got {describe(labels[0])}"
        ) from exc
    return batch, lab


def _tensor_batches(
    images: torch.Tensor, labels: torch.Tensor | None, size: int
) -> Iterator[Batch]:
    for start in range(0, images.shape[0], size):
        yield images[start : start + size], None if labels is None else labels[start : start + size]


def _loader_batches(loader: Any) -> Iterator[Batch]:
    offset = 0
    for k, batch in enumerate(loader):
        images, labels = _split(batch, f"data (batch {k})")
        images = check_images(images, where=f"data (batch {k})")
        if labels is not None:
            labels = check_labels(
                labels, images.shape[0], where=f"labels (batch {k})", offset=offset
            )
        offset += int(images.shape[0])
        yield images, labels


def make_batches(data: Any, batch_size: int, labels: Any = None) -> Batches:
    """Check ``data`` (and ``labels``) and return its batches.

    Examples
    --------
    >>> import torch
    >>> b = make_batches(torch.zeros(5, 1, 4, 4), batch_size=2, labels=[0, 1, 0, 1, 0])
    >>> b.n_images, b.n_batches, [tuple(x.shape) for x, _ in b.batches]
    (5, 3, [(2, 1, 4, 4), (2, 1, 4, 4), (1, 1, 4, 4)])
    """
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(f"batch_size: expected a positive integer, got {describe(batch_size)}")
    batch_size = int(batch_size)
    if is_images_and_labels(data):
        if labels is not None:
            raise ValueError(
                "labels: given twice, in data=(images, labels) and as labels=; pass one"
            )
        data, labels = data
    if isinstance(data, (torch.Tensor, np.ndarray)):
        images = check_images(data)
        n = int(images.shape[0])
        if n == 0:
            raise ValueError(f"data: expected at least one image, got shape {tuple(images.shape)}")
        lab = None if labels is None else check_labels(labels, n)
        return Batches(_tensor_batches(images, lab, batch_size), n, -(-n // batch_size))
    if labels is not None:
        raise ValueError(
            "labels: only accepted with tensor data; a Dataset or DataLoader gives its own labels "
            f"(got data of type {type(data).__name__})"
        )
    if isinstance(data, DataLoader):
        if isinstance(data.sampler, RandomSampler):
            warnings.warn(
                "data: the DataLoader shuffles, so image_index numbers images in this run's "
                "random order, not dataset order; use shuffle=False to keep dataset indices",
                stacklevel=3,
            )
        n_batches = _safe_len(data)
        n_loader = None if data.drop_last or data.batch_size is None else _safe_len(data.dataset)
        return Batches(_loader_batches(data), n_loader, n_batches)
    if isinstance(data, Dataset):
        n_set = None if isinstance(data, IterableDataset) else _safe_len(data)
        if n_set == 0:
            raise ValueError("data: expected at least one image, got an empty dataset")
        loader = DataLoader(data, batch_size=batch_size, shuffle=False, collate_fn=_collate)
        n_set_batches = None if n_set is None else -(-n_set // batch_size)
        return Batches(_loader_batches(loader), n_set, n_set_batches)
    raise TypeError(
        "data: expected an image tensor (N, C, H, W), a torch Dataset or a DataLoader, "
        f"got {describe(data)}"
    )


def is_images_and_labels(data: Any) -> bool:
    """``(images, labels)``: a 4-D image array and its labels, the common pair.

    Labels of any shape count (one-hot ones too), so that :func:`check_labels` can
    say what is wrong with them rather than the pair being taken for something else.
    """
    return (
        isinstance(data, (tuple, list))
        and len(data) == 2
        and isinstance(data[0], (torch.Tensor, np.ndarray))
        and getattr(data[0], "ndim", 0) == 4
        and not isinstance(data[1], (str, bytes, dict))
        and not (isinstance(data[1], (torch.Tensor, np.ndarray)) and data[1].ndim == 4)
    )


def images_and_labels_dataset(data: Any) -> Any:
    """The ``(images, labels)`` pair as a ``TensorDataset``, both checked first.

    Examples
    --------
    >>> import torch
    >>> len(images_and_labels_dataset((torch.zeros(3, 1, 2, 2), [0, 1, 0])))
    3
    >>> images_and_labels_dataset((torch.zeros(3, 1, 2, 2), [0, 1]))
    Traceback (most recent call last):
    ...
    ValueError: labels (data[1]): expected 3 labels (one per image), got 2; pass labels of shape (3,)
    """
    images = check_images(data[0], where="data[0] (images)")
    labels = check_labels(data[1], int(images.shape[0]), where="labels (data[1])")
    return torch.utils.data.TensorDataset(images, labels)


def _safe_len(obj: Any) -> int | None:
    try:
        return len(obj)
    except TypeError:
        return None
