"""Hostile labels (issue 9): HTML and script in class names, layer names, titles and
captions show as text in every view, tooltip, the explorer's gallery and exported HTML;
no script from the data ever runs (the sentinel ``window.__pwned`` stays unset)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_geometry import diagram_point, matrix_cell

ARTIFACTS = Path(__file__).parent / "artifacts"
IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "<script>window.__pwned=1</script>"
SVG = '"><svg onload="window.__pwned=1">'
LAYER_A = "<img src=x onerror=__pwned=1>"
LAYER_B = "<b>b</b><script>__pwned=1</script>"

# elements an injection would have created
_INJECTED = """() => [
  ...document.querySelectorAll("img[src='x'], svg[onload], [onerror], [onload]"),
  ...[...document.scripts].filter(
    (s) => s.type !== "application/json" && s.textContent.includes("__pwned")
  ),
].length"""


# every image on the page has loaded or failed (an injected image's onerror handler would
# have run by then), then one more task so that the load/error events are dispatched
_IMAGES_SETTLED = """async () => {
  await Promise.allSettled([...document.images].map((i) => i.decode()));
  await new Promise((r) => setTimeout(r));
}"""


def _assert_inert(page: Any) -> None:
    page.evaluate(_IMAGES_SETTLED)
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate(_INJECTED) == 0


@pytest.fixture(scope="module")
def notebook(module_lab: Any) -> Any:
    """The notebook, opened and run once for the module."""
    module_lab.open("ui/hostile_labels.ipynb")
    module_lab.run_all(timeout=300_000)
    return module_lab


@pytest.fixture
def hostile(notebook: Any) -> Any:
    lab = notebook
    lab.reset(".tdaw-explorer")  # new views of new widgets, as a fresh run leaves them
    lab.page.locator(".tdaw-explorer .tdaw-layer-distance-matrix").wait_for(timeout=120_000)
    return lab


def _text(page: Any, selector: str) -> str:
    return str(page.locator(selector).first.inner_text())


def _hover_cell(page: Any, canvas: Any, i: int, j: int) -> None:
    canvas.scroll_into_view_if_needed()
    page.mouse.move(*matrix_cell(canvas, i, j))


def _hover_diagram_point(page: Any, canvas: Any, birth: float, death: float) -> None:
    canvas.scroll_into_view_if_needed()
    page.mouse.move(*diagram_point(canvas, birth, death))


def test_views_and_explorer_show_hostile_labels_as_text(hostile: Any) -> None:
    lab, page = hostile, hostile.page
    _assert_inert(page)
    out = ".jp-OutputArea-output"
    pd = page.locator(f"{out} > .tdaw-persistence-diagram, {out} .tdaw-persistence-diagram").first
    assert SVG in _text(page, "[data-testid='pd-title']")
    key = str(pd.locator("[data-testid='pd-overlay-key']").inner_text())
    assert IMG in key and SCRIPT in key
    # tooltip of the most persistent H1 point names the first diagram's label
    birth, death = lab.value(
        "[float(v) for v in pd_widget.diagrams[1][(pd_widget.diagrams[1][:, 1] - pd_widget.diagrams[1][:, 0]).argmax()]]"
    )
    _hover_diagram_point(page, pd.locator("[data-testid='pd-canvas']"), birth, death)
    tip = pd.locator("[data-testid='pd-tooltip']")
    tip.wait_for(state="visible", timeout=10_000)
    assert IMG in str(tip.inner_text())

    ldm = page.locator(".tdaw-layer-distance-matrix").first
    assert IMG in str(ldm.locator("[data-testid='ldm-title']").inner_text())
    _hover_cell(page, ldm.locator("[data-testid='ldm-canvas']"), 0, 1)
    tip = ldm.locator("[data-testid='ldm-tooltip']")
    tip.wait_for(state="visible", timeout=10_000)
    assert IMG in str(tip.inner_text()) and SCRIPT in str(tip.inner_text())

    mg = page.locator(".tdaw-mapper-graph").first
    assert SCRIPT in str(mg.locator("[data-testid='mg-title']").inner_text())
    legend = str(mg.locator("[data-testid='mg-legend']").inner_text())
    assert all(s in legend for s in (IMG, SCRIPT, SVG))
    lab.run("mg_widget.selected_nodes = [0]")
    detail = mg.locator("[data-testid='mg-detail-classes']")
    detail.wait_for(timeout=10_000)
    assert any(s in str(detail.inner_text()) for s in (IMG, SCRIPT, SVG))

    assert IMG in _text(page, "[data-testid='filtration-title']")

    ex = page.locator(".tdaw-explorer")
    ex.scroll_into_view_if_needed()
    # layer names in the status line, the layer picker and the views' titles
    text = str(ex.inner_text())
    assert LAYER_A in text and LAYER_B in text
    # (ipywidgets shows spaces in option labels as no-break spaces)
    options = [
        o.replace("\xa0", " ")
        for o in ex.locator(".widget-dropdown select option").all_inner_texts()
    ]
    assert LAYER_A in options and LAYER_B in options
    # gallery captions are class names, and its heading came from Python
    gallery = ex.locator(".tdaw-gallery")
    page.wait_for_function(
        "() => document.querySelectorAll('.tdaw-explorer .tdaw-gallery img').length >= 6",
        timeout=20_000,
    )
    captions = str(gallery.inner_text())
    assert SCRIPT in captions and all(s in captions for s in (IMG, SVG))
    lab.screenshot("hostile-labels-explorer", ex)
    _assert_inert(page)
    assert not [e for e in lab.console_errors if "__pwned" in e]


def _open_export(browser: Any, path: Path) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=60_000)
    return context, page, errors


def test_exported_html_shows_hostile_labels_as_text(
    hostile: Any, browser: Any, tmp_path: Path
) -> None:
    lab = hostile
    views = {
        "pd_widget": ("[data-testid='pd-title']", SVG),
        "ldm_widget": ("[data-testid='ldm-title']", IMG),
        "mg_widget": ("[data-testid='mg-legend']", SCRIPT),
        "fw_widget": ("[data-testid='filtration-title']", IMG),
    }
    for name, (selector, literal) in views.items():
        path = tmp_path / f"{name}.html"
        lab.run(f"{name}.to_html({str(path)!r})")
        context, page, errors = _open_export(browser, path)
        try:
            _assert_inert(page)
            assert literal in str(page.locator(selector).first.inner_text()), name
            title = lab.value(f"{name}.title")
            assert page.title() == title  # the <title> is escaped, not markup
            assert not errors, (name, errors)
        finally:
            context.close()

    path = tmp_path / "explorer.html"
    lab.run(f"ex.to_html({str(path)!r}, title={SCRIPT!r})")
    context, page, errors = _open_export(browser, path)
    try:
        _assert_inert(page)
        assert page.title() == SCRIPT
        assert SCRIPT in str(page.locator("#tdaw-root h1").inner_text())
        assert LAYER_B in str(
            page.locator("[data-view='diagram'] [data-testid='pd-title']").inner_text()
        )
        # select Mapper node 0 in the page: the gallery shows its images with class names
        page.evaluate("() => window.tdaw.models.mapper.setFromPython('selected_nodes', [0])")
        page.wait_for_function(
            "() => document.querySelectorAll(\"[data-testid='gallery'] figcaption\").length > 0",
            timeout=10_000,
        )
        captions = page.locator("[data-testid='gallery'] figcaption").all_inner_texts()
        assert any(s in c for c in captions for s in (IMG, SCRIPT, SVG)), captions
        alts = page.evaluate(
            "() => [...document.querySelectorAll(\"[data-testid='gallery'] img\")].map((i) => i.alt)"
        )
        assert set(alts) <= {IMG, SCRIPT, SVG}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "hostile-labels-export.png"), full_page=True)
        _assert_inert(page)
        assert not errors, errors
    finally:
        context.close()
