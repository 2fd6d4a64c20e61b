"""Content keys: a digest of everything that determines a result, for the disk cache.

:class:`Keyer` feeds a value, recursively, into one SHA-256 digest (its first 20 bytes:
40 hex digits), each part tagged with its type and length so that different structures
never feed the same bytes. SHA-256 rather than BLAKE2b because CPUs hash it in
hardware (the SHA extensions of x86 and ARMv8): about 1.5 GB/s against BLAKE2b's 0.8
GB/s here, which is most of the key of 50,000 images (614 MB) when an explorer reopens.

* numbers, strings, bytes: their exact ``repr``;
* numpy arrays and torch tensors: dtype, shape and every byte of the values, in C
  order, read in blocks of at most 8 MiB (a contiguous CPU array is read in place,
  never copied; others, and GPU tensors, are copied one block at a time);
* containers: their items, in order (sets in an order independent of the run);
* ``torch.nn.Module``: its class, every submodule's class and configuration (every
  instance attribute, e.g. ``Conv2d.stride``, and ``extra_repr()``), parameters,
  buffers and forward hooks, recursively;
* functions and classes of installed packages (and of tda_widgets) that their module
  holds under their name: that name and the package's version;
* other functions (the user's, lambdas, functions defined inside functions): their
  bytecode, constants and names (nested functions included), default values, closure
  values and the values of the module globals they read, recursively; other classes:
  their bases and every attribute they define (methods, properties and data, private
  ``_names`` included), the same way;
* modules: an installed one by name and version; a user module (``import helpers``)
  by the bytes of its source file, plus the attributes of it that the code names
  (``helpers.act``), recursively;
* scikit-learn style estimators: their class and ``get_params(deep=True)``;
* other objects: their class and attributes (``__dict__`` and ``__slots__``).

What has no content to key on (a lock, a random generator, a C object, a sparse or
meta tensor) raises :class:`Unidentifiable`, which says what and where; the caller
then does not cache.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import math
import os
import pathlib
import platform
import random
import site
import sys
import sysconfig
import types
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Keyer", "Unidentifiable", "digest"]

#: largest block of array bytes copied at once while hashing
#: hex digits of a key (the first 20 bytes of the SHA-256 digest)
DIGEST_HEX = 40
CHUNK_BYTES = 8 * 2**20


class Unidentifiable(Exception):
    """A value that cannot be keyed by its content; ``what`` says which and why."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _type_name(value: Any) -> str:
    t = type(value)
    return f"a {t.__module__}.{t.__qualname__}"


@functools.lru_cache(maxsize=1)
def _site_dirs() -> tuple[str, ...]:
    dirs = {sysconfig.get_paths()[k] for k in ("purelib", "platlib", "stdlib", "platstdlib")}
    try:
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except AttributeError:  # pragma: no cover - some embedded interpreters lack these
        pass
    return tuple(os.path.realpath(d) + os.sep for d in dirs if d)


@functools.cache
def library_version(module: str | None) -> str | None:
    """``"package version"`` when ``module`` is installed library code, else ``None``.

    Library code (the standard library, installed packages, tda_widgets itself) is
    keyed by name and version; anything else (``__main__``, a notebook, a script, a
    module in the working directory) is user code, keyed by its bytecode.

    Examples
    --------
    >>> library_version("numpy.linalg").startswith("numpy ")
    True
    >>> library_version("__main__") is None
    True
    """
    if not module or module == "__main__":
        return None
    top = module.partition(".")[0]
    if top == "builtins" or top in getattr(sys, "stdlib_module_names", ()):
        return f"python {platform.python_version()}"
    if top == "tda_widgets":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"tda_widgets {version('tda_widgets')}"
        except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
            return "tda_widgets"
    mod = sys.modules.get(module) or sys.modules.get(top)
    path = getattr(mod, "__file__", None)
    if not path:
        return None
    real = os.path.realpath(path)
    if not real.startswith(_site_dirs()):
        return None
    return f"{top} {getattr(sys.modules.get(top), '__version__', '')}"


