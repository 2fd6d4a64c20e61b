"""Non-finite numbers never reach a view's state (they break the page and its export)."""

from __future__ import annotations

import numpy as np
import pytest

import tda_widgets as tw

PTS = np.random.default_rng(0).normal(size=(20, 2))


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), -1.0])
def test_filtration_max_radius_must_be_finite_and_positive(bad: float) -> None:
    with pytest.raises(ValueError, match=r"max_radius: expected a (finite )?number"):
        tw.FiltrationWidget(PTS, max_radius=bad)


@pytest.mark.parametrize("bad", [float("inf"), float("nan")])
def test_filtration_radius_must_be_finite(bad: float) -> None:
    w = tw.FiltrationWidget(PTS)
    with pytest.raises(ValueError, match="radius: expected"):
        w.radius = bad
    assert np.isfinite(w.radius)


def test_mapper_edge_threshold_refuses_nan() -> None:
    w = tw.MapperGraphWidget(tw.mapper_graph(PTS, n_intervals=3))
    with pytest.raises(ValueError, match=r"edge_threshold: expected a number in \[0, 1\], got nan"):
        w.edge_threshold = float("nan")
    assert w.edge_threshold == 0.0


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (np.nan, r"edge_weights: expected finite values, got nan"),
        (np.inf, r"edge_weights: expected finite values, got inf"),
        (1.5, r"edge_weights\[0\]: expected a Jaccard overlap in \[0, 1\], got 1\.5"),
    ],
)
def test_mapper_edge_weights_must_be_overlaps(value: float, match: str) -> None:
    g = tw.mapper_graph(PTS, n_intervals=4, overlap=0.5)
    w = tw.MapperGraphWidget(g)
    assert len(w.edge_weights) > 0
    before = w.edge_weights.copy()
    with pytest.raises(ValueError, match=match):
        w.edge_weights = np.full(len(before), value)
    np.testing.assert_array_equal(w.edge_weights, before)
