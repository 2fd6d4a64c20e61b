"""Analysis at sizes past the paper's 1,000 images: subsampled persistence, full-size rest."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import tda_widgets as tw
from tda_widgets.analysis import DEFAULT_PH_POINTS, Analysis


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Conv2d(3, 4, 3), nn.ReLU())


IMAGES = torch.randn(1200, 1, 7, 7, generator=torch.Generator().manual_seed(1))


def test_default_runs_persistence_on_the_papers_1000_random_images() -> None:
    a = Analysis(_model(), IMAGES, ["1", "3"], cache_dir=False, progress=False)
    dg = a.diagrams("3")
    p = dg.params
    assert DEFAULT_PH_POINTS == 1000 and a.n_perm == 1000
    assert p["subsample"] == "random" and p["n_total"] == 1200 and len(p["indices"]) == 1000
    idx, r = tw.point_clouds.random_subsample(a.cloud("3"), 1000, seed=0)
    np.testing.assert_array_equal(p["indices"], idx)
    assert p["covering_radius"] == pytest.approx(r)
    ref = tw.persistence_diagrams(a.cloud("3").points[idx])
    for got, want in zip(dg, ref, strict=True):
        np.testing.assert_array_equal(got, want)
    # CKA and Mapper use every image
    members = np.unique(a.mapper("3", n_intervals=4).members)
    assert members.max() >= 1000 and len(members) > 1000
    assert a.cka_matrix().values.shape == (2, 2)


def test_small_clouds_are_used_whole_and_none_means_every_point() -> None:
    small = Analysis(_model(), IMAGES[:300], ["3"], cache_dir=False, progress=False)
    dg = small.diagrams("3")
    assert "indices" not in dg.params
    ref = tw.persistence_diagrams(small.cloud("3"))
    for got, want in zip(dg, ref, strict=True):
        np.testing.assert_array_equal(got, want)
    full = Analysis(_model(), IMAGES, ["3"], n_perm=None, cache_dir=False, progress=False)
    assert "indices" not in full.diagrams("3").params


def test_subsample_choice_and_seed_are_part_of_the_cache_key(tmp_path) -> None:
    kw = {"cache_dir": tmp_path, "progress": False}
    a = Analysis(_model(), IMAGES, ["3"], seed=0, **kw)
    b = Analysis(_model(), IMAGES, ["3"], seed=1, **kw)
    c = Analysis(_model(), IMAGES, ["3"], subsample="farthest", **kw)
    ia, ib, ic = (x.diagrams("3").params["indices"] for x in (a, b, c))
    assert not np.array_equal(ia, ib) and not np.array_equal(ia, ic)
    assert b.n_computed["diagrams"] == 1 and c.n_computed["diagrams"] == 1
    again = Analysis(_model(), IMAGES, ["3"], seed=1, **kw)
    np.testing.assert_array_equal(again.diagrams("3").params["indices"], ib)
    assert again.n_computed["diagrams"] == 0


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_perm": "all"}, ValueError, "n_perm: unknown name 'all'"),
        ({"n_perm": 2.5}, TypeError, "n_perm: expected an integer >= 1"),
        ({"subsample": "fps"}, ValueError, "subsample: unknown name 'fps'"),
        ({"seed": -1}, ValueError, "seed: expected an integer >= 0"),
    ],
)
def test_bad_subsample_arguments_are_named(kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        Analysis(_model(), IMAGES, ["3"], cache_dir=False, progress=False, **kwargs)


def test_mappers_equal_mapper_and_fill_the_cache(tmp_path) -> None:
    a = Analysis(_model(), IMAGES[:400], ["1", "3"], n_jobs=2, cache_dir=tmp_path, progress=False)
    graphs = a.mappers(n_intervals=5)
    assert a.n_computed["mapper"] == 2
    for layer in ("1", "3"):
        one = tw.mapper_graph(a.cloud(layer), n_intervals=5)
        np.testing.assert_array_equal(graphs[layer].members, one.members)
        np.testing.assert_array_equal(graphs[layer].edges, one.edges)
    b = Analysis(_model(), IMAGES[:400], ["1", "3"], cache_dir=tmp_path, progress=False)
    b.mappers(n_intervals=5)
    assert b.n_computed["mapper"] == 0


def test_maxdim_and_backend_are_checked_when_the_analysis_is_made() -> None:
    with pytest.raises(TypeError, match=r"maxdim: expected an integer >= 0, got float 1\.7"):
        Analysis(_model(), IMAGES, ["3"], maxdim=1.7, cache_dir=False, progress=False)
    with pytest.raises(ValueError, match="backend: unknown name 'nope'"):
        Analysis(_model(), IMAGES, ["3"], backend="nope", cache_dir=False, progress=False)