def _by_name(obj: Any) -> str | None:
    """``"module.qualname version"`` for library code that its name finds, else ``None``.

    A lambda, a function defined inside another, or anything its module does not hold
    under its name is not identified by the name, even in a library.
    """
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", "")
    version = library_version(module)
    if version is None or "<" in qualname:
        return None
    found: Any = sys.modules.get(module or "")
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return f"{module}.{qualname} {version}" if found is obj else None


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


_BUILTIN_CALLABLES = (
    types.BuiltinFunctionType,
    types.BuiltinMethodType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    np.ufunc,
)


class Keyer:
    """Feed values into one content digest (see the module docstring for the rules).

    Examples
    --------
    >>> import numpy as np
    >>> k = Keyer()
    >>> k.add({"eps": 0.5, "w": np.arange(3.0)})
    >>> len(k.hexdigest())
    40
    >>> digest(lambda x: x + 1) == digest(lambda x: x + 1), digest(lambda x: x + 2) == digest(lambda x: x + 1)
    (True, False)
    """

    def __init__(self) -> None:
        self._h = hashlib.sha256()
        self._memo: dict[int, int] = {}
        self._alive: list[Any] = []  # memoised objects stay alive so ids stay unique
        self._open: dict[int, int] = {}  # containers being fed (to detect cycles)

    def hexdigest(self) -> str:
        """The digest of everything added so far, as 40 hex digits."""
        return self._h.hexdigest()[:DIGEST_HEX]

    def forget(self) -> None:
        """Drop the memo of objects already seen (between independent items)."""
        self._memo.clear()
        self._alive.clear()

    # -- low level -------------------------------------------------------------------

    def _tag(self, tag: str, payload: bytes = b"") -> None:
        self._h.update(tag.encode() + b"\0" + len(payload).to_bytes(8, "little"))
        self._h.update(payload)

    def _text(self, tag: str, text: str) -> None:
        self._tag(tag, text.encode("utf-8", "surrogatepass"))

    def _seen(self, value: Any) -> bool:
        """Whether ``value`` was added before (then a back-reference is fed instead)."""
        index = self._memo.get(id(value))
        if index is not None:
            self._tag("ref", index.to_bytes(8, "little"))
            return True
        self._memo[id(value)] = len(self._memo)
        self._alive.append(value)
        return False

    def _blocks(
        self,
        x: Any,
        itemsize: int,
        in_place: Callable[[Any], bool],
        as_bytes: Callable[[Any], memoryview],
    ) -> None:
        """Feed the bytes of array ``x`` in C order, copying at most CHUNK_BYTES at once."""
        shape = tuple(x.shape)
        nbytes = math.prod(shape) * itemsize
        if nbytes == 0:
            return
        if not shape or nbytes <= CHUNK_BYTES or in_place(x):
            self._h.update(as_bytes(x))
            return
        step = max(1, CHUNK_BYTES // (nbytes // shape[0]))
        for start in range(0, shape[0], step):
            self._blocks(
                x[start : start + step] if step > 1 else x[start], itemsize, in_place, as_bytes
            )

    def _array(self, a: np.ndarray, where: str) -> None:
        if a.dtype.hasobject:
            self._text("object-array", repr(a.shape))
            self.add(a.tolist(), where)
            return
        self._text("ndarray", f"{a.dtype.str}{a.dtype.descr}{a.shape}")
        self._blocks(
            a,
            a.dtype.itemsize,
            lambda x: bool(x.flags.c_contiguous),
            lambda x: np.ascontiguousarray(x).reshape(-1).view(np.uint8).data,
        )

    def _tensor(self, t: Any, where: str) -> None:
        import torch

        if t.device.type == "meta":
            raise Unidentifiable(f"{where} is a tensor on the meta device, which holds no values")
        if t.layout != torch.strided or t.is_quantized:
            raise Unidentifiable(f"{where} is a {t.layout} tensor; only dense tensors are keyed")
        t = t.detach()
        if t.is_conj():
            t = t.resolve_conj()
        if t.is_neg():
            t = t.resolve_neg()
        self._text("tensor", f"{t.dtype}{tuple(t.shape)}")
        self._blocks(
            t,
            t.element_size(),
            lambda x: x.device.type == "cpu" and x.is_contiguous(),
            lambda x: x.cpu().contiguous().reshape(-1).view(torch.uint8).numpy().data,
        )

    # -- dispatch ----------------------------------------------------------------------

    def add(self, value: Any, where: str = "value") -> None:
        """Feed ``value``; ``where`` names it in an :class:`Unidentifiable` message."""
        t = type(value)
        if value is None or value is Ellipsis or value is NotImplemented:
            self._text("const", repr(value))
        elif t in (bool, int, float, complex, str, bytes):
            self._text(t.__name__, repr(value))
        elif (name := _by_name(value)) is not None:  # library code, found by its name
            self._text("library", name)
        elif isinstance(value, enum.Enum):
            self.add(t, where)
            self._text("enum", value.name)
        elif isinstance(value, np.generic):
            self._tag(f"npscalar:{value.dtype.str}{value.dtype.descr}", value.tobytes())
        elif isinstance(value, np.ndarray):
            self._array(value, where)
        elif _is_torch(value, "Tensor"):
            self._tensor(value, where)
        elif isinstance(value, (np.dtype, range, slice, pathlib.PurePath)) or _is_torch(
            value, "dtype", "device", "layout", "memory_format"
        ):
            self._text(f"{t.__module__}.{t.__qualname__}", repr(value))
        elif isinstance(value, (str, int, float, complex, bytes)):  # subclasses of these
            plain: Any = next(
                c for c in (bool, int, float, complex, str, bytes) if isinstance(value, c)
            )
            self.add(t, where)
            self.add(plain(value), where)
        elif isinstance(value, (tuple, list, dict, types.MappingProxyType)):
            # by value, however they are shared (equal configurations give equal keys
            # whether or not, e.g., deepcopy kept two attributes pointing at one list);
            # only a container inside itself is fed as a back-reference
            if id(value) in self._open:
                self._tag("cycle", self._open[id(value)].to_bytes(8, "little"))
                return
            self._open[id(value)] = len(self._open)
            try:
                self._text("container", f"{t.__module__}.{t.__qualname__}:{len(value)}")
                if isinstance(value, (dict, types.MappingProxyType)):
                    for k, item in value.items():
                        self.add(k, where)
                        self.add(item, f"{where}[{k!r}]")
                else:
                    for k, item in enumerate(value):
                        self.add(item, f"{where}[{k}]")
            finally:
                del self._open[id(value)]
        elif isinstance(value, weakref.ref):
            self._text("weakref", "")
            self.add(value(), where)
        elif isinstance(value, (set, frozenset)):
            self._text("set", f"{t.__qualname__}:{len(value)}")
            for d in sorted(digest(item, where) for item in value):
                self._text("item", d)
        elif isinstance(value, types.ModuleType):
            self._module(value, where)
        elif isinstance(value, types.CodeType):
            self._code(value, where)
        elif isinstance(value, type):
            self._class(value, where)
        elif isinstance(value, types.FunctionType):
            self._function(value, where)
        elif isinstance(value, functools.partial):
            self._text("partial", "")
            self.add(value.func, where)
            self.add(value.args, f"{where} (partial args)")
            self.add(value.keywords, f"{where} (partial keywords)")
        elif isinstance(value, types.MethodType):
            self._text("method", "")
            self.add(value.__func__, where)
            self.add(value.__self__, f"{where} (bound to)")
        elif isinstance(value, (staticmethod, classmethod)):
            self._text(t.__name__, "")
            self.add(value.__func__, where)
        elif isinstance(value, property):
            self._text("property", "")
            self.add((value.fget, value.fset, value.fdel), where)
        elif isinstance(value, functools.cached_property):  # its lock holds nothing
            self._text("cached_property", "")
            self.add(value.func, where)
        elif isinstance(value, _BUILTIN_CALLABLES):
            self._builtin(value, where)
        elif isinstance(value, (types.MemberDescriptorType, types.GetSetDescriptorType)):
            # a class's __slots__ entry or a C attribute: its name is all it holds
            owner = getattr(value, "__objclass__", type(None))
            self._text("descriptor", f"{owner.__qualname__}.{value.__name__}")
        elif _is_torch(value, "nn.Module"):
            self._torch_module(value, where)
        elif callable(getattr(value, "get_params", None)):
            if self._seen(value):
                return
            self.add(t, where)
            self._text("estimator", "")
            self.add(value.get_params(deep=True), f"{where}.get_params()")
        else:
            self._object(value, where)

    def _builtin(self, fn: Any, where: str) -> None:
        module = getattr(fn, "__module__", None) or getattr(
            getattr(fn, "__objclass__", None), "__module__", None
        )
        name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
        self._text("builtin", f"{module}.{name} {library_version(module) or ''}")
        owner = getattr(fn, "__self__", None)
        if owner is not None and not isinstance(owner, (types.ModuleType, type)):
            self.add(owner, f"{where} (bound to)")

    def _code(self, code: types.CodeType, where: str) -> None:
        self._text(
            "code",
            f"{code.co_argcount},{code.co_posonlyargcount},{code.co_kwonlyargcount},{code.co_flags}",
        )
        self._tag("co_code", code.co_code)
        self._tag("co_exceptiontable", getattr(code, "co_exceptiontable", b""))
        self._text(
            "names", repr((code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars))
        )
        for const in code.co_consts:
            self.add(const, f"{where} (constant)")

    def _function(self, fn: types.FunctionType, where: str) -> None:
        if self._seen(fn):
            return
        name = _by_name(fn)
        if name is not None:
            self._text("library-function", name)
            return
        # user code, or a library's lambda or inner function: what it does and uses
        self._text("function", "")
        self._code(fn.__code__, where)
        self.add(fn.__defaults__, f"{where} (defaults)")
        self.add(fn.__kwdefaults__, f"{where} (keyword defaults)")
        names = frozenset(_global_names(fn.__code__))
        for var in sorted(names):
            if var in fn.__globals__:
                self._text("global", var)
                value = fn.__globals__[var]
                if isinstance(value, types.ModuleType):  # helpers.act(x): act keyed too
                    self._module(value, f"{where} (global {var!r})", names)
                else:
                    self.add(value, f"{where} (global {var!r})")
        for var, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=True):
            self._text("closure", var)
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                self._text("empty-cell", "")
            else:
                self.add(content, f"{where} (closure variable {var!r})")

    def _module(
        self, module: types.ModuleType, where: str, names: frozenset[str] = frozenset()
    ) -> None:
        """A library module by name and version; a user module by its file's bytes.

        ``names`` (the names a function's code uses) picks the module's attributes
        that are keyed too, recursively into user submodules (``helpers.act(x)`` keys
        ``act``'s code as well as ``helpers.py``'s source).
        """
        name = module.__name__
        if library_version(name) is not None or name in sys.builtin_module_names:
            self._text("module", f"{name} {library_version(name) or ''}")
            return
        if id(module) in self._open:  # a module reached again through its own attributes
            self._tag("cycle", self._open[id(module)].to_bytes(8, "little"))
            return
        path = getattr(module, "__file__", None)
        try:
            source = pathlib.Path(path).read_bytes() if path else None
        except OSError as exc:
            raise Unidentifiable(
                f"{where} is the module {name!r}, whose source {path} cannot be read ({exc})"
            ) from None
        if source is None:
            raise Unidentifiable(
                f"{where} is the module {name!r}, which has no source file to key on"
            )
        self._text("user-module", name)
        self._tag("source", source)
        self._open[id(module)] = len(self._open)
        try:
            for attr in sorted(names):
                if attr.startswith("__") or not hasattr(module, attr):
                    continue
                value = getattr(module, attr)
                self._text("module-attribute", attr)
                if isinstance(value, types.ModuleType):
                    self._module(value, f"{where}.{attr}", names)
                else:
                    self.add(value, f"{where}.{attr}")
        finally:
            del self._open[id(module)]

    def _class(self, cls: type, where: str) -> None:
        name = _by_name(cls)
        if name is not None:
            self._text("library-class", name)
            return
        if self._seen(cls):
            return
        self._text("class", cls.__qualname__)
        for base in cls.__bases__:
            if base is not object:
                self.add(base, f"{where} (base class)")
        # every attribute forward() can read, private ones (``_scale = 5.0``) included;
        # only the interpreter's bookkeeping is left out
        for name, attr in sorted(vars(cls).items()):
            if name not in _CLASS_BOOKKEEPING:
                self._text("class-attribute", name)
                self.add(attr, f"{where}.{name}")

    def _torch_module(self, module: Any, where: str) -> None:
        if self._seen(module):
            return
        self.add(type(module), f"{where} (class)")
        self._text("extra_repr", module.extra_repr())
        state = vars(module)
        for name in sorted(k for k in state if k not in _module_base_attributes()):
            self._text("attribute", name)
            self.add(state[name], f"{where}.{name}")
        for hooks in ("_forward_pre_hooks", "_forward_hooks"):
            self._text(hooks, "")
            for k, hook in enumerate(state.get(hooks, {}).values()):
                self.add(hook, f"{where}.{hooks}[{k}]")
        for kind in ("_parameters", "_buffers"):
            for name, tensor in state[kind].items():
                self._text(kind, name)
                self.add(tensor, f"{where}.{name}")
        for name, child in state["_modules"].items():
            self._text("child", name)
            self.add(child, f"{where}.{name}")

    def _object(self, value: Any, where: str) -> None:
        if self._seen(value):
            return
        t = type(value)
        fields: dict[str, Any] = {}
        if isinstance(value, random.Random):  # its state lives in C, not in __dict__
            fields["random.Random.getstate()"] = value.getstate()
        else:
            c_base = next(
                (c for c in t.__mro__ if c is not object and not c.__flags__ & _HEAPTYPE), None
            )
            if c_base is not None:
                raise Unidentifiable(
                    f"{where} is {_type_name(value)}, whose {c_base.__qualname__} state is "
                    "held in C, out of reach of the key"
                )
        if dataclasses.is_dataclass(value):
            fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        else:
            has_dict = hasattr(value, "__dict__")
            slots = [s for c in t.__mro__ for s in getattr(c, "__slots__", ()) if s != "__dict__"]
            if not has_dict and not slots:
                raise Unidentifiable(
                    f"{where} is {_type_name(value)}, which has no content to key on"
                )
            if has_dict:
                fields.update(vars(value))
            for slot in slots:
                if hasattr(value, slot):
                    fields[slot] = getattr(value, slot)
        self.add(t, f"{where} (class)")
        self._text("object", "")
        for name in sorted(fields):
            self._text("field", name)
            self.add(fields[name], f"{where}.{name}")


