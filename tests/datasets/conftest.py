"""Shared fixtures: a private cache directory for the whole datasets test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point ``TDA_WIDGETS_CACHE`` at a fresh directory so tests never use the user's cache."""
    path = tmp_path_factory.mktemp("tdaw_cache")
    old = os.environ.get("TDA_WIDGETS_CACHE")
    os.environ["TDA_WIDGETS_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("TDA_WIDGETS_CACHE", None)
    else:
        os.environ["TDA_WIDGETS_CACHE"] = old


@pytest.fixture(autouse=True)
def one_torch_thread() -> Iterator[None]:
    """Run each test on one torch thread, then restore the thread count.

    On a shared two-core machine two OpenMP threads are many times slower than one when
    other processes are busy; one thread keeps these tests fast and their timing stable.
    """
    import torch

    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
