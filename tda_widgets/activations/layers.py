"""Finding layers by name: ``list_layers`` and the checks behind ``layers=``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from tda_widgets._validation import describe, unknown_name_error
from tda_widgets.activations._model import check_model, hooked_run, model_dtype, resolve_device

__all__ = ["LayerInfo", "LayerList", "list_layers", "resolve_layers"]


@dataclass(frozen=True)
class LayerInfo:
    """One named module of a model, as listed by :func:`list_layers`.

    Parameters
    ----------
    name : str
        The name in ``model.named_modules()``; pass it to ``layers=``.
    type : str
        The module's class name, e.g. ``"Conv2d"``.
    output_shape : tuple of int or None
        Shape of the output for one image (no batch dimension), or ``None`` when the
        output is not a tensor, the module did not run, or no dummy batch was used.
    output_type : str
        ``"Tensor"``, the type of a non-tensor output (e.g. ``"tuple"``), ``"not run"``
        when the module is not called by ``forward``, or ``""`` without a dummy batch.
    calls : int or None
        How many times the module ran in one forward pass (a module reused in
        ``forward``, like torchvision's ``BasicBlock.relu``, runs more than once and
        cannot be extracted unambiguously).
    """

    name: str
    type: str
    output_shape: tuple[int, ...] | None = None
    output_type: str = ""
    calls: int | None = None


class LayerList(list[LayerInfo]):
    """A list of :class:`LayerInfo` that prints as a table; ``.names`` gives the names."""

    @property
    def names(self) -> list[str]:
        """The layer names, ready for ``extract_activations(..., layers=...)``."""
        return [info.name for info in self]

    def __repr__(self) -> str:
        rows = [("name", "type", "output", "calls")]
        for info in self:
            out = info.output_type if info.output_shape is None else str(info.output_shape)
            calls = "" if info.calls is None else str(info.calls)
            rows.append((info.name, info.type, out, calls))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        ]
        return "\n".join(lines)

    __str__ = __repr__


def _matches_kind(module: nn.Module, kind: Any) -> bool:
    if kind is None:
        return True
    kinds = kind if isinstance(kind, (tuple, list)) else (kind,)
    mro = type(module).__mro__
    for k in kinds:
        if isinstance(k, str):
            if any(cls.__name__ == k for cls in mro):
                return True
        elif isinstance(k, type):
            if isinstance(module, k):
                return True
        else:
            raise TypeError(
                f"kind: expected None, a module class, a class name such as 'Conv2d', or a "
                f"list of those, got {describe(k)}"
            )
    return False


def list_layers(
    model: nn.Module,
    kind: Any = None,
    *,
    input_shape: Sequence[int] | None = (3, 32, 32),
    device: Any = None,
) -> LayerList:
    """List a model's named modules with their types and output shapes.

    The shapes come from one forward pass of a dummy batch of two images of
    ``input_shape`` (in eval mode, without gradients; hooks are removed and modes
    restored afterwards). Pass ``input_shape=None`` to skip it.

    Parameters
    ----------
    model : torch.nn.Module
        The model.
    kind : None, type, str or list of those
        Keep only modules of this class (``nn.Conv2d``) or class name (``"Conv2d"``;
        base classes count too). ``None`` keeps all.
    input_shape : tuple of int or None
        Shape of one input image ``(C, H, W)``; ``(3, 224, 224)`` for ImageNet models.
    device : None, str or torch.device
        Where to run the dummy batch; by default the model's device.

    Returns
    -------
    LayerList
        One :class:`LayerInfo` per module, in ``named_modules()`` order (the model itself
        excluded). Prints as a table; ``.names`` is the list of names.

    Examples
    --------
    >>> from torch import nn
    >>> from tda_widgets import list_layers
    >>> model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(),
    ...                       nn.Linear(8 * 32 * 32, 10))
    >>> list_layers(model)
    name  type     output       calls
    0     Conv2d   (8, 32, 32)  1
    1     ReLU     (8, 32, 32)  1
    2     Flatten  (8192,)      1
    3     Linear   (10,)        1
    >>> list_layers(model, kind="Conv2d").names
    ['0']
    """
    check_model(model)
    named = [(n, m) for n, m in model.named_modules() if n != ""]
    chosen = [(n, m) for n, m in named if _matches_kind(m, kind)]
    if input_shape is None:
        return LayerList(LayerInfo(n, type(m).__name__) for n, m in chosen)
    shape = _check_input_shape(input_shape)
    dev = resolve_device(device, model)
    dtype = model_dtype(model) or torch.float32
    gen = torch.Generator().manual_seed(0)
    dummy = torch.randn((2, *shape), generator=gen).to(device=dev, dtype=dtype)
    with torch.no_grad(), hooked_run(model, dict(chosen), dev) as run:
        try:
            model(dummy)
        except Exception as exc:
            raise ValueError(
                f"input_shape: the model could not run a dummy batch of shape "
                f"{tuple(dummy.shape)} ({type(exc).__name__}: {str(exc)[:200]}); pass the "
                "shape of one input image, e.g. input_shape=(1, 28, 28), or input_shape=None"
            ) from exc
    infos = LayerList()
    for n, m in chosen:
        out = run.outputs.get(n)
        calls = run.calls.get(n, 0)
        if calls == 0:
            infos.append(LayerInfo(n, type(m).__name__, None, "not run", 0))
        elif isinstance(out, torch.Tensor) and out.ndim >= 1:
            infos.append(LayerInfo(n, type(m).__name__, tuple(out.shape[1:]), "Tensor", calls))
        else:
            infos.append(LayerInfo(n, type(m).__name__, None, type(out).__name__, calls))
    return infos


def _check_input_shape(input_shape: Any) -> tuple[int, ...]:
    try:
        shape = tuple(int(s) for s in input_shape)
    except (TypeError, ValueError):
        shape = ()
    if not shape or any(s < 1 for s in shape) or len(shape) != len(tuple(input_shape)):
        raise ValueError(
            "input_shape: expected the shape of one input image such as (3, 32, 32), "
            f"got {describe(input_shape)}"
        )
    return shape


def resolve_layers(model: nn.Module, layers: Any) -> dict[str, nn.Module]:
    """Map each requested layer name to its module, with helpful errors.

    ``layers`` is a name, a :class:`LayerInfo`, or a sequence of those.

    Examples
    --------
    >>> from torch import nn
    >>> model = nn.Sequential()
    >>> model.add_module("conv1", nn.Conv2d(3, 8, 3))
    >>> model.add_module("relu", nn.ReLU())
    >>> list(resolve_layers(model, "conv1"))
    ['conv1']
    >>> resolve_layers(model, ["conv2"])
    Traceback (most recent call last):
    ...
    ValueError: layers: unknown name 'conv2'; did you mean 'conv1'? (list_layers(model) shows ...
    """
    if isinstance(layers, (str, LayerInfo)):
        layers = [layers]
    if not isinstance(layers, Sequence) or isinstance(layers, bytes):
        raise TypeError(f"layers: expected a layer name or a list of names, got {describe(layers)}")
    names = [x.name if isinstance(x, LayerInfo) else x for x in layers]
    if not names:
        raise ValueError("layers: expected at least one layer name, got an empty list")
    modules = dict(model.named_modules())
    modules.pop("", None)
    out: dict[str, nn.Module] = {}
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"layers: expected layer names as strings, got {describe(name)}")
        if name in out:
            raise ValueError(f"layers: expected each layer once, got {name!r} twice")
        if name not in modules:
            raise unknown_name_error(
                name,
                list(modules),
                name="layers",
                hint=f"(list_layers(model) shows all {len(modules)} layer names)",
            )
        out[name] = modules[name]
    return out
