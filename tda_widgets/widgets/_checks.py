"""Input checks for the widgets' arrays: clear messages naming the argument."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["as_float_array", "as_index_array", "as_names"]


def _asarray(value: Any, name: str, expected: str) -> NDArray[Any]:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and friends
        raise ValueError(f"{name}: expected {expected}, got {type(value).__name__}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name}: expected {expected} of numbers, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    return arr


def as_float_array(
    value: Any, *, name: str, ndim: int, shape: tuple[int | None, ...] | None = None
) -> NDArray[np.float64]:
    """``value`` as a finite float64 array with ``ndim`` dimensions (and ``shape``).

    ``None`` entries of ``shape`` match any length.

    Examples
    --------
    >>> as_float_array([[0, 1], [1, 0]], name="values", ndim=2)
    array([[0., 1.],
           [1., 0.]])
    >>> as_float_array([1.0, np.nan], name="w", ndim=1)
    Traceback (most recent call last):
    ...
    ValueError: w: expected finite values, got nan at index (1,)
    """
    arr = _asarray(value, name, f"a {ndim}-D array")
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if shape is not None and any(
        s is not None and s != a for s, a in zip(shape, arr.shape, strict=True)
    ):
        want = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name}: expected shape {want}, got shape {arr.shape}")
    out = arr.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name}: expected finite values, got {out[where]} at index {where}")
    return out


def as_index_array(value: Any, *, name: str, size: int, what: str = "index") -> NDArray[np.int64]:
    """``value`` as a 1-D int64 array of indices in ``0 .. size - 1``.

    Examples
    --------
    >>> as_index_array([2, 0], name="ids", size=3)
    array([2, 0])
    >>> as_index_array([0, 5], name="ids", size=3, what="node")
    Traceback (most recent call last):
    ...
    ValueError: ids[1]: no node 5 (expected 0 <= node < 3)
    """
    arr = _asarray(value, name, "a 1-D array of integers")
    if arr.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D array of integers, got shape {arr.shape}")
    if (
        arr.size
        and not np.issubdtype(arr.dtype, np.integer)
        and not (np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))
    ):
        raise ValueError(f"{name}: expected integers, got dtype {arr.dtype}")
    out = arr.astype(np.int64)
    bad = np.flatnonzero((out < 0) | (out >= size))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}]: no {what} {out[i]} (expected 0 <= {what} < {size})")
    return out


def as_names(value: Any, *, name: str, count: int, what: str) -> list[str]:
    """``value`` as a list of exactly ``count`` strings (one per ``what``).

    Examples
    --------
    >>> as_names(("a", "b"), name="layers", count=2, what="row of values")
    ['a', 'b']
    >>> as_names(["a", "b", "c"], name="layers", count=2, what="row of values")
    Traceback (most recent call last):
    ...
    ValueError: layers: expected 2 names (one per row of values), got 3
    """
    if isinstance(value, str) or not hasattr(value, "__len__"):
        raise ValueError(f"{name}: expected a list of {count} names, got {type(value).__name__}")
    names = [str(v) for v in value]
    if len(names) != count:
        raise ValueError(f"{name}: expected {count} names (one per {what}), got {len(names)}")
    return names
