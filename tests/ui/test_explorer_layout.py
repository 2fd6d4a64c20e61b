"""The explorer's layout at 700, 1000, 1600 and 2200 px, light and dark, with 17, 4 and 20
layers (torchvision's ResNet-18, its three 1x1 downsample convolutions included), and the
diagram's overlay modes: nothing sticks out of the explorer or is cut, every column of the
matrix has its name, and the gallery scrolls instead of growing the page. Screenshots go
to tests/ui/artifacts/."""

import pytest
from ui_contrast import text_colours

# the explorer's width in JupyterLab at a window of: 700 px with the file browser open,
# 700, 1000, 1600 and 2200 px (the names in the screenshots)
WIDTHS = {332: "700-sidebar", 520: "700", 820: "1000", 1420: "1600", 2020: "2200"}
SCREEN = 1000  # the viewport's height: "one screen"


_OVERFLOW_JS = """
(sel) => {
  // views, slots and text boxes cut by a box that does not scroll (or sticking out of the
  // explorer); a view wider than its slot is fine when the slot scrolls to it
  const ex = document.querySelector(sel);
  const out = [];
  const items = ex.querySelectorAll(
    '.tdaw-slot, .tdaw-view, .tdaw-gallery, .bqplot, .widget-dropdown, canvas, .tdaw-mg-side');
  for (const e of items) {
    const r = e.getBoundingClientRect();
    if (!r.width) continue;
    for (let a = e.parentElement; a; a = a.parentElement) {
      const ar = a.getBoundingClientRect();
      const outside = r.left < ar.left - 0.5 || r.right > ar.right + 0.5;
      const ox = getComputedStyle(a).overflowX;
      if (outside && ox !== 'visible') {
        const scrolls = (ox === 'auto' || ox === 'scroll') && a.scrollWidth > a.clientWidth;
        if (!scrolls || a === ex)
          out.push(`${e.className.baseVal ?? e.className}`.slice(0, 40) +
            `: ${Math.round(r.left)}..${Math.round(r.right)} cut by ${a.className.slice(0, 30)}`);
        break;
      }
      if (a === ex) {
        if (outside) out.push(`${e.className}`.slice(0, 40) + ' sticks out of the explorer');
        break;
      }
    }
  }
  for (const e of ex.querySelectorAll('[data-testid=gallery-heading], .tdaw-pd-title, .tdaw-mg-title, .tdaw-ldm-title'))
    if (e.scrollWidth > e.clientWidth + 1) out.push(`cut: ${e.textContent}`);
  if (ex.scrollWidth > ex.clientWidth + 1) out.push(`explorer scrolls sideways: ${ex.scrollWidth} > ${ex.clientWidth}`);
  return out;
}
"""

# the per-layer chart's y tick labels (bqplot draws the vertical axis' ticks as text)
_Y_TICKS_JS = """
(sel) => {
  const fig = document.querySelector(sel + ' .bqplot');  // the first: the per-layer chart
  const axes = [...fig.querySelectorAll('g.axis')];
  const ys = axes.filter((a) => {
    const ticks = [...a.querySelectorAll('.tick')];
    return ticks.length > 1 && new Set(ticks.map((t) => Math.round(t.getBoundingClientRect().right))).size === 1;
  });
  return ys.length ? [...ys[0].querySelectorAll('.tick text')].map((t) => t.textContent) : null;
}
"""


_X_TICKS_JS = """
(sel) => {
  // the per-layer chart's layer names: inside the figure, below the plot area, apart
  const fig = document.querySelector(sel + ' .bqplot');
  const plot = fig.querySelector('.plotarea_background').getBoundingClientRect();
  const box = fig.getBoundingClientRect();
  const axis = [...fig.querySelectorAll('g.axis')].find((a) =>
    [...a.querySelectorAll('.tick text')].some((t) => t.textContent === 'conv1'));
  const rects = [...axis.querySelectorAll('.tick text')].map((t) => [t.textContent, t.getBoundingClientRect()]);
  const out = [];
  rects.forEach(([name, r], k) => {
    if (r.top < plot.bottom - 1) out.push(`${name} reaches into the plot`);
    if (r.bottom > box.bottom + 1 || r.left < box.left - 1 || r.right > box.right + 1) out.push(`${name} cut`);
    // names at -60 degrees: the gap between neighbours across the text, at least a line
    const next = rects[k + 1];
    if (next && (next[1].right - r.right) * Math.sin(Math.PI / 3) < 10)
      out.push(`${name} runs into ${next[0]}`);
  });
  return out;
}
"""

