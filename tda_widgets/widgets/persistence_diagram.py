"""PersistenceDiagramWidget: an interactive persistence diagram (front-end: ``js/persistence_diagram/``)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import traitlets

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets._validation import UNSET, as_diagram_list, describe, new_default, renamed
from tda_widgets.widgets._base import TdaWidget
from tda_widgets.widgets._codec import array_list_from_json, array_list_to_json
from tda_widgets.widgets._evidence import confidence_record, significant_mask
from tda_widgets.widgets._selected import SelectedImages

__all__ = ["PersistenceDiagramWidget", "matching_pairs", "subsample_note"]


_NO_PERM = new_default(None)  # from_cloud's n_perm default, told apart from None passed


class PersistenceDiagramWidget(TdaWidget):
    """Persistence diagrams, one colour per homology dimension, with clickable points.

    Three modes: ``"diagram"`` (birth against death), ``"lifetime"`` (birth against
    persistence) and ``"barcode"``. Infinite deaths sit on a dashed line marked ``∞``
    beyond every finite value, so they are shown, never dropped. Click a point (or bar)
    to select it, shift-click to add or remove, drag a box to select many; the
    selection is synced to :attr:`selected_points` as ``[dim, index]`` pairs. The
    legend's buttons show or hide dimensions; ctrl+wheel zooms, alt+drag pans,
    double-click resets; arrow keys step through points, Escape clears.

    A second diagram can be drawn over the first (hollow markers) with the lines of an
    optimal matching between them: see :meth:`overlay`.

    A confidence set per diagram (:meth:`set_confidence`, from
    :func:`~tda_widgets.diagram_confidence`) shades the band of points within
    ``c_alpha`` of the diagonal (L∞), fades the points inside it and says above the plot
    how many features are significant; :attr:`significant` and :attr:`n_significant`
    read the same back.

    Parameters
    ----------
    diagrams : list of array_like of shape (n_k, 2), Diagrams, PointCloud, or ripser's dict
        One diagram per homology dimension ``k``, as in ``ripser(X)["dgms"]``. A
        :class:`~tda_widgets.Diagrams` keeps its generators, so the selection can be
        mapped back to cloud points and images; a :class:`~tda_widgets.PointCloud` (or
        use :meth:`from_cloud`) is turned into diagrams first.
    cloud : PointCloud, optional
        The cloud the diagrams were computed from, for :attr:`selected_images`.
    mode : {"diagram", "lifetime", "barcode"}
    title : str, optional
        Shown above the plot.
    width, height : int, optional
        Size of the plot in CSS pixels.
    **kwargs
        Other traits, e.g. ``selected_points``, ``visible_dims`` or ``names``
        (``labels=`` still works for ``names`` but is deprecated: FutureWarning).

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

    compare_diagrams: traitlets.List[np.ndarray] = traitlets.List().tag(
        sync=True, to_json=array_list_to_json, from_json=array_list_from_json
    )
    """list of float64 ndarray (n_k, 2): optional second diagram drawn over the first. Set by Python."""

    matching: traitlets.List[np.ndarray] = traitlets.List().tag(
        sync=True, to_json=array_list_to_json, from_json=array_list_from_json
    )
    """list of int32 ndarray (m_k, 2): matched [first, second] rows per dimension, -1 = diagonal. Set by Python."""

    names = traitlets.List(traitlets.Unicode(), maxlen=2).tag(sync=True)
    """list of str: names of the first and second diagram (legend, tooltip). Set by Python.
    (Formerly ``labels``, a name that everywhere else means class integers.)"""

    selected_points = traitlets.List(traitlets.List(traitlets.Int(), minlen=2, maxlen=2)).tag(
        sync=True
    )
    """list of [dim, index]: selected points of the first diagram. Set by the view or Python."""

    visible_dims = traitlets.List(traitlets.Int()).tag(sync=True)
    """list of int: homology dimensions drawn. Set by the view (legend) or Python."""

    mode = traitlets.Enum(["diagram", "lifetime", "barcode"], "diagram").tag(sync=True)
    """str: "diagram", "lifetime" or "barcode". Set by the view (toolbar) or Python."""

    title = traitlets.Unicode("").tag(sync=True)
    """str: title above the plot. Set by Python."""

    subsample_note = traitlets.Unicode("").tag(sync=True)
    """str: shown under the title when persistence ran on a subsample of the cloud, e.g.
    ``"1,000 of 50,000 images, r = 3.21"`` (``r``: the covering radius); ``""`` when every
    point was used. Set by Python from the diagrams' ``params`` (see :func:`subsample_note`)."""

    confidence: traitlets.List[Any] = traitlets.List(traitlets.Dict(allow_none=True), maxlen=2).tag(
        sync=True
    )
    """list of (dict or None): the confidence set of the first and second diagram shown, each
    ``{"c_alpha", "alpha", "method", "n_boot", "dim"}`` or None; ``[]`` for none. The view
    shades ``death - birth <= 2 c_alpha`` in H``dim`` and fades the points there. Set by
    Python (:meth:`set_confidence`; :meth:`set_diagrams` clears or replaces it)."""

    width = traitlets.Int(420, min=120).tag(sync=True)
    """int: plot width in CSS pixels. Set by Python."""

    fit_width = traitlets.Bool(False).tag(sync=True)
    """bool: draw at most :attr:`width` wide, and narrower (down to 240 px) when the box
    the view sits in is narrower, the height in proportion. The explorer turns it on.
    Set by Python."""

    height = traitlets.Int(420, min=120).tag(sync=True)
    """int: plot height in CSS pixels. Set by Python."""

    def __init__(
        self,
        diagrams: Any = (),
        *,
        cloud: PointCloud | None = None,
        mode: str = "diagram",
        title: str = "",
        width: int = 420,
        height: int = 420,
        **kwargs: Any,
    ) -> None:
        if isinstance(diagrams, PointCloud):
            cloud, diagrams = diagrams, _persistence(diagrams)
        if isinstance(diagrams, Mapping) and "dgms" in diagrams:  # ripser's result dict
            diagrams = diagrams["dgms"]
        self._source: Diagrams | None = diagrams if isinstance(diagrams, Diagrams) else None
        self._cloud = cloud
        dgms = as_diagram_list(diagrams, name="diagrams")
        if cloud is not None and self._source is None:
            raise ValueError(
                "cloud: the diagrams must be a Diagrams (with generators) to map points back "
                "to the cloud; pass persistence_diagrams(cloud) or use from_cloud(cloud)"
            )
        if "labels" in kwargs:
            kwargs["names"] = _renamed_labels(kwargs.pop("labels"), kwargs.get("names"))
        kwargs.setdefault("visible_dims", list(range(len(dgms))))
        kwargs.setdefault("subsample_note", subsample_note(diagrams, cloud=cloud))
        super().__init__(
            diagrams=dgms, mode=mode, title=title, width=width, height=height, **kwargs
        )

    # --- constructors ---------------------------------------------------------------
    @classmethod
    def from_ripser(cls, result: Mapping[str, Any], **kwargs: Any) -> PersistenceDiagramWidget:
        """From the dict that ``ripser.ripser(X)`` returns.

        Examples
        --------
        >>> import numpy as np, ripser
        >>> w = PersistenceDiagramWidget.from_ripser(ripser.ripser(np.array([[0.0, 0], [1, 0], [0, 1]])))
        >>> len(w.diagrams)
        2
        """
        if not isinstance(result, Mapping) or "dgms" not in result:
            raise ValueError(
                f"result: expected the dict returned by ripser.ripser (with key 'dgms'), "
                f"got {type(result).__name__}"
            )
        return cls(result["dgms"], **kwargs)

    @classmethod
    def from_cloud(
        cls,
        cloud: Any,
        *,
        maxdim: int = 1,
        n_perm: int | None = _NO_PERM,
        n_points: Any = UNSET,
        **kwargs: Any,
    ) -> PersistenceDiagramWidget:
        """Compute the Rips persistence of ``cloud`` and show it, keeping generators.

        ``maxdim`` and ``n_perm`` are :func:`~tda_widgets.persistence_diagrams`'s
        (``n_points`` is the deprecated name of ``n_perm``); other keywords go to the
        widget.

        Examples
        --------
        >>> import numpy as np
        >>> t = np.linspace(0, 2 * np.pi, 30, endpoint=False)
        >>> w = PersistenceDiagramWidget.from_cloud(np.c_[np.cos(t), np.sin(t)])
        >>> w.selected_points = [[1, 0]]
        >>> len(w.selected_cloud_indices()) in (3, 4)
        True
        """
        if not isinstance(cloud, PointCloud):
            cloud = PointCloud.from_array(cloud)
        where = "PersistenceDiagramWidget.from_cloud"
        n_perm = renamed(
            n_points, n_perm, old="n_points", new="n_perm", where=where, default=_NO_PERM
        )
        dgms = _persistence(cloud, maxdim=maxdim, n_perm=n_perm)
        kwargs.setdefault("title", cloud.layer)
        return cls(dgms, cloud=cloud, **kwargs)

    @classmethod
    def overlay(
        cls,
        first: Any,
        second: Any,
        *,
        metric: str = "wasserstein",
        names: tuple[str, str] | None = None,
        labels: tuple[str, str] | None = None,
        **kwargs: Any,
    ) -> PersistenceDiagramWidget:
        """Two diagrams in one plot, joined by the lines of an optimal matching.

        ``first`` is drawn filled and is the one that can be selected; ``second`` is
        drawn hollow. Points matched to the diagonal get a line to their projection on
        it. The matching per dimension comes from :func:`tda_widgets.diagram_matching`.
        ``names`` names the two diagrams in the legend and tooltips (default: their
        layers, else "first" and "second"); ``labels`` is its deprecated old name.

        Examples
        --------
        >>> import numpy as np
        >>> a = [np.array([[0.0, np.inf], [0.0, 0.5]]), np.array([[0.2, 1.0]])]
        >>> b = [np.array([[0.0, np.inf], [0.0, 0.4]]), np.array([[0.3, 0.9], [0.5, 0.55]])]
        >>> w = PersistenceDiagramWidget.overlay(a, b, names=("layer1", "layer2"))
        >>> w.matching[1].tolist()
        [[0, 0], [-1, 1]]
        """
        if labels is not None:
            names = _renamed_labels(labels, names)
        if names is None:
            names = (
                getattr(first, "layer", "") or "first",
                getattr(second, "layer", "") or "second",
            )
        cloud = kwargs.pop("cloud", None)
        widget = cls(first, cloud=cloud, **kwargs)
        widget.set_diagrams(first, compare=second, metric=metric, names=names, cloud=cloud)
        return widget

    def set_diagrams(
        self,
        diagrams: Any,
        *,
        compare: Any = None,
        metric: str = "wasserstein",
        cloud: PointCloud | None = None,
        names: tuple[str, ...] | list[str] | None = None,
        title: str | None = None,
        match_dims: tuple[int, ...] | None = None,
        compare_cloud: PointCloud | None = None,
        labels: tuple[str, ...] | list[str] | None = None,
        confidence: Any = None,
        matching: Any = None,
    ) -> None:
        """Show new diagrams (and optionally a second one with its matching) in place.

        The selection and the confidence sets are cleared; ``confidence`` sets new ones in
        the same update (as :meth:`set_confidence`). ``match_dims`` limits the matching lines to these
        homology dimensions (an optimal H0 matching of large clouds takes seconds). ``diagrams`` given as :class:`~tda_widgets.Diagrams`
        keep their generators; pass ``cloud`` to map selections to images.
        When persistence ran on a subsample, :attr:`subsample_note` says so for each
        diagram (``compare_cloud``, the second diagram's cloud, lets it count images).
        ``names`` sets :attr:`names` (``labels``: its deprecated old name).
        ``matching`` gives the matching already computed (e.g. by
        :meth:`~tda_widgets.Analysis.matching`): per dimension, a
        :class:`~tda_widgets.Matching`, its ``(k, 2)`` pairs or ``None`` (no lines);
        it is checked against the diagrams like any matching.

        Examples
        --------
        >>> import numpy as np
        >>> w = PersistenceDiagramWidget([np.array([[0.0, 1.0]])])
        >>> w.set_diagrams([np.array([[0.0, 2.0]]), np.array([[0.5, 0.7]])],
        ...                compare=[np.array([[0.0, 1.5]])])
        >>> len(w.diagrams), w.matching[0].tolist()
        (2, [[0, 0]])
        """
        if labels is not None:
            names = _renamed_labels(labels, names)
        dgms = as_diagram_list(diagrams, name="diagrams")
        other = [] if compare is None else as_diagram_list(compare, name="compare")
        if not other:
            matching = []
        elif matching is None:
            matching = matching_pairs(dgms, other, metric, match_dims)
        else:
            matching = _given_matching(matching, min(len(dgms), len(other)))
        records = [] if confidence is None else _confidence_records(confidence, dgms, other)
        with self.hold_trait_notifications(), self.hold_sync():
            self.selected_points = []
            self.confidence = []
            self.matching = []  # validated against the diagrams: cleared first
            self.compare_diagrams = other
            self.diagrams = dgms
            self.matching = matching
            self.confidence = records
            if names is not None:
                self.names = list(names)
            if title is not None:
                self.title = title
            given = list(names or ())
            notes = [
                subsample_note(d, cloud=c, label=given[k] if k < len(given) and other else "")
                for k, (d, c) in enumerate(((diagrams, cloud), (compare, compare_cloud)))
                if d is not None
            ]
            self.subsample_note = " · ".join(n for n in notes if n)
        self._source = diagrams if isinstance(diagrams, Diagrams) else None
        self._cloud = cloud

    def set_confidence(self, confidence: Any) -> None:
        """Draw the confidence set of each diagram shown (``None`` clears them).

        Parameters
        ----------
        confidence : DiagramConfidence, sequence of (DiagramConfidence or None), or None
            One for the first diagram, or ``[first, second]`` for an overlay; each from
            :func:`~tda_widgets.diagram_confidence` on the same points (or
            ``Analysis.diagram_confidence`` for a layer), so that its ``diagram`` is the
            one shown, point for point.

        Examples
        --------
        >>> import numpy as np
        >>> from tda_widgets import diagram_confidence, persistence_diagrams
        >>> t = np.linspace(0, 2 * np.pi, 200, endpoint=False)
        >>> pts = np.c_[np.cos(t), np.sin(t)] + np.random.default_rng(0).normal(0, 0.05, (200, 2))
        >>> w = PersistenceDiagramWidget(persistence_diagrams(pts))
        >>> w.set_confidence(diagram_confidence(pts, n_boot=20))
        >>> w.n_significant
        [1]
        >>> w.set_confidence(None)
        >>> w.n_significant
        [None]
        """
        records = (
            []
            if confidence is None
            else _confidence_records(confidence, self.diagrams, self.compare_diagrams)
        )
        self.confidence = records

    @property
    def significant(self) -> list[np.ndarray | None]:
        """Per diagram shown (first, then second): a bool per point of the confidence
        set's dimension, True outside the shaded band (``death - birth > 2 c_alpha``);
        ``None`` for a diagram without a confidence set. Read-only.

        Examples
        --------
        >>> import numpy as np
        >>> w = PersistenceDiagramWidget([np.zeros((0, 2)), np.array([[0.1, 0.2], [0.1, 0.9]])])
        >>> w.confidence = [{"c_alpha": 0.1, "alpha": 0.05, "method": "subsample",
        ...                  "n_boot": 100, "dim": 1}]
        >>> w.significant
        [array([False,  True])]
        """
        groups = [self.diagrams] + ([self.compare_diagrams] if self.compare_diagrams else [])
        out: list[np.ndarray | None] = []
        for k, dgms in enumerate(groups):
            rec = self.confidence[k] if k < len(self.confidence) else None
            out.append(None if rec is None else significant_mask(dgms[rec["dim"]], rec["c_alpha"]))
        return out

    @property
    def n_significant(self) -> list[int | None]:
        """Per diagram shown: how many of its points are significant (``None`` without a
        confidence set). Read-only; the view's header says the same."""
        return [None if m is None else int(m.sum()) for m in self.significant]

    @property
    def labels(self) -> list[str]:
        """Deprecated name of :attr:`names` (FutureWarning).

        Examples
        --------
        >>> import warnings
        >>> w = PersistenceDiagramWidget(names=["a"])
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", FutureWarning)
        ...     w.labels
        ['a']
        """
        _warn_labels()
        return list(self.names)

    @labels.setter
    def labels(self, value: list[str]) -> None:
        _warn_labels()
        self.names = list(value)

    # --- validation -----------------------------------------------------------------
    @traitlets.validate("diagrams")
    def _validate_diagrams(self, proposal: dict[str, Any]) -> list[np.ndarray]:
        return as_diagram_list(proposal["value"], name="diagrams")

    @traitlets.validate("compare_diagrams")
    def _validate_compare(self, proposal: dict[str, Any]) -> list[np.ndarray]:
        return as_diagram_list(proposal["value"], name="compare_diagrams")

    @traitlets.validate("matching")
    def _validate_matching(self, proposal: dict[str, Any]) -> list[np.ndarray]:
        out = []
        for k, pairs in enumerate(proposal["value"]):
            arr = np.asarray(pairs)
            if arr.size == 0:
                arr = arr.reshape(0, 2)
            if arr.ndim != 2 or arr.shape[1] != 2 or not np.issubdtype(arr.dtype, np.integer):
                raise ValueError(
                    f"matching[{k}]: expected an (m, 2) integer array, got shape {arr.shape} "
                    f"and dtype {arr.dtype}"
                )
            n_a = len(self.diagrams[k]) if k < len(self.diagrams) else 0
            n_b = len(self.compare_diagrams[k]) if k < len(self.compare_diagrams) else 0
            for col, n, name in ((0, n_a, "diagrams"), (1, n_b, "compare_diagrams")):
                bad = np.flatnonzero((arr[:, col] < -1) | (arr[:, col] >= n))
                if bad.size:
                    raise ValueError(
                        f"matching[{k}] row {bad[0]}: index {arr[bad[0], col]} is not -1 or a "
                        f"row of {name}[{k}] ({n} rows)"
                    )
            out.append(arr.astype(np.int32))
        return out

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
            if not sizes[dim]:
                raise ValueError(f"selected_points[{n}]: H{dim} has no points, got index {index}")
            if not 0 <= index < sizes[dim]:
                raise ValueError(
                    f"selected_points[{n}]: index must be in 0..{sizes[dim] - 1} for H{dim} "
                    f"({sizes[dim]} points), got {index}"
                )
            if [dim, index] not in out:
                out.append([dim, index])
        return out

    @traitlets.validate("confidence")
    def _validate_confidence(self, proposal: dict[str, Any]) -> list[dict[str, Any] | None]:
        groups = [self.diagrams, self.compare_diagrams]
        out: list[dict[str, Any] | None] = []
        for k, rec in enumerate(proposal["value"]):
            if rec is None:
                out.append(None)
                continue
            missing = [f for f in ("c_alpha", "alpha", "method", "n_boot", "dim") if f not in rec]
            if missing:
                raise ValueError(f"confidence[{k}]: missing {', '.join(missing)}, got {rec}")
            dim, c_alpha = int(rec["dim"]), float(rec["c_alpha"])
            if not 0 <= dim < len(groups[k]):
                raise ValueError(
                    f"confidence[{k}]: dim must be a dimension of the "
                    f"{'first' if k == 0 else 'second'} diagram shown "
                    f"({len(groups[k])} dimensions), got {dim}"
                )
            if not (np.isfinite(c_alpha) and c_alpha >= 0):
                raise ValueError(f"confidence[{k}]: c_alpha must be finite and >= 0, got {c_alpha}")
            out.append({**rec, "dim": dim, "c_alpha": c_alpha})
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

    # --- selection accessors --------------------------------------------------------
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

    def selected_generators(self) -> list[np.ndarray]:
        """Per selected point, the cloud indices of its birth and death edges.

        Each entry is the ``(4,)`` row of :attr:`Diagrams.generators`: two vertices of
        the edge that creates the feature, two of the edge that kills it (``-1`` for
        an infinite bar). Needs diagrams given as :class:`~tda_widgets.Diagrams`.
        """
        if self._source is None or self._source.generators is None:
            raise ValueError(
                "diagrams: generators are unknown for plain arrays; build the widget from "
                "persistence_diagrams(cloud) or with PersistenceDiagramWidget.from_cloud"
            )
        gens = self._source.generators
        return [np.asarray(gens[dim][i]) for dim, i in self.selected_points]

    def selected_cloud_indices(self) -> np.ndarray:
        """Sorted cloud indices of every vertex of the selected features' generators."""
        rows = self.selected_generators()
        if not rows:
            return np.zeros(0, dtype=np.int64)
        idx = np.concatenate(rows)
        return np.unique(idx[idx >= 0]).astype(np.int64)

    @property
    def selected_images(self) -> SelectedImages:
        """Sorted indices of the images whose activations form the selected features.

        A property, as on the explorer; the old call ``selected_images()`` still
        returns them and warns (:class:`FutureWarning`).
        """
        if self._cloud is None:
            raise ValueError(
                "cloud: unknown; pass cloud= (or use from_cloud) to map points to images"
            )
        images = np.unique(self._cloud.image_index[self.selected_cloud_indices()])
        return SelectedImages(images, "PersistenceDiagramWidget")


