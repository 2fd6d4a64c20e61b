"""Mapper purity against label permutation, in the browser: the p the Mapper view's
legend shows is the kernel's, a new Mapper layer picked in the page gives the kernel a
new test, and the per-layer purity chart shades each layer's null band. Screenshots,
light and dark, narrow and wide, go to tests/ui/artifacts/evidence-mapper-*.png."""

import re

import pytest
from playwright.sync_api import expect
from ui_geometry import DRAWN

EX = ".tdaw-explorer"
LEGEND = f"{EX} [data-testid='mg-purity']"
LINE = re.compile(
    r"^purity (\d\.\d{3}) · chance (\d\.\d{3}) \[(\d\.\d{3})\u2013(\d\.\d{3})\] · "
    r"p = (\d\.\d+) ± (\d\.\d+) \(B = (\d+)\)$"
)


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The explorer notebook (MNIST, 300 images), opened and run once for the module."""
    module_lab.page.set_viewport_size({"width": 1400, "height": 2200})
    module_lab.open("ui/explorer.ipynb")
    module_lab.run_all(timeout=480_000)
    return module_lab


@pytest.fixture
def explorer(notebook):
    lab = notebook
    lab.reset(EX, timeout=480_000)
    lab.page.locator(LEGEND).wait_for(state="visible", timeout=120_000)
    return lab


def _shown(lab):
    """The legend's numbers, parsed from its text: a dict of floats (and B)."""
    text = lab.page.locator(f"{LEGEND} [data-testid='mg-purity-text']").inner_text()
    m = LINE.match(text)
    assert m, f"legend line not in the expected form: {text!r}"
    obs, chance, lo, hi, p, se, b = m.groups()
    return {
        "statistic": float(obs),
        "chance": float(chance),
        "low": float(lo),
        "high": float(hi),
        "p": float(p),
        "p_decimals": len(p.split(".")[1]),
        "se": float(se),
        "B": int(b),
    }


def _kernel(lab):
    return lab.value(
        "(lambda t: {'statistic': t.statistic, 'p': t.p_value, 'se': t.mc_se, 'B': "
        "t.n_permutations, 'chance': float(t.null.mean()), 'band': list(t.null_band(0.95))})"
        "(ex.purity_test)"
    )


def _assert_legend_is_kernel(lab):
    k = _kernel(lab)
    s = _shown(lab)
    tol = 0.5 * 10 ** -s["p_decimals"] + 1e-12
    assert s["p"] == pytest.approx(k["p"], abs=tol), (s, k)
    assert s["se"] == pytest.approx(k["se"], abs=tol), (s, k)
    assert s["B"] == k["B"] == 999
    assert s["statistic"] == pytest.approx(k["statistic"], abs=5e-4 + 1e-12)
    assert s["chance"] == pytest.approx(k["chance"], abs=5e-4 + 1e-12)
    assert (s["low"], s["high"]) == pytest.approx(k["band"], abs=5e-4 + 1e-12)
    # the exact value rides on the element, for tools and tests
    exact = lab.page.locator(LEGEND).get_attribute("data-p-value")
    assert float(exact) == k["p"]
    return k


def test_legend_p_is_the_kernels_and_a_new_layer_gives_a_new_test(explorer):
    lab = explorer
    page = lab.page
    k = _assert_legend_is_kernel(lab)
    assert 0 < k["p"] <= 1
    # the kernel's test is the test of the graph shown, with the cloud's labels
    assert lab.value(
        "(lambda j: (lambda d: d.p_value == ex.purity_test.p_value and "
        "d.statistic == ex.purity_test.statistic)(__import__('tda_widgets').stats"
        ".purity_permutation_test(ex.mapper.graph, ex.clouds[j].labels)))(ex.pair[1])"
    )

    picker = page.locator(EX).get_by_label("Mapper of")
    picker.select_option(label=lab.value("layers[5]"))
    lab.eventually("ex.mapper.title", lab.value("'Mapper of ' + layers[5]"))
    lab.eventually("ex.pair[1]", 5)
    # the kernel's test now belongs to layer 5's graph ...
    lab.wait_kernel(
        "ex.purity_test is not None and ex.purity_test.statistic == "
        "__import__('tda_widgets').graph_measures(ex.mapper.graph)['mean_purity']",
        lambda: f"purity test not of layer 5: {lab.value('ex.purity_test.statistic')}",
    )
    assert lab.value(
        "__import__('tda_widgets').stats.purity_permutation_test(ex.mapper.graph, "
        "ex.clouds[5].labels).p_value == ex.purity_test.p_value"
    )
    # ... and the legend in the page shows it
    expect(page.locator(LEGEND)).to_have_attribute(
        "data-p-value", repr(lab.value("ex.purity_test.p_value"))
    )
    expect(page.locator(LEGEND)).to_have_attribute(
        "data-statistic", repr(lab.value("ex.purity_test.statistic"))
    )
    _assert_legend_is_kernel(lab)


