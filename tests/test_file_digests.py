"""An image folder is keyed by its files' bytes, remembered against their stat (issue 27, 12).

* A warm reopen of an ``image_folder`` analysis reads no image file and decodes none
  to key the data (the behaviour fingerprint's probe decodes its ``PROBE_ITEMS``).
* The key is the same on a second open and for a copy of the folder; it changes when a
  file's bytes change however its stat is kept (size, mtime), when two files swap
  contents, and when the transform changes; the result then equals a fresh extraction.
* A subclass with its own ``__getitem__``, another loader, or an unidentifiable transform
  is keyed item by item, as before.
* A damaged or foreign index warns once and is rewritten; a racy entry is not trusted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import types
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from tda_widgets import Analysis
from tda_widgets import _file_digests as fd
from tda_widgets._model_key import PROBE_ITEMS, folder_key, hash_data
from tda_widgets.datasets import image_folder

CLASSES = ("ant", "bee")
PER_CLASS = 6


def _write_png(path: Path, pixels: np.ndarray) -> None:
    # uncompressed: the file's size depends on the image's size only, not its pixels
    Image.fromarray(pixels).save(path, compress_level=0)


def _folder(root: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for c in CLASSES:
        (root / c).mkdir(parents=True)
        for i in range(PER_CLASS):
            _write_png(root / c / f"{i}.png", rng.integers(0, 255, (8, 8, 3), dtype=np.uint8))
    return root


def _net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3))


@pytest.fixture
def counts(monkeypatch):
    """How many images are decoded (``PIL.Image.open``) and files hashed from now on."""
    seen = {"decoded": 0, "hashed": 0}
    image_open, read_digest = Image.open, fd._read_digest

    def counting_open(*args, **kwargs):
        seen["decoded"] += 1
        return image_open(*args, **kwargs)

    def counting_read(fh):
        seen["hashed"] += 1
        return read_digest(fh)

    monkeypatch.setattr(Image, "open", counting_open)
    monkeypatch.setattr(fd, "_read_digest", counting_read)
    return seen


@pytest.fixture
def settled(monkeypatch):
    """Entries are recorded as if hashed 10 s from now: the test's fresh files are not racy."""
    clock = types.SimpleNamespace(time_ns=lambda: time.time_ns() + 10_000_000_000)
    monkeypatch.setattr(fd, "time", clock)


def _next_tick(tmp: Path, after: Path) -> None:
    """Return once a file written now gets a later ctime than ``after``'s (coarse clocks)."""
    before = os.stat(after).st_ctime_ns
    probe = tmp / "tick"
    while True:  # a condition, not a fixed wait: usually true at once
        probe.write_bytes(b"")
        if os.stat(probe).st_ctime_ns > before:
            return


def _change_one_pixel(path: Path) -> bytes:
    pixels = np.asarray(Image.open(path)).copy()
    pixels[0, 0, 0] ^= 0xFF
    out = path.with_suffix(".tmp.png")
    _write_png(out, pixels)
    data = out.read_bytes()
    out.unlink()
    assert len(data) == path.stat().st_size  # the same size, other bytes
    return data


def test_a_warm_reopen_reads_and_decodes_no_image_to_key_the_folder(
    tmp_path, counts, settled
) -> None:
    root = _folder(tmp_path / "images")
    cache = tmp_path / "cache"
    n = len(CLASSES) * PER_CLASS
    cold = Analysis(_net(), image_folder(root), ["0"], cache_dir=cache, progress=False)
    assert counts == {"decoded": PROBE_ITEMS, "hashed": n}  # keyed by bytes, not decoded
    cloud = cold.cloud("0")
    assert (cache / fd.INDEX_NAME).is_file()

    counts.update(decoded=0, hashed=0)
    warm = Analysis(_net(), image_folder(root), ["0"], cache_dir=cache, progress=False)
    assert warm._base == cold._base
    assert counts == {"decoded": PROBE_ITEMS, "hashed": 0}  # only the fingerprint's probe
    again = warm.cloud("0")
    assert warm.n_computed["clouds"] == 0
    assert counts == {"decoded": PROBE_ITEMS, "hashed": 0}
    np.testing.assert_array_equal(again.points, cloud.points)

    counts.update(decoded=0, hashed=0)
    assert hash_data(image_folder(root), None, digest_index=cache / fd.INDEX_NAME) == (
        hash_data(image_folder(root), None, digest_index=cache / fd.INDEX_NAME)
    )
    assert counts == {"decoded": 0, "hashed": 0}


