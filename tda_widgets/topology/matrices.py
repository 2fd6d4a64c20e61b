"""Distance matrices between the persistence diagrams of many layers.

The paper's "internal" matrix is :func:`layer_distance_matrix` (17 x 17 SW distances on
H1 between the layers of one model); its cross-model matrix is
:func:`cross_distance_matrix` (layers of model i against layers of model j).

For sliced Wasserstein each diagram is projected onto the slice directions and sorted
*once*; a pair then costs two merges of sorted runs instead of persim's Python loop
(see ``benchmarks/p2_sw_matrix.py``). Other metrics run pair by pair with joblib.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray

from tda_widgets._types import DistanceMatrix
from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    as_diagram_list,
    check_choice,
    check_int,
    check_memory_budget,
    describe,
    layer_names,
)
from tda_widgets.topology.distances import (
    _directions,
    _project,
    _sw_projected,
    bottleneck,
    check_matching_budget,
    wasserstein,
)

__all__ = ["METRICS", "cross_distance_matrix", "layer_distance_matrix"]

METRICS = ("sliced_wasserstein", "wasserstein", "bottleneck")


def _pick(diagrams_by_layer: Any, dim: int, name: str) -> tuple[list[str], list[Any]]:
    if not isinstance(diagrams_by_layer, Mapping):
        raise TypeError(
            f"{name}: expected a mapping layer name -> Diagrams, got {describe(diagrams_by_layer)}"
        )
    dim = check_int(dim, name="dim", minimum=0)
    names, dgms = [], []
    layer_names(diagrams_by_layer, name=name)
    for layer, dg in diagrams_by_layer.items():
        dl = as_diagram_list(dg, name=f"{name}[{layer!r}]")
        if dim >= len(dl):
            raise ValueError(
                f"dim: {name}[{layer!r}] has dimensions 0..{len(dl) - 1}, got dim={dim}"
            )
        names.append(str(layer))
        dgms.append(dl[dim])
    return names, dgms


class _SWProjections:
    """Sorted projections of each diagram's finite part, and its infinite count."""

    def __init__(self, dgms: Sequence[NDArray[np.float64]], n_directions: int, infinite: str):
        check_choice(infinite, ("match", "ignore"), name="infinite")
        dirs = _directions(n_directions)
        self.step = 1.0 / n_directions
        fin = [np.isfinite(d[:, 1]) for d in dgms]
        self.n_inf = [0 if infinite == "ignore" else int((~f).sum()) for f in fin]
        self.proj = [_project(d[f], dirs) for d, f in zip(dgms, fin, strict=True)]

    def distance(self, other: _SWProjections, i: int, j: int) -> float:
        if self.n_inf[i] != other.n_inf[j]:
            return float("inf")
        return _sw_projected(*self.proj[i], *other.proj[j], step=self.step)


def _pair_fn(
    metric: str,
    infinite: str,
    pairs: list[tuple[NDArray[np.float64], NDArray[np.float64]]],
    n_jobs: int | None,
    memory_budget: int | None,
) -> Any:
    """The pair distance, after checking the largest pair's matching fits the budget
    (``n_jobs`` of them at once), before any is computed."""
    from joblib import effective_n_jobs

    budget = check_memory_budget(memory_budget)
    if pairs:
        size = [
            (int(np.isfinite(a[:, 1]).sum()), int(np.isfinite(b[:, 1]).sum())) for a, b in pairs
        ]
        m, n = max(size, key=lambda mn: (mn[0] + mn[1]) ** 2 + mn[0] * mn[1])
        times = min(effective_n_jobs(n_jobs), len(pairs))
        check_matching_budget(m, n, budget, where=metric, times=times)
    fn = wasserstein if metric == "wasserstein" else bottleneck
    return lambda a, b: fn(a, b, infinite=infinite, memory_budget=None)  # checked above


