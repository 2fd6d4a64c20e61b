"""Where derived dataset files are cached, and how they are written safely.

The cache lives in the user's cache directory (``$XDG_CACHE_HOME/tda_widgets`` or
``~/.cache/tda_widgets`` on Linux, ``~/Library/Caches/tda_widgets`` on macOS,
``%LOCALAPPDATA%/tda_widgets`` on Windows) unless the environment variable
``TDA_WIDGETS_CACHE`` names another directory. Files are written to a temporary file in
the same directory and moved into place with ``os.replace`` (:mod:`tda_widgets._io`), so
a reader never sees a half-written file even when two processes build the same cache at
once. Reading checks every array's ``.npy`` header against the bytes the file holds
before loading anything, so a damaged file is reported as :class:`DamagedFileError`
instead of crashing (or allocating what a corrupt header declares); both live in
:mod:`tda_widgets._io`, shared with the analysis cache and the HTML export.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tda_widgets._io import DamagedFileError, atomic_write, check_npz, load_npz

__all__ = [
    "CACHE_ENV_VAR",
    "DamagedFileError",
    "cache_dir",
    "check_npz",
    "load_npz",
    "save_npz_atomic",
]

CACHE_ENV_VAR = "TDA_WIDGETS_CACHE"


def cache_dir() -> Path:
    """The directory where tda_widgets caches derived data (not created here).

    Returns
    -------
    pathlib.Path
        ``$TDA_WIDGETS_CACHE`` when set and non-empty, otherwise the platform's user
        cache directory followed by ``tda_widgets``.

    Examples
    --------
    >>> import os
    >>> path = cache_dir()
    >>> path.name == "tda_widgets" or os.environ["TDA_WIDGETS_CACHE"] != ""
    True
    """
    override = os.environ.get(CACHE_ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "tda_widgets"


def save_npz_atomic(path: Path, arrays: Mapping[str, NDArray[np.generic]]) -> None:
    """Write ``arrays`` to ``path`` as an ``.npz`` file, atomically.

    The data go to a temporary file in the same directory, which is then renamed onto
    ``path`` with ``os.replace`` (:func:`tda_widgets._io.atomic_write`); the directory
    is created if needed.

    Raises
    ------
    OSError
        When the file cannot be written (read-only directory, full disk); no
        temporary file is left behind.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.npz"
    >>> save_npz_atomic(p, {"x": np.arange(3)})
    >>> load_npz(p)["x"]
    array([0, 1, 2])
    """
    atomic_write(path, lambda fh: np.savez(fh, **arrays))  # type: ignore[arg-type]
