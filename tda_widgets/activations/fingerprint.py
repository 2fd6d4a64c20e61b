"""The behaviour fingerprint of a model: what it computes at some layers, as a digest.

Part of an :class:`~tda_widgets.Analysis` cache key (:mod:`tda_widgets._model_key`).
Hashing code always misses some path (a C extension, a monkey-patched library
function, a file the model reads); two models that differ anywhere along the path to
the requested layers give different outputs there, so a model whose code key matches
another's but that behaves differently gets another key.

The probe batch is the data's first :data:`PROBE_ITEMS` images and as many seeded
standard-normal images of the same shape and dtype; it runs in eval mode, without
gradients, with torch's random generators seeded (a model that draws random numbers
in ``forward`` gives the same fingerprint every time), with TF32 off and on one CPU
thread. Each layer's
output is summarised per image and channel (mean and root mean square over the other
dimensions, in float64) and each summary is rounded to :data:`PROBE_BITS` significant
bits of the layer's largest one, so that floating-point noise below that (another
thread count, another BLAS) does not change the digest. A value that sits on a
rounding boundary can still round the other way on another device: that gives a
different key, a recomputation, never another model's result.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from tda_widgets._cache_key import Keyer, Unidentifiable
from tda_widgets.activations._model import hooked_run, model_dtype, resolve_device
from tda_widgets.activations.data import make_batches
from tda_widgets.activations.layers import resolve_layers

__all__ = ["PROBE_BITS", "PROBE_ITEMS", "behaviour_fingerprint", "probe_batch"]

#: data items (and as many seeded noise images) in the probe batch of the fingerprint
PROBE_ITEMS = 4
#: significant bits each per-channel summary of a layer's output keeps (about 2.4 digits)
PROBE_BITS = 8


def probe_batch(data: Any, labels: Any = None) -> Any:
    """The fingerprint's probe images: the data's first items, then seeded noise like them.

    Examples
    --------
    >>> import torch
    >>> probe_batch(torch.ones(10, 3, 5, 5)).shape
    torch.Size([8, 3, 5, 5])
    """
    import torch

    batches = make_batches(data, PROBE_ITEMS, labels)
    first = next(iter(batches.batches))[0][:PROBE_ITEMS]
    noise = torch.randn(
        (PROBE_ITEMS, *first.shape[1:]),
        generator=torch.Generator().manual_seed(0),
        dtype=torch.float64,
    ).to(first.dtype)
    return torch.cat([first.cpu(), noise])


@contextlib.contextmanager
def _reproducible(device: Any) -> Iterator[None]:
    """Seeded random generators, full-precision matmuls, no gradients, one CPU thread;
    all put back."""
    import torch

    devices = [device] if device.type == "cuda" else []
    tf32 = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    threads = torch.get_num_threads()
    with torch.random.fork_rng(devices=devices), torch.no_grad():
        torch.manual_seed(0)
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
        # one CPU thread: an 8-image batch gains little from more, and on a busy machine
        # threads that wait for each other made it 15x slower (0.1 s -> 1.6 s measured)
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)
            torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = tf32


def _summary(output: Any) -> np.ndarray:
    """Per image and channel: mean and root mean square of the rest, in float64."""
    import torch

    if isinstance(output, (tuple, list)) and len(output) == 1:
        output = output[0]
    if not isinstance(output, torch.Tensor) or output.ndim < 1:
        raise Unidentifiable(f"a layer returns {type(output).__name__}, not a tensor")
    x = output.detach().to("cpu", torch.float64)
    x = x.reshape(x.shape[0], x.shape[1] if x.ndim > 1 else 1, -1)
    return torch.stack([x.mean(-1), x.square().mean(-1).sqrt()], -1).numpy()


def _rounded(values: np.ndarray) -> np.ndarray:
    """``values`` on a grid of 2**-PROBE_BITS times the largest one's power of two."""
    finite = np.isfinite(values)
    top = float(np.abs(values[finite]).max(initial=0.0))
    if top == 0.0:
        return np.where(finite, 0.0, values)
    step = math.ldexp(1.0, math.frexp(top)[1] - PROBE_BITS)
    return np.where(finite, np.round(np.where(finite, values, 0.0) / step) * step, values)


def behaviour_fingerprint(model: Any, data: Any, layers: Any, *, device: Any = None) -> str:
    """Digest of what ``model`` computes at ``layers`` on a fixed probe batch.

    See the module docstring. ``device`` is where the probe runs (the model's device
    by default); the model is put back as it was (mode, device, hooks).

    Raises
    ------
    Unidentifiable
        When the probe cannot run (the data or a layer is unusable; the same input
        then fails in the extraction with its own message).

    Examples
    --------
    >>> import torch
    >>> x = torch.randn(6, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    >>> relu = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
    >>> tanh = torch.nn.Sequential(relu[0], torch.nn.Tanh())
    >>> behaviour_fingerprint(relu, x, ["1"]) == behaviour_fingerprint(relu, x, ["1"])
    True
    >>> behaviour_fingerprint(relu, x, ["1"]) == behaviour_fingerprint(tanh, x, ["1"])
    False
    """

    try:
        modules = resolve_layers(model, layers)
        dev = resolve_device(device, model)
        probe = probe_batch(data)
        dtype = model_dtype(model) or probe.dtype
        with _reproducible(dev), hooked_run(model, modules, dev) as run:
            model(probe.to(device=dev, dtype=dtype))
        k = Keyer()
        k.add((tuple(probe.shape), str(probe.dtype), PROBE_ITEMS, PROBE_BITS), "probe")
        for name in modules:
            k.add(name, "layer")
            k.add(_rounded(_summary(run.outputs[name])), f"layer {name!r}")
        return k.hexdigest()
    except Unidentifiable:
        raise
    except Exception as exc:  # the extraction reports the cause, in its own words
        raise Unidentifiable(
            f"the model's behaviour on a probe batch could not be computed "
            f"({type(exc).__name__}: {exc})"
        ) from exc