def layer_distance_matrix(
    diagrams_by_layer: Mapping[str, Any],
    *,
    metric: str = "sliced_wasserstein",
    dim: int = 1,
    n_jobs: int | None = None,
    n_directions: int = 50,
    infinite: str = "match",
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> DistanceMatrix:
    """Symmetric matrix of diagram distances between layers (zero diagonal).

    Parameters
    ----------
    diagrams_by_layer : mapping of str to Diagrams
        Layer name -> diagrams (a :class:`~tda_widgets.Diagrams` or ripser's ``dgms``);
        the matrix rows follow the mapping's order.
    metric : {"sliced_wasserstein", "wasserstein", "bottleneck"}
    dim : int, default 1
        Homology dimension compared (the paper uses H1).
    n_jobs : int, optional
        joblib workers for the pairwise Wasserstein / bottleneck computations.
    n_directions : int, default 50
        Slice directions for sliced Wasserstein (persim's default, as in the paper).
    infinite : {"match", "ignore"}
        Infinite points; see :mod:`tda_widgets.topology.distances`.
    memory_budget : int or None, default 4 GiB
        For ``"wasserstein"`` and ``"bottleneck"``: most bytes the matchings running
        at once (``n_jobs``) may take, checked before any runs (the message gives the
        largest diagrams that fit); ``None`` turns the check off. Sliced Wasserstein
        needs memory linear in the points and is not checked.

    Examples
    --------
    >>> import numpy as np
    >>> dg = {"a": [np.zeros((0, 2)), np.array([[0.0, 1.0]])],
    ...       "b": [np.zeros((0, 2)), np.array([[0.0, 2.0]])]}
    >>> m = layer_distance_matrix(dg)
    >>> m.layers, m.values.shape, float(m.values[0, 0]), bool(m.values[0, 1] == m.values[1, 0] > 0)
    (('a', 'b'), (2, 2), 0.0, True)
    """
    check_choice(metric, METRICS, name="metric")
    names, dgms = _pick(diagrams_by_layer, dim, "diagrams_by_layer")
    n = len(names)
    values = np.zeros((n, n))
    pairs = [(int(i), int(j)) for i, j in zip(*np.triu_indices(n, k=1), strict=True)]
    if metric == "sliced_wasserstein":
        proj = _SWProjections(dgms, n_directions, infinite)
        vals = [proj.distance(proj, i, j) for i, j in pairs]
    else:
        fn = _pair_fn(
            metric, infinite, [(dgms[i], dgms[j]) for i, j in pairs], n_jobs, memory_budget
        )
        vals = Parallel(n_jobs=n_jobs)(delayed(fn)(dgms[i], dgms[j]) for i, j in pairs)
    if pairs:
        iu, ju = np.array(pairs).T
        values[iu, ju] = vals
        values[ju, iu] = vals
    params = {"dim": dim, "n_directions": n_directions, "infinite": infinite}
    return DistanceMatrix(values=values, layers=tuple(names), metric=metric, params=params)


def cross_distance_matrix(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    *,
    metric: str = "sliced_wasserstein",
    dim: int = 1,
    n_jobs: int | None = None,
    n_directions: int = 50,
    infinite: str = "match",
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> DistanceMatrix:
    """Distances between every layer of ``a`` and every layer of ``b`` (two models/seeds).

    Rows are ``a``'s layers, columns ``b``'s; parameters (``memory_budget`` too) as in
    :func:`layer_distance_matrix`.

    Examples
    --------
    >>> import numpy as np
    >>> a = {"l1": [np.zeros((0, 2)), np.array([[0.0, 1.0]])]}
    >>> b = {"l1": [np.zeros((0, 2)), np.array([[0.0, 1.0]])],
    ...      "l2": [np.zeros((0, 2)), np.zeros((0, 2))]}
    >>> m = cross_distance_matrix(a, b)
    >>> m.values.shape, m.columns, float(m.values[0, 0])
    ((1, 2), ('l1', 'l2'), 0.0)
    """
    check_choice(metric, METRICS, name="metric")
    na, da = _pick(a, dim, "a")
    nb, db = _pick(b, dim, "b")
    if metric == "sliced_wasserstein":
        pa = _SWProjections(da, n_directions, infinite)
        pb = _SWProjections(db, n_directions, infinite)
        vals = [pa.distance(pb, i, j) for i in range(len(na)) for j in range(len(nb))]
    else:
        fn = _pair_fn(metric, infinite, [(x, y) for x in da for y in db], n_jobs, memory_budget)
        vals = Parallel(n_jobs=n_jobs)(delayed(fn)(x, y) for x in da for y in db)
    values = np.asarray(vals, dtype=np.float64).reshape(len(na), len(nb))
    params = {"dim": dim, "n_directions": n_directions, "infinite": infinite}
    return DistanceMatrix(
        values=values, layers=tuple(na), columns=tuple(nb), metric=metric, params=params
    )
