"""The teaching notebooks in JupyterLab: they run, their widgets render, solutions stay collapsed.

These notebooks are run here and not again headless (``BROWSER_RUN`` in notebook_runs.py):
every code cell must have run without raising, checked in the notebook's model, and the
per-cell times are reported (printed and as the ``wall_time_s``/``slowest_cells``
junit properties), never asserted.
"""

import time
from pathlib import Path

import nbformat
import pytest
from notebook_runs import BROWSER_RUN, browser_cells_ran, record_timing, slowest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# notebook -> CSS class of a widget it must show
TEACHING = {
    "03_persistence_basics.ipynb": ".tdaw-filtration",
    "05_mapper.ipynb": ".tdaw-mapper-graph",
}
RUN_TIMEOUT_MS = 300_000


def _n_solutions(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return sum("solution" in c.metadata.get("tags", []) for c in nb.cells)


def test_every_teaching_notebook_is_listed_as_browser_run():
    here = {n for n, module in BROWSER_RUN.items() if module.endswith(Path(__file__).name)}
    assert here == set(TEACHING)


@pytest.mark.parametrize("name", sorted(TEACHING))
def test_teaching_notebook_renders_with_collapsed_solutions(lab, name, record_property):
    lab.open(name)
    record_timing(lab.page)
    start = time.perf_counter()
    lab.run_all(timeout=RUN_TIMEOUT_MS)
    times = browser_cells_ran(lab.page, name, RUN_TIMEOUT_MS)
    elapsed = time.perf_counter() - start
    record_property("wall_time_s", round(elapsed, 1))
    record_property("slowest_cells", slowest(times))
    print(f"\n{name} in JupyterLab: {elapsed:.1f} s; slowest: {slowest(times)}")

    root = lab.page.locator(TEACHING[name]).first
    root.wait_for(state="visible", timeout=60_000)
    lab.screenshot(f"teaching-{name.split('_')[0]}-widget", root)
    # every solution cell shows only JupyterLab's collapsed-input placeholder
    n = _n_solutions(name)
    assert n > 0, f"{name} has no solution cells"
    assert lab.page.locator(".jp-Cell .jp-InputPlaceholder").count() >= n
    assert not [e for e in lab.console_errors if "tdaw" in e.lower()]
    if name.startswith("03"):
        # a later cell set explorer.radius = 0.8: the explorer above shows it
        assert lab.value("explorer.radius") == 0.8
        lab.page.wait_for_function(
            "(e) => Number(e.getAttribute('data-radius')) === 0.8", arg=root.element_handle()
        )
        cloud = root.locator("[data-testid='filtration-cloud']")
        n_edges = lab.value("len(explorer.edges_at())")
        lab.page.wait_for_function(
            "([e, n]) => Number(e.getAttribute('data-edges-drawn')) === n",
            arg=[cloud.element_handle(), n_edges],
        )
