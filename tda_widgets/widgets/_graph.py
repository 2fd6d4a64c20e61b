"""Checks and per-node values of a :class:`~tda_widgets.MapperGraph` for its widget."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import MapperGraph
from tda_widgets.widgets._checks import as_float_array, as_index_array

__all__ = ["check_graph", "class_counts_from_labels", "matching_classes", "node_values_for"]


def check_graph(graph: Any) -> None:
    """Raise a ValueError naming the field when ``graph``'s arrays disagree.

    Examples
    --------
    >>> import numpy as np
    >>> g = MapperGraph(member_offsets=np.array([0, 1]), members=np.array([0]),
    ...                 edges=np.array([[0, 3]]), edge_weights=np.array([0.5]),
    ...                 lens_mean=np.zeros(1))
    >>> check_graph(g)
    Traceback (most recent call last):
    ...
    ValueError: graph.edges[0] = [0, 3]: unknown node id (the graph has 1 nodes, ids 0..0)
    """
    if not isinstance(graph, MapperGraph):
        raise TypeError(f"graph: expected a MapperGraph, got {type(graph).__name__}")
    off = np.asarray(graph.member_offsets)
    members = np.asarray(graph.members)
    if off.ndim != 1 or off.size < 1 or not np.issubdtype(off.dtype, np.integer):
        raise ValueError(
            f"graph.member_offsets: expected a 1-D int array, got {off.dtype} {off.shape}"
        )
    if off[0] != 0 or off[-1] != members.size or np.any(np.diff(off) < 0):
        raise ValueError(
            "graph.member_offsets: expected non-decreasing offsets from 0 to "
            f"len(members) = {members.size}, got {off[0]} .. {off[-1]}"
        )
    as_index_array(members, name="graph.members", size=2**62, what="point")
    n = off.size - 1
    edges = np.asarray(graph.edges)
    if edges.size == 0:
        edges = edges.reshape(0, 2)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise ValueError(f"graph.edges: expected shape (m, 2), got {edges.shape}")
    bad: Any = np.flatnonzero(((edges < 0) | (edges >= n)).any(axis=1)) if edges.size else []
    if len(bad):
        k = int(bad[0])
        raise ValueError(
            f"graph.edges[{k}] = {edges[k].tolist()}: unknown node id (the graph has "
            f"{n} nodes, ids 0..{n - 1})"
        )
    weights = as_float_array(
        graph.edge_weights, name="graph.edge_weights", ndim=1, shape=(edges.shape[0],)
    )
    if np.any((weights < 0) | (weights > 1)):
        raise ValueError("graph.edge_weights: expected Jaccard overlaps in [0, 1]")
    as_float_array(graph.lens_mean, name="graph.lens_mean", ndim=1, shape=(n,))
    if graph.class_counts is not None:
        counts = np.asarray(graph.class_counts)
        if counts.ndim != 2 or counts.shape[0] != n or not np.issubdtype(counts.dtype, np.integer):
            raise ValueError(
                f"graph.class_counts: expected an int array of shape ({n}, n_classes), "
                f"got {counts.dtype} {counts.shape}"
            )
        if np.any(counts < 0):
            raise ValueError("graph.class_counts: expected non-negative counts")


def class_counts_from_labels(
    graph: MapperGraph, labels: NDArray[np.int64], n_classes: int | None = None
) -> NDArray[np.int64]:
    """Per node, the number of members of each class.

    Examples
    --------
    >>> import numpy as np
    >>> g = MapperGraph(member_offsets=np.array([0, 2, 3]), members=np.array([0, 1, 1]),
    ...                 edges=np.zeros((0, 2), int), edge_weights=np.zeros(0),
    ...                 lens_mean=np.zeros(2))
    >>> class_counts_from_labels(g, np.array([1, 0]))
    array([[1, 1],
           [1, 0]])
    """
    c = int(labels.max()) + 1 if labels.size else 0
    c = max(c, n_classes or 0)
    node = np.repeat(np.arange(graph.n_nodes), graph.node_sizes)
    out = np.zeros((graph.n_nodes, c), dtype=np.int64)
    np.add.at(out, (node, labels[graph.members]), 1)
    return out


def node_values_for(
    graph: MapperGraph,
    mode: str,
    *,
    counts: NDArray[np.int64] | None,
    node_values: Any,
    point_values: Any,
    node_of_member: NDArray[np.int64],
) -> tuple[NDArray[np.float64] | None, str]:
    """The per-node values that colour nodes, and their default legend title."""
    n = graph.n_nodes
    sizes = graph.node_sizes
    if node_values is not None:
        return as_float_array(node_values, name="node_values", ndim=1, shape=(n,)), "value"
    if point_values is not None:
        pv = as_float_array(point_values, name="point_values", ndim=1)
        if graph.members.size and pv.size <= int(graph.members.max()):
            raise ValueError(
                f"point_values: expected one value per cloud point ({int(graph.members.max()) + 1} "
                f"or more), got {pv.size}"
            )
        sums = np.bincount(node_of_member, weights=pv[graph.members], minlength=n)
        return sums / np.maximum(sizes, 1), "mean value"
    if mode in ("classes", "lens"):
        lens = np.asarray(graph.lens_mean, dtype=np.float64)
        if mode == "classes" and counts is None:
            raise ValueError("color_by: 'classes' needs class counts (pass `labels=`)")
        return lens, "lens (mean)"
    if mode == "size":
        return sizes.astype(np.float64), "members"
    if mode == "purity":
        if counts is None:
            raise ValueError("color_by: 'purity' needs class counts (pass `labels=`)")
        return counts.max(axis=1, initial=0) / np.maximum(sizes, 1), "purity"
    raise ValueError(f"color_by: expected one of 'classes', 'lens', 'size', 'purity', got {mode!r}")


def matching_classes(class_names: Any, query: str) -> NDArray[np.int64] | None:
    """Label values whose name contains ``query`` (trimmed, any case): the Mapper view's
    class filter, the same rule as ``matchClasses`` in ``js/mapper_graph/graph.ts``.
    ``None`` when the query is empty (no filter).

    Examples
    --------
    >>> matching_classes(["cat", "dog", "Catfish"], " CAT").tolist()
    [0, 2]
    >>> matching_classes(["cat"], "") is None
    True
    """
    q = str(query).strip().lower()
    if not q:
        return None
    return np.asarray(
        [c for c, name in enumerate(class_names) if q in str(name).lower()], dtype=np.int64
    )
