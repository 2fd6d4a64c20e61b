"""Running a model safely: device, eval mode and forward hooks, always undone.

Everything that changes the user's model for the length of a run lives here, in one
context manager, so that there is a single ``finally`` that puts it back: the hooks are
removed, every module's ``training`` flag is restored and a model that was moved to
another device is moved back, whether the run ends normally, raises, or is interrupted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from tda_widgets._validation import describe

__all__ = ["HookedRun", "check_model", "hooked_run", "model_device", "resolve_device"]


def check_model(model: Any) -> nn.Module:
    """Check ``model`` is a ``torch.nn.Module``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model: expected a torch.nn.Module, got {describe(model)}")
    return model


def _model_devices(model: nn.Module) -> set[torch.device]:
    tensors = [*model.parameters(), *model.buffers()]
    return {t.device for t in tensors}


def model_device(model: nn.Module) -> torch.device:
    """The device the model's parameters live on (cpu for a model without any)."""
    devices = _model_devices(model)
    if not devices:
        return torch.device("cpu")
    if len(devices) > 1:
        names = sorted(str(d) for d in devices)
        raise ValueError(
            f"model: expected all parameters on one device, got parameters on {names}; "
            "move the model to one device first"
        )
    return next(iter(devices))


def model_dtype(model: nn.Module) -> torch.dtype | None:
    """The dtype of the model's first floating-point parameter, if any."""
    for p in model.parameters():
        if p.is_floating_point():
            return p.dtype
    return None


def resolve_device(device: Any, model: nn.Module) -> torch.device:
    """The device to run on: ``device`` if given (checked), else the model's device."""
    if device is None:
        return model_device(model)
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device: expected None, 'cpu', 'cuda', 'cuda:N', 'mps' or a torch.device, "
            f"got {describe(device)}"
        ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device: got {str(dev)!r} but CUDA is not available here")
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(
            f"device: got {str(dev)!r} but only {torch.cuda.device_count()} CUDA device(s) exist"
        )
    if dev.type == "cuda" and dev.index is None:
        dev = torch.device("cuda", torch.cuda.current_device())
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device: got 'mps' but the MPS backend is not available here")
    return dev


class HookedRun:
    """The outputs captured during one forward pass, keyed by layer name.

    ``outputs[name]`` is the layer's output of the latest call; ``calls[name]`` counts
    how often the layer ran since :meth:`clear`. When ``callback`` is set, it is called
    as ``callback(name, output, calls)`` from inside the hook instead of storing the
    output: the hook runs before any later in-place operation (``ReLU(inplace=True)``)
    can overwrite the output.
    """

    def __init__(self, callback: Callable[[str, Any, int], None] | None = None) -> None:
        self.outputs: dict[str, Any] = {}
        self.calls: dict[str, int] = {}
        self.callback = callback

    def clear(self) -> None:
        """Forget the outputs of the previous forward pass."""
        self.outputs.clear()
        self.calls.clear()

    def hook_for(self, name: str) -> Any:
        """A forward hook that records the output of the module ``name``."""

        def hook(module: nn.Module, args: Any, output: Any) -> None:
            calls = self.calls[name] = self.calls.get(name, 0) + 1
            if self.callback is None:
                self.outputs[name] = output
            else:
                self.callback(name, output, calls)

        return hook


@contextmanager
def hooked_run(
    model: nn.Module,
    modules: Mapping[str, nn.Module],
    device: torch.device,
    callback: Callable[[str, Any, int], None] | None = None,
) -> Iterator[HookedRun]:
    """Put ``model`` in eval mode on ``device`` with forward hooks on ``modules``.

    On exit, however it happens (return, exception, ``KeyboardInterrupt``), the hooks
    are removed, each module's ``training`` flag is restored and the model is moved
    back to the device it came from.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU()).train()
    >>> with hooked_run(model, {"0": model[0]}, torch.device("cpu")) as run:
    ...     _ = model(torch.zeros(4, 2))
    ...     model.training, run.outputs["0"].shape
    (False, torch.Size([4, 3]))
    >>> model.training, len(model[0]._forward_hooks)
    (True, 0)
    """
    modes = {m: m.training for m in model.modules()}
    original = model_device(model)
    run = HookedRun(callback)
    handles = []
    try:
        if device != original:
            model.to(device)
        model.eval()
        for name, module in modules.items():
            handles.append(module.register_forward_hook(run.hook_for(name)))
        yield run
    finally:
        for handle in handles:
            handle.remove()
        for module, training in modes.items():
            module.training = training
        if device != original:
            model.to(original)
