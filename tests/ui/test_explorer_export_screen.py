"""save_png / to_html of the explorer show what the screen shows (issue 27.7): the page
opens with the live selection, so the picture has the Mapper's rings and the gallery's
images, agreeing with the live side panel. No JupyterLab: the exported page only."""

from __future__ import annotations

import json
import struct
import warnings
from pathlib import Path

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


# -- a click in the page shows the new pair's own evidence (confidence, noise, purity) -----

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # gitignored (see conftest.py)

_SHOWN_JS = """() => {
  const m = window.tdaw.models;
  const root = document.querySelector('.tdaw-persistence-diagram');
  const ints = (e) => Array.from(new Int32Array(e.buffer.buffer, e.buffer.byteOffset,
                                                e.buffer.byteLength / 4));
  return {
    confidence: m.diagram.get('confidence'),
    significant: JSON.parse(root.dataset.significant || '[]'),
    evidence_hidden: root.querySelector("[data-testid='pd-confidence']").hidden,
    heads: [...root.querySelectorAll('.tdaw-pd-confidence-head')].map((e) => e.textContent),
    matching: (m.diagram.get('matching') || []).map(ints),
    marked: JSON.parse(document.querySelector('.tdaw-layer-distance-matrix').dataset.marked),
    purity: m.mapper.get('purity_evidence'),
    purity_text: document.querySelector("[data-testid='mg-purity-text']")?.textContent ?? '',
  };
}"""


def _open_page(browser, path, *, dark: bool = False):
    context = browser.new_context(
        offline=True,
        viewport={"width": 1400, "height": 1000},
        color_scheme="dark" if dark else "light",
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.tdaw && window.tdaw.ready", timeout=30_000)
    return context, page, errors


def _click_cell(page, ex: ActivationExplorer, i: int, j: int) -> None:
    """Click matrix cell (i, j) in the page and wait until it shows those layers."""
    from ui_geometry import matrix_cell

    canvas = page.locator(".tdaw-layer-distance-matrix [data-testid='ldm-canvas']")
    page.mouse.click(*matrix_cell(canvas, i, j))
    page.wait_for_function(
        "(want) => document.body.dataset.layers === want",
        arg=json.dumps([ex.layers[i], ex.layers[j]], separators=(",", ":")),
        timeout=10_000,
    )


def _expected_head(ex: ActivationExplorer, layer: str, marker: str) -> str:
    conf = ex.analysis.diagram_confidence(layer, dim=1, alpha=ex.evidence.alpha)
    n = len(ex.diagrams[layer].dgms[1])
    return (
        f"{marker} {layer}: {int(conf.significant.sum())} of {n} H1 features significant at "
        f"α = {conf.alpha:g} (subsampling, B = {conf.n_boot})"
    )


def test_a_click_in_the_exported_page_shows_the_new_pairs_own_evidence(browser, explorer, tmp_path):
    ex = explorer
    ex.mapper.selected_nodes = []
    ex.matrix.selected_pair = [0, 1]
    ex.evidence.confidence_toggle.value = True
    ex.evidence.noise_toggle.value = True
    try:
        assert ex.diagram.confidence  # the live view draws the pair's bands
        path = ex.to_html(tmp_path / "explorer.html")
        within = np.asarray(ex.noise_floor_assessment.within_noise)
    finally:
        ex.evidence.noise_toggle.value = False
        ex.evidence.confidence_toggle.value = False
    for dark in (False, True):
        context, page, errors = _open_page(browser, path, dark=dark)
        # the page opens on layers (0, 1): a click shows (1, 0), then the diagonal (0, 0)
        _click_cell(page, ex, 1, 0)
        shown = page.evaluate(_SHOWN_JS)
        page.screenshot(path=str(ARTIFACTS / f"export-click-{'dark' if dark else 'light'}.png"))
        _click_cell(page, ex, 0, 0)
        diagonal = page.evaluate(_SHOWN_JS)
        context.close()
        assert not errors, errors
    a, b = ex.layers[1], ex.layers[0]
    confs = [
        ex.analysis.diagram_confidence(name, dim=1, alpha=ex.evidence.alpha) for name in (a, b)
    ]
    # exactly the new pair's confidence sets: its radii, its significant points, its counts
    assert [r["c_alpha"] for r in shown["confidence"]] == [c.c_alpha for c in confs]
    assert shown["significant"] == [np.flatnonzero(c.significant).tolist() for c in confs]
    assert shown["heads"] == [_expected_head(ex, a, "●"), _expected_head(ex, b, "◇")]
    assert not shown["evidence_hidden"]
    # its own matching lines (the explorer's, cached by the analysis)
    assert shown["matching"] == [m.ravel().tolist() for m in ex.matching_lines(1, 0)]
    # the matrix's hatching is the noise floors' (the whole matrix, whatever the pair)
    assert shown["marked"] == np.argwhere(within).tolist()
    # the Mapper of the second layer shown (layer 0) carries its own purity test
    test = ex.purity_test_of(b)
    assert shown["purity"]["statistic"] == pytest.approx(test.statistic)
    assert shown["purity_text"].startswith(f"purity {test.statistic:.3f} · chance")
    # one layer: its own confidence set alone
    assert diagonal["confidence"] == [shown["confidence"][1]]
    assert diagonal["significant"] == [shown["significant"][1]]


def test_without_confidence_sets_the_exported_page_draws_no_band(browser, explorer, tmp_path):
    ex = explorer
    ex.matrix.selected_pair = [0, 1]
    assert not ex.evidence.confidence_toggle.value
    path = ex.to_html(tmp_path / "explorer.html")
    context, page, errors = _open_page(browser, path)
    shown = [page.evaluate(_SHOWN_JS)]
    _click_cell(page, ex, 1, 0)
    shown.append(page.evaluate(_SHOWN_JS))
    context.close()
    assert not errors, errors
    for s in shown:
        assert s["confidence"] == [] and s["significant"] == [] and s["evidence_hidden"]
