"""LayerSummaryPanel's per-layer chart: a few round y ticks that follow the statistic."""

import numpy as np

from tda_widgets import Diagrams
from tda_widgets.widgets.panels.summary import LayerSummaryPanel, nice_ticks


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
