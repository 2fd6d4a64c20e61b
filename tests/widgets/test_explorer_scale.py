"""The explorer at 20,000+ images: images are read on demand, only the thumbnails shown.

A dataset that counts (and records) every image it hands out stands in for a folder of
images; the analysis reads each image for the activations, the explorer only those the
gallery shows.
"""

from __future__ import annotations

import json
import time
import warnings

import numpy as np
import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis
from tda_widgets.widgets.persistence_diagram import _readable

N_IMAGES = 21_000  # a selection of all Mapper nodes holds 20,000+ of them (a few are noise)


class CountingImages(torch.utils.data.Dataset[tuple[torch.Tensor, int]]):
    """Random 1x8x8 images with 10 labels; records every index read."""

    def __init__(self, n: int) -> None:
        self.classes = [f"class {k}" for k in range(10)]
        g = torch.Generator().manual_seed(0)
        self.x = torch.rand(n, 1, 8, 8, generator=g)
        self.y = torch.randint(0, 10, (n,), generator=g)
        self.read: list[int] = []

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        self.read.append(int(i))
        return self.x[i], int(self.y[i])


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[ActivationExplorer, CountingImages]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3)
    ).eval()
    data = CountingImages(N_IMAGES)
    cache = tmp_path_factory.mktemp("cache")
    analysis = Analysis(model, data, ["0", "2"], cache_dir=cache, progress=False)
    for layer in analysis.layers:  # the activations: every image is read for these
        analysis.cloud(layer)
        analysis.diagrams(layer)
    data.read.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ex = ActivationExplorer(analysis, mapper_params={"n_intervals": 4})
    return ex, data


@pytest.mark.slow
def test_building_the_explorer_reads_no_image(big: tuple[ActivationExplorer, CountingImages]):
    ex, data = big
    assert data.read == []
    assert f"{N_IMAGES:,} images" in ex.status.value


@pytest.mark.slow
def test_selection_of_20000_images_returns_all_and_reads_only_the_shown(
    big: tuple[ActivationExplorer, CountingImages],
):
    ex, data = big
    data.read.clear()
    g = ex.mapper.graph
    nodes = list(range(g.n_nodes))
    # independently: the images of every node's members
    members = np.concatenate([g.node_members(n) for n in nodes])
    expected = np.unique(ex.clouds[1].image_index[members])
    assert expected.size >= 20_000

    start = time.perf_counter()
    ex.mapper.selected_nodes = nodes  # as a click on the nodes in the view does
    elapsed = time.perf_counter() - start
    print(f"\n{expected.size:,} images selected: gallery updated in {elapsed * 1000:.0f} ms")

    np.testing.assert_array_equal(ex.selected_images, expected)
    np.testing.assert_array_equal(ex.selection.images, expected)
    cap = ex.gallery.max_images
    assert len(ex.gallery.grid.children) == cap
    assert ex.gallery.text == f"Mapper nodes of 2: {expected.size:,} images (showing {cap})"
    # only the thumbnails shown were read from the dataset, each once
    assert sorted(data.read) == expected[:cap].tolist()
    # their captions are their classes, from the labels (no image read for them)
    first = ex.gallery.grid.children[0].children[1].value
    assert f"#{expected[0]} class {int(data.y[expected[0]])}<" in first


@pytest.mark.slow
def test_diagram_view_says_persistence_ran_on_a_subsample(
    big: tuple[ActivationExplorer, CountingImages],
):
    ex, _ = big
    a, b = ex.layers
    notes = []
    for layer in (a, b):
        params = ex.diagrams[layer].params
        assert len(params["indices"]) == 1000 and params["n_total"] == N_IMAGES
        r = _readable(float(params["covering_radius"]))
        notes.append(f"{layer}: 1,000 of {N_IMAGES:,} images, r = {r}")
    assert ex.diagram.subsample_note == " · ".join(notes)
    ex.matrix.selected_pair = [1, 1]  # one layer: no name needed
    assert ex.diagram.subsample_note == notes[1].split(": ", 1)[1]
    ex.matrix.selected_pair = [0, 1]


@pytest.mark.slow
def test_exported_page_carries_each_layers_subsample_note(
    big: tuple[ActivationExplorer, CountingImages],
):
    from tda_widgets.widgets.panels.export_explorer import explorer_html
    from tda_widgets.widgets.persistence_diagram import subsample_note

    ex, _ = big
    page = explorer_html(ex)
    notes = [
        subsample_note(ex.diagrams[n], cloud=c) for n, c in zip(ex.layers, ex.clouds, strict=True)
    ]
    assert all(n.startswith(f"1,000 of {N_IMAGES:,} images, r = ") for n in notes)
    # the page's data (compact JSON): the notes per layer, for its diagram view to show
    assert '"subsample_notes":' + json.dumps(notes, separators=(",", ":")) in page
