"""The linked explorer on the default model: matrix -> diagrams + Mapper, diagram point ->
gallery, Mapper nodes followed across layers; and its exported HTML, offline."""

import json
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect
from ui_geometry import DRAWN, diagram_point, isolated, matrix_cell

EX = ".tdaw-explorer"
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def notebook(module_lab):
    """The notebook, opened and run once for the module."""
    module_lab.page.set_viewport_size({"width": 1400, "height": 2200})  # the whole dashboard
    module_lab.open("ui/explorer.ipynb")
    module_lab.run_all(timeout=480_000)
    return module_lab


@pytest.fixture
def explorer(notebook):
    lab = notebook
    lab.reset(EX, timeout=480_000)  # a new explorer, as a fresh run leaves it
    lab.page.locator(f"{EX} .tdaw-layer-distance-matrix").wait_for(timeout=120_000)
    return lab


def _wait_positions(lab):
    """Wait until the Mapper view has sent its layout back to the kernel."""
    lab.eventually("ex.mapper.positions is not None", True)


def _mapper_screen(lab, page):
    """Page coordinates of the explorer's Mapper nodes, and the canvas."""
    _wait_positions(lab)
    mcanvas = lab.settled(page.locator(f"{EX} [data-testid='mg-canvas']"))
    expect(mcanvas).to_have_attribute("data-transform", DRAWN)
    pos = np.array(lab.value("ex.mapper.positions.tolist()"))
    t = json.loads(mcanvas.get_attribute("data-transform"))
    box = mcanvas.bounding_box()
    return np.c_[box["x"] + pos[:, 0] * t["k"] + t["x"], box["y"] + pos[:, 1] * t["k"] + t["y"]]


def test_matrix_cell_diagram_point_and_mapper_nodes_are_linked(explorer):
    lab = explorer
    page = lab.page
    matrix = page.locator(f"{EX} [data-testid='ldm-canvas']")
    matrix.scroll_into_view_if_needed()
    page.mouse.click(*matrix_cell(matrix, 2, 10))
    lab.eventually("ex.matrix.selected_pair", [2, 10])
    assert lab.value("list(ex.selection.layers)") == lab.value("[layers[2], layers[10]]")
    assert lab.value("ex.diagram.names") == lab.value("[layers[2], layers[10]]")
    assert lab.value("ex.mapper.title") == lab.value("'Mapper of ' + layers[10]")
    assert lab.value("ex.layer_picker.value") == 10
    lab.screenshot("explorer-pair", page.locator(EX))

    # a diagram point -> the images of its generator edges in the gallery
    k, birth, death = lab.value(
        "(lambda d: (lambda k: [k, float(d[k, 0]), float(d[k, 1])])"
        "(int((d[:, 1] - d[:, 0]).argmax())))(ex.diagram.diagrams[1])"
    )
    canvas = page.locator(f"{EX} [data-testid='pd-canvas']")
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*diagram_point(canvas, birth, death))
    lab.eventually("ex.diagram.selected_points", [[1, k]])
    expected = lab.value(
        f"sorted({{int(ex.clouds[2].image_index[v]) for v in ex.diagrams[layers[2]].generators[1][{k}] if v >= 0}})"
    )
    assert 2 <= len(expected) <= 4
    lab.eventually("ex.gallery.indices", expected)
    assert lab.value("ex.selected_images.tolist()") == expected
    lab.screenshot("explorer-feature-gallery", page.locator(EX))

    # Mapper nodes -> gallery; switch layer -> the same images' nodes are selected there
    xy = _mapper_screen(lab, page)
    (node,) = isolated(xy, 1)
    page.mouse.click(*xy[node])
    lab.eventually("ex.mapper.selected_nodes", [node])
    followed = lab.value(
        f"sorted(set(ex.clouds[10].image_index[ex.mapper.graph.node_members({node})].tolist()))"
    )
    lab.eventually("ex.gallery.indices", followed)

    picker = page.locator(EX).get_by_label("Mapper of")
    picker.select_option(label=lab.value("layers[5]"))
    lab.eventually("ex.mapper.title", lab.value("'Mapper of ' + layers[5]"))
    assert lab.value("ex.matrix.selected_pair") == [2, 5]
    # independently: the nodes of layer 5's graph that hold any followed image
    nodes = lab.value(
        f"[n for n in range(ex.mapper.graph.n_nodes) if set(ex.clouds[5].image_index["
        f"ex.mapper.graph.node_members(n)].tolist()) & set({followed})]"
    )
    assert nodes
    lab.eventually("sorted(ex.mapper.selected_nodes)", nodes)
    held = lab.value("sorted(set(ex.clouds[5].image_index[ex.mapper.selected_indices].tolist()))")
    assert set(followed) <= set(held)
    _wait_positions(lab)
    root = page.locator(f"{EX} .tdaw-mapper-graph")
    page.wait_for_function(
        "(s) => document.querySelector('.tdaw-explorer .tdaw-mapper-graph').dataset.selectedNodes === s",
        arg=",".join(map(str, lab.value("ex.mapper.selected_nodes"))),
    )
    lab.screenshot("explorer-followed", page.locator(EX))
    del root


