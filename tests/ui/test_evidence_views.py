"""Evidence in the views, in JupyterLab: the diagram's confidence band and header, the
matrix's hatched noise-floor cells, and the explorer's toggles; what the page shows is
compared with what the kernel holds. Screenshots light and dark, narrow and wide."""

import json

import pytest
from playwright.sync_api import expect
from ui_geometry import DRAWN, matrix_cell

PD = ".tdaw-persistence-diagram"
LDM = ".tdaw-layer-distance-matrix"
EXPLORER = ".tdaw-explorer"


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened and run once for the module."""
    module_lab.open("ui/evidence_views.ipynb")
    module_lab.run_all(timeout=600_000)
    return module_lab


@pytest.fixture
def lab(notebook):
    notebook.reset(EXPLORER, timeout=600_000)
    notebook.page.locator(f"{EXPLORER} {PD}").first.wait_for(timeout=120_000)
    return notebook


def _drawn(lab, root, testid):
    canvas = root.locator(f"[data-testid='{testid}']")
    lab.settled(canvas)
    expect(canvas).to_have_attribute("data-plot", DRAWN)
    return canvas


def _significant_in_page(root):
    return json.loads(root.get_attribute("data-significant"))


def test_diagram_header_and_significant_points_reach_python(lab):
    root = lab.page.locator(PD).first
    _drawn(lab, root, "pd-canvas")
    head = root.locator("[data-testid='pd-confidence-head-0']")
    # the kernel's count, and the stats' own sentence, are what the page says
    n, label = lab.value("[w.n_significant[0], conf_a.label]")
    assert n >= 1
    expect(head).to_have_text(label)
    assert head.text_content().startswith(f"{n} of ")
    expect(root.locator("[data-testid='pd-confidence-key-0']")).to_contain_text(
        "of the diagonal (L∞), the 95 % confidence set"
    )
    kernel = lab.value("[np.flatnonzero(w.significant[0]).tolist()]")
    assert _significant_in_page(root) == kernel
    # Python clears and restores it; the page follows
    lab.run("w.set_confidence(None)")
    expect(root.locator("[data-testid='pd-confidence']")).to_be_hidden()
    assert _significant_in_page(root) == []
    lab.run("w.set_confidence(conf_a)")
    expect(head).to_have_text(label)
    # a lifetime view keeps the band (the header does not change with the mode)
    root.locator("[data-testid='pd-mode-lifetime']").click()
    lab.eventually("w.mode", "lifetime")
    expect(head).to_have_text(label)
    assert not [e for e in lab.console_errors if "tdaw" in e]


def test_overlay_states_both_layers_confidence_sets(lab):
    root = lab.page.locator(PD).nth(1)
    _drawn(lab, root, "pd-canvas")
    counts, labels = lab.value("[ov.n_significant, [conf_a.label, conf_b.label]]")
    for k, (name, marker) in enumerate([("circle", "●"), ("two circles", "◇")]):
        head = root.locator(f"[data-testid='pd-confidence-head-{k}']")
        expect(head).to_have_text(f"{marker} {name}: {labels[k]}")
        assert labels[k].startswith(f"{counts[k]} of ")
    assert _significant_in_page(root) == lab.value(
        "[np.flatnonzero(m).tolist() for m in ov.significant]"
    )
    # the second layer's key is the dashed one
    expect(root.locator("[data-testid='pd-confidence-key-1'] .tdaw-pd-band-second")).to_have_count(
        1
    )


def _marked_in_kernel(lab, expr):
    return lab.value(f"np.argwhere({expr}).tolist()")


def test_matrix_hatches_the_cells_within_the_noise_and_says_why(lab):
    root = lab.page.locator(LDM).first
    canvas = _drawn(lab, root, "ldm-canvas")
    marked = json.loads(root.get_attribute("data-marked"))
    assert marked == _marked_in_kernel(lab, "m.within_noise")
    assert any(i != j for i, j in marked), "the notebook's clouds have pairs within the noise"
    legend = root.locator("[data-testid='ldm-noise-text']")
    expect(legend).to_contain_text(lab.value("assessment.label"))
    # hover a hatched pair: distance, floor and p as the kernel has them
    i, j = next((i, j) for i, j in marked if i != j)
    lab.page.mouse.move(*matrix_cell(canvas, i, j))
    tooltip = root.locator("[data-testid='ldm-tooltip']")
    tooltip.wait_for(state="visible")
    floor, p = lab.value(
        f"[float(m.noise[0]['floor'][{i}, {j}]), float(m.noise[0]['p_values'][{i}, {j}])]"
    )
    text = tooltip.text_content()
    assert "within the noise" in text
    shown = text.split("noise floor = ")[1]
    assert abs(float(shown.split(",")[0]) - floor) <= 1e-3 * max(1.0, abs(floor))
    assert abs(float(shown.split("p = ")[1].split(":")[0]) - p) <= 1e-3
    lab.run("m.set_noise_floor(None)")
    expect(root.locator("[data-testid='ldm-noise-legend']")).to_be_hidden()
    assert json.loads(root.get_attribute("data-marked")) == []


def test_explorer_confidence_on_and_noise_floors_one_click_away(lab):
    explorer = lab.page.locator(EXPLORER)
    diagram = explorer.locator(PD)
    _drawn(lab, diagram, "pd-canvas")
    # on by default in explore(): both layers' headers, the kernel's counts
    counts = lab.value("list(ex.selection.n_significant)")
    assert len(counts) == 2 and all(isinstance(c, int) for c in counts)
    names = lab.value("list(ex.diagram_confidence)")
    for k, name in enumerate(names):
        expect(diagram.locator(f"[data-testid='pd-confidence-head-{k}']")).to_contain_text(
            f"{name}: {counts[k]} of "
        )
    assert _significant_in_page(diagram) == lab.value(
        "[np.flatnonzero(m).tolist() for m in ex.diagram.significant]"
    )

    matrix = explorer.locator(LDM)
    _drawn(lab, matrix, "ldm-canvas")
    assert json.loads(matrix.get_attribute("data-marked")) == []
    explorer.locator(".widget-toggle-button", has_text="Noise floors").click()
    lab.wait_kernel(
        "ex.noise_floor_assessment is not None", "the noise floors never arrived", timeout_s=300
    )
    expected = _marked_in_kernel(lab, "ex.matrix.within_noise")
    expect(matrix).to_have_attribute("data-marked", json.dumps(expected, separators=(",", ":")))
    assert expected == _marked_in_kernel(lab, "ex.noise_floor_assessment.within_noise")
    expect(matrix.locator("[data-testid='ldm-noise-legend']")).to_be_visible()
    # the busy state is gone once the marks are in
    expect(explorer.locator(".tdaw-busy")).to_have_count(0)
    # 1 - CKA: its own marks, from CKA's shuffle null
    matrix.locator("[data-testid='ldm-toggle-second']").click()
    lab.eventually("ex.matrix.show_second", True)
    cka = _marked_in_kernel(lab, "ex.matrix.within_noise")
    expect(matrix).to_have_attribute("data-marked", json.dumps(cka, separators=(",", ":")))
    expect(matrix.locator("[data-testid='ldm-noise-text']")).to_contain_text("CKA")


def _fit_width(lab, width):
    """Resize the page so that the notebook's output area (the explorer's width) is
    ``width`` px: what a reader's screen of that width gives the views."""
    page = lab.page
    measure = f"() => document.querySelector({EXPLORER!r}).getBoundingClientRect().width"
    for _ in range(3):
        now = page.evaluate(measure)
        if abs(now - width) < 2:
            return
        page.set_viewport_size(
            {"width": int(page.viewport_size["width"] + width - now), "height": 1000}
        )
        page.wait_for_function(f"(w) => Math.abs(({measure})() - w) < 40", arg=width)