def _mapper_drawn(lab):
    lab.eventually("ex.mapper.positions is not None", True)
    canvas = lab.settled(lab.page.locator(f"{EX} [data-testid='mg-canvas']"))
    expect(canvas).to_have_attribute("data-transform", DRAWN)


_BAND_DRAWN_JS = """
(sel) => {
  // the purity chart is up to date: not busy, and its band (a filled area) has a shape
  const fig = document.querySelector(sel + ' .tdaw-layer-summary .bqplot');
  if (!fig || fig.classList.contains('tdaw-busy')) return false;
  const areas = [...fig.querySelectorAll('path.area')].filter((p) => (p.getAttribute('d') || '').length > 20);
  const bg = fig.querySelector('.plotarea_background').getBoundingClientRect();
  const svg = fig.querySelector('svg').getBoundingClientRect();
  return areas.length > 0 && bg.width > 0 && bg.right <= svg.right + 1 && bg.right >= svg.right - 40;
}
"""


def _show_purity_chart(lab):
    page = lab.page
    page.locator(EX).get_by_label("Per layer").select_option(label="Mapper purity")
    lab.eventually("ex.summary.statistic.value", "purity")
    lab.eventually("bool(ex.summary.band.visible)", True, timeout_s=120)
    expect(page.locator(f"{EX} .tdaw-band-note")).to_contain_text("2.5\u201397.5 %")
    expect(page.locator(f"{EX} .tdaw-band-note")).to_contain_text("B = 999")
    lab.settled(page.locator(f"{EX} .tdaw-layer-summary .bqplot").first)
    page.wait_for_function(_BAND_DRAWN_JS, arg=EX, timeout=60_000)


def _fit_width(page, width):
    """Resize the page until the explorer is ``width`` px wide (JupyterLab's side bars
    take their share of the window)."""
    for _ in range(4):
        now = page.evaluate(f"() => document.querySelector({EX!r}).getBoundingClientRect().width")
        if abs(now - width) < 2:
            return
        vw = page.viewport_size["width"]
        page.set_viewport_size({"width": int(vw + width - now), "height": 2200})
        page.wait_for_function(
            f"(w) => document.querySelector({EX!r}).getBoundingClientRect().width !== w",
            arg=now,
        )


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_screenshots_mapper_legend_and_purity_band(explorer, theme):
    lab = explorer
    page = lab.page
    tag = "dark" if "Dark" in theme else "light"
    if tag == "dark":
        lab.set_theme(theme)
    _show_purity_chart(lab)
    # the chart's points are each layer's observed purity; the band its null quantiles
    assert lab.value(
        "bool(__import__('numpy').allclose(ex.summary.points.y, "
        "[ex.purity_test_of(l).statistic for l in ex.layers]))"
    )
    for name, width in (("narrow", 700), ("wide", 1600)):
        _fit_width(page, width)
        _mapper_drawn(lab)
        legend = page.locator(LEGEND)
        expect(legend).to_be_visible()
        # the legend line is not cut: it wraps inside the view
        assert legend.evaluate("(e) => e.scrollWidth <= e.clientWidth + 1")
        lab.screenshot(
            f"evidence-mapper-view-{tag}-{name}", page.locator(f"{EX} .tdaw-mapper-graph")
        )
        # bqplot lays a figure out again only once it is on screen after a resize
        lab.settled(page.locator(f"{EX} .tdaw-layer-summary .bqplot").first)
        page.wait_for_function(_BAND_DRAWN_JS, arg=EX, timeout=60_000)
        lab.screenshot(
            f"evidence-mapper-chart-{tag}-{name}", page.locator(f"{EX} .tdaw-layer-summary")
        )
