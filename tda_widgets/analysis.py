"""The orchestrator: model + data + layers -> clouds, diagrams, matrices, CKA, Mapper.

Everything is computed lazily, the first time it is asked for, and cached on disk.

Cache rules
-----------
* The key of every result covers everything that determines it (see
  :mod:`tda_widgets._cache_key`): the model -- every submodule's class and
  configuration (``Conv2d.stride``, ``ReLU`` vs ``Sigmoid``, ``maxpool = Identity()``),
  parameters, buffers and forward hooks, and the code of classes the user wrote --;
  the data (the values of every image and label); the layer; and every parameter the
  result depends on, by content: arrays by their bytes, user functions (a lens, a
  metric) by their code, closure and default values, estimators by
  ``get_params(deep=True)``. The versions of tda_widgets, torch and numpy are part of
  the key too, and so is the model's behaviour: the requested layers' outputs on a
  small fixed probe batch, rounded (:mod:`tda_widgets._model_key`), which catches
  what hashing code misses (a C extension, a monkey-patched library function).
  Nothing else is: changing one parameter recomputes only what depends on it (a
  new ``maxdim`` reuses the cached clouds; a new metric reuses the cached diagrams). ``device`` and ``batch_size`` are not part of the key: they change
  results only by floating-point rounding.
* What cannot be identified by content (a model or a lens holding a lock or a random
  generator, an ``IterableDataset`` or a shuffling ``DataLoader``, whose items may not
  be read again in the same order) is computed but not cached, with one warning
  saying what and why.
* Keys are built without iterating data beyond ``len()`` (a map-style ``Dataset`` is
  read by index) and without copying it whole (arrays are hashed in blocks). With
  ``cache_dir=False`` nothing is hashed at all.
* A torchvision ``ImageFolder`` (``DatasetFolder``) is keyed without decoding an image:
  its loader and transforms, and each sample's target and file bytes
  (:func:`tda_widgets._model_key.folder_key`). Each file's digest is remembered in
  ``file-digests.npz`` in the cache directory against its path, size, mtime, ctime,
  inode and device, so an unchanged file is not read again
  (:mod:`tda_widgets._file_digests`).
* Files are ``.npz`` written with ``allow_pickle=False`` and read back the same way,
  so loading a cache file can never run code. Each file stores its own key. Before
  an array is read its ``.npy`` header is checked against the bytes the file holds;
  after, every field is checked (names, shapes, dtypes, JSON parameters). A truncated,
  corrupt, foreign or malformed file is recomputed and replaced, with a warning.
* Writes are atomic (:func:`tda_widgets._io.atomic_write`: a temporary file in the
  same directory, then ``os.replace``). A write that fails (read-only directory, full
  disk) warns and the result is still returned. Temporary files that a killed process
  left (``.tdaw-*.tmp``, older than an hour) are removed when an ``Analysis`` opens the
  directory.
* The default directory is ``$TDA_WIDGETS_CACHE`` if set, else the user cache
  directory (``~/.cache/tda_widgets`` on Linux), under ``analysis/``.

Per-layer persistence runs in parallel with joblib (``n_jobs``; a dask or ray cluster
can take over through ``joblib.parallel_config``), with one progress bar.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from tda_widgets import _store as store
from tda_widgets._analysis_cache import (
    _FORMAT,
    _LEGACY_TEMP,
    _VOLATILE,
    ResultCache,
    _key,
    _versions,
    _why,
    default_cache_dir,
)
from tda_widgets._cache_key import Unidentifiable
from tda_widgets._file_digests import INDEX_NAME as _DIGEST_INDEX
from tda_widgets._io import remove_stale_temp_files
from tda_widgets._model_key import behaviour_fingerprint as _fingerprint
from tda_widgets._model_key import hash_data as _hash_data
from tda_widgets._model_key import hash_model as _hash_model
from tda_widgets._types import Diagrams, DistanceMatrix, MapperGraph, PointCloud
from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    UNSET,
    check_choice,
    check_int,
    check_memory_budget,
    new_default,
    renamed,
    unknown_name_error,
)
from tda_widgets.activations.data import images_and_labels_dataset, is_images_and_labels
from tda_widgets.point_clouds.normalize import check_normalize, normalize_cloud
from tda_widgets.stats.confidence import DiagramConfidence, confidence_radius
from tda_widgets.stats.floors import NoiseFloors, cka_permutation_null, split_half_floor
from tda_widgets.stats.permutation import purity_permutation_test
from tda_widgets.stats.result import TestResult
from tda_widgets.topology.cka import cka_matrix
from tda_widgets.topology.distances import Matching, diagram_matching
from tda_widgets.topology.mapper import mapper_graph
from tda_widgets.topology.matrices import layer_distance_matrix
from tda_widgets.topology.persistence import available_backends, persistence_diagrams

__all__ = ["DEFAULT_PH_POINTS", "Analysis", "default_cache_dir"]

DEFAULT_PH_POINTS = 1000
"""Points per layer persistence runs on by default (``n_perm="auto"``): the paper's
1,000 images. Larger clouds are subsampled (``subsample``); CKA and Mapper use all."""

_AUTO = new_default("auto")  # n_perm's default: told apart from "auto" passed (n_points)


class Analysis(ResultCache):
    """Clouds, diagrams, distance matrices, CKA and Mapper graphs of a model's layers.

    Parameters
    ----------
    model : torch.nn.Module
    data : tensor, ndarray, Dataset or DataLoader
        Images as :func:`~tda_widgets.extract_activations` takes them.
    layers : str or sequence of str
        Module names (``model.named_modules()``).
    point_cloud : str or sampler, default "top_l2"
        How activations become clouds (the paper's PH input is top l2).
    maxdim : int, default 1
        Highest homology dimension.
    cache_dir : path, optional
        Default :func:`default_cache_dir`. ``False`` disables the disk cache; then the
        model and data are not hashed at all (results are kept in this object only).
        A model, data or parameter that cannot be identified by content is computed
        but not cached, with one warning (see "Cache rules" above).
    n_jobs : int, optional
        joblib workers for per-layer persistence and :meth:`mappers`. Inside
        ``joblib.parallel_config(backend="dask")`` they run on a dask.distributed
        cluster (README, "Large data and scaling out").
    backend : str, default "auto"
        Persistence backend (see :func:`~tda_widgets.persistence_diagrams`).
    n_perm : int, "auto" or None, default "auto"
        Points per layer that persistence runs on (ripser's name). ``"auto"`` is
        ``DEFAULT_PH_POINTS`` = 1,000 (the paper's 1,000 images), so a cloud of up to
        1,000 points is used whole and a larger one is subsampled; ``None`` uses every
        point (the memory check of :func:`~tda_widgets.persistence_diagrams` still
        applies). The subsample's indices, size and covering radius are in each
        diagram's ``params``. CKA, Mapper and the image links always use every point.
    subsample : {"random", "farthest"}, default "random"
        How the ``n_perm`` points are chosen (see :func:`~tda_widgets.persistence_diagrams`):
        uniformly at random by ``seed``, as the paper does, or farthest-point.
    seed : int, default 0
        Seed of the random subsample.
    normalize : {None, "median"}, default None
        ``"median"`` scales each cloud so that its median pairwise distance (over a
        fixed, seeded subsample) is 1, before anything is computed from it: diagrams,
        distances and Mapper graphs are then free of the layers' scale. The factor is
        recorded in the cloud's ``params`` (see :func:`~tda_widgets.normalize_cloud`).
    batch_size, device, progress, labels
        Passed to :func:`~tda_widgets.extract_activations`.
    memory_budget : int or None, default 4 GiB
        Most bytes each step may take (extraction, persistence, CKA, Wasserstein and
        bottleneck matrices), checked before it allocates anything large; ``None`` turns the checks off (see
        ``DEFAULT_MEMORY_BUDGET``). Not part of the cache key: it changes whether a
        result is computed, never the result.
    n_points
        Deprecated name of ``n_perm`` (a ``FutureWarning``).

    Attributes
    ----------
    n_computed : collections.Counter
        How many results of each kind (``"clouds"``, ``"diagrams"``, ...) this object
        computed rather than loaded; a second identical run computes none.

    Examples
    --------
    >>> import torch, tempfile
    >>> model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
    >>> images = torch.randn(20, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     a = Analysis(model, images, ["0"], cache_dir=tmp, progress=False)
    ...     a.diagrams("0")[0].shape[1], a.n_computed["diagrams"]
    ...     again = Analysis(model, images, ["0"], cache_dir=tmp, progress=False)
    ...     _ = again.diagrams("0"); again.n_computed["diagrams"]
    (2, 1)
    0
    """

    def __init__(
        self,
        model: Any,
        data: Any,
        layers: str | Sequence[str],
        *,
        point_cloud: Any = "top_l2",
        maxdim: int = 1,
        cache_dir: str | os.PathLike[str] | bool | None = None,
        n_jobs: int | None = None,
        backend: str = "auto",
        n_perm: int | str | None = _AUTO,
        subsample: str = "random",
        seed: int = 0,
        normalize: str | None = None,
        batch_size: int = 256,
        device: Any = None,
        progress: bool = True,
        labels: Any = None,
        memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
        n_points: Any = UNSET,
    ) -> None:
        n_perm = renamed(
            n_points, n_perm, old="n_points", new="n_perm", where="Analysis", default=_AUTO
        )
        if is_images_and_labels(data):  # the (images, labels) pair, keyed like a Dataset
            data = images_and_labels_dataset(data)  # both checked: errors name labels
        self.model, self.data = model, data
        self.layers = [layers] if isinstance(layers, str) else [str(x) for x in layers]
        if not self.layers:
            raise ValueError("layers: expected at least one layer name, got none")
        self.point_cloud, self.n_jobs = point_cloud, n_jobs
        self.maxdim = check_int(maxdim, name="maxdim", minimum=0)
        installed = available_backends()
        if backend != "auto":
            check_choice(backend, installed, name="backend")
        self.backend = installed[0] if backend == "auto" else backend
        if isinstance(n_perm, str):
            check_choice(n_perm, ("auto",), name="n_perm")
            n_perm = DEFAULT_PH_POINTS
        self.n_perm = None if n_perm is None else check_int(n_perm, name="n_perm", minimum=1)
        self.subsample = check_choice(subsample, ("random", "farthest"), name="subsample")
        self.seed = check_int(seed, name="seed", minimum=0)
        self.normalize = check_normalize(normalize)
        self.memory_budget = check_memory_budget(memory_budget)
        self._extract_kw = {
            "batch_size": batch_size,
            "device": device,
            "labels": labels,
            "memory_budget": self.memory_budget,
        }
        self.progress = progress
        self.n_computed: Counter[str] = Counter()
        self._memory: dict[str, Any] = {}
        self._warned: set[str] = set()
        self._sampler_digest: str | None = None
        if cache_dir is True or cache_dir is None:
            cache_dir = default_cache_dir()
        self.cache_dir = None if cache_dir is False else Path(cache_dir)
        # with no disk cache nothing is hashed: results live in this object only
        self._base = f"{_VOLATILE}{uuid.uuid4().hex}"  # never reused, unlike id()
        if self.cache_dir is not None:
            remove_stale_temp_files(self.cache_dir, patterns=[_LEGACY_TEMP])
            try:
                # first: refuses streams read once; files' digests kept beside the cache
                data_key = _hash_data(data, labels, digest_index=self.cache_dir / _DIGEST_INDEX)
                self._base = _key(
                    _FORMAT,
                    _versions(),
                    _hash_model(model),
                    data_key,
                    _fingerprint(model, data, self.layers, device=device),
                )
            except (Unidentifiable, RecursionError) as exc:
                self._warn_uncached(_why(exc), "results are computed but not cached on disk")

    def _check_layer(self, layer: str) -> None:
        if layer not in self.layers:
            raise unknown_name_error(layer, self.layers, name="layer")

    # -- stage 1-2: clouds ---------------------------------------------------------

    def _cloud_key(self, layer: str) -> str:
        if self._sampler_digest is None:
            digest = self._param_digest("Analysis", "point_cloud", self.point_cloud)
            # unidentifiable: this object's own sampler, kept in memory only
            self._sampler_digest = digest or f"{_VOLATILE}{uuid.uuid4().hex}"
        if self.normalize is None:  # the keys of unnormalised clouds are unchanged
            return _key(self._base, "cloud", layer, self._sampler_digest)
        return _key(self._base, "cloud", layer, self._sampler_digest, "normalize", self.normalize)

    def cloud(self, layer: str) -> PointCloud:
        """The layer's point cloud.

        Read from the cache alone when it is there (the other layers are not read); else
        every layer missing from the cache is extracted, in one pass over the data.
        """
        self._check_layer(layer)
        mem = f"clouds-{self._cloud_key(layer)}"
        if mem not in self._memory and not self._load_cloud(layer):
            self._ensure_clouds(missing=(layer,))  # its file was just tried: not read again
        return self._memory[mem]

    def _load_cloud(self, layer: str) -> bool:
        """Whether ``layer``'s cloud is in memory, after reading it from the cache if there."""
        key = self._cloud_key(layer)
        if f"clouds-{key}" in self._memory:
            return True
        cloud = self._load("clouds", key, functools.partial(store.cloud_from, layer=layer))
        if cloud is not None:
            self._memory[f"clouds-{key}"] = cloud
        return cloud is not None

    def _ensure_clouds(self, missing: Sequence[str] = ()) -> None:
        """Extract, in one pass, every layer whose cloud is neither in memory nor in the
        cache (``missing``: layers already known to be neither)."""
        missing = [
            layer for layer in self.layers if layer in missing or not self._load_cloud(layer)
        ]
        if not missing:
            return
        from tda_widgets.activations.extract import extract_activations

        out = extract_activations(
            self.model,
            self.data,
            missing,
            point_cloud=self.point_cloud,
            progress=self.progress,
            **self._extract_kw,
        )
        for layer in missing:
            cloud = out[layer]
            if not isinstance(cloud, PointCloud):
                cloud = PointCloud.from_array(
                    np.asarray(cloud).reshape(len(cloud), -1), layer=layer
                )
            cloud = normalize_cloud(cloud, self.normalize)
            key = self._cloud_key(layer)
            self.n_computed["clouds"] += 1
            self._save("clouds", key, store.cloud_arrays(cloud))
            self._memory[f"clouds-{key}"] = cloud

    # -- stage 3: diagrams, matrices, CKA, Mapper ---------------------------------

    def _diagram_key(self, layer: str) -> str:
        params = (self.maxdim, self.backend, self.n_perm, self.subsample, self.seed)
        return _key(self._cloud_key(layer), "diagrams", params)

    def diagrams(self, layer: str) -> Diagrams:
        """The layer's persistence diagrams."""
        self._check_layer(layer)
        self._ensure_diagrams()
        return self._memory[f"diagrams-{self._diagram_key(layer)}"]

    def _ensure_diagrams(self) -> None:
        todo = []
        for layer in self.layers:
            key = self._diagram_key(layer)
            if f"diagrams-{key}" in self._memory:
                continue
            dg = self._load(
                "diagrams",
                key,
                functools.partial(store.diagrams_from, layer=layer, maxdim=self.maxdim),
            )
            if dg is None:
                todo.append(layer)
            else:
                self._memory[f"diagrams-{key}"] = dg
        if not todo:
            return
        clouds = [self.cloud(layer) for layer in todo]
        # layers in parallel or a backend's threads within a layer, never both
        threads = -1 if effective_n_jobs(self.n_jobs) == 1 else 1
        jobs = Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(persistence_diagrams)(
                c,
                maxdim=self.maxdim,
                backend=self.backend,
                n_perm=self.n_perm,
                subsample=self.subsample,
                seed=self.seed,
                n_jobs=threads,
                memory_budget=self.memory_budget,
            )
            for c in clouds
        )
        from tqdm.auto import tqdm

        bar = tqdm(jobs, total=len(todo), desc="persistence", disable=not self.progress)
        for layer, dg in zip(todo, bar, strict=True):
            key = self._diagram_key(layer)
            self.n_computed["diagrams"] += 1
            self._save("diagrams", key, store.diagram_arrays(dg))
            self._memory[f"diagrams-{key}"] = dg

    def _params_key(self, where: str, params: dict[str, Any], *parts: Any) -> str | None:
        """Key of a result of ``parts`` and keyword ``params``; ``None`` if unidentifiable."""
        digests = []
        for name in sorted(params):
            digest = self._param_digest(where, name, params[name])
            if digest is None:
                return None
            digests.append((name, digest))
        return _key(*parts, digests)

    def distance_matrix(
        self, metric: str = "sliced_wasserstein", dim: int = 1, **kwargs: Any
    ) -> DistanceMatrix:
        """Layer-distance matrix of the diagrams (see :func:`layer_distance_matrix`)."""
        keys = [self._diagram_key(layer) for layer in self.layers]
        key = self._params_key(
            "Analysis.distance_matrix", {"metric": metric, "dim": dim, **kwargs}, keys, "matrix"
        )

        def compute() -> DistanceMatrix:
            dgms = {layer: self.diagrams(layer) for layer in self.layers}
            kw = {"memory_budget": self.memory_budget, **kwargs}  # a budget given here wins
            return layer_distance_matrix(dgms, metric=metric, dim=dim, n_jobs=self.n_jobs, **kw)

        return self._cached("matrix", key, compute, store.matrix_arrays, self._matrix_from)

    def matching(self, a: str, b: str, *, dim: int = 1, metric: str = "wasserstein") -> Matching:
        """The optimal matching of layer ``a``'s ``dim`` diagram to layer ``b``'s (cached).

        :func:`~tda_widgets.diagram_matching` of ``self.diagrams(a)[dim]`` and
        ``self.diagrams(b)[dim]``: the explorer's matching lines, which an optimal
        assignment on diagrams of ~1,000 points takes seconds to find. One assignment
        serves both orders: for ``a`` after ``b`` in :attr:`layers` it is the matching of
        ``b`` to ``a`` with each pair reversed (as optimal; where several matchings are
        optimal it may not be the one ``diagram_matching(a, b)`` picks).

        Examples
        --------
        >>> import torch
        >>> model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Conv2d(4, 4, 3))
        >>> images = torch.randn(30, 3, 8, 8, generator=torch.Generator().manual_seed(0))
        >>> an = Analysis(model, images, ["0", "1"], cache_dir=False, progress=False)
        >>> m = an.matching("0", "1", dim=0)
        >>> m.metric, m.pairs.shape[1]
        ('wasserstein', 2)
        """
        self._check_layer(a)
        self._check_layer(b)
        dim = check_int(dim, name="dim", minimum=0)
        if dim > self.maxdim:
            raise ValueError(f"dim: expected at most maxdim = {self.maxdim}, got {dim}")
        metric = check_choice(metric, ("wasserstein", "bottleneck"), name="metric")
        if self.layers.index(a) > self.layers.index(b):  # one assignment per pair of layers
            m = self.matching(b, a, dim=dim, metric=metric)
            return Matching(m.pairs[:, ::-1].copy(), m.pair_costs, m.cost, m.metric)
        key = _key(self._diagram_key(a), self._diagram_key(b), "matching", dim, metric)

        def compute() -> Matching:
            first, second = self.diagrams(a).dgms[dim], self.diagrams(b).dgms[dim]
            return diagram_matching(first, second, metric, memory_budget=self.memory_budget)

        return self._cached("matching", key, compute, store.matching_arrays, store.matching_from)

    def cka_matrix(self) -> DistanceMatrix:
        """Linear CKA between the layers' clouds (a similarity; see :func:`cka_matrix`)."""
        key = _key([self._cloud_key(layer) for layer in self.layers], "cka")

        def compute() -> DistanceMatrix:
            clouds = {layer: self.cloud(layer) for layer in self.layers}
            return cka_matrix(clouds, progress=self.progress, memory_budget=self.memory_budget)

        return self._cached("cka", key, compute, store.matrix_arrays, self._matrix_from)

    def mapper(self, layer: str, **params: Any) -> MapperGraph:
        """Mapper graph of the layer's cloud (``params`` go to :func:`mapper_graph`)."""
        self._check_layer(layer)
        key = self._params_key("Analysis.mapper", params, self._cloud_key(layer), "mapper")

        def compute() -> MapperGraph:
            return mapper_graph(self.cloud(layer), **{"progress": self.progress, **params})

        return self._cached(
            "mapper", key, compute, store.mapper_arrays, lambda a: store.mapper_from(a, layer)
        )

    def mappers(self, layers: Sequence[str] | None = None, **params: Any) -> dict[str, MapperGraph]:
        """Mapper graphs of several layers, the missing ones computed in parallel.

        Same graphs and cache entries as :meth:`mapper` (``params`` go to
        :func:`mapper_graph`); the layers not cached yet run as ``n_jobs`` joblib
        jobs, so on a dask cluster inside ``joblib.parallel_config(backend="dask")``.

        Examples
        --------
        >>> import torch
        >>> model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(),
        ...                             torch.nn.Conv2d(4, 4, 3))
        >>> images = torch.randn(30, 3, 8, 8, generator=torch.Generator().manual_seed(0))
        >>> a = Analysis(model, images, ["0", "2"], cache_dir=False, progress=False)
        >>> sorted(a.mappers(n_intervals=3))
        ['0', '2']
        """
        names = list(self.layers) if layers is None else [str(x) for x in layers]
        for layer in names:
            self._check_layer(layer)
        keys = {
            layer: self._params_key("Analysis.mapper", params, self._cloud_key(layer), "mapper")
            for layer in names
        }

        def cached(key: str | None) -> bool:
            if key is None:
                return False
            path = self._path("mapper", key)
            return f"mapper-{key}" in self._memory or (path is not None and path.exists())

        todo = [layer for layer in names if not cached(keys[layer])]
        if len(todo) > 1:
            clouds = [self.cloud(layer) for layer in todo]
            jobs = Parallel(n_jobs=self.n_jobs, return_as="generator")(
                delayed(mapper_graph)(c, **{"progress": False, **params}) for c in clouds
            )
            from tqdm.auto import tqdm

            bar = tqdm(jobs, total=len(todo), desc="mapper", disable=not self.progress)
            for layer, graph in zip(todo, bar, strict=True):
                key = keys[layer]
                self.n_computed["mapper"] += 1
                if key is not None:
                    self._save("mapper", key, store.mapper_arrays(graph))
                    self._memory[f"mapper-{key}"] = graph
                else:
                    self._memory[f"mapper-volatile-{layer}"] = graph
        out = {}
        for layer in names:
            volatile = self._memory.pop(f"mapper-volatile-{layer}", None)
            out[layer] = volatile if volatile is not None else self.mapper(layer, **params)
        return out

    # -- evidence: confidence sets, noise floors, purity tests (tda_widgets.stats) --

    def purity_test(
        self,
        layer: str,
        *,
        statistic: str = "mean_purity",
        n_permutations: int = 999,
        seed: int = 0,
        **mapper_params: Any,
    ) -> TestResult:
        """The permutation test of the purity of ``self.mapper(layer, **mapper_params)``.

        :func:`~tda_widgets.purity_permutation_test` with the cloud's own labels (the
        graph fixed, the labels permuted over its points). Cached like every result,
        under the Mapper graph's key and the test's parameters.

        Raises
        ------
        ValueError
            When the layer's cloud has no labels, or its graph has no nodes.

        Examples
        --------
        >>> import torch
        >>> model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU())
        >>> images = torch.randn(40, 3, 8, 8, generator=torch.Generator().manual_seed(0))
        >>> a = Analysis(model, (images, torch.arange(40) % 2), ["0"], cache_dir=False,
        ...              progress=False)
        >>> r = a.purity_test("0", n_intervals=3, n_permutations=99)
        >>> r.n_permutations, r.statistic == a.purity_test("0", n_intervals=3,
        ...                                                n_permutations=99).statistic
        (99, True)
        """
        self._check_layer(layer)
        test: dict[str, Any] = {
            "statistic": statistic,
            "n_permutations": n_permutations,
            "seed": seed,
        }
        key = self._params_key("Analysis.mapper", mapper_params, self._cloud_key(layer), "mapper")
        if key is not None:
            key = self._params_key("Analysis.purity_test", test, key, "purity")

        def compute() -> TestResult:
            labels = self.cloud(layer).labels
            if labels is None:
                raise ValueError(
                    f"layer: the cloud of {layer!r} has no labels to test the purity of; "
                    "pass data with labels ((images, labels) or a labelled Dataset)"
                )
            return purity_permutation_test(self.mapper(layer, **mapper_params), labels, **test)

        return self._cached("purity", key, compute, store.result_arrays, store.result_from)

    def _ph_points(self, layer: str) -> Any:
        """The points the layer's diagrams were computed from (its recorded subsample)."""
        points = self.cloud(layer).points
        kept = self.diagrams(layer).params.get("indices")
        return points if kept is None else points[np.asarray(kept)]

    def diagram_confidence(
        self,
        layer: str,
        *,
        dim: int = 1,
        alpha: float = 0.05,
        n_boot: int = 100,
        method: str = "subsample",
    ) -> DiagramConfidence:
        """Confidence set of the layer's diagram (:func:`~tda_widgets.diagram_confidence`).

        Computed on the points the diagram was (the recorded persistence subsample),
        with this analysis's ``seed``; ``.diagram`` is ``self.diagrams(layer)[dim]``
        point for point. Cached like every result.
        """
        self._check_layer(layer)
        args: dict[str, Any] = {"dim": dim, "alpha": alpha, "n_boot": n_boot, "method": method}
        key = self._params_key("Analysis", args, self._diagram_key(layer), "conf", self.seed)

        def compute() -> DiagramConfidence:
            diagram = np.asarray(self.diagrams(layer).dgms[dim], dtype=np.float64)
            c, null = confidence_radius(
                self._ph_points(layer),
                diagram,
                **args,
                seed=self.seed,
                backend=self.backend,
                n_jobs=self.n_jobs,
                progress=self.progress,
                memory_budget=self.memory_budget,
            )
            return DiagramConfidence(c, diagram, null, dim, alpha, method, n_boot, self.seed)

        return self._cached("conf", key, compute, store.conf_arrays, store.conf_from)

    def noise_floors(
        self, metric: str = "sliced_wasserstein", *, dim: int = 1, n_splits: int = 20
    ) -> NoiseFloors:
        """Per-layer noise floors of :meth:`distance_matrix` (``metric="cka"``: of
        :meth:`cka_matrix`); see :class:`~tda_widgets.NoiseFloors`. Cached.

        A diagram metric splits each layer's persistence points (the recorded subsample)
        into two random halves ``n_splits`` times and measures the halves' distance. For
        ``"cka"`` each pair of layers gets ``n_splits`` image shuffles, on at most
        ``DEFAULT_PH_POINTS`` images (the persistence subsample's rows).
        """
        n_splits = check_int(n_splits, name="n_splits", minimum=1)
        args = {"metric": metric, "dim": dim, "n_splits": n_splits}
        keys = [self._diagram_key(layer) for layer in self.layers]
        key = self._params_key("Analysis", args, keys, "floors", self.seed)

        def compute() -> NoiseFloors:
            if metric == "cka":
                rows = [self._ph_points(layer) for layer in self.layers]
                floors = cka_permutation_null(rows, n_permutations=n_splits, seed=self.seed)[1]
            else:
                jobs = Parallel(n_jobs=self.n_jobs)(
                    delayed(split_half_floor)(
                        self._ph_points(layer),
                        metric=metric,
                        dim=dim,
                        n_splits=n_splits,
                        seed=self.seed,
                        backend=self.backend,
                    )
                    for layer in self.layers
                )
                floors = np.stack(jobs)
            return NoiseFloors(tuple(self.layers), metric, dim, n_splits, floors, self.seed)

        return self._cached("floors", key, compute, store.floors_arrays, store.floors_from)

    def _matrix_from(self, a: dict[str, Any]) -> DistanceMatrix:
        m = store.matrix_from(a)
        store.check(
            m.layers == tuple(self.layers), f"layers {m.layers}, expected {tuple(self.layers)}"
        )
        return m
