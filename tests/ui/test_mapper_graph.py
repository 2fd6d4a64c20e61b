"""MapperGraphWidget in JupyterLab: clicks, shift-click, lasso, slider, search, drag, Python -> view."""

import json

import numpy as np
import pytest
from ui_geometry import isolated

ROOT_SEL = ".tdaw-mapper-graph"


@pytest.fixture
def mapper(lab):
    lab.open("ui/mapper_views.ipynb")
    lab.run_all()
    root = lab.page.locator(ROOT_SEL).first
    root.wait_for(timeout=60_000)
    canvas = root.locator("[data-testid='mg-canvas']")
    canvas.scroll_into_view_if_needed()
    # the view lays the graph out and sends the positions back to the kernel
    for _ in range(50):
        if lab.value("g.positions is not None"):
            break
        lab.page.wait_for_timeout(200)
    lab.page.wait_for_timeout(300)
    return lab, root, canvas


def _screen(lab, canvas):
    """Page coordinates of every node: kernel positions through the view's transform."""
    pos = np.array(lab.value("g.positions.tolist()"))
    t = json.loads(canvas.get_attribute("data-transform"))
    box = canvas.bounding_box()
    return np.c_[box["x"] + pos[:, 0] * t["k"] + t["x"], box["y"] + pos[:, 1] * t["k"] + t["y"]]


def test_click_and_shift_click_select_nodes_and_indices(mapper):
    lab, root, canvas = mapper
    xy = _screen(lab, canvas)
    a, b = isolated(xy, 2)
    lab.page.mouse.click(*xy[a])
    lab.page.wait_for_timeout(400)
    assert lab.value("g.selected_nodes") == [a]
    lab.page.keyboard.down("Shift")
    lab.page.mouse.click(*xy[b])
    lab.page.keyboard.up("Shift")
    lab.page.wait_for_timeout(400)
    assert lab.value("g.selected_nodes") == [a, b]
    expected = lab.value(
        f"sorted(set(g.graph.node_members({a}).tolist()) | set(g.graph.node_members({b}).tolist()))"
    )
    assert lab.value("g.selected_indices.tolist()") == expected
    detail = root.locator("[data-testid='mg-detail-size']")
    detail.wait_for()
    assert detail.text_content() == f"2 nodes · {len(expected)} points"
    thumbs = root.locator("[data-testid='mg-thumbnails'] .tdaw-mg-thumb")
    assert thumbs.count() == min(12, len(expected))
    lab.screenshot("mapper-selected-light", root)
    assert not [e for e in lab.console_errors if "tdaw" in e or "mapper" in e]


