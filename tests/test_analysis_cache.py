"""Analysis cache: identity of models, lenses and clusterers; failed writes; damaged
entries; data that must not be iterated; stale temporary files (issue 14)."""

from __future__ import annotations

import copy
import errno
import os
import tempfile
import threading
import time
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
import torch
from sklearn.cluster import DBSCAN

import tda_widgets.analysis as analysis_mod
from tda_widgets import Analysis, mapper_graph, persistence_diagrams
from tda_widgets._model_key import PROBE_ITEMS
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
    """Count the real work: forward passes, persistence and Mapper."""
    calls = {"extract": 0, "persistence": 0, "mapper": 0}

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
    monkeypatch.setattr(analysis_mod, "mapper_graph", wrap("mapper", mapper_graph))
    return calls


def _quiet(**kw) -> Analysis:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an identifiable setup must not warn
        return Analysis(progress=False, **kw)


# -- defect 1: everything that determines the result is in the key ---------------------


def _stride(m):
    m[0].stride = (2, 2)


def _sigmoid(m):
    m[1] = torch.nn.Sigmoid()


def _padding(m):
    m[2].padding = (1, 1)


@pytest.mark.parametrize(
    "edit", [_stride, _sigmoid, _padding], ids=["stride", "sigmoid", "padding"]
)
def test_model_configuration_is_part_of_the_key(tmp_path, counting, edit) -> None:
    model, images = _model(), _images()
    first = _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path)
    ref = first.diagrams("2")
    edited = copy.deepcopy(model)
    edit(edited)  # same state_dict, same class: only the configuration differs
    assert all(
        torch.equal(a, b)
        for a, b in zip(model.state_dict().values(), edited.state_dict().values(), strict=True)
    )
    second = _quiet(model=edited, data=images, layers=["2"], cache_dir=tmp_path)
    cloud = second.cloud("2")
    assert second.n_computed["clouds"] == 1 and counting["extract"] == 2
    direct = extract_activations(edited, images, ["2"], point_cloud="top_l2", progress=False)["2"]
    np.testing.assert_array_equal(cloud.points, direct.points)
    assert not np.array_equal(cloud.points, first.cloud("2").points)
    assert second.diagrams("2")[0].shape != ref[0].shape or not np.array_equal(
        second.diagrams("2")[0], ref[0]
    )


def test_torchvision_resnet_maxpool_identity_is_a_new_model(tmp_path, counting) -> None:
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None, num_classes=10)
    images = torch.randn(6, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    first = _quiet(model=model, data=images, layers=["layer1"], cache_dir=tmp_path)
    ref = first.cloud("layer1")
    cifar = copy.deepcopy(model)
    cifar.maxpool = torch.nn.Identity()  # the common CIFAR tweak: no parameters change
    second = _quiet(model=cifar, data=images, layers=["layer1"], cache_dir=tmp_path)
    got = second.cloud("layer1")
    assert second.n_computed["clouds"] == 1 and counting["extract"] == 2
    direct = extract_activations(cifar, images, ["layer1"], point_cloud="top_l2", progress=False)[
        "layer1"
    ]
    np.testing.assert_array_equal(got.points, direct.points)
    assert not np.array_equal(got.points, ref.points)
    # and the unchanged model still hits its own entry
    third = _quiet(model=copy.deepcopy(model), data=images, layers=["layer1"], cache_dir=tmp_path)
    np.testing.assert_array_equal(third.cloud("layer1").points, ref.points)
    assert third.n_computed["clouds"] == 0


def test_custom_module_forward_code_is_part_of_the_key(tmp_path, counting) -> None:
    def make(body: str) -> torch.nn.Module:
        src = (
            "import torch\n"
            "class Net(torch.nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__()\n"
            "        torch.manual_seed(0)\n"
            "        self.conv = torch.nn.Conv2d(3, 4, 3)\n"
            "    def forward(self, x):\n"
            f"        return {body}\n"
        )
        ns: dict = {"__name__": "user_models"}
        exec(compile(src, "<notebook cell>", "exec"), ns)
        return ns["Net"]()

    images = _images(12)
    a = _quiet(model=make("self.conv(x).relu()"), data=images, layers=["conv"], cache_dir=tmp_path)
    ref = a.cloud("conv")
    net = make("self.conv(x * 2)")  # same class name, module and weights; other code
    b = _quiet(model=net, data=images, layers=["conv"], cache_dir=tmp_path)
    assert b.n_computed["clouds"] == 0
    got = b.cloud("conv")
    assert b.n_computed["clouds"] == 1
    direct = extract_activations(net, images, ["conv"], point_cloud="top_l2", progress=False)[
        "conv"
    ]
    np.testing.assert_array_equal(got.points, direct.points)
    assert not np.array_equal(got.points, ref.points)
    # identical source: the same entry
    c = _quiet(model=make("self.conv(x * 2)"), data=images, layers=["conv"], cache_dir=tmp_path)
    c.cloud("conv")
    assert c.n_computed["clouds"] == 0


def _mapper_pair(tmp_path, first, second):
    model, images = _model(), _images()
    a = _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path)
    g1 = a.mapper("2", **first)
    b = _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path)
    g2 = b.mapper("2", **second)
    return b, g1, g2, mapper_graph(b.cloud("2"), **second)


