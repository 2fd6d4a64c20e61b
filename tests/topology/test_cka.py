"""Linear CKA, matrix comparison and the PC-removal sensitivity test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tda_widgets import PointCloud
from tda_widgets.topology import (
    cka_matrix,
    compare_matrices,
    linear_cka,
    pc_removal_sensitivity,
    sliced_wasserstein,
)
from tda_widgets.topology.persistence import persistence_diagrams


def _cka_feature_space(x: np.ndarray, y: np.ndarray) -> float:
    """Kornblith et al.'s feature-space formula, an independent reference."""
    x = x - x.mean(0)
    y = y - y.mean(0)
    return np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))


@settings(derandomize=True, max_examples=25, deadline=None)
@given(st.integers(5, 40), st.integers(1, 8), st.integers(1, 8), st.integers(0, 2**16))
def test_linear_cka_matches_feature_space_formula_and_invariances(n, p, q, seed) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(n, p)), rng.normal(size=(n, q))
    c = linear_cka(x, y)
    assert c == pytest.approx(_cka_feature_space(x, y), rel=1e-6, abs=1e-9)
    assert -1e-9 <= c <= 1 + 1e-9
    rot = np.linalg.qr(rng.normal(size=(p, p)))[0]
    assert linear_cka(2.5 * x @ rot + 1.0, y) == pytest.approx(c, rel=1e-5, abs=1e-7)


def test_cka_matrix_symmetric_and_equals_pairwise() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 6))
    clouds = {
        "a": base,
        "b": base @ rng.normal(size=(6, 3)),
        "c": rng.normal(size=(40, 5)),
    }
    m = cka_matrix(clouds)
    np.testing.assert_allclose(m.values, m.values.T)
    np.testing.assert_allclose(np.diag(m.values), 1.0)
    for i, a in enumerate(clouds):
        for j, b in enumerate(clouds):
            assert m.values[i, j] == pytest.approx(linear_cka(clouds[a], clouds[b]), abs=1e-6)
    assert m.values[0, 1] > m.values[0, 2]


def test_cka_matrix_rejects_misaligned_clouds() -> None:
    a = PointCloud.from_array(np.random.default_rng(0).normal(size=(5, 2)))
    b = a.subset([1, 0, 2, 3, 4])
    with pytest.raises(ValueError, match="image_index"):
        cka_matrix({"a": a, "b": b})
    with pytest.raises(ValueError, match="rows"):
        linear_cka(np.zeros((4, 2)), np.zeros((5, 2)))


