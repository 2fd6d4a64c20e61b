"""The statistics the views draw, turned into synced trait values (and checked).

Two records cross to the browser:

* a **confidence record** per diagram shown by
  :class:`~tda_widgets.PersistenceDiagramWidget` (``confidence`` trait): the radius
  ``c_alpha`` of a :class:`~tda_widgets.stats.DiagramConfidence`, its ``alpha``,
  ``method``, ``n_boot`` and homology ``dim``. The view shades the band
  ``death - birth <= 2 c_alpha`` (the points within ``c_alpha`` of the diagonal in the
  L∞ matching sense) and fades the points inside it; Python reads the same rule back
  (:func:`significant_mask`);
* a **noise record** per matrix shown by
  :class:`~tda_widgets.LayerDistanceMatrixWidget` (``noise`` trait): the ``within_noise``
  mask, the ``p_values`` and the ``floor`` of a
  :class:`~tda_widgets.stats.FloorAssessment`, with its legend ``label``.

The statistics come from :mod:`tda_widgets.stats`; the records are read from their
attributes (duck typing), so the views never import the statistics stage.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets.widgets._codec import array_from_json, array_to_json

__all__ = [
    "confidence_record",
    "noise_from_json",
    "noise_record",
    "noise_to_json",
    "significant_mask",
]

_CONFIDENCE_FIELDS = ("c_alpha", "alpha", "method", "n_boot", "dim")
_NOISE_ARRAYS = ("within_noise", "p_values", "floor")


def significant_mask(diagram: NDArray[np.float64], c_alpha: float) -> NDArray[np.bool_]:
    """Points farther than ``c_alpha`` from the diagonal in L∞: ``death - birth > 2 c_alpha``.

    Infinite bars are always outside the band.

    Examples
    --------
    >>> significant_mask(np.array([[0.0, 0.1], [0.0, 1.0], [0.2, np.inf]]), 0.1)
    array([False,  True,  True])
    """
    d = np.asarray(diagram, dtype=np.float64).reshape(-1, 2)
    return np.asarray((d[:, 1] - d[:, 0]) > 2.0 * float(c_alpha), dtype=bool)


def confidence_record(
    conf: Any, diagrams: list[NDArray[np.float64]], *, name: str
) -> dict[str, Any]:
    """The ``confidence`` trait entry of ``conf`` for the diagrams it is drawn on.

    ``conf`` is a :class:`~tda_widgets.stats.DiagramConfidence` (anything with its
    attributes). It must belong to ``diagrams``: its ``dim`` is one of theirs and its
    ``diagram`` (when it has one) is the same points, in the same order; its
    ``significant`` mask must be the band's rule. Errors name ``name``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> dgms = [np.zeros((0, 2)), np.array([[0.1, 0.2], [0.1, 0.9]])]
    >>> conf = SimpleNamespace(c_alpha=0.1, alpha=0.05, method="subsample", n_boot=100,
    ...                        dim=1, diagram=dgms[1], significant=np.array([False, True]))
    >>> confidence_record(conf, dgms, name="confidence")
    {'c_alpha': 0.1, 'alpha': 0.05, 'method': 'subsample', 'n_boot': 100, 'dim': 1}
    """
    missing = [f for f in (*_CONFIDENCE_FIELDS, "significant") if not hasattr(conf, f)]
    if missing:
        raise TypeError(
            f"{name}: expected a DiagramConfidence (from tda_widgets.diagram_confidence or "
            f"Analysis.diagram_confidence) or None, got {type(conf).__name__} without "
            f"{', '.join(missing)}"
        )
    c_alpha, alpha = float(conf.c_alpha), float(conf.alpha)
    if not (math.isfinite(c_alpha) and c_alpha >= 0):
        raise ValueError(f"{name}: c_alpha must be a finite number >= 0, got {conf.c_alpha!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"{name}: alpha must be in (0, 1), got {conf.alpha!r}")
    dim = int(conf.dim)
    if not 0 <= dim < len(diagrams):
        raise ValueError(
            f"{name}: it is for H{dim}, but the diagrams shown have dimensions "
            f"0..{len(diagrams) - 1}"
        )
    shown = diagrams[dim]
    own = getattr(conf, "diagram", None)
    if own is not None:
        own = np.asarray(own, dtype=np.float64).reshape(-1, 2)
        if own.shape != shown.shape or not np.array_equal(own, shown):
            raise ValueError(
                f"{name}: its H{dim} diagram ({len(own)} points) is not the one shown "
                f"({len(shown)} points); compute it on the same points (for a layer, "
                "Analysis.diagram_confidence uses the diagrams' own subsample)"
            )
    mask = np.asarray(conf.significant, dtype=bool).reshape(-1)
    rule = significant_mask(shown, c_alpha)
    if mask.shape != rule.shape:
        raise ValueError(
            f"{name}: significant has {mask.size} entries, the H{dim} diagram shown "
            f"{rule.size} points"
        )
    if not np.array_equal(mask, rule):
        bad = int(np.flatnonzero(mask != rule)[0])
        raise ValueError(
            f"{name}: significant[{bad}] = {bool(mask[bad])} disagrees with the band "
            f"death - birth > 2 c_alpha (c_alpha = {c_alpha:g}, point {shown[bad].tolist()})"
        )
    return {
        "c_alpha": c_alpha,
        "alpha": alpha,
        "method": str(conf.method),
        "n_boot": int(conf.n_boot),
        "dim": dim,
    }


def noise_record(
    assessment: Any, shape: tuple[int, ...], *, name: str, label: str | None = None
) -> dict[str, Any]:
    """The ``noise`` trait entry of a FloorAssessment for a matrix of ``shape``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> a = SimpleNamespace(within_noise=np.eye(2, dtype=bool), p_values=np.full((2, 2), 0.5),
    ...                     floor=np.ones((2, 2)), label="hatched: within the noise floor")
    >>> rec = noise_record(a, (2, 2), name="assessment")
    >>> rec["within_noise"].dtype, rec["label"]
    (dtype('bool'), 'hatched: within the noise floor')
    """
    missing = [f for f in _NOISE_ARRAYS if not hasattr(assessment, f)]
    if missing:
        raise TypeError(
            f"{name}: expected a FloorAssessment (from NoiseFloors.assess) or None, got "
            f"{type(assessment).__name__} without {', '.join(missing)}"
        )
    out: dict[str, Any] = {}
    for field in _NOISE_ARRAYS:
        arr = np.asarray(getattr(assessment, field))
        if arr.shape != tuple(shape):
            raise ValueError(
                f"{name}: {field} has shape {arr.shape}, the matrix shown {tuple(shape)}"
            )
        if field == "within_noise":
            if arr.dtype != bool:
                raise ValueError(f"{name}: within_noise must be boolean, got dtype {arr.dtype}")
            out[field] = arr.astype(bool)
        else:
            out[field] = arr.astype(np.float64)
    text = getattr(assessment, "label", "") if label is None else label
    out["label"] = str(text or "within the noise floor")
    return out


def noise_to_json(records: Any, widget: Any = None) -> list[dict[str, Any] | None]:
    """Encode the ``noise`` trait: each record's arrays in binary, ``None`` kept."""
    out: list[dict[str, Any] | None] = []
    for rec in records or []:
        if rec is None:
            out.append(None)
            continue
        enc = {k: array_to_json(rec[k]) for k in _NOISE_ARRAYS}
        out.append({**enc, "label": rec["label"]})
    return out


def noise_from_json(values: Any, widget: Any = None) -> list[dict[str, Any] | None]:
    """Decode the ``noise`` trait (the inverse of :func:`noise_to_json`)."""
    out: list[dict[str, Any] | None] = []
    for v in values or []:
        if v is None:
            out.append(None)
            continue
        dec = {k: array_from_json(v[k]) for k in _NOISE_ARRAYS}
        out.append({**dec, "label": str(v.get("label", ""))})
    return out
