"""Binary array codec: numpy arrays <-> ``{dtype, shape, buffer}``.

The Python twin of ``js/shared/codec.ts``. Arrays cross to the browser as binary
message parts (little-endian, C order), never as JSON lists of numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets
from numpy.typing import NDArray

__all__ = [
    "DTYPES",
    "array_from_json",
    "array_list_from_json",
    "array_list_to_json",
    "array_list_trait",
    "array_to_json",
    "array_trait",
]

#: dtypes that the JS side can decode into a typed array.
DTYPES = frozenset(
    {
        "bool",
        "int8",
        "uint8",
        "int16",
        "uint16",
        "int32",
        "uint32",
        "int64",
        "uint64",
        "float32",
        "float64",
    }
)


def array_to_json(array: Any, widget: Any = None) -> dict[str, Any] | None:
    """Encode an array for the front-end; ``None`` passes through.

    Examples
    --------
    >>> enc = array_to_json(np.array([[1.0, np.inf]]))
    >>> enc["dtype"], enc["shape"], len(enc["buffer"])
    ('float64', [1, 2], 16)
    """
    if array is None:
        return None
    arr = np.asarray(array)
    name = arr.dtype.name
    if name not in DTYPES:
        raise ValueError(
            f"array: expected one of the dtypes {sorted(DTYPES)}, got {arr.dtype} (convert it first)"
        )
    # astype, not ascontiguousarray: the latter turns 0-d arrays into 1-d ones
    arr = arr.astype(arr.dtype.newbyteorder("<"), order="C", copy=False)
    return {"dtype": name, "shape": list(arr.shape), "buffer": memoryview(arr.tobytes())}


def array_from_json(value: Any, widget: Any = None) -> NDArray[Any] | None:
    """Decode ``{dtype, shape, buffer}`` (as sent by the front-end) into a numpy array.

    Examples
    --------
    >>> array_from_json(array_to_json(np.arange(6, dtype=np.int32).reshape(2, 3)))
    array([[0, 1, 2],
           [3, 4, 5]], dtype=int32)
    """
    if value is None:
        return None
    dtype = value.get("dtype")
    if dtype not in DTYPES:
        raise ValueError(f"dtype: expected one of {sorted(DTYPES)}, got {dtype!r}")
    shape = tuple(int(s) for s in value.get("shape", ()))
    buffer = value.get("buffer")
    raw = bytes(buffer) if buffer is not None else b""
    dt = np.dtype(dtype).newbyteorder("<")
    need = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
    if len(raw) != need:
        raise ValueError(
            f"buffer: a {dtype} array of shape {shape} needs {need} bytes, got {len(raw)}"
        )
    return np.frombuffer(raw, dtype=dt).reshape(shape).astype(np.dtype(dtype), copy=True)


def array_list_to_json(arrays: Any, widget: Any = None) -> list[dict[str, Any] | None]:
    """Encode a list of arrays (e.g. one diagram per homology dimension)."""
    return [array_to_json(a) for a in (arrays or [])]


def array_list_from_json(values: Any, widget: Any = None) -> list[NDArray[Any] | None]:
    """Decode a list of encoded arrays."""
    return [array_from_json(v) for v in (values or [])]


def array_trait(*, allow_none: bool = False) -> Any:
    """A synced ``numpy.ndarray`` trait that crosses to the browser in binary.

    Examples
    --------
    >>> import traitlets
    >>> class W(traitlets.HasTraits):
    ...     x = array_trait()
    >>> W(x=np.zeros(2)).trait_metadata("x", "to_json") is array_to_json
    True
    """
    trait: Any = (
        traitlets.Instance(np.ndarray, allow_none=True)
        if allow_none
        else traitlets.Instance(np.ndarray)
    )
    return trait.tag(sync=True, to_json=array_to_json, from_json=array_from_json)


def array_list_trait() -> Any:
    """A synced list of arrays (one per homology dimension, say), each sent in binary."""
    return traitlets.List().tag(
        sync=True, to_json=array_list_to_json, from_json=array_list_from_json
    )
