"""The explorer's layout at 700, 1000 and 1600 px, light and dark, with 17 and 4 layers,
and the diagram's overlay modes: nothing sticks out of the explorer or is cut, and the
gallery scrolls instead of growing the page. Screenshots go to tests/ui/artifacts/."""

import pytest
from ui_contrast import text_colours

WIDTHS = (700, 1000, 1600)
SCREEN = 1000  # the viewport's height: "one screen"


_OVERFLOW_JS = """
(sel) => {
  // views and text boxes that stick out of the explorer, or text cut by its own box
  const ex = document.querySelector(sel);
  const box = ex.getBoundingClientRect();
  const out = [];
  for (const e of ex.querySelectorAll('.tdaw-view, .tdaw-gallery, .bqplot, .widget-dropdown')) {
    const r = e.getBoundingClientRect();
    if (r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
      out.push(`${e.className.slice(0, 40)}: ${Math.round(r.left)}..${Math.round(r.right)} not in ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
  for (const e of ex.querySelectorAll('[data-testid=gallery-heading], .tdaw-pd-title, .tdaw-mg-title, .tdaw-ldm-title'))
    if (e.scrollWidth > e.clientWidth + 1) out.push(`cut: ${e.textContent}`);
  if (ex.scrollWidth > ex.clientWidth + 1) out.push(`explorer scrolls sideways: ${ex.scrollWidth} > ${ex.clientWidth}`);
  return out;
}
"""


@pytest.fixture(scope="module")
def layout_lab(module_lab):
    lab = module_lab
    lab.open("ui/explorer_layout.ipynb")
    lab.run_all(timeout=600_000)
    lab.page.locator(".tdaw-explorer .tdaw-layer-distance-matrix").nth(1).wait_for(timeout=120_000)
    # a big selection: every image of the first layer's largest Mapper node
    lab.run(
        "for e in (ex, ex4):\n"
        "    e.mapper.selected_nodes = [int(e.mapper.graph.node_sizes.argmax())]\n"
        "    e.gallery.show(range(69), 'Many images')"
    )
    return lab


# bqplot relayouts a figure a moment after it is resized (a debounced ResizeObserver,
# which JupyterLab's notebook only runs for what is on screen): the figure's plot area
# must span it again (within its right margin) before a check
_BQPLOT_SETTLED_JS = """
(f) => {
  const svg = f.querySelector('svg').getBoundingClientRect();
  const bg = f.querySelector('.plotarea_background').getBoundingClientRect();
  return bg.width > 0 && bg.right <= svg.right + 1 && bg.right >= svg.right - 40;
}
"""


def _wait_bqplot_settled(page, sel):
    figures = page.locator(f"{sel} .bqplot")
    for k in range(figures.count()):
        figures.nth(k).scroll_into_view_if_needed()
        page.wait_for_function(_BQPLOT_SETTLED_JS, arg=figures.nth(k).element_handle())


def _fit_width(lab, sel, width):
    """Resize the page so that the explorer ``sel`` is ``width`` px wide."""
    page = lab.page
    for _ in range(3):
        now = page.evaluate(f"() => document.querySelector({sel!r}).getBoundingClientRect().width")
        vw = page.viewport_size["width"]
        if abs(now - width) < 2:
            break
        page.set_viewport_size({"width": int(vw + width - now), "height": 1000})
        page.wait_for_function(
            f"(w) => Math.abs(document.querySelector({sel!r}).getBoundingClientRect().width - w) < 40",
            arg=width,
        )
    _wait_bqplot_settled(page, sel)


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
@pytest.mark.parametrize("which", ["ex", "ex4"])
def test_explorer_fits_every_width_and_the_gallery_scrolls(layout_lab, which, theme):
    lab = layout_lab
    page = lab.page
    lab.set_theme(theme)
    n = 0 if which == "ex" else 1
    page.evaluate(
        "(n) => document.querySelectorAll('.tdaw-explorer').forEach((e, k) =>"
        " { e.id = k === n ? 'tdaw-layout-under-test' : ''; })",
        n,
    )
    sel = "#tdaw-layout-under-test"
    tag = f"{which}-{'dark' if 'Dark' in theme else 'light'}"
    for width in WIDTHS:
        _fit_width(lab, sel, width)
        page.locator(sel).scroll_into_view_if_needed()
        assert page.evaluate(_OVERFLOW_JS, sel) == [], (tag, width)
        # from 1000 px the matrix and the diagram share the first row (17 layers too)
        tops = page.evaluate(
            f"() => ['.tdaw-layer-distance-matrix', '.tdaw-persistence-diagram'].map((c) =>"
            f" document.querySelector('{sel} ' + c).getBoundingClientRect().top)"
        )
        assert (abs(tops[0] - tops[1]) < 2) == (width >= 1000), (tag, width, tops)
        gallery = page.evaluate(
            f"""() => {{
              const g = document.querySelector('{sel} .tdaw-gallery');
              const grid = g.querySelector('.tdaw-gallery-grid');
              return [g.getBoundingClientRect().height, grid.scrollHeight, grid.clientHeight,
                      window.innerHeight];
            }}"""
        )
        height, content, shown, screen = gallery
        assert height <= SCREEN and screen == SCREEN, (tag, width, gallery)  # one screen at most
        # 69 images: the grid is as tall as its thumbnails up to 420 px, and scrolls past it
        assert abs(shown - min(content, 420)) <= 1, (tag, width, gallery)
        assert page.evaluate(
            f"() => getComputedStyle(document.querySelector('{sel} .tdaw-gallery-grid')).overflowY"
        ) in ("auto", "scroll")
        labels = text_colours(page, f"{sel} .tdaw-ldm-labels [data-testid$='-label']")
        assert labels and min(x["contrast"] for x in labels) >= 4.5
        lab.screenshot(f"layout-{tag}-{width}", page.locator(sel))
    lab.set_theme("JupyterLab Light")


@pytest.mark.parametrize("mode", ["diagram", "lifetime", "barcode"])
def test_overlay_modes(layout_lab, mode):
    lab = layout_lab
    page = lab.page
    lab.set_theme("JupyterLab Light")
    _fit_width(lab, ".tdaw-explorer", 1000)
    lab.run("ex.matrix.selected_pair = [3, 12]")
    pd = page.locator(".tdaw-explorer .tdaw-persistence-diagram").first
    pd.scroll_into_view_if_needed()
    pd.locator(f"[data-testid='pd-mode-{mode}']").click()
    page.wait_for_function(
        f"() => document.querySelector(\".tdaw-explorer [data-testid='pd-mode-{mode}']\")"
        ".getAttribute('aria-checked') === 'true'"
    )
    lab.eventually("ex.diagram.mode", mode, timeout_s=10)  # the kernel has the mode too
    key = pd.locator("[data-testid='pd-overlay-key']").inner_text()
    layers = lab.value("[layers[3], layers[12]]")
    assert layers[0] in key and layers[1] in key
    # each count carries its layer's marker, the one the key names it by and the plot draws
    markers = ("━", "╍") if mode == "barcode" else ("●", "◇")
    legend = pd.locator("[data-testid='pd-legend-h1']").inner_text()
    assert all(m in legend and m in key for m in markers), (legend, key)
    overflow = page.evaluate(
        "(e) => e.scrollWidth > e.clientWidth + 1",
        pd.element_handle(),
    )
    assert not overflow
    lab.screenshot(f"overlay-{mode}", pd)