@pytest.mark.parametrize("width", [700, 1600])
def test_screenshots_light_and_dark(lab, width):
    _fit_width(lab, width)
    diagram, overlay, matrix = (
        lab.page.locator(PD).first,
        lab.page.locator(PD).nth(1),
        lab.page.locator(LDM).first,
    )
    explorer = lab.page.locator(EXPLORER)
    explorer.locator(".widget-toggle-button", has_text="Noise floors").click()
    lab.wait_kernel("ex.noise_floor_assessment is not None", "no noise floors", timeout_s=300)
    expect(explorer.locator(LDM)).not_to_have_attribute("data-marked", "[]")
    for theme, tag in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        if tag == "dark":
            lab.set_theme(theme)
            lab.wait_background(diagram, theme)
            lab.wait_background(matrix, theme)
        for name, root, testid in (
            ("diagram", diagram, "pd-canvas"),
            ("overlay", overlay, "pd-canvas"),
            ("matrix", matrix, "ldm-canvas"),
        ):
            _drawn(lab, root, testid)
            # nothing of the view is cut by the output area
            assert root.evaluate("(e) => e.scrollWidth <= e.clientWidth + 1"), name
            path = lab.screenshot(f"evidence-{name}-{tag}-{width}", root)
            assert path.stat().st_size > 0
        lab.screenshot(f"evidence-explorer-{tag}-{width}", explorer)
    lab.set_theme("JupyterLab Light")