def subsample_note(diagrams: Any, *, cloud: PointCloud | None = None, label: str = "") -> str:
    """How much of the cloud persistence ran on, for reading: ``"1,000 of 50,000 images, r = 3.21"``.

    Read from the ``params`` that :func:`~tda_widgets.persistence_diagrams` records when it
    subsamples (``indices``, ``n_total``, ``covering_radius``). Points are called images
    when ``cloud`` has one point per image. Counts get thousands separators and ``r`` (the
    covering radius: every point of the cloud lies within ``r`` of the subsample) three
    significant digits.

    Parameters
    ----------
    diagrams : Diagrams or anything else
        Only a :class:`~tda_widgets.Diagrams` carries the record; for anything else the
        note is ``""``.
    cloud : PointCloud, optional
        The cloud the diagrams were computed from (to say "images" rather than "points").
    label : str
        Prefixed as ``"label: "`` when given (to tell two overlaid diagrams apart).

    Returns
    -------
    str
        ``""`` when no subsample was taken.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import Diagrams
    >>> d = Diagrams(dgms=(np.zeros((0, 2)),), params={
    ...     "indices": np.arange(1000), "n_total": 50000, "covering_radius": 3.2149})
    >>> subsample_note(d)
    '1,000 of 50,000 points, r = 3.21'
    >>> subsample_note(d, label="conv1")
    'conv1: 1,000 of 50,000 points, r = 3.21'
    >>> subsample_note(Diagrams(dgms=(np.zeros((0, 2)),)))
    ''
    """
    params = getattr(diagrams, "params", None) if isinstance(diagrams, Diagrams) else None
    if not params or params.get("indices") is None or params.get("n_total") is None:
        return ""
    n_used, n_total = len(params["indices"]), int(params["n_total"])
    one_per_image = (
        cloud is not None
        and cloud.n_points == n_total
        and np.unique(cloud.image_index).size == n_total
    )
    unit = "images" if one_per_image else "points"
    text = f"{n_used:,} of {n_total:,} {unit}"
    radius = params.get("covering_radius")
    if radius is not None and np.isfinite(float(radius)):
        text += f", r = {_readable(float(radius))}"
    return f"{label}: {text}" if label else text


