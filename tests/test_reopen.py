"""Reopening a cached analysis reads only what is shown, and stays exact (issue 27, 12).

* ``Analysis.cloud(layer)`` reads that layer's file alone; a missing or damaged one is
  extracted again (all missing layers in one pass), with a warning for the damaged one.
* A ``TensorDataset`` (the ``(images, labels)`` pair) is keyed by its tensors, not item
  by item; a subclass, which may change what an item is, is still read item by item.
* ``Analysis.purity_test`` is cached under the Mapper graph's key and its own parameters.
* An explorer opened on a warm cache reads the clouds of the layers it shows.
"""

import numpy as np
import pytest
import torch

from tda_widgets import ActivationExplorer, Analysis, purity_permutation_test
from tda_widgets._model_key import hash_data

LAYERS = ["1", "3", "5"]


@pytest.fixture(scope="module")
def setup():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 6, 3),
        torch.nn.ReLU(),
        torch.nn.Conv2d(6, 8, 3),
        torch.nn.ReLU(),
        torch.nn.Conv2d(8, 8, 3),
        torch.nn.ReLU(),
    )
    gen = torch.Generator().manual_seed(1)
    images = torch.randn(80, 3, 10, 10, generator=gen)
    labels = torch.randint(0, 3, (80,), generator=gen)
    return model, images, labels


def _clouds_in_memory(a):
    return sorted(k for k in a._memory if k.startswith("clouds-"))


def _reads(a, monkeypatch):
    """The kinds of cache files ``a`` reads from now on, in order."""
    seen = []
    load = a._load

    def spy(kind, key, from_arrays):
        seen.append(kind)
        return load(kind, key, from_arrays)

    monkeypatch.setattr(a, "_load", spy)
    return seen


def test_a_cached_cloud_is_read_alone_and_equals_the_extracted_one(setup, tmp_path, monkeypatch):
    model, images, labels = setup
    first = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    extracted = {layer: first.cloud(layer) for layer in LAYERS}
    again = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    reads = _reads(again, monkeypatch)
    cloud = again.cloud("3")
    assert reads == ["clouds"] and len(_clouds_in_memory(again)) == 1
    np.testing.assert_array_equal(cloud.points, extracted["3"].points)
    np.testing.assert_array_equal(cloud.image_index, extracted["3"].image_index)
    np.testing.assert_array_equal(cloud.labels, extracted["3"].labels)
    assert again.n_computed["clouds"] == 0


def test_a_damaged_cloud_file_is_extracted_again_with_a_warning(setup, tmp_path):
    model, images, labels = setup
    first = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    expected = first.cloud("5").points.copy()
    (path,) = [
        p for p in tmp_path.glob("clouds-*.npz") if p.name.endswith(f"{first._cloud_key('5')}.npz")
    ]
    path.write_bytes(path.read_bytes()[:200])
    again = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(again.cloud("1").points, first.cloud("1").points)
    assert again.n_computed["clouds"] == 0  # "1" was read, "5" not yet looked at
    with pytest.warns(UserWarning, match="recomputing") as caught:
        np.testing.assert_array_equal(again.cloud("5").points, expected)
    assert sum("recomputing" in str(w.message) for w in caught) == 1  # the file read once
    assert again.n_computed["clouds"] == 1  # only the damaged layer was extracted
    third = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    np.testing.assert_array_equal(third.cloud("5").points, expected)
    assert third.n_computed["clouds"] == 0  # and written back whole


def test_a_tensor_dataset_is_keyed_by_its_tensors_exactly(setup):
    _, images, labels = setup
    ds = torch.utils.data.TensorDataset(images, labels)
    base = hash_data(ds, None)
    assert hash_data(torch.utils.data.TensorDataset(images.clone(), labels.clone()), None) == base
    changed = images.clone()
    changed[79, 2, 9, 9] += 1e-6  # the last value of the last image
    assert hash_data(torch.utils.data.TensorDataset(changed, labels), None) != base
    other = labels.clone()
    other[0] = (other[0] + 1) % 3
    assert hash_data(torch.utils.data.TensorDataset(images, other), None) != base
    # the tensors whole, never an item: a TensorDataset is not read by index
    calls = []
    item = torch.utils.data.TensorDataset.__getitem__
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            torch.utils.data.TensorDataset,
            "__getitem__",
            lambda s, i: calls.append(i) or item(s, i),
        )
        assert hash_data(torch.utils.data.TensorDataset(images, labels), None) == base
    assert calls == []

    class Counting(torch.utils.data.TensorDataset):
        def __getitem__(self, i):
            calls.append(i)
            return super().__getitem__(i)

    # a subclass may change what an item is: it is read item by item, and keyed apart
    flipped = type("Flipped", (torch.utils.data.TensorDataset,), {})
    flipped.__getitem__ = lambda self, i: (self.tensors[0][i].flip(-1), self.tensors[1][i])
    assert hash_data(flipped(images, labels), None) != base
    hash_data(Counting(images, labels), None)
    assert calls == list(range(80))