# the matrix's column labels: each one's full name (its tooltip when shortened) in column
# order, and those that are empty, hidden or over their neighbour
_COLUMN_LABELS_JS = """
(sel) => {
  const spans = [...document.querySelectorAll(`${sel} [data-testid='ldm-col-label']`)];
  const boxes = spans.map((s) => s.getBoundingClientRect());
  const bad = [];
  spans.forEach((s, k) => {
    const r = boxes[k];
    if (!s.textContent.trim() || !r.width || !r.height || getComputedStyle(s).visibility !== 'visible')
      bad.push(`${s.textContent}: not shown`);
    // the gap to the next name across the text (names hang at 45 degrees, or upright)
    // is at least the font's size: no glyph over another
    const next = boxes[k + 1];
    const upright = s.parentElement.classList.contains('tdaw-ldm-col-upright');
    const across = next ? (next.left + next.width / 2 - r.left - r.width / 2) * (upright ? 1 : Math.SQRT1_2) : Infinity;
    if (across < parseFloat(getComputedStyle(s).fontSize))
      bad.push(`${s.textContent} over ${spans[k + 1].textContent}: ${across.toFixed(1)} px apart`);
  });
  // left to right on the page
  const order = spans.map((s, k) => [boxes[k].left + boxes[k].width / 2, s.title || s.textContent]);
  order.sort((a, b) => a[0] - b[0]);
  return [order.map((o) => o[1]), bad];
}
"""

# the first row's slots and views: what decides whether matrix and diagram share it
_ROW_WIDTHS_JS = """
(sel) => ['.tdaw-slot', '.tdaw-layer-distance-matrix', '.tdaw-persistence-diagram'].map((c) =>
  [c, [...document.querySelectorAll(`${sel} ${c}`)].map((e) => Math.round(e.getBoundingClientRect().width))])
"""

_Y_TICKS_DEBUG_JS = """
(sel) => [...document.querySelector(sel + ' .bqplot').querySelectorAll('g.axis')].map((a) =>
  [a.getAttribute('class'), [...a.querySelectorAll('.tick')].map((t) =>
    [Math.round(t.getBoundingClientRect().left), t.textContent])])
"""