def test_the_key_is_stable_and_equal_for_a_copy_of_the_folder(tmp_path) -> None:
    root = _folder(tmp_path / "images")
    index = tmp_path / fd.INDEX_NAME
    key = hash_data(image_folder(root), None, digest_index=index)
    assert hash_data(image_folder(root), None, digest_index=index) == key
    assert hash_data(image_folder(root), None) == key  # without an index: the same digests
    shutil.copytree(root, tmp_path / "copy")
    assert hash_data(image_folder(tmp_path / "copy"), None, digest_index=index) == key
    other = _folder(tmp_path / "other", seed=1)
    assert hash_data(image_folder(other), None, digest_index=index) != key


def test_a_folder_reached_through_a_link_uses_the_same_entries(tmp_path, settled, counts) -> None:
    root = _folder(tmp_path / "images")
    index = tmp_path / fd.INDEX_NAME
    key = hash_data(image_folder(root), None, digest_index=index)
    (tmp_path / "link").symlink_to(root, target_is_directory=True)
    counts.update(hashed=0)
    assert hash_data(image_folder(tmp_path / "link"), None, digest_index=index) == key
    relative = os.path.relpath(tmp_path / "link", Path.cwd())
    assert hash_data(image_folder(relative), None, digest_index=index) == key
    assert counts["hashed"] == 0  # the directory is resolved: the entries are found


def _rewritten(tmp_path: Path, how: str) -> None:
    root = _folder(tmp_path / "images")
    cache = tmp_path / "cache"
    target = root / "bee" / "3.png"
    first = Analysis(_net(), image_folder(root), ["0"], cache_dir=cache, progress=False)
    first.cloud("0")
    new_bytes = _change_one_pixel(target)
    old = os.stat(target)
    _next_tick(tmp_path, target)
    if how == "replaced":  # a new file (another inode) renamed onto the old name
        tmp = target.with_name("new.part")
        tmp.write_bytes(new_bytes)
        os.replace(tmp, target)
    else:  # the same file written in place: same inode, size
        with open(target, "r+b") as fh:
            fh.write(new_bytes)
    os.utime(target, ns=(old.st_atime_ns, old.st_mtime_ns))  # the old mtime put back
    now = os.stat(target)
    assert (now.st_size, now.st_mtime_ns) == (old.st_size, old.st_mtime_ns)
    assert (now.st_ino == old.st_ino) == (how == "in place")

    again = Analysis(_net(), image_folder(root), ["0"], cache_dir=cache, progress=False)
    assert again._base != first._base
    cloud = again.cloud("0")
    assert again.n_computed["clouds"] == 1
    fresh = Analysis(_net(), image_folder(root), ["0"], cache_dir=False, progress=False)
    np.testing.assert_array_equal(cloud.points, fresh.cloud("0").points)
    np.testing.assert_array_equal(cloud.image_index, fresh.cloud("0").image_index)


@pytest.mark.parametrize("how", ["replaced", "in place"])
def test_one_changed_pixel_changes_the_key_whatever_the_stat_keeps(tmp_path, settled, how) -> None:
    _rewritten(tmp_path, how)


def test_swapping_two_files_between_classes_changes_the_key(tmp_path) -> None:
    root = _folder(tmp_path / "images")
    index = tmp_path / fd.INDEX_NAME
    key = hash_data(image_folder(root), None, digest_index=index)
    a, b = root / "ant" / "2.png", root / "bee" / "2.png"
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)
    b.write_bytes(a_bytes)
    assert hash_data(image_folder(root), None, digest_index=index) != key
    a.write_bytes(a_bytes)
    b.write_bytes(b_bytes)
    assert hash_data(image_folder(root), None, digest_index=index) == key


def test_a_subset_of_a_folder_is_keyed_by_the_files_it_reads(tmp_path, counts) -> None:
    from torch.utils.data import Subset

    root = _folder(tmp_path / "images")
    index = tmp_path / fd.INDEX_NAME
    first = Subset(image_folder(root), range(5))  # as explore(n_images=5) makes
    counts.update(decoded=0)
    key = hash_data(first, None, digest_index=index)
    assert counts["decoded"] == 0
    assert hash_data(Subset(image_folder(root), list(range(5))), None) == key
    assert hash_data(Subset(image_folder(root), range(1, 6)), None) != key
    whole = Subset(image_folder(root), range(len(CLASSES) * PER_CLASS))
    assert hash_data(whole, None) == hash_data(image_folder(root), None)
    nested = Subset(Subset(image_folder(root), [4, 3, 2, 1, 0, 7]), [4, 3, 2, 1, 0])
    assert hash_data(nested, None) == key
    with pytest.raises(IndexError):  # read item by item: the error the items raise, as before
        hash_data(Subset(image_folder(root), [0, 1, 99]), None)


