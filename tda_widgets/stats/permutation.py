"""Permutation tests: Mantel (and partial Mantel), Mapper purity, groups of diagrams.

Each returns a :class:`~tda_widgets.stats.result.TestResult` with its whole null
sample, so the p-value comes with its Monte Carlo error and the effect size with the
spread of chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import DistanceMatrix, MapperGraph
from tda_widgets._validation import check_choice, check_int, describe
from tda_widgets.stats.result import ALTERNATIVES, TestResult
from tda_widgets.topology.cka import average_ranks
from tda_widgets.topology.matrices import METRICS, layer_distance_matrix

__all__ = [
    "PURITY_STATISTICS",
    "diagram_permutation_test",
    "mantel",
    "purity_permutation_test",
]


def _square(m: Any, name: str) -> NDArray[np.float64]:
    vals = m.values if isinstance(m, DistanceMatrix) else m
    try:
        x = np.asarray(vals, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a square matrix of numbers, got {describe(m)}") from None
    if x.ndim != 2 or x.shape[0] != x.shape[1] or x.shape[0] < 3:
        raise ValueError(f"{name}: expected a square matrix of size >= 3, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name}: expected finite values, got NaN or inf")
    return x


def _standard(v: NDArray[np.float64]) -> NDArray[np.float64]:
    c = v - v.mean()
    norm = np.sqrt(np.sum(c * c))
    return c / norm if norm > 0 else c


def mantel(
    a: Any,
    b: Any,
    *,
    method: str = "spearman",
    n_permutations: int = 999,
    alternative: str = "greater",
    seed: int = 0,
    covariate: Any = None,
) -> TestResult:
    """Mantel test: correlation of two matrices' upper triangles, by permuting ``b``.

    The null permutes the rows and columns of ``b`` together (the objects' labels),
    which keeps each matrix's structure; the statistic is the Pearson or Spearman
    correlation of the upper triangles (``scikit-bio``'s ``mantel`` computes the same).
    With ``covariate`` it is the partial Mantel test (Smouse, Long & Sokal 1986): the
    correlation of ``a`` and ``b`` after the linear effect of ``covariate`` on each is
    removed, ``(r_ab - r_ac r_bc) / sqrt((1 - r_ac^2)(1 - r_bc^2))``, again permuting ``b``.

    Caveats (Guillot & Rousset 2013): Mantel tests answer "are these two matrices
    related?", not "is a variable related to distance once space is accounted for?";
    partial Mantel tests are anti-conservative when the covariate is itself
    structured, so read a partial p as a rough guide. With ``L`` layers only ``L!``
    distinct permutations exist; for small ``L`` the smallest reachable p is larger.

    Parameters
    ----------
    a, b : DistanceMatrix or array_like of shape (L, L)
        Symmetric matrices (distances; to compare with a similarity pass ``1 - s``).
    method : {"spearman", "pearson"}, default "spearman"
    n_permutations : int, default 999
    alternative : {"greater", "less", "two-sided"}, default "greater"
        "greater": the matrices agree (positive correlation) more than chance.
    seed : int, default 0
    covariate : DistanceMatrix or array_like of shape (L, L), optional
        A third matrix to partial out (e.g. the layers' scale gap ``|s_i - s_j|``).

    Returns
    -------
    TestResult

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=(10, 2))
    >>> d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    >>> r = mantel(d, d ** 2)
    >>> r.statistic, r.p_value
    (1.0, 0.001)
    >>> r.alternative, r.n_permutations
    ('greater', 999)
    """
    check_choice(method, ("spearman", "pearson"), name="method")
    check_choice(alternative, ALTERNATIVES, name="alternative")
    n_permutations = check_int(n_permutations, name="n_permutations", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    x, y = _square(a, "a"), _square(b, "b")
    if y.shape != x.shape:
        raise ValueError(f"b: expected shape {x.shape} to match a, got {y.shape}")
    iu = np.triu_indices(x.shape[0], k=1)

    def prepared(m: NDArray[np.float64]) -> NDArray[np.float64]:
        """The matrix with its upper triangle replaced by ranks (Spearman), symmetric."""
        if method == "pearson":
            return m
        out = np.zeros_like(m)
        out[iu] = average_ranks(m[iu])
        return out + out.T

    xa, yb = prepared(x), prepared(y)
    va = _standard(xa[iu])
    if covariate is not None:
        z = _square(covariate, "covariate")
        if z.shape != x.shape:
            raise ValueError(f"covariate: expected shape {x.shape} to match a, got {z.shape}")
        vz = _standard(prepared(z)[iu])
        r_az = float(va @ vz)

    def stat(vb: NDArray[np.float64]) -> float:
        r_ab = float(va @ _standard(vb))
        if covariate is None:
            return r_ab
        r_bz = float(_standard(vb) @ vz)
        denom = np.sqrt(max((1 - r_az**2) * (1 - r_bz**2), 0.0))
        return (r_ab - r_az * r_bz) / denom if denom > 0 else 0.0

    observed = stat(yb[iu])
    rng = np.random.default_rng(seed)
    null = np.empty(n_permutations)
    for k in range(n_permutations):
        p = rng.permutation(x.shape[0])
        null[k] = stat(yb[p[iu[0]], p[iu[1]]])
    kind = "partial Mantel" if covariate is not None else "Mantel"
    return TestResult(
        name=f"{kind} ({method})",
        statistic=round(observed, 12),
        null=null,
        alternative=alternative,
        seed=seed,
        method=f"rows and columns of b permuted together; {x.shape[0]} objects",
    )


PURITY_STATISTICS = ("mean_purity", "weighted_purity")


def _node_purities(
    node: NDArray[np.int64], labels: NDArray[np.int64], n_nodes: int, n_classes: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    counts = np.bincount(node * n_classes + labels, minlength=n_nodes * n_classes)
    counts = counts.reshape(n_nodes, n_classes)
    sizes = counts.sum(axis=1).astype(np.float64)
    return counts.max(axis=1) / np.maximum(sizes, 1), sizes


def purity_permutation_test(
    graph: MapperGraph,
    labels: Any,
    *,
    statistic: str = "mean_purity",
    n_permutations: int = 999,
    alternative: str = "greater",
    seed: int = 0,
) -> TestResult:
    """Mapper purity against label permutation, the graph fixed.

    The labels are permuted over the images (the graph's points), so every node keeps
    its members, its size and its overlaps with other nodes; an image in two nodes
    carries the same permuted label in both. A node's purity is its majority count over
    its size, counting images (each member once). This is the null of "the classes are
    spread over the graph at random": a purity well above the null band says the graph
    separates the classes more than its node sizes alone would.

    Parameters
    ----------
    graph : MapperGraph
    labels : array_like of int, shape (n_points,)
        One class per point of the cloud the graph was built on (``graph.members``
        index it), e.g. ``cloud.labels``.
    statistic : {"mean_purity", "weighted_purity"}, default "mean_purity"
        Mean over nodes (as :func:`~tda_widgets.graph_measures`), or weighted by size.
    n_permutations : int, default 999
    alternative : {"greater", "less", "two-sided"}, default "greater"
    seed : int, default 0

    Returns
    -------
    TestResult
        ``statistic`` equals ``graph_measures(graph)[statistic]`` when the graph's
        ``class_counts`` came from the same labels.

    Examples
    --------
    >>> import numpy as np
    >>> g = MapperGraph(member_offsets=np.array([0, 3, 6]), members=np.arange(6),
    ...                 edges=np.zeros((0, 2), int), edge_weights=np.zeros(0),
    ...                 lens_mean=np.zeros(2))
    >>> r = purity_permutation_test(g, [0, 0, 0, 1, 1, 1], n_permutations=199)
    >>> r.statistic, r.p_value < 0.2
    (1.0, True)
    """
    if not isinstance(graph, MapperGraph):
        raise TypeError(f"graph: expected a MapperGraph, got {describe(graph)}")
    check_choice(statistic, PURITY_STATISTICS, name="statistic")
    check_choice(alternative, ALTERNATIVES, name="alternative")
    n_permutations = check_int(n_permutations, name="n_permutations", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    lab = np.asarray(labels)
    if lab.ndim != 1 or lab.dtype.kind not in "iub":
        raise TypeError(f"labels: expected a 1-d array of integer classes, got {describe(labels)}")
    members = np.asarray(graph.members, dtype=np.int64)
    if members.size and members.max() >= lab.size:
        raise ValueError(
            f"labels: expected one label per point of the graph's cloud (at least "
            f"{members.max() + 1}), got {lab.size}"
        )
    if lab.size and lab.min() < 0:
        raise ValueError(f"labels: expected classes >= 0, got {lab.min()}")
    if graph.n_nodes == 0:
        raise ValueError("graph: expected at least one node, got an empty graph")
    lab = lab.astype(np.int64)
    n_classes = int(lab.max()) + 1 if lab.size else 1
    offsets = np.asarray(graph.member_offsets, dtype=np.int64)
    sizes = offsets[1:] - offsets[:-1]
    node = np.repeat(np.arange(graph.n_nodes, dtype=np.int64), sizes)
    weighted = statistic == "weighted_purity"

    def value(perm_labels: NDArray[np.int64]) -> float:
        purity, size = _node_purities(node, perm_labels[members], graph.n_nodes, n_classes)
        return (
            float(np.sum(purity * size) / max(size.sum(), 1)) if weighted else float(purity.mean())
        )

    observed = value(lab)
    rng = np.random.default_rng(seed)
    null = np.fromiter(
        (value(lab[rng.permutation(lab.size)]) for _ in range(n_permutations)),
        dtype=np.float64,
        count=n_permutations,
    )
    return TestResult(
        name=f"Mapper {statistic.replace('_', ' ')} vs label permutation",
        statistic=observed,
        null=null,
        alternative=alternative,
        seed=seed,
        method=(
            f"labels permuted over {lab.size} images, graph fixed "
            f"({graph.n_nodes} nodes, {members.size} memberships)"
        ),
    )


def diagram_permutation_test(
    groups: Sequence[Sequence[Any]],
    *,
    dim: int = 1,
    metric: str = "wasserstein",
    q: float = 2.0,
    n_permutations: int = 999,
    seed: int = 0,
    n_jobs: int | None = None,
) -> TestResult:
    """Do groups of diagrams differ? Robinson & Turner's (2017) permutation test.

    The statistic is the joint loss ``F = sum over groups g of
    1 / (2 n_g (n_g - 1)) * sum over i != j in g of d(D_i, D_j)^q``: small when the
    diagrams within each group are alike. The null shuffles the group labels, so a
    small observed loss (alternative "less") means the grouping explains the
    diagrams. All pairwise distances are computed once.

    Parameters
    ----------
    groups : sequence of sequences of diagrams
        Each diagram a ``(k, 2)`` array or a :class:`~tda_widgets.Diagrams` (its ``dim``).
        At least two groups, each of at least two diagrams.
    dim : int, default 1
    metric : str, default "wasserstein"
        Any metric of :func:`~tda_widgets.layer_distance_matrix`.
    q : float, default 2
    n_permutations, seed, n_jobs

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> small = [np.c_[np.zeros(3), rng.uniform(0.1, 0.2, 3)] for _ in range(4)]
    >>> large = [np.c_[np.zeros(3), rng.uniform(1.0, 1.2, 3)] for _ in range(4)]
    >>> r = diagram_permutation_test([small, large], n_permutations=199)
    >>> r.alternative, r.p_value < 0.05
    ('less', True)
    """
    check_choice(metric, METRICS, name="metric")
    n_permutations = check_int(n_permutations, name="n_permutations", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    if isinstance(groups, (str, bytes)) or not isinstance(groups, Sequence) or len(groups) < 2:
        raise ValueError(
            f"groups: expected at least two groups of diagrams, got {describe(groups)}"
        )
    flat: list[Any] = []
    labels: list[int] = []
    for g, group in enumerate(groups):
        if not isinstance(group, Sequence) or len(group) < 2:
            raise ValueError(
                f"groups[{g}]: expected a sequence of at least two diagrams, got {describe(group)}"
            )
        flat.extend(group)
        labels.extend([g] * len(group))
    # a bare (k, 2) array is the diagram of dimension ``dim``
    named = {
        f"d{i}": [np.zeros((0, 2))] * dim + [d] if isinstance(d, np.ndarray) and d.ndim == 2 else d
        for i, d in enumerate(flat)
    }
    dist = layer_distance_matrix(named, metric=metric, dim=dim, n_jobs=n_jobs).values ** q
    lab = np.asarray(labels)

    def loss(assign: NDArray[np.int64]) -> float:
        total = 0.0
        for g in range(len(groups)):
            idx = np.flatnonzero(assign == g)
            ng = idx.size
            total += dist[np.ix_(idx, idx)].sum() / (2 * ng * (ng - 1))
        return total

    rng = np.random.default_rng(seed)
    null = np.fromiter(
        (loss(rng.permutation(lab)) for _ in range(n_permutations)),
        dtype=np.float64,
        count=n_permutations,
    )
    sizes = ", ".join(str(len(g)) for g in groups)
    return TestResult(
        name=f"diagram groups ({metric}, H{dim}, q = {q:g})",
        statistic=loss(lab),
        null=null,
        alternative="less",
        seed=seed,
        method=f"group labels permuted; groups of {sizes} diagrams (Robinson & Turner 2017)",
    )
