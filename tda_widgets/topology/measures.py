"""Numbers that describe a Mapper graph's shape and class structure.

The paper speaks of "quantitative measures for mapper graphs" without saying which;
these are ours: the graph's topology (components, independent cycles, leaves,
branch points) and, with class labels, how pure the nodes are and how much of each
class sits in nodes where it is the majority -- so that "classes separate in later
layers" becomes a number that can be compared across layers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tda_widgets._types import MapperGraph

__all__ = ["graph_measures"]


def graph_measures(graph: MapperGraph) -> dict[str, Any]:
    """Structure measures of a Mapper graph.

    Returns
    -------
    dict
        ``n_nodes``, ``n_edges``, ``components``, ``cycles`` (first Betti number of
        the graph, ``E - V + C``), ``leaves`` (degree 1), ``branches`` (degree >= 3),
        ``isolated`` (degree 0). With class counts also: ``mean_purity`` (mean over
        nodes of majority count / size), ``weighted_purity`` (the same weighted by
        node size), ``mean_entropy`` (mean node class entropy, bits), and
        ``class_majority_fraction`` (per class c: of all memberships of class-c
        points, the fraction in nodes whose majority class is c; a point in two
        nodes counts twice; ``nan`` for a class with no member).

    Examples
    --------
    >>> import numpy as np
    >>> g = MapperGraph(member_offsets=np.array([0, 2, 4, 6]),
    ...                 members=np.array([0, 1, 1, 2, 2, 0]),
    ...                 edges=np.array([[0, 1], [1, 2], [0, 2]]),
    ...                 edge_weights=np.full(3, 1 / 3), lens_mean=np.zeros(3))
    >>> m = graph_measures(g)
    >>> m["components"], m["cycles"], m["leaves"]
    (1, 1, 0)
    """
    from scipy import sparse  # imported when measured, not when tda_widgets is
    from scipy.sparse.csgraph import connected_components

    n, e = graph.n_nodes, graph.edges.shape[0]
    adj = sparse.coo_matrix((np.ones(e), (graph.edges[:, 0], graph.edges[:, 1])), shape=(n, n))
    comps = int(connected_components(adj, directed=False)[0]) if n else 0
    degree = np.bincount(graph.edges.ravel(), minlength=n)
    out: dict[str, Any] = {
        "n_nodes": n,
        "n_edges": e,
        "components": comps,
        "cycles": int(e - n + comps),
        "leaves": int(np.sum(degree == 1)),
        "branches": int(np.sum(degree >= 3)),
        "isolated": int(np.sum(degree == 0)),
    }
    counts = graph.class_counts
    if counts is not None and n:
        sizes = counts.sum(axis=1)
        purity = counts.max(axis=1) / np.maximum(sizes, 1)
        p = counts / np.maximum(sizes, 1)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            entropy = -np.sum(np.where(p > 0, p * np.log2(p), 0.0), axis=1)
        majority = counts.argmax(axis=1)
        per_class = counts.sum(axis=0).astype(np.float64)
        in_major = np.zeros(counts.shape[1])
        np.add.at(in_major, majority, counts[np.arange(n), majority])
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(per_class > 0, in_major / per_class, np.nan)
        out.update(
            mean_purity=float(purity.mean()),
            weighted_purity=float(np.sum(purity * sizes) / max(sizes.sum(), 1)),
            mean_entropy=float(entropy.mean()),
            class_majority_fraction=frac,
        )
    return out
