"""save_png / to_html of the explorer show what the screen shows (issue 27.7): the page
opens with the live selection, so the picture has the Mapper's rings and the gallery's
images, agreeing with the live side panel. No JupyterLab: the exported page only."""

from __future__ import annotations

import json
import struct
import warnings

import numpy as np
import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis
from tda_widgets.widgets.panels.export_explorer import PAGE_VIEW_SIZES


@pytest.fixture(scope="module")
def explorer(tmp_path_factory) -> ActivationExplorer:
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3), torch.nn.ReLU()
    )
    images = torch.rand(60, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(60) % 3
    analysis = Analysis(
        model, (images, labels), ["0", "2"], cache_dir=tmp_path_factory.mktemp("c"), progress=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ActivationExplorer(
            analysis,
            class_names=["cat", "dog", "bird"],
            mapper_params={"n_intervals": 3},
            n_permutations=19,
        )


def test_the_exported_page_opens_with_the_selection_on_screen(browser, explorer, tmp_path):
    ex = explorer
    nodes = [int(np.argmax(ex.mapper.graph.node_sizes))]
    ex.mapper.selected_nodes = nodes
    assert ex.selected_images.size > 0
    path = ex.to_html(tmp_path / "explorer.html")
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=30_000)
    shown = page.evaluate(
        """() => ({
          nodes: document.querySelector('.tdaw-mapper-graph').dataset.selectedNodes,
          images: JSON.parse(document.querySelector("[data-testid='gallery']").dataset.images),
          title: document.querySelector('.tdaw-gallery-title').textContent,
          figures: document.querySelectorAll("[data-testid='gallery'] figure").length,
          canvas: document.querySelector('.tdaw-mapper-graph canvas').getBoundingClientRect().width,
        })"""
    )
    context.close()
    assert not errors, errors
    assert shown["nodes"] == ",".join(map(str, nodes))  # the rings of the live selection
    assert shown["images"] == ex.selected_images.tolist()
    assert shown["title"].startswith(ex.gallery.title)
    assert shown["figures"] == min(ex.selected_images.size, ex.gallery.max_images)
    # the page's boxes are sized by their views: a view there draws at its own width
    # (fitting such a box would shrink it step by step)
    assert shown["canvas"] == PAGE_VIEW_SIZES[1][0]
    # the side panel the page shows is the live view's, so it agrees with the rings
    assert ex.mapper.detail["nodes"] == len(nodes)

    png = ex.save_png(tmp_path / "explorer.png", scale=1)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24])[1] > 600  # the gallery is in the picture
    json.dumps(shown)  # plain data (readable in a failure message)
