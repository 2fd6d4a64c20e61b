"""LayerDistanceMatrixWidget in JupyterLab: cell click, arrow keys, toggle, Python -> view, themes."""

import pytest
from playwright.sync_api import expect
from ui_contrast import text_colours
from ui_geometry import DRAWN, matrix_cell

ROOT_SEL = ".tdaw-layer-distance-matrix"


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened and run once for the module."""
    module_lab.open("ui/matrix_views.ipynb")
    module_lab.run_all()
    return module_lab


@pytest.fixture
def matrix(notebook):
    lab = notebook
    lab.reset(ROOT_SEL)  # new views of new widgets, as a fresh run leaves them
    root = lab.page.locator(ROOT_SEL).first
    root.wait_for(timeout=60_000)
    canvas = root.locator("[data-testid='ldm-canvas']")
    lab.settled(canvas)
    expect(canvas).to_have_attribute("data-plot", DRAWN)
    return lab, root, canvas


def test_cell_click_and_arrow_keys_reach_the_kernel(matrix):
    lab, root, canvas = matrix
    lab.page.mouse.move(*matrix_cell(canvas, 3, 10))
    tooltip = root.locator("[data-testid='ldm-tooltip']")
    tooltip.wait_for(state="visible")
    names = lab.value("[w.layers[3], w.columns[10], float(w.values[3, 10])]")
    assert tooltip.text_content().startswith(f"{names[0]} ↔ {names[1]} · sliced Wasserstein")
    lab.page.mouse.click(*matrix_cell(canvas, 3, 10))
    lab.eventually("w.selected_pair", [3, 10])
    lab.screenshot("matrix-light", root)

    lab.page.keyboard.press("ArrowDown")
    lab.page.keyboard.press("ArrowDown")
    lab.page.keyboard.press("ArrowLeft")
    lab.eventually("w.selected_pair", [5, 9])
    # the notebook did not take the arrows: the same cell is still active
    assert lab.page.evaluate(
        "() => document.activeElement.classList.contains('tdaw-layer-distance-matrix')"
    )
    lab.page.keyboard.press("Escape")
    lab.eventually("w.selected_pair", [])
    assert not [e for e in lab.console_errors if "tdaw" in e or "matrix" in e]


def test_toggle_shows_the_second_matrix_and_the_rank_correlation(matrix):
    lab, root, _ = matrix
    rho = lab.value("round(w.rank_correlation, 4)")
    corr = root.locator("[data-testid='ldm-correlation']").text_content()
    assert corr.startswith("Spearman \u03c1 = ") and abs(float(corr.split("=")[1]) - rho) < 1e-3
    root.locator("[data-testid='ldm-toggle-second']").click()
    lab.eventually("w.show_second is True", True)
    expect(root).to_have_attribute("data-shown", "second")
    lab.screenshot("matrix-second-light", root)


def test_python_selection_reaches_the_view_and_dark_theme(matrix):
    lab, root, _ = matrix
    lab.run("w.selected_pair = [16, 0]")
    lab.page.wait_for_function(
        f"() => document.querySelector('{ROOT_SEL}').dataset.selected === '16,0'"
    )
    status = root.locator("[data-testid='ldm-status']").text_content()
    assert status.startswith("layer4.1.conv2 ↔ conv1")
    # the empty matrix renders a message, not an error
    empty = lab.page.locator(ROOT_SEL).nth(1).locator("[data-testid='ldm-empty']")
    assert empty.is_visible()
    lab.set_theme("JupyterLab Dark")
    lab.wait_background(root, "JupyterLab Dark")
    lab.run("w.selected_pair = [2, 7]")  # redraw with the dark theme's colours
    lab.page.wait_for_function(
        f"() => document.querySelector('{ROOT_SEL}').dataset.selected === '2,7'"
    )
    lab.screenshot("matrix-dark", root)
    lab.screenshot("matrix-empty-dark", lab.page.locator(ROOT_SEL).nth(1))
    lab.set_theme("JupyterLab Light")


_LABELS = f"{ROOT_SEL} [data-testid$='-label']"
_RING_JS = """
([i, j]) => {
  // the pixel under the selected cell's ring (left edge, middle), on the canvas
  const c = document.querySelector('.tdaw-layer-distance-matrix [data-testid="ldm-canvas"]');
  const p = JSON.parse(c.dataset.plot);
  const s = c.width / c.getBoundingClientRect().width;
  const x = Math.round((p.left + j * p.cell) * s), y = Math.round((p.top + (i + 0.5) * p.cell) * s);
  const d = c.getContext('2d').getImageData(x - 1, y, 1, 1).data;
  return (0.2126 * d[0] + 0.7152 * d[1] + 0.0722 * d[2]) / 255;
}
"""


def _wait_background(lab, rgb):
    lab.page.wait_for_function(
        f"(bg) => getComputedStyle(document.querySelector('{ROOT_SEL}')).backgroundColor === bg",
        arg=rgb,
        timeout=30_000,
    )


def _assert_labels_readable(lab, theme):
    labels = [x for x in text_colours(lab.page, _LABELS) if x["text"]]
    # 17 row names + 17 column names + ticks + the metric, for the first matrix
    assert len(labels) >= 36, labels
    worst = min(labels, key=lambda x: x["contrast"])
    assert worst["contrast"] >= 4.5, (theme, worst)
    return worst["contrast"]


def test_labels_contrast_with_the_theme_and_follow_a_switch_without_a_click(matrix):
    lab, root, _ = matrix
    lab.run("w.selected_pair = [2, 7]")
    lab.page.wait_for_function(
        f"() => document.querySelector('{ROOT_SEL}').dataset.selected === '2,7'"
    )
    _wait_background(lab, "rgb(255, 255, 255)")
    light = _assert_labels_readable(lab, "light")
    assert lab.page.evaluate(_RING_JS, [2, 7]) < 0.3  # a dark ring on white

    # switch theme: nothing clicked, nothing sent from the kernel
    lab.set_theme("JupyterLab Dark")
    _wait_background(lab, "rgb(17, 17, 17)")
    dark = _assert_labels_readable(lab, "dark")
    lab.page.wait_for_function(f"() => ({_RING_JS})([2, 7]) > 0.6", timeout=10_000)
    lab.screenshot("matrix-labels-dark", root)

    lab.set_theme("JupyterLab Light")
    _wait_background(lab, "rgb(255, 255, 255)")
    again = _assert_labels_readable(lab, "light again")
    lab.page.wait_for_function(f"() => ({_RING_JS})([2, 7]) < 0.3", timeout=10_000)
    lab.screenshot("matrix-labels-light", root)
    print(f"worst label contrast: light {light:.2f}, dark {dark:.2f}, light again {again:.2f}")
