"""Where derived dataset files are cached, and how they are written safely.

The cache lives in the user's cache directory (``$XDG_CACHE_HOME/tda_widgets`` or
``~/.cache/tda_widgets`` on Linux, ``~/Library/Caches/tda_widgets`` on macOS,
``%LOCALAPPDATA%/tda_widgets`` on Windows) unless the environment variable
``TDA_WIDGETS_CACHE`` names another directory. Files are written to a temporary file in
the same directory and moved into place with ``os.replace``, so a reader never sees a
half-written file even when two processes build the same cache at once.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["CACHE_ENV_VAR", "cache_dir", "load_npz", "save_npz_atomic"]

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
    ``path`` with ``os.replace``; the directory is created if needed.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.npz"
    >>> save_npz_atomic(p, {"x": np.arange(3)})
    >>> load_npz(p)["x"]
    array([0, 1, 2])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def load_npz(path: Path) -> dict[str, NDArray[np.generic]]:
    """Read every array of an ``.npz`` file into memory (``allow_pickle=False``)."""
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