def test_the_transform_and_the_target_transform_are_part_of_the_key(tmp_path) -> None:
    root = _folder(tmp_path / "images")
    index = tmp_path / fd.INDEX_NAME
    key = hash_data(image_folder(root), None, digest_index=index)
    assert hash_data(image_folder(root, image_size=4), None, digest_index=index) != key
    shifted = image_folder(root)
    shifted.target_transform = {0: 1, 1: 0}.get
    assert hash_data(shifted, None, digest_index=index) != key


def test_an_overridden_getitem_or_another_loader_is_keyed_item_by_item(tmp_path, counts) -> None:
    from torchvision.datasets import ImageFolder

    class Flipped(ImageFolder):
        def __getitem__(self, index):
            image, target = super().__getitem__(index)
            return image.flip(-1), target

    root = _folder(tmp_path / "images")
    plain = image_folder(root)
    flipped = Flipped(str(root), transform=plain.transform, loader=plain.loader)
    n = len(plain)
    assert folder_key(flipped) is None
    counts.update(decoded=0, hashed=0)
    key = hash_data(flipped, None, digest_index=tmp_path / fd.INDEX_NAME)
    assert counts == {"decoded": n, "hashed": 0}
    assert key != hash_data(plain, None)

    def grey_loader(path):  # a loader of the user's: it may read more than the path's bytes
        with open(path, "rb") as fh:
            return Image.open(fh).convert("RGB")

    mine = ImageFolder(str(root), transform=plain.transform, loader=grey_loader)
    assert folder_key(mine) is None
    counts.update(decoded=0, hashed=0)
    hash_data(mine, None, digest_index=tmp_path / fd.INDEX_NAME)
    assert counts == {"decoded": n, "hashed": 0}


def test_an_unidentifiable_transform_falls_back_to_the_items(tmp_path, counts) -> None:
    root = _folder(tmp_path / "images")
    lock = threading.Lock()
    plain = image_folder(root)
    ds = image_folder(root, transform=lambda image: (lock, plain.transform(image))[1])
    counts.update(decoded=0, hashed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        key = hash_data(ds, None, digest_index=tmp_path / fd.INDEX_NAME)
    assert folder_key(ds) is None
    assert counts["decoded"] == len(ds)  # read item by item
    assert len(key) == 40


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_a_damaged_index_warns_once_and_is_rewritten(tmp_path, settled, counts, damage) -> None:
    root = _folder(tmp_path / "images")
    index = tmp_path / fd.INDEX_NAME
    key = hash_data(image_folder(root), None, digest_index=index)
    if damage == "garbage":
        index.write_bytes(b"not an index at all")
    elif damage == "truncated":
        index.write_bytes(index.read_bytes()[:300])
    else:
        np.savez(index, names=np.zeros(3))
    counts.update(hashed=0)
    with pytest.warns(UserWarning, match=r"file digest index .* is unreadable") as caught:
        assert hash_data(image_folder(root), None, digest_index=index) == key
    assert len(caught) == 1
    assert counts["hashed"] == len(CLASSES) * PER_CLASS
    counts.update(hashed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hash_data(image_folder(root), None, digest_index=index) == key
    assert counts["hashed"] == 0  # the rewritten index is read


def _hash_twice(path: Path, index: Path, counts: dict) -> int:
    counts.update(hashed=0)
    for _ in range(2):
        digests = fd.FileDigests(index)
        assert digests.digest(path) == hashlib.blake2b(path.read_bytes(), digest_size=32).digest()
        digests.save()
    return counts["hashed"]


def test_a_racy_entry_is_hashed_again(tmp_path, counts, monkeypatch) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"fresh")  # modified (and its ctime set) just now
    index = tmp_path / fd.INDEX_NAME
    assert _hash_twice(path, index, counts) == 2  # within RACY_NS of its hashing: not trusted
    later = types.SimpleNamespace(time_ns=lambda: time.time_ns() + 2 * fd.RACY_NS)
    monkeypatch.setattr(fd, "time", later)  # as if hashed long after the last change
    assert _hash_twice(path, index, counts) == 1