def _readable(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, with thousands separators, no exponent.

    Examples
    --------
    >>> [_readable(v) for v in (3.2149, 0.5, 0.012345, 1234.5, 0.0)]
    ['3.21', '0.5', '0.0123', '1,230', '0']
    """
    if x == 0:
        return "0"
    decimals = digits - 1 - int(np.floor(np.log10(abs(x))))
    value = round(x, decimals)
    if decimals <= 0:
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def _confidence_records(
    confidence: Any, first: list[np.ndarray], second: list[np.ndarray]
) -> list[dict[str, Any] | None]:
    """The ``confidence`` trait value of one DiagramConfidence or a [first, second] list."""
    items = list(confidence) if isinstance(confidence, (list, tuple)) else [confidence]
    n_shown = 2 if second else 1
    if len(items) > n_shown:
        raise ValueError(f"confidence: {len(items)} confidence sets for {n_shown} diagram(s) shown")
    groups = [first, second]
    return [
        None if c is None else confidence_record(c, groups[k], name=f"confidence[{k}]")
        for k, c in enumerate(items)
    ]


def matching_pairs(
    a: list[np.ndarray], b: list[np.ndarray], metric: str, dims: tuple[int, ...] | None = None
) -> list[np.ndarray]:
    """Per dimension, the optimal matching's index pairs (int32, -1 = diagonal); an
    empty array for dimensions outside ``dims``."""
    from tda_widgets.topology import diagram_matching

    return [
        diagram_matching(x, y, metric).pairs.astype(np.int32)
        if dims is None or k in dims
        else np.zeros((0, 2), dtype=np.int32)
        for k, (x, y) in enumerate(zip(a, b, strict=False))
    ]


def _given_matching(matching: Any, n_dims: int) -> list[np.ndarray]:
    """``set_diagrams(matching=...)`` as the trait's per-dimension int32 pair arrays."""
    items = list(matching) if isinstance(matching, (list, tuple)) else None
    if items is None or len(items) != n_dims:
        raise ValueError(
            f"matching: expected one matching per dimension shown ({n_dims}), got "
            f"{describe(matching)}"
        )
    out = []
    for m in items:
        pairs = np.asarray(np.zeros((0, 2)) if m is None else getattr(m, "pairs", m))
        # an empty matching may come flat; any other shape is the validator's to refuse
        out.append((pairs.reshape(0, 2) if pairs.size == 0 else pairs).astype(np.int32))
    return out


def _persistence(cloud: Any, **kwargs: Any) -> Diagrams:
    from tda_widgets.topology import persistence_diagrams

    return persistence_diagrams(cloud, **kwargs)


def _renamed_labels(labels: Any, names: Any) -> Any:
    """``names`` from its deprecated old name ``labels`` (both at once: a TypeError)."""
    if names is not None:
        raise TypeError(
            "PersistenceDiagramWidget: got both names= and its old name labels=; pass only names="
        )
    _warn_labels(stacklevel=4)
    return labels


def _warn_labels(stacklevel: int = 3) -> None:
    """The one warning for the old name of :attr:`PersistenceDiagramWidget.names`."""
    warnings.warn(
        "PersistenceDiagramWidget.labels is deprecated; use .names",
        FutureWarning,
        stacklevel=stacklevel,
    )
