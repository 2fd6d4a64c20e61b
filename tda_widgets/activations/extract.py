"""``extract_activations``: a model and images in, per-layer activations or clouds out."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import itertools
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn
from tqdm.auto import tqdm

from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    check_memory_budget,
    describe,
    format_bytes,
)
from tda_widgets.activations._model import check_model, hooked_run, model_dtype, resolve_device
from tda_widgets.activations.data import make_batches
from tda_widgets.activations.layers import resolve_layers
from tda_widgets.activations.streaming import (
    SamplerState,
    StreamingSampler,
    check_finite,
    named_sampler,
)

__all__ = ["DEFAULT_MEMORY_BUDGET", "Activations", "extract_activations"]


class Activations(dict[str, Any]):
    """What :func:`extract_activations` returns: ``{layer name: array or PointCloud}``.

    Attributes
    ----------
    labels : ndarray of int64, shape (n_images,) or None
        The class label of every image, when the data had labels.
    n_images : int
        How many images went through the model.
    """

    labels: NDArray[np.int64] | None
    n_images: int

    def __init__(self, items: dict[str, Any], labels: NDArray[np.int64] | None, n_images: int):
        super().__init__(items)
        self.labels = labels
        self.n_images = n_images


class _FullStore:
    """Keeps a layer's whole output as float32 (preallocated when the count is known)."""

    def __init__(self, n_total: int | None, shape: tuple[int, ...]) -> None:
        self.shape = shape
        self.array = None if n_total is None else np.empty((n_total, *shape), dtype=np.float32)
        self.chunks: list[NDArray[np.float32]] = []

    def update(self, out: torch.Tensor, offset: int) -> None:
        values = out.detach().to("cpu", torch.float32).numpy()
        end = offset + values.shape[0]
        if self.array is not None and end <= self.array.shape[0]:
            self.array[offset:end] = values
            return
        if self.array is not None:  # more images than announced: fall back to chunks
            self.chunks = [self.array[:offset]]
            self.array = None
        self.chunks.append(values.copy())

    def finish(self, n_images: int) -> NDArray[np.float32]:
        if self.array is not None:
            return self.array[:n_images]
        return np.concatenate(self.chunks)


def _get_sampler(point_cloud: Any) -> StreamingSampler | None:
    if point_cloud is None:
        return None
    if isinstance(point_cloud, str):
        # stage 2's samplers, found by name through their entry points
        return named_sampler(point_cloud, name="point_cloud")
    if isinstance(point_cloud, type) or not isinstance(point_cloud, StreamingSampler):
        raise TypeError(
            "point_cloud: expected None, a sampler name ('top_l2', 'random_position', "
            "'all_positions', 'pooled', 'flatten') or a sampler object such as top_l2(), "
            f"got {describe(point_cloud)}"
        )
    return point_cloud


def _layer_tensor(name: str, output: Any, calls: int, batch: int, offset: int) -> torch.Tensor:
    """The tensor output of layer ``name`` for a batch, or a clear error."""
    if calls > 1:
        raise ValueError(
            f"layers: layer {name!r} ran {calls} times in one forward pass (the module is "
            "reused, like torchvision's BasicBlock.relu), so its output is ambiguous; pick a "
            "module that runs once (list_layers(model) shows the calls)"
        )
    if isinstance(output, (tuple, list)) and len(output) == 1:
        output = output[0]
    if not isinstance(output, torch.Tensor):
        what = f"a {type(output).__name__}"
        if isinstance(output, (tuple, list)):
            what += f" of {len(output)} items"
        raise ValueError(
            f"layers: layer {name!r} returns {what}, expected a tensor; pick a submodule "
            "that returns one tensor"
        )
    if output.ndim < 2 or output.shape[0] != batch:
        raise ValueError(
            f"layers: layer {name!r} gives an output of shape {tuple(output.shape)} for a batch "
            f"of {batch} images; expected the batch as the first dimension, e.g. "
            f"({batch}, C, H, W) or ({batch}, D)"
        )
    return output


