"""Loaders for image data the user has on disk: CIFAR-10 and a folder of images.

Thin wrappers round torchvision's own loaders (so torchvision's checksum checks stay in
force) with the paper's preprocessing as the default and clear messages when the data are
not where they were expected.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torchvision.datasets import CIFAR10, ImageFolder

__all__ = ["CIFAR10_MEAN", "CIFAR10_STD", "cifar10", "image_folder"]

#: Per-channel mean used by both of the paper's CIFAR-10 models.
CIFAR10_MEAN: tuple[float, float, float] = (0.4914, 0.4822, 0.4465)
#: Per-channel standard deviation used by both of the paper's CIFAR-10 models.
CIFAR10_STD: tuple[float, float, float] = (0.2023, 0.1994, 0.2010)

_CIFAR_HELP = (
    "CIFAR-10 (python version, 163 MB) is not shipped with tda_widgets. Either call "
    "cifar10(root, download=True) once with a network connection, or download "
    "cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html and extract "
    "it into root, so that root/cifar-10-batches-py/ holds data_batch_1 ... data_batch_5, "
    "test_batch and batches.meta. For an offline example use mnist_5k() instead."
)


def _as_path(root: Any) -> Path:
    if not isinstance(root, (str, os.PathLike)):
        raise ValueError(f"root: expected a path (str or os.PathLike), got {type(root).__name__}")
    return Path(root).expanduser()


def cifar10(
    root: str | os.PathLike[str],
    train: bool = False,
    download: bool = False,
    *,
    normalize: bool = True,
    transform: Callable[[Any], Any] | None = None,
) -> CIFAR10:
    """CIFAR-10 from ``root`` with torchvision's loader (the test set by default).

    Parameters
    ----------
    root : path
        The directory that holds (or will hold) ``cifar-10-batches-py/``.
    train : bool
        ``False``: the 10,000 test images (the paper's PH experiments use 1,000 of them);
        ``True``: the 50,000 training images.
    download : bool
        Let torchvision download the archive (needs a network connection).
    normalize : bool
        With the default transform, normalise with the paper's :data:`CIFAR10_MEAN` and
        :data:`CIFAR10_STD` after ``ToTensor``; ``False`` keeps values in ``[0, 1]``.
    transform : callable or None
        Replaces the default transform (applied to each PIL image).

    Returns
    -------
    torchvision.datasets.CIFAR10
        Items are ``(image tensor of shape (3, 32, 32), class index)``.

    Raises
    ------
    FileNotFoundError
        When ``root/cifar-10-batches-py`` is missing and ``download`` is false; the message
        says how to get the data.
    RuntimeError
        When the files are there but fail torchvision's checksum check.

    Examples
    --------
    >>> try:
    ...     cifar10("/nonexistent")
    ... except FileNotFoundError as err:
    ...     print(str(err)[:60])
    cifar10: no CIFAR-10 data in root='/nonexistent' (missing /n
    """
    import torchvision
    from torchvision import transforms

    path = _as_path(root)
    folder = path / torchvision.datasets.CIFAR10.base_folder
    if not download and not folder.is_dir():
        raise FileNotFoundError(
            f"cifar10: no CIFAR-10 data in root={str(root)!r} (missing {folder}/). {_CIFAR_HELP}"
        )
    if transform is None:
        steps: list[Any] = [transforms.ToTensor()]
        if normalize:
            steps.append(transforms.Normalize(CIFAR10_MEAN, CIFAR10_STD))
        transform = transforms.Compose(steps)
    try:
        return torchvision.datasets.CIFAR10(
            str(path), train=train, transform=transform, download=download
        )
    except RuntimeError as exc:
        raise RuntimeError(
            f"cifar10: the files in {folder}/ are incomplete or corrupted (torchvision: {exc}). "
            f"Delete the folder and get the data again. {_CIFAR_HELP}"
        ) from exc


def image_folder(
    root: str | os.PathLike[str],
    *,
    image_size: int | None = None,
    transform: Callable[[Any], Any] | None = None,
) -> ImageFolder:
    """A folder of images, one sub-folder per class, with torchvision's ``ImageFolder``.

    Parameters
    ----------
    root : path
        Directory laid out as ``root/<class name>/<image file>`` (png, jpg, ...); classes
        are the sub-folder names in sorted order.
    image_size : int or None
        With the default transform, resize the shorter side to ``image_size`` and crop the
        centre square; ``None`` keeps each image's size.
    transform : callable or None
        Replaces the default transform (applied to each PIL image).

    Returns
    -------
    torchvision.datasets.ImageFolder
        Items are ``(image tensor of shape (3, H, W) in [0, 1], class index)``.

    Examples
    --------
    >>> try:
    ...     image_folder("/nonexistent")
    ... except FileNotFoundError as err:
    ...     print(str(err)[:48])
    image_folder: root='/nonexistent' does not exist
    """
    from torchvision import datasets, transforms

    path = _as_path(root)
    layout = (
        "Expected one sub-folder per class holding that class's images, e.g. "
        "root/cat/001.png and root/dog/002.jpg."
    )
    if not path.is_dir():
        raise FileNotFoundError(
            f"image_folder: root={str(root)!r} does not exist or is not a directory. {layout}"
        )
    if image_size is not None and (
        isinstance(image_size, bool) or not isinstance(image_size, int) or image_size < 1
    ):
        raise ValueError(f"image_size: expected a positive integer or None, got {image_size!r}")
    if transform is None:
        steps: list[Any] = []
        if image_size is not None:
            steps += [transforms.Resize(image_size), transforms.CenterCrop(image_size)]
        steps.append(transforms.ToTensor())  # torchvision's loader already gives RGB
        transform = transforms.Compose(steps)
    try:
        return datasets.ImageFolder(str(path), transform=transform)
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"image_folder: no class folders with images in root={str(root)!r} "
            f"(torchvision: {exc}). {layout}"
        ) from exc
