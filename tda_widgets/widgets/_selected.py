"""``selected_images``: one spelling, a property, on the explorer and every view.

It used to be a property on :class:`~tda_widgets.ActivationExplorer` and a method on
the views. It is a property everywhere now; the old call ``view.selected_images()``
still works for a while and warns (:class:`FutureWarning`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["SelectedImages"]


class SelectedImages(np.ndarray):
    """Sorted image indices (int64) that can still be called as the old method.

    Parameters
    ----------
    indices : array_like of int
        The image indices.
    owner : str
        The class whose attribute this is, for the warning.
    old : callable, optional
        What the old method returned (default the indices themselves).

    Examples
    --------
    >>> import warnings
    >>> s = SelectedImages([3, 5], "PersistenceDiagramWidget")
    >>> s.tolist()
    [3, 5]
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     s().tolist(), w[0].category.__name__
    ([3, 5], 'FutureWarning')
    """

    _owner: str
    _old: Callable[[], Any] | None

    def __new__(
        cls, indices: Any, owner: str, old: Callable[[], Any] | None = None
    ) -> SelectedImages:
        obj = np.asarray(indices, dtype=np.int64).view(cls)
        obj._owner, obj._old = owner, old
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        self._owner = getattr(obj, "_owner", "")
        self._old = None  # slices and results are indices, not the old call

    def __call__(self) -> Any:
        """The old method form: warns, and returns what the method returned."""
        if self._old is not None:
            return self._old()
        warnings.warn(
            f"{self._owner}.selected_images is a property now (as on the explorer and "
            "every view): drop the ()",
            FutureWarning,
            stacklevel=2,
        )
        return np.asarray(self)
