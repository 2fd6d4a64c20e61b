"""The model's and the data's part of an :class:`~tda_widgets.Analysis` cache key.

Two parts identify the model:

* :func:`hash_model`, its code and weights: every submodule's class and
  configuration, parameters, buffers, hooks, the code of the classes and functions
  the user wrote (class attributes, private ones included), and the source of the
  user modules that code reads (:mod:`tda_widgets._cache_key`);
* :func:`~tda_widgets.activations.fingerprint.behaviour_fingerprint`, what it
  does: the requested layers' outputs on a small fixed probe batch, summarised and
  rounded. Hashing code always misses some
  path (a C extension, a monkey-patched library function, a file the model reads);
  two models that differ anywhere along the path to the requested layers give
  different outputs there, so a model whose code key matches another's but that
  behaves differently gets another key.

The fingerprint's probe batch and rounding are described in
:mod:`tda_widgets.activations.fingerprint`.
"""

from __future__ import annotations

import operator
import os
from typing import Any

import numpy as np

from tda_widgets._cache_key import Keyer, Unidentifiable
from tda_widgets._file_digests import FileDigests
from tda_widgets.activations.fingerprint import PROBE_BITS, PROBE_ITEMS, behaviour_fingerprint

__all__ = [
    "PROBE_BITS",
    "PROBE_ITEMS",
    "behaviour_fingerprint",
    "folder_key",
    "hash_data",
    "hash_model",
]


def hash_model(model: Any) -> str:
    """Digest of the model's structure, configuration, code, parameters and buffers.

    Raises
    ------
    Unidentifiable
        When part of it has no content to key on.

    Examples
    --------
    >>> import torch
    >>> hash_model(torch.nn.ReLU()) == hash_model(torch.nn.ReLU()) != hash_model(torch.nn.Tanh())
    True
    """
    k = Keyer()
    k.add(model, "model")
    return k.hexdigest()


def hash_data(data: Any, labels: Any, *, digest_index: str | os.PathLike[str] | None = None) -> str:
    """Digest of the images (and labels), read once, by index, in blocks.

    A tensor or array is hashed in place (at most 8 MiB copied at once), and so are a
    ``TensorDataset``'s tensors (its items are their rows; a subclass, which may
    override ``__getitem__``, is read item by item). A torchvision ``DatasetFolder``
    (``ImageFolder``, :func:`~tda_widgets.datasets.image_folder`), or a ``Subset`` of
    one, is keyed without
    decoding an image (:func:`folder_key`): its configuration and, per sample, its
    target and its file's bytes, whose digests ``digest_index`` remembers. Another
    map-style ``Dataset`` is read by index, ``0 .. len - 1`` and no further; a
    ``DataLoader`` is iterated when its order is fixed (a map-style dataset and a
    sequential sampler). A stream that may not be read twice, or read in the same
    order, is refused.

    Parameters
    ----------
    data, labels
        As :class:`~tda_widgets.Analysis` takes them.
    digest_index : path-like, optional
        The index file in which files' digests are remembered against their ``stat``
        (:class:`tda_widgets._file_digests.FileDigests`); ``None``: every file is read.

    Raises
    ------
    Unidentifiable
        For an ``IterableDataset``, a ``Dataset`` without ``len()``, a shuffling or
        custom-sampler ``DataLoader``, or data of another type.

    Examples
    --------
    >>> import torch
    >>> hash_data(torch.zeros(2, 1, 3, 3), [0, 1]) != hash_data(torch.zeros(2, 1, 3, 3), [1, 0])
    True
    """
    import torch
    from torch.utils.data import (
        BatchSampler,
        DataLoader,
        Dataset,
        IterableDataset,
        SequentialSampler,
        TensorDataset,
    )

    k = Keyer()
    if isinstance(data, (torch.Tensor, np.ndarray)):
        k.add(data, "data")
    elif isinstance(data, DataLoader):
        if isinstance(data.dataset, IterableDataset):
            raise Unidentifiable(
                "data is a DataLoader over an IterableDataset, a stream that may not give the "
                "same items when read again"
            )
        batches = data.batch_sampler
        if batches is not None and type(batches) is not BatchSampler:
            raise Unidentifiable(
                f"data is a DataLoader with a {type(batches).__name__}, whose order may change "
                "from one pass to the next"
            )
        sampler = data.sampler if batches is None else batches.sampler
        if not isinstance(sampler, SequentialSampler):
            raise Unidentifiable(
                f"data is a DataLoader with a {type(sampler).__name__}, whose order may change "
                "from one pass to the next (use shuffle=False)"
            )
        for i, batch in enumerate(data):
            k.forget()
            k.add(batch, f"data (batch {i})")
    elif isinstance(data, IterableDataset):
        raise Unidentifiable(
            "data is an IterableDataset, a stream that may not give the same items when read "
            "again (pass a map-style Dataset or a tensor to cache)"
        )
    elif type(data) is TensorDataset:  # items are the tensors' rows: key the tensors whole
        k.add(("TensorDataset", list(data.tensors)), "data")
    elif (folder := folder_key(data, digest_index)) is not None:
        k.add(("DatasetFolder", folder), "data")
    elif isinstance(data, Dataset):
        try:
            n = len(data)  # type: ignore[arg-type]
        except TypeError:
            raise Unidentifiable("data is a Dataset without len()") from None
        k.add(n, "len(data)")
        for i in range(n):  # by index: never past len(), whatever __getitem__ does
            k.forget()
            k.add(data[i], f"data[{i}]")
    else:
        raise Unidentifiable(f"data of type {type(data).__name__} is not identified")
    if labels is not None:
        k.forget()
        k.add(np.asarray(labels) if isinstance(labels, (list, tuple)) else labels, "labels")
    return k.hexdigest()