def extract_activations(
    model: nn.Module,
    data: Any,
    layers: Any,
    *,
    batch_size: int = 256,
    device: Any = None,
    point_cloud: Any = None,
    progress: bool = True,
    labels: Any = None,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> Activations:
    """Run ``model`` over ``data`` and keep the outputs of ``layers``.

    Uses forward hooks, so any ``nn.Module`` works, including models whose ``forward``
    has Python control flow. The model runs in eval mode under ``torch.no_grad()``; when
    the run ends, however it ends (error, ``KeyboardInterrupt``), the hooks are removed,
    every module's train/eval flag is restored and the model is back on its device.

    Parameters
    ----------
    model : torch.nn.Module
        The model. If ``device`` differs from where it lives, it is moved there for the
        run and moved back afterwards.
    data : tensor, ndarray, Dataset or DataLoader
        Floating-point images ``(N, C, H, W)``, already normalised as the model expects
        (integer images such as ``uint8`` are refused, not rescaled); or a ``Dataset`` of
        images or ``(image, label)`` items; or a ``DataLoader`` yielding batches of those
        (its own batch size is used). Images are numbered in the order met; a float
        dtype other than the model's is converted to the model's dtype.
    layers : str or list of str
        Module names as in ``model.named_modules()``, e.g. ``"layer2.1.conv2"``; see
        :func:`list_layers`. Each must run exactly once per forward pass and return a
        tensor with the batch first (a one-element tuple is unwrapped).
    batch_size : int
        Images per forward pass for tensor and ``Dataset`` data.
    device : None, str or torch.device
        ``"cpu"``, ``"cuda"``, ``"mps"``...; ``None`` runs where the model is.
    point_cloud : None, str or sampler
        ``None`` keeps the full activations. A sampler (``top_l2()``, ``random_position()``,
        ``all_positions()``, ``pooled()``, ``flatten()``) or its name is applied to every
        batch as it comes (streaming): only the sampled vectors are kept.
    progress : bool
        Show a ``tqdm`` progress bar over batches.
    labels : array-like of int, optional
        One class label per image, for tensor data (datasets bring their own).
    memory_budget : int or None
        Most bytes the kept results may take (default ``DEFAULT_MEMORY_BUDGET``,
        4 GiB). Checked on one image before the first batch runs (the batch's forward
        pass, estimated from that image's module outputs, and the kept results, from
        the layer shapes and the number of images), before anything large is
        allocated; ``None`` turns the check off.

    Returns
    -------
    Activations
        A dict ``{layer: array}`` of float32 arrays ``(N, *layer_shape)`` without a
        sampler, or ``{layer: PointCloud}`` with one, in the order of ``layers``;
        ``.labels`` holds the images' labels (``None`` without labels).

    Raises
    ------
    ValueError
        For bad values: unknown or unusable layers (with close matches), empty data,
        images not ``(N, C, H, W)`` or not floating point, labels of the wrong length,
        non-finite activations (naming the layer, image and index), a bad device.
    TypeError
        For arguments of the wrong type (model, data, layers, point_cloud).
    MemoryError
        When the kept results would exceed ``memory_budget``, before they are allocated.

    Notes
    -----
    A layer's activation is its module's *output*, captured inside the forward hook,
    so a later in-place op (``ReLU(inplace=True)`` after ``bn1`` in torchvision's
    ResNets) does not change it. Matching the authors' hook points: their PH clouds
    use raw conv outputs (``layer1.0.conv1``, before batch norm and ReLU); their Mapper
    clouds use batch-norm outputs (``layer1.0.bn2``, before ReLU and, for ``bn2``,
    before the residual add) with ReLU applied afterwards, which is what
    ``random_position()`` and ``all_positions()`` do by default (``relu=True``). A
    block's own name (``layer1.0``) gives its output after the add and ReLU.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from tda_widgets import extract_activations
    >>> model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
    >>> images = torch.randn(10, 3, 8, 8)
    >>> acts = extract_activations(model, images, ["0", "2"], progress=False)
    >>> acts["0"].shape, acts["2"].shape
    ((10, 4, 8, 8), (10, 4, 1, 1))
    >>> clouds = extract_activations(model, images, "0", point_cloud="top_l2",
    ...                              labels=[0, 1] * 5, progress=False)
    >>> cloud = clouds["0"]
    >>> cloud.points.shape, cloud.image_index[:3], cloud.labels[:3]
    ((10, 4), array([0, 1, 2]), array([0, 1, 0]))
    """
    check_model(model)
    modules = resolve_layers(model, layers)
    sampler = _get_sampler(point_cloud)
    budget = check_memory_budget(memory_budget)
    dev = resolve_device(device, model)
    dtype = model_dtype(model)
    batches = make_batches(data, batch_size, labels)

    collector = _Collector(sampler, budget, batches.n_images, batches.n_batches)
    first = next(batches.batches, None)
    if first is not None and budget is not None and first[0].shape[0] > 0:
        # one image first: the first full batch must not be what exceeds the budget
        _check_first_batch(model, modules, first[0], dev, dtype, collector)
    all_batches = itertools.chain([] if first is None else [first], batches.batches)
    all_labels: list[torch.Tensor] = []
    has_labels: bool | None = None
    bar = tqdm(total=batches.n_batches, disable=not progress, desc="activations", unit="batch")
    try:
        with torch.no_grad(), hooked_run(model, modules, dev, collector.on_output) as run:
            for k, (images, batch_labels) in enumerate(all_batches):
                if images.shape[0] == 0:
                    continue
                if has_labels is None:
                    has_labels = batch_labels is not None
                elif has_labels != (batch_labels is not None):
                    which = (
                        "no labels but earlier ones had"
                        if has_labels
                        else "labels, earlier ones none"
                    )
                    raise ValueError(
                        f"data: expected every batch to have labels or none to, batch {k} has {which}"
                    )
                collector.size = int(images.shape[0])
                run.clear()
                try:
                    model(images.to(device=dev, dtype=dtype or images.dtype, non_blocking=True))
                except RuntimeError as exc:
                    message = _channel_mismatch(model, images) if k == 0 else None
                    if message is None:
                        raise
                    raise ValueError(message) from exc
                missing = [name for name in modules if name not in run.calls]
                if missing:
                    raise ValueError(
                        f"layers: layer {missing[0]!r} did not run in the forward pass, so it has "
                        "no output; pick a layer that forward calls (list_layers(model) shows "
                        "'not run' for these)"
                    )
                if batch_labels is not None:
                    all_labels.append(batch_labels.cpu())
                collector.offset += collector.size
                _release_freed_memory()
                bar.update(1)
    finally:
        bar.close()
    n_images = collector.offset
    if n_images == 0:
        raise ValueError("data: expected at least one image, got none (no batch had images)")
    label_array = torch.cat(all_labels).numpy().astype(np.int64) if has_labels else None
    return Activations(collector.results(modules, label_array), label_array, n_images)


def _output_nbytes(output: Any) -> int:
    if isinstance(output, torch.Tensor):
        return output.numel() * output.element_size()
    if isinstance(output, (tuple, list)):
        return sum(_output_nbytes(o) for o in output)
    if isinstance(output, dict):
        return sum(_output_nbytes(o) for o in output.values())
    return 0


def _check_first_batch(
    model: nn.Module,
    modules: dict[str, nn.Module],
    images: torch.Tensor,
    dev: torch.device,
    dtype: torch.dtype | None,
    collector: _Collector,
) -> None:
    """Estimate from one image what the first batch's forward pass and the kept results
    take, and raise ``MemoryError`` before the batch runs when either exceeds the budget.

    The forward pass of a batch is taken to hold, per image, the requested layers'
    outputs (what the hooks receive; the model's other intermediate tensors come and
    go during the pass and are not counted); the kept results are
    :class:`_Collector`'s estimate. An image that the model cannot run alone is left
    to the batch, which then raises its own error.
    """
    sizes: dict[str, int] = {}
    shapes: dict[str, tuple[int, ...]] = {}

    def record(name: str, output: Any, calls: int) -> None:
        sizes[name] = max(sizes.get(name, 0), _output_nbytes(output))
        if isinstance(output, (tuple, list)) and len(output) == 1:
            output = output[0]
        if isinstance(output, torch.Tensor) and output.ndim >= 2:
            shapes[name] = tuple(output.shape[1:])

    try:
        with torch.no_grad(), hooked_run(model, modules, dev, record):
            model(images[:1].to(device=dev, dtype=dtype or images.dtype))
    except Exception:  # the batch itself reports what is wrong
        return
    b = int(images.shape[0])
    if len(shapes) == len(modules):  # the kept results, before the batch allocates them
        collector.size, collector.shapes = b, shapes
        try:
            collector._check_budget()
        finally:
            collector.size, collector.shapes = 0, {}
    budget = collector.budget or 0
    per_image = sum(sizes.get(n, 0) for n in modules)
    if b * per_image > budget:
        fit = int(budget // max(per_image, 1))
        advice = f"pass batch_size={fit} or less" if fit else "even one image does not fit"
        raise MemoryError(
            f"memory_budget: the forward pass of the first batch ({b} images) would take "
            f"about {format_bytes(b * per_image)} (about {format_bytes(per_image)} per image, "
            f"measured on one image), more than memory_budget={format_bytes(budget)}; "
            f"{advice}, or raise memory_budget"
        )


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, or ``None`` where there is none (macOS, musl, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def _release_freed_memory() -> None:
    """Give the memory freed by a batch back to the system.

    Each batch allocates the layers' outputs (hundreds of MB) and keeps a few small
    arrays (the sampled points). glibc serves both from its heap once its dynamic
    mmap threshold has risen, and the small survivors pin the freed pages, so the
    resident size grew by ~0.25 MB per image (3.2 GiB for 10,000 CIFAR images through
    the paper's ResNet-18, against 1.3 GiB with this call; ``benchmarks/bench_scale.py``).
    ``malloc_trim(0)`` returns every free page; it costs well under 1% of a batch.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _channel_mismatch(model: nn.Module, images: torch.Tensor) -> str | None:
    """What is wrong when the model's first convolution cannot take the images' channels.

    ``None`` when the first layer is not a convolution or its channels match: the error
    then has another cause and is left as torch raised it.
    """
    first = next(
        (
            (name, m)
            for name, m in model.named_modules()
            if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d))
        ),
        None,
    )
    if first is None or images.ndim < 2 or images.shape[1] == first[1].in_channels:
        return None
    name, conv = first
    c, want = int(images.shape[1]), int(conv.in_channels)
    fix = {
        (1, 3): "images.repeat(1, 3, 1, 1) (grey to RGB)",
        (3, 1): "images.mean(1, keepdim=True) (RGB to grey)",
    }.get((c, want), "a transform that gives the model's channels")
    return (
        f"data: the model cannot run on images of shape {tuple(images.shape)} (N, C, H, W): "
        f"its first layer {name!r} expects {want} input channels, the images have {c}; "
        f"convert them, e.g. {fix}; torch's error is shown above"
    )


class _Collector:
    """Receives each hooked layer's output (inside the hook) and keeps what is asked."""

    def __init__(
        self,
        sampler: StreamingSampler | None,
        budget: int | None,
        n_images: int | None,
        n_batches: int | None,
    ) -> None:
        self.sampler, self.budget = sampler, budget
        self.n_images, self.n_batches = n_images, n_batches
        self.offset = 0  # index of the current batch's first image
        self.size = 0  # images in the current batch
        self.stores: dict[str, _FullStore | SamplerState] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}

    def _expected_images(self) -> tuple[int, bool]:
        """(number of images to plan for, whether it is only what was seen so far)."""
        if self.n_images is not None:
            return self.n_images, False
        if self.n_batches is not None:  # a loader of known length: assume full batches
            return self.n_batches * self.size, False
        return self.offset + self.size, True

    def _check_budget(self) -> None:
        n, _ = self._expected_images()
        estimates = {
            name: n * int(np.prod(shape)) * 4
            if self.sampler is None
            else self.sampler.output_nbytes(n, shape)
            for name, shape in self.shapes.items()
        }
        _enforce_budget(estimates, self.budget, n, self.sampler is None)

    def on_output(self, name: str, output: Any, calls: int) -> None:
        out = _layer_tensor(name, output, calls, self.size, self.offset)
        if self.sampler is None:  # samplers check what they read, more cheaply
            check_finite(out, where=f"layer {name!r}", image_offset=self.offset)
        if name not in self.stores:
            self.shapes[name] = tuple(out.shape[1:])
            self._check_budget()  # before this layer's store is allocated
            if self.sampler is None:
                self.stores[name] = _FullStore(self.n_images, self.shapes[name])
            else:
                self.stores[name] = self.sampler.start(name)
        elif self._expected_images()[1]:
            self._check_budget()  # image count unknown up front: check as it grows
        self.stores[name].update(out, self.offset)

    def results(self, names: Any, labels: NDArray[np.int64] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            store = self.stores[name]
            if isinstance(store, _FullStore):
                out[name] = store.finish(self.offset)
            else:
                out[name] = store.finish(labels=labels, n_images=self.offset)
        return out


def _enforce_budget(
    estimates: dict[str, int], budget: int | None, n_images: int, full: bool
) -> None:
    total = sum(estimates.values())
    if budget is None or total <= budget:
        return
    per_layer = ", ".join(f"{name!r}: {format_bytes(b)}" for name, b in estimates.items())
    hint = (
        "pass point_cloud='top_l2' (or another sampler) to keep only sampled vectors, "
        if full
        else "use a sampler that keeps fewer points, "
    )
    raise MemoryError(
        f"memory_budget: keeping the {'full activations' if full else 'point clouds'} of "
        f"{n_images} images would take about {format_bytes(total)} ({per_layer}), more than "
        f"memory_budget={format_bytes(budget)}; {hint}use fewer images or layers, or raise "
        "memory_budget"
    )
