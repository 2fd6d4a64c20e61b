"""Analysis.diagram_confidence and Analysis.noise_floors: exact inputs, cached, recomputed."""

import numpy as np
import pytest
import torch

from tda_widgets import Analysis, DistanceMatrix, NoiseFloors, diagram_confidence
from tda_widgets.stats import split_half_floor


@pytest.fixture(scope="module")
def setup():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 6, 3), torch.nn.ReLU(), torch.nn.Conv2d(6, 8, 3), torch.nn.ReLU()
    )
    images = torch.randn(90, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    return model, images


def test_confidence_is_that_of_the_recorded_subsample_and_cached(setup, tmp_path):
    model, images = setup
    a = Analysis(model, images, ["1", "3"], cache_dir=tmp_path, n_perm=60, seed=2, progress=False)
    conf = a.diagram_confidence("3", n_boot=30)
    dg = a.diagrams("3")
    np.testing.assert_array_equal(conf.diagram, dg.dgms[1])
    points = a.cloud("3").points[dg.params["indices"]]
    direct = diagram_confidence(points, n_boot=30, seed=2)
    assert conf.c_alpha == direct.c_alpha
    np.testing.assert_array_equal(conf.significant, direct.significant)
    again = Analysis(
        model, images, ["1", "3"], cache_dir=tmp_path, n_perm=60, seed=2, progress=False
    )
    loaded = again.diagram_confidence("3", n_boot=30)
    assert again.n_computed["conf"] == 0 and loaded.c_alpha == conf.c_alpha
    np.testing.assert_array_equal(loaded.null, conf.null)
    # another alpha is another result
    assert again.diagram_confidence("3", n_boot=30, alpha=0.2).c_alpha <= conf.c_alpha
    assert again.n_computed["conf"] == 1


def test_a_damaged_confidence_file_is_recomputed_with_a_warning(setup, tmp_path):
    model, images = setup
    a = Analysis(model, images, ["1", "3"], cache_dir=tmp_path, progress=False)
    first = a.diagram_confidence("1", n_boot=20)
    (path,) = tmp_path.glob("conf-*.npz")
    path.write_bytes(path.read_bytes()[:100])
    b = Analysis(model, images, ["1", "3"], cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        second = b.diagram_confidence("1", n_boot=20)
    assert b.n_computed["conf"] == 1 and second.c_alpha == first.c_alpha


def test_noise_floors_are_split_half_distances_per_layer(setup, tmp_path):
    model, images = setup
    a = Analysis(model, images, ["1", "3"], cache_dir=tmp_path, progress=False, seed=4)
    floors = a.noise_floors(n_splits=6)
    assert isinstance(floors, NoiseFloors) and floors.floors.shape == (2, 6)
    expected = split_half_floor(a.cloud("3").points, n_splits=6, seed=4)
    np.testing.assert_allclose(floors.floors[1], expected)
    assessment = floors.assess(a.distance_matrix())
    assert assessment.within_noise.shape == (2, 2) and assessment.within_noise[0, 0]
    d = a.distance_matrix().values[0, 1]
    worse = int(np.argmax(np.quantile(floors.floors, 0.95, axis=1, method="higher")))
    assert assessment.p_values[0, 1] == pytest.approx((1 + np.sum(floors.floors[worse] >= d)) / 7)
    b = Analysis(model, images, ["1", "3"], cache_dir=tmp_path, progress=False, seed=4)
    np.testing.assert_array_equal(b.noise_floors(n_splits=6).floors, floors.floors)
    assert b.n_computed["floors"] == 0


def test_cka_floors_are_a_permutation_null_and_assess_only_cka(setup):
    model, images = setup
    pooled = Analysis(
        model, images, ["1", "3"], cache_dir=False, progress=False, point_cloud="pooled"
    )
    cka = pooled.noise_floors("cka", n_splits=19)
    assert cka.floors.shape == (2, 2, 19)
    out = cka.assess(pooled.cka_matrix())
    assert "image-shuffled" in out.label
    # pooled features of two layers of one network: far more similar than shuffled images
    assert out.p_values[0, 1] == pytest.approx(1 / 20) and not out.within_noise[0, 1]
    # top-l2 vectors of random images sit at different positions per layer: at chance
    a = Analysis(model, images, ["1", "3"], cache_dir=False, progress=False)
    top = a.noise_floors("cka", n_splits=19).assess(a.cka_matrix())
    assert top.p_values[0, 1] > 0.2 and top.within_noise[0, 1]
    with pytest.raises(ValueError, match="matrix: expected a cka matrix"):
        cka.assess(a.distance_matrix())
    with pytest.raises(ValueError, match="matrix: expected the layers"):
        a.noise_floors(n_splits=3).assess(
            DistanceMatrix(np.zeros((2, 2)), ("x", "y"), metric="sliced_wasserstein")
        )
    with pytest.raises(TypeError, match="matrix"):
        cka.assess(np.zeros((2, 2)))
