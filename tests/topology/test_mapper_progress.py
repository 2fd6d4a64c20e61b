"""mapper_graph shows progress on long runs and names a clusterer that is not one."""

from __future__ import annotations

import numpy as np
import pytest

import tda_widgets.topology.mapper as M
from tda_widgets import mapper_graph

X = np.random.default_rng(0).normal(size=(300, 3))


def test_a_progress_bar_wraps_the_intervals(monkeypatch) -> None:
    seen: list[dict] = []

    class Recorder:
        def __init__(self, it, **kwargs):
            self.it, self.kwargs = it, kwargs
            seen.append(kwargs)

        def __iter__(self):
            n = 0
            for x in self.it:
                n += 1
                yield x
            self.kwargs["iterated"] = n

    monkeypatch.setattr(M, "tqdm", Recorder)
    g = mapper_graph(X, n_intervals=7)
    (kw,) = seen
    assert kw["total"] == kw["iterated"] >= 5  # every clustered interval went through it
    assert kw["delay"] == 2.0 and kw["disable"] is False  # shown once it takes 2 s
    assert g.n_nodes > 0
    mapper_graph(X, n_intervals=7, progress=False)
    assert seen[-1]["disable"] is True


@pytest.mark.parametrize("bad", ["dbscan", 3, None.__class__])
def test_a_clusterer_that_is_not_one_is_named(bad) -> None:
    with pytest.raises(TypeError, match=r"clusterer: expected a scikit-learn-style clusterer"):
        mapper_graph(X, clusterer=bad)


def test_overlap_of_the_wrong_type_is_named() -> None:
    with pytest.raises(TypeError, match=r"overlap: expected a fraction in \[0, 1\), got str"):
        mapper_graph(X, overlap="0.5")