def test_exported_html_works_offline_from_file(explorer, browser, tmp_path):
    lab = explorer
    out = tmp_path / "explorer.html"
    # the page opens on the selection on screen (test_explorer_export_screen.py): start
    # from none, so that the click below makes the only selection
    lab.run("ex.mapper.selected_nodes = []\nex.diagram.selected_points = []")
    assert lab.value("ex.selected_images.tolist()") == []
    lab.run(f"ex.to_html({str(out)!r})")
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 1000})
    requests = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(out.as_uri())
        page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=60_000)
        matrix = page.locator("[data-view='matrix'] [data-testid='ldm-canvas']")
        layers = lab.value("[layers[1], layers[7]]")
        page.mouse.click(*matrix_cell(matrix, 1, 7))
        page.wait_for_function(
            "(l) => JSON.stringify(JSON.parse(document.body.dataset.layers || 'null'))"
            " === JSON.stringify(l)",
            arg=layers,
        )
        assert json.loads(page.evaluate("() => document.body.dataset.layers")) == layers
        title = page.locator("[data-view='diagram'] [data-testid='pd-title']").text_content()
        assert layers[0] in title and layers[1] in title
        # click a Mapper node: the gallery shows that node's images
        page.wait_for_function(
            "() => window.tdaw.models.mapper.get('positions') != null", timeout=30_000
        )
        # the diagram's two confidence headers push the Mapper below a 1000 px viewport:
        # bring its canvas into view, so that the node's page coordinates are on screen
        page.locator("[data-view='mapper'] [data-testid='mg-canvas']").scroll_into_view_if_needed()
        xy = page.evaluate(
            """() => {
              const m = window.tdaw.models.mapper;
              const p = m.get('positions');
              const view = new Float64Array(p.buffer.buffer, p.buffer.byteOffset, p.buffer.byteLength / 8);
              const canvas = document.querySelector("[data-view='mapper'] [data-testid='mg-canvas']");
              const t = JSON.parse(canvas.dataset.transform);
              const box = canvas.getBoundingClientRect();
              const out = [];
              for (let k = 0; k < view.length / 2; k++)
                out.push([box.x + view[2 * k] * t.k + t.x, box.y + view[2 * k + 1] * t.k + t.y]);
              return out;
            }"""
        )
        (node,) = isolated(np.array(xy), 1)
        expected = lab.value(
            f"sorted(set(ex.clouds[7].image_index[ex.mapper_view(7).graph.node_members({node})].tolist()))"
        )
        page.mouse.click(*xy[node])
        page.wait_for_function(
            "(e) => JSON.stringify(JSON.parse(document.querySelector(\"[data-testid='gallery']\")"
            ".dataset.images || 'null')) === JSON.stringify(e)",
            arg=expected,
        )
        shown = json.loads(page.locator("[data-testid='gallery']").get_attribute("data-images"))
        assert shown == expected
        # at 1300 px the gallery sits beside the Mapper, and scrolls rather than grow the page
        mapper_box = page.locator("[data-view='mapper']").bounding_box()
        gallery_box = page.locator("[data-testid='gallery']").bounding_box()
        assert gallery_box["x"] >= mapper_box["x"] + mapper_box["width"], (mapper_box, gallery_box)
        assert gallery_box["y"] < mapper_box["y"] + mapper_box["height"], (mapper_box, gallery_box)
        assert gallery_box["height"] <= 480.5, gallery_box
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer-export.png"), full_page=True)
        assert not errors, errors
        assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests
    finally:
        context.close()


_BUSY_WATCH_JS = """
() => {
  // record every view that shows the busy state, however briefly
  window.__tdawBusy = [];
  const root = document.querySelector('.tdaw-explorer');
  // (the class may come and go within one task: an old value with it counts too)
  new MutationObserver((records) => {
    for (const r of records)
      if (r.target.classList.contains('tdaw-busy') || (r.oldValue || '').includes('tdaw-busy'))
        window.__tdawBusy.push(r.target.querySelector('[data-testid]')?.dataset.testid || '?');
  }).observe(root, {
    attributes: true, attributeFilter: ['class'], attributeOldValue: true, subtree: true,
  });
}
"""


