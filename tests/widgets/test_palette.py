"""One class/category palette: the Python panels use the JS views' Okabe-Ito colours."""

import re
from pathlib import Path

from tda_widgets.widgets.panels.summary import LayerSummaryPanel

THEME = Path(__file__).resolve().parents[2] / "js" / "shared" / "theme.ts"


def js_palette() -> list[str]:
    """The hex colours of ``CATEGORICAL`` in js/shared/theme.ts, in order."""
    m = re.search(
        r"export const CATEGORICAL = \[(.*?)\];", THEME.read_text(encoding="utf-8"), re.DOTALL
    )
    assert m, f"{THEME}: no `export const CATEGORICAL = [...]`"
    colors = re.findall(r'"(#[0-9A-Fa-f]{6})"', m.group(1))
    assert len(colors) == 8, f"{THEME}: expected the 8 Okabe-Ito colours, parsed {colors}"
    return [c.upper() for c in colors]


def test_js_palette_is_okabe_ito():
    okabe_ito = {
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
        "#000000",
    }
    assert set(js_palette()) == okabe_ito


def test_summary_curves_use_the_js_palette_in_order():
    curves = [c.upper() for c in LayerSummaryPanel.CURVE_COLORS]
    assert curves == js_palette()[: len(curves)]
