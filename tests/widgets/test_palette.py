"""One class/category palette: Okabe-Ito's seven colours then three of Tol's (ten classes,
ten colours); the Python panels use the JS views' colours."""

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
    assert len(colors) >= 2, f"{THEME}: parsed {colors} from CATEGORICAL"
    return [c.upper() for c in colors]


def test_js_palette_is_okabe_ito_then_tol_with_ten_distinct_colours():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    tol_muted = {"#882255", "#999933", "#332288", "#CC6677", "#DDCC77", "#117733", "#88CCEE"}
    palette = js_palette()
    assert set(palette[:7]) == okabe_ito
    assert set(palette[7:]) <= tol_muted
    # ten classes (MNIST, CIFAR-10) never share a colour; black is out (dark theme)
    assert len(palette) == len(set(palette)) == 10
    assert "#000000" not in palette


def test_summary_curves_use_the_js_palette_in_order():
    curves = [c.upper() for c in LayerSummaryPanel.CURVE_COLORS]
    assert curves == js_palette()[: len(curves)]
