"""(De)serialisation of the cached results: plain arrays and JSON, never pickle.

Every loader checks what it reads (a ``ValueError`` names the problem), so a cache file
that parses but is malformed is recomputed by :class:`~tda_widgets.analysis.Analysis`,
never returned. Moved out of ``analysis.py`` unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import Diagrams, DistanceMatrix, MapperGraph, PointCloud
from tda_widgets.stats.confidence import DiagramConfidence
from tda_widgets.stats.floors import NoiseFloors
from tda_widgets.stats.result import TestResult
from tda_widgets.topology.distances import Matching

__all__ = [
    "check",
    "cloud_arrays",
    "cloud_from",
    "conf_arrays",
    "conf_from",
    "diagram_arrays",
    "diagrams_from",
    "floors_arrays",
    "floors_from",
    "mapper_arrays",
    "mapper_from",
    "matching_arrays",
    "matching_from",
    "matrix_arrays",
    "matrix_from",
    "result_arrays",
    "result_from",
]


def check(ok: bool, problem: str) -> None:
    if not ok:
        raise ValueError(problem)


def _array(a: dict[str, Any], name: str, ndim: int, kind: str) -> NDArray[Any]:
    """``a[name]``, checked to have ``ndim`` dimensions and a dtype of ``kind`` ('f'/'i')."""
    x = a[name]
    kinds = {"f": "fi", "i": "iu"}[kind]  # integers are exact floats; unsigned are indices
    check(
        x.ndim == ndim and x.dtype.kind in kinds,
        f"{name} has shape {x.shape} and dtype {x.dtype}, expected {ndim} dimension(s) of "
        f"{'numbers' if kind == 'f' else 'integers'}",
    )
    return x


def _params(a: dict[str, Any]) -> dict[str, Any]:
    raw = a["params"]
    check(raw.ndim == 0 and raw.dtype.kind == "U", "params is not one JSON string")
    params = json.loads(str(raw))  # JSONDecodeError is a ValueError
    check(isinstance(params, dict), f"params is {type(params).__name__}, expected an object")
    return params


def _text(a: dict[str, Any], name: str) -> str:
    x = a[name]
    check(x.ndim == 0 and x.dtype.kind == "U", f"{name} is not a string")
    return str(x)


def _json(params: Any) -> NDArray[Any]:
    def plain(v: Any) -> Any:
        return v.tolist() if isinstance(v, np.ndarray) else v

    return np.array(json.dumps({k: plain(v) for k, v in dict(params).items()}, default=repr))


def cloud_arrays(c: PointCloud) -> dict[str, Any]:
    out = {
        "points": c.points,
        "image_index": c.image_index,
        "position": c.position,
        "params": _json(c.params),
    }
    if c.labels is not None:
        out["labels"] = c.labels
    return out


def cloud_from(a: dict[str, Any], layer: str) -> PointCloud:
    points = _array(a, "points", 2, "f")
    n = points.shape[0]
    index = _array(a, "image_index", 1, "i")
    position = _array(a, "position", 2, "i")
    labels = _array(a, "labels", 1, "i") if "labels" in a else None
    check(index.shape == (n,), f"image_index has shape {index.shape}, expected ({n},)")
    check(position.shape == (n, 2), f"position has shape {position.shape}, expected ({n}, 2)")
    check(labels is None or labels.shape == (n,), f"labels do not match the {n} points")
    return PointCloud(  # and PointCloud checks the fields again
        points=points,
        image_index=index,
        position=position,
        layer=layer,
        labels=labels,
        params=_params(a),
    )


def diagram_arrays(d: Diagrams) -> dict[str, Any]:
    out: dict[str, Any] = {f"dgm{k}": x for k, x in enumerate(d.dgms)}
    if d.generators is not None:
        out.update({f"gen{k}": g for k, g in enumerate(d.generators)})
    out["backend"] = np.array(d.backend)
    out["params"] = _json(d.params)
    return out


def diagrams_from(a: dict[str, Any], layer: str, maxdim: int) -> Diagrams:
    n = maxdim + 1
    expected = {f"dgm{k}" for k in range(n)} | {"backend", "params"}
    if "gen0" in a:
        expected |= {f"gen{k}" for k in range(n)}
    check(set(a) == expected, f"the file holds {sorted(a)}, expected {sorted(expected)}")
    dgms = tuple(_array(a, f"dgm{k}", 2, "f") for k in range(n))
    for k, d in enumerate(dgms):
        check(d.shape[1] == 2, f"dgm{k} has shape {d.shape}, expected (n, 2)")
    gens = None
    if "gen0" in a:
        gens = tuple(_array(a, f"gen{k}", 2, "i") for k in range(n))
        for k, (g, d) in enumerate(zip(gens, dgms, strict=True)):
            check(
                g.shape == (d.shape[0], 4),
                f"gen{k} has shape {g.shape}, expected ({d.shape[0]}, 4)",
            )
    params = _params(a)
    if "indices" in params:
        params["indices"] = np.asarray(params["indices"], dtype=np.int64)
    return Diagrams(
        dgms=dgms, generators=gens, backend=_text(a, "backend"), layer=layer, params=params
    )


def matrix_arrays(m: DistanceMatrix) -> dict[str, Any]:
    return {
        "values": m.values,
        "layers": np.array(m.layers),
        "metric": np.array(m.metric),
        "params": np.array(json.dumps(dict(m.params), default=repr)),
    }


def matrix_from(a: dict[str, Any]) -> DistanceMatrix:
    layers = a["layers"]
    check(layers.ndim == 1 and layers.dtype.kind == "U", "layers is not a list of names")
    values = _array(a, "values", 2, "f")
    n = layers.shape[0]
    check(values.shape == (n, n), f"values has shape {values.shape}, expected ({n}, {n})")
    return DistanceMatrix(
        values=values,
        layers=tuple(str(x) for x in layers),
        metric=_text(a, "metric"),
        params=_params(a),
    )


def mapper_arrays(g: MapperGraph) -> dict[str, Any]:
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


def mapper_from(a: dict[str, Any], layer: str) -> MapperGraph:
    offsets = _array(a, "member_offsets", 1, "i")
    members = _array(a, "members", 1, "i")
    edges = _array(a, "edges", 2, "i")
    weights = _array(a, "edge_weights", 1, "f")
    lens_mean = _array(a, "lens_mean", 1, "f")
    counts = _array(a, "class_counts", 2, "i") if "class_counts" in a else None
    n_nodes, m = offsets.shape[0] - 1, edges.shape[0]
    check(
        n_nodes >= 0
        and offsets[0] == 0
        and offsets[-1] == members.shape[0]
        and bool((np.diff(offsets) >= 0).all()),
        "member_offsets do not split the members",
    )
    check(members.size == 0 or members.min() >= 0, "members has negative indices")
    check(edges.shape[1] == 2, f"edges has shape {edges.shape}, expected (m, 2)")
    check(m == 0 or (edges.min() >= 0 and edges.max() < n_nodes), "edges name unknown nodes")
    check(weights.shape == (m,), f"edge_weights has shape {weights.shape}, expected ({m},)")
    check(
        lens_mean.shape == (n_nodes,),
        f"lens_mean has shape {lens_mean.shape}, expected ({n_nodes},)",
    )
    check(counts is None or counts.shape[0] == n_nodes, "class_counts do not match the nodes")
    return MapperGraph(
        member_offsets=offsets,
        members=members,
        edges=edges,
        edge_weights=weights,
        lens_mean=lens_mean,
        class_counts=counts,
        layer=layer,
        params=_params(a),
    )


def conf_arrays(c: DiagramConfidence) -> dict[str, Any]:
    how = {"dim": c.dim, "alpha": c.alpha, "method": c.method, "n_boot": c.n_boot, "seed": c.seed}
    return {
        "c_alpha": np.array(c.c_alpha),
        "diagram": c.diagram,
        "null": c.null,
        "params": _json(how),
    }


def conf_from(a: dict[str, Any]) -> DiagramConfidence:
    c = _array(a, "c_alpha", 0, "f")
    diagram = _array(a, "diagram", 2, "f")
    null = _array(a, "null", 1, "f")
    p = _params(a)
    check(diagram.shape[1] == 2, f"diagram has shape {diagram.shape}, expected (k, 2)")
    check(null.size == p["n_boot"], f"null has {null.size} values, expected {p['n_boot']}")
    return DiagramConfidence(
        float(c),
        diagram,
        null,
        int(p["dim"]),
        float(p["alpha"]),
        str(p["method"]),
        int(p["n_boot"]),
        int(p["seed"]),
    )


def floors_arrays(f: NoiseFloors) -> dict[str, Any]:
    how = {"metric": f.metric, "dim": f.dim, "n_splits": f.n_splits, "seed": f.seed}
    return {"layers": np.array(f.layers), "floors": f.floors, "params": _json(how)}


def floors_from(a: dict[str, Any]) -> NoiseFloors:
    p = _params(a)
    layers = tuple(str(x) for x in a["layers"])
    ndim = 3 if p["metric"] == "cka" else 2
    floors = _array(a, "floors", ndim, "f")
    check(
        floors.shape[0] == len(layers) and floors.shape[-1] == p["n_splits"],
        f"floors has shape {floors.shape}, expected {len(layers)} layers x {p['n_splits']}",
    )
    return NoiseFloors(
        layers, str(p["metric"]), int(p["dim"]), int(p["n_splits"]), floors, int(p["seed"])
    )


def result_arrays(t: TestResult) -> dict[str, Any]:
    """A test before any multiplicity correction (``holm`` is applied to a set of them)."""
    check(t.correction is None, "a corrected TestResult is not cached (correct after loading)")
    how = {"name": t.name, "alternative": t.alternative, "seed": t.seed, "method": t.method}
    return {
        "statistic": np.array(t.statistic),
        "null": t.null,
        "params": _json(how),
        "details": _json(t.details),
    }


def result_from(a: dict[str, Any]) -> TestResult:
    statistic = _array(a, "statistic", 0, "f")
    null = _array(a, "null", 1, "f")
    p = _params(a)
    details = _params({"params": a["details"]})
    check(
        set(p) == {"name", "alternative", "seed", "method"},
        f"params hold {sorted(p)}, expected alternative, method, name and seed",
    )
    return TestResult(  # TestResult checks the alternative and that the null is finite
        name=str(p["name"]),
        statistic=float(statistic),
        null=null,
        alternative=str(p["alternative"]),
        seed=int(p["seed"]),
        method=str(p["method"]),
        details=details,
    )


def matching_arrays(m: Matching) -> dict[str, Any]:
    return {
        "pairs": m.pairs,
        "pair_costs": m.pair_costs,
        "cost": np.array(m.cost),
        "metric": np.array(m.metric),
    }


def matching_from(a: dict[str, Any]) -> Matching:
    pairs = _array(a, "pairs", 2, "i")
    costs = _array(a, "pair_costs", 1, "f")
    check(pairs.shape[1] == 2, f"pairs has shape {pairs.shape}, expected (k, 2)")
    check(costs.shape == (pairs.shape[0],), f"pair_costs has {costs.size} values for {len(pairs)}")
    check(bool(np.all(pairs >= -1)), "pairs hold an index below -1")
    return Matching(
        pairs=pairs.astype(np.int64),
        pair_costs=costs.astype(np.float64),
        cost=float(_array(a, "cost", 0, "f")),
        metric=_text(a, "metric"),
    )
