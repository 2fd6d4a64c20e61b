"""The exact shortcuts of ``topology/_rips.py`` and the truncated H1 run they allow.

Each shortcut is checked against an independent computation: scipy's minimum spanning
tree, a brute-force relative-neighbourhood test over every triple, and ``ripser.ripser``
on the whole filtration.
"""

from __future__ import annotations

import numpy as np
import pytest
import ripser
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from tda_widgets.topology import available_backends, persistence_diagrams
from tda_widgets.topology._rips import (
    edges_of_lengths,
    h0_diagram,
    h1_birth_bound,
    spanning_forest,
)
from tda_widgets.topology.persistence import rips_distances


def _sorted(d: np.ndarray) -> np.ndarray:
    return d[np.lexsort((d[:, 1], d[:, 0]))]


def _circle(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    return (np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.05, size=(n, 2))).astype(np.float32)


def _brute_bound(dm: np.ndarray, tree: np.ndarray) -> float:
    """Longest non-tree edge ab with no c such that max(d(a,c), d(b,c)) < d(a,b)."""
    n = dm.shape[0]
    in_tree = {(min(a, b), max(a, b)) for a, b in tree.tolist()}
    best = 0.0
    for a in range(n):
        for b in range(a + 1, n):
            if (a, b) in in_tree:
                continue
            if not any(max(dm[a, c], dm[b, c]) < dm[a, b] for c in range(n)):
                best = max(best, float(dm[a, b]))
    return best


CLOUDS = {
    "gauss 3-d": lambda: np.random.default_rng(0).standard_normal((60, 3)),
    "gauss 64-d": lambda: np.random.default_rng(1).standard_normal((70, 64)),
    "circle": lambda: _circle(50, 2),
    "integer grid (ties)": lambda: np.stack(np.meshgrid(range(6), range(6)), -1).reshape(-1, 2),
    "duplicates": lambda: np.repeat(np.random.default_rng(3).standard_normal((20, 4)), 2, 0),
    "clusters": lambda: np.r_[
        np.random.default_rng(4).normal(0, 0.1, (25, 5)),
        np.random.default_rng(5).normal(3, 0.1, (25, 5)),
    ],
}


@pytest.mark.parametrize("name", CLOUDS)
def test_spanning_forest_is_minimal(name: str) -> None:
    dm = rips_distances(np.asarray(CLOUDS[name](), dtype=np.float32))
    edges, lengths = spanning_forest(dm)
    assert edges.shape == (dm.shape[0] - 1, 2)
    np.testing.assert_array_equal(dm[edges[:, 0], edges[:, 1]], lengths)
    # scipy reads 0 as "no edge": shift every weight by 1 (n - 1 edges, same tree order)
    ref = minimum_spanning_tree(dm.astype(np.float64) + 1 - np.eye(dm.shape[0])).sum()
    assert lengths.astype(np.float64).sum() + len(lengths) == pytest.approx(ref, rel=1e-9)


def test_spanning_forest_respects_threshold() -> None:
    dm = rips_distances(np.random.default_rng(6).standard_normal((80, 2)).astype(np.float32))
    edges, lengths = spanning_forest(dm, 0.4)
    k, _ = connected_components(dm <= 0.4, directed=False)
    assert edges.shape[0] == 80 - k and k > 1
    assert lengths.max() <= np.float32(0.4)


@pytest.mark.parametrize("name", CLOUDS)
def test_h0_equals_ripser(name: str) -> None:
    x = np.asarray(CLOUDS[name](), dtype=np.float32)
    dm = rips_distances(x)
    dgm, gens = h0_diagram(x.shape[0], *spanning_forest(dm))
    np.testing.assert_array_equal(_sorted(dgm), _sorted(ripser.ripser(x, maxdim=0)["dgms"][0]))
    fin = np.isfinite(dgm[:, 1])
    np.testing.assert_array_equal(dm[gens[fin, 2], gens[fin, 3]], dgm[fin, 1].astype(np.float32))


