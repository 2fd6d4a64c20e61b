"""The orchestrator: model + data + layers -> clouds, diagrams, matrices, CKA, Mapper.

Everything is computed lazily, the first time it is asked for, and cached on disk.

Cache rules
-----------
* The key of every result covers the model's weights (every ``state_dict`` tensor's
  name, dtype, shape and bytes), the data (image and label bytes), the layer and
  every parameter the result depends on -- and nothing else, so changing one
  parameter recomputes only what depends on it (a new ``maxdim`` reuses the cached
  clouds; a new metric reuses the cached diagrams).
* Files are ``.npz`` written with ``allow_pickle=False`` and read back the same way,
  so loading a cache file can never run code. Each file stores its own key; a
  truncated, corrupt or foreign file is recomputed with a warning.
* Writes are atomic: a temporary file in the same directory, then ``os.replace``.
* The default directory is ``$TDA_WIDGETS_CACHE`` if set, else the user cache
  directory (``~/.cache/tda_widgets`` on Linux), under ``analysis/``.

Per-layer persistence runs in parallel with joblib (``n_jobs``; a dask or ray cluster
can take over through ``joblib.parallel_config``), with one progress bar.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray

from tda_widgets._types import Diagrams, DistanceMatrix, MapperGraph, PointCloud
from tda_widgets._validation import unknown_name_error
from tda_widgets.topology.cka import cka_matrix
from tda_widgets.topology.mapper import mapper_graph
from tda_widgets.topology.matrices import layer_distance_matrix
from tda_widgets.topology.persistence import available_backends, persistence_diagrams

__all__ = ["Analysis", "default_cache_dir"]

_FORMAT = "tda_widgets.analysis/1"


def default_cache_dir() -> Path:
    """``$TDA_WIDGETS_CACHE/analysis`` or the user cache directory's ``tda_widgets/analysis``.

    Examples
    --------
    >>> default_cache_dir().name
    'analysis'
    """
    from tda_widgets.datasets._cache import cache_dir  # the one place that knows the rule

    return cache_dir() / "analysis"


def _hash_tensor(h: Any, t: Any) -> None:
    import torch

    if isinstance(t, torch.Tensor):
        t = t.detach().cpu().contiguous()
        h.update(f"{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.flatten().view(torch.uint8).numpy().tobytes())
    else:
        a = np.ascontiguousarray(np.asarray(t))
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())


def _hash_model(model: Any) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(type(model).__qualname__.encode())
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        _hash_tensor(h, tensor)
    return h.hexdigest()


def _hash_data(data: Any, labels: Any) -> str:
    import torch

    h = hashlib.blake2b(digest_size=20)
    if isinstance(data, (torch.Tensor, np.ndarray)):
        _hash_tensor(h, data)
    else:  # Dataset or DataLoader: hash what it yields, in order
        for item in data:
            for part in item if isinstance(item, (tuple, list)) else (item,):
                _hash_tensor(h, part)
    if labels is not None:
        _hash_tensor(h, np.asarray(labels))
    return h.hexdigest()


def _key(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=repr)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _param_token(value: Any) -> Any:
    """A JSON-able, content-based stand-in for a parameter value."""
    if isinstance(value, np.ndarray):
        return "array:" + hashlib.blake2b(value.tobytes(), digest_size=12).hexdigest()
    if callable(value) and not hasattr(value, "get_params"):
        return (
            f"callable:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value)}"
        )
    return repr(value)


class Analysis:
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
        Default :func:`default_cache_dir`. ``False`` disables the disk cache.
    n_jobs : int, optional
        joblib workers for per-layer persistence.
    backend : str, default "auto"
        Persistence backend (see :func:`~tda_widgets.persistence_diagrams`).
    n_points : int, optional
        Greedy subsample size before persistence.
    batch_size, device, progress, labels
        Passed to :func:`~tda_widgets.extract_activations`.

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
        n_points: int | None = None,
        batch_size: int = 256,
        device: Any = None,
        progress: bool = True,
        labels: Any = None,
    ) -> None:
        self.model, self.data = model, data
        self.layers = [layers] if isinstance(layers, str) else [str(x) for x in layers]
        if not self.layers:
            raise ValueError("layers: expected at least one layer name, got none")
        self.point_cloud, self.maxdim, self.n_jobs = point_cloud, int(maxdim), n_jobs
        self.backend = available_backends()[0] if backend == "auto" else backend
        self.n_points = n_points
        self._extract_kw = {"batch_size": batch_size, "device": device, "labels": labels}
        self.progress = progress
        self.n_computed: Counter[str] = Counter()
        self._memory: dict[str, Any] = {}
        if cache_dir is True or cache_dir is None:
            cache_dir = default_cache_dir()
        self.cache_dir = None if cache_dir is False else Path(cache_dir)
        self._base = _key(_hash_model(model), _hash_data(data, labels))

    # -- cache plumbing ------------------------------------------------------------

    def _path(self, kind: str, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / f"{kind}-{key}.npz"

    def _load(self, kind: str, key: str) -> dict[str, NDArray[Any]] | None:
        path = self._path(kind, key)
        if path is None or not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as f:
                arrays = {k: f[k] for k in f.files}
            if str(arrays.pop("__format__")) != _FORMAT or str(arrays.pop("__key__")) != key:
                raise ValueError("the file belongs to another cache entry")
            return arrays
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            warnings.warn(f"cache file {path} is unreadable ({exc}); recomputing it", stacklevel=3)
            return None

    def _save(self, kind: str, key: str, arrays: dict[str, Any]) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"__format__": np.array(_FORMAT), "__key__": np.array(key), **arrays}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **payload)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _cached(
        self,
        kind: str,
        key: str,
        compute: Callable[[], Any],
        to_arrays: Callable[[Any], dict],
        from_arrays: Callable[[dict], Any],
    ) -> Any:
        mem = f"{kind}-{key}"
        if mem in self._memory:
            return self._memory[mem]
        arrays = self._load(kind, key)
        if arrays is not None:
            value = from_arrays(arrays)
        else:
            value = compute()
            self.n_computed[kind] += 1
            self._save(kind, key, to_arrays(value))
        self._memory[mem] = value
        return value

    def clear_cache(self) -> int:
        """Delete this analysis's cache files and in-memory results; return files removed."""
        self._memory.clear()
        if self.cache_dir is None or not self.cache_dir.exists():
            return 0
        removed = 0
        for path in self.cache_dir.glob("*.npz"):
            try:
                with np.load(path, allow_pickle=False) as f:
                    mine = "__base__" in f.files and str(f["__base__"]) == self._base
            except Exception:
                mine = False
            if mine:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _check_layer(self, layer: str) -> None:
        if layer not in self.layers:
            raise unknown_name_error(layer, self.layers, name="layer")

    # -- stage 1-2: clouds ---------------------------------------------------------

    def _cloud_key(self, layer: str) -> str:
        return _key(self._base, "cloud", layer, _param_token(self.point_cloud))

    def cloud(self, layer: str) -> PointCloud:
        """The layer's point cloud (all missing layers are extracted in one pass)."""
        self._check_layer(layer)
        self._ensure_clouds()
        return self._memory[f"clouds-{self._cloud_key(layer)}"]

    def _ensure_clouds(self) -> None:
        missing = []
        for layer in self.layers:
            key = self._cloud_key(layer)
            if f"clouds-{key}" in self._memory:
                continue
            arrays = self._load("clouds", key)
            if arrays is None:
                missing.append(layer)
            else:
                self._memory[f"clouds-{key}"] = _cloud_from(arrays, layer)
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
            key = self._cloud_key(layer)
            self.n_computed["clouds"] += 1
            self._save("clouds", key, {**_cloud_arrays(cloud), "__base__": np.array(self._base)})
            self._memory[f"clouds-{key}"] = cloud

    # -- stage 3: diagrams, matrices, CKA, Mapper ---------------------------------

    def _diagram_key(self, layer: str) -> str:
        params = (self.maxdim, self.backend, self.n_points)
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
            arrays = self._load("diagrams", key)
            if arrays is None:
                todo.append(layer)
            else:
                self._memory[f"diagrams-{key}"] = _diagrams_from(arrays, layer)
        if not todo:
            return
        clouds = [self.cloud(layer) for layer in todo]
        jobs = Parallel(n_jobs=self.n_jobs, return_as="generator")(
            delayed(persistence_diagrams)(
                c, maxdim=self.maxdim, backend=self.backend, n_points=self.n_points
            )
            for c in clouds
        )
        from tqdm.auto import tqdm

        bar = tqdm(jobs, total=len(todo), desc="persistence", disable=not self.progress)
        for layer, dg in zip(todo, bar, strict=True):
            key = self._diagram_key(layer)
            self.n_computed["diagrams"] += 1
            self._save("diagrams", key, {**_diagram_arrays(dg), "__base__": np.array(self._base)})
            self._memory[f"diagrams-{key}"] = dg

    def distance_matrix(
        self, metric: str = "sliced_wasserstein", dim: int = 1, **kwargs: Any
    ) -> DistanceMatrix:
        """Layer-distance matrix of the diagrams (see :func:`layer_distance_matrix`)."""
        keys = [self._diagram_key(layer) for layer in self.layers]
        key = _key(keys, "matrix", metric, dim, sorted((k, repr(v)) for k, v in kwargs.items()))

        def compute() -> DistanceMatrix:
            dgms = {layer: self.diagrams(layer) for layer in self.layers}
            return layer_distance_matrix(dgms, metric=metric, dim=dim, n_jobs=self.n_jobs, **kwargs)

        return self._cached("matrix", key, compute, self._matrix_arrays, _matrix_from)

    def cka_matrix(self) -> DistanceMatrix:
        """Linear CKA between the layers' clouds (a similarity; see :func:`cka_matrix`)."""
        key = _key([self._cloud_key(layer) for layer in self.layers], "cka")

        def compute() -> DistanceMatrix:
            return cka_matrix({layer: self.cloud(layer) for layer in self.layers})

        return self._cached("cka", key, compute, self._matrix_arrays, _matrix_from)

    def mapper(self, layer: str, **params: Any) -> MapperGraph:
        """Mapper graph of the layer's cloud (``params`` go to :func:`mapper_graph`)."""
        self._check_layer(layer)
        tokens = sorted((k, _param_token(v)) for k, v in params.items())
        key = _key(self._cloud_key(layer), "mapper", tokens)

        def compute() -> MapperGraph:
            return mapper_graph(self.cloud(layer), **params)

        def to_arrays(g: MapperGraph) -> dict[str, Any]:
            return {**_mapper_arrays(g), "__base__": np.array(self._base)}

        return self._cached("mapper", key, compute, to_arrays, lambda a: _mapper_from(a, layer))

    def _matrix_arrays(self, m: DistanceMatrix) -> dict[str, Any]:
        return {
            "values": m.values,
            "layers": np.array(m.layers),
            "metric": np.array(m.metric),
            "params": np.array(json.dumps(dict(m.params), default=repr)),
            "__base__": np.array(self._base),
        }


