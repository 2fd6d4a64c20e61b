"""Tiny models and images shared by the activation tests (fast on two CPU cores)."""

from __future__ import annotations

import pytest
import torch
from torch import nn


class TinyNet(nn.Module):
    """conv -> bn -> relu(inplace) -> conv -> pool -> linear, all modules used once."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.pool(self.conv2(x))
        return self.fc(torch.flatten(x, 1))


@pytest.fixture
def tiny() -> TinyNet:
    torch.manual_seed(0)
    model = TinyNet()
    # non-trivial batch-norm statistics so that eval mode visibly differs from train mode
    model.bn1.running_mean.uniform_(-0.5, 0.5)
    model.bn1.running_var.uniform_(0.5, 2.0)
    return model


@pytest.fixture
def images() -> torch.Tensor:
    return torch.randn(10, 3, 8, 8, generator=torch.Generator().manual_seed(1))
