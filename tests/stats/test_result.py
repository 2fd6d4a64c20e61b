"""TestResult and holm: the p-value convention, its Monte Carlo error, the repr."""

import math

import numpy as np
import pytest

from tda_widgets.stats import TestResult, holm, p_value


def test_p_value_counts_ties_and_never_returns_zero():
    null = np.arange(10.0)
    assert p_value(9.0, null) == pytest.approx(2 / 11)  # 9 itself ties
    assert p_value(100.0, null) == pytest.approx(1 / 11)
    assert p_value(-1.0, null, "less") == pytest.approx(1 / 11)
    assert p_value(-1.0, null, "greater") == pytest.approx(1.0)
    assert p_value(-1.0, null, "two-sided") == pytest.approx(2 / 11)
    assert p_value(4.5, null, "two-sided") == pytest.approx(1.0)


def test_result_fields_follow_the_null():
    rng = np.random.default_rng(3)
    null = rng.normal(2.0, 0.5, size=399)
    r = TestResult("t", 3.0, null, alternative="greater", seed=3)
    k = int(np.sum(null >= 3.0))
    assert r.p_value == pytest.approx((k + 1) / 400)
    assert r.mc_se == pytest.approx(math.sqrt(r.p_value * (1 - r.p_value) / 399))
    assert r.effect == pytest.approx((3.0 - null.mean()) / null.std(ddof=1))
    assert r.effect_name == "z"
    assert r.n_permutations == 399
    lo, hi = r.null_band()
    assert lo == pytest.approx(np.quantile(null, 0.025)) and hi == pytest.approx(
        np.quantile(null, 0.975)
    )
    text = repr(r)
    assert "one-sided, greater" in text and "B = 399" in text and "seed=3" in text
    html = r._repr_html_()
    assert "<svg" in html and "observed 3" in html


def test_a_null_without_spread_reports_the_difference_from_its_median():
    r = TestResult("flat", 0.7, np.full(9, 0.5), seed=0)
    assert r.effect_name == "difference from the null median"
    assert r.effect == pytest.approx(0.2)


def test_two_sided_repr_and_bad_input_named():
    r = TestResult("t", 0.0, np.linspace(-1, 1, 99), alternative="two-sided", seed=0)
    assert "two-sided" in r.summary()
    with pytest.raises(ValueError, match="alternative"):
        TestResult("t", 0.0, np.zeros(3), alternative="bigger")
    with pytest.raises(ValueError, match="null"):
        TestResult("t", 0.0, np.array([]))
    with pytest.raises(ValueError, match="null"):
        TestResult("t", 0.0, np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="level"):
        r.null_band(1.0)


def test_holm_matches_the_step_down_definition():
    ps = [0.01, 0.04, 0.03, 0.2]
    # each result with a null giving exactly that p: B = 99, k = 100 p - 1 draws above
    rs = []
    for p in ps:
        k = round(p * 100) - 1
        rs.append(TestResult("t", 1.0, np.r_[np.full(k, 2.0), np.zeros(99 - k)], seed=0))
    assert [r.p_value for r in rs] == pytest.approx(ps)
    adjusted = [r.p_adjusted for r in holm(rs)]
    # sorted 0.01, 0.03, 0.04, 0.2 -> 4*0.01, 3*0.03, max(.09, 2*.04), max(.09, .2)
    assert adjusted == pytest.approx([0.04, 0.09, 0.09, 0.2])
    assert "Holm over 4 tests" in holm(rs)[0].summary()
    with pytest.raises(TypeError, match=r"results\[1\]"):
        holm([rs[0], 0.5])
