"""The explorer's class filter (issue 27.9): one meaning across the linked views, as
documented on ActivationExplorer: it narrows the selection to the matching classes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis


@pytest.fixture(scope="module")
def ex(tmp_path_factory: pytest.TempPathFactory) -> ActivationExplorer:
    torch.manual_seed(1)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3), torch.nn.ReLU()
    )
    images = torch.rand(60, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(60) % 3
    cache = tmp_path_factory.mktemp("cache")
    analysis = Analysis(model, (images, labels), ["0", "2"], cache_dir=cache, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small graphs: "all points are noise" for some
        return ActivationExplorer(
            analysis,
            class_names=["cat", "dog", "catfish"],
            mapper_params={"n_intervals": 2},
            n_permutations=19,
        )


def test_the_class_filter_narrows_gallery_selection_and_side_panel(ex: ActivationExplorer):
    assert ex.image_labels is not None
    ex.class_filter = ""
    node = int(np.argmax(ex.mapper.graph.node_sizes))
    ex.mapper.selected_nodes = [node]
    everything = ex.selected_images.copy()
    classes = set(ex.image_labels[everything].tolist())
    assert {0, 2} & classes and 1 in classes  # the node holds cats or catfish, and dogs
    points_all = ex.mapper.detail["points"]

    ex.mapper.class_filter = "CAT"  # as typed in the view: "cat" and "catfish" match
    kept = ex.selected_images
    np.testing.assert_array_equal(kept, everything[ex.image_labels[everything] != 1])
    assert ex.class_filter == "CAT"
    assert ex.selection.images.tolist() == kept.tolist()
    assert ex.gallery.indices == kept.tolist()
    assert f"classes matching 'CAT': {kept.size} of {everything.size}" in ex.gallery.title
    # the side panel counts only the matching classes' points
    labels = ex.clouds[ex.pair[1]].labels
    members = ex.mapper.selected_indices
    assert ex.mapper.detail["points"] == int(np.isin(labels[members], [0, 2]).sum())
    assert ex.mapper.detail["points"] < points_all
    assert {name for name, _ in ex.mapper.detail["classes"]} <= {"cat", "catfish"}
    assert ex.mapper.detail["filter"] == "CAT"  # the panel says what it counts

    # another Mapper layer: the filter follows, and so does the (narrowed) selection
    ex.layer_picker.value = 0
    assert ex.mapper.class_filter == "CAT"
    assert set(ex.image_labels[ex.selected_images].tolist()) <= {0, 2}

    # clearing it brings the whole selection back
    ex.class_filter = ""
    np.testing.assert_array_equal(ex.selected_images, everything)
    assert "classes matching" not in ex.gallery.title
    ex.layer_picker.value = 1


def test_class_filter_checks_its_type(ex: ActivationExplorer):
    with pytest.raises(TypeError, match="class_filter: expected a str, got int"):
        ex.class_filter = 3  # type: ignore[assignment]
