"""PersistenceDiagramWidget in JupyterLab: brush, modes, barcode clicks, keys, overlay, themes."""

import json

import pytest
from playwright.sync_api import expect
from ui_geometry import DRAWN, diagram_pixel

ROOT_SEL = ".tdaw-persistence-diagram"


def _drag(page, start, end, shift=False):
    if shift:
        page.keyboard.down("Shift")
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=4)
    page.mouse.move(*end, steps=4)
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened and run once for the module."""
    module_lab.open("ui/persistence_views.ipynb")
    module_lab.run_all()
    return module_lab


@pytest.fixture
def views(notebook):
    lab = notebook
    lab.reset(ROOT_SEL)  # new views of new widgets, as a fresh run leaves them
    lab.page.locator(ROOT_SEL).nth(1).wait_for(timeout=60_000)
    return lab


def _canvas(lab, n=0):
    canvas = lab.page.locator(f"{ROOT_SEL} [data-testid='pd-canvas']").nth(n)
    lab.settled(canvas)
    expect(canvas).to_have_attribute("data-plot", DRAWN)
    return canvas, json.loads(canvas.get_attribute("data-plot")), canvas.bounding_box()


def test_brush_selects_exactly_the_points_inside_and_maps_to_images(views):
    lab = views
    loop, birth, death = lab.value("[loop, *map(float, w.diagrams[1][loop])]")
    _, plot, box = _canvas(lab)
    x, y = diagram_pixel(plot, birth, death, box)
    _drag(lab.page, (x - 9, y - 9), (x + 9, y + 9))
    lab.eventually("w.selected_points", [[1, loop]])
    # the feature's generator images, computed independently in the kernel
    expected = lab.value("sorted({1000 + int(v) for v in w._source.generators[1][loop] if v >= 0})")
    assert lab.value("w.selected_images.tolist()") == expected
    # shift-brush around the infinite H0 point adds it
    inf_idx = lab.value("int(np.isinf(w.diagrams[0][:, 1]).nonzero()[0][0])")
    x, y = diagram_pixel(plot, lab.value(f"float(w.diagrams[0][{inf_idx}, 0])"), None, box)
    _drag(lab.page, (x - 8, y - 8), (x + 8, y + 8), shift=True)
    lab.eventually("w.selected_points", [[1, loop], [0, inf_idx]])


def test_barcode_mode_click_and_keyboard(views):
    lab = views
    lab.page.locator(f"{ROOT_SEL} [data-testid='pd-mode-barcode']").first.click()
    lab.eventually("w.mode", "barcode")
    # the loop's row: H0 bars first, then H1 sorted by birth then death (as the view does)
    loop = lab.value("loop")
    row, birth, death = lab.value(
        "(lambda d0, d1: [len(d0) + sorted(range(len(d1)), key=lambda i: (d1[i, 0], d1[i, 1])).index(loop),"
        " float(d1[loop, 0]), float(d1[loop, 1])])(w.diagrams[0], w.diagrams[1])"
    )
    # the view redrew as a barcode (its mapping on the canvas is the barcode's)
    button = lab.page.locator(f"{ROOT_SEL} [data-testid='pd-mode-barcode']").first
    expect(button).to_have_attribute("aria-checked", "true")
    _, plot, box = _canvas(lab)
    x, _ = diagram_pixel(plot, (birth + death) / 2, 0, box)
    _, y = diagram_pixel(plot, 0, plot["yhi"] - 0.5 - row, box)
    lab.page.mouse.click(x, y)
    lab.eventually("w.selected_points", [[1, loop]])
    lab.screenshot("pd-barcode-selected", lab.page.locator(ROOT_SEL).first)
    # arrow keys step to the next point of the same dimension; Escape clears
    n1 = lab.value("len(w.diagrams[1])")
    lab.page.keyboard.press("ArrowRight")
    lab.eventually("w.selected_points", [[1, (loop + 1) % n1]])
    lab.page.keyboard.press("Escape")
    lab.eventually("w.selected_points", [])


def test_python_selection_and_mode_reach_the_view(views):
    lab = views
    lab.run("w.mode = 'lifetime'; w.selected_points = [[1, loop], [0, 0]]")
    root = lab.page.locator(ROOT_SEL).first
    lab.page.wait_for_function(
        "() => document.querySelector('.tdaw-persistence-diagram [data-testid=\"pd-mode-lifetime\"]')"
        ".getAttribute('aria-checked') === 'true'"
    )
    loop = lab.value("loop")
    lab.page.wait_for_function(
        "(s) => document.querySelector('.tdaw-persistence-diagram').dataset.selected === s",
        arg=json.dumps([[1, loop], [0, 0]]).replace(" ", ""),
    )
    lab.screenshot("pd-lifetime-selected", root)


def test_overlay_shows_both_diagrams_and_clicks_select_in_the_first(views):
    lab = views
    root = lab.page.locator(ROOT_SEL).nth(1)
    key = root.locator("[data-testid='pd-overlay-key']")
    assert "layer A" in key.inner_text() and "layer B" in key.inner_text()
    i, birth, death = lab.value(
        "(lambda d: (lambda i: [i, float(d[i, 0]), float(d[i, 1])])(int((d[:, 1] - d[:, 0]).argmax())))(ov.diagrams[1])"
    )
    _, plot, box = _canvas(lab, 1)
    lab.page.mouse.click(*diagram_pixel(plot, birth, death, box))
    lab.eventually("ov.selected_points", [[1, i]])
    lab.screenshot("pd-overlay-light", root)
    lab.set_theme("JupyterLab Dark")
    lab.wait_background(root, "JupyterLab Dark")
    lab.screenshot("pd-overlay-dark", root)
    lab.screenshot("pd-diagram-dark", lab.page.locator(ROOT_SEL).first)
    lab.set_theme("JupyterLab Light")