def _page_titles(page):
    q = lambda sel: page.locator(f"{EX} {sel}").first.text_content().strip()  # noqa: E731
    return {
        "matrix": q("[data-testid='ldm-title']"),
        "diagram": q("[data-testid='pd-title']"),
        "mapper": q("[data-testid='mg-title']"),
        "gallery": q("[data-testid='gallery-heading']"),
    }


def _selection(lab):
    return lab.value(
        "(lambda s: {'layers': list(s.layers), 'points': [list(p) for p in s.points], "
        "'nodes': list(s.nodes), 'images': s.images.tolist(), 'source': s.source, "
        "'origin': s.origin})(ex.selection)"
    )


def _wait_gallery(page, prefix):
    page.wait_for_function(
        "(p) => (document.querySelector(\".tdaw-explorer [data-testid='gallery-heading']\")"
        "?.textContent || '').startsWith(p)",
        arg=prefix,
        timeout=30_000,
    )


def test_selection_rule_walk_diagram_nodes_layer_metric(explorer):
    """diagram point -> Mapper nodes -> another Mapper layer -> the metric toggle: after
    each step the page's titles and ``explorer.selection`` follow the documented rule."""
    lab = explorer
    page = lab.page
    layers = lab.value("layers")
    i, j = lab.value("list(ex.pair)")

    # 1. a diagram point: its feature's images; the Mapper highlights the nodes holding them
    k, birth, death = lab.value(
        "(lambda d: (lambda k: [k, float(d[k, 0]), float(d[k, 1])])"
        "(int((d[:, 1] - d[:, 0]).argmax())))(ex.diagram.diagrams[1])"
    )
    canvas = page.locator(f"{EX} [data-testid='pd-canvas']")
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*diagram_point(canvas, birth, death))
    origin = f"H1 feature {k} of {layers[i]}"
    _wait_gallery(page, origin + ":")
    sel = _selection(lab)
    assert (sel["source"], sel["points"], sel["origin"]) == ("diagram", [[1, k]], origin)
    feature = lab.value("sorted(ex.diagram.selected_images.tolist())")
    assert sel["images"] == feature and sel["nodes"]
    holding = lab.value(
        f"[n for n in range(ex.mapper.graph.n_nodes) if set(ex.clouds[{j}].image_index["
        f"ex.mapper.graph.node_members(n)].tolist()) & set({feature})]"
    )
    assert sel["nodes"] == holding
    titles = _page_titles(page)
    assert titles["gallery"] == f"{origin}: {len(feature)} images"
    assert titles["mapper"] == f"Mapper of {layers[j]}"

    # 2. Mapper nodes replace it: the diagram point is no longer ringed
    xy = _mapper_screen(lab, page)
    (node,) = isolated(xy, 1)
    page.mouse.click(*xy[node])
    origin = f"Mapper nodes of {layers[j]}"
    _wait_gallery(page, origin + ":")
    page.wait_for_function(
        f"() => document.querySelector('{EX} .tdaw-persistence-diagram').dataset.selected === '[]'"
    )
    sel = _selection(lab)
    followed = lab.value(
        f"sorted(set(ex.clouds[{j}].image_index[ex.mapper.graph.node_members({node})].tolist()))"
    )
    assert (sel["source"], sel["points"], sel["nodes"]) == ("mapper", [], [node])
    assert (sel["images"], sel["origin"]) == (followed, origin)
    assert _page_titles(page)["gallery"].startswith(f"{origin}: {len(followed)} image")

    # 3. another Mapper layer keeps the images, follows them, and the titles say so
    page.evaluate(_BUSY_WATCH_JS)
    new = 5 if j != 5 else 6
    page.locator(EX).get_by_label("Mapper of").select_option(label=layers[new])
    origin = f"Mapper nodes of {layers[j]}, followed to {layers[new]}"
    _wait_gallery(page, origin + ":")
    page.wait_for_function(
        "(t) => [...document.querySelectorAll(\".tdaw-explorer [data-testid='mg-title']\")]"
        ".some((e) => e.textContent === t && e.offsetParent !== null)",
        arg=f"Mapper of {layers[new]}",
    )
    sel = _selection(lab)
    assert sel["layers"] == [layers[i], layers[new]]
    assert (sel["source"], sel["points"], sel["images"]) == ("mapper", [], followed)
    assert sel["origin"] == origin
    holding = lab.value(
        f"[n for n in range(ex.mapper.graph.n_nodes) if set(ex.clouds[{new}].image_index["
        f"ex.mapper.graph.node_members(n)].tolist()) & set({followed})]"
    )
    assert sel["nodes"] == holding
    assert _page_titles(page)["diagram"] == f"{layers[i]} (filled) vs {layers[new]} (hollow)"
    # the diagram and the Mapper were recomputed: both showed the busy state
    busy = page.evaluate("() => window.__tdawBusy")
    assert "persistence-diagram" in busy and "mapper-graph" in busy, busy
    assert page.locator(f"{EX} .tdaw-busy").count() == 0

    # 4. the metric toggle renames the matrix; the selection is kept as it was
    before = sel
    page.locator(f"{EX} [data-testid='ldm-toggle-second']").click()
    page.wait_for_function(
        "() => document.querySelector(\".tdaw-explorer [data-testid='ldm-title']\")"
        ".textContent === 'Layer distances (1 - linear CKA)'"
    )
    lab.eventually("ex.matrix.show_second", True)
    assert lab.value("ex.matrix.title") == "Layer distances (1 - linear CKA)"
    assert page.locator(f"{EX} [data-testid='ldm-metric-label']").text_content() == (
        "1 - linear CKA"
    )
    assert _selection(lab) == before
    assert _page_titles(page)["gallery"].startswith(origin + ":")
    lab.screenshot("explorer-selection-walk", page.locator(EX))


