"""diagram_confidence: calibration at fixed seeds, the mask rule, both methods, errors."""

import numpy as np
import pytest

from tda_widgets import persistence_diagrams
from tda_widgets.stats import confidence_radius, diagram_confidence, significant_mask


def _circle(n, noise, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=noise, size=(n, 2))


def test_gaussian_clouds_get_no_significant_loop_at_fixed_seeds():
    # the benchmark runs 200 trials; here 15 fixed seeds, each a clean null
    flagged = [
        diagram_confidence(
            np.random.default_rng(s).normal(size=(200, 3)), n_boot=50, seed=s
        ).n_significant
        for s in range(15)
    ]
    assert sum(f > 0 for f in flagged) <= 1, flagged


def test_noisy_circles_have_exactly_one_significant_loop():
    found = [
        diagram_confidence(_circle(300, 0.1, s), n_boot=50, seed=s).n_significant for s in range(5)
    ]
    assert found == [1] * 5


def test_the_mask_is_the_l_infinity_rule_on_the_same_diagram():
    x = _circle(200, 0.05, 1)
    conf = diagram_confidence(x, n_boot=40, seed=2)
    reference = persistence_diagrams(x, maxdim=1)[1]
    np.testing.assert_array_equal(conf.diagram, reference)
    pers = reference[:, 1] - reference[:, 0]
    np.testing.assert_array_equal(conf.significant, pers > 2 * conf.c_alpha)
    assert conf.c_alpha == np.quantile(conf.null, 0.95, method="higher")
    assert conf.label.startswith(f"{conf.n_significant} of {len(reference)} H1 features")
    assert "subsampling, B = 40" in conf.label
    assert np.isfinite(conf.mc_se) and conf.mc_se >= 0


def test_infinite_bars_are_significant():
    assert significant_mask(np.array([[0.0, np.inf], [0.0, 0.1]]), 1.0).tolist() == [True, False]


def test_the_subsampling_null_is_twice_the_hausdorff_distance_by_brute_force():
    x = np.random.default_rng(4).normal(size=(40, 3))
    _c, null = confidence_radius(x, None, n_boot=5, seed=9)
    rng = np.random.default_rng(9)
    for value in null:
        keep = rng.choice(40, size=20, replace=False)
        d = np.linalg.norm(x[:, None] - x[keep][None], axis=-1).min(axis=1).max()
        assert value == pytest.approx(2 * d, rel=1e-5)


def test_bootstrap_is_reproducible_and_its_null_are_bottleneck_distances():
    x = _circle(120, 0.1, 3)
    a = diagram_confidence(x, method="bootstrap", n_boot=12, seed=5)
    b = diagram_confidence(x, method="bootstrap", n_boot=12, seed=5, n_jobs=2)
    np.testing.assert_array_equal(a.null, b.null)
    assert a.method == "bootstrap" and "bootstrap, B = 12" in a.label
    # a resample's diagram is one of the circle's: its distance is below the loop's half-life
    loop = a.diagram[0, 1] - a.diagram[0, 0]
    assert np.all(a.null >= 0) and np.all(a.null < loop / 2)


def test_bootstrap_is_anti_conservative_where_subsampling_is_not():
    # the caveat in the docstring, at fixed seeds: its radius is smaller on the same cloud
    x = np.random.default_rng(7).normal(size=(150, 3))
    boot = diagram_confidence(x, method="bootstrap", n_boot=20, seed=1)
    sub = diagram_confidence(x, n_boot=20, seed=1)
    assert boot.c_alpha < sub.c_alpha


def test_memory_budget_is_checked_before_the_distance_matrix():
    with pytest.raises(MemoryError, match="memory_budget"):
        confidence_radius(np.zeros((500, 2)), None, memory_budget=10_000)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"alpha": 1.5}, "alpha"),
        ({"alpha": "0.05"}, "alpha"),
        ({"n_boot": 1}, "n_boot"),
        ({"method": "jackknife"}, "method"),
        ({"seed": -1}, "seed"),
        ({"dim": -1}, "dim"),
        ({"subsample_size": 200}, "subsample_size"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises((TypeError, ValueError), match=match):
        diagram_confidence(_circle(60, 0.1, 0), **kwargs)


def test_too_few_points_and_a_diagram_instead_of_points():
    with pytest.raises(ValueError, match="at least 4 points"):
        diagram_confidence(np.zeros((3, 2)))
    with pytest.raises(TypeError, match="point cloud"):
        diagram_confidence(persistence_diagrams(_circle(30, 0.1, 0)))


def test_the_bootstrap_distance_is_persims_bottleneck():
    import persim

    from tda_widgets.stats.confidence import _bottleneck

    rng = np.random.default_rng(0)
    for n in (5, 40, 200):
        a = persistence_diagrams(rng.normal(size=(n, 3)))[1]
        b = persistence_diagrams(rng.normal(size=(n, 3)))[1]
        assert _bottleneck(a, b) == pytest.approx(persim.bottleneck(a, b), rel=1e-12, abs=1e-12)
