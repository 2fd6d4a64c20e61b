"""The teaching notebooks in JupyterLab: they run, their widgets render, solutions stay collapsed."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
# notebook -> CSS class of a widget it must show
TEACHING = {
    "03_persistence_basics.ipynb": ".tdaw-filtration",
    "05_mapper.ipynb": ".tdaw-mapper-graph",
}


def _n_solutions(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return sum("solution" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.parametrize("name", sorted(TEACHING))
def test_teaching_notebook_renders_with_collapsed_solutions(lab, name):
    lab.open(name)
    lab.run_all(timeout=300_000)
    root = lab.page.locator(TEACHING[name]).first
    root.wait_for(state="visible", timeout=60_000)
    root.scroll_into_view_if_needed()
    lab.page.wait_for_timeout(500)
    lab.screenshot(f"teaching-{name.split('_')[0]}-widget", root)
    # every solution cell shows only JupyterLab's collapsed-input placeholder
    n = _n_solutions(name)
    assert n > 0, f"{name} has no solution cells"
    assert lab.page.locator(".jp-Cell .jp-InputPlaceholder").count() >= n
    assert not [e for e in lab.console_errors if "tdaw" in e.lower()]
    if name.startswith("03"):
        # a later cell set explorer.radius = 0.8: the explorer above shows it
        assert float(root.get_attribute("data-radius")) == lab.value("explorer.radius") == 0.8
        cloud = root.locator("[data-testid='filtration-cloud']")
        assert int(cloud.get_attribute("data-edges-drawn")) == lab.value("len(explorer.edges_at())")
