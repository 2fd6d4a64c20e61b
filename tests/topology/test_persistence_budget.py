"""persistence_diagrams checks its memory budget for every maxdim, and its arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tda_widgets.topology import persistence as P
from tda_widgets.topology.persistence import persistence_diagrams

X = np.random.default_rng(0).normal(size=(1500, 4)).astype(np.float32)


@pytest.mark.parametrize("backend", P.available_backends())
def test_h2_estimate_counts_triangles(backend: str) -> None:
    # 1,500 points with maxdim=2 were estimated from the pairs alone (206 MiB) and
    # passed 8 GB with ripser; the triangles must be counted before anything runs.
    h1 = P._memory_need(1500, 1, backend, 1.0)
    h2 = P._memory_need(1500, 2, backend, 1.0)
    assert h1 == P.BYTES_PER_PAIR * 1500**2
    assert h2 == pytest.approx(h1 + P.BYTES_PER_SIMPLEX[backend] * math.comb(1500, 3))


def test_maxdim2_over_budget_refused_before_work() -> None:
    with pytest.raises(MemoryError) as info:
        persistence_diagrams(X, maxdim=2, backend="ripser", memory_budget=4 * 1024**3)
    msg = str(info.value)
    assert "up to H2" in msg and "2-simplices" in msg and "'ripser' backend" in msg
    fit = int(msg.split("n_perm=")[1].split()[0])
    # the suggested size fits and one more point does not
    assert P._memory_need(fit, 2, "ripser", 1.0) <= 4 * 1024**3
    assert P._memory_need(fit + 1, 2, "ripser", 1.0) > 4 * 1024**3
    # the same cloud up to H1 fits the same budget
    assert P._memory_need(1500, 1, "ripser", 1.0) <= 4 * 1024**3


def test_finite_threshold_lowers_the_h2_estimate() -> None:
    near = P._pair_share(X, 0.5)
    assert 0 < near < 0.1
    assert P._pair_share(X, np.inf) == 1.0
    # a small threshold makes the same H2 request fit
    dg = persistence_diagrams(X[:300], maxdim=2, thresh=0.3, backend="ripser")
    assert len(dg) == 3


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_perm": 2.5}, TypeError, r"n_perm: expected an integer >= 1, got float 2\.5"),
        ({"n_perm": True}, TypeError, r"n_perm: expected an integer >= 1, got bool True"),
        ({"n_perm": "10"}, TypeError, r"n_perm: expected an integer >= 1, got str '10'"),
        ({"n_perm": 0}, ValueError, r"n_perm: expected an integer >= 1, got 0"),
        ({"thresh": "abc"}, TypeError, r"thresh: expected a number >= 0 or inf"),
        ({"thresh": -1.0}, ValueError, r"thresh: expected a number >= 0 or inf"),
        ({"maxdim": 1.0}, TypeError, r"maxdim: expected an integer >= 0, got float 1\.0"),
        ({"memory_budget": "4GB"}, TypeError, r"memory_budget: expected a number of bytes"),
        ({"memory_budget": 0}, ValueError, r"memory_budget: expected a positive number"),
    ],
)
def test_arguments_named_in_errors(kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        persistence_diagrams(X[:20], **kwargs)