@pytest.fixture(scope="module")
def layout_lab(module_lab):
    lab = module_lab
    lab.open("ui/explorer_layout.ipynb")
    lab.run_all(timeout=600_000)
    lab.page.locator(".tdaw-explorer .tdaw-layer-distance-matrix").nth(2).wait_for(timeout=120_000)
    # a big selection: every image of the first layer's largest Mapper node
    lab.run(
        "for e in (ex, ex4, ex20):\n"
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
@pytest.mark.parametrize("which", ["ex", "ex4", "ex20"])
def test_explorer_fits_every_width_and_the_gallery_scrolls(layout_lab, which, theme):
    lab = layout_lab
    page = lab.page
    lab.set_theme(theme)
    n = ["ex", "ex4", "ex20"].index(which)
    page.evaluate(
        "(n) => document.querySelectorAll('.tdaw-explorer').forEach((e, k) =>"
        " { e.id = k === n ? 'tdaw-layout-under-test' : ''; })",
        n,
    )
    sel = "#tdaw-layout-under-test"
    tag = f"{which}-{'dark' if 'Dark' in theme else 'light'}"
    for width, window in WIDTHS.items():
        _fit_width(lab, sel, width)
        page.locator(sel).scroll_into_view_if_needed()
        assert page.evaluate(_OVERFLOW_JS, sel) == [], (tag, width)
        # from a 1000 px window (820 px explorer) the matrix and the diagram share the
        # first row (17 layers too)
        tops = page.evaluate(
            f"() => ['.tdaw-layer-distance-matrix', '.tdaw-persistence-diagram'].map((c) =>"
            f" document.querySelector('{sel} ' + c).getBoundingClientRect().top)"
        )
        assert (abs(tops[0] - tops[1]) < 2) == (width >= 820), (
            tag,
            width,
            tops,
            page.evaluate(_ROW_WIDTHS_JS, sel),
        )
        boxes = page.evaluate(
            f"""() => ['.tdaw-mapper-graph canvas', '.tdaw-gallery', '.tdaw-persistence-diagram',
                       '.tdaw-layer-distance-matrix'].map((c) => {{
              const r = document.querySelector('{sel} ' + c).getBoundingClientRect();
              return [r.top, r.bottom, r.width]; }})"""
        )
        (c_top, c_bottom, c_width), (g_top, g_bottom, _), diagram, matrix = boxes
        if width == 1420:
            # wide: the Mapper canvas grows past its old 520 px and shares a row with the
            # gallery
            assert c_width > 560, (tag, width, boxes)
            assert g_top < c_bottom and c_top < g_bottom, (tag, width, boxes)
        if width == 2020:
            # all four in one row, the diagram no longer at its 240 px minimum beside a
            # 590 px Mapper canvas: each 400 px at least
            assert abs(matrix[0] - diagram[0]) < 2 and g_top < c_bottom and c_top < g_bottom
            assert diagram[0] < g_bottom and g_top < diagram[1], (tag, width, boxes)
            assert diagram[2] >= 400 and c_width >= 400, (tag, width, boxes)
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
        # every column of the matrix has its name (20 layers: none skipped), apart
        names = lab.value(f"{which}.layers")
        assert page.evaluate(_COLUMN_LABELS_JS, sel) == [names, []], (tag, width)
        if which == "ex" or theme == "JupyterLab Light":
            # a shot costs two re-layouts (the window grows to hold the explorer): the
            # quickstart's in both themes, the 4- and 20-layer ones in light (their dark
            # colours are the quickstart's; contrast is asserted above in both)
            lab.screenshot(f"layout-{tag}-{window}", page.locator(sel))
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


def test_per_layer_tick_labels_are_distinct_and_formatted(layout_lab):
    # issue 27.4: purity read "0, 0, 0, 1, 1, 1", totals "1e+2 ... 4e+2", and "H1 bars" kept
    # the exponent format after that view
    lab = layout_lab
    page = lab.page
    lab.set_theme("JupyterLab Light")
    _fit_width(lab, ".tdaw-explorer", 520)
    sel = ".tdaw-explorer"
    page.locator(f"{sel} .bqplot").first.scroll_into_view_if_needed()
    seen = {}
    for stat in ("total_persistence", "purity", "bars"):
        lab.run(f"ex.summary.statistic.value = {stat!r}")
        expected = lab.value(
            "[format(v, ex.summary.y_axis.tick_format) for v in ex.summary.y_axis.tick_values]",
        )
        try:
            page.wait_for_function(
                f"([sel, want]) => JSON.stringify(({_Y_TICKS_JS})(sel)) === JSON.stringify(want)",
                arg=[sel, expected],
                timeout=120_000,
            )
        except Exception as exc:  # say what the page shows instead
            raise AssertionError((stat, expected, page.evaluate(_Y_TICKS_DEBUG_JS, sel))) from exc
        labels = page.evaluate(_Y_TICKS_JS, sel)
        assert len(set(labels)) == len(labels) >= 3, (stat, labels)
        assert not any("e" in x for x in labels), (stat, labels)
        seen[stat] = labels
    assert seen["purity"] == [f"{k / 10:.1f}" for k in range(11)]
    # the layer names: below the plot, none over another, at the narrowest width too
    for width in (332, 520):
        _fit_width(lab, sel, width)
        page.locator(f"{sel} .bqplot").first.scroll_into_view_if_needed()
        bad = page.evaluate(_X_TICKS_JS, sel)
        assert bad == [], (width, bad)
    assert all("." not in x for x in seen["bars"]), seen  # counts: no decimals, no exponent
    lab.screenshot("per-layer-bars-700", page.locator(f"{sel} .bqplot").first)


_CAPTIONS_JS = """
(sel) => {
  // each gallery tile's height, and the captions cut by their tile
  const grid = document.querySelector(sel + ' .tdaw-gallery-grid');
  const tiles = [...grid.children];
  const cut = [];
  for (const t of tiles) {
    const cap = t.querySelector('[data-testid=gallery-item]');
    const r = cap.getBoundingClientRect(), tr = t.getBoundingClientRect();
    if (r.bottom > tr.bottom + 0.5 || cap.scrollHeight > cap.clientHeight + 1) cut.push(cap.textContent);
  }
  return {heights: tiles.map((t) => Math.round(t.getBoundingClientRect().height)), cut};
}
"""


@pytest.mark.parametrize("param", ["n_intervals", "overlap"])
def test_gallery_captions_stay_whole_after_new_mapper_parameters(layout_lab, param):
    # issue 27.5: rows shrank from 77 to 65 px and cut the captions after an intervals or
    # overlap change with the selection kept
    lab = layout_lab
    page = lab.page
    lab.set_theme("JupyterLab Light")
    _fit_width(lab, ".tdaw-explorer", 820)
    sel = ".tdaw-explorer"
    lab.run("ex.mapper.selected_nodes = [int(ex.mapper.graph.node_sizes.argmax())]")
    n = lab.value("len(ex.gallery.grid.children)")
    page.wait_for_function(
        # the first explorer's gallery (sel matches both explorers of the notebook)
        f"(n) => document.querySelector('{sel} .tdaw-gallery-grid')"
        ".querySelectorAll('[data-testid=gallery-item]').length === n",
        arg=n,
    )
    page.locator(f"{sel} .tdaw-gallery").first.scroll_into_view_if_needed()
    before = page.evaluate(_CAPTIONS_JS, sel)
    assert before["cut"] == [], before
    value = {"n_intervals": "14", "overlap": "0.35"}[param]
    lab.run(f"ex.{param}.value = {value}")
    page.wait_for_function(f"() => !document.querySelector('{sel} .tdaw-busy')", timeout=120_000)
    after = page.evaluate(_CAPTIONS_JS, sel)
    assert after["cut"] == [], after
    # the images are kept: the same tiles, as tall as before
    assert len(after["heights"]) == len(before["heights"]), (before, after)
    assert after["heights"] == before["heights"], (before, after)
    lab.run("ex.n_intervals.value = 10; ex.overlap.value = 0.5")
