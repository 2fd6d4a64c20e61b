"""Atomic file writes and the cleaning of what an interrupted write leaves behind.

Every file tda_widgets writes (cache entries, the MNIST split, exported HTML) goes
through :func:`atomic_write`: the bytes go to a fresh temporary file in the target's
directory, which is then renamed onto the target with ``os.replace``. A reader sees
the old file or the new one, never half of one, and two writers never share a
temporary file. A process killed mid-write (``kill -9``, power loss) leaves its
temporary file behind; their names start with :data:`TEMP_PREFIX` and end with
:data:`TEMP_SUFFIX`, and :func:`remove_stale_temp_files` deletes the old ones.

:func:`load_npz` reads an ``.npz`` file back without ever running code
(``allow_pickle=False``) and, first, checks every member's ``.npy`` header against the
bytes it holds (:func:`check_npz`): a truncated or forged file raises
:class:`DamagedFileError` (a ``ValueError``) before anything is allocated. Only a
regular file is read (:func:`open_regular`, opened with ``O_NONBLOCK`` and checked
with ``fstat``): a FIFO, a socket, a directory or a link to ``/dev/zero`` in a cache
directory is refused at once, never read without end or waited on.
"""

from __future__ import annotations

import contextlib
import math
import os
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "STALE_AFTER_S",
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "DamagedFileError",
    "atomic_write",
    "check_npz",
    "load_npz",
    "open_regular",
    "remove_stale_temp_files",
]

#: start of every temporary file name tda_widgets creates
TEMP_PREFIX = ".tdaw-"
#: end of every temporary file name tda_widgets creates
TEMP_SUFFIX = ".tmp"
#: a temporary file untouched this long (seconds) is taken to be left by a dead writer
STALE_AFTER_S = 3600.0


def _umask() -> int:
    try:  # Linux says it without changing it (other threads may be creating files)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere reading the umask means setting it: put it back
    os.umask(mask)
    return mask


