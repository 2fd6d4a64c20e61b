"""LayerSummaryPanel's per-layer chart: a few round y ticks that follow the statistic."""

import numpy as np

from tda_widgets import Diagrams
from tda_widgets.widgets.panels.summary import LayerSummaryPanel, nice_ticks, y_ticks


def _diagrams(n_bars: int, length: float) -> Diagrams:
    h1 = np.column_stack([np.zeros(n_bars), np.full(n_bars, length)])
    return Diagrams(dgms=(np.array([[0.0, np.inf]]), h1))


def test_per_layer_ticks_are_few_round_and_cover_the_values():
    # 28 bars: bqplot's own ticks went every 2 (15 labels) and overprinted on a short plot
    panel = LayerSummaryPanel({"a": _diagrams(28, 0.5), "b": _diagrams(24, 0.25)})
    assert panel.y_axis.tick_values.tolist() == [0.0, 10.0, 20.0, 30.0]
    assert panel.y_scale.max == 30.0
    # another statistic: total persistence 14 and 6 -> ticks to 15 in steps of 5
    panel.statistic.value = "total_persistence"
    assert panel.y_axis.tick_values.tolist() == [0.0, 5.0, 10.0, 15.0]
    assert panel.y_scale.max == 15.0
    assert panel.y_axis.tick_format == ",.0f"


def test_fractional_ticks_keep_their_decimals() -> None:
    # purity in [0, 1]: ticks every 0.2 were drawn "0, 0, 0, 1, 1, 1"
    panel = LayerSummaryPanel(
        {"a": _diagrams(1, 0.5), "b": _diagrams(2, 0.25)}, purity=lambda name: 0.93
    )
    panel.statistic.value = "purity"
    # purity reads 0.0 to 1.0 in tenths, whatever the values
    assert panel.y_axis.tick_values.tolist() == [k / 10 for k in range(11)]
    assert panel.y_axis.tick_format == ".1f"
    assert not panel.band.visible  # a purity function without tests: no null band


def test_nice_ticks_steps_and_edges():
    for top in (0.003, 0.93, 7, 28, 99.5, 350, 12345):
        ticks = nice_ticks(top)
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** np.floor(np.log10(step))
        assert np.isclose(mantissa, [1, 2, 5]).any(), (top, ticks)
        assert ticks[0] == 0 and ticks[-1] >= top > ticks[-2], (top, ticks)
        assert 2 <= len(ticks) <= 7, (top, ticks)
    assert nice_ticks(float("nan")).tolist() == [0.0, 1.0]
    assert nice_ticks(-3).tolist() == [0.0, 1.0]


def _labels(panel: LayerSummaryPanel) -> list[str]:
    # the d3 formats used print as Python's format does
    return [format(v, panel.y_axis.tick_format) for v in panel.y_axis.tick_values]


def test_tick_labels_are_distinct_and_the_format_follows_the_statistic() -> None:
    # issue 27.4: totals of 100-400 read "1e+2 ... 4e+2"; after that view "H1 bars" kept it
    panel = LayerSummaryPanel(
        {"a": _diagrams(150, 2.5), "b": _diagrams(60, 0.1)}, purity=lambda name: 0.4
    )
    seen = {}
    for stat in ("total_persistence", "purity", "bars", "total_persistence", "bars"):
        panel.statistic.value = stat
        labels = _labels(panel)
        assert len(set(labels)) == len(labels), (stat, labels)
        assert not any("e" in x for x in labels), (stat, labels)
        seen.setdefault(stat, labels)
        assert labels == seen[stat], (stat, labels)  # the same labels on every visit
    assert seen["purity"][0] == "0.0" and seen["purity"][-1] == "1.0"
    assert seen["bars"][-1] == "150" and seen["total_persistence"][-1] == "400"
    assert panel.y_axis.label_offset  # the title is set clear of the tick labels


def test_counts_have_no_exponent_below_1e5() -> None:
    for top in (7, 350, 4_200, 99_000):
        ticks, fmt = y_ticks([top], "bars")
        labels = [format(v, fmt) for v in ticks]
        assert all("e" not in x and "." not in x for x in labels), (top, labels)
        assert float(labels[-1].replace(",", "")) >= top
    ticks, fmt = y_ticks([0.034], "total_persistence")
    assert [format(v, fmt) for v in ticks][1] == "0.01"


def test_layer_names_end_at_their_tick() -> None:
    # issue 27.1: centred, rotated names reached into the plot and ran into each other
    panel = LayerSummaryPanel({f"layer{k}.0.conv1": _diagrams(3, 0.5) for k in range(17)})
    x_axis = panel.figure.axes[0]
    assert x_axis.tick_rotate == -60 and x_axis.tick_style["text-anchor"] == "end"
