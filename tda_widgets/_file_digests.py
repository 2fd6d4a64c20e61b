"""Content digests of files, remembered against their ``stat`` as git's index does.

:class:`FileDigests` gives each file's BLAKE2b digest (:func:`file_digest`, read in
blocks). With an index file, a digest is remembered against the file's resolved path,
size, modification and change times (in nanoseconds), inode and device; a file whose
``stat`` still matches its entry is not read again. Anything that rewrites a file in
place changes its change time (``ctime``, which no user call can set back), and a file
replaced by another has another inode, so a matching entry means the same bytes.

*Racy entries.* A file modified less than :data:`RACY_NS` before it was hashed may
be modified again within the file system's timestamp resolution without its ``stat``
changing; such an entry is written but not trusted: the file is hashed again next time
(and again until it has been left alone that long).

The index is an ``.npz`` of plain arrays (no pickle), written atomically
(:func:`tda_widgets._io.atomic_write`) and read with :func:`tda_widgets._io.load_npz`.
A damaged or foreign index file is ignored with one warning and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from tda_widgets._io import atomic_write, load_npz, open_regular

__all__ = ["INDEX_NAME", "RACY_NS", "FileDigests", "file_digest"]

#: the index's file name in a cache directory
INDEX_NAME = "file-digests.npz"
#: an entry for a file modified less than this (ns) before it was hashed is not trusted
RACY_NS = 2_000_000_000
#: bytes read at once while hashing a file
BLOCK_BYTES = 1 << 20
#: bytes of each digest
DIGEST_BYTES = 32
_FORMAT = "tda_widgets file digests 1"
#: the most entries an index keeps (those used now first, then the most recently hashed)
MAX_ENTRIES = 1 << 20
# an entry's row: (size, mtime_ns, ctime_ns, inode, device, hashed_ns); stored as the
# signed "times" (size and the three times) and the unsigned "ids" (inode, device)
_SIGNED, _UNSIGNED = (0, 1, 2, 5), (3, 4)


def file_digest(path: str | os.PathLike[str]) -> bytes:
    """BLAKE2b digest (32 bytes) of a regular file's bytes, read in 1 MiB blocks.

    Examples
    --------
    >>> import hashlib, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.bin"
    >>> _ = p.write_bytes(b"abc")
    >>> file_digest(p) == hashlib.blake2b(b"abc", digest_size=32).digest()
    True
    """
    with open_regular(path) as fh:
        return _read_digest(fh)


def _read_digest(fh: Any) -> bytes:
    h = hashlib.blake2b(digest_size=DIGEST_BYTES)
    while block := fh.read(BLOCK_BYTES):
        h.update(block)
    return h.digest()


def _stat_row(st: os.stat_result, hashed_ns: int) -> tuple[int, ...]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, hashed_ns)


class FileDigests:
    """Files' content digests, remembered in an index file (or nowhere, with ``None``).

    Parameters
    ----------
    index : path-like or None
        The index file (created when :meth:`save` first has something to write).
        ``None``: every file is read and hashed each time it is asked for.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.png").write_bytes(b"pixels")
    >>> digests = FileDigests(d / INDEX_NAME)
    >>> first = digests.digest(d / "a.png")
    >>> digests.n_read, digests.save()
    (1, True)
    >>> again = FileDigests(d / INDEX_NAME)
    >>> again.digest(d / "a.png") == first == file_digest(d / "a.png")
    True
    """

    def __init__(self, index: str | os.PathLike[str] | None) -> None:
        self.index = None if index is None else Path(index)
        #: how many files were read (and hashed) by this object
        self.n_read = 0
        self._entries: dict[str, tuple[tuple[int, ...], bytes]] = {}
        self._used: set[str] = set()
        self._changed = False
        self._dirs: dict[str, str] = {}
        if self.index is not None and self.index.exists():
            try:
                self._entries = _read_index(self.index)
            except (OSError, ValueError, KeyError, TypeError, UnicodeError) as exc:
                warnings.warn(
                    f"file digest index {self.index} is unreadable ({type(exc).__name__}: "
                    f"{exc}); it is ignored and rewritten",
                    UserWarning,
                    stacklevel=3,
                )
                self._changed = True

    def _resolved(self, path: str | os.PathLike[str]) -> str:
        """``path`` with its directory resolved (links followed) once per directory.

        The file name itself may be a link: ``stat`` follows it, and the entry's inode
        and device are the target's.
        """
        text = os.fsdecode(path)
        if os.altsep:  # Windows: both separators
            head, tail = os.path.split(os.path.abspath(text))
        else:  # the common case, without abspath's normalisation per file
            head, sep, tail = text.rpartition(os.sep)
            if not head:
                head = os.sep if sep else os.curdir
        real = self._dirs.get(head)
        if real is None:
            real = self._dirs[head] = os.path.realpath(head)
        return os.path.join(real, tail) if os.altsep else f"{real.rstrip(os.sep)}{os.sep}{tail}"

    def digest(self, path: str | os.PathLike[str]) -> bytes:
        """The digest of the file at ``path`` (read only when its index entry is stale).

        Raises
        ------
        OSError
            When the file cannot be opened or read (``DamagedFileError``, a
            ``ValueError``, when it is not a regular file).

        Examples
        --------
        >>> import os, tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "a.png").write_bytes(b"old")
        >>> digests = FileDigests(None)
        >>> before = digests.digest(d / "a.png")
        >>> _ = (d / "a.png").write_bytes(b"new")  # same size, written again
        >>> digests.digest(d / "a.png") == before, digests.n_read
        (False, 2)
        """
        key = self._resolved(path)
        self._used.add(key)
        st = os.stat(key)
        entry = self._entries.get(key)
        if entry is not None:
            row, digest = entry
            if row[:5] == _stat_row(st, 0)[:5] and max(row[1], row[2]) + RACY_NS <= row[5]:
                return digest
        hashed_ns = time.time_ns()  # before reading: a write during the read is racy
        with open_regular(key) as fh:
            before = os.fstat(fh.fileno())
            digest = _read_digest(fh)
            after = os.fstat(fh.fileno())
        self.n_read += 1
        row = _stat_row(after, hashed_ns)
        if _stat_row(before, hashed_ns) == row:  # not changed while read: remember it
            self._entries[key] = (row, digest)
            self._changed = True
        return digest

    def save(self) -> bool:
        """Write the index if anything changed; ``True`` if it was written.

        A write that fails (a read-only directory, a full disk) warns and returns
        ``False``: the digests are then computed again next time.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "a.png").write_bytes(b"pixels")
        >>> digests = FileDigests(d / INDEX_NAME)
        >>> digests.save()  # nothing hashed yet
        False
        >>> _ = digests.digest(d / "a.png")
        >>> digests.save(), (d / INDEX_NAME).is_file(), digests.save()
        (True, True, False)
        """
        if self.index is None or not self._changed:
            return False
        keys = sorted(self._entries, key=lambda k: (k not in self._used, -self._entries[k][0][5]))
        keys = keys[:MAX_ENTRIES]
        names = [os.fsencode(k) for k in keys]
        rows = [self._entries[k][0] for k in keys]
        arrays: dict[str, Any] = {
            "__format__": np.array(_FORMAT),
            "names": np.frombuffer(b"".join(names), dtype=np.uint8),
            "ends": np.cumsum([len(n) for n in names], dtype=np.int64),
            "times": np.array([[r[i] for i in _SIGNED] for r in rows], np.int64).reshape(-1, 4),
            "ids": np.array([[r[i] for i in _UNSIGNED] for r in rows], np.uint64).reshape(-1, 2),
            "digests": np.frombuffer(
                b"".join(self._entries[k][1] for k in keys), dtype=np.uint8
            ).reshape(-1, DIGEST_BYTES),
        }
        index = self.index
        try:
            atomic_write(index, lambda fh: np.savez(fh, **arrays))
        except OSError as exc:
            warnings.warn(
                f"could not write the file digest index {index} ({exc}); files are read "
                "again next time",
                UserWarning,
                stacklevel=3,
            )
            return False
        self._changed = False
        return True


def _read_index(path: Path) -> dict[str, tuple[tuple[int, ...], bytes]]:
    arrays = load_npz(path)  # headers checked first; never unpickles
    if str(arrays.get("__format__", "")) != _FORMAT:
        raise ValueError(f"it is not a file digest index in the format {_FORMAT!r}")
    names, ends, times, ids, digests = (
        arrays[k] for k in ("names", "ends", "times", "ids", "digests")
    )
    n = len(ends)
    if (
        names.dtype != np.uint8
        or names.ndim != 1
        or ends.dtype != np.int64
        or ends.shape != (n,)
        or times.dtype != np.int64
        or times.shape != (n, 4)
        or ids.dtype != np.uint64
        or ids.shape != (n, 2)
        or digests.dtype != np.uint8
        or digests.shape != (n, DIGEST_BYTES)
        or (n and (np.any(np.diff(ends) < 0) or ends[0] < 0 or ends[-1] != len(names)))
        or (not n and len(names))
    ):
        raise ValueError("its arrays do not have the expected dtypes and shapes")
    blob = names.tobytes()
    starts = [0, *ends[:-1].tolist()]
    out: dict[str, tuple[tuple[int, ...], bytes]] = {}
    for i, (a, b, (size, mtime, ctime, hashed), (ino, dev)) in enumerate(
        zip(starts, ends.tolist(), times.tolist(), ids.tolist(), strict=True)
    ):
        out[os.fsdecode(blob[a:b])] = ((size, mtime, ctime, ino, dev, hashed), digests[i].tobytes())
    return out
