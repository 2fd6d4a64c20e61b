"""mantel against scikit-bio's reference, partial Mantel, and its null's calibration."""

import numpy as np
import pytest
from scipy import stats

from tda_widgets.stats import mantel


def _distances(x):
    return np.linalg.norm(x[:, None] - x[None], axis=-1)


@pytest.mark.parametrize("method", ["spearman", "pearson"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mantel_equals_scikit_bio(method, seed):
    from skbio.stats import distance as skbio  # the test extra: make test installs it

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(12, 3))
    a = _distances(x)
    b = _distances(x + rng.normal(scale=1.5, size=x.shape))
    ours = mantel(a, b, method=method, n_permutations=999, seed=seed)
    stat, p_ref, _ = skbio.mantel(a, b, method=method, permutations=999, alternative="greater")
    assert ours.statistic == pytest.approx(stat, abs=1e-10)
    # independent Monte Carlo draws: agree within 3 standard errors of the difference
    se = np.sqrt(2) * ours.mc_se
    assert abs(ours.p_value - p_ref) <= 3 * se + 1e-3


def test_mantel_p_values_are_uniform_under_the_null():
    rng = np.random.default_rng(11)
    ps = []
    for i in range(120):
        a = _distances(rng.normal(size=(9, 2)))
        b = _distances(rng.normal(size=(9, 2)))
        ps.append(mantel(a, b, n_permutations=99, seed=i).p_value)
    ks = stats.kstest(ps, "uniform").statistic
    # discreteness of B = 99 plus 120 draws: the KS distance of a calibrated test stays small
    assert ks < 0.15, ks


def test_partial_mantel_removes_a_shared_cause():
    rng = np.random.default_rng(5)
    z = _distances(rng.normal(size=(14, 2)))
    a = z + 0.05 * _distances(rng.normal(size=(14, 2)))
    b = z + 0.05 * _distances(rng.normal(size=(14, 2)))
    plain = mantel(a, b, n_permutations=199)
    partial = mantel(a, b, n_permutations=199, covariate=z)
    assert plain.statistic > 0.8 and plain.p_value <= 0.01
    assert abs(partial.statistic) < plain.statistic - 0.3
    assert "partial Mantel" in partial.name


def test_mantel_errors_name_the_argument():
    a = np.zeros((4, 4))
    with pytest.raises(ValueError, match="b: expected shape"):
        mantel(a, np.zeros((5, 5)))
    with pytest.raises(ValueError, match="covariate"):
        mantel(a, a, covariate=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="method"):
        mantel(a, a, method="kendal")
    with pytest.raises(ValueError, match="alternative"):
        mantel(a, a, alternative="up")
    with pytest.raises(ValueError, match="a: expected a square"):
        mantel(np.zeros((2, 2)), np.zeros((2, 2)))