def _assert_fresh(b, g2, direct) -> None:
    assert b.n_computed["mapper"] == 1
    np.testing.assert_array_equal(g2.members, direct.members)
    np.testing.assert_array_equal(g2.member_offsets, direct.member_offsets)
    np.testing.assert_array_equal(g2.lens_mean, direct.lens_mean)


def test_two_lambdas_are_two_lenses(tmp_path, counting) -> None:
    b, g1, g2, direct = _mapper_pair(
        tmp_path,
        {"lens": lambda x: x[:, 0], "n_intervals": 3},
        {"lens": lambda x: x[:, 1], "n_intervals": 3},
    )
    _assert_fresh(b, g2, direct)
    assert not np.array_equal(g1.lens_mean, g2.lens_mean)


def _lens_from_source(expr: str):
    ns: dict = {"__name__": "user_lenses"}
    exec(compile(f"def lens(x):\n    return {expr}\n", "<notebook cell>", "exec"), ns)
    return ns["lens"]


def test_an_edited_function_is_a_new_lens(tmp_path, counting) -> None:
    old, new = _lens_from_source("x[:, 0]"), _lens_from_source("x[:, 0] * -1.0 + x[:, 1]")
    assert (old.__module__, old.__qualname__) == (new.__module__, new.__qualname__)
    b, g1, g2, direct = _mapper_pair(
        tmp_path, {"lens": old, "n_intervals": 3}, {"lens": new, "n_intervals": 3}
    )
    _assert_fresh(b, g2, direct)
    assert not np.array_equal(g1.lens_mean, g2.lens_mean)


def test_closure_values_are_part_of_a_lens(tmp_path, counting) -> None:
    def column(k):
        return lambda x: x[:, k]

    b, _, g2, direct = _mapper_pair(
        tmp_path, {"lens": column(0), "n_intervals": 3}, {"lens": column(2), "n_intervals": 3}
    )
    _assert_fresh(b, g2, direct)


SCALES = np.ones(2001)


def _scaled_euclidean(a, b, scales):
    return float(np.sqrt(((a - b) ** 2).sum()) * scales[1000])


