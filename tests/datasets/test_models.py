"""resnet18_cifar: the paper's 17 convolutions, spatial sizes 32/16/8/4, both shortcuts."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from tda_widgets.datasets import RESNET18_BN_LAYERS, RESNET18_CONV_LAYERS, resnet18_cifar
from tda_widgets.datasets.models import BasicBlock, _ShortcutA


def _conv_outputs(net: nn.Module, x: torch.Tensor) -> dict[str, tuple[int, ...]]:
    shapes: dict[str, tuple[int, ...]] = {}
    handles = [
        m.register_forward_hook(lambda _m, _i, out, name=name: shapes.__setitem__(name, out.shape))
        for name, m in net.named_modules()
        if isinstance(m, nn.Conv2d) and "shortcut" not in name
    ]
    try:
        with torch.no_grad():
            net.eval()(x)
    finally:
        for h in handles:
            h.remove()
    return shapes


@pytest.mark.parametrize("shortcut", ["A", "B"])
@pytest.mark.parametrize(("in_channels", "width"), [(3, 4), (1, 8)])
def test_17_convolutions_at_the_papers_spatial_sizes(shortcut: str, in_channels: int, width: int):
    net = resnet18_cifar(num_classes=7, in_channels=in_channels, width=width, shortcut=shortcut)
    shapes = _conv_outputs(net, torch.randn(2, in_channels, 32, 32))
    assert list(shapes) == list(RESNET18_CONV_LAYERS)
    assert len(shapes) == 17
    for name, shape in shapes.items():
        stage = 1 if name == "conv1" else int(name[len("layer")])
        assert shape == (
            2,
            width * 2 ** (stage - 1),
            32 // 2 ** (stage - 1),
            32 // 2 ** (stage - 1),
        ), name
    assert {s[-1] for s in shapes.values()} == {32, 16, 8, 4}
    assert net(torch.randn(3, in_channels, 32, 32)).shape == (3, 7)
    bns = [
        n for n, m in net.named_modules() if isinstance(m, nn.BatchNorm2d) and "shortcut" not in n
    ]
    assert tuple(bns[1:]) == RESNET18_BN_LAYERS  # bns[0] is the stem's bn1


def test_shortcut_a_is_parameter_free_and_b_uses_1x1_convolutions() -> None:
    net_a = resnet18_cifar(width=8, shortcut="A")
    net_b = resnet18_cifar(width=8, shortcut="B")
    convs_a = [n for n, m in net_a.named_modules() if isinstance(m, nn.Conv2d)]
    convs_b = [n for n, m in net_b.named_modules() if isinstance(m, nn.Conv2d)]
    assert len(convs_a) == 17
    assert [n for n in convs_b if "shortcut" in n] == [
        "layer2.0.shortcut.0",
        "layer3.0.shortcut.0",
        "layer4.0.shortcut.0",
    ]
    for name, module in net_a.named_modules():
        if name.endswith("shortcut"):
            assert sum(p.numel() for p in module.parameters()) == 0, name


def test_full_width_parameter_counts() -> None:
    # Option B at width 64 is the widely used CIFAR ResNet-18 with 11,173,962 parameters;
    # option A drops exactly the three 1x1 convolutions and their batch norms.
    net_b = resnet18_cifar(shortcut="B")
    net_a = resnet18_cifar(shortcut="A")
    n_b = sum(p.numel() for p in net_b.parameters())
    n_a = sum(p.numel() for p in net_a.parameters())
    shortcut = sum((c * 2 * c) + 2 * (2 * c) for c in (64, 128, 256))
    assert n_b == 11_173_962
    assert n_a == n_b - shortcut


def test_shortcut_a_subsamples_and_zero_pads() -> None:
    x = torch.randn(2, 4, 8, 8)
    out = _ShortcutA(4, 8, stride=2)(x)
    assert out.shape == (2, 8, 4, 4)
    assert torch.equal(out[:, 2:6], x[:, :, ::2, ::2])
    assert float(out[:, :2].abs().sum()) == 0.0 and float(out[:, 6:].abs().sum()) == 0.0


def test_identity_block_is_residual() -> None:
    block = BasicBlock(4, 4, stride=1).eval()
    for bn in (block.bn1, block.bn2):
        nn.init.zeros_(bn.weight)  # residual branch outputs the bn bias, zero
    x = torch.randn(1, 4, 6, 6)
    assert torch.allclose(block(x), torch.relu(x))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"shortcut": "C"}, ValueError, r"shortcut: expected 'A' or 'B', got 'C'"),
        ({"width": 0}, ValueError, r"width: expected an integer >= 1, got 0"),
        ({"num_classes": 2.5}, TypeError, r"num_classes: expected an integer >= 1, got float 2.5"),
        ({"in_channels": True}, TypeError, r"in_channels: expected an integer >= 1, got bool True"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        resnet18_cifar(**kwargs)
