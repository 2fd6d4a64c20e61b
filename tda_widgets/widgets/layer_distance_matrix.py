"""LayerDistanceMatrixWidget: a clickable heatmap of distances between layers.

Front-end: ``js/layer_distance_matrix/``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets
from numpy.typing import NDArray

from tda_widgets._types import DistanceMatrix
from tda_widgets.widgets._base import TdaWidget
from tda_widgets.widgets._checks import as_float_array, as_names
from tda_widgets.widgets._codec import array_from_json, array_to_json
from tda_widgets.widgets._evidence import noise_from_json, noise_record, noise_to_json

__all__ = ["LayerDistanceMatrixWidget"]


def _unpack(matrix: Any, name: str) -> tuple[NDArray[np.float64], list[str] | None, str]:
    """Values, row names (or None) and metric of a DistanceMatrix or a plain array."""
    if isinstance(matrix, DistanceMatrix):
        values = as_float_array(matrix.values, name=f"{name}.values", ndim=2)
        return values, list(matrix.layers), matrix.metric
    return as_float_array(matrix, name=name, ndim=2), None, ""


def _check_second_shape(values: NDArray[np.float64], values2: NDArray[np.float64]) -> None:
    """Checked before the traits are set: their validators run in no fixed order."""
    if values2.shape != values.shape:
        raise ValueError(f"second: expected shape {values.shape}, got shape {values2.shape}")


class LayerDistanceMatrixWidget(TdaWidget):
    """A heatmap of a :class:`~tda_widgets.DistanceMatrix` with clickable cells.

    Layer names label both axes; the colour bar (viridis) carries the metric's name.
    Hover a cell for both names and the value; click it to select it (synced to
    :attr:`selected_pair`); the arrow keys move the selection and Escape clears it.
    With a ``second`` matrix of the same layers (e.g. ``1 - CKA`` next to sliced
    Wasserstein), buttons switch between the two and the Spearman rank correlation of
    their upper triangles is shown. With a noise floor (:meth:`set_noise_floor`, from
    ``NoiseFloors.assess``), the cells whose distance does not exceed it are hatched, a
    legend says so, and the hover and status line give the distance, the floor and p.

    Parameters
    ----------
    matrix : DistanceMatrix or array_like of shape (L, M)
        The distances. A plain array needs ``layers`` (else rows are named 0..L-1).
    second : DistanceMatrix or array_like of shape (L, M), optional
        A second matrix of the same layers, shown by the toggle.
    layers, columns : sequence of str, optional
        Row (and, for non-square matrices, column) names; override the matrix's.
    metric, second_metric : str, optional
        Names of the two distances (default: the matrices' own ``metric``).
    title : str, optional
        Shown above the heatmap.
    cell_size : int, optional
        Side of a cell in CSS pixels.
    **kwargs
        Other traits, e.g. ``selected_pair`` or ``show_second``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import DistanceMatrix, LayerDistanceMatrixWidget
    >>> d = np.array([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0], [3.0, 2.0, 0.0]])
    >>> m = DistanceMatrix(values=d, layers=("conv1", "conv2", "fc"), metric="SW(H1)")
    >>> w = LayerDistanceMatrixWidget(m, second=d ** 2, second_metric="squared")
    >>> w.rank_correlation
    1.0
    >>> w.selected_pair = [0, 2]
    >>> w.selected_layers()
    ('conv1', 'fc')
    """

    _bundle = "layer_distance_matrix"

    values = traitlets.Instance(np.ndarray).tag(
        sync=True, to_json=array_to_json, from_json=array_from_json
    )
    """float64 ndarray (L, M): the distances shown first. Set by Python."""

    layers = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """list of str (L): row names. Set by Python."""

    columns = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """list of str (M): column names (equal to ``layers`` for square matrices). Set by Python."""

    metric = traitlets.Unicode("").tag(sync=True)
    """str: name of the first distance, on the colour bar. Set by Python."""

    values2 = traitlets.Instance(np.ndarray, allow_none=True).tag(
        sync=True, to_json=array_to_json, from_json=array_from_json
    )
    """float64 ndarray (L, M) or None: the optional second matrix. Set by Python."""

    metric2 = traitlets.Unicode("").tag(sync=True)
    """str: name of the second distance. Set by Python."""

    rank_correlation = traitlets.Float(None, allow_none=True).tag(sync=True)
    """float or None: Spearman correlation of the two matrices. Set by Python."""

    show_second = traitlets.Bool(False).tag(sync=True)
    """bool: whether the second matrix is shown. Set by the view (toggle) or Python."""

    selected_pair = traitlets.List(traitlets.Int(), maxlen=2).tag(sync=True)
    """list of int: ``[i, j]`` (row, column) of the selected cell or ``[]``. Set by the view or Python."""

    noise: traitlets.List[Any] = traitlets.List(traitlets.Dict(allow_none=True), maxlen=2).tag(
        sync=True, to_json=noise_to_json, from_json=noise_from_json
    )
    """list of (dict or None): the noise floor of the first and the second matrix, each
    ``{"within_noise": bool (L, M), "p_values": float64 (L, M), "floor": float64 (L, M),
    "label": str}`` or None; ``[]`` for none. Cells within the noise are hatched. Set by
    Python (:meth:`set_noise_floor`; cleared when the values change)."""

    title = traitlets.Unicode("").tag(sync=True)
    """str: title above the heatmap. Set by Python."""

    cell_size = traitlets.Int(24, min=4, max=200).tag(sync=True)
    """int: side of a cell in CSS pixels. Set by Python."""

    def __init__(
        self,
        matrix: Any = None,
        second: Any = None,
        *,
        layers: Any = None,
        columns: Any = None,
        metric: str | None = None,
        second_metric: str | None = None,
        title: str = "",
        cell_size: int = 24,
        **kwargs: Any,
    ) -> None:
        values, names, own_metric = _unpack(
            np.zeros((0, 0)) if matrix is None else matrix, "matrix"
        )
        n_rows, n_cols = values.shape
        if layers is not None:
            names = as_names(layers, name="layers", count=n_rows, what="row of the matrix")
        elif names is None:
            names = [str(i) for i in range(n_rows)]
        names = as_names(names, name="layers", count=n_rows, what="row of the matrix")
        if columns is None:
            cols = getattr(matrix, "columns", None) or (names if n_rows == n_cols else None)
            if cols is None:
                raise ValueError(
                    f"columns: a {n_rows}x{n_cols} matrix is not square, so pass one name per column"
                )
        else:
            cols = columns
        cols = as_names(cols, name="columns", count=n_cols, what="column of the matrix")

        values2 = None
        own_metric2 = ""
        if second is not None:
            values2, names2, own_metric2 = _unpack(second, "second")
            _check_second_shape(values, values2)
            if names2 is not None and list(names2) != names:
                raise ValueError(
                    f"second: its layers {list(names2)} differ from the first matrix's {names}"
                )
        super().__init__(
            values=values,
            layers=names,
            columns=cols,
            metric=own_metric if metric is None else metric,
            values2=values2,
            metric2=own_metric2 if second_metric is None else second_metric,
            title=title,
            cell_size=cell_size,
            **kwargs,
        )
        self._update_correlation()

    # -- validation: each trait against the others (deferred while several change) --

    @traitlets.validate("values")
    def _validate_values(self, proposal: dict[str, Any]) -> NDArray[np.float64]:
        values = as_float_array(proposal["value"], name="values", ndim=2)
        names = (len(self.layers), len(self.columns))
        if values.shape != names:
            raise ValueError(
                f"values: expected shape {names} to match layers ({names[0]} names) and "
                f"columns ({names[1]} names), got shape {values.shape}; use set_matrix() to "
                "change the values and the names together"
            )
        if self.values2 is not None and self.values2.shape != values.shape:
            raise ValueError(
                f"values: shape {values.shape} differs from values2's {self.values2.shape}"
            )
        return values

    @traitlets.validate("values2")
    def _validate_values2(self, proposal: dict[str, Any]) -> NDArray[np.float64] | None:
        if proposal["value"] is None:
            return None
        return as_float_array(
            proposal["value"], name="second", ndim=2, shape=tuple(self.values.shape)
        )

    @traitlets.validate("layers")
    def _validate_layers(self, proposal: dict[str, Any]) -> list[str]:
        return as_names(
            proposal["value"], name="layers", count=self.values.shape[0], what="row of the matrix"
        )

    @traitlets.validate("columns")
    def _validate_columns(self, proposal: dict[str, Any]) -> list[str]:
        return as_names(
            proposal["value"],
            name="columns",
            count=self.values.shape[1],
            what="column of the matrix",
        )

    @traitlets.validate("selected_pair")
    def _validate_selected_pair(self, proposal: dict[str, Any]) -> list[int]:
        pair = [int(v) for v in proposal["value"]]
        if not pair:
            return []
        if len(pair) != 2:
            raise ValueError(f"selected_pair: expected [] or [row, column], got {pair}")
        n_rows, n_cols = self.values.shape
        if not (0 <= pair[0] < n_rows and 0 <= pair[1] < n_cols):
            raise ValueError(
                f"selected_pair: expected 0 <= row < {n_rows} and 0 <= column < {n_cols}, got {pair}"
            )
        return pair

    @traitlets.validate("show_second")
    def _validate_show_second(self, proposal: dict[str, Any]) -> bool:
        if proposal["value"] and self.values2 is None:
            raise ValueError("show_second: there is no second matrix (pass `second=`)")
        return bool(proposal["value"])

    @traitlets.validate("noise")
    def _validate_noise(self, proposal: dict[str, Any]) -> list[dict[str, Any] | None]:
        out: list[dict[str, Any] | None] = []
        for k, rec in enumerate(proposal["value"]):
            if rec is None:
                out.append(None)
                continue
            if k == 1 and self.values2 is None:
                raise ValueError("noise[1]: there is no second matrix to mark (pass `second=`)")
            shape = tuple(self.values.shape)
            out.append(noise_record(_Record(rec), shape, name=f"noise[{k}]"))
        return out

    @traitlets.observe("values", "values2")
    def _on_values(self, change: dict[str, Any]) -> None:
        if self.noise:  # marks of other values would lie
            self.noise = []
        self._update_correlation()
        if change["name"] == "values" and self.selected_pair:
            n_rows, n_cols = self.values.shape
            i, j = self.selected_pair
            if i >= n_rows or j >= n_cols:
                self.selected_pair = []
        if self.values2 is None:
            self.show_second = False

    def _update_correlation(self) -> None:
        if self.values2 is None:
            self.rank_correlation = None
        else:
            # imported here: the topology stage (scipy, kmapper) is not loaded with the view
            from tda_widgets.topology.cka import matrix_correlation

            self.rank_correlation = matrix_correlation(self.values, self.values2)

    def set_matrix(self, matrix: Any, second: Any = None) -> None:
        """Show other matrices (names from ``DistanceMatrix`` arguments are kept).

        Examples
        --------
        >>> import numpy as np
        >>> w = LayerDistanceMatrixWidget(np.zeros((2, 2)), layers=["a", "b"])
        >>> w.set_matrix(np.ones((3, 3)) - np.eye(3))
        >>> w.layers
        ['0', '1', '2']
        """
        values, names, metric = _unpack(matrix, "matrix")
        values2 = None if second is None else _unpack(second, "second")[0]
        if values2 is not None:
            _check_second_shape(values, values2)
        n_rows, n_cols = values.shape
        if names is None:
            names = (
                list(self.layers) if len(self.layers) == n_rows else [str(i) for i in range(n_rows)]
            )
        cols = getattr(matrix, "columns", None) or (names if n_rows == n_cols else None)
        if cols is None:
            raise ValueError(
                f"matrix: a {n_rows}x{n_cols} matrix needs a DistanceMatrix with columns"
            )
        with self.hold_trait_notifications():
            self.values2 = None
            self.values = values
            self.layers = names
            self.columns = list(cols)
            self.values2 = values2
            if metric:
                self.metric = metric
        self.selected_pair = []

    def set_noise_floor(self, first: Any, second: Any = None) -> None:
        """Hatch the cells within the noise floor (``None`` clears the marks).

        Parameters
        ----------
        first : FloorAssessment or None
            For the first matrix: ``analysis.noise_floors(metric).assess(matrix)``; its
            ``within_noise``, ``p_values`` and ``floor`` are (L, M) like the matrix, and its
            ``label`` is the legend.
        second : FloorAssessment or None
            The same for the second matrix (e.g. ``1 - CKA``).

        Examples
        --------
        >>> import numpy as np
        >>> from types import SimpleNamespace
        >>> w = LayerDistanceMatrixWidget(np.array([[0.0, 1.0], [1.0, 0.0]]))
        >>> a = SimpleNamespace(within_noise=np.eye(2, dtype=bool), p_values=np.ones((2, 2)),
        ...                     floor=np.full((2, 2), 0.5), label="hatched: within the floor")
        >>> w.set_noise_floor(a)
        >>> w.within_noise.tolist()
        [[True, False], [False, True]]
        >>> w.cell_evidence(0, 1)
        'distance = 1, floor = 0.5, p = 1'
        """
        shape = tuple(self.values.shape)
        records = [
            None if a is None else noise_record(a, shape, name=name)
            for a, name in ((first, "first"), (second, "second"))
        ]
        if records[1] is not None and self.values2 is None:
            raise ValueError("second: there is no second matrix to mark (pass `second=`)")
        while records and records[-1] is None:
            records.pop()
        self.noise = records

    def _shown_noise(self) -> dict[str, Any] | None:
        k = 1 if self.show_second and self.values2 is not None else 0
        return self.noise[k] if k < len(self.noise) else None

    @property
    def within_noise(self) -> NDArray[np.bool_] | None:
        """The hatched cells of the matrix shown now (``None`` without a noise floor).
        Read-only."""
        rec = self._shown_noise()
        return None if rec is None else np.asarray(rec["within_noise"], dtype=bool)

    def cell_evidence(self, i: int, j: int) -> str | None:
        """The distance, floor and p of cell ``(i, j)`` of the matrix shown (three
        significant digits); ``None`` without a noise floor."""
        rec = self._shown_noise()
        if rec is None:
            return None
        shown = self.values2 if self.show_second and self.values2 is not None else self.values
        return (
            f"distance = {_short(shown[i, j])}, floor = {_short(rec['floor'][i, j])}, "
            f"p = {_short(rec['p_values'][i, j])}"
        )

    def selected_layers(self) -> tuple[str, str] | None:
        """Names of the selected cell's row and column, or ``None``."""
        if not self.selected_pair:
            return None
        i, j = self.selected_pair
        return self.layers[i], self.columns[j]

    def selected_value(self) -> float | None:
        """Value of the selected cell in the matrix shown, or ``None``.

        Examples
        --------
        >>> import numpy as np
        >>> w = LayerDistanceMatrixWidget(np.array([[0.0, 2.5], [2.5, 0.0]]), selected_pair=[1, 0])
        >>> w.selected_value()
        2.5
        """
        if not self.selected_pair:
            return None
        shown = self.values2 if self.show_second and self.values2 is not None else self.values
        i, j = self.selected_pair
        return float(shown[i, j])


class _Record:
    """A noise record read back as an object with attributes (for ``noise_record``)."""

    def __init__(self, rec: dict[str, Any]) -> None:
        self.__dict__.update(rec)


def _short(x: float) -> str:
    """Three significant digits, as the view writes numbers."""
    return f"{float(x):.3g}"