def test_dbscans_whose_metric_params_differ_in_the_middle(tmp_path, counting) -> None:
    wide = SCALES.copy()
    wide[1000] = 0.25  # numpy's repr abbreviates both arrays to "1., 1., 1., ..., 1., 1., 1."
    assert repr(SCALES) == repr(wide)

    def dbscan(scales):
        return DBSCAN(
            eps=0.5, min_samples=2, metric=_scaled_euclidean, metric_params={"scales": scales}
        )

    b, g1, g2, direct = _mapper_pair(
        tmp_path,
        {"clusterer": dbscan(SCALES), "n_intervals": 2},
        {"clusterer": dbscan(wide), "n_intervals": 2},
    )
    _assert_fresh(b, g2, direct)
    assert g1.n_nodes != g2.n_nodes or not np.array_equal(g1.members, g2.members)


def test_what_cannot_be_identified_is_computed_uncached_with_one_warning(
    tmp_path, counting
) -> None:
    lock = threading.Lock()  # no content to key on

    def lens(x):
        with lock:
            return x[:, 0]

    model, images = _model(), _images()
    a = _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path)
    with pytest.warns(UserWarning, match=r"mapper.*lens.*not cached") as rec:
        g = a.mapper("2", lens=lens, n_intervals=3)
        a.mapper("2", lens=lens, n_intervals=4)
    assert len([w for w in rec if "not cached" in str(w.message)]) == 1
    assert g.n_nodes > 0
    assert not list(tmp_path.glob("mapper-*"))
    b = _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path)
    with pytest.warns(UserWarning, match="not cached"):
        b.mapper("2", lens=lens, n_intervals=3)
    assert counting["mapper"] == 3  # every call computed


def test_unidentifiable_model_is_not_cached(tmp_path, counting) -> None:
    model = _model()
    model[1].gate = threading.Lock()  # an attribute with no content to key on
    with pytest.warns(UserWarning, match=r"model.*not cached"):
        a = Analysis(model, _images(), ["2"], cache_dir=tmp_path, progress=False)
    a.diagrams("2")
    assert list(tmp_path.glob("*.npz")) == []


# -- defect 11: a failed write warns and the result is returned -------------------------


def test_full_disk_warns_and_returns_the_result(tmp_path, monkeypatch) -> None:
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", no_space)
    a = Analysis(_model(), _images(), LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match=r"could not write the cache.*No space left"):
        dg = a.diagrams("2")
    assert dg[0].shape[1] == 2
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_read_only_cache_directory_warns_and_returns_the_result(tmp_path, monkeypatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)

    def denied(*args, **kwargs):  # tests run as root, which chmod does not stop
        raise PermissionError(errno.EACCES, "Permission denied", str(ro))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    try:
        a = Analysis(_model(), _images(), LAYERS, cache_dir=ro, progress=False)
        with pytest.warns(UserWarning, match=r"could not write the cache.*Permission denied"):
            m = a.mapper("2", n_intervals=3)
        assert m.n_nodes > 0
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


# -- defect 12: damaged entries are validated on load, warned about and replaced ------


def _rewrite(path, **changes) -> None:
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    for k, v in changes.items():
        if v is None:
            arrays.pop(k)
        else:
            arrays[k] = v
    path.write_bytes(b"")
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


