"""Shared builders for the explorer tests of this folder (as fixtures: this folder is not
on ``sys.path``)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis


def _small_explorer(cache_dir: Path, **explorer_kw: Any) -> ActivationExplorer:
    """An explorer of a two-convolution net's three layers on 40 random 8x8 images
    (Mapper at 2 intervals), cached in ``cache_dir``; ``explorer_kw`` go to the explorer."""
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3), torch.nn.ReLU()
    )
    images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    analysis = Analysis(model, images, ["0", "1", "2"], cache_dir=cache_dir, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small graphs: "all points are noise" for some
        return ActivationExplorer(analysis, mapper_params={"n_intervals": 2}, **explorer_kw)


@pytest.fixture(scope="session")
def small_explorer() -> Any:
    """:func:`_small_explorer`: ``small_explorer(cache_dir, **explorer_kw)``."""
    return _small_explorer