def test_compare_matrices_detects_agreement_and_not_noise() -> None:
    rng = np.random.default_rng(3)
    pts = rng.normal(size=(10, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=-1)
    same = compare_matrices(d, np.sqrt(d), n_permutations=199)
    assert same.statistic == pytest.approx(1.0)
    assert same.p_value <= 0.01
    noise = rng.random((10, 10))
    noise = noise + noise.T
    other = compare_matrices(d, noise, n_permutations=199)
    assert other.statistic < 0.6 and other.p_value > 0.01
    with pytest.raises(ValueError, match="method"):
        compare_matrices(d, d, method="cosine")
    with pytest.raises(ValueError, match="shape"):
        compare_matrices(d, d[:5, :5])


def test_pc_removal_sensitivity_uncentred_svd_reference() -> None:
    x = np.random.default_rng(1).normal(size=(50, 5)).astype(np.float32) + 2.0
    ks = [0, 1, 3]
    ours = pc_removal_sensitivity(x, ks, backend="ripser")
    _, _, vt = np.linalg.svd(x.astype(np.float64))  # not centred, as the authors
    base = persistence_diagrams(x, backend="ripser")[1]
    for k, d in zip(ks[1:], ours[1:], strict=True):
        low = (x @ vt[: 5 - k].T).astype(np.float32)
        ref = sliced_wasserstein(base, persistence_diagrams(low, backend="ripser")[1])
        assert d == pytest.approx(ref)
    assert ours[0] == 0.0 and ours[2] > 0
    with pytest.raises(ValueError, match="ks"):
        pc_removal_sensitivity(x, [5])


def _gram_cka_matrix(arrays: list[np.ndarray]) -> np.ndarray:
    """The Gram-matrix definition in float64 (the package's form before the rewrite)."""
    grams = []
    for a in arrays:
        ac = a.astype(np.float64) - a.astype(np.float64).mean(axis=0)
        grams.append((ac @ ac.T).ravel())
    flat = np.stack(grams)
    flat /= np.linalg.norm(flat, axis=1)[:, None]
    return flat @ flat.T


def test_cka_matrix_feature_form_equals_gram_definition_to_1e10() -> None:
    rng = np.random.default_rng(3)
    # n > _CHUNK_ROWS so the chunked accumulation is exercised; ReLU-like float32 clouds
    n = 5000
    base = np.maximum(rng.normal(size=(n, 12)), 0).astype(np.float32)
    arrays = [
        base,
        np.maximum(base @ rng.normal(size=(12, 20)), 0).astype(np.float32),
        rng.normal(size=(n, 7)).astype(np.float32) + 50.0,
    ]
    m = cka_matrix({f"l{i}": a for i, a in enumerate(arrays)})
    ref = _gram_cka_matrix(arrays)
    np.testing.assert_allclose(m.values, ref, rtol=1e-10, atol=0)


def test_cka_uses_gram_form_when_it_is_smaller_and_agrees() -> None:
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(20, 300)), rng.normal(size=(20, 500))  # n << p + q
    ref = _gram_cka_matrix([x, y])[0, 1]
    assert linear_cka(x, y) == pytest.approx(ref, rel=1e-10)


def test_linear_cka_is_offset_free_on_float64() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(200, 6)), rng.normal(size=(200, 9))
    exact = _cka_feature_space(a, b)
    assert linear_cka(a + 1e4, b + 1e4) == pytest.approx(exact, rel=1e-10)
    assert cka_matrix({"a": a + 1e4, "b": b - 1e6}).values[0, 1] == pytest.approx(exact, rel=1e-9)


def test_cka_checks_memory_before_allocating() -> None:
    x = np.zeros((100, 1000), dtype=np.float32)
    with pytest.raises(MemoryError, match=r"memory_budget: linear CKA .* fewer layers"):
        cka_matrix({"a": x, "b": x}, memory_budget=10_000)
    with pytest.raises(MemoryError, match="memory_budget"):
        linear_cka(x, x, memory_budget=10_000)
    with pytest.raises(TypeError, match="memory_budget: expected a number of bytes"):
        linear_cka(x, x, memory_budget="1GB")
    with pytest.raises(ValueError, match="memory_budget: expected a positive"):
        cka_matrix({"a": x}, memory_budget=-1)


def test_cka_rejects_too_few_rows_and_mismatched_rows() -> None:
    with pytest.raises(ValueError, match="x: expected at least 2 rows"):
        linear_cka(np.ones((1, 3)), np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"y: expected the same number of rows as x \(5\), got 4"):
        linear_cka(np.ones((5, 3)), np.ones((4, 2)))


def test_ranks_and_correlations_are_scipys() -> None:
    """average_ranks and the numpy Spearman/Pearson give scipy.stats' values (ties too)."""
    from scipy import stats

    from tda_widgets.topology.cka import _correlation, average_ranks

    rng = np.random.default_rng(7)
    for trial in range(200):
        n = int(rng.integers(3, 60))
        # few distinct values in half the trials: many ties
        x = rng.integers(0, 5, n).astype(float) if trial % 2 else rng.normal(size=n)
        y = rng.normal(size=n) + (0.5 * x if trial % 3 else 0.0)
        np.testing.assert_array_equal(average_ranks(x), stats.rankdata(x))
        if np.ptp(x) == 0:
            continue
        assert _correlation(x, y, "spearman") == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)
        assert _correlation(x, y, "pearson") == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-12)
        assert _correlation(x, y, "kendall") == pytest.approx(stats.kendalltau(x, y)[0])
    assert np.isnan(_correlation(np.ones(5), np.arange(5.0), "spearman"))
