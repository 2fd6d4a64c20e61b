"""The explorer's loop selection ("Images along this loop"), from Python (no browser).

An H1 point's loop is its representative cycle on the layer's cloud, mapped to images and
listed in cyclic order; it is one more selection made in the diagram, under the explorer's
one selection rule (a new click replaces it; a new layer pair follows its images).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis, representative_cycle


def _explorer(cache, n_images: int, **kwargs) -> ActivationExplorer:
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3), torch.nn.ReLU()
    )
    images = torch.rand(n_images, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    analysis = Analysis(model, images, ["0", "1", "2"], cache_dir=cache, progress=False, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small graphs: "all points are noise" for some
        return ActivationExplorer(analysis, mapper_params={"n_intervals": 2})


@pytest.fixture(scope="module")
def ex(tmp_path_factory: pytest.TempPathFactory) -> ActivationExplorer:
    return _explorer(tmp_path_factory.mktemp("cache"), 60)


def _longest(ex: ActivationExplorer) -> int:
    d = np.asarray(ex.diagram.diagrams[1])
    assert d.shape[0] > 0, "the fixture's first layer must have an H1 bar"
    return int(np.argmax(d[:, 1] - d[:, 0]))


def _gallery_order(ex: ActivationExplorer) -> tuple[list[int], list[str]]:
    """Image indices and notes as the gallery's cells show them, in the grid's order."""
    images, notes = [], []
    for cell in ex.gallery.grid.children:
        label = cell.children[1].value
        images.append(int(re.search(r'data-image="(\d+)"', label).group(1)))
        notes.append(re.search(r"font-weight: 600\">([^<]*)</span>", label).group(1))
    return images, notes


def test_loop_images_are_the_representative_cycle_in_cyclic_order(ex: ActivationExplorer):
    ex.matrix.selected_pair = [0, 1]
    k = _longest(ex)
    ex.diagram.selected_points = [[1, k]]
    assert ex.loop_button.layout.display == ""  # offered for one H1 point

    got = ex.loop_images()

    # independently: the cycle of the bar at the clicked diagram point, chosen by its
    # (birth, death), on the layer's cloud; its vertices mapped to images
    birth, death = (float(v) for v in ex.diagram.diagrams[1][k])
    cloud = ex.analysis.cloud("0")
    cycle = representative_cycle(cloud, point=(birth, death), diagrams=ex.analysis.diagrams("0"))
    expected = cloud.image_index[cycle.vertices].tolist()
    assert len(expected) >= 3
    assert got.tolist() == expected
    assert ex.selected_images.tolist() == expected  # in cyclic order, not sorted
    assert ex.gallery.indices == expected
    sel = ex.selection
    assert sel.images.tolist() == expected
    assert (sel.source, sel.points) == ("diagram", ((1, k),))
    assert sel.origin == f"Loop of H1 feature {k} of 0"
    assert sel.loop is not None and sel.loop.vertices.tolist() == cycle.vertices.tolist()
    assert (sel.loop.birth, sel.loop.death) == (birth, death)
    # consecutive images (and the last with the first) are Rips neighbours at the loop's scale
    pts = cloud.points[sel.loop.vertices].astype(np.float64)
    steps = np.linalg.norm(pts - np.roll(pts, -1, axis=0), axis=1)
    assert (steps <= sel.loop.scale * (1 + 1e-5)).all()

    # the gallery: the same order, captioned k/m
    m = len(expected)
    shown, notes = _gallery_order(ex)
    assert shown == expected[: ex.gallery.max_images]
    assert notes == [f"{p + 1}/{m}" for p in range(len(shown))]
    assert ex.gallery.text.startswith(f"Loop of H1 feature {k} of 0: {m} images in order")
    # the Mapper highlights the nodes that hold the loop's images
    held = np.flatnonzero(np.isin(ex.clouds[1].image_index, expected))
    nodes = [
        n
        for n in range(ex.mapper.graph.n_nodes)
        if np.isin(ex.mapper.graph.node_members(n), held).any()
    ]
    assert sorted(ex.mapper.selected_nodes) == nodes


def test_the_button_computes_the_loop_and_shows_the_busy_state(ex: ActivationExplorer):
    ex.matrix.selected_pair = [1, 0]
    d = np.asarray(ex.diagram.diagrams[1])
    k = int(np.argmax(d[:, 1] - d[:, 0]))
    ex.diagram.selected_points = [[1, k]]
    assert ex.selection.loop is None  # a point selects its edges' images first
    seen: list[bool] = []
    ex.gallery.observe(
        lambda c: seen.append("tdaw-busy" in ex.gallery._dom_classes), names="_dom_classes"
    )
    ex.loop_button.click()
    assert True in seen and "tdaw-busy" not in ex.gallery._dom_classes
    cloud = ex.analysis.cloud("1")
    cycle = representative_cycle(cloud, feature=k, diagrams=ex.analysis.diagrams("1"))
    assert ex.selected_images.tolist() == cloud.image_index[cycle.vertices].tolist()
    assert not ex.loop_button.disabled


def test_one_selection_rule_holds_for_loops(ex: ActivationExplorer):
    ex.matrix.selected_pair = [0, 1]
    k = _longest(ex)
    loop = ex.loop_images((1, k)).tolist()
    assert ex.selection.points == ((1, k),)

    # a new layer pair that keeps the first layer keeps the point and the loop, in order
    ex.layer_picker.value = 2
    assert ex.selection.layers == ("0", "2")
    assert ex.selected_images.tolist() == loop and ex.selection.loop is not None
    # a new first layer follows the images, still in their order, and says so
    ex.matrix.selected_pair = [2, 1]
    assert ex.selection.points == ()
    assert ex.selected_images.tolist() == loop
    assert ex.gallery.title == f"Loop of H1 feature {k} of 0, followed to 1"
    assert ex.loop_button.layout.display == "none"  # no H1 point is selected

    # Mapper nodes replace the loop
    ex.matrix.selected_pair = [0, 1]
    ex.loop_images((1, k))
    node = next(n for n in range(ex.mapper.graph.n_nodes) if ex.mapper.graph.node_members(n).size)
    ex.mapper.selected_nodes = [node]
    sel = ex.selection
    assert (sel.source, sel.loop, sel.points) == ("mapper", None, ())
    assert sel.images.tolist() == sorted(set(sel.images.tolist()))

    # a diagram point replaces it with that feature's edge images
    ex.loop_images((1, k))
    ex.diagram.selected_points = []
    assert ex.selection.source is None and ex.selection.loop is None
    ex.diagram.selected_points = [[1, k]]
    assert ex.selection.loop is None
    assert ex.selected_images.tolist() == sorted(ex.diagram.selected_images.tolist())


def test_loop_images_refuses_what_is_not_one_h1_point(ex: ActivationExplorer):
    ex.matrix.selected_pair = [0, 1]
    ex.diagram.selected_points = []
    assert ex.loop_button.layout.display == "none"
    with pytest.raises(ValueError, match=r"point: expected one selected H1 point.*\[\]"):
        ex.loop_images()
    ex.diagram.selected_points = [[0, 0]]
    assert ex.loop_button.layout.display == "none"
    with pytest.raises(ValueError, match=r"H1 point.*\[\[0, 0\]\]"):
        ex.loop_images()
    n_h1 = len(ex.diagram.diagrams[1])
    if n_h1 > 1:
        ex.diagram.selected_points = [[1, 0], [1, 1]]
        assert ex.loop_button.layout.display == "none"
        with pytest.raises(ValueError, match="one selected H1 point"):
            ex.loop_images()
    with pytest.raises(ValueError, match=r"point: expected an H1 point.*got \(0, 0\)"):
        ex.loop_images((0, 0))
    with pytest.raises(ValueError, match=rf"index in \[0, {n_h1}\).*got \(1, {n_h1}\)"):
        ex.loop_images((1, n_h1))
    with pytest.raises(TypeError, match=r"point: expected a \(dim, index\) pair"):
        ex.loop_images("loop")  # type: ignore[arg-type]
    # a refused call leaves the selection as it was
    assert ex.selection.loop is None


def test_loop_on_a_subsampled_diagram_is_in_whole_cloud_images(
    tmp_path_factory: pytest.TempPathFactory,
):
    ex = _explorer(tmp_path_factory.mktemp("cache"), 120, n_perm=70)
    kept = np.asarray(ex.diagrams["0"].params["indices"])
    assert kept.size == 70
    k = _longest(ex)
    images = ex.loop_images((1, k))
    cycle = ex.selection.loop
    assert cycle is not None and np.isin(cycle.vertices, kept).all()
    cloud = ex.clouds[0]
    assert images.tolist() == cloud.image_index[cycle.vertices].tolist()
    # the cycle's edges are Rips edges of the whole cloud's points at its scale
    pts = cloud.points[cycle.vertices].astype(np.float64)
    steps = np.linalg.norm(pts - np.roll(pts, -1, axis=0), axis=1)
    assert (steps <= cycle.scale * (1 + 1e-5)).all()
