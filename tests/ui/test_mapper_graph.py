"""MapperGraphWidget in JupyterLab: clicks, shift-click, lasso, slider, search, drag, keyboard
(navigation, zoom and pan), Python -> view."""

import json

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from ui_geometry import DRAWN, isolated

ROOT_SEL = ".tdaw-mapper-graph"


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened and run once for the module."""
    module_lab.open("ui/mapper_views.ipynb")
    module_lab.run_all()
    return module_lab


@pytest.fixture
def mapper(notebook):
    lab = notebook
    lab.reset(ROOT_SEL)  # new views of new widgets, as a fresh run leaves them
    root = lab.page.locator(ROOT_SEL).first
    root.wait_for(timeout=60_000)
    canvas = root.locator("[data-testid='mg-canvas']")
    # the view lays the graph out, draws it and sends the positions back to the kernel
    lab.eventually("g.positions is not None", True, timeout_s=60)
    lab.settled(canvas)
    expect(canvas).to_have_attribute("data-transform", DRAWN)
    return lab, root, canvas


def _screen(lab, canvas):
    """Page coordinates of every node: kernel positions through the view's transform."""
    pos = np.array(lab.value("g.positions.tolist()"))
    t = json.loads(canvas.get_attribute("data-transform"))
    box = canvas.bounding_box()
    return np.c_[box["x"] + pos[:, 0] * t["k"] + t["x"], box["y"] + pos[:, 1] * t["k"] + t["y"]]


ARROWS = {"ArrowRight": (1, 0), "ArrowLeft": (-1, 0), "ArrowDown": (0, 1), "ArrowUp": (0, -1)}


def _local_screen(lab, canvas):
    """Canvas coordinates of every node, computed as the view does (x * k + tx)."""
    pos = np.array(lab.value("g.positions.tolist()"))
    t = json.loads(canvas.get_attribute("data-transform"))
    return np.c_[pos[:, 0] * t["k"] + t["x"], pos[:, 1] * t["k"] + t["y"]]


def _toward(s, start, key):
    """The keyboard's direction rule, written again independently of js/mapper_graph/keys.ts:
    the nearest node whose offset lies in the 90-degree cone around the arrow (along > 0,
    |across| <= along); ties by |across|, then id; no such node: stay."""
    dx, dy = ARROWS[key]
    o = s - s[start]
    along = o[:, 0] * dx + o[:, 1] * dy
    across = np.abs(o[:, 0] * dy - o[:, 1] * dx)
    ok = (along > 0) & (across <= along)
    ok[start] = False
    if not ok.any():
        return start
    d2 = o[:, 0] * o[:, 0] + o[:, 1] * o[:, 1]
    return int(min(np.flatnonzero(ok), key=lambda j: (d2[j], across[j], j)))


def _walk(s, start, keys):
    path = [start]
    for key in keys:
        path.append(_toward(s, path[-1], key))
    return path


