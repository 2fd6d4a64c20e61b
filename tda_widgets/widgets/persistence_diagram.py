"""PersistenceDiagramWidget: an interactive persistence diagram (front-end: ``js/persistence_diagram/``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from tda_widgets._validation import as_diagram_list
from tda_widgets.widgets._base import TdaWidget
from tda_widgets.widgets._codec import array_list_from_json, array_list_to_json

__all__ = ["PersistenceDiagramWidget"]


class PersistenceDiagramWidget(TdaWidget):
    """Persistence diagrams, one colour per homology dimension, with clickable points.

    Points are drawn at ``(birth, death)``; infinite deaths sit on a dashed line
    marked ``∞`` above every finite value, so they are shown, never dropped. Click a
    point to select it, shift-click to add or remove points; the selection is synced
    to :attr:`selected_points` as ``[dim, index]`` pairs. The legend's buttons show or
    hide dimensions.

    Parameters
    ----------
    diagrams : list of array_like of shape (n_k, 2), Diagrams, or ripser's result dict
        One diagram per homology dimension ``k``, as in ``ripser(X)["dgms"]``.
    title : str, optional
        Shown above the plot.
    width, height : int, optional
        Size of the plot in CSS pixels.
    **kwargs
        Other traits, e.g. ``selected_points`` or ``visible_dims``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import PersistenceDiagramWidget
    >>> w = PersistenceDiagramWidget([np.array([[0.0, np.inf], [0.0, 0.3]]),
    ...                               np.array([[0.4, 1.1]])], title="toy")
    >>> w.visible_dims
    [0, 1]
    >>> w.selected_points = [[1, 0]]
    >>> w.selected_bars()
    [(1, 0, 0.4, 1.1)]
    """

    _bundle = "persistence_diagram"

    diagrams: traitlets.List[np.ndarray] = traitlets.List().tag(
        sync=True, to_json=array_list_to_json, from_json=array_list_from_json
    )
    """list of float64 ndarray (n_k, 2): the diagram of each dimension k. Set by Python."""

    selected_points = traitlets.List(traitlets.List(traitlets.Int(), minlen=2, maxlen=2)).tag(
        sync=True
    )
    """list of [dim, index]: the selected points. Set by the view (clicks) or Python."""

    visible_dims = traitlets.List(traitlets.Int()).tag(sync=True)
    """list of int: homology dimensions drawn. Set by the view (legend) or Python."""

    title = traitlets.Unicode("").tag(sync=True)
    """str: title above the plot. Set by Python."""

    width = traitlets.Int(420, min=120).tag(sync=True)
    """int: plot width in CSS pixels. Set by Python."""

    height = traitlets.Int(420, min=120).tag(sync=True)
    """int: plot height in CSS pixels. Set by Python."""

    def __init__(
        self,
        diagrams: Any = (),
        *,
        title: str = "",
        width: int = 420,
        height: int = 420,
        **kwargs: Any,
    ) -> None:
        if isinstance(diagrams, Mapping) and "dgms" in diagrams:  # ripser's result dict
            diagrams = diagrams["dgms"]
        dgms = as_diagram_list(diagrams, name="diagrams")
        kwargs.setdefault("visible_dims", list(range(len(dgms))))
        super().__init__(diagrams=dgms, title=title, width=width, height=height, **kwargs)

    @traitlets.validate("diagrams")
    def _validate_diagrams(self, proposal: dict[str, Any]) -> list[np.ndarray]:
        return as_diagram_list(proposal["value"], name="diagrams")

    @traitlets.validate("selected_points")
    def _validate_selected_points(self, proposal: dict[str, Any]) -> list[list[int]]:
        sizes = [len(d) for d in self.diagrams]
        out: list[list[int]] = []
        for n, pair in enumerate(proposal["value"]):
            dim, index = int(pair[0]), int(pair[1])
            if not 0 <= dim < len(sizes):
                raise ValueError(
                    f"selected_points[{n}]: dimension must be in 0..{len(sizes) - 1}, got {dim}"
                )
            if not 0 <= index < sizes[dim]:
                raise ValueError(
                    f"selected_points[{n}]: index must be in 0..{sizes[dim] - 1} for H{dim} "
                    f"({sizes[dim]} points), got {index}"
                )
            if [dim, index] not in out:
                out.append([dim, index])
        return out

    @traitlets.observe("diagrams")
    def _on_diagrams(self, change: dict[str, Any]) -> None:
        # indices refer to the old diagrams: keep only those that still exist
        sizes = [len(d) for d in change["new"]]
        self.selected_points = [
            [d, i] for d, i in self.selected_points if d < len(sizes) and i < sizes[d]
        ]
        self.visible_dims = [d for d in self.visible_dims if d < len(sizes)] or list(
            range(len(sizes))
        )

    def selected_bars(self) -> list[tuple[int, int, float, float]]:
        """The selected points as ``(dim, index, birth, death)`` tuples.

        Examples
        --------
        >>> import numpy as np
        >>> w = PersistenceDiagramWidget([np.array([[0.0, 2.0]])], selected_points=[[0, 0]])
        >>> w.selected_bars()
        [(0, 0, 0.0, 2.0)]
        """
        out = []
        for dim, i in self.selected_points:
            birth, death = self.diagrams[dim][i]
            out.append((dim, i, float(birth), float(death)))
        return out