@pytest.mark.parametrize("name", CLOUDS)
@pytest.mark.parametrize("candidates", [1, 16])
def test_birth_bound_is_the_brute_force_one(name: str, candidates: int) -> None:
    x = np.asarray(CLOUDS[name](), dtype=np.float32)
    dm = rips_distances(x)
    tree, _ = spanning_forest(dm)
    bound = h1_birth_bound(dm, tree, candidates=candidates)
    assert bound == _brute_bound(dm, tree)
    h1 = ripser.ripser(x, maxdim=1)["dgms"][1]
    assert h1.size == 0 or h1[:, 0].max() <= bound  # every H1 bar is born by the bound


def test_edges_of_lengths_finds_each_value_and_counts_ties() -> None:
    x = np.stack(np.meshgrid(range(3), range(3)), -1).reshape(-1, 2).astype(np.float32)
    dm = rips_distances(x)
    values = np.array([1.0, np.sqrt(2), np.inf, 2.0])
    edges, ties = edges_of_lengths(dm, values)
    fin = np.isfinite(values)
    np.testing.assert_allclose(dm[edges[fin, 0], edges[fin, 1]], values[fin], rtol=1e-6)
    assert np.all(edges[fin, 0] < edges[fin, 1])
    assert edges[2].tolist() == [-1, -1]
    assert ties == 3  # every length of a grid repeats
    with pytest.raises(RuntimeError, match="not an edge length"):
        edges_of_lengths(dm, np.array([1.5]))


@pytest.mark.parametrize("backend", available_backends())
@pytest.mark.parametrize("name", CLOUDS)
def test_truncated_runs_equal_ripser(backend: str, name: str) -> None:
    x = np.asarray(CLOUDS[name](), dtype=np.float32)
    ref = ripser.ripser(x, maxdim=1)["dgms"]
    dg = persistence_diagrams(x, backend=backend)
    for k in range(2):
        np.testing.assert_array_equal(_sorted(dg[k]), _sorted(ref[k]))
    assert dg.params["h1_birth_bound"] >= (ref[1][:, 0].max() if len(ref[1]) else 0.0)


def test_both_paths_are_taken() -> None:
    """A high-dimensional cloud is done in one truncated run; a circle's loop outlives
    the first cut-off, so it is recomputed on the whole filtration."""
    gauss = persistence_diagrams(np.random.default_rng(0).standard_normal((300, 64)))
    assert gauss.params["backend_runs"] == 1
    assert gauss.params["filtration_cutoff"] < np.inf
    circle = persistence_diagrams(_circle(300, 0))
    assert circle.params["backend_runs"] == 2
    assert circle.params["filtration_cutoff"] == np.inf
    assert np.sum(circle[1][:, 1] - circle[1][:, 0] > 0.5) == 1


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(4, 30), st.integers(1, 4)),
        elements=st.integers(-4, 4).map(float),
    )
)
def test_integer_clouds_equal_ripser(points: np.ndarray) -> None:
    """Integer coordinates: many ties and duplicate points, the hard case for the bound."""
    x = points.astype(np.float32)
    ref = ripser.ripser(x, maxdim=1)["dgms"]
    dg = persistence_diagrams(x, backend="ripser")
    for k in range(2):
        np.testing.assert_array_equal(_sorted(dg[k]), _sorted(ref[k]))


@pytest.mark.parametrize("backend", available_backends())
def test_threshold_is_rounded_to_float32_like_ripser(backend: str) -> None:
    """1.4142135 is not a float32: every backend and the tree use its float32 rounding,
    which is sqrt(2) as a float32, so the square closes and its loop is born there."""
    x = np.array([[-2, 0], [-1, -1], [-1, 1], [0, 0], [0, 1]], dtype=np.float32)
    ref = ripser.ripser(x, maxdim=1, thresh=1.4142135)["dgms"]
    dg = persistence_diagrams(x, backend=backend, thresh=1.4142135)
    for k in range(2):
        np.testing.assert_array_equal(_sorted(dg[k]), _sorted(ref[k]))
    assert len(dg[1]) == 1
