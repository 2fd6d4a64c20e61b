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

from typing import Any

import numpy as np

from tda_widgets._cache_key import Keyer, Unidentifiable
from tda_widgets.activations.fingerprint import PROBE_BITS, PROBE_ITEMS, behaviour_fingerprint

__all__ = ["PROBE_BITS", "PROBE_ITEMS", "behaviour_fingerprint", "hash_data", "hash_model"]


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


def hash_data(data: Any, labels: Any) -> str:
    """Digest of the images (and labels), read once, by index, in blocks.

    A tensor or array is hashed in place (at most 8 MiB copied at once); a map-style
    ``Dataset`` is read by index, ``0 .. len - 1`` and no further; a ``DataLoader`` is
    iterated when its order is fixed (a map-style dataset and a sequential sampler).
    A stream that may not be read twice, or read in the same order, is refused.

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