def test_keyboard_moves_between_nodes_and_selects(mapper):
    lab, root, canvas = mapper
    page = lab.page
    s = _local_screen(lab, canvas)
    w, h = lab.value("[g.width, g.height]")
    # navigation starts at the node nearest the centre of the drawing (nothing selected)
    start = int(np.argmin((s[:, 0] - w / 2) ** 2 + (s[:, 1] - h / 2) ** 2))
    first_keys = ["ArrowRight", "ArrowRight", "ArrowDown", "ArrowRight"]
    path = _walk(s, start, first_keys)
    a = path[-1]
    assert len(set(path)) >= 3, f"the walk should move: {path}"
    root.focus()
    page.keyboard.press("ArrowLeft")  # the first key only shows where navigation starts
    expect(root).to_have_attribute("data-current-node", str(start))
    for key in first_keys:
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    lab.eventually("g.selected_nodes", [a])
    assert root.get_attribute("data-current-node") == str(a)
    tooltip = root.locator("[data-testid='mg-tooltip']")
    assert tooltip.is_visible()
    assert tooltip.text_content().startswith(f"node {a} · ")
    status = root.locator("[data-testid='mg-status']")
    assert status.get_attribute("aria-live") == "polite"
    assert status.text_content() == f"{tooltip.text_content()} · selected"
    # shift+Enter adds a second node, as shift-click does
    second_keys = ["ArrowUp", "ArrowUp", "ArrowLeft"]
    b = _walk(s, a, second_keys)[-1]
    assert b != a
    for key in second_keys:
        page.keyboard.press(key)
    page.keyboard.press("Shift+Enter")
    lab.eventually("g.selected_nodes", [a, b])
    expected = lab.value(
        f"sorted(set(g.graph.node_members({a}).tolist()) | set(g.graph.node_members({b}).tolist()))"
    )
    assert lab.value("g.selected_indices.tolist()") == expected
    # JupyterLab took none of the keys: the view kept focus and no cell ran again
    assert page.evaluate("() => document.activeElement.classList.contains('tdaw-mapper-graph')")
    lab.screenshot("mapper-keyboard-focus-light", root)
    lab.set_theme("JupyterLab Dark")
    lab.wait_background(root, "JupyterLab Dark")
    lab.screenshot("mapper-keyboard-focus-dark", root)
    lab.set_theme("JupyterLab Light")
    page.keyboard.press("Escape")
    lab.eventually("g.selected_nodes", [])
    assert root.get_attribute("data-current-node") == str(b)  # the ring stays, unselected
    lab.screenshot("mapper-keyboard-focus-unselected-light", root)
    assert not [e for e in lab.console_errors if "tdaw" in e or "mapper" in e]


ZOOM_STEP = 1.5  # js/mapper_graph/keys.ts: each + or = press
PAN_FRACTION = 0.2  # each shift+arrow pans this fraction of the drawing's width or height


def _transform(canvas):
    return json.loads(canvas.get_attribute("data-transform"))


# true when the canvas' transform matches ``target`` in every key it names, each within
# max(rel * |target|, abs), pytest.approx's tolerance
_TRANSFORM_IS = """([el, target, rel, abs]) => {
  const t = JSON.parse(el.dataset.transform || "null");
  return !!t && Object.entries(target).every(
    ([c, u]) => Math.abs(t[c] - u) <= Math.max(rel * Math.abs(u), abs)
  );
}"""


def _wait_transform(lab, canvas, target, what, *, rel=1e-9, abs=1e-6):
    """Wait until the view's transform matches ``target`` (the keys it names); return it
    (fail naming ``what`` and the last transform)."""
    try:
        lab.page.wait_for_function(
            _TRANSFORM_IS, arg=[canvas.element_handle(), target, rel, abs], timeout=30_000
        )
    except PlaywrightTimeoutError:
        raise AssertionError(f"transform {_transform(canvas)} is not {what}") from None
    return _transform(canvas)