def test_lasso_selects_exactly_the_nodes_inside(mapper):
    lab, root, canvas = mapper
    root.locator("[data-testid='mg-mode-lasso']").click()
    assert root.get_attribute("data-mode") == "lasso"
    canvas.scroll_into_view_if_needed()  # the click may have scrolled the notebook
    lab.page.wait_for_timeout(300)
    xy = _screen(lab, canvas)
    box = canvas.bounding_box()
    # a box over the left 40% of the drawing, nudged so no node centre sits on its edge
    x0, y0 = box["x"] + 4, box["y"] + 4
    x1, y1 = box["x"] + 0.4 * box["width"], box["y"] + box["height"] - 4
    while np.any(np.abs(xy[:, 0] - x1) < 4):
        x1 += 5
    inside = sorted(
        int(k)
        for k in np.flatnonzero(
            (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
        )
    )
    assert inside, "the box should hold some nodes"
    page = lab.page
    page.mouse.move(x0, y0)
    page.mouse.down()
    for x, y in [(x1, y0), (x1, y1), (x0, y1), (x0, y0 + 1)]:
        page.mouse.move(x, y, steps=6)
    page.mouse.up()
    page.wait_for_timeout(500)
    assert sorted(lab.value("g.selected_nodes")) == inside
    assert root.get_attribute("data-selected-nodes") == ",".join(
        map(str, lab.value("g.selected_nodes"))
    )


def test_slider_and_class_search(mapper):
    lab, root, _ = mapper
    root.locator("[data-testid='mg-threshold']").fill("0.3")
    lab.page.wait_for_timeout(400)
    assert lab.value("g.edge_threshold") == pytest.approx(0.3)
    shown = lab.value("int((g.edge_weights >= 0.3 - 1e-12).sum())")
    assert root.get_attribute("data-visible-edges") == str(shown)
    # arrow keys step the focused slider (JupyterLab's shortcuts must not take them)
    root.locator("[data-testid='mg-threshold']").focus()
    for _ in range(5):
        lab.page.keyboard.press("ArrowRight")
    lab.page.wait_for_timeout(400)
    assert lab.value("g.edge_threshold") == pytest.approx(0.35)
    root.locator("[data-testid='mg-threshold']").fill("0.3")
    lab.page.wait_for_timeout(400)
    root.locator("[data-testid='mg-search']").fill("B")
    lab.page.wait_for_timeout(400)
    assert lab.value("g.class_filter") == "B"
    dimmed = lab.value("int((g.class_counts[:, 2] == 0).sum())")
    assert root.get_attribute("data-dimmed") == str(dimmed)
    lab.screenshot("mapper-filtered-light", root)
    lab.run("g.class_filter = ''; g.edge_threshold = 0.0")
    lab.page.wait_for_function(f"() => document.querySelector('{ROOT_SEL}').dataset.dimmed === '0'")
    assert root.locator("[data-testid='mg-search']").input_value() == ""


def test_python_selection_positions_and_drag(mapper):
    lab, _root, canvas = mapper
    # selecting points from Python selects every node that holds them
    nodes = lab.value(
        "(setattr(g, 'selected_indices', g.graph.node_members(3)[:1]), g.selected_nodes)[1]"
    )
    assert 3 in nodes
    lab.page.wait_for_function(
        f"() => document.querySelector('{ROOT_SEL}').dataset.selectedNodes === '{','.join(map(str, nodes))}'"
    )
    # drag a node: it stays where it is dropped and the kernel gets its new position
    xy = _screen(lab, canvas)
    k = isolated(xy, 1)[0]
    before = lab.value(f"g.positions[{k}].tolist()")
    page = lab.page
    page.mouse.move(*xy[k])
    page.mouse.down()
    page.mouse.move(xy[k][0] + 30, xy[k][1] + 20, steps=6)
    page.mouse.up()
    page.wait_for_timeout(500)
    after = lab.value(f"g.positions[{k}].tolist()")
    t = json.loads(canvas.get_attribute("data-transform"))
    assert after[0] - before[0] == pytest.approx(30 / t["k"], abs=1.5 / t["k"])
    assert after[1] - before[1] == pytest.approx(20 / t["k"], abs=1.5 / t["k"])
    # restoring positions from Python places the nodes there (a click finds node 0)
    lab.run(
        "import numpy as _np; _p = g.positions.copy(); _p[0] = _p.mean(0) + 1e6; g.positions = _p"
    )
    page.wait_for_timeout(600)
    xy = _screen(lab, canvas)
    page.mouse.click(*xy[0])
    page.wait_for_timeout(400)
    assert lab.value("g.selected_nodes") == [0]


def test_value_colours_empty_state_and_dark_theme(mapper):
    lab, root, _ = mapper
    values = lab.page.locator(ROOT_SEL).nth(1)
    assert values.locator("[data-testid='mg-legend']").text_content().startswith("l2 norm")
    empty = lab.page.locator(ROOT_SEL).nth(2).locator("[data-testid='mg-empty']")
    assert empty.is_visible()
    lab.screenshot("mapper-values-light", values)
    lab.set_theme("JupyterLab Dark")
    lab.page.wait_for_timeout(500)
    lab.run("g.selected_nodes = [1, 2]; v.edge_threshold = 0.01")  # redraw with dark colours
    lab.page.wait_for_function(
        f"() => document.querySelector('{ROOT_SEL}').dataset.selectedNodes === '1,2'"
    )
    lab.page.wait_for_timeout(300)
    lab.screenshot("mapper-dark", root)
    lab.screenshot("mapper-values-dark", values)
    lab.screenshot("mapper-empty-dark", lab.page.locator(ROOT_SEL).nth(2))
    lab.set_theme("JupyterLab Light")
