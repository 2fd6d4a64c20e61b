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

from tda_widgets._validation import describe

__all__ = ["CIFAR10_MEAN", "CIFAR10_STD", "cifar10", "image_folder", "load_image"]

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
        raise TypeError(f"root: expected a path (str or os.PathLike), got {describe(root)}")
    return Path(root).expanduser()


def _torchvision(caller: str) -> Any:
    """Import torchvision for ``caller``, or say how to install one that matches torch.

    torchvision is optional (the ``vision`` extra): nothing on :func:`~tda_widgets.explore`'s
    path needs it. A torchvision built for another torch fails inside its own import
    (e.g. ``operator torchvision::nms does not exist``); both cases name the installed
    versions and the fix.
    """
    import importlib
    from importlib import metadata

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    fix = (
        "install the torchvision release built for your torch, from the same index as torch "
        "(e.g. pip install torch torchvision --index-url https://download.pytorch.org/whl/cpu "
        "for the CPU build), or pip install 'tda-widgets[vision]'"
    )
    try:
        return importlib.import_module("torchvision")
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] != "torchvision":
            raise
        raise ModuleNotFoundError(
            f"{caller} needs torchvision, which is not installed (torch "
            f"{version('torch')}): {fix}.",
            name="torchvision",
        ) from exc
    except (ImportError, RuntimeError, OSError, AttributeError) as exc:
        raise ImportError(
            f"{caller} needs torchvision, but torchvision {version('torchvision')} failed to "
            f"import beside torch {version('torch')} (usually a torchvision built for another "
            f"torch; torchvision said: {exc}). {fix}."
        ) from exc


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
    torchvision = _torchvision("cifar10")
    transforms = torchvision.transforms

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


_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N")


def _bit_depth(image: Any) -> int:
    """Bits per sample of an integer image Pillow opened in mode ``I`` or ``I;16*``."""
    if image.mode in _SIXTEEN_BIT or image.format == "PNG":  # PNG holds at most 16 bits
        return 16
    tags = getattr(image, "tag_v2", None)  # TIFF: BitsPerSample
    if tags is not None and 258 in tags:
        bits = tags[258]
        return int(bits[0] if isinstance(bits, tuple) else bits)
    return 32


def load_image(path: str) -> Any:
    """Open one image for :func:`image_folder`, keeping high bit depths' scale.

    8-bit images (and palette, 1-bit, CMYK or alpha images) are converted to RGB, as
    torchvision's own loader does. Pillow cannot convert 16-bit grey images to RGB
    without clipping every value above 255 to white, so 16-bit (Pillow modes
    ``I;16*``) and other integer images (mode ``I``: PNG, TIFF) become one-channel
    float images (mode ``F``) in ``[0, 1]``, divided by ``2**bits - 1`` for the file's
    bit depth (16 for PNG, TIFF's BitsPerSample, else 32). Float images (mode ``F``) are
    kept as they are. (Pillow itself reduces 16-bit RGB PNGs to 8-bit RGB, correctly
    scaled.)

    Parameters
    ----------
    path : str
        The image file.

    Returns
    -------
    PIL.Image.Image
        In mode ``RGB`` or ``F``.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from PIL import Image
    >>> ramp = (np.arange(16, dtype=np.uint16) * 4369).reshape(4, 4)  # 0 .. 65535
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     Image.fromarray(ramp).save(tmp + "/ramp.png")
    ...     image = load_image(tmp + "/ramp.png")
    >>> image.mode, float(np.asarray(image).max()), float(np.asarray(image)[0, 1])
    ('F', 1.0, 0.06666667014360428)
    """
    import numpy as np
    from PIL import Image

    with open(path, "rb") as f:
        image = Image.open(f)
        image.load()
    if image.mode == "F":
        return image
    if image.mode == "I" or image.mode in _SIXTEEN_BIT:
        values = np.asarray(image, dtype=np.float64) / (2.0 ** _bit_depth(image) - 1)
        return Image.fromarray(np.clip(values, 0.0, 1.0).astype(np.float32))
    return image.convert("RGB")


class _ThreeChannels:
    """Repeat a one-channel image tensor (from a 16-bit grey image) to three channels."""

    def __call__(self, tensor: Any) -> Any:
        return tensor.expand(3, -1, -1) if tensor.shape[0] == 1 else tensor

    def __repr__(self) -> str:
        return "ThreeChannels()"


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
        Replaces the default transform (applied to each PIL image, as
        :func:`load_image` opens it: RGB, or a one-channel float image in ``[0, 1]`` for
        16-bit and other high-bit-depth images).

    Returns
    -------
    torchvision.datasets.ImageFolder
        Items are ``(image tensor of shape (3, H, W) in [0, 1], class index)``. Images
        are scaled by their own bit depth: 8-bit values by 255, 16-bit values (e.g.
        16-bit grey PNGs, which torchvision's default loader clips to 8 bits) by 65535,
        grey images repeated to three channels (see :func:`load_image`).

    Examples
    --------
    >>> try:
    ...     image_folder("/nonexistent")
    ... except FileNotFoundError as err:
    ...     print(str(err)[:48])
    image_folder: root='/nonexistent' does not exist
    """
    torchvision = _torchvision("image_folder")
    datasets, transforms = torchvision.datasets, torchvision.transforms

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
        steps += [transforms.ToTensor(), _ThreeChannels()]  # RGB, or grey from 16 bits
        transform = transforms.Compose(steps)
    try:
        return datasets.ImageFolder(str(path), transform=transform, loader=load_image)
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"image_folder: no class folders with images in root={str(root)!r} "
            f"(torchvision: {exc}). {layout}"
        ) from exc
