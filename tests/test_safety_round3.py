"""Never silently wrong, round 3 (issue 26): one test per defect, and a variant of 1-5.

1. a class attribute named with ``_`` read in ``forward`` is in the key (variants: a
   dict attribute read through a property, a closure; a monkey-patched library
   function, caught by the behaviour fingerprint only);
2. a helper module's functions are keyed by its source (variant: ``from helpers import
   act``);
3. cache entries that are not regular files (a link to /dev/zero, a FIFO; variants: a
   directory, a huge sparse file);
4. diagram matchings check a memory budget first (variant: bottleneck through
   ``layer_distance_matrix`` and ``Analysis.distance_matrix``);
5. Mapper and ``elbow_eps`` at float64 magnitudes from 1e19 (variants: 1e200, 1e-30);
6. the first batch is checked on one image before it runs;
7. old and new argument names together are refused, the new one at its default too;
8. ``foreground(top=)`` above a layer's positions is refused;
9. ``noise_robustness(seed=)`` is checked as ``Analysis`` checks it;
10. errors that name the argument (``seed_specificity``, ``receptive_fields``,
    ``persistence_diagrams(threshold=, thresh=array)``);
11. ``explore()`` on data that lack the highest class;
12. label-length and one-hot errors of the ``(images, labels)`` pair.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import threading
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from sklearn.cluster import DBSCAN

from tda_widgets import (
    Analysis,
    bottleneck,
    diagram_matching,
    extract_activations,
    layer_distance_matrix,
    mapper_graph,
    persistence_diagrams,
    sliced_wasserstein,
    wasserstein,
)
from tda_widgets._model_key import behaviour_fingerprint, hash_model
from tda_widgets.topology._dbscan import nearest_distances
from tda_widgets.topology.mapper import elbow_eps

IMAGES = torch.randn(24, 3, 8, 8, generator=torch.Generator().manual_seed(0))


def _quiet(*args: Any, **kwargs: Any) -> Analysis:
    kwargs.setdefault("progress", False)
    return Analysis(*args, **kwargs)


# -- 1. private class attributes ---------------------------------------------------------


def _scaled_model(scale: float) -> torch.nn.Module:
    class Scaled(torch.nn.Module):  # the same name and code; only _scale differs
        _scale = scale

        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.conv = torch.nn.Conv2d(3, 4, 3)
            self.out = torch.nn.Identity()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.out(self.conv(x) * self._scale)

    return Scaled()


def test_1_private_class_attribute_read_in_forward_is_in_the_key(tmp_path) -> None:
    a, b = _scaled_model(1.0), _scaled_model(5.0)
    assert hash_model(a) != hash_model(b)  # the code key alone tells them apart
    first = _quiet(a, IMAGES, ["out"], cache_dir=tmp_path)
    first.cloud("out")
    second = _quiet(b, IMAGES, ["out"], cache_dir=tmp_path)
    got = second.cloud("out").points
    assert second.n_computed["clouds"] == 1
    want = _quiet(b, IMAGES, ["out"], cache_dir=False).cloud("out").points
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert not np.allclose(got, first.cloud("out").points)


def test_1_variant_dict_attribute_read_through_a_property_and_a_closure() -> None:
    def model(table: dict[str, float], offset: float) -> torch.nn.Module:
        def shift(x: torch.Tensor) -> torch.Tensor:  # a closure over offset
            return x + offset

        class Table(torch.nn.Module):
            _table = table

            @property
            def gain(self) -> float:
                return self._table["gain"]

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return shift(x * self.gain)

        return Table()

    base = hash_model(model({"gain": 1.0}, 0.0))
    assert hash_model(model({"gain": 1.0}, 0.0)) == base  # equal models, equal keys
    assert hash_model(model({"gain": 2.0}, 0.0)) != base
    assert hash_model(model({"gain": 1.0}, 0.5)) != base


def test_1_private_slots_and_cached_properties_are_keyed_not_refused() -> None:
    import functools

    from tda_widgets._cache_key import digest

    def make(k: float) -> type:
        class Holder:
            __slots__ = ("__dict__", "_w")

            @functools.cached_property
            def _gain(self) -> float:  # holds a lock: keyed by its function
                return k

        return Holder

    assert digest(make(1.0)) == digest(make(1.0)) != digest(make(2.0))


def test_1_variant_monkey_patched_library_function_is_caught_by_the_fingerprint(
    tmp_path, monkeypatch
) -> None:
    class Soft(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.nn.functional.softsign(x)

    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), Soft())
    code_key = hash_model(model)
    fingerprint_before = behaviour_fingerprint(model, IMAGES, ["1"])
    _quiet(model, IMAGES, ["1"], cache_dir=tmp_path).cloud("1")
    monkeypatch.setattr(torch.nn.functional, "softsign", lambda x: 7.0 * x)
    assert hash_model(model) == code_key  # library code is keyed by name and version
    assert behaviour_fingerprint(model, IMAGES, ["1"]) != fingerprint_before
    again = _quiet(model, IMAGES, ["1"], cache_dir=tmp_path)
    again.cloud("1")
    assert again.n_computed["clouds"] == 1


def test_1_fingerprint_is_stable_and_restores_the_model() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Dropout(0.5)).train()
    one = behaviour_fingerprint(model, IMAGES, ["1"])  # dropout: seeded, so stable
    assert behaviour_fingerprint(model, IMAGES, ["1"]) == one
    assert model.training and not model[1]._forward_hooks


def test_1_fingerprint_survives_thread_counts_and_float64() -> None:
    """The rounding absorbs floating-point noise: the same model gives the same digest
    with another thread count, and in float64 (a stand-in for another device)."""
    import copy

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3), torch.nn.ReLU(), torch.nn.Conv2d(16, 16, 3), torch.nn.Tanh()
    )
    threads = torch.get_num_threads()
    try:
        digests = set()
        for n in (1, 2):
            torch.set_num_threads(n)
            digests.add(behaviour_fingerprint(model, IMAGES, ["1", "3"]))
    finally:
        torch.set_num_threads(threads)
    digests.add(behaviour_fingerprint(copy.deepcopy(model).double(), IMAGES, ["1", "3"]))
    assert len(digests) == 1


# -- 2. helper modules -------------------------------------------------------------------


def _write_helpers(src: Path, body: str) -> None:
    (src / "helpers.py").write_text(f"import torch\n\n\ndef act(x):\n    return {body}\n")


def test_2_helper_module_edited_between_runs_is_recomputed(tmp_path) -> None:
    src, cache = tmp_path / "src", tmp_path / "cache"
    src.mkdir()
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(src)!r})
        import torch, helpers
        from tda_widgets import Analysis

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                torch.manual_seed(0)
                self.conv = torch.nn.Conv2d(3, 4, 3)
                self.out = torch.nn.Identity()

            def forward(self, x):
                return self.out(helpers.act(self.conv(x)))

        x = torch.randn(24, 3, 8, 8, generator=torch.Generator().manual_seed(0))
        a = Analysis(Net(), x, ["out"], cache_dir={str(cache)!r}, progress=False)
        top = a.cloud("out").points.max()
        print(a.n_computed["clouds"], top)
        """
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def run() -> tuple[int, float]:
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        n, top = out.stdout.split()
        return int(n), float(top)

    _write_helpers(src, "torch.relu(x)")
    assert run()[0] == 1
    assert run()[0] == 0  # unchanged: a cache hit
    _write_helpers(src, "torch.sigmoid(x) * 10")
    n, top = run()
    assert n == 1 and top > 5  # sigmoid * 10, not the stale relu cloud