def test_purity_test_is_cached_under_the_graph_and_its_parameters(setup, tmp_path):
    model, images, labels = setup
    a = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    r = a.purity_test("3", n_intervals=4, n_permutations=49)
    direct = purity_permutation_test(
        a.mapper("3", n_intervals=4), a.cloud("3").labels, n_permutations=49, seed=0
    )
    assert r.statistic == direct.statistic and r.p_value == direct.p_value
    np.testing.assert_array_equal(r.null, direct.null)
    assert a.n_computed["purity"] == 1
    b = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    loaded = b.purity_test("3", n_intervals=4, n_permutations=49)
    assert b.n_computed["purity"] == 0 and b.n_computed["mapper"] == 0
    np.testing.assert_array_equal(loaded.null, r.null)
    assert (loaded.name, loaded.method, loaded.alternative, loaded.seed) == (
        r.name,
        r.method,
        r.alternative,
        r.seed,
    )
    # another graph, another seed, another B: each its own result
    b.purity_test("3", n_intervals=5, n_permutations=49)
    b.purity_test("3", n_intervals=4, n_permutations=49, seed=1)
    b.purity_test("3", n_intervals=4, n_permutations=29)
    assert b.n_computed["purity"] == 3


def test_a_damaged_purity_file_is_recomputed_and_no_labels_is_an_error(setup, tmp_path):
    model, images, labels = setup
    a = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    first = a.purity_test("1", n_intervals=3, n_permutations=19)
    (path,) = tmp_path.glob("purity-*.npz")
    path.write_bytes(path.read_bytes()[:150])
    b = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    with pytest.warns(UserWarning, match="recomputing"):
        again = b.purity_test("1", n_intervals=3, n_permutations=19)
    np.testing.assert_array_equal(again.null, first.null)
    unlabelled = Analysis(model, images, LAYERS, cache_dir=False, progress=False)
    with pytest.raises(ValueError, match="layer: the cloud of '1' has no labels"):
        unlabelled.purity_test("1", n_intervals=3)


def test_an_explorer_on_a_warm_cache_reads_the_clouds_it_shows(setup, tmp_path, monkeypatch):
    model, images, labels = setup
    cold = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    built = ActivationExplorer(cold, mapper_params={"n_intervals": 4}, n_permutations=49)
    warm = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    reads = _reads(warm, monkeypatch)
    ex = ActivationExplorer(warm, mapper_params={"n_intervals": 4}, n_permutations=49)
    assert warm.n_computed.total() == 0  # everything was read from the cache
    # the first pair (0, 1): two clouds; layer 2's is read only when asked for
    assert reads.count("clouds") == 2 and len(_clouds_in_memory(warm)) == 2
    assert ex.purity_test.p_value == built.purity_test.p_value
    np.testing.assert_array_equal(ex.image_labels, built.image_labels)
    assert len(ex.clouds) == 3 and ex.clouds[2].layer == "5"
    assert len(_clouds_in_memory(warm)) == 3
    assert [c.layer for c in ex.clouds[1:]] == ["3", "5"]


def test_the_matching_lines_are_cached_and_equal_persims_matching(setup, tmp_path):
    from tda_widgets import diagram_matching

    model, images, labels = setup
    a = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    m = a.matching("1", "5")
    direct = diagram_matching(a.diagrams("1").dgms[1], a.diagrams("5").dgms[1], "wasserstein")
    np.testing.assert_array_equal(m.pairs, direct.pairs)
    np.testing.assert_array_equal(m.pair_costs, direct.pair_costs)
    assert m.cost == direct.cost and a.n_computed["matching"] == 1
    b = Analysis(model, (images, labels), LAYERS, cache_dir=tmp_path, progress=False)
    loaded = b.matching("1", "5")
    assert b.n_computed["matching"] == 0 and loaded.cost == m.cost
    np.testing.assert_array_equal(loaded.pairs, m.pairs)
    # the other order is the same assignment, each pair reversed (not computed again)
    back = b.matching("5", "1")
    np.testing.assert_array_equal(back.pairs, m.pairs[:, ::-1])
    assert back.cost == m.cost and b.n_computed["matching"] == 0
    # and it is optimal for that order: persim's cost of matching 5 to 1
    reverse = diagram_matching(a.diagrams("5").dgms[1], a.diagrams("1").dgms[1], "wasserstein")
    assert back.cost == pytest.approx(reverse.cost, rel=1e-12)
    # another dimension or metric is another matching
    b.matching("1", "5", dim=0)
    b.matching("1", "5", metric="bottleneck")
    assert b.n_computed["matching"] == 2
    with pytest.raises(ValueError, match="dim: expected at most maxdim = 1, got 2"):
        b.matching("1", "5", dim=2)
    with pytest.raises(ValueError, match="layer"):
        b.matching("1", "7")
    # the explorer draws exactly these lines
    ex = ActivationExplorer(b, mapper_params={"n_intervals": 3}, n_permutations=19)
    ex.matrix.selected_pair = [0, 2]
    np.testing.assert_array_equal(ex.diagram.matching[1], m.pairs.astype(np.int32))
    assert ex.diagram.matching[0].shape == (0, 2)  # H0 lines are not drawn (match_dims)


def test_the_fingerprint_runs_on_one_thread_and_puts_the_count_back(setup):
    from tda_widgets._model_key import behaviour_fingerprint

    model, images, _ = setup
    seen = []
    hook = model[1].register_forward_hook(lambda *_: seen.append(torch.get_num_threads()))
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        one = behaviour_fingerprint(model, images, ["1", "3"])
        assert seen == [1] and torch.get_num_threads() == 2
        torch.set_num_threads(1)
        assert behaviour_fingerprint(model, images, ["1", "3"]) == one  # any thread count
    finally:
        torch.set_num_threads(before)
        hook.remove()