def _byte_loaders() -> tuple[Any, ...]:
    """The loaders known to read nothing but the bytes of the path they are given."""
    from torchvision.datasets import folder

    from tda_widgets.datasets.torchvision_loaders import load_image

    return (load_image, folder.default_loader, folder.pil_loader, folder.accimage_loader)


def _unwrap_subsets(data: Any) -> tuple[Any, list[int] | None]:
    """The dataset under nested plain ``Subset`` s, and the indices they read from it."""
    from torch.utils.data import Subset

    indices: list[int] | None = None
    while type(data) is Subset:  # a subclass may override __getitem__
        try:
            level = [operator.index(i) for i in data.indices]
        except TypeError:
            return None, None
        try:
            indices = level if indices is None else [level[i] for i in indices]
        except IndexError:
            return None, None
        data = data.dataset
    return data, indices


def folder_key(data: Any, digest_index: str | os.PathLike[str] | None = None) -> str | None:
    """Digest of a torchvision ``DatasetFolder`` from its files' bytes, or ``None``.

    A ``DatasetFolder`` whose class keeps torchvision's ``__getitem__`` (which reads
    ``samples[i]``'s path with ``loader``, then applies ``transform`` and
    ``target_transform``) and whose ``loader`` reads only the bytes of that path
    (:func:`~tda_widgets.datasets.load_image`, torchvision's ``default_loader``,
    ``pil_loader``, ``accimage_loader``) is keyed by: the class, ``loader``,
    ``transform`` and ``target_transform`` (by :class:`~tda_widgets._cache_key.Keyer`,
    by content), the torchvision and Pillow versions and torchvision's image backend
    (which decode), then, for each sample in order, its target and the BLAKE2b digest
    of its file's bytes. No image is decoded, and with ``digest_index`` a file whose
    ``stat`` matches its index entry is not read
    (:class:`~tda_widgets._file_digests.FileDigests`). Identical files in the same
    order and classes give the same key, wherever the folder is.

    A plain ``torch.utils.data.Subset`` of one (as ``explore(n_images=)`` makes), or of
    a ``Subset`` of one, is keyed the same way by the samples its items read, in order.

    ``None`` (then :func:`hash_data` reads the items one by one) for anything else: not
    a ``DatasetFolder``, an overridden ``__getitem__``, another loader (which may read
    more than the path's bytes), ``len(data) != len(data.samples)``, a part that
    :class:`~tda_widgets._cache_key.Keyer` cannot identify, or a file that cannot be
    read (the item-by-item path then raises the loader's own error).

    A random transform is keyed by its configuration, not by its draws (read item by
    item, the draws hashed were not those extracted either).

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np
    >>> from PIL import Image
    >>> from tda_widgets.datasets import image_folder
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("cat", "dog"):
    ...     (root / name).mkdir()
    ...     Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(root / name / "0.png")
    >>> key = folder_key(image_folder(root), root / "index.npz")
    >>> key == folder_key(image_folder(root, image_size=2)), folder_key([1, 2]) is None
    (False, True)
    >>> from torch.utils.data import Subset
    >>> folder_key(Subset(image_folder(root), [1])) == folder_key(Subset(image_folder(root), [0]))
    False
    """
    import sys

    folder_module = sys.modules.get("torchvision.datasets.folder")
    if folder_module is None:  # torchvision not imported: data cannot be a DatasetFolder
        return None
    DatasetFolder = folder_module.DatasetFolder
    data, indices = _unwrap_subsets(data)
    if not isinstance(data, DatasetFolder):
        return None
    samples = getattr(data, "samples", None)
    if (
        type(data).__getitem__ is not DatasetFolder.__getitem__
        or not isinstance(samples, list)
        or len(data) != len(samples)
        or not any(data.loader is known for known in _byte_loaders())
    ):
        return None
    if indices is not None:  # the samples a Subset's items read, in its order
        try:
            samples = [samples[i] for i in indices]
        except IndexError:  # the item-by-item path raises it where it happens
            return None
    import PIL
    import torchvision

    k = Keyer()
    try:
        k.add(
            (
                type(data),
                data.loader,
                data.transform,
                data.target_transform,
                torchvision.__version__,
                PIL.__version__,
                torchvision.get_image_backend(),
            ),
            "data (DatasetFolder)",
        )
        targets = [target for _, target in samples]
        if all(type(t) is int for t in targets):
            k.add(np.array(targets, dtype=np.int64), "data.samples (targets)")
        else:
            k.add(targets, "data.samples (targets)")
    except (Unidentifiable, RecursionError, ValueError, TypeError):
        return None
    digests = FileDigests(digest_index)
    try:
        blob = b"".join(digests.digest(path) for path, _ in samples)
    except (OSError, ValueError, TypeError):  # the loader will say what is wrong
        return None
    finally:
        digests.save()
    k.add(np.frombuffer(blob, dtype=np.uint8), "data.samples (file digests)")
    return k.hexdigest()