def test_2_variant_from_helpers_import_act(tmp_path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "helpers_r3.py").write_text(
        "import torch\n\n\ndef act(x):\n    return torch.relu(x)\n"
    )
    (tmp_path / "net_r3.py").write_text(
        textwrap.dedent(
            """
            import torch
            from helpers_r3 import act

            class Net(torch.nn.Module):
                def forward(self, x):
                    return act(x)
            """
        )
    )
    importlib.invalidate_caches()
    import helpers_r3
    import net_r3

    before = hash_model(net_r3.Net())
    (tmp_path / "helpers_r3.py").write_text(
        "import torch\n\n\ndef act(x):\n    return torch.sigmoid(x) * 10\n"
    )
    importlib.reload(helpers_r3)
    importlib.reload(net_r3)
    assert hash_model(net_r3.Net()) != before
    # and a module constant read as helpers.GAIN (keyed by the module's source)
    (tmp_path / "gain_r3.py").write_text("GAIN = 2.0\n")
    importlib.invalidate_caches()
    import gain_r3

    class Gain(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * gain_r3.GAIN

    before = hash_model(Gain())
    (tmp_path / "gain_r3.py").write_text("GAIN = 3.0\n")
    importlib.reload(gain_r3)
    assert hash_model(Gain()) != before
    for name in ("helpers_r3", "net_r3", "gain_r3"):
        sys.modules.pop(name, None)


# -- 3. cache entries that are not regular files ------------------------------------------


def _one_entry(tmp_path: Path) -> tuple[Path, np.ndarray]:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    a = _quiet(model, IMAGES, ["0"], cache_dir=tmp_path)
    points = a.cloud("0").points
    (entry,) = tmp_path.glob("clouds-*.npz")
    return entry, points


def _reload_in_thread(tmp_path: Path) -> dict[str, Any]:
    """Load the entry again in a thread, so that a blocking read fails the test."""
    out: dict[str, Any] = {}

    def work() -> None:
        model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            a = _quiet(model, IMAGES, ["0"], cache_dir=tmp_path)
            out["points"] = a.cloud("0").points
        out["computed"] = a.n_computed["clouds"]
        out["warnings"] = [str(w.message) for w in caught]

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "loading the cache entry blocked"
    return out


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "directory", "sparse"])
def test_3_cache_entry_that_is_not_a_regular_file(tmp_path, kind) -> None:
    """3: a link to /dev/zero and a FIFO; the variant: a directory, a huge sparse file."""
    torch.manual_seed(0)
    entry, points = _one_entry(tmp_path)
    entry.unlink()
    if kind == "dev-zero":
        entry.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(entry)
    elif kind == "directory":
        entry.mkdir()
    else:
        with entry.open("wb") as fh:
            fh.truncate(64 * 2**30)  # 64 GiB of nothing, on no disk
    torch.manual_seed(0)
    tracemalloc.start()
    try:
        out = _reload_in_thread(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out["computed"] == 1
    np.testing.assert_array_equal(out["points"], points)
    expected = "not a regular file" if kind != "sparse" else "is not a readable .npz"
    assert any(expected in w and "recomputing" in w for w in out["warnings"]), out["warnings"]
    assert peak < 200 * 2**20


# -- 4. diagram matchings check a budget ---------------------------------------------------


def _big_diagrams(n: int = 40_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    births = rng.uniform(0, 1, size=(2, n))
    return (
        np.c_[births[0], births[0] + rng.uniform(0.01, 1, n)],
        np.c_[births[1], births[1] + rng.uniform(0.01, 1, n)],
    )


@pytest.mark.parametrize("fn", [wasserstein, bottleneck, diagram_matching])
def test_4_matching_of_40k_point_diagrams_is_refused_before_allocating(fn) -> None:
    a, b = _big_diagrams()
    tracemalloc.start()
    try:
        with pytest.raises(MemoryError, match=r"memory_budget: .*40000 and 40000 finite points"):
            fn(a, b)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20
    with pytest.raises(MemoryError, match=r"largest that fit are about \d+ points.*sliced"):
        fn(a, b)
    assert np.isfinite(sliced_wasserstein(a, b))  # the linear-memory path stays open


def test_4_layer_distance_matrix_wasserstein_dim0() -> None:
    a, b = _big_diagrams()
    dg = {"a": [a, np.zeros((0, 2))], "b": [b, np.zeros((0, 2))]}
    with pytest.raises(MemoryError, match="memory_budget: wasserstein"):
        layer_distance_matrix(dg, metric="wasserstein", dim=0)
    assert layer_distance_matrix(dg, dim=0).values[0, 1] > 0  # sliced Wasserstein


def test_4_variant_bottleneck_through_the_matrix_and_analysis() -> None:
    rng = np.random.default_rng(1)
    small = [np.zeros((0, 2)), np.c_[np.zeros(60), rng.uniform(0.1, 1, 60)]]
    dg = {"x": small, "y": [small[0], small[1][::-1] * 1.1]}
    budget = 100_000  # a 60-point pair needs ~316 KB
    with pytest.raises(MemoryError, match=r"bottleneck between diagrams of 60 and 60"):
        layer_distance_matrix(dg, metric="bottleneck", memory_budget=budget)
    ok = layer_distance_matrix(dg, metric="bottleneck", memory_budget=None)
    assert ok.values[0, 1] == pytest.approx(bottleneck(small[1], dg["y"][1]))
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Conv2d(4, 4, 3))
    x = torch.randn(200, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    an = _quiet(model, x, ["0", "1"], cache_dir=False, maxdim=0)
    with pytest.raises(MemoryError, match="memory_budget: bottleneck between diagrams of 199"):
        an.distance_matrix("bottleneck", dim=0, memory_budget=2**20)


# -- 5. Mapper and elbow_eps at huge (and tiny) magnitudes ---------------------------------


def _blobs() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.concatenate([rng.normal(size=(60, 5)) + c for c in (0.0, 6.0, 12.0)])


def _members(g: Any) -> list[list[int]]:
    return sorted(sorted(g.node_members(k).tolist()) for k in range(g.n_nodes))


def test_5_mapper_at_1e19_equals_keplermapper() -> None:
    import kmapper as km

    x = _blobs() * 1e19
    eps = elbow_eps(x)
    assert np.isfinite(eps) and eps > 1e18
    clusterer = DBSCAN(eps=eps, min_samples=5)
    g = mapper_graph(x, n_intervals=4, overlap=0.3, clusterer=clusterer, progress=False)
    lens = np.linalg.norm(x, axis=1)[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kg = km.KeplerMapper(verbose=0).map(
            lens, x, cover=km.Cover(n_cubes=4, perc_overlap=0.3), clusterer=clusterer
        )
    assert g.n_nodes == len(kg["nodes"]) > 3
    assert _members(g) == sorted(sorted(v) for v in kg["nodes"].values())


def test_5_analysis_on_huge_activations() -> None:
    class Huge(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * 1e20

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), Huge())
    x = torch.randn(120, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    g = _quiet(model, x, ["1"], cache_dir=False).mapper("1", n_intervals=3)
    assert np.isfinite(g.params["eps"]) and g.n_nodes > 0


@pytest.mark.parametrize("power", [664, -100])  # 2**664 ~ 1e200, 2**-100 ~ 1e-30
def test_5_variant_elbow_eps_and_mapper_at_1e200_and_1e_30(power) -> None:
    x = _blobs()
    s = 2.0**power  # a power of two: the scaled distances are exact
    np.testing.assert_array_equal(nearest_distances(x * s), nearest_distances(x) * s)
    eps = elbow_eps(x * s)
    assert np.isfinite(eps) and eps / s == pytest.approx(elbow_eps(x), rel=1e-3)
    e = elbow_eps(x)
    base = mapper_graph(x, n_intervals=4, clusterer=DBSCAN(eps=e, min_samples=5), progress=False)
    scaled = mapper_graph(
        x * s, n_intervals=4, clusterer=DBSCAN(eps=e * s, min_samples=5), progress=False
    )
    assert _members(scaled) == _members(base)


# -- 6. the first batch is checked on one image ---------------------------------------------


class _BatchSizes(torch.nn.Module):
    """Records the batch size of every forward pass, and gives a large output."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []
        self.up = torch.nn.Upsample(scale_factor=8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append(int(x.shape[0]))
        return self.up(x)


def test_6_the_first_batch_does_not_run_before_the_budget_check() -> None:
    sizes = _BatchSizes()
    x = torch.randn(300, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    with pytest.raises(MemoryError, match=r"memory_budget: keeping the full activations of 300"):
        extract_activations(sizes, x, ["up"], memory_budget=2**25, progress=False)
    assert sizes.seen == [1]  # one image, never the batch of 256


def test_6_first_batch_outputs_over_the_budget_name_a_batch_size_that_fits() -> None:
    sizes = _BatchSizes()
    x = torch.randn(300, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    per_image = 3 * 128 * 128 * 4  # the upsampled output
    budget = 40 * per_image
    with pytest.raises(MemoryError, match=r"first batch \(256 images\).*batch_size=40 or less"):
        extract_activations(
            sizes, x, ["up"], point_cloud="top_l2", memory_budget=budget, progress=False
        )
    assert sizes.seen == [1]
    cloud = extract_activations(
        sizes,
        x,
        ["up"],
        point_cloud="top_l2",
        memory_budget=budget,
        batch_size=40,
        progress=False,
    )["up"]
    assert cloud.n_points == 300


# -- 7. old and new argument names together --------------------------------------------------


def test_7_old_and_new_name_together_are_refused_at_the_default_too() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    for n_perm in ("auto", 500):
        with pytest.raises(TypeError, match="got both n_perm= and its old name n_points="):
            Analysis(model, IMAGES, ["0"], n_points=10, n_perm=n_perm, cache_dir=False)
    circle = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(TypeError, match="got both n_perm= and its old name n_points="):
        persistence_diagrams(circle, n_points=10, n_perm=None)
    with pytest.raises(TypeError, match="got both thresh= and its old name threshold="):
        persistence_diagrams(circle, threshold=1.0, thresh=np.inf)
    with pytest.warns(FutureWarning, match="n_points= is deprecated"):
        a = Analysis(model, IMAGES, ["0"], n_points=10, cache_dir=False)
    assert a.n_perm == 10


# -- 8. foreground top above the layer's positions ---------------------------------------------


def test_8_foreground_top_above_the_positions_is_refused() -> None:
    from tda_widgets import foreground, receptive_fields

    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, stride=2, padding=1))  # 8x8 -> 4x4
    rf = receptive_fields(net, (3, 8, 8), ["0"])
    masks = np.zeros((24, 8, 8), dtype=bool)
    masks[:, 2:5, 2:5] = True
    with pytest.raises(ValueError, match=r"top: expected at most the 16 positions of layer '0'"):
        extract_activations(
            net, IMAGES, ["0"], point_cloud=foreground(masks, rf, top=100), progress=False
        )
    cloud = extract_activations(
        net, IMAGES, ["0"], point_cloud=foreground(masks, rf, top=16), progress=False
    )["0"]
    assert cloud.n_points == 24 * 16 and cloud.params["top"] == 16


# -- 9. noise_robustness seed -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [1.5, -3, True])
def test_9_noise_robustness_checks_seed(seed) -> None:
    from tda_widgets import noise_robustness

    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    with pytest.raises((TypeError, ValueError), match="seed: expected"):
        noise_robustness(net, IMAGES, ["0"], [0.1], seed=seed, progress=False)


# -- 10. errors that name the argument -------------------------------------------------------


def test_10_errors_name_the_argument() -> None:
    from tda_widgets import receptive_fields, seed_specificity

    with pytest.raises(TypeError, match=r"diagrams\[0\]: expected a mapping"):
        seed_specificity([1, 2])
    with pytest.raises(ValueError, match=r"diagrams\[0\]: expected at least one layer"):
        seed_specificity([{}, {}])
    d = {"l1": [np.zeros((0, 2)), np.array([[0.0, 1.0]])]}
    assert seed_specificity(m for m in [d, d]).specificity == 1.0  # a generator is read
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 1, 3))
    with pytest.raises(ValueError, match=r"input_shape: expected \(C, H, W\).*'abc'"):
        receptive_fields(net, "abc", ["0"])
    with pytest.raises(TypeError, match=r"got both thresh= and its old name threshold="):
        persistence_diagrams(np.zeros((5, 2)), threshold=1.0, thresh=np.array([1.0, 2.0]))


# -- 11. explore() on data without the highest class ---------------------------------------


def _folder(root: Path) -> Any:
    from PIL import Image

    from tda_widgets.datasets import image_folder

    rng = np.random.default_rng(0)
    for c in ("ant", "bee", "cat"):
        (root / c).mkdir(parents=True)
        for i in range(60):
            pixels = rng.integers(0, 255, (12, 12, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / c / f"{i}.png")
    return image_folder(root)


def _net() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3))


def test_11_explore_on_a_sample_without_the_last_class(tmp_path) -> None:
    from tda_widgets import explore

    folder = _folder(tmp_path / "images")
    subset = torch.utils.data.Subset(folder, range(100))  # ant and bee only
    kw = {"cache_dir": False, "progress": False, "confidence": False}
    for data, n in ((folder, 100), (subset, None)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            ex = explore(_net(), data, ["0", "2"], n_images=n, **kw)
        assert ex.class_names == ["ant", "bee", "cat"]
        assert set(np.unique(ex.image_labels).tolist()) == {0, 1}
        assert ex.mapper_view(0).class_names == ["ant", "bee", "cat"]


# -- 12. the (images, labels) pair --------------------------------------------------------------


def test_12_label_length_and_one_hot_errors_name_labels() -> None:
    images = torch.randn(300, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    net = _net()
    with pytest.raises(ValueError, match=r"labels.*expected 300 labels.*got 200.*shape \(300,\)"):
        Analysis(net, (images, torch.zeros(200, dtype=torch.int64)), ["0"], cache_dir=False)
    with pytest.raises(ValueError, match=r"labels: expected 300 labels.*got 200"):
        extract_activations(net, (images, np.zeros(200, dtype=int)), ["0"], progress=False)
    one_hot = torch.nn.functional.one_hot(torch.arange(300) % 10, 10)
    with pytest.raises(ValueError, match=r"labels.*got shape \(300, 10\).*argmax\(1\)"):
        extract_activations(net, (images, one_hot), ["0"], progress=False)
    with pytest.raises(ValueError, match=r"labels.*got shape \(300, 10\).*argmax\(1\)"):
        Analysis(net, (images, one_hot), ["0"], cache_dir=False)
