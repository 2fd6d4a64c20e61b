"""LayerDistanceMatrixWidget in JupyterLab: cell click, arrow keys, toggle, Python -> view, themes."""

import pytest
from ui_geometry import matrix_cell

ROOT_SEL = ".tdaw-layer-distance-matrix"


@pytest.fixture
def matrix(lab):
    lab.open("ui/matrix_views.ipynb")
    lab.run_all()
    root = lab.page.locator(ROOT_SEL).first
    root.wait_for(timeout=60_000)
    canvas = root.locator("[data-testid='ldm-canvas']")
    canvas.scroll_into_view_if_needed()
    lab.page.wait_for_timeout(300)
    return lab, root, canvas


def test_cell_click_and_arrow_keys_reach_the_kernel(matrix):
    lab, root, canvas = matrix
    lab.page.mouse.move(*matrix_cell(canvas, 3, 10))
    tooltip = root.locator("[data-testid='ldm-tooltip']")
    tooltip.wait_for(state="visible")
    names = lab.value("[w.layers[3], w.columns[10], float(w.values[3, 10])]")
    assert tooltip.text_content().startswith(f"{names[0]} ↔ {names[1]} · sliced Wasserstein")
    lab.page.mouse.click(*matrix_cell(canvas, 3, 10))
    lab.page.wait_for_timeout(400)
    assert lab.value("w.selected_pair") == [3, 10]
    lab.screenshot("matrix-light", root)

    lab.page.keyboard.press("ArrowDown")
    lab.page.keyboard.press("ArrowDown")
    lab.page.keyboard.press("ArrowLeft")
    lab.page.wait_for_timeout(400)
    assert lab.value("w.selected_pair") == [5, 9]
    # the notebook did not take the arrows: the same cell is still active
    assert lab.page.evaluate(
        "() => document.activeElement.classList.contains('tdaw-layer-distance-matrix')"
    )
    lab.page.keyboard.press("Escape")
    lab.page.wait_for_timeout(400)
    assert lab.value("w.selected_pair") == []
    assert not [e for e in lab.console_errors if "tdaw" in e or "matrix" in e]


def test_toggle_shows_the_second_matrix_and_the_rank_correlation(matrix):
    lab, root, _ = matrix
    rho = lab.value("round(w.rank_correlation, 4)")
    corr = root.locator("[data-testid='ldm-correlation']").text_content()
    assert corr.startswith("Spearman \u03c1 = ") and abs(float(corr.split("=")[1]) - rho) < 1e-3
    root.locator("[data-testid='ldm-toggle-second']").click()
    lab.page.wait_for_timeout(400)
    assert lab.value("w.show_second") is True
    assert root.get_attribute("data-shown") == "second"
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
    lab.page.wait_for_timeout(500)
    lab.run("w.selected_pair = [2, 7]")  # redraw with the dark theme's colours
    lab.page.wait_for_function(
        f"() => document.querySelector('{ROOT_SEL}').dataset.selected === '2,7'"
    )
    lab.screenshot("matrix-dark", root)
    lab.screenshot("matrix-empty-dark", lab.page.locator(ROOT_SEL).nth(1))
    lab.set_theme("JupyterLab Light")
