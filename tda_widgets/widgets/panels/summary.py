"""Per-layer summaries as bqplot figures: H1 counts, total persistence, Betti curves, purity."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import bqplot as bq
import ipywidgets as widgets
import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import Diagrams
from tda_widgets.widgets._busy import busy

__all__ = ["LayerSummaryPanel", "betti_curve", "layer_statistics", "nice_ticks"]


def betti_curve(diagram: NDArray[np.float64], radii: NDArray[np.float64]) -> NDArray[np.int64]:
    """Number of bars of ``diagram`` alive at each radius (``birth <= r < death``).

    Examples
    --------
    >>> import numpy as np
    >>> betti_curve(np.array([[0.0, 1.0], [0.5, np.inf]]), np.array([0.25, 0.75, 2.0]))
    array([1, 2, 1])
    """
    d = np.asarray(diagram, dtype=np.float64).reshape(-1, 2)
    r = np.asarray(radii, dtype=np.float64)[:, None]
    return ((d[:, 0] <= r) & (r < d[:, 1])).sum(axis=1).astype(np.int64)


def nice_ticks(top: float, count: int = 5) -> NDArray[np.float64]:
    """About ``count`` round tick values from 0 to at least ``top`` (steps 1, 2, 5 x 10^k).

    Examples
    --------
    >>> nice_ticks(28).tolist()
    [0.0, 10.0, 20.0, 30.0]
    >>> nice_ticks(350).tolist()
    [0.0, 100.0, 200.0, 300.0, 400.0]
    >>> nice_ticks(0.93).tolist()
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(0).tolist()
    [0.0, 1.0]
    """
    if not np.isfinite(top) or top <= 0:
        return np.array([0.0, 1.0])
    raw = top / max(1, count)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    n = int(np.ceil(top / step - 1e-9))
    return np.asarray(np.round(np.arange(n + 1) * step, 12), dtype=np.float64)


def y_ticks(values: Any, statistic: str = "bars") -> tuple[NDArray[np.float64], str]:
    """The per-layer chart's y tick values and their d3 format for ``statistic``.

    Purity (a fraction) always reads 0.0 to 1.0 in tenths; other statistics get
    :func:`nice_ticks` up to their maximum, with as many decimals as the step needs
    and no exponent below 100,000 (SI prefixes above, e.g. ``200k``). The d3 formats
    used (``.1f``, ``,.0f``) print as Python's ``format`` does, so the labels can be
    checked here.

    Examples
    --------
    >>> t, f = y_ticks([0.31, 0.93], "purity")
    >>> [format(v, f) for v in t][:3], f
    (['0.0', '0.1', '0.2'], '.1f')
    >>> t, f = y_ticks([120.0, 410.5], "total_persistence")
    >>> [format(v, f) for v in t]
    ['0', '100', '200', '300', '400', '500']
    """
    if statistic == "purity":
        return np.round(np.arange(11) / 10, 12), ".1f"
    finite = np.asarray(values, dtype=np.float64).ravel()
    finite = finite[np.isfinite(finite)]
    ticks = nice_ticks(float(finite.max()) if finite.size else 1.0)
    if finite.size and finite.max() >= 1e5:
        return ticks, "~s"
    step = float(ticks[1] - ticks[0])
    # as many decimals as the step needs: 0.2 steps read "0.2", not "0"
    decimals = max(0, int(-np.floor(np.log10(step) + 1e-9)))
    return ticks, f",.{decimals}f"


def layer_statistics(diagrams: Mapping[str, Diagrams], dim: int = 1) -> dict[str, NDArray[Any]]:
    """Number of bars and total finite persistence of dimension ``dim``, per layer.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import Diagrams
    >>> d = Diagrams(dgms=(np.zeros((0, 2)), np.array([[0.1, 0.4], [0.2, np.inf]])))
    >>> s = layer_statistics({"a": d})
    >>> s["bars"].tolist(), np.round(s["total_persistence"], 3).tolist()
    ([2], [0.3])
    """
    bars, total = [], []
    for dg in diagrams.values():
        d = dg[dim] if dim < len(dg) else np.zeros((0, 2))
        finite = np.isfinite(d[:, 1])
        bars.append(len(d))
        total.append(float((d[finite, 1] - d[finite, 0]).sum()))
    return {"bars": np.array(bars, dtype=np.int64), "total_persistence": np.array(total)}


class LayerSummaryPanel(widgets.VBox):
    """Per-layer statistics with the selected layers highlighted; click a layer to pick it.

    Parameters
    ----------
    diagrams : mapping of layer name to Diagrams
    purity : callable, optional
        ``purity(layer) -> float`` (mean Mapper node purity); adds that statistic.
    purity_test : callable, optional
        ``purity_test(layer) -> TestResult`` (a permutation test of the mean purity, e.g.
        :func:`~tda_widgets.stats.purity_permutation_test`, or ``None`` for a layer
        without one); adds the purity statistic drawn as observed values over the
        central 95 % band of each layer's null, with a line saying what the band is.
    on_pick : callable, optional
        Called with the layer index when the user clicks a layer.
    """

    CURVE_COLORS: ClassVar[tuple[str, ...]] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
    BAND_COLOR: ClassVar[str] = "#8c8c8c"  # grey reads on JupyterLab's light and dark themes

    STATS: ClassVar[dict[str, str]] = {
        "bars": "H1 bars",
        "total_persistence": "Total H1 persistence",
        "purity": "Mapper purity",
    }

    def __init__(
        self,
        diagrams: Mapping[str, Diagrams],
        *,
        purity: Callable[[str], float] | None = None,
        purity_test: Callable[[str], Any] | None = None,
        on_pick: Callable[[int], None] | None = None,
    ) -> None:
        self.layers = list(diagrams)
        self.diagrams = dict(diagrams)
        self._purity = purity
        self._purity_test = purity_test
        self._purity_values: NDArray[np.float64] | None = None
        self._purity_tests: list[Any] | None = None
        self.stats = layer_statistics(self.diagrams)
        self._on_pick = on_pick
        self._highlighting = False
        has_purity = purity is not None or purity_test is not None
        options = [(v, k) for k, v in self.STATS.items() if k != "purity" or has_purity]
        self.statistic = widgets.Dropdown(options=options, value="bars", description="Per layer")
        x = bq.OrdinalScale()
        y = bq.LinearScale(min=0)
        self.line = bq.Lines(
            x=self.layers, y=self.stats["bars"], scales={"x": x, "y": y}, colors=["#999"]
        )
        self.points = bq.Scatter(
            x=self.layers,
            y=self.stats["bars"],
            scales={"x": x, "y": y},
            default_size=64,
            colors=["#0072B2"],
            interactions={"click": "select"},
            selected_style={"fill": "#E69F00", "stroke": "black", "opacity": 1.0},
            # opaque: at 0.6 the blue points all but vanished on JupyterLab's dark background
            unselected_style={"opacity": 1.0},
            tooltip=bq.Tooltip(fields=["x", "y"], labels=["layer", "value"]),
        )
        # the purity statistic's null band: the central 95 % of each layer's permutations
        self.band = bq.Lines(
            x=self.layers,
            y=np.zeros((2, len(self.layers))),
            scales={"x": x, "y": y},
            fill="between",
            fill_colors=[self.BAND_COLOR],
            fill_opacities=[0.3],
            colors=[self.BAND_COLOR],
            opacities=[0.6, 0.6],
            stroke_width=1,
            visible=False,
        )
        self.band_note = widgets.HTML(layout=widgets.Layout(display="none"))
        self.band_note.add_class("tdaw-band-note")
        self.y_scale = y
        self.y_axis = bq.Axis(scale=y, orientation="vertical", label="H1 bars", grid_lines="dashed")
        self._set_y_ticks(self.stats["bars"])
        # the title clear of the widest tick label ("0.0", "400", "10,000")
        self.y_axis.label_offset = "48px"
        # steep ticks, room below for the longest name and right of the last one
        longest = max((len(n) for n in self.layers), default=4)
        # names at -60 degrees that end at their tick (bqplot centres tick text, so a
        # rotated name reached up into the plot and ran into its neighbours when narrow)
        self.tick_rotate = -60
        x_axis = bq.Axis(
            scale=x,
            tick_rotate=self.tick_rotate,
            tick_style={"font-size": "10px", "text-anchor": "end"},
        )
        self.figure = bq.Figure(
            marks=[self.band, self.line, self.points],
            axes=[x_axis, self.y_axis],
            fig_margin={
                "top": 10,
                "bottom": int(min(160, 20 + 5.2 * longest)),
                "left": 66,
                "right": 30,
            },
            layout=widgets.Layout(
                flex="2 1 420px", min_width="300px", max_width="100%", height="300px", margin="0"
            ),
            title="",
        )
        # Betti-1 curves of the selected layers
        self.radii = self._radius_grid()
        bx, by = bq.LinearScale(), bq.LinearScale(min=0)
        self.curves = bq.Lines(
            x=self.radii,
            y=np.zeros((1, len(self.radii))),
            scales={"x": bx, "y": by},
            labels=[""],
            display_legend=False,  # a legend inside the plot covers the curves: see legend
            colors=list(self.CURVE_COLORS),
        )
        self.legend = widgets.HTML()
        self.legend.add_class("tdaw-betti-legend")
        self.betti = bq.Figure(
            marks=[self.curves],
            axes=[
                bq.Axis(scale=bx, label="radius"),
                bq.Axis(scale=by, orientation="vertical", label="Betti-1", grid_lines="dashed"),
            ],
            fig_margin={"top": 10, "bottom": 40, "left": 50, "right": 16},
            # no ipywidgets margin: 100% plus a 2 px margin stuck out of the explorer
            layout=widgets.Layout(width="100%", height="260px", margin="0"),
        )
        # bqplot's dark theme paints axis titles orange (the second Betti curve's colour):
        # js/shared/base.css gives .tdaw-chart's titles the theme's text colour
        self.figure.add_class("tdaw-chart")
        self.betti.add_class("tdaw-chart")
        self.statistic.observe(self._on_statistic, names="value")
        self.points.observe(self._on_click, names="selected")
        betti_box = widgets.VBox(
            [self.legend, self.betti], layout=widgets.Layout(flex="1 1 320px", min_width="280px")
        )
        super().__init__(
            [
                self.statistic,
                self.band_note,
                widgets.Box(
                    [self.figure, betti_box],
                    layout=widgets.Layout(display="flex", flex_flow="row wrap", width="100%"),
                ),
            ],
            layout=widgets.Layout(width="100%"),
        )
        self.add_class("tdaw-layer-summary")
        self.highlight([0])

    def _radius_grid(self, names: Sequence[str] | None = None) -> NDArray[np.float64]:
        """Radii from 0 to the largest finite H1 death of ``names`` (default: all layers)."""
        hi = 0.0
        for dg in (self.diagrams[n] for n in (names or self.layers)):
            d = dg[1] if len(dg) > 1 else np.zeros((0, 2))
            finite = d[np.isfinite(d[:, 1])]
            if finite.size:
                hi = max(hi, float(finite[:, 1].max()))
        return np.linspace(0.0, hi or 1.0, 120)

    def values(self, statistic: str) -> NDArray[np.float64]:
        """The plotted values of ``statistic`` ("bars", "total_persistence", "purity")."""
        if statistic == "purity":
            if self._purity_values is None:
                if self._purity_test is not None:
                    stats = [np.nan if t is None else t.statistic for t in self.purity_tests()]
                elif self._purity is not None:
                    stats = [self._purity(name) for name in self.layers]
                else:
                    raise ValueError("statistic: 'purity' needs a purity function")
                self._purity_values = np.array(stats, dtype=np.float64)
            return self._purity_values
        return np.asarray(self.stats[statistic], dtype=np.float64)

    def purity_tests(self) -> list[Any]:
        """Each layer's purity permutation test (``None`` where a layer has none), in
        the order of :attr:`layers`; computed on first use, then kept until
        :meth:`refresh_purity`."""
        if self._purity_test is None:
            raise ValueError("purity_tests: the panel was made without `purity_test=`")
        if self._purity_tests is None:
            self._purity_tests = [self._purity_test(name) for name in self.layers]
        return self._purity_tests

    def null_band(self, level: float = 0.95) -> NDArray[np.float64]:
        """``(2, n_layers)``: the central ``level`` band of each layer's purity null
        (``nan`` where a layer has no test), as the purity chart shades it."""
        out = np.full((2, len(self.layers)), np.nan)
        for k, t in enumerate(self.purity_tests()):
            if t is not None:
                out[:, k] = t.null_band(level)
        return out

    def refresh_purity(self) -> None:
        """Forget the purity values and tests (e.g. after new Mapper parameters); when the
        purity statistic is shown, recompute and redraw it now."""
        self._purity_values = None
        self._purity_tests = None
        if self.statistic.value == "purity":
            self._show("purity")

    def _on_statistic(self, change: dict[str, Any]) -> None:
        self._show(change["new"])

    def _show(self, statistic: str) -> None:
        band = None
        with busy(self.figure):  # purity builds every layer's Mapper graph: seconds
            vals = self.values(statistic)
            if statistic == "purity" and self._purity_test is not None:
                band = self.null_band()
        with self.band.hold_sync():
            if band is not None:
                self.band.y = band
            self.band.visible = band is not None
        self.line.y = vals
        self.points.y = vals
        self._set_y_ticks(vals if band is None else np.concatenate([vals, band.ravel()]), statistic)
        self.y_axis.label = self.STATS[statistic]
        self._show_band_note(statistic, band)

    def _show_band_note(self, statistic: str, band: NDArray[np.float64] | None) -> None:
        """The line above the chart that says what the shaded band is."""
        if band is None:
            self.band_note.value = ""
            self.band_note.layout.display = "none"
            return
        tests = [t for t in self.purity_tests() if t is not None]
        counts = sorted({t.n_permutations for t in tests})
        b = ", ".join(f"{n:,}" for n in counts) or "no"
        swatch = (
            f'<span style="display:inline-block;width:18px;height:10px;vertical-align:middle;'
            f'background:{self.BAND_COLOR};opacity:0.5"></span>'
        )
        dot = (
            '<span style="display:inline-block;width:8px;height:8px;border-radius:50%;'
            'vertical-align:middle;background:#0072B2"></span>'
        )
        self.band_note.value = (
            '<div style="font-size:12px;line-height:1.6;margin-left:4px">'
            f"{dot} observed mean node purity · {swatch} chance band: 2.5&ndash;97.5 % "
            f"quantiles of the purity over B = {b} permutations of the labels over the "
            "images (each layer's graph fixed)</div>"
        )
        self.band_note.layout.display = ""

    def _set_y_ticks(self, values: NDArray[Any], statistic: str = "bars") -> None:
        # a few round ticks: long layer names leave the plot short, and bqplot's own
        # ticks (every 2 of 28 bars) then overprinted each other; the format is set with
        # the ticks each time, so no statistic keeps another's
        ticks, fmt = y_ticks(values, statistic)
        # the format first, in a message of its own: sent together with the values, the
        # page sometimes drew purity's 0.1 steps with the counts' format ("0, 0, ..., 1")
        self.y_axis.tick_format = fmt
        self.y_scale.max = float(ticks[-1])
        self.y_axis.tick_values = ticks

    def _on_click(self, change: dict[str, Any]) -> None:
        sel = change["new"]
        if self._highlighting or sel is None or len(sel) == 0 or self._on_pick is None:
            return
        self._on_pick(int(sel[-1]))

    def highlight(self, layer_indices: Sequence[int]) -> None:
        """Mark the given layers and draw their Betti-1 curves."""
        idx = list(dict.fromkeys(int(i) for i in layer_indices))
        self._highlighting = True
        try:
            self.points.selected = idx
        finally:
            self._highlighting = False
        names = [self.layers[i] for i in idx]
        self.radii = self._radius_grid(names)
        with self.curves.hold_sync():
            self.curves.x = self.radii
            self.curves.y = np.array([betti_curve(self.diagrams[n][1], self.radii) for n in names])
            self.curves.labels = names
        swatches = "".join(
            f'<span style="margin-right:14px;white-space:nowrap">'
            f'<span style="display:inline-block;width:18px;height:3px;vertical-align:middle;'
            f'background:{self.CURVE_COLORS[k % len(self.CURVE_COLORS)]}"></span> '
            f"{html.escape(n)}</span>"
            for k, n in enumerate(names)
        )
        self.legend.value = (
            f'<div style="font-size:12px;line-height:1.6">Betti-1 curves: {swatches}</div>'
        )
