"""Hooks are removed and train/eval modes restored however a run ends."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from tda_widgets import extract_activations, list_layers

LAYERS = ["conv1", "bn1", "conv2"]


def _hook_counts(model: nn.Module) -> dict[str, int]:
    return {name: len(m._forward_hooks) for name, m in model.named_modules()}


def _modes(model: nn.Module) -> dict[str, bool]:
    return {name: m.training for name, m in model.named_modules()}


def _mixed_modes(model: nn.Module) -> dict[str, bool]:
    """Train mode except a frozen batch norm: restoring must be per module."""
    model.train()
    model.bn1.eval()
    return _modes(model)


@pytest.mark.parametrize("point_cloud", [None, "top_l2"])
def test_normal_run_removes_hooks_and_restores_modes(tiny, images, point_cloud):
    before = _mixed_modes(tiny)
    seen = {}

    def spy(module, args, output):  # the model must be in eval mode while running
        seen["training"] = module.training

    user_hook = tiny.conv2.register_forward_hook(spy)
    extract_activations(tiny, images, LAYERS, point_cloud=point_cloud, progress=False)
    assert seen["training"] is False
    assert _modes(tiny) == before
    counts = _hook_counts(tiny)
    assert counts.pop("conv2") == 1  # only the user's own hook is left
    assert set(counts.values()) == {0}
    user_hook.remove()
    tiny.eval()
    extract_activations(tiny, images, LAYERS, progress=False)
    assert not any(_modes(tiny).values())


def test_gradients_are_not_tracked(tiny, images):
    seen = {}

    def spy(module, args, output):
        seen["grad"] = torch.is_grad_enabled()
        seen["requires_grad"] = output.requires_grad

    tiny.conv1.register_forward_hook(spy)
    extract_activations(tiny, images, "conv1", progress=False)
    assert seen == {"grad": False, "requires_grad": False}
    assert torch.is_grad_enabled()


def test_exception_inside_forward(tiny, images):
    before = _mixed_modes(tiny)
    calls = {"n": 0}
    original = tiny.forward

    def failing_forward(x):
        calls["n"] += 1
        if calls["n"] == 2:  # fails on the second batch, after hooks have fired
            raise RuntimeError("boom in forward")
        return original(x)

    tiny.forward = failing_forward
    with pytest.raises(RuntimeError, match="boom in forward"):
        extract_activations(tiny, images, LAYERS, batch_size=4, progress=False)
    assert calls["n"] == 2
    assert _modes(tiny) == before
    assert set(_hook_counts(tiny).values()) == {0}


def test_keyboard_interrupt_from_a_hook(tiny, images):
    before = _mixed_modes(tiny)

    def interrupt(module, args, output):
        raise KeyboardInterrupt

    handle = tiny.conv2.register_forward_hook(interrupt)
    with pytest.raises(KeyboardInterrupt):
        extract_activations(tiny, images, LAYERS, point_cloud="top_l2", progress=False)
    assert _modes(tiny) == before
    counts = _hook_counts(tiny)
    assert counts.pop("conv2") == 1
    assert set(counts.values()) == {0}
    handle.remove()
    # and the model still works normally afterwards
    acts = extract_activations(tiny, images, "conv1", progress=False)
    assert np.isfinite(acts["conv1"]).all()


def test_our_own_error_inside_a_hook_cleans_up(tiny, images):
    before = _mixed_modes(tiny)
    bad = images.clone()
    bad[3, 0, 2, 2] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        extract_activations(tiny, bad, LAYERS, progress=False)
    assert _modes(tiny) == before
    assert set(_hook_counts(tiny).values()) == {0}


def test_list_layers_cleans_up(tiny):
    before = _mixed_modes(tiny)
    list_layers(tiny, input_shape=(3, 8, 8))
    assert _modes(tiny) == before
    assert set(_hook_counts(tiny).values()) == {0}
