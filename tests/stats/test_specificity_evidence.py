"""specificity_evidence: chance as a distribution, and the scale-only baseline."""

import numpy as np
import pytest

from tda_widgets import persistence_diagrams, specificity_evidence


def _circles(radius, n_loops, seed):
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(n_loops):
        t = rng.uniform(0, 2 * np.pi, 40)
        parts.append(
            radius * np.c_[np.cos(t) + 4 * k, np.sin(t)] + rng.normal(scale=0.03, size=(40, 2))
        )
    return np.concatenate(parts)


def test_layers_that_differ_only_in_scale_are_not_specific_beyond_scale():
    models = [
        {f"l{i}": persistence_diagrams(_circles(1.0 + i, 1, 10 * m + i)) for i in range(4)}
        for m in range(4)
    ]
    ev = specificity_evidence(models, n_permutations=199, seed=0)
    assert ev.sw.specificity == 1.0 and ev.scale_only >= 0.9
    assert ev.vs_chance.p_value <= 0.01
    # SW finds what scale alone finds: the paired difference is not significant
    assert ev.vs_scale.statistic <= 0.1 and ev.vs_scale.p_value > 0.1


def test_layers_of_one_scale_but_different_shapes_are_specific_beyond_scale():
    # same radius, different number of loops: scale (median MST edge) cannot tell them apart
    models = [
        {f"l{i}": persistence_diagrams(_circles(1.0, i + 1, 10 * m + i)) for i in range(4)}
        for m in range(4)
    ]
    ev = specificity_evidence(models, n_permutations=199, seed=0)
    assert ev.sw.specificity > ev.scale_only + 0.4
    assert ev.vs_scale.p_value <= 0.01
    assert "4 models x 4 layers" in ev.vs_scale.method


def test_explicit_scales_and_errors():
    models = [
        {f"l{i}": persistence_diagrams(_circles(1.0, 1, 3 * m + i)) for i in range(3)}
        for m in range(2)
    ]
    scales = [{"l0": 1.0, "l1": 2.0, "l2": 4.0}] * 2
    ev = specificity_evidence(models, scales=scales, n_permutations=9)
    assert ev.scale_only == 1.0
    with pytest.raises(ValueError, match="scales: expected 2"):
        specificity_evidence(models, scales=scales[:1])
    with pytest.raises(ValueError, match="n_permutations"):
        specificity_evidence(models, n_permutations=0)
