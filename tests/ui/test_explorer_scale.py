"""The explorer on a 20,000-image analysis (issue 13, done-when 3): a matrix click updates
every view, and a Mapper node with thousands of members fills the gallery; both checked
in the kernel and on the page.

The notebook ``ui/explorer_scale.ipynb`` builds it: a tiny random conv net on 20,000
random 3x16x16 images with 10 random labels (about 30 s on two cores).
"""

import json
import time

import numpy as np
import pytest
from ui_geometry import isolated, matrix_cell

EX = ".tdaw-explorer"
N_IMAGES = 20_000


@pytest.fixture
def explorer(lab):
    lab.page.set_viewport_size({"width": 1400, "height": 2200})  # the whole dashboard in view
    lab.open("ui/explorer_scale.ipynb")
    lab.run_all(timeout=480_000)
    lab.page.locator(f"{EX} .tdaw-layer-distance-matrix").wait_for(timeout=120_000)
    return lab


def _wait_text(page, testid, expected, timeout=30_000):
    """Wait until the explorer's visible element ``testid`` shows exactly ``expected``."""
    page.wait_for_function(
        "([id, t]) => [...document.querySelectorAll(`.tdaw-explorer [data-testid='${id}']`)]"
        ".some((e) => e.textContent.trim() === t && e.offsetParent !== null)",
        arg=[testid, expected],
        timeout=timeout,
    )


def test_matrix_click_and_a_big_mapper_node_at_20000_images(explorer):
    lab = explorer
    page = lab.page
    layers = lab.value("layers")
    assert lab.value("len(ex.source)") == N_IMAGES
    assert len(layers) == 3

    # 1. a matrix click: diagrams, Mapper, picker, status and the subsample note follow
    i, j = 2, 0
    matrix = page.locator(f"{EX} [data-testid='ldm-canvas']")
    matrix.scroll_into_view_if_needed()
    page.mouse.click(*matrix_cell(matrix, i, j))
    lab.eventually("ex.matrix.selected_pair", [i, j])
    lab.eventually("ex.mapper.title", f"Mapper of {layers[j]}")
    assert lab.value("list(ex.selection.layers)") == [layers[i], layers[j]]
    assert lab.value("ex.diagram.names") == [layers[i], layers[j]]
    assert lab.value("ex.layer_picker.value") == j
    assert lab.value("[int(k) for k in ex.summary.points.selected]") == [i, j]
    status = lab.value("ex.status.value")
    assert f"<code>{layers[i]}</code> and <code>{layers[j]}</code>" in status
    assert f"{N_IMAGES:,} images" in status
    # persistence ran on the default 1,000-image subsample of each layer: the view says so
    note = lab.value("ex.diagram.subsample_note")
    first, second = note.split(" · ")
    assert first.startswith(f"{layers[i]}: 1,000 of {N_IMAGES:,} images, r = ")
    assert second.startswith(f"{layers[j]}: 1,000 of {N_IMAGES:,} images, r = ")
    _wait_text(page, "pd-title", f"{layers[i]} (filled) vs {layers[j]} (hollow)")
    _wait_text(page, "pd-subsample", note)
    _wait_text(page, "mg-title", f"Mapper of {layers[j]}")
    page.wait_for_function(f"() => document.querySelectorAll('{EX} .tdaw-busy').length === 0")
    lab.screenshot("explorer-scale-pair", page.locator(EX))

    # 2. a Mapper node with thousands of members: its images fill the gallery (capped)
    lab.eventually("ex.mapper.positions is not None", True)
    sizes = np.array(lab.value("ex.mapper.sizes.tolist()"))
    mcanvas = page.locator(f"{EX} [data-testid='mg-canvas']")
    mcanvas.scroll_into_view_if_needed()
    pos = np.array(lab.value("ex.mapper.positions.tolist()"))
    page.wait_for_function(
        "() => !!document.querySelector(\".tdaw-explorer [data-testid='mg-canvas']\")"
        ".dataset.transform"
    )
    t = json.loads(mcanvas.get_attribute("data-transform"))
    box = mcanvas.bounding_box()
    xy = np.c_[box["x"] + pos[:, 0] * t["k"] + t["x"], box["y"] + pos[:, 1] * t["k"] + t["y"]]
    big = np.flatnonzero(sizes >= 2000)
    assert big.size, sizes
    node = int(big[isolated(xy[big], 1)[0]])
    members = lab.value(
        f"len(set(ex.clouds[{j}].image_index[ex.mapper.graph.node_members({node})].tolist()))"
    )
    assert members >= 2000
    cap = lab.value("ex.gallery.max_images")
    heading = f"Mapper nodes of {layers[j]}: {members:,} images (showing {cap})"

    start = time.perf_counter()
    page.mouse.click(*xy[node])
    _wait_text(page, "gallery-heading", heading)
    print(
        f"\nnode {node} ({members:,} images): gallery on the page after "
        f"{time.perf_counter() - start:.2f} s"
    )
    lab.eventually("ex.mapper.selected_nodes", [node])
    assert lab.value("len(ex.selected_images)") == members
    assert lab.value("len(ex.selection.images)") == members
    expected = lab.value(
        f"sorted(set(ex.clouds[{j}].image_index[ex.mapper.graph.node_members({node})].tolist()))"
    )
    assert lab.value("ex.selected_images.tolist()") == expected
    assert lab.value("ex.selection.source") == "mapper"
    # the page shows the cap's thumbnails: the first images of the selection
    page.wait_for_function(
        '(n) => document.querySelectorAll(".tdaw-explorer .tdaw-gallery-grid img").length === n',
        arg=cap,
    )
    captions = page.locator(f"{EX} .tdaw-gallery-grid").inner_text()
    assert f"#{expected[0]} class " in captions and f"#{expected[cap - 1]} class " in captions
    assert f"#{expected[cap]} " not in captions
    lab.screenshot("explorer-scale-node", page.locator(EX))
