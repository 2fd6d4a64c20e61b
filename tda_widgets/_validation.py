"""Input checks shared by every stage.

One place for the messages users see when they pass something wrong. Every error
names the argument, what was expected and what was given.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "UNSET",
    "as_diagram_list",
    "as_points",
    "check_bool",
    "check_choice",
    "check_class_names",
    "check_int",
    "check_memory_budget",
    "check_number",
    "describe",
    "format_bytes",
    "layer_names",
    "new_default",
    "renamed",
    "tensor_to_numpy",
    "unknown_name_error",
]


def describe(value: Any, *, depth: int = 0) -> str:
    """A short description of ``value`` for error messages (never an array's values).

    Examples
    --------
    >>> describe((np.zeros((2, 3)), [1, 2]))
    'tuple of 2: (array of shape (2, 3) and dtype float64, list of 2: (int 1, int 2))'
    """
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "shape") and hasattr(value, "dtype") and hasattr(value, "device"):
        kind = type(value).__name__  # a torch (or other array-API) tensor
        return f"{kind} of shape {tuple(value.shape)}, dtype {value.dtype}, device {value.device}"
    if isinstance(value, (tuple, list)) and depth < 2:
        head = ", ".join(describe(v, depth=depth + 1) for v in value[:3])
        more = ", ..." if len(value) > 3 else ""
        return f"{type(value).__name__} of {len(value)}: ({head}{more})"[:300]
    if isinstance(value, dict):
        keys = list(value)[:5]
        return f"{type(value).__name__} with {len(value)} keys {keys}"[:200]
    return f"{type(value).__name__} {value!r}"[:120]


def format_bytes(n: float) -> str:
    """A byte count for messages.

    Examples
    --------
    >>> format_bytes(512), format_bytes(1536), format_bytes(3 * 1024**3)
    ('512 B', '1.5 KiB', '3.0 GiB')
    """
    if n < 1024:
        return f"{int(n)} B"
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        n /= 1024
        if n < 1024 or unit == "TiB":
            break
    return f"{n:.1f} {unit}"


def layer_names(keys: Iterable[Any], *, name: str) -> list[str]:
    """The keys of a layer mapping as strings, refusing two keys with one name.

    Examples
    --------
    >>> layer_names(["conv1", 2], name="clouds")
    ['conv1', '2']
    >>> layer_names([1, "1"], name="clouds")
    Traceback (most recent call last):
    ...
    ValueError: clouds: expected distinct layer names, got keys 1 and '1', which are both named '1'
    """
    seen: dict[str, Any] = {}
    out = []
    for key in keys:
        text = str(key)
        if text in seen:
            raise ValueError(
                f"{name}: expected distinct layer names, got keys {seen[text]!r} and "
                f"{key!r}, which are both named {text!r}"
            )
        seen[text] = key
        out.append(text)
    return out


def tensor_to_numpy(value: Any, *, name: str) -> Any:
    """A torch tensor as a numpy array (detached, on the CPU); anything else unchanged.

    Duck-typed, so this module needs no torch. A tensor on the ``meta`` device has no
    data and is refused by name.

    Examples
    --------
    >>> tensor_to_numpy([1, 2], name="x")
    [1, 2]
    """
    if isinstance(value, np.ndarray) or not (hasattr(value, "detach") and hasattr(value, "device")):
        return value
    if getattr(value.device, "type", "") == "meta":
        raise ValueError(
            f"{name}: expected a tensor with data, got a tensor on the 'meta' device "
            f"(shape {tuple(value.shape)}), which has none; load or compute it first"
        )
    if getattr(value, "is_sparse", False):
        value = value.to_dense()
    t = value.detach().cpu()
    if str(t.dtype) in ("torch.bfloat16", "torch.float8_e4m3fn", "torch.float8_e5m2"):
        t = t.float()  # exact: every bfloat16 / float8 value is a float32 value
    return t.numpy()


def as_points(points: Any, *, name: str = "points", dtype: Any = np.float32) -> NDArray[Any]:
    """Check ``points`` is a finite ``(n, d)`` real array and return it as ``dtype``.

    ``dtype=np.float64`` keeps float64 input exact (no rounding to float32 before a
    computation that must match a float64 reference); ``dtype="exact"`` keeps float32
    as float32 and makes anything else float64 (the dtypes in which scikit-learn, so
    ripser, computes distances).

    Examples
    --------
    >>> as_points([[0, 1], [2, 3]]).dtype
    dtype('float32')
    >>> float(as_points([[0.1, 1e4]], dtype=np.float64)[0, 0]) == 0.1
    True
    """
    points = tensor_to_numpy(points, name=name)
    try:
        arr = np.asarray(points)
    except Exception as exc:  # ragged lists and friends
        raise ValueError(
            f"{name}: expected an (n, d) array of numbers, got {describe(points)}"
        ) from exc
    if isinstance(dtype, str) and dtype == "exact":
        dtype = np.float32 if arr.dtype == np.float32 else np.float64
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected an (n, d) array, got shape {arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(
            f"{name}: expected an (n, d) array with d >= 1 coordinates, got shape {arr.shape}"
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_) or np.iscomplexobj(arr):
        raise ValueError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    arr = arr.astype(dtype, copy=False)
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"{name}: expected finite values, got {arr[i, j]} at row {i}, column {j} "
            f"({int(bad.sum())} non-finite values in all)"
        )
    return arr


def check_choice(value: Any, choices: Iterable[str], *, name: str) -> str:
    """Check ``value`` is one of ``choices``; suggest close matches otherwise.

    Examples
    --------
    >>> check_choice("ripser", ["ripser", "gudhi"], name="backend")
    'ripser'
    """
    options = list(choices)
    if value in options:
        return str(value)
    raise unknown_name_error(value, options, name=name)


def unknown_name_error(
    value: Any, options: Sequence[str], *, name: str, hint: str = ""
) -> ValueError:
    """A ``ValueError`` for an unknown name, listing close matches.

    Examples
    --------
    >>> print(unknown_name_error("layr1", ["layer1", "layer2"], name="layers"))
    layers: unknown name 'layr1'; did you mean 'layer1' or 'layer2'?
    """
    close = difflib.get_close_matches(str(value), list(options), n=3, cutoff=0.5)
    if close:
        suggestion = " or ".join(repr(c) for c in close)
        msg = f"{name}: unknown name {value!r}; did you mean {suggestion}?"
    elif len(options) <= 12:
        msg = f"{name}: unknown name {value!r}; expected one of {list(options)}"
    else:
        msg = f"{name}: unknown name {value!r} (none of the {len(options)} known names is close)"
    if hint:
        msg += f" {hint}"
    return ValueError(msg)


def as_diagram_list(diagrams: Any, *, name: str = "diagrams") -> list[NDArray[np.float64]]:
    """Check persistence diagrams and return them as a list of float64 ``(n_k, 2)`` arrays.

    Accepts ripser's ``dgms`` list, a :class:`~tda_widgets.Diagrams`, or a single
    ``(n, 2)`` array (taken as dimension 0). Births must be finite; deaths may be
    ``inf`` but never NaN, and never smaller than the birth.

    Examples
    --------
    >>> import numpy as np
    >>> [d.shape for d in as_diagram_list([np.array([[0.0, np.inf]]), []])]
    [(1, 2), (0, 2)]
    """
    if isinstance(diagrams, np.ndarray) and diagrams.ndim == 2:
        diagrams = [diagrams]
    if isinstance(diagrams, (str, bytes)) or not isinstance(diagrams, Iterable):
        raise ValueError(
            f"{name}: expected a list of (n, 2) arrays (one per homology dimension), "
            f"got {describe(diagrams)}"
        )
    out: list[NDArray[np.float64]] = []
    for k, dgm in enumerate(diagrams):
        where = f"{name}[{k}] (H{k})"
        try:
            arr = np.asarray(dgm, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{where}: expected an (n, 2) array of numbers, got {describe(dgm)}"
            ) from exc
        if arr.size == 0:
            arr = arr.reshape(0, 2)
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"{where}: expected an array of shape (n, 2), got shape {arr.shape}")
        births, deaths = arr[:, 0], arr[:, 1]
        bad = np.flatnonzero(~np.isfinite(births))
        if bad.size:
            raise ValueError(f"{where} point {bad[0]}: birth must be finite, got {births[bad[0]]}")
        bad = np.flatnonzero(np.isnan(deaths))
        if bad.size:
            raise ValueError(f"{where} point {bad[0]}: death must be a number or inf, got nan")
        bad = np.flatnonzero(deaths < births)
        if bad.size:
            i = bad[0]
            raise ValueError(
                f"{where} point {i}: death must be >= birth, got birth {births[i]} and death {deaths[i]}"
            )
        out.append(np.ascontiguousarray(arr))
    return out


def check_int(value: Any, *, name: str, minimum: int | None = None) -> int:
    """Check ``value`` is an integer (not a bool), at least ``minimum`` if given.

    Examples
    --------
    >>> check_int(3, name="n_points", minimum=1)
    3
    >>> check_int(0, name="n_points", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: n_points: expected an integer >= 1, got 0
    """
    expected = "an integer" if minimum is None else f"an integer >= {minimum}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name}: expected {expected}, got {describe(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: expected {expected}, got {value}")
    return int(value)


def check_number(value: Any, *, name: str, minimum: float | None = None) -> float:
    """Check ``value`` is a finite real number (not a bool), at least ``minimum`` if given.

    Examples
    --------
    >>> check_number(0.5, name="noise", minimum=0)
    0.5
    >>> check_number("0.5", name="noise", minimum=0)
    Traceback (most recent call last):
    ...
    TypeError: noise: expected a finite number >= 0, got str '0.5'
    """
    expected = "a finite number" if minimum is None else f"a finite number >= {minimum:g}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name}: expected {expected}, got {describe(value)}")
    if not np.isfinite(value) or (minimum is not None and value < minimum):
        raise ValueError(f"{name}: expected {expected}, got {value}")
    return float(value)


def check_bool(value: Any, *, name: str) -> bool:
    """Check ``value`` is a bool (``True``/``False``, numpy bools included).

    Examples
    --------
    >>> check_bool(True, name="relu")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected True or False, got {describe(value)}")
    return bool(value)


DEFAULT_MEMORY_BUDGET = 4 * 1024**3
"""Default ``memory_budget`` of every step that checks one (extraction, persistence,
CKA, :class:`~tda_widgets.Analysis`): 4 GiB."""


def check_memory_budget(value: Any, *, name: str = "memory_budget") -> int | None:
    """Check a memory budget: a positive number of bytes, or ``None`` for no limit.

    A value of the wrong type is a ``TypeError``, a number that is not positive (or
    NaN) a ``ValueError``.

    Examples
    --------
    >>> check_memory_budget(2**30), check_memory_budget(None)
    (1073741824, None)
    """
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{name}: expected a number of bytes or None, got {describe(value)}")
    if not value > 0:
        raise ValueError(f"{name}: expected a positive number of bytes or None, got {value!r}")
    return int(min(value, 2**62))


def check_class_names(class_names: Sequence[str] | None, labels: Any) -> None:
    """Check there is a class name for every label in ``labels`` (``None``: nothing to check).

    Examples
    --------
    >>> check_class_names(["cat", "dog"], np.array([0, 1, 1]))
    >>> check_class_names(["cat"], np.array([0, 1, 3]))
    Traceback (most recent call last):
    ...
    ValueError: class_names: expected a name for each class 0..3 (4 names), got 1: ['cat']
    """
    if class_names is None or labels is None:
        return
    lab = np.asarray(labels)
    if lab.size == 0:
        return
    top = int(lab.max())
    if top >= len(class_names):
        shown = list(class_names)[:10]
        raise ValueError(
            f"class_names: expected a name for each class 0..{top} ({top + 1} names), "
            f"got {len(class_names)}: {shown}{' ...' if len(class_names) > 10 else ''}"
        )


def _equal_scalars(a: Any, b: Any) -> bool:
    """``a == b`` for plain scalars (None, numbers, strings); ``False`` for anything else."""
    plain = (type(None), bool, int, float, str, np.integer, np.floating)
    if not isinstance(a, plain) or not isinstance(b, plain):
        return False
    try:
        return bool(a == b) or (a != a and b != b)  # NaN equals NaN here
    except (TypeError, ValueError):
        return False


class _Unset:
    """The default of a deprecated keyword: tells "not passed" from any value."""

    def __repr__(self) -> str:
        return "<unset>"


#: default of a deprecated keyword argument (see :func:`renamed`)
UNSET: Any = _Unset()


class _Default:
    """The default of a renamed argument's new name, as :func:`new_default` makes it."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:  # signatures and help() show the plain default
        return repr(self.value)


def new_default(value: Any) -> Any:
    """The default of the new name of a renamed argument: ``value``, told apart from
    ``value`` passed by the caller, so that :func:`renamed` refuses the old and the new
    name together even when the new one is given its default value.

    Examples
    --------
    The function's signature and its call of :func:`renamed` share one object:

    >>> AUTO = new_default("auto")
    >>> def f(n_perm=AUTO, n_points=UNSET):
    ...     return renamed(n_points, n_perm, old="n_points", new="n_perm", where="f", default=AUTO)
    >>> AUTO, f(), f(n_perm=5)
    ('auto', 'auto', 5)
    >>> f(n_points=10, n_perm="auto")
    Traceback (most recent call last):
    ...
    TypeError: f: got both n_perm= and its old name n_points= (n_perm=str 'auto', n_points=int 10); pass only n_perm=
    """
    return _Default(value)


def renamed(old_value: Any, new_value: Any, *, old: str, new: str, where: str, default: Any) -> Any:
    """The value of an argument renamed from ``old`` to ``new``.

    Passing the old name still works, with a ``FutureWarning`` (shown in notebooks)
    that names the new one; passing both is a ``TypeError``, also when the new one is
    passed its default value, when its default is a :func:`new_default` (otherwise a
    new value equal to ``default`` counts as not passed).

    Examples
    --------
    >>> renamed(UNSET, 5, old="n_points", new="n_perm", where="f", default=None)
    5
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     renamed(7, None, old="n_points", new="n_perm", where="f", default=None)
    7
    >>> str(w[0].message)
    'f: n_points= is deprecated; use n_perm= (the same meaning)'
    """
    if isinstance(default, _Default):  # the signature's own default object
        passed = new_value is not default
        new_value = new_value if passed else default.value
    else:
        passed = new_value is not default and not _equal_scalars(new_value, default)
    if old_value is UNSET:
        return new_value
    if passed:
        raise TypeError(
            f"{where}: got both {new}= and its old name {old}= ({new}={describe(new_value)}, "
            f"{old}={describe(old_value)}); pass only {new}="
        )
    warnings.warn(
        f"{where}: {old}= is deprecated; use {new}= (the same meaning)", FutureWarning, stacklevel=3
    )
    return old_value