def _huge_header(path) -> None:
    """Replace ``points`` by a few bytes whose .npy header declares 8 TiB."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files if k != "points"}
    with zipfile.ZipFile(path, "w") as z:
        for k, v in arrays.items():
            with z.open(f"{k}.npy", "w") as fh:
                np.lib.format.write_array(fh, v, allow_pickle=False)
        with z.open("points.npy", "w") as fh:
            np.lib.format.write_array_header_1_0(
                fh, {"descr": "<f8", "fortran_order": False, "shape": (2**40,)}
            )
            fh.write(b"\0" * 3000)
    assert path.stat().st_size < 10_000


CLOUD_DAMAGE = {
    "no-points": lambda p: _rewrite(p, points=None),
    "non-json-params": lambda p: _rewrite(p, params=np.array("{not json")),
    "image-index-length": lambda p: _rewrite(p, image_index=np.arange(3, dtype=np.int64)),
    "huge-header": _huge_header,
}


@pytest.mark.parametrize(
    "damage", ["no-points", "non-json-params", "image-index-length", "huge-header"]
)
def test_damaged_cloud_entry_is_recomputed_and_replaced(tmp_path, counting, damage) -> None:
    model, images = _model(), _images()
    ref = Analysis(model, images, ["2"], cache_dir=tmp_path, progress=False).cloud("2")
    (path,) = tmp_path.glob("clouds-*.npz")
    CLOUD_DAMAGE[damage](path)
    again = Analysis(model, images, ["2"], cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        cloud = again.cloud("2")
    np.testing.assert_array_equal(cloud.points, ref.points)
    np.testing.assert_array_equal(cloud.image_index, ref.image_index)
    assert counting["extract"] == 2
    third = _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path)  # replaced
    np.testing.assert_array_equal(third.cloud("2").points, ref.points)
    assert counting["extract"] == 2


@pytest.mark.parametrize("damage", ["three-columns", "non-json-params", "no-backend"])
def test_damaged_diagram_entry_is_recomputed_and_replaced(tmp_path, counting, damage) -> None:
    model, images = _model(), _images()
    ref = Analysis(model, images, ["2"], cache_dir=tmp_path, progress=False).diagrams("2")
    (path,) = tmp_path.glob("diagrams-*.npz")
    if damage == "three-columns":
        _rewrite(path, dgm1=np.zeros((4, 3)))
    elif damage == "non-json-params":
        _rewrite(path, params=np.array("[1, 2"))
    else:
        _rewrite(path, backend=None)
    again = Analysis(model, images, ["2"], cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        dg = again.diagrams("2")
    for k in range(2):
        np.testing.assert_array_equal(dg[k], ref[k])
    assert dg[1].shape[1] == 2
    assert counting["persistence"] == 2
    _quiet(model=model, data=images, layers=["2"], cache_dir=tmp_path).diagrams("2")
    assert counting["persistence"] == 2


def test_damaged_mapper_and_matrix_entries_are_recomputed(tmp_path, counting) -> None:
    model, images = _model(), _images()
    a = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    g, m = a.mapper("2", n_intervals=3), a.distance_matrix()
    (mp,) = tmp_path.glob("mapper-*.npz")
    (mx,) = tmp_path.glob("matrix-*.npz")
    _rewrite(mp, member_offsets=np.array([0, 10**9], dtype=np.int64))  # past the members
    _rewrite(mx, values=np.zeros((2, 3)))
    b = Analysis(model, images, LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        g2 = b.mapper("2", n_intervals=3)
    with pytest.warns(UserWarning, match="recomputing"):
        m2 = b.distance_matrix()
    np.testing.assert_array_equal(g2.member_offsets, g.member_offsets)
    np.testing.assert_array_equal(m2.values, m.values)


# -- defect 13: data is not iterated, consumed or copied to build a key ----------------


class _WrappingDataset(torch.utils.data.Dataset):
    """A map-style dataset whose ``__getitem__`` wraps around (never raises IndexError)."""

    def __init__(self, images: torch.Tensor) -> None:
        self.images, self.calls = images, 0

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int):
        self.calls += 1
        if self.calls > 20 * len(self.images):
            raise RuntimeError("iterated far past len(): this would loop forever")
        return self.images[i % len(self.images)], i % 3


@pytest.mark.parametrize("cache", [False, True])
def test_wrapping_dataset_is_read_by_index_within_len(tmp_path, cache) -> None:
    ds = _WrappingDataset(_images(12))
    a = _quiet(model=_model(), data=ds, layers=["2"], cache_dir=tmp_path if cache else False)
    # the key reads every item once, and the behaviour fingerprint the first PROBE_ITEMS
    # again (its probe batch); nothing past len()
    assert ds.calls == (12 + PROBE_ITEMS if cache else 0)
    assert a.cloud("2").n_points == 12
    if cache:  # the key is by content: an equal dataset finds the entry
        b = _quiet(
            model=_model(), data=_WrappingDataset(_images(12)), layers=["2"], cache_dir=tmp_path
        )
        b.cloud("2")
        assert b.n_computed["clouds"] == 0


class _ReadOnce(torch.utils.data.IterableDataset):
    def __init__(self, images: torch.Tensor) -> None:
        self.images, self.read = images, False

    def __iter__(self):
        if self.read:
            return iter(())
        self.read = True
        return iter(list(self.images))


def test_read_once_stream_is_not_consumed(tmp_path) -> None:
    a = _quiet(model=_model(), data=_ReadOnce(_images(12)), layers=["2"], cache_dir=False)
    assert a.cloud("2").n_points == 12
    with pytest.warns(UserWarning, match=r"IterableDataset.*not cached"):
        b = Analysis(_model(), _ReadOnce(_images(12)), ["2"], cache_dir=tmp_path, progress=False)
    assert b.cloud("2").n_points == 12
    assert list(tmp_path.glob("*.npz")) == []


def test_no_hashing_when_the_cache_is_off(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("hashed although cache_dir=False")

    monkeypatch.setattr(analysis_mod, "_hash_model", refuse)
    monkeypatch.setattr(analysis_mod, "_hash_data", refuse)
    a = Analysis(_model(), _images(), ["2"], cache_dir=False, progress=False)
    assert a.diagrams("2")[0].shape[1] == 2


def test_hashing_data_does_not_copy_it(tmp_path) -> None:
    # 64 MiB of images, one non-contiguous view of them: the key must be built in chunks
    data = np.random.default_rng(0).standard_normal((64, 3, 64, 1024), dtype=np.float32)
    view = data[:, :, :, ::2]  # 32 MiB, not contiguous
    tracemalloc.start()
    try:
        _ = analysis_mod._hash_data(data, None)
        _ = analysis_mod._hash_data(torch.from_numpy(data), None)
        _ = analysis_mod._hash_data(view, None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"hashing allocated {peak / 2**20:.0f} MiB"
    assert analysis_mod._hash_data(view, None) != analysis_mod._hash_data(
        np.ascontiguousarray(data[:, :, :, 1::2]), None
    )
    assert analysis_mod._hash_data(view, None) == analysis_mod._hash_data(
        np.ascontiguousarray(view), None
    )


# -- defect 14: stale temporary files are cleaned --------------------------------------


def test_stale_temp_files_are_removed_when_the_cache_is_opened(tmp_path) -> None:
    # what a `kill -9` during a write leaves: temporary files next to the entries
    stale = [tmp_path / ".tdaw-clouds-abc.npz.x1y2.tmp", tmp_path / "clouds-abc.npzq9w8.tmp"]
    fresh = tmp_path / ".tdaw-clouds-def.npz.z3.tmp"
    other = tmp_path / "notes.tmp"
    hour_ago = time.time() - 2 * 3600
    for p in [*stale, fresh, other]:
        p.write_bytes(b"partial")
    for p in [*stale, other]:
        os.utime(p, (hour_ago, hour_ago))
    Analysis(_model(), _images(), ["2"], cache_dir=tmp_path, progress=False)
    assert [p.exists() for p in stale] == [False, False]
    assert fresh.exists()  # may be another process's write in progress
    assert other.exists()  # not ours


# -- the keyer itself ---------------------------------------------------------------


def test_keys_follow_content_not_sharing_or_identity() -> None:
    from tda_widgets._cache_key import digest

    shared = [1, 2]
    assert digest({"a": shared, "b": shared}) == digest({"a": [1, 2], "b": [1, 2]})
    assert digest(copy.deepcopy(_model())) == digest(_model())
    loop: list = [1]
    loop.append(loop)
    assert digest(loop) != digest([1, [1]])  # a cycle is fed as a back-reference
    assert digest({3, "a", 2.5}) == digest({2.5, "a", 3})
    assert digest(np.arange(6).reshape(2, 3).T) == digest(
        np.ascontiguousarray(np.arange(6).reshape(2, 3).T)
    )
    assert digest(np.arange(3, dtype=np.int64)) != digest(np.arange(3, dtype=np.int32))
    assert digest(torch.arange(6.0).reshape(2, 3)) != digest(torch.arange(6.0).reshape(3, 2))
    assert digest(1) != digest(1.0) != digest(True)


def test_library_functions_by_name_lambdas_by_code() -> None:
    from tda_widgets._cache_key import digest, library_version

    assert library_version("numpy") is not None and library_version("__main__") is None
    assert digest(np.linalg.norm) == digest(np.linalg.norm)
    assert digest(np.linalg.norm) != digest(np.linalg.det)
    assert digest(lambda x: x) != digest(lambda x: -x)
    k = 2
    assert digest(lambda x: x * k) == digest(lambda x: x * k)  # same code, same closure


def test_unidentifiable_says_what_and_where() -> None:
    from tda_widgets._cache_key import Unidentifiable, digest

    gen = np.random.default_rng(0)

    def lens(x):
        return x[:, 0] + gen.random()

    with pytest.raises(
        Unidentifiable, match=r"lens \(closure variable 'gen'\) is a numpy.random.*Generator"
    ):
        digest(lens, "lens")
    with pytest.raises(Unidentifiable, match="meta device"):
        digest(torch.empty(3, device="meta"), "weight")


def test_dataloaders_in_a_fixed_order_are_keyed_shuffling_ones_are_not_cached(tmp_path) -> None:
    from torch.utils.data import DataLoader, TensorDataset

    def loader(**kw):
        return DataLoader(TensorDataset(_images(16), torch.arange(16) % 3), batch_size=4, **kw)

    a = _quiet(model=_model(), data=loader(), layers=["2"], cache_dir=tmp_path)
    ref = a.cloud("2")
    b = _quiet(model=_model(), data=loader(), layers=["2"], cache_dir=tmp_path)
    np.testing.assert_array_equal(b.cloud("2").points, ref.points)
    assert b.n_computed["clouds"] == 0
    with pytest.warns(UserWarning, match=r"RandomSampler.*not cached"):
        c = Analysis(_model(), loader(shuffle=True), ["2"], cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="shuffles"):
        assert c.cloud("2").n_points == 16
    assert len(list(tmp_path.glob("clouds-*.npz"))) == 1


def test_results_of_an_unidentifiable_model_never_reach_the_disk(tmp_path) -> None:
    # the matrix and CKA keys hold the clouds' keys in a list: a volatile key inside it
    # must keep them off the disk too (an id()-based key written there could be loaded
    # later by another model whose object got the same id)
    model = _model()
    model.lock = threading.Lock()  # cannot be identified by content
    images = torch.randn(30, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    with pytest.warns(UserWarning, match="not cached"):
        a = Analysis(model, images, ["0"], cache_dir=tmp_path, progress=False)
        a.cka_matrix()
        a.distance_matrix()
        a.mapper("0", n_intervals=3)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == []
    from tda_widgets import _analysis_cache

    assert _analysis_cache._is_volatile(("x", [_analysis_cache._VOLATILE + "abc"]))
    assert not _analysis_cache._is_volatile(("x", ["abc", ("d",)]))


def test_random_state_is_part_of_the_key() -> None:
    import random

    from tda_widgets._cache_key import Keyer, Unidentifiable

    class Lens:
        def __init__(self, seed: int) -> None:
            self.rng = random.Random(seed)

    def digest(value: object) -> str:
        k = Keyer()
        k.add(value, "lens")
        return k.hexdigest()

    assert digest(Lens(0)) != digest(Lens(1))  # the state lives in C, not in __dict__
    assert digest(Lens(0)) == digest(Lens(0))
    with pytest.raises(Unidentifiable, match="state is held in C"):
        digest(np.random.default_rng(0).bit_generator)