#: class attributes that the interpreter keeps (not behaviour): left out of the key
_CLASS_BOOKKEEPING = frozenset(
    {
        "__dict__",
        "__weakref__",
        "__module__",
        "__qualname__",
        "__doc__",
        "__annotations__",
        "__firstlineno__",
        "__static_attributes__",
        "__orig_bases__",
        "__parameters__",
        "__slotnames__",
        "__abstractmethods__",
        "_abc_impl",
    }
)

_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python, not in C


def _is_torch(value: Any, *names: str) -> bool:
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    for name in names:
        obj: Any = torch
        for part in name.split("."):
            obj = getattr(obj, part)
        if isinstance(value, obj):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _module_base_attributes() -> frozenset[str]:
    import torch

    return frozenset(vars(torch.nn.Module()))


def digest(value: Any, where: str = "value") -> str:
    """The content digest of one value (40 hex digits).

    Raises
    ------
    Unidentifiable
        When part of ``value`` has no content to key on.

    Examples
    --------
    >>> import numpy as np
    >>> a, b = np.ones(2001), np.ones(2001)
    >>> b[1000] = 2.0  # repr(a) == repr(b): numpy abbreviates both
    >>> digest({"w": a}) == digest({"w": b})
    False
    """
    k = Keyer()
    k.add(value, where)
    return k.hexdigest()
