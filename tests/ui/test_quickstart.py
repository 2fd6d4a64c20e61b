"""End to end: the quickstart notebook in JupyterLab, a real click, the kernel's view of it.

The quickstart is run here and not again headless (``BROWSER_RUN`` in notebook_runs.py):
every code cell must have run without raising, checked in the notebook's model; the
per-cell times are reported (printed and as junit properties), never asserted.
"""

import json
import time

from notebook_runs import BROWSER_RUN, browser_cells_ran, record_timing, slowest
from ui_geometry import diagram_pixel

NOTEBOOK = "01_quickstart.ipynb"
RUN_TIMEOUT_MS = 480_000

SINGLE = ".tdaw-persistence-diagram:has([data-testid='pd-title']:text(': H0 and H1'))"


def test_the_quickstart_is_listed_as_browser_run():
    assert BROWSER_RUN[NOTEBOOK].endswith("test_quickstart.py")


def test_quickstart_runs_and_a_click_on_a_diagram_point_reaches_the_kernel(lab, record_property):
    lab.open(NOTEBOOK)
    record_timing(lab.page)
    start = time.perf_counter()
    lab.run_all(timeout=RUN_TIMEOUT_MS)
    times = browser_cells_ran(lab.page, NOTEBOOK, RUN_TIMEOUT_MS)
    elapsed = time.perf_counter() - start
    record_property("wall_time_s", round(elapsed, 1))
    record_property("slowest_cells", slowest(times))
    print(f"\n{NOTEBOOK} in JupyterLab: {elapsed:.1f} s; slowest: {slowest(times)}")

    assert lab.value("len(explorer.layers)") == 17
    root = lab.page.locator(SINGLE).first
    canvas = root.locator("[data-testid='pd-canvas']")
    canvas.wait_for(state="visible", timeout=60_000)
    canvas.scroll_into_view_if_needed()
    lab.screenshot("quickstart-diagram", root)

    # the most persistent H1 point, as the kernel knows it
    idx, birth, death = lab.value(
        "(lambda d: (lambda i: [i, float(d[i, 0]), float(d[i, 1])])"
        "(int((d[:, 1] - d[:, 0]).argmax())))(diagram.diagrams[1])"
    )
    plot = json.loads(canvas.get_attribute("data-plot"))
    box = canvas.bounding_box()
    lab.page.mouse.click(*diagram_pixel(plot, birth, death, box))
    lab.eventually("diagram.selected_points", [[1, idx]])
    assert 2 <= len(lab.value("diagram.selected_images.tolist()")) <= 4

    # shift-click the H0 point at infinity: added to the selection
    inf_idx = lab.value("int(__import__('numpy').isinf(diagram.diagrams[0][:, 1]).nonzero()[0][0])")
    x, y = diagram_pixel(plot, 0.0, None, box)
    lab.page.keyboard.down("Shift")
    lab.page.mouse.click(x, y)
    lab.page.keyboard.up("Shift")
    lab.eventually("diagram.selected_points", [[1, idx], [0, inf_idx]])
    lab.screenshot("quickstart-diagram-selected", root)

    # a click on empty space clears
    lab.page.mouse.click(
        box["x"] + plot["left"] + plot["plotW"] - 5, box["y"] + plot["top"] + plot["plotH"] - 5
    )
    lab.eventually("diagram.selected_points", [])
    lab.screenshot("quickstart-explorer", lab.page.locator(".tdaw-explorer").first)
    assert not [e for e in lab.console_errors if "tdaw" in e or "persistence" in e]


def test_python_side_changes_reach_the_view(lab):
    lab.open("ui/persistence_views.ipynb")
    lab.run_all()
    legend = lab.page.locator("[data-testid='pd-legend-h1']").first
    legend.wait_for(timeout=60_000)
    assert legend.get_attribute("aria-pressed") == "true"
    lab.run("w.visible_dims = [0]")
    lab.page.wait_for_function(
        "() => document.querySelector(\"[data-testid='pd-legend-h1']\").getAttribute('aria-pressed') === 'false'"
    )
    # and the legend button hides/shows from the view, reaching the kernel
    legend.click()
    lab.eventually("w.visible_dims", [0, 1])
    lab.run("w.title = 'Changed from Python'")
    lab.page.wait_for_function(
        "() => document.querySelector(\"[data-testid='pd-title']\").textContent === 'Changed from Python'"
    )
