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
