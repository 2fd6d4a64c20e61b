"""Cache files on disk: header checks before loading, atomic writes (issue 14)."""

from __future__ import annotations

import errno
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tda_widgets.datasets._cache import DamagedFileError, check_npz, load_npz, save_npz_atomic


def _lying_npz(path: Path, shape: tuple[int, ...]) -> None:
    with zipfile.ZipFile(path, "w") as z, z.open("x.npy", "w") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": shape}
        )
        fh.write(b"\0" * 2048)


def test_a_header_declaring_more_than_the_file_holds_is_refused_unread(tmp_path) -> None:
    path = tmp_path / "a.npz"
    _lying_npz(path, (2**40,))  # 8 TiB declared, 2 KiB held
    with pytest.raises(DamagedFileError, match=r"declares shape \(1099511627776,\).*holds 2048"):
        load_npz(path)
    _lying_npz(path, (16,))  # and fewer bytes than held is as wrong
    with pytest.raises(DamagedFileError, match="declares"):
        check_npz(path)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated: BadZipFile inside
        lambda b: b"garbage",
        lambda b: b"",
        lambda b: b[:200] + b"\xff" * 60 + b[260:],  # a damaged .npy header
    ],
    ids=["truncated", "garbage", "empty", "bad-header"],
)
def test_damaged_files_raise_one_error_type(tmp_path, damage) -> None:
    path = tmp_path / "a.npz"
    save_npz_atomic(path, {"x": np.arange(100.0), "y": np.zeros((3, 4), dtype=np.int64)})
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DamagedFileError):
        load_npz(path)
    assert issubclass(DamagedFileError, ValueError)


def test_object_arrays_are_refused(tmp_path) -> None:
    path = tmp_path / "a.npz"
    np.savez(path, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DamagedFileError, match="Python objects"):
        load_npz(path)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch) -> None:
    path = tmp_path / "a.npz"
    save_npz_atomic(path, {"x": np.arange(3)})

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", no_space)
    with pytest.raises(OSError, match="No space"):
        save_npz_atomic(path, {"x": np.arange(5)})
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]
    np.testing.assert_array_equal(load_npz(path)["x"], np.arange(3))