def test_keyboard_zoom_fit_pan_and_reveal(mapper):
    lab, root, canvas = mapper
    page = lab.page
    w, h = lab.value("[g.width, g.height]")
    positions = lab.value("(_kb := 'still here', g.positions.tolist())[1]")
    root.locator("[data-testid='mg-fit']").click()
    fitted = _transform(canvas)
    root.focus()
    # no ring yet: + zooms about the centre of the drawing, which shows the same point
    page.keyboard.press("+")
    page.keyboard.press("+")
    k2 = fitted["k"] * ZOOM_STEP**2
    t = _wait_transform(lab, canvas, {"k": k2}, "zoomed in twice", abs=1e-12)
    assert t["k"] == pytest.approx(fitted["k"] * ZOOM_STEP**2, rel=1e-9)
    for c, size in (("x", w), ("y", h)):
        assert (size / 2 - t[c]) / t["k"] == pytest.approx((size / 2 - fitted[c]) / fitted["k"])
    assert root.get_attribute("data-current-node") == ""  # the view moved, not the ring
    lab.screenshot("mapper-keyboard-zoomed-light", root)
    # 0 fits, as the Fit button does; pressed twice, JupyterLab's "0, 0" (restart the
    # kernel) must not fire
    page.keyboard.press("0")
    page.keyboard.press("0")
    _wait_transform(lab, canvas, fitted, f"fitted {fitted}")
    # shift+ArrowRight looks right: the drawing moves left by PAN_FRACTION of its width
    page.keyboard.press("Shift+ArrowRight")
    panned = {**fitted, "x": fitted["x"] - PAN_FRACTION * w}
    _wait_transform(lab, canvas, panned, f"panned right {panned}")
    page.keyboard.press("Shift+ArrowUp")
    panned = {
        "k": fitted["k"],
        "x": fitted["x"] - PAN_FRACTION * w,
        "y": fitted["y"] + PAN_FRACTION * h,
    }
    _wait_transform(lab, canvas, panned, f"panned up {panned}")
    page.keyboard.press("-")
    page.keyboard.press("0")
    _wait_transform(lab, canvas, fitted, f"fitted {fitted}")
    # with the ring on a node, + keeps that node where it is on screen
    page.keyboard.press("ArrowLeft")  # shows the ring on the node nearest the centre
    expect(root).not_to_have_attribute("data-current-node", "")
    cur = int(root.get_attribute("data-current-node"))
    before = _local_screen(lab, canvas)[cur]
    page.keyboard.press("+")
    page.keyboard.press("=")
    t = _wait_transform(lab, canvas, {"k": k2}, "zoomed in twice", abs=1e-12)
    assert t["k"] == pytest.approx(fitted["k"] * ZOOM_STEP**2, rel=1e-9)
    assert _local_screen(lab, canvas)[cur] == pytest.approx(before, abs=1e-6)
    assert root.get_attribute("data-current-node") == str(cur)
    # zoom in until an arrow leads to a node outside the drawing; that arrow pans (not
    # zooms) the view so the node is inside it
    for _ in range(6):
        s = _local_screen(lab, canvas)
        outside = [
            (key, j)
            for key in ARROWS
            if (j := _toward(s, cur, key)) != cur and not (0 < s[j, 0] < w and 0 < s[j, 1] < h)
        ]
        if outside:
            break
        k = _transform(canvas)["k"]
        page.keyboard.press("+")
        _wait_transform(lab, canvas, {"k": k * ZOOM_STEP}, "zoomed", abs=1e-12)
    assert outside, "zooming in should leave some neighbour off-screen"
    key, target = outside[0]
    raw = canvas.get_attribute("data-transform")
    t = json.loads(raw)
    page.keyboard.press(key)
    expect(root).to_have_attribute("data-current-node", str(target))
    expect(canvas).not_to_have_attribute("data-transform", raw)  # moved
    after = _transform(canvas)
    assert after["k"] == t["k"]
    assert (after["x"], after["y"]) != (t["x"], t["y"])
    x, y = _local_screen(lab, canvas)[target]
    assert 0 < x < w and 0 < y < h
    lab.screenshot("mapper-keyboard-revealed-light", root)
    # zoom and pan are the view's own: the kernel's positions did not move, the kernel
    # was not restarted, and the view kept the focus
    assert lab.value("g.positions.tolist()") == positions
    assert lab.value("_kb") == "still here"
    assert page.evaluate("() => document.activeElement.classList.contains('tdaw-mapper-graph')")
    assert not [e for e in lab.console_errors if "tdaw" in e or "mapper" in e]


