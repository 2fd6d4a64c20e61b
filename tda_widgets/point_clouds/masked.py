"""The paper's data-driven samplers: foreground and background top-1 / top-5.

Per image, a mask says which input pixels are the object (foreground) and which are
not (background). Per layer, receptive-field weights say how strongly each input pixel
reaches each spatial position. A position's *mask weight* is the l2 norm of its
receptive-field weights over the mask's pixels; the sampler keeps the ``top``
positions of largest mask weight. PAPER.md (section 1.2) describes the authors' code:

1. masks from OpenCV's GrabCut (:func:`grabcut_masks`: rect = the whole image, 5
   iterations, "probable background" counted as background), or masks you pass in
   (``hierarchical_shapes(...).masks`` holds the true ones);
2. receptive-field weights (:func:`receptive_fields`), computed once per model
   architecture and input size, by the authors' definition (see there);
3. top-1: the position of largest weight, ties broken at random; top-5: 5 positions
   drawn without replacement among those whose weight is at least the 5th largest.

Ties are common (receptive fields are symmetric) and the weights are sums in floating
point, whose last bits depend on the CPU and the BLAS library's kernel. Weights within a
relative :data:`TIE_RTOL` of the k-th largest therefore count as tied, so the same inputs
give the same cloud on every machine (without it, 17 of 320 images of the shapes data
changed position between two CPUs at ``layer2.1.bn2``).

The activations are taken as they are (``relu=False``): the authors' script for these
clouds applies no ReLU.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from tda_widgets._validation import check_bool, check_int, describe, unknown_name_error
from tda_widgets.point_clouds.base import Sampler, SamplerStateBase

__all__ = [
    "MaskedTop",
    "ReceptiveFields",
    "background",
    "foreground",
    "grabcut_masks",
    "receptive_fields",
]

#: The constant the authors gave every convolution weight (PAPER.md, section 1.2).
RF_CONV_WEIGHT = 0.001

#: Mask weights within this relative distance of the k-th largest count as tied: far
#: above the rounding of a sum of nonnegative float64 terms (about 1e-13 for a
#: 1,024-pixel mask), far below a real difference between two positions.
TIE_RTOL = 1e-9


# ----------------------------------------------------------------------- masks
def _as_image_array(images: Any, name: str) -> NDArray[Any]:
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().numpy()
    x = np.asarray(images)
    if x.ndim != 4 or x.shape[0] == 0:
        raise ValueError(
            f"{name}: expected images of shape (N, C, H, W) with N >= 1, got shape {x.shape}"
        )
    if x.shape[1] not in (1, 3):
        raise ValueError(
            f"{name}: expected 1 (grey) or 3 (RGB) channels for GrabCut, got {x.shape[1]}"
        )
    return x


def _to_uint8(image: NDArray[Any]) -> NDArray[np.uint8]:
    """One ``(C, H, W)`` image as contiguous ``(H, W, 3)`` uint8 for OpenCV."""
    if image.dtype == np.uint8:
        out = image
    else:
        x = image.astype(np.float64)
        if not np.isfinite(x).all():
            raise ValueError("images: expected finite pixel values, got NaN or infinity")
        lo, hi = float(x.min()), float(x.max())
        out = np.zeros(x.shape, np.uint8) if hi <= lo else np.rint((x - lo) / (hi - lo) * 255)
        out = out.astype(np.uint8)
    out = np.transpose(out, (1, 2, 0))
    if out.shape[2] == 1:
        out = np.repeat(out, 3, axis=2)
    return np.ascontiguousarray(out)


def grabcut_masks(images: Any, *, iterations: int = 5) -> NDArray[np.bool_]:
    """Foreground masks by OpenCV's GrabCut, as the authors computed them.

    Each image is segmented on its own with ``cv2.grabCut`` initialised by a rectangle
    covering the whole image, for ``iterations`` iterations (the authors used 5). Pixels
    GrabCut labels foreground or *probable* foreground are foreground; background and
    *probable background* are background. "The whole image" is the image less a
    1-pixel frame, ``rect = (1, 1, W - 2, H - 2)``: GrabCut fits its background colour
    model to the pixels outside the rectangle, and OpenCV refuses a rectangle of the
    full size, which leaves none (``!bgdSamples.empty()``). Needs ``opencv-python-headless``
    (``pip install tda-widgets[paper]``).

    GrabCut reads 8-bit colour: an image that is not ``uint8`` is stretched from its own
    minimum and maximum to 0-255 (this keeps the order of colours, which is all that
    GrabCut's colour models use), and a grey image is repeated to three channels.

    Parameters
    ----------
    images : tensor or array of shape (N, C, H, W), C = 1 or 3
        The images as the model sees them (any normalisation is undone by the stretch).
    iterations : int
        GrabCut iterations.

    Returns
    -------
    ndarray of bool, shape (N, H, W)
        True on foreground pixels. An image GrabCut cannot split (a flat image) is all
        background.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((1, 3, 32, 32), dtype=np.float32)
    >>> img[0, :, 10:22, 10:22] = 1.0      # a bright square on black
    >>> masks = grabcut_masks(img)         # doctest: +SKIP
    >>> masks[0, 16, 16], masks[0, 0, 0]   # doctest: +SKIP
    (True, False)
    """
    try:
        import cv2
    except ImportError:
        raise ImportError(
            "grabcut_masks needs OpenCV: pip install 'tda-widgets[paper]' "
            "(opencv-python-headless), or pass masks of your own"
        ) from None
    iterations = check_int(iterations, name="iterations", minimum=1)
    x = _as_image_array(images, "images")
    n, _, h, w = x.shape
    out = np.zeros((n, h, w), dtype=bool)
    if h < 3 or w < 3:
        raise ValueError(f"images: expected at least 3x3 pixels for GrabCut, got {h}x{w}")
    rect = (1, 1, w - 2, h - 2)  # the 1-pixel frame is GrabCut's sure background
    for i in range(n):
        img = _to_uint8(x[i])
        if img.min() == img.max():
            continue  # nothing to segment
        mask = np.zeros((h, w), np.uint8)
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        try:
            cv2.grabCut(img, mask, rect, bgd, fgd, iterations, cv2.GC_INIT_WITH_RECT)
        except cv2.error:
            continue  # GrabCut found no colour model to fit: no foreground
        out[i] = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    return out


# ------------------------------------------------------------ receptive fields
@dataclass(frozen=True, eq=False)
class ReceptiveFields:
    """Receptive-field weights of a model's layers for one input size.

    Attributes
    ----------
    input_shape : tuple of int
        ``(C, H, W)`` of the input the weights were computed for.
    weights : dict of str to ndarray of float64, shape (h * w, H * W)
        Per layer, row ``q = row * w + col`` of its ``h x w`` feature map holds the
        response of that position to each input pixel (row-major); see
        :func:`receptive_fields`.
    layer_shapes : dict of str to (h, w)
    conv_weight : float
        The constant every convolution weight was set to.
    """

    input_shape: tuple[int, int, int]
    weights: Mapping[str, NDArray[np.float64]]
    layer_shapes: Mapping[str, tuple[int, int]]
    conv_weight: float = RF_CONV_WEIGHT

    @property
    def layers(self) -> tuple[str, ...]:
        """The layer names, in the order they were asked for."""
        return tuple(self.weights)

    def mask_weights(self, layer: str, masks: NDArray[np.bool_]) -> NDArray[np.float64]:
        """Per image and position, the l2 norm of the weights over the masked pixels.

        ``masks`` is ``(B, H, W)`` bool; the result is ``(B, h * w)``.
        """
        flat = masks.reshape(masks.shape[0], -1).astype(np.float64)
        return np.sqrt(flat @ np.square(self.weights[layer]).T)


def _neutralise(model: nn.Module, value: float) -> nn.Module:
    """A float64 copy with every conv weight ``value``, no biases and identity norms."""
    net = copy.deepcopy(model).to(device="cpu", dtype=torch.float64).eval()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.modules.conv._ConvNd):
                m.weight.fill_(value)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.modules.batchnorm._NormBase):
                # in eval mode: (x - 0) / sqrt(1 + 0) * 1 + 0 = x, and the name stays;
                # a norm built without running statistics gets them, or it would
                # normalise by the batch's own statistics (not linear)
                m.running_mean = torch.zeros(m.num_features, dtype=torch.float64)
                m.running_var = torch.ones(m.num_features, dtype=torch.float64)
                if m.weight is not None:
                    m.weight.fill_(1.0)
                if m.bias is not None:
                    m.bias.zero_()
                m.eps = 0.0
                m.track_running_stats = True
            elif isinstance(m, nn.Linear):
                m.weight.fill_(value)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, (nn.LayerNorm, nn.GroupNorm, nn.LocalResponseNorm)):
                raise ValueError(
                    f"model: {type(m).__name__} modules normalise each input by its own "
                    "statistics, so the network is not linear and the authors' "
                    "constant-weight receptive fields are undefined for it; pass masks and "
                    "receptive fields computed another way, or a model without them"
                )
    return net


def receptive_fields(
    model: nn.Module,
    input_shape: Sequence[int],
    layers: str | Sequence[str],
    *,
    conv_weight: float = RF_CONV_WEIGHT,
    batch_size: int = 256,
) -> ReceptiveFields:
    """Receptive-field weights of each position of ``layers``, by the authors' definition.

    The authors' definition (PAPER.md, section 1.2), not the linearisation of the
    trained model: a copy of the model has every convolution weight set to the constant
    ``conv_weight`` (0.001, as they did) and its biases to 0, and every batch norm made
    the identity; one image per input pixel, 1 on that pixel (all channels) and 0
    elsewhere, goes through it, and the weight of position ``q`` of a layer for pixel
    ``p`` is the l2 norm over channels of ``q``'s response to pixel ``p``. The copy runs
    in float64 (with weights of 0.001 the responses of deep layers would underflow
    float32). All weights and inputs are non-negative, so every response is too: ReLUs
    change nothing and the network is linear, so the weights equal the magnitudes of the
    constant-weight network's input gradient. They depend on the architecture and the
    input size only, never on the trained weights, so one ``ReceptiveFields`` serves
    every model of an architecture, every image of that size and both samplers.

    Non-linear modules other than ReLU (max pooling, sigmoids) are left as they are.
    The cost is ``H * W`` forward passes and ``h * w * H * W`` numbers per layer (a
    32x32 input: 1,024 passes, 8 MB for a 32x32 layer).

    Parameters
    ----------
    model : torch.nn.Module
        Only its architecture is read; the model itself is not changed.
    input_shape : (C, H, W)
    layers : str or sequence of str
        Module names whose outputs are ``(N, c, h, w)`` feature maps.
    conv_weight : float
        The constant convolution weight (> 0).
    batch_size : int
        One-hot images per forward pass.

    Returns
    -------
    ReceptiveFields

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1))
    >>> rf = receptive_fields(net, (1, 5, 5), ["0"])
    >>> w = rf.weights["0"].reshape(5, 5, 5, 5)     # (row, col) of layer x (row, col) of input
    >>> int((w[2, 2] > 0).sum()), int((w[0, 0] > 0).sum())   # a 3x3 window, cut at the corner
    (9, 4)
    """
    from tda_widgets.activations.layers import resolve_layers

    if not isinstance(model, nn.Module):
        raise TypeError(f"model: expected a torch.nn.Module, got {describe(model)}")
    integers = isinstance(input_shape, Sequence) and all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in input_shape
    )  # a string ("abc") is a sequence of strings: refused here, not by int()
    shape = tuple(int(s) for s in input_shape) if integers else ()
    if len(shape) != 3 or min(shape) < 1:
        raise ValueError(
            f"input_shape: expected (C, H, W) of positive integers, got {input_shape!r}"
        )
    if not (isinstance(conv_weight, (int, float)) and np.isfinite(conv_weight) and conv_weight > 0):
        raise ValueError(f"conv_weight: expected a finite number > 0, got {conv_weight!r}")
    batch_size = check_int(batch_size, name="batch_size", minimum=1)
    net = _neutralise(model, float(conv_weight))
    modules = resolve_layers(net, layers)
    c, h, w = shape
    n_pix = h * w
    outputs: dict[str, torch.Tensor] = {}
    chunks: dict[str, list[NDArray[np.float64]]] = {name: [] for name in modules}
    layer_shapes: dict[str, tuple[int, int]] = {}
    handles = [
        module.register_forward_hook(lambda _m, _i, out, name=name: outputs.__setitem__(name, out))
        for name, module in modules.items()
    ]
    try:
        with torch.no_grad():
            for start in range(0, n_pix, batch_size):
                idx = torch.arange(start, min(start + batch_size, n_pix))
                x = torch.zeros(len(idx), c, n_pix, dtype=torch.float64)
                x[torch.arange(len(idx)), :, idx] = 1.0
                net(x.reshape(len(idx), c, h, w))
                for name in modules:
                    out = outputs.get(name)
                    if not isinstance(out, torch.Tensor) or out.ndim != 4:
                        got = "no tensor" if out is None else describe(out)
                        raise ValueError(
                            f"layers: expected {name!r} to output a (N, c, h, w) feature map, "
                            f"got {got}"
                        )
                    layer_shapes[name] = (int(out.shape[2]), int(out.shape[3]))
                    chunks[name].append(torch.linalg.vector_norm(out, dim=1).flatten(1).numpy())
                outputs.clear()
    finally:
        for handle in handles:
            handle.remove()
    # (H*W pixels, h*w positions) -> one row per position
    weights = {name: np.ascontiguousarray(np.concatenate(chunks[name]).T) for name in modules}
    return ReceptiveFields(
        input_shape=(c, h, w),
        weights=weights,
        layer_shapes=layer_shapes,
        conv_weight=float(conv_weight),
    )


# -------------------------------------------------------------------- samplers
def _digest(a: NDArray[Any]) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class MaskedTop(Sampler):
    """Top positions by foreground or background weight (see :func:`foreground`)."""

    name: ClassVar[str] = "masked_top"
    masks: NDArray[np.bool_]
    fields: ReceptiveFields
    region: str = "foreground"
    top: int = 1
    seed: int = 0
    relu: bool = False

    def __post_init__(self) -> None:
        if self.region not in ("foreground", "background"):
            raise ValueError(f"region: expected 'foreground' or 'background', got {self.region!r}")
        if not isinstance(self.fields, ReceptiveFields):
            raise TypeError(
                f"receptive_fields: expected the result of receptive_fields(model, "
                f"input_shape, layers), got {describe(self.fields)}"
            )
        masks = (
            self.masks.detach().cpu().numpy()
            if isinstance(self.masks, torch.Tensor)
            else self.masks
        )
        masks = np.asarray(masks)
        _, h, w = self.fields.input_shape
        if masks.ndim != 3 or masks.shape[1:] != (h, w):
            raise ValueError(
                f"masks: expected shape (N, {h}, {w}) to match the receptive fields' input, "
                f"got shape {masks.shape}"
            )
        if masks.dtype != np.bool_:
            if not np.isin(masks, (0, 1)).all():
                raise ValueError("masks: expected booleans (or 0/1 values), got other values")
            masks = masks.astype(bool)
        object.__setattr__(self, "masks", masks)
        check_int(self.top, name="top", minimum=1)
        check_int(self.seed, name="seed", minimum=0)
        check_bool(self.relu, name="relu")

    def params(self) -> dict[str, Any]:
        """Name and parameters; the masks by their count and digest, not their pixels."""
        return {
            "sampler": self.region,
            "top": self.top,
            "seed": self.seed,
            "relu": self.relu,
            "n_masks": int(self.masks.shape[0]),
            "masks_sha256": _digest(self.masks),
            "mask_fraction": float(self.masks.mean()) if self.masks.size else 0.0,
            "receptive_field": f"constant conv weight {self.fields.conv_weight:g}",
            "tie_rtol": TIE_RTOL,  # in the cache key: earlier clouds broke ties by rounding
        }

    def start(self, layer: str = "") -> SamplerStateBase:
        if layer not in self.fields.weights:
            raise unknown_name_error(
                layer,
                list(self.fields.layers),
                name="layer",
                hint="(receptive_fields(model, input_shape, layers) was given other layers)",
            )
        h, w = self.fields.layer_shapes[layer]
        if self.top > h * w:  # refused, never quietly fewer than params["top"] say
            raise ValueError(
                f"top: expected at most the {h * w} positions of layer {layer!r} ({h}x{w}) "
                f"per image, got top={self.top}; pass top={h * w} or less, or a layer with "
                "more positions"
            )
        return _MaskedTopState(self, layer)

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        return n_images * self.top * (sample_shape[0] * 4 + 24)


class _MaskedTopState(SamplerStateBase):
    sampler: MaskedTop

    def __init__(self, sampler: MaskedTop, layer: str) -> None:
        super().__init__(sampler, layer)
        self.rng = np.random.default_rng(sampler.seed)

    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        s = self.sampler
        x = self._prepare(activations)
        self._check_finite(x, image_offset)
        b, _, h, w = x.shape
        expected = s.fields.layer_shapes[self.layer]
        if (h, w) != tuple(expected):
            raise ValueError(
                f"{s.region} (layer {self.layer!r}): the receptive fields are for a "
                f"{expected[0]}x{expected[1]} feature map (input {s.fields.input_shape}), "
                f"got {h}x{w}; compute receptive_fields for this input size"
            )
        end = image_offset + b
        if end > s.masks.shape[0]:
            raise ValueError(
                f"masks: expected one mask per image, got {s.masks.shape[0]} masks for at "
                f"least {end} images"
            )
        m = s.masks[image_offset:end]
        if s.region == "background":
            m = ~m
        weights = s.fields.mask_weights(self.layer, m)  # (b, h*w)
        p = h * w
        k = min(s.top, p)
        # one block of uniform keys per image, in image order: batch splits do not matter
        keys = self.rng.random((b, p))
        kth = -np.partition(-weights, k - 1, axis=1)[:, k - 1 : k]
        # candidates: at least the k-th largest, up to rounding (TIE_RTOL)
        keys = np.where(weights >= kth * (1.0 - TIE_RTOL), keys, np.inf)
        chosen = np.argsort(keys, axis=1, kind="stable")[:, :k]  # k random candidates
        chosen = np.sort(chosen, axis=1)
        images = np.repeat(np.arange(b), k)
        flat = chosen.reshape(-1)
        points = x.flatten(2)[torch.as_tensor(images), :, torch.as_tensor(flat)]
        self._keep(
            self._relu(points),
            image_offset + images,
            np.stack([flat // w, flat % w], axis=1),
        )


def _masked(region: str, masks: Any, fields: Any, top: int, seed: int, relu: bool) -> MaskedTop:
    return MaskedTop(masks=masks, fields=fields, region=region, top=top, seed=seed, relu=relu)


def foreground(
    masks: Any,
    receptive_fields: ReceptiveFields,
    *,
    top: int = 1,
    seed: int = 0,
    relu: bool = False,
) -> MaskedTop:
    """Per image, the ``top`` positions most tied to the object: the paper's foreground top-k.

    A position's foreground weight is the l2 norm of its receptive-field weights
    (:func:`receptive_fields`) over the image's foreground pixels (``masks``). With
    ``top=1`` the position of largest weight is kept, ties broken at random; with
    ``top=k`` (the paper's 5), ``k`` positions are drawn without replacement among those
    whose weight is at least the k-th largest. Weights within a relative
    :data:`TIE_RTOL` (1e-9) of it count as tied, so floating-point rounding, which
    differs between CPUs, never decides. An image whose mask is empty has weight
    0 everywhere, so its positions are drawn uniformly. Random draws come from
    ``numpy.random.default_rng(seed)`` consumed in image order, so the cloud does not
    depend on the batch size. Points are the raw activation vectors (``relu=False``, as
    in the authors' script); ``params`` record the masks' count and digest.

    Parameters
    ----------
    masks : array_like of bool, shape (N, H, W)
        One foreground mask per image, in the order the images are given: from
        :func:`grabcut_masks` (the paper's), ``hierarchical_shapes(...).masks`` (the
        true shapes) or your own.
    receptive_fields : ReceptiveFields
        For the model, the input size and the layers to sample.
    top : int
        Positions per image (the paper: 1 or 5).
    seed : int
    relu : bool
        Apply ReLU to the sampled vectors.

    Returns
    -------
    MaskedTop
        A sampler; call it on a layer's activations with ``layer=`` its name, or pass it
        as ``point_cloud=`` to :func:`~tda_widgets.extract_activations` or
        :class:`~tda_widgets.Analysis`.

    Examples
    --------
    >>> import numpy as np, torch
    >>> conv = lambda: torch.nn.Conv2d(1, 1, 3, padding=1)
    >>> net = torch.nn.Sequential(conv(), conv())
    >>> rf = receptive_fields(net, (1, 6, 6), ["1"])
    >>> masks = np.zeros((2, 6, 6), dtype=bool)
    >>> masks[0, 1, 1] = True            # a one-pixel object at (1, 1) in image 0
    >>> masks[1, 4, 3] = True            # and at (4, 3) in image 1
    >>> acts = torch.randn(2, 4, 6, 6, generator=torch.Generator().manual_seed(0))
    >>> cloud = foreground(masks, rf)(acts, layer="1")
    >>> cloud.position.tolist()       # the positions that see the object most
    [[1, 1], [4, 3]]
    >>> foreground(masks, rf, top=5)(acts, layer="1").n_points
    10
    """
    return _masked("foreground", masks, receptive_fields, top, seed, relu)


def background(
    masks: Any,
    receptive_fields: ReceptiveFields,
    *,
    top: int = 1,
    seed: int = 0,
    relu: bool = False,
) -> MaskedTop:
    """Per image, the ``top`` positions most tied to the background: the paper's background top-k.

    :func:`foreground` with the masks inverted: a position's weight is the l2 norm of
    its receptive-field weights over the pixels *outside* the foreground mask.

    Parameters
    ----------
    masks : array_like of bool, shape (N, H, W)
        Foreground masks (the same ones :func:`foreground` takes).
    receptive_fields, top, seed, relu
        As in :func:`foreground`.

    Returns
    -------
    MaskedTop

    Examples
    --------
    >>> import numpy as np, torch
    >>> conv = lambda: torch.nn.Conv2d(1, 1, 3, padding=1)
    >>> rf = receptive_fields(torch.nn.Sequential(conv(), conv()), (1, 6, 6), ["1"])
    >>> masks = np.ones((1, 6, 6), dtype=bool)
    >>> masks[0, 4, 2] = False            # one background pixel, at (4, 2)
    >>> background(masks, rf)(torch.randn(1, 4, 6, 6), layer="1").position.tolist()
    [[4, 2]]
    """
    return _masked("background", masks, receptive_fields, top, seed, relu)
