"""Renamed arguments (docs/architecture.md, "Vocabulary"): the old name still works,
with a FutureWarning naming the new one; both at once is a TypeError."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tda_widgets as tw

X = np.random.default_rng(0).normal(size=(80, 3))


def test_persistence_n_points_and_threshold_are_n_perm_and_thresh() -> None:
    new = tw.persistence_diagrams(X, n_perm=30, thresh=1.5)
    with pytest.warns(FutureWarning, match=r"n_points= is deprecated; use n_perm="):
        old = tw.persistence_diagrams(X, n_points=30, thresh=1.5)
    with pytest.warns(FutureWarning, match=r"threshold= is deprecated; use thresh="):
        old2 = tw.persistence_diagrams(X, n_perm=30, threshold=1.5)
    for dg in (old, old2):
        assert dg.params["n_perm"] == 30 and dg.params["thresh"] == new.params["thresh"]
        for a, b in zip(dg, new, strict=True):
            np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="got both n_perm= and its old name n_points="):
        tw.persistence_diagrams(X, n_perm=30, n_points=30)


def test_analysis_n_points_is_n_perm() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    images = torch.zeros(4, 3, 8, 8)
    with pytest.warns(FutureWarning, match=r"Analysis: n_points= is deprecated; use n_perm="):
        a = tw.Analysis(model, images, ["0"], n_points=50, cache_dir=False, progress=False)
    assert a.n_perm == 50
    with pytest.raises(TypeError, match="got both n_perm= and its old name n_points="):
        tw.Analysis(model, images, ["0"], n_perm=5, n_points=50, cache_dir=False)


def test_point_cloud_dim_is_n_features() -> None:
    cloud = tw.PointCloud.from_array(np.zeros((4, 3)))
    assert cloud.n_features == 3
    with pytest.warns(FutureWarning, match=r"PointCloud\.dim is deprecated; use \.n_features"):
        assert cloud.dim == 3