def atomic_write(
    path: str | os.PathLike[str],
    write: Callable[[IO[bytes]], object],
    *,
    shared: bool = False,
) -> Path:
    """Create or replace ``path`` with what ``write`` writes, atomically.

    Parameters
    ----------
    path : path-like
        The file to write; its directory is created if needed.
    write : callable
        Called once with a binary file object open for writing.
    shared : bool, default False
        Give the file the permissions a plain ``open()`` would (``0o666`` less the
        umask) rather than the temporary file's owner-only ``0o600``: for files meant
        to be shared, such as exported pages.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        When the directory cannot be created or written, or the disk is full. Nothing
        is left behind: the temporary file is removed whatever goes wrong, and an
        existing ``path`` is untouched.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> atomic_write(p, lambda f: f.write(b"hello")).read_bytes()
    b'hello'
    >>> sorted(x.name for x in p.parent.iterdir())  # no temporary file left
    ['a.txt']
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{out.name}.", suffix=TEMP_SUFFIX, dir=out.parent
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        if shared:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return out


def remove_stale_temp_files(
    directory: str | os.PathLike[str],
    *,
    older_than: float = STALE_AFTER_S,
    patterns: Iterable[str] = (),
) -> int:
    """Delete temporary files that interrupted writes left in ``directory``.

    Only files named like :func:`atomic_write`'s temporary files (``.tdaw-*.tmp``), or
    matching one of ``patterns``, and not modified for ``older_than`` seconds are
    removed: a younger one may be another process's write in progress. Errors (a
    read-only or missing directory, a file removed meanwhile) are ignored.

    Parameters
    ----------
    directory : path-like
    older_than : float, default 3600
        Minimum age in seconds, by modification time.
    patterns : iterable of str
        More glob patterns of temporary files to remove (names older versions used).

    Returns
    -------
    int
        How many files were removed.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / ".tdaw-a.npz.x1.tmp").write_bytes(b"half")
    4
    >>> os.utime(d / ".tdaw-a.npz.x1.tmp", (0, 0))  # last touched in 1970
    >>> remove_stale_temp_files(d), list(d.iterdir())
    (1, [])
    """
    root = Path(directory)
    cutoff = time.time() - older_than
    removed = 0
    seen: set[Path] = set()
    for pattern in (f"{TEMP_PREFIX}*{TEMP_SUFFIX}", *patterns):
        try:
            candidates = list(root.glob(pattern))
        except OSError:
            return removed
        for tmp in candidates:
            if tmp in seen:
                continue
            seen.add(tmp)
            try:
                if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
                    removed += 1
            except OSError:
                continue
    return removed


class DamagedFileError(ValueError):
    """A cache file that is not a sound ``.npz`` of plain arrays."""


def _read_header(fh: IO[bytes]) -> tuple[tuple[int, ...], np.dtype[Any]]:
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    else:
        raise DamagedFileError(f"unsupported .npy format version {version}")
    return shape, dtype


def open_regular(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open ``path`` for reading if it is a regular file; refuse anything else.

    The file is opened without blocking (``O_NONBLOCK``: a FIFO would otherwise wait
    for a writer forever) and checked on the open descriptor (``fstat``), so a
    symbolic link to ``/dev/zero``, a FIFO, a socket or a directory is refused with
    :class:`DamagedFileError` before a byte is read, and nothing can swap the file
    between the check and the read.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> (d / "a.npz").write_bytes(b"x")
    1
    >>> with open_regular(d / "a.npz") as fh:
    ...     fh.read()
    b'x'
    >>> os.symlink("/dev/zero", d / "b.npz")
    >>> open_regular(d / "b.npz")
    Traceback (most recent call last):
    ...
    tda_widgets._io.DamagedFileError: ...b.npz is not a regular file (a character device); ...
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next(
                (what for test, what in _KINDS if test(mode)), f"file mode {stat.filemode(mode)}"
            )
            raise DamagedFileError(
                f"{path} is not a regular file ({kind}); a cache entry must be one"
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_members(archive: zipfile.ZipFile, size: int) -> dict[str, Any]:
    out: dict[str, tuple[tuple[int, ...], np.dtype[Any]]] = {}
    total = 0
    for info in archive.infolist():
        if not info.filename.endswith(".npy"):
            raise DamagedFileError(f"unexpected member {info.filename!r}")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise DamagedFileError(f"{info.filename} is compressed (cache files are not)")
        total += info.file_size
        if total > size:  # the members declare more bytes than the file holds
            raise DamagedFileError(
                f"its members declare {total} bytes, more than the file's {size}"
            )
        with archive.open(info) as fh:
            shape, dtype = _read_header(fh)
            start = fh.tell()
        if dtype.hasobject:
            raise DamagedFileError(f"{info.filename} holds Python objects")
        declared = math.prod(shape) * dtype.itemsize
        if start + declared != info.file_size:
            raise DamagedFileError(
                f"{info.filename} declares shape {shape} of {dtype} ({declared} bytes) "
                f"but holds {info.file_size - start} bytes"
            )
        out[info.filename[: -len(".npy")]] = (tuple(shape), dtype)
    return out


def check_npz(path: Path) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    """Each member's shape and dtype, read from the ``.npy`` headers only.

    No array data are read: a small file whose header declares a huge array is
    refused here, before anything is allocated. Only a regular file is read
    (:func:`open_regular`), and its members (stored, not compressed) must declare no
    more bytes than the file holds.

    Raises
    ------
    DamagedFileError
        When ``path`` is not a regular file, not a zip file of ``.npy`` members, a
        member holds Python objects or is compressed, or a member's header declares
        more or fewer bytes than it holds.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.npz"
    >>> np.savez(p, x=np.zeros((2, 3), dtype=np.float32))
    >>> check_npz(p)
    {'x': ((2, 3), dtype('float32'))}
    >>> p.write_bytes(p.read_bytes()[:100])
    100
    >>> check_npz(p)
    Traceback (most recent call last):
    ...
    tda_widgets._io.DamagedFileError: ... is not a readable .npz file (File is not a zip file)
    """
    with open_regular(path) as fh:
        return _checked(fh, path)


def _checked(fh: IO[bytes], path: Path) -> dict[str, Any]:
    try:
        size = os.fstat(fh.fileno()).st_size
        with zipfile.ZipFile(fh) as archive:
            return _check_members(archive, size)
    except DamagedFileError as exc:
        raise DamagedFileError(f"{path} is damaged: {exc}") from None
    except (zipfile.BadZipFile, EOFError, zlib.error, ValueError, NotImplementedError) as exc:
        raise DamagedFileError(f"{path} is not a readable .npz file ({exc})") from exc


def load_npz(path: Path, *, names: Iterable[str] | None = None) -> dict[str, NDArray[np.generic]]:
    """Read the arrays of an ``.npz`` file into memory, after checking its headers.

    Loading never runs code (``allow_pickle=False``), never reads anything but a
    regular file (:func:`open_regular`: a FIFO or a link to a device is refused
    without blocking) and never allocates more than the file's headers declare and
    it holds (:func:`check_npz` first, on the same open file).

    Parameters
    ----------
    path : path-like
    names : iterable of str, optional
        Read only these members (those present); all by default.

    Raises
    ------
    DamagedFileError
        A truncated, corrupt, foreign or not regular file (a ``ValueError``).
    OSError
        The file cannot be opened.
    """
    with open_regular(path) as fh:
        _checked(fh, path)
        fh.seek(0)
        try:
            with np.load(fh, allow_pickle=False) as data:
                keep = data.files if names is None else [k for k in names if k in data.files]
                return {key: data[key] for key in keep}
        except (zipfile.BadZipFile, EOFError, zlib.error, ValueError) as exc:
            raise DamagedFileError(f"{path} is not a readable .npz file ({exc})") from exc