def test_images_along_a_loop_in_cyclic_order(explorer):
    """an H1 point -> "Images along this loop" -> the gallery lists the representative
    cycle's images in cyclic order (DOM order = the kernel's), and
    ``explorer.selected_images`` holds them in that order."""
    lab = explorer
    page = lab.page
    layers = lab.value("layers")
    i = lab.value("ex.pair[0]")
    button = page.locator(f"{EX} .tdaw-loop-button")
    expect(button).to_be_hidden()  # offered only for one H1 point

    k, birth, death = lab.value(
        "(lambda d: (lambda k: [k, float(d[k, 0]), float(d[k, 1])])"
        "(int((d[:, 1] - d[:, 0]).argmax())))(ex.diagram.diagrams[1])"
    )
    canvas = page.locator(f"{EX} [data-testid='pd-canvas']")
    canvas.scroll_into_view_if_needed()
    page.mouse.click(*diagram_point(canvas, birth, death))
    lab.eventually("ex.diagram.selected_points", [[1, k]])
    expect(button).to_be_visible()
    expect(button).to_have_text("Images along this loop")

    page.evaluate(_BUSY_WATCH_JS)
    button.click()
    origin = f"Loop of H1 feature {k} of {layers[i]}"
    _wait_gallery(page, origin + ":")
    # independently, in the kernel: the cycle of the clicked bar (by its birth and death)
    # on the layer's cloud, mapped to images
    expected = lab.value(
        f"(lambda c: c.image_index[tda_widgets.representative_cycle(c, point=({birth!r}, "
        f"{death!r}), diagrams=ex.diagrams[layers[{i}]]).vertices].tolist())(ex.clouds[{i}])"
    )
    assert len(expected) >= 3
    lab.eventually("ex.selected_images.tolist()", expected)
    assert lab.value("ex.gallery.indices") == expected
    sel = _selection(lab)
    assert (sel["source"], sel["points"], sel["origin"]) == ("diagram", [[1, k]], origin)
    assert lab.value(f"ex.clouds[{i}].image_index[ex.selection.loop.vertices].tolist()") == expected

    # the gallery's items, in DOM order, are the kernel's order, captioned k/m
    m, shown = len(expected), min(len(expected), lab.value("ex.gallery.max_images"))
    page.wait_for_function(
        "(n) => document.querySelectorAll(\".tdaw-explorer [data-testid='gallery-item']\")"
        ".length === n",
        arg=shown,
    )
    items = page.locator(f"{EX} [data-testid='gallery-item']")
    dom = [int(v) for v in items.evaluate_all("(es) => es.map((e) => e.dataset.image)")]
    assert dom == expected[:shown]
    captions = items.evaluate_all("(es) => es.map((e) => e.textContent)")
    for p, caption in enumerate(captions):
        assert caption.startswith(f"{p + 1}/{m}#{expected[p]}"), (p, caption)  # two lines
    assert _page_titles(page)["gallery"].startswith(f"{origin}: {m} images in order")
    # the gallery showed "Computing…" while the cycle was computed, and no longer does
    busy = page.evaluate("() => window.__tdawBusy")
    assert "gallery-heading" in busy, busy
    assert page.locator(f"{EX} .tdaw-busy").count() == 0

    gallery = page.locator(f"{EX} .tdaw-gallery")
    page.wait_for_function(
        "(g) => [...g.querySelectorAll('img')].every((e) => e.complete && e.naturalWidth > 0)",
        arg=gallery.element_handle(),
    )
    lab.settled(gallery)
    lab.screenshot("explorer-loop-gallery-light", gallery)
    lab.screenshot("explorer-loop", page.locator(EX))
    lab.set_theme("JupyterLab Dark")
    lab.settled(gallery)
    lab.screenshot("explorer-loop-gallery-dark", gallery)
