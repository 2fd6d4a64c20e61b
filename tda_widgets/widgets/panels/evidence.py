"""The explorer's evidence controls: confidence sets on the diagrams, noise floors on the matrix.

:class:`ExplorerEvidence` holds two toggles shown beside the status line of an
:class:`~tda_widgets.ActivationExplorer`:

* **Confidence sets** (on in :func:`~tda_widgets.explore`): the diagram view shades, for
  each of the two layers shown, the band of points within ``c_alpha`` of the diagonal
  (:meth:`Analysis.diagram_confidence`, the subsampling bound by default) and says how
  many H1 features lie outside it;
* **Noise floors** (one click): the matrix hatches the cells whose distance does not
  exceed the split-half noise floor of their layers (:meth:`Analysis.noise_floors`); the
  ``1 - CKA`` view gets its own marks from CKA's image-shuffle null.

Both are computed through the analysis (cached there) while the view they change shows
the "Computing…" state.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np

from tda_widgets._types import DistanceMatrix
from tda_widgets.widgets._busy import busy
from tda_widgets.widgets.layer_distance_matrix import LayerDistanceMatrixWidget

__all__ = ["ExplorerEvidence", "cka_distance_assessment"]


def cka_distance_assessment(assessment: Any) -> Any:
    """A CKA :class:`~tda_widgets.FloorAssessment` read on the ``1 - CKA`` scale.

    The assessment compares similarities with their image-shuffle null; the matrix view
    shows ``1 - CKA``, so its floor there is ``1 - floor`` (a cell is within the noise when
    its ``1 - CKA`` is not below that). Marks, p-values and the label are unchanged.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> a = SimpleNamespace(within_noise=np.eye(2, dtype=bool), p_values=np.ones((2, 2)),
    ...                     floor=np.full((2, 2), 0.25), label="hatched")
    >>> cka_distance_assessment(a).floor.tolist()
    [[0.75, 0.75], [0.75, 0.75]]
    """
    from dataclasses import replace

    floor = 1.0 - np.asarray(assessment.floor, dtype=np.float64)
    try:
        return replace(assessment, floor=floor)
    except TypeError:  # not a dataclass: a plain record
        return type(assessment)(**{**vars(assessment), "floor": floor})


class ExplorerEvidence:
    """The confidence-set and noise-floor toggles of an explorer, and what they computed.

    Parameters
    ----------
    analysis : Analysis
        Computes (and caches) :meth:`~tda_widgets.Analysis.diagram_confidence` and
        :meth:`~tda_widgets.Analysis.noise_floors`.
    matrix : LayerDistanceMatrixWidget
        The layer matrix whose cells the noise floors mark.
    metric : str
        The matrix's diagram metric (its floors are computed with it, on H1).
    confidence : bool
        Whether the confidence sets start on.
    alpha : float
        Level of both: ``1 - alpha`` confidence sets, floors at their ``1 - alpha`` quantile.
    on_confidence : callable
        Called with no argument when the confidence toggle changes (the explorer
        redraws its diagrams).

    Examples
    --------
    >>> import torch, tempfile
    >>> from tda_widgets import Analysis, ActivationExplorer
    >>> model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3))
    >>> images = torch.rand(40, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> tmp = tempfile.TemporaryDirectory()
    >>> analysis = Analysis(model, images, ["0", "2"], cache_dir=tmp.name, progress=False)
    >>> ex = ActivationExplorer(analysis, mapper_params={"n_intervals": 2}, confidence=True)
    >>> sorted(ex.diagram_confidence)
    ['0', '2']
    >>> ex.evidence.noise_toggle.value = True  # the one click
    >>> ex.noise_floor_assessment.within_noise.shape
    (2, 2)
    >>> tmp.cleanup()
    """

    def __init__(
        self,
        analysis: Any,
        matrix: LayerDistanceMatrixWidget,
        *,
        metric: str,
        confidence: bool,
        alpha: float,
        on_confidence: Any,
    ) -> None:
        self.analysis = analysis
        self.matrix = matrix
        self.metric = metric
        self.alpha = float(alpha)
        self._on_confidence = on_confidence
        self._confidence: dict[str, Any] = {}
        self.shown: dict[str, Any] = {}
        """The confidence sets drawn now, by layer (empty when the toggle is off)."""
        self.assessments: tuple[Any, Any] = (None, None)
        """The noise floors' assessment of the first and the second matrix (None: off)."""
        self.confidence_toggle = widgets.ToggleButton(
            value=bool(confidence),
            description="Confidence sets",
            tooltip=(
                f"Shade, in the diagrams, the {100 * (1 - self.alpha):g} % confidence band "
                "around the diagonal: features inside it are not distinguishable from noise"
            ),
            layout=widgets.Layout(width="auto"),
        )
        self.noise_toggle = widgets.ToggleButton(
            value=False,
            description="Noise floors",
            tooltip=(
                "Hatch the cells whose distance does not exceed the split-half noise floor "
                "of their layers (20 random splits per layer; computed on first use)"
            ),
            layout=widgets.Layout(width="auto"),
        )
        self.bar = widgets.HBox(
            [self.confidence_toggle, self.noise_toggle],
            layout=widgets.Layout(flex_flow="row wrap", grid_gap="6px"),
        )
        # the matrix in a box: the box carries the busy state while the floors compute
        self.matrix_slot = widgets.Box([matrix])
        for toggle in (self.confidence_toggle, self.noise_toggle):
            _mark_state(toggle)
            toggle.observe(lambda change: _mark_state(change["owner"]), names="value")
        self.confidence_toggle.observe(lambda _: self._on_confidence(), names="value")
        self.noise_toggle.observe(self._on_noise, names="value")

    # -- confidence sets ---------------------------------------------------------------
    def confidence_sets(self, layers: list[str]) -> list[Any] | None:
        """The confidence sets of ``layers`` (computed on first use), or ``None`` when the
        toggle is off; :attr:`shown` follows."""
        if not self.confidence_toggle.value:
            self.shown = {}
            return None
        sets = [self.confidence_of(layer) for layer in layers]
        self.shown = dict(zip(layers, sets, strict=True))
        return sets

    def confidence_of(self, layer: str) -> Any:
        """The confidence set of ``layer``'s H1 diagram at :attr:`alpha`, whether the
        toggle is on or not (:meth:`Analysis.diagram_confidence`, cached there; kept here
        after first use). The one every view of the explorer draws for ``layer``."""
        if layer not in self._confidence:
            self._confidence[layer] = self.analysis.diagram_confidence(
                layer, dim=1, alpha=self.alpha
            )
        return self._confidence[layer]

    # -- noise floors ------------------------------------------------------------------
    def _on_noise(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            self.assessments = (None, None)
            self.matrix.set_noise_floor(None)
            return
        with busy(self.matrix_slot):
            self.assessments = self._assess()
            self.matrix.set_noise_floor(*self.assessments)

    def _assess(self) -> tuple[Any, Any]:
        a = self.analysis
        first = a.noise_floors(self.metric, dim=1).assess(
            a.distance_matrix(metric=self.metric, dim=1), alpha=self.alpha
        )
        second = None
        if self.matrix.values2 is not None:
            cka: DistanceMatrix = a.cka_matrix()
            second = cka_distance_assessment(a.noise_floors("cka").assess(cka, alpha=self.alpha))
        return first, second

    @property
    def assessment(self) -> Any:
        """The noise floors' assessment of the matrix shown now (``None`` when off)."""
        return self.assessments[1 if self.matrix.show_second else 0]


def _mark_state(toggle: widgets.ToggleButton) -> None:
    """A tick on a toggle that is on: its pressed look alone is faint in dark themes."""
    toggle.icon = "check" if toggle.value else ""
