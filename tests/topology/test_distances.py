"""Diagram distances against persim; infinite points; matchings; distance matrices."""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import persim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tda_widgets.topology import (
    bottleneck,
    cross_distance_matrix,
    diagram_matching,
    layer_distance_matrix,
    sliced_wasserstein,
    wasserstein,
)

SETTINGS = settings(derandomize=True, max_examples=40, deadline=None)


@st.composite
def diagrams(draw: st.DrawFn, max_points: int = 12, infinite: bool = False) -> np.ndarray:
    n = draw(st.integers(0, max_points))
    births = draw(st.lists(st.floats(0, 10), min_size=n, max_size=n))
    pers = draw(st.lists(st.floats(0, 5), min_size=n, max_size=n))
    d = np.c_[births, np.add(births, pers)].reshape(-1, 2)
    if infinite:
        k = draw(st.integers(0, 2))
        d = np.r_[d, np.c_[draw(st.lists(st.floats(0, 10), min_size=k, max_size=k)), [np.inf] * k]]
    return d.reshape(-1, 2)


def _persim(fn, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(a, b)


@SETTINGS
@given(diagrams(), diagrams(), st.integers(1, 60))
def test_sliced_wasserstein_equals_persim(a, b, m) -> None:
    ref = persim.sliced_wasserstein(a, b, M=m)
    assert sliced_wasserstein(a, b, n_directions=m) == pytest.approx(ref, rel=1e-6, abs=1e-12)


@SETTINGS
@given(diagrams(), diagrams())
def test_wasserstein_and_bottleneck_equal_persim(a, b) -> None:
    assert wasserstein(a, b) == pytest.approx(
        _persim(persim.wasserstein, a, b), rel=1e-9, abs=1e-12
    )
    assert bottleneck(a, b) == pytest.approx(_persim(persim.bottleneck, a, b), rel=1e-9, abs=1e-12)


@SETTINGS
@given(diagrams(infinite=True), diagrams(infinite=True))
def test_infinite_points_rule(a, b) -> None:
    ia, ib = np.isinf(a[:, 1]), np.isinf(b[:, 1])
    fa, fb = a[~ia], b[~ib]
    for fn in (sliced_wasserstein, wasserstein, bottleneck):
        d = fn(a, b)
        if ia.sum() != ib.sum():
            assert d == np.inf  # never a finite value when infinite counts differ
        else:
            assert np.isfinite(d)
            assert d >= fn(fa, fb) - 1e-9  # essential part only adds
        assert fn(a, b, infinite="ignore") == pytest.approx(fn(fa, fb))
    if ia.sum() == ib.sum():
        ess = np.abs(np.sort(a[ia, 0]) - np.sort(b[ib, 0]))
        assert wasserstein(a, b) == pytest.approx(wasserstein(fa, fb) + ess.sum())
        assert sliced_wasserstein(a, b) == pytest.approx(sliced_wasserstein(fa, fb))


@SETTINGS
@given(
    diagrams(infinite=True), diagrams(infinite=True), st.sampled_from(["wasserstein", "bottleneck"])
)
def test_matching_is_consistent(a, b, metric) -> None:
    m = diagram_matching(a, b, metric)
    # every point of a and b appears exactly once
    assert sorted(m.pairs[m.pairs[:, 0] >= 0, 0].tolist()) == list(range(len(a)))
    assert sorted(m.pairs[m.pairs[:, 1] >= 0, 1].tolist()) == list(range(len(b)))
    if np.isfinite(m.cost) and len(m.pair_costs):
        agg = m.pair_costs.sum() if metric == "wasserstein" else m.pair_costs.max()
        assert agg == pytest.approx(m.cost, rel=1e-9, abs=1e-12)


HAVE_GUDHI = importlib.util.find_spec("gudhi") is not None


@SETTINGS
@given(diagrams(infinite=True), diagrams(infinite=True))
def test_bottleneck_with_essential_points_equals_reference(a, b) -> None:
    """gudhi's exact bottleneck (which matches essential points) when installed."""
    if HAVE_GUDHI:
        import gudhi

        ref = gudhi.bottleneck_distance(a, b, 0.0)
    else:  # the same rule, written out: finite part by persim, essential births sorted
        ia, ib = np.isinf(a[:, 1]), np.isinf(b[:, 1])
        ref = np.inf
        if ia.sum() == ib.sum():
            ess = np.abs(np.sort(a[ia, 0]) - np.sort(b[ib, 0]))
            ref = max(_persim(persim.bottleneck, a[~ia], b[~ib]), ess.max(initial=0.0))
    assert bottleneck(a, b) == pytest.approx(ref, abs=1e-9)


@SETTINGS
@given(
    st.lists(diagrams(max_points=8, infinite=True), min_size=1, max_size=5),
    st.sampled_from(["sliced_wasserstein", "wasserstein", "bottleneck"]),
)
def test_matrix_symmetric_zero_diagonal_and_pairwise(dgms, metric) -> None:
    by_layer = {f"l{i}": [np.zeros((0, 2)), d] for i, d in enumerate(dgms)}
    m = layer_distance_matrix(by_layer, metric=metric)
    assert m.layers == tuple(by_layer)
    np.testing.assert_array_equal(m.values, m.values.T)
    np.testing.assert_array_equal(np.diag(m.values), 0.0)
    fn = {
        "sliced_wasserstein": sliced_wasserstein,
        "wasserstein": wasserstein,
        "bottleneck": bottleneck,
    }[metric]
    for i in range(len(dgms)):
        for j in range(i + 1, len(dgms)):
            assert m.values[i, j] == pytest.approx(fn(dgms[i], dgms[j]), rel=1e-12)
    c = cross_distance_matrix(by_layer, by_layer, metric=metric)
    # off the diagonal the same pairs; on it persim's W(a, a) can be ~1e-7, not 0,
    # because sklearn's Euclidean distances lose precision for identical points
    np.testing.assert_allclose(c.values, m.values, rtol=1e-12, atol=1e-6)


def test_sw_matrix_equals_persim_loop() -> None:
    rng = np.random.default_rng(0)
    dgms = {}
    for i in range(4):
        b = rng.random(30 + 10 * i)
        dgms[f"l{i}"] = [np.zeros((0, 2)), np.c_[b, b + rng.random(b.size)]]
    m = layer_distance_matrix(dgms)
    names = list(dgms)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            ref = persim.sliced_wasserstein(dgms[a][1], dgms[b][1])
            assert m.values[i, j] == pytest.approx(ref, rel=1e-6, abs=1e-12)
    df = m.to_dataframe()
    assert list(df.index) == names


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: sliced_wasserstein(np.array([[1.0, 0.0]]), np.zeros((0, 2))),
            "death must be >= birth",
        ),
        (
            lambda: sliced_wasserstein(np.zeros((1, 2)), np.zeros((1, 2)), n_directions=0),
            "n_directions",
        ),
        (lambda: wasserstein(np.zeros((1, 2)), np.zeros((1, 2)), infinite="drop"), "infinite"),
        (lambda: diagram_matching(np.zeros((1, 2)), np.zeros((1, 2)), "l2"), "metric"),
        (lambda: layer_distance_matrix({"a": [np.zeros((0, 2))]}, dim=1), "dim"),
    ],
)
def test_bad_arguments(call, match) -> None:
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: layer_distance_matrix([np.zeros((0, 2))]),
            "diagrams_by_layer: expected a mapping",
        ),
        (lambda: layer_distance_matrix({"a": [np.zeros((0, 2))]}, dim=1.0), "dim: expected an"),
        (lambda: layer_distance_matrix({"a": [np.zeros((0, 2))]}, dim="1"), "dim: expected an"),
    ],
)
def test_wrong_types_are_type_errors(call, match) -> None:
    """The validation policy: a wrong type is a TypeError, a wrong value a ValueError."""
    with pytest.raises(TypeError, match=match):
        call()
