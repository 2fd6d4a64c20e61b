"""The disk cache under :class:`~tda_widgets.Analysis`: keys, files, memory.

:class:`ResultCache` is the base class that :class:`~tda_widgets.Analysis` computes
through: one ``.npz`` file per result, named by its kind and key, written atomically
and read back with every header and field checked (the rules are in
:mod:`tda_widgets.analysis`, "Cache rules"); each result is also kept in memory for
the object's life. A key that starts with ``"volatile-"`` (a model, data or
parameter that cannot be identified by content) is kept in memory only.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tda_widgets._cache_key import Keyer, Unidentifiable
from tda_widgets._io import atomic_write, load_npz

__all__ = ["ResultCache", "default_cache_dir"]

#: the format every cache file records (a file of another format is recomputed)
_FORMAT = "tda_widgets.analysis/2"
#: names of the temporary files that versions before 0.2 wrote (cleaned too)
_LEGACY_TEMP = "*.npz*.tmp"
_VOLATILE = "volatile-"  # keys of results kept in memory only, never on disk


def default_cache_dir() -> Path:
    """``$TDA_WIDGETS_CACHE/analysis`` or the user cache directory's ``tda_widgets/analysis``.

    Examples
    --------
    >>> default_cache_dir().name
    'analysis'
    """
    from tda_widgets.datasets import cache_dir  # the one place that knows the rule

    return cache_dir() / "analysis"


def _versions() -> tuple[str, ...]:
    import torch

    from tda_widgets._cache_key import library_version

    return (str(library_version("tda_widgets")), torch.__version__, np.__version__)


def _is_volatile(part: Any) -> bool:
    """Whether ``part`` is, or holds at any depth, a volatile (memory-only) key."""
    if isinstance(part, str):
        return part.startswith(_VOLATILE)
    if isinstance(part, (list, tuple)):
        return any(_is_volatile(p) for p in part)
    return False


def _key(*parts: Any) -> str:
    """One digest of ``parts``; volatile (memory only) when any part, at any depth, is."""
    volatile = _is_volatile(parts)
    k = Keyer()
    k.add(parts, "key")
    return (_VOLATILE if volatile else "") + k.hexdigest()


def _why(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to be keyed"
    return exc.what if isinstance(exc, Unidentifiable) else str(exc)


class ResultCache:
    """Cached results of one analysis: ``cache_dir`` (``None``: memory only), the
    digest ``_base`` of what every key starts from, and the results kept in memory.

    A subclass sets the attributes below in its ``__init__`` and computes through
    :meth:`_cached`.
    """

    cache_dir: Path | None
    n_computed: Counter[str]
    _base: str
    _memory: dict[str, Any]
    _warned: set[str]

    def _warn_uncached(self, what: str, consequence: str) -> None:
        message = f"Analysis: {what}; {consequence}"
        if message not in self._warned:
            self._warned.add(message)
            warnings.warn(message, UserWarning, stacklevel=4)

    def _param_digest(self, where: str, name: str, value: Any) -> str | None:
        """The digest of one parameter; ``None`` (with one warning) when unidentifiable."""
        try:
            k = Keyer()
            k.add(value, name)
            return k.hexdigest()
        except (Unidentifiable, RecursionError) as exc:
            if self.cache_dir is not None:
                self._warn_uncached(
                    f"{where}: {name}={value!r} cannot be identified ({_why(exc)})",
                    "this result is not cached",
                )
            return None

    def _path(self, kind: str, key: str) -> Path | None:
        if self.cache_dir is None or key.startswith(_VOLATILE):
            return None
        return self.cache_dir / f"{kind}-{key}.npz"

    def _load(self, kind: str, key: str, from_arrays: Callable[[dict], Any]) -> Any:
        """The cached value, or ``None`` (with a warning when the file is damaged)."""
        path = self._path(kind, key)
        if path is None or not path.exists():
            return None
        try:
            arrays = load_npz(path)  # headers are checked before anything is read
            if str(arrays.pop("__format__", "")) != _FORMAT:
                raise ValueError(f"the file is not in the format {_FORMAT}")
            if str(arrays.pop("__key__", "")) != key:
                raise ValueError("the file belongs to another cache entry")
            arrays.pop("__base__", None)
            return from_arrays(arrays)
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            warnings.warn(
                f"cache file {path} is unreadable ({type(exc).__name__}: {exc}); recomputing it",
                UserWarning,
                stacklevel=4,
            )
            return None

    def _save(self, kind: str, key: str, arrays: dict[str, Any]) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        payload = {
            "__format__": np.array(_FORMAT),
            "__key__": np.array(key),
            "__base__": np.array(self._base),
            **arrays,
        }
        try:
            atomic_write(path, lambda fh: np.savez(fh, **payload))
        except OSError as exc:
            self._warn_uncached(
                f"could not write the cache file {path} ({exc})",
                "the result is returned but not cached; pass cache_dir= a writable directory "
                "(or cache_dir=False)",
            )

    def _cached(
        self,
        kind: str,
        key: str | None,
        compute: Callable[[], Any],
        to_arrays: Callable[[Any], dict],
        from_arrays: Callable[[dict], Any],
    ) -> Any:
        mem = f"{kind}-{key}"
        if key is not None and mem in self._memory:
            return self._memory[mem]
        value = None if key is None else self._load(kind, key, from_arrays)
        if value is None:
            value = compute()
            self.n_computed[kind] += 1
            if key is not None:
                self._save(kind, key, to_arrays(value))
        if key is not None:
            self._memory[mem] = value
        return value

    def clear_cache(self) -> int:
        """Delete this analysis's cache files and in-memory results; return files removed."""
        self._memory.clear()
        if self.cache_dir is None or not self.cache_dir.exists():
            return 0
        if self._base.startswith(_VOLATILE):
            return 0
        removed = 0
        for path in self.cache_dir.glob("*.npz"):
            try:  # a regular file only, read without blocking (_io.load_npz)
                mine = str(load_npz(path, names=("__base__",)).get("__base__")) == self._base
            except (OSError, ValueError):
                mine = False
            if mine:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