# -- (de)serialisation: plain arrays and JSON, never pickle ----------------------------


def _json(params: Any) -> NDArray[Any]:
    def plain(v: Any) -> Any:
        return v.tolist() if isinstance(v, np.ndarray) else v

    return np.array(json.dumps({k: plain(v) for k, v in dict(params).items()}, default=repr))


def _cloud_arrays(c: PointCloud) -> dict[str, Any]:
    out = {
        "points": c.points,
        "image_index": c.image_index,
        "position": c.position,
        "params": _json(c.params),
    }
    if c.labels is not None:
        out["labels"] = c.labels
    return out


def _cloud_from(a: dict[str, Any], layer: str) -> PointCloud:
    return PointCloud(
        points=a["points"],
        image_index=a["image_index"],
        position=a["position"],
        layer=layer,
        labels=a.get("labels"),
        params=json.loads(str(a["params"])),
    )


def _diagram_arrays(d: Diagrams) -> dict[str, Any]:
    out: dict[str, Any] = {f"dgm{k}": x for k, x in enumerate(d.dgms)}
    if d.generators is not None:
        out.update({f"gen{k}": g for k, g in enumerate(d.generators)})
    out["backend"] = np.array(d.backend)
    out["params"] = _json(d.params)
    return out


def _diagrams_from(a: dict[str, Any], layer: str) -> Diagrams:
    n = sum(1 for k in a if k.startswith("dgm"))
    gens = tuple(a[f"gen{k}"] for k in range(n)) if "gen0" in a else None
    params = json.loads(str(a["params"]))
    if "indices" in params:
        params["indices"] = np.asarray(params["indices"], dtype=np.int64)
    return Diagrams(
        dgms=tuple(a[f"dgm{k}"] for k in range(n)),
        generators=gens,
        backend=str(a["backend"]),
        layer=layer,
        params=params,
    )


def _matrix_from(a: dict[str, Any]) -> DistanceMatrix:
    return DistanceMatrix(
        values=a["values"],
        layers=tuple(str(x) for x in a["layers"]),
        metric=str(a["metric"]),
        params=json.loads(str(a["params"])),
    )


def _mapper_arrays(g: MapperGraph) -> dict[str, Any]:
    out = {
        "member_offsets": g.member_offsets,
        "members": g.members,
        "edges": g.edges,
        "edge_weights": g.edge_weights,
        "lens_mean": g.lens_mean,
        "params": _json(g.params),
    }
    if g.class_counts is not None:
        out["class_counts"] = g.class_counts
    return out


def _mapper_from(a: dict[str, Any], layer: str) -> MapperGraph:
    return MapperGraph(
        member_offsets=a["member_offsets"],
        members=a["members"],
        edges=a["edges"],
        edge_weights=a["edge_weights"],
        lens_mean=a["lens_mean"],
        class_counts=a.get("class_counts"),
        layer=layer,
        params=json.loads(str(a["params"])),
    )