def test_click_and_shift_click_select_nodes_and_indices(mapper):
    lab, root, canvas = mapper
    xy = _screen(lab, canvas)
    a, b = isolated(xy, 2)
    lab.page.mouse.click(*xy[a])
    lab.eventually("g.selected_nodes", [a])
    lab.page.keyboard.down("Shift")
    lab.page.mouse.click(*xy[b])
    lab.page.keyboard.up("Shift")
    lab.eventually("g.selected_nodes", [a, b])
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
    expect(root).to_have_attribute("data-mode", "lasso")
    lab.settled(canvas)  # the click may have scrolled the notebook
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
    lab.eventually("sorted(g.selected_nodes)", inside)
    assert root.get_attribute("data-selected-nodes") == ",".join(
        map(str, lab.value("g.selected_nodes"))
    )


def _wait_threshold(lab, x):
    """Wait until the kernel's edge threshold is ``x`` (within pytest.approx's 1e-6)."""
    lab.wait_kernel(
        f"abs(g.edge_threshold - {x}) <= 1e-6 * {x}",
        lambda: f"g.edge_threshold = {lab.value('g.edge_threshold')}, expected {x}",
    )


def test_slider_and_class_search(mapper):
    lab, root, _ = mapper
    root.locator("[data-testid='mg-threshold']").fill("0.3")
    _wait_threshold(lab, 0.3)
    shown = lab.value("int((g.edge_weights >= 0.3 - 1e-12).sum())")
    expect(root).to_have_attribute("data-visible-edges", str(shown))
    # arrow keys step the focused slider (JupyterLab's shortcuts must not take them)
    root.locator("[data-testid='mg-threshold']").focus()
    for _ in range(5):
        lab.page.keyboard.press("ArrowRight")
    _wait_threshold(lab, 0.35)
    root.locator("[data-testid='mg-threshold']").fill("0.3")
    _wait_threshold(lab, 0.3)
    root.locator("[data-testid='mg-search']").fill("B")
    lab.eventually("g.class_filter", "B")
    dimmed = lab.value("int((g.class_counts[:, 2] == 0).sum())")
    expect(root).to_have_attribute("data-dimmed", str(dimmed))
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
    lab.wait_kernel(f"g.positions[{k}].tolist() != {before!r}", f"node {k} did not move")
    after = lab.value(f"g.positions[{k}].tolist()")
    t = json.loads(canvas.get_attribute("data-transform"))
    assert after[0] - before[0] == pytest.approx(30 / t["k"], abs=1.5 / t["k"])
    assert after[1] - before[1] == pytest.approx(20 / t["k"], abs=1.5 / t["k"])
    # restoring positions from Python places the nodes there (a click finds node 0)
    raw = canvas.get_attribute("data-transform")
    lab.run(
        "import numpy as _np; _p = g.positions.copy(); _p[0] = _p.mean(0) + 1e6; g.positions = _p"
    )
    # node 0 far away: the view fits the drawing to the new positions
    expect(canvas).not_to_have_attribute("data-transform", raw)
    xy = _screen(lab, canvas)
    page.mouse.click(*xy[0])
    lab.eventually("g.selected_nodes", [0])


def test_value_colours_empty_state_and_dark_theme(mapper):
    lab, root, _ = mapper
    values = lab.page.locator(ROOT_SEL).nth(1)
    assert values.locator("[data-testid='mg-legend']").text_content().startswith("l2 norm")
    empty = lab.page.locator(ROOT_SEL).nth(2).locator("[data-testid='mg-empty']")
    assert empty.is_visible()
    lab.screenshot("mapper-values-light", values)
    lab.set_theme("JupyterLab Dark")
    lab.wait_background(root, "JupyterLab Dark")
    lab.run("g.selected_nodes = [1, 2]; v.edge_threshold = 0.01")  # redraw with dark colours
    expect(root).to_have_attribute("data-selected-nodes", "1,2")
    lab.screenshot("mapper-dark", root)
    lab.screenshot("mapper-values-dark", values)
    lab.screenshot("mapper-empty-dark", lab.page.locator(ROOT_SEL).nth(2))
    lab.set_theme("JupyterLab Light")
