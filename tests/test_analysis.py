"""Analysis: lazy, cached, parallel; counts calls to prove what is recomputed."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tda_widgets.analysis as analysis_mod
from tda_widgets import Analysis, layer_distance_matrix, persistence_diagrams
from tda_widgets.activations.extract import extract_activations

LAYERS = ["0", "2"]


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.Conv2d(8, 6, 3), torch.nn.ReLU()
    )


def _images(n: int = 40, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, 3, 10, 10, generator=torch.Generator().manual_seed(seed))


@pytest.fixture
def counting(monkeypatch):
    """Count the real work: forward passes, persistence, matrices, Mapper."""
    calls = {"extract": 0, "persistence": 0, "matrix": 0, "mapper": 0}

    def wrap(name, fn):
        def inner(*a, **k):
            calls[name] += 1
            return fn(*a, **k)

        return inner

    import tda_widgets.activations.extract as ext

    monkeypatch.setattr(ext, "extract_activations", wrap("extract", extract_activations))
    monkeypatch.setattr(
        analysis_mod, "persistence_diagrams", wrap("persistence", persistence_diagrams)
    )
    monkeypatch.setattr(
        analysis_mod, "layer_distance_matrix", wrap("matrix", layer_distance_matrix)
    )
    monkeypatch.setattr(analysis_mod, "mapper_graph", wrap("mapper", analysis_mod.mapper_graph))
    return calls


def _run(a: Analysis) -> tuple:
    return (
        [a.diagrams(layer) for layer in LAYERS],
        a.distance_matrix(),
        a.cka_matrix(),
        a.mapper("2", n_intervals=4),
    )


def test_results_equal_direct_computation(tmp_path) -> None:
    model, images = _model(), _images()
    a = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    clouds = extract_activations(model, images, LAYERS, point_cloud="top_l2", progress=False)
    for layer in LAYERS:
        np.testing.assert_array_equal(a.cloud(layer).points, clouds[layer].points)
        ref = persistence_diagrams(clouds[layer])
        for k in range(2):
            np.testing.assert_array_equal(a.diagrams(layer)[k], ref[k])
    m = a.distance_matrix()
    ref_m = layer_distance_matrix({layer: persistence_diagrams(clouds[layer]) for layer in LAYERS})
    np.testing.assert_array_equal(m.values, ref_m.values)
    assert m.layers == tuple(LAYERS)


def test_second_identical_run_recomputes_nothing(tmp_path, counting) -> None:
    model, images = _model(), _images()
    first = _run(Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False))
    assert counting == {"extract": 1, "persistence": 2, "matrix": 1, "mapper": 1}
    again = Analysis(_model(), images.clone(), LAYERS, cache_dir=tmp_path, progress=False)
    second = _run(again)
    assert counting == {"extract": 1, "persistence": 2, "matrix": 1, "mapper": 1}
    assert sum(again.n_computed.values()) == 0
    for d1, d2 in zip(first[0], second[0], strict=True):
        for k in range(2):
            np.testing.assert_array_equal(d1[k], d2[k])
            np.testing.assert_array_equal(d1.generators[k], d2.generators[k])
    np.testing.assert_array_equal(first[1].values, second[1].values)
    np.testing.assert_array_equal(first[2].values, second[2].values)
    np.testing.assert_array_equal(first[3].members, second[3].members)
    np.testing.assert_array_equal(first[3].edges, second[3].edges)


def test_changing_one_parameter_recomputes_only_what_depends_on_it(tmp_path, counting) -> None:
    model, images = _model(), _images()
    _run(Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False))
    base = dict(counting)
    # another metric: same diagrams, a new matrix
    a = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    a.distance_matrix(metric="bottleneck")
    assert counting == {**base, "matrix": base["matrix"] + 1}
    # another maxdim: same clouds (no forward pass), new diagrams
    b = Analysis(model, images, LAYERS, maxdim=0, cache_dir=tmp_path, progress=False)
    b.distance_matrix(dim=0)
    assert counting["extract"] == base["extract"]
    assert counting["persistence"] == base["persistence"] + 2
    # other Mapper parameters: only the Mapper graph
    a.mapper("2", n_intervals=5)
    assert counting["mapper"] == base["mapper"] + 1
    # other weights: everything again
    model2 = _model()
    with torch.no_grad():
        model2[0].weight[0, 0, 0, 0] += 1.0
    Analysis(model2, images, LAYERS, cache_dir=tmp_path, progress=False).diagrams("0")
    assert counting["extract"] == base["extract"] + 1
    # other data: everything again
    Analysis(model, _images(seed=1), LAYERS, cache_dir=tmp_path, progress=False).diagrams("0")
    assert counting["extract"] == base["extract"] + 2


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign"])
def test_damaged_cache_file_is_recomputed_with_a_warning(tmp_path, counting, damage) -> None:
    model, images = _model(), _images()
    first = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    ref = first.diagrams("2")
    files = sorted(tmp_path.glob("diagrams-*.npz"))
    assert len(files) == 2
    target = next(f for f in files if first._diagram_key("2") in f.name)
    other = next(f for f in files if f != target)
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "garbage":
        target.write_bytes(b"not a zip file at all")
    else:
        target.write_bytes(other.read_bytes())
    before = counting["persistence"]
    again = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        dg = again.diagrams("2")
    assert counting["persistence"] == before + 1
    np.testing.assert_array_equal(dg[1], ref[1])
    # and it was rewritten: a third run loads it silently
    third = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    third.diagrams("2")
    assert counting["persistence"] == before + 1


def test_cache_files_are_plain_npz_and_writes_leave_no_temp(tmp_path) -> None:
    a = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    _run(a)
    files = list(tmp_path.iterdir())
    assert files and all(f.suffix == ".npz" for f in files)
    for f in files:
        with np.load(f, allow_pickle=False) as z:  # would raise on object arrays
            [z[k] for k in z.files]
    assert a.clear_cache() == len(files)
    assert list(tmp_path.iterdir()) == []


def test_parallel_layers_and_env_cache_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TDA_WIDGETS_CACHE", str(tmp_path))
    a = Analysis(_model(), _images(), LAYERS, n_jobs=2, progress=False)
    assert a.cache_dir == tmp_path / "analysis"
    seq = Analysis(_model(), _images(), LAYERS, cache_dir=False, progress=False)
    for layer in LAYERS:
        np.testing.assert_array_equal(a.diagrams(layer)[1], seq.diagrams(layer)[1])
    assert len(list((tmp_path / "analysis").glob("diagrams-*.npz"))) == 2


def test_unknown_layer_lists_known_ones(tmp_path) -> None:
    a = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match=r"layer.*'2'"):
        a.diagrams("3")
