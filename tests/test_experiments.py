"""Noise robustness, seed specificity, SW vs CKA, class components: known answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tda_widgets import Analysis, compare_matrices, normalize_cloud
from tda_widgets.experiments import (
    class_components,
    first_separating_layer,
    noise_robustness,
    seed_specificity,
    sw_cka_agreement,
)
from tda_widgets.topology.matrices import layer_distance_matrix

LAYERS = ["0", "2", "4"]


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, 8, 3),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, 6, 3),
    )


def _data(n: int = 80):
    g = torch.Generator().manual_seed(0)
    images = torch.rand(n, 3, 12, 12, generator=g)
    labels = np.arange(n) % 2
    images[labels == 1, 0] += 1.0  # class 1 is redder: something for Mapper to see
    return images, labels


MAPPER = {"n_intervals": 4, "overlap": 0.3}


def test_noise_sigma_zero_is_the_clean_analysis():
    images, labels = _data()
    r = noise_robustness(
        _model(), images, LAYERS, [0.5, 0.1], labels=labels, mapper_params=MAPPER, progress=False
    )
    assert r.sigmas.tolist() == [0.0, 0.1, 0.5]  # 0 added, sorted
    assert r.sw_to_clean.shape == (3, 3)
    np.testing.assert_array_equal(r.sw_to_clean[0], 0.0)
    assert (r.sw_to_clean[2] > 0).all()
    clean = Analysis(_model(), images, LAYERS, labels=labels, cache_dir=False, progress=False)
    for j, layer in enumerate(LAYERS):
        g = clean.mapper(layer, **MAPPER)
        from tda_widgets import graph_measures

        m = graph_measures(g)
        assert r.components[0, j] == m["components"]
        assert r.purity[0, j] == pytest.approx(m["weighted_purity"])
        assert r.n_h1[0, j] == clean.diagrams(layer).dgms[1].shape[0]
    # the same noise for every sigma and the same seed: reproducible
    again = noise_robustness(
        _model(), (images, labels), LAYERS, [0.1, 0.5], mapper_params=MAPPER, progress=False
    )
    np.testing.assert_array_equal(again.sw_to_clean, r.sw_to_clean)
    fig = r.chart("purity")
    assert len(fig.marks[0].labels) == 3


def test_noise_rejects_bad_sigmas():
    images, labels = _data(20)
    for bad in ([-0.1], [float("nan")], []):
        with pytest.raises(ValueError, match="sigmas: expected"):
            noise_robustness(_model(), images, LAYERS, bad, labels=labels)
    with pytest.raises(TypeError, match="data: expected images"):
        noise_robustness(_model(), "images", LAYERS, [0.1])


def _diagrams(seed: int = 0):
    images, labels = _data(60)
    torch.manual_seed(seed)
    a = Analysis(_model(), images, LAYERS, labels=labels, cache_dir=False, progress=False)
    return {layer: a.diagrams(layer) for layer in LAYERS}


def test_a_model_compared_with_itself_is_exactly_specific():
    d = _diagrams()
    r = seed_specificity([d, d, d])
    assert r.specificity == 1.0
    assert r.per_layer.tolist() == [1.0, 1.0, 1.0]
    assert r.matrix.values.shape == (9, 9)
    assert r.matrix.layers[:4] == ("s0:0", "s0:2", "s0:4", "s1:0")
    # rows of model 0 find layer l of model 1 at distance 0
    assert r.nearest[:3].tolist() == [3, 4, 5]
    np.testing.assert_allclose(r.matrix.values[0:3, 3:6], r.matrix.values[0:3, 0:3])
    np.testing.assert_allclose(r.matrix.values, r.matrix.values.T)
    internal = layer_distance_matrix(d)
    np.testing.assert_allclose(r.matrix.values[:3, :3], internal.values)


def test_swapped_layers_are_not_specific():
    d = _diagrams()
    swapped = {"0": d["2"], "2": d["0"], "4": d["4"]}
    r = seed_specificity([d, swapped])
    # layers 0 and 2 find each other's twin, layer 4 its own
    assert r.same_layer.tolist() == [False, False, True] * 2
    assert r.specificity == pytest.approx(1 / 3)


def test_seed_specificity_errors():
    d = _diagrams()
    with pytest.raises(ValueError, match="at least 2"):
        seed_specificity([d])
    with pytest.raises(ValueError, match=r"diagrams\[1\]: expected the layers"):
        seed_specificity([d, {"0": d["0"]}])


def test_sw_cka_agreement_both_ways():
    images, _ = _data(60)
    r = sw_cka_agreement(
        _model(), images, LAYERS, cache_dir=False, progress=False, n_permutations=99
    )
    plain = Analysis(_model(), images, LAYERS, cache_dir=False, progress=False)
    np.testing.assert_allclose(r.sw_raw.values, plain.distance_matrix().values)
    # the normalised matrix is the SW matrix of the clouds scaled by hand
    by_hand = Analysis(_model(), images, LAYERS, cache_dir=False, progress=False)
    dgms = {}
    from tda_widgets import persistence_diagrams

    for layer in LAYERS:
        cloud = normalize_cloud(by_hand.cloud(layer), "median")
        dgms[layer] = persistence_diagrams(cloud)
        assert r.scales[layer] == pytest.approx(cloud.params["normalize_median"])
    np.testing.assert_allclose(r.sw_normalized.values, layer_distance_matrix(dgms).values)
    expected = compare_matrices(r.sw_raw, 1 - r.cka.values, n_permutations=99)
    assert r.raw.statistic == expected.statistic
    again = compare_matrices(r.sw_normalized, 1 - r.cka.values, n_permutations=99)
    assert r.normalized.statistic == again.statistic
    assert not np.allclose(r.sw_normalized.values, r.sw_raw.values)
    with pytest.raises(TypeError, match="normalize"):
        sw_cka_agreement(_model(), images, LAYERS, normalize="median")


def test_first_separating_layer_on_a_real_graph():
    images, labels = _data(80)
    a = Analysis(_model(), images, LAYERS, labels=labels, cache_dir=False, progress=False)
    graphs = {layer: a.mapper(layer, **MAPPER) for layer in LAYERS}
    first = first_separating_layer(graphs)
    assert set(first) == {0, 1}
    for c, layer in first.items():
        if layer is not None:
            assert class_components(graphs[layer])[c]
            earlier = LAYERS[: LAYERS.index(layer)]
            assert not any(class_components(graphs[e])[c] for e in earlier)
    with pytest.raises(ValueError, match="min_purity"):
        class_components(graphs["0"], min_purity=0)
