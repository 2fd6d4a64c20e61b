"""The CIFAR ResNet-18 of the paper's experiments, at any width.

Layout (PAPER.md, section 1.1): a 3x3 stride-1 stem convolution, then four stages of two
BasicBlocks at widths ``w, 2w, 4w, 8w``; the first block of stages 2-4 downsamples with
stride 2, so a 32x32 input gives spatial sizes 32, 16, 8 and 4. Global average pooling
and one linear layer end the network.

Two shortcut options, as in the authors' two models:

* ``"A"`` (their persistent-homology model): parameter-free; subsample by the stride and
  zero-pad the new channels. No 1x1 convolutions.
* ``"B"`` (their Mapper model): a 1x1 strided convolution followed by batch norm.

Module names follow the usual CIFAR convention (``conv1``, ``layer1.0.conv1``, ...,
``layer4.1.bn2``, ``linear``), so the paper's 17 convolutions are
:data:`RESNET18_CONV_LAYERS` and its 16 Mapper layers are :data:`RESNET18_BN_LAYERS`.
Each block has its own ``relu1`` / ``relu2`` modules so that post-activation outputs can
be hooked by name.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tda_widgets._validation import check_int

__all__ = ["RESNET18_BN_LAYERS", "RESNET18_CONV_LAYERS", "BasicBlock", "resnet18_cifar"]

_BLOCKS = [f"layer{s}.{b}" for s in range(1, 5) for b in range(2)]

#: The 17 convolutions the paper compares (stem + two per block), in forward order.
RESNET18_CONV_LAYERS: tuple[str, ...] = (
    "conv1",
    *(f"{blk}.conv{k}" for blk in _BLOCKS for k in (1, 2)),
)

#: The 16 batch norms outside the shortcuts that the paper's Mapper experiments read.
RESNET18_BN_LAYERS: tuple[str, ...] = tuple(f"{blk}.bn{k}" for blk in _BLOCKS for k in (1, 2))


class _ShortcutA(nn.Module):
    """Parameter-free shortcut: subsample by ``stride`` and zero-pad the channels."""

    def __init__(self, in_planes: int, planes: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.pad_before = (planes - in_planes) // 2
        self.pad_after = planes - in_planes - self.pad_before

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, self.pad_before, self.pad_after))

    def extra_repr(self) -> str:
        return f"stride={self.stride}, pad=({self.pad_before}, {self.pad_after})"


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch norm and a residual shortcut.

    Parameters
    ----------
    in_planes, planes : int
        Input and output channels.
    stride : int
        Stride of the first convolution (2 to downsample).
    shortcut : {"A", "B"}
        How the shortcut matches shapes when they change (see the module docstring).

    Examples
    --------
    >>> import torch
    >>> block = BasicBlock(8, 16, stride=2, shortcut="A")
    >>> tuple(block(torch.zeros(1, 8, 32, 32)).shape)
    (1, 16, 16, 16)
    """

    def __init__(self, in_planes: int, planes: int, stride: int = 1, shortcut: str = "A") -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu2 = nn.ReLU()
        self.shortcut: nn.Module
        if stride == 1 and in_planes == planes:
            self.shortcut = nn.Identity()
        elif shortcut == "A":
            self.shortcut = _ShortcutA(in_planes, planes, stride)
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu2(out + self.shortcut(x))


class _ResNet18(nn.Module):
    """CIFAR ResNet-18 body; build it with :func:`resnet18_cifar`."""

    def __init__(self, num_classes: int, in_channels: int, width: int, shortcut: str) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU()
        stages: list[nn.Sequential] = []
        planes = width
        for stage in range(4):
            out_planes = width * 2**stage
            stride = 1 if stage == 0 else 2
            stages.append(
                nn.Sequential(
                    BasicBlock(planes, out_planes, stride, shortcut),
                    BasicBlock(out_planes, out_planes, 1, shortcut),
                )
            )
            planes = out_planes
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.linear = nn.Linear(planes, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        for stage in (self.layer1, self.layer2, self.layer3, self.layer4):
            out = stage(out)
        return self.linear(torch.flatten(self.avgpool(out), 1))


def _positive_int(value: object, name: str) -> int:
    return check_int(value, name=name, minimum=1)


def resnet18_cifar(
    num_classes: int = 10, in_channels: int = 3, width: int = 64, shortcut: str = "A"
) -> nn.Module:
    """The CIFAR ResNet-18 used in the paper's experiments.

    Parameters
    ----------
    num_classes : int
        Outputs of the final linear layer.
    in_channels : int
        Channels of the input images (3 for CIFAR-10, 1 for MNIST).
    width : int
        Channels of the stem and stage 1; stages 2-4 have ``2w, 4w, 8w``. The paper uses
        64 (11M parameters); the shipped models use a narrow width to train on a CPU.
    shortcut : {"A", "B"}
        ``"A"``: parameter-free subsample + zero-pad (the paper's PH model); ``"B"``: 1x1
        convolution + batch norm (the paper's Mapper model).

    Returns
    -------
    torch.nn.Module
        A freshly initialised network mapping ``(n, in_channels, H, W)`` to
        ``(n, num_classes)`` logits. Its 17 convolutions outside the shortcuts are named in
        :data:`RESNET18_CONV_LAYERS`.

    Examples
    --------
    >>> import torch
    >>> net = resnet18_cifar(num_classes=10, in_channels=1, width=8)
    >>> tuple(net(torch.zeros(2, 1, 32, 32)).shape)
    (2, 10)
    >>> convs = [n for n, m in net.named_modules() if isinstance(m, torch.nn.Conv2d)]
    >>> len(convs), convs[:3]
    (17, ['conv1', 'layer1.0.conv1', 'layer1.0.conv2'])
    """
    num_classes = _positive_int(num_classes, "num_classes")
    in_channels = _positive_int(in_channels, "in_channels")
    width = _positive_int(width, "width")
    if shortcut not in ("A", "B"):
        raise ValueError(f"shortcut: expected 'A' or 'B', got {shortcut!r}")
    return _ResNet18(num_classes, in_channels, width, shortcut)
