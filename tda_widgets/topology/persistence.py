"""Exact Vietoris-Rips persistence of a point cloud, with generators.

Every backend gets the same input: the Euclidean distance matrix computed the way
``ripser.ripser`` computes it (:func:`sklearn.metrics.pairwise_distances` on the points
*as given*: float32 points in float32, float64 and every other dtype in float64) and
then rounded to float32, as ripser does internally. So every backend sees the same
filtration, and the diagrams agree exactly with ``ripser.ripser(points)``'s, for
float32 and float64 input alike: far from the origin, at tiny or huge scales (a
distance beyond float32's range is ``inf`` for ripser and here alike), with ties and
duplicate points. The points are never rounded to float32 before the distances.

Backends (``backend="auto"`` takes the first installed one in this order, which is
the order measured fastest for ~1000-point clouds; see ``benchmarks/p1_persistence.py``):

``"gudhi"``
    gudhi's Ripser fork (MIT, optional extra ``tda-widgets[fast]``).
``"giotto-ph"``
    ``gph.ripser_parallel`` (AGPL-3.0: only ever an optional, user-installed backend;
    called without ``collapse_edges``).
``"ripser"``
    ripser.py, the reference (always installed).

H0 does not need a backend: it is read off a minimum spanning tree of the distance
matrix (``_rips.py``), which also gives its generators. For H1 (``maxdim=1``, the
paper's case) the backend first runs on a truncated filtration: every H1 bar is born by
a bound computed from the distance matrix (the longest edge of the relative
neighbourhood graph outside the tree), so a truncated run that ends with no infinite
bar is the whole diagram. If a bar outlives the cut-off, the backend runs again on the
whole filtration. Either way the diagrams equal ``ripser.ripser``'s; ``params`` record
the bound, the cut-off used and the number of backend runs. Generators of H1 and up
are found afterwards, from the distance matrix, the same way for every backend.
"""

from __future__ import annotations

import importlib.util
import math
from typing import Any

import numpy as np
from joblib import effective_n_jobs, parallel_config
from numpy.typing import NDArray

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    UNSET,
    as_points,
    check_choice,
    check_int,
    check_memory_budget,
    format_bytes,
    new_default,
    renamed,
)
from tda_widgets.topology._rips import (
    edges_of_lengths,
    h0_diagram,
    h1_birth_bound,
    spanning_forest,
)

__all__ = [
    "BYTES_PER_PAIR",
    "DEFAULT_MEMORY_BUDGET",
    "MAX_DIM",
    "available_backends",
    "persistence_diagrams",
    "rips_distances",
]

MAX_DIM = 3
"""Highest homology dimension :func:`persistence_diagrams` computes (see ``maxdim``)."""

BYTES_PER_PAIR = 96
"""Estimated peak bytes per pair of points (``n**2`` of them) of one persistence run:
the n x n distances (float64, then float32), the masks and edge lists of the H1 bound
and of the generator look-up, and the backend's own work for H0/H1 (measured 65-90 on
random clouds)."""

_CUT_GROWTH = 1.6
_CUT_SLACK = 0.02
_CUT_MAX_SHARE = 0.6

_PREFERENCE = ("gudhi", "giotto-ph", "ripser")
_MODULES = {"gudhi": "gudhi", "giotto-ph": "gph", "ripser": "ripser"}


def available_backends() -> tuple[str, ...]:
    """Names of the installed persistence backends, fastest first.

    Examples
    --------
    >>> "ripser" in available_backends()
    True
    """
    return tuple(b for b in _PREFERENCE if importlib.util.find_spec(_MODULES[b]) is not None)


BYTES_PER_SIMPLEX = {"ripser": 64, "giotto-ph": 64, "gudhi": 2}
"""Estimated peak bytes per ``maxdim``-simplex for ``maxdim >= 2``, per backend:
ripser (and giotto-ph, its parallel port) keeps a column per simplex it reduces,
measured 56-64 bytes per triangle for H2; gudhi's Rips persistence measured 0.6-1.6
bytes per triangle (H2) and 0.2 per tetrahedron (H3). Multiplied by the number of
``maxdim``-simplices, ``C(n, maxdim + 1)``, times the share of pairs within
``threshold`` (an over-estimate: a simplex needs all its edges within it)."""


def _pair_share(points: NDArray[Any], threshold: float) -> float:
    """Share of pairs of points within ``threshold``, from 4,096 pairs (1 if infinite)."""
    n = points.shape[0]
    if not np.isfinite(threshold) or n < 2:
        return 1.0
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, n, size=(2, 4096))
    keep = i != j
    if not keep.any():
        return 1.0
    d = np.linalg.norm(points[i[keep]].astype(np.float64) - points[j[keep]], axis=1)
    # one sampled pair in the budget's favour: never estimate a share of exactly 0
    return float((np.count_nonzero(d <= threshold) + 1) / (d.size + 1))


def _memory_need(n: int, maxdim: int, backend: str, share: float) -> float:
    """Estimated peak bytes of one persistence run on ``n`` points."""
    need = float(BYTES_PER_PAIR) * n * n
    if maxdim >= 2:
        need += BYTES_PER_SIMPLEX[backend] * math.comb(n, maxdim + 1) * share
    return need


def _check_memory(
    n: int,
    budget: int | None,
    n_perm: int | None,
    *,
    maxdim: int = 1,
    backend: str = "ripser",
    share: float = 1.0,
) -> None:
    """Refuse, before allocating anything, a cloud whose persistence would not fit."""
    need = _memory_need(n, maxdim, backend, share)
    if budget is None or need <= budget:
        return
    fit = 1
    lo, hi = 1, n
    while lo <= hi:  # the largest n_perm whose estimate fits the budget
        mid = (lo + hi) // 2
        if _memory_need(mid, maxdim, backend, share) <= budget:
            fit, lo = mid, mid + 1
        else:
            hi = mid - 1
    what = f"n_perm={n_perm} is too large; pass" if n_perm is not None else "pass"
    simplices = (
        f" and its {math.comb(n, maxdim + 1):.3g} {maxdim}-simplices for H{maxdim} with the "
        f"{backend!r} backend (~{BYTES_PER_SIMPLEX[backend]} bytes each"
        + (f", {share:.0%} of pairs within threshold" if share < 1 else "")
        + ")"
        if maxdim >= 2
        else ""
    )
    lower = " or a lower maxdim or a finite thresh" if maxdim >= 2 else ""
    raise MemoryError(
        f"memory_budget: persistence of {n} points up to H{maxdim} needs about "
        f"{format_bytes(need)} (the {n} x {n} distance matrix and the filtration, "
        f"~{BYTES_PER_PAIR} bytes per pair of points{simplices}), more than "
        f"memory_budget={format_bytes(budget)}; {what} n_perm={fit} or fewer to "
        "subsample first (subsample='farthest' or 'random'; the covering radius r is recorded "
        f"and the diagrams stay within bottleneck distance 2r){lower}, or raise memory_budget"
    )


def _as_cloud_points(cloud: Any) -> NDArray[Any]:
    """The points, checked, in float32 when given in float32 and float64 otherwise.

    This is the dtype :func:`sklearn.metrics.pairwise_distances` (so ``ripser``) computes
    the distances in; rounding float64 points to float32 first would move them (by
    ``1e-3`` for points ``1e4`` from the origin) and overflow beyond ``1.8e19``.
    """
    return as_points(cloud, name="cloud", dtype="exact")


def rips_distances(points: NDArray[Any]) -> NDArray[np.float32]:
    """Euclidean distances exactly as ``ripser.ripser`` computes and rounds them.

    :func:`~sklearn.metrics.pairwise_distances` works in the points' dtype (float32 or
    float64), as it does inside ``ripser.ripser``; ripser then rounds to float32.
    """
    from sklearn.metrics import pairwise_distances  # imported when persistence runs

    dm = pairwise_distances(points, metric="euclidean").astype(np.float32)
    np.fill_diagonal(dm, 0.0)
    if points.dtype != np.float32:
        # scikit-learn mirrors its float32 blocks, but in float64 it adds the squared
        # norms in a different order above and below the diagonal, so the two triangles
        # can differ in the last bit; ripser reads the upper one (i < j): mirror it
        dm = np.triu(dm)
        dm += dm.T
    return dm


def _run_backend(
    backend: str, dm: NDArray[np.float32], maxdim: int, threshold: float, threads: int = 1
) -> list[NDArray[np.float64]]:
    if backend == "ripser":
        from ripser import ripser

        res = ripser(dm, maxdim=maxdim, thresh=threshold, distance_matrix=True)
        dgms = res["dgms"]
    elif backend == "gudhi":
        from gudhi.sklearn.rips_persistence import RipsPersistence

        rp = RipsPersistence(
            list(range(maxdim + 1)),
            threshold=threshold,
            input_type="full distance matrix",
            homology_coeff_field=2,
            num_collapses=0,
            n_jobs=1,
        )
        # one matrix: gudhi's own joblib loop must not reach an outer joblib backend
        # (inside a dask worker it would send its private bound method to the
        # scheduler, which cannot unpickle it)
        with parallel_config(backend="sequential"):
            dgms = rp.fit_transform([dm])[0]
    else:
        from gph import ripser_parallel

        res = ripser_parallel(
            dm, metric="precomputed", maxdim=maxdim, thresh=threshold, n_threads=threads
        )
        dgms = res["dgms"]
    out = []
    for k in range(maxdim + 1):
        d = np.asarray(dgms[k], dtype=np.float64).reshape(-1, 2) if k < len(dgms) else None
        out.append(np.zeros((0, 2)) if d is None else d)
    return out


def _sort_diagram(
    dgm: NDArray[np.float64], gens: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Rows by decreasing persistence (infinite first), then birth: a canonical order."""
    order = np.lexsort((dgm[:, 0], -(dgm[:, 1] - dgm[:, 0])))
    return dgm[order], gens[order]


def _pairs_at_most(dm: NDArray[np.float32], value: float) -> int:
    """Number of pairs ``i < j`` with ``dm[i, j] <= value`` (``value >= 0``)."""
    return (int(np.count_nonzero(dm <= value)) - dm.shape[0]) // 2


def _h1_cutoff(dm: NDArray[np.float32], bound: float, threshold: float) -> float | None:
    """First filtration cut-off to try for H1, or ``None`` when one full run is cheaper.

    Every H1 bar is born by ``bound``; most die soon after. The cut-off keeps
    ``_CUT_GROWTH`` times the share of edges up to ``bound`` (plus ``_CUT_SLACK``). A
    backend's work grows with the number of edges it sees, so when that is more than
    ``_CUT_MAX_SHARE`` of the edges a full run sees (those up to the enclosing radius,
    past which every Rips complex is a cone), truncating would not pay for the risk of
    a second run.
    """
    n = dm.shape[0]
    pairs = n * (n - 1) // 2
    full = _pairs_at_most(dm, min(threshold, float(dm.max(axis=1).min())))
    share = _pairs_at_most(dm, bound) / pairs
    target = min(pairs - 1, math.ceil((_CUT_GROWTH * share + _CUT_SLACK) * pairs))
    kth = n + 2 * target  # dm holds n zeros on its diagonal and every pair twice
    cut = max(bound, float(np.partition(dm.ravel(), kth)[kth]))
    if cut >= threshold or _pairs_at_most(dm, cut) > _CUT_MAX_SHARE * full:
        return None
    return cut


def _higher_diagrams(
    dm: NDArray[np.float32],
    backend: str,
    maxdim: int,
    threshold: float,
    tree: NDArray[np.int64],
    params: dict[str, Any],
    threads: int = 1,
) -> list[NDArray[np.float64]]:
    """Diagrams of dimensions 1..maxdim from the backend, truncated when that is exact."""
    cut = None
    if maxdim == 1 and dm.shape[0] >= 4:
        bound = h1_birth_bound(dm, tree)
        params["h1_birth_bound"] = bound
        cut = _h1_cutoff(dm, bound, threshold)
    params["backend_runs"] = 1
    if cut is not None:
        h1 = _run_backend(backend, dm, 1, cut, threads)[1]
        if not np.isinf(h1[:, 1]).any():  # every bar died by the cut-off: exact
            params["filtration_cutoff"] = cut
            return [h1]
        params["backend_runs"] = 2
    params["filtration_cutoff"] = threshold
    return _run_backend(backend, dm, maxdim, threshold, threads)[1:]


# the defaults of the renamed arguments' new names, told apart from the same values passed
_NO_PERM = new_default(None)
_NO_THRESH = new_default(np.inf)


def persistence_diagrams(
    cloud: PointCloud | Any,
    *,
    maxdim: int = 1,
    backend: str = "auto",
    n_perm: int | None = _NO_PERM,
    thresh: float = _NO_THRESH,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
    subsample: str = "farthest",
    seed: int = 0,
    n_jobs: int | None = None,
    n_points: Any = UNSET,
    threshold: Any = UNSET,
) -> Diagrams:
    """Vietoris-Rips persistence diagrams of a point cloud (Z/2 coefficients).

    Parameters
    ----------
    cloud : PointCloud or array_like of shape (n, d)
        The points (Euclidean metric, as in the paper). float32 points give float32
        distances and any other dtype float64 distances (as in ``ripser.ripser``),
        rounded to float32 afterwards; the points themselves are never rounded.
    maxdim : int, default 1
        Highest homology dimension, 0 to ``MAX_DIM`` = 3 (the paper uses H0 and H1).
        Higher dimensions are refused: a Rips complex needs simplices of ``k + 2``
        points for ``H_k``, whose number grows like ``n**(k + 2)``, so they do not
        finish for clouds of any useful size.
    backend : {"auto", "ripser", "gudhi", "giotto-ph"}
        ``"auto"`` takes the fastest installed backend (see :func:`available_backends`).
        All give the same diagrams as ``ripser.ripser(points)``, bit for bit, for
        float32 and float64 points alike (tested in
        ``tests/topology/test_differential.py``; without ``n_perm``).
    n_perm : int, optional
        Subsample to this many points first (see ``subsample``; ripser's name for the
        greedy subsample's size). The kept indices
        (``params["indices"]``), the cloud's size (``params["n_total"]``) and the
        covering radius ``r`` (``params["covering_radius"]``) are recorded; the
        diagrams are within bottleneck distance ``2 r`` of the full cloud's.
    thresh : float, default inf
        Largest edge length in the filtration (ripser's ``thresh``); bars alive there
        get death ``inf``.
    memory_budget : int or None, default 4 GiB
        Most bytes the run may take, estimated as ``BYTES_PER_PAIR * n**2`` for the
        ``n`` points left after ``n_perm``. A larger cloud is refused with a
        ``MemoryError`` *before* anything large is allocated; the message says which
        ``n_perm`` fits. ``None`` turns the check off.
    subsample : {"farthest", "random"}, default "farthest"
        How the ``n_perm`` points are chosen: greedy farthest-point sampling (smallest
        ``r``; ``n_perm`` passes over the cloud) or uniformly at random by ``seed``, as the
        paper picks its 1,000 images (one BLAS pass, see
        :func:`~tda_widgets.point_clouds.random_subsample`). Recorded as
        ``params["subsample"]``.
    seed : int, default 0
        Seed of ``subsample="random"``.
    n_jobs : int, optional
        Threads for a backend that has them (giotto-ph's ``n_threads``; ripser and
        gudhi run one thread on one cloud). ``None`` is 1, or joblib's setting inside
        ``joblib.parallel_config(n_jobs=...)``; ``-1`` is every core. Inside a joblib
        worker leave it at 1 (:class:`~tda_widgets.Analysis` does: layers in
        parallel or threads within a layer, never both).
    n_points, threshold
        Deprecated names of ``n_perm`` and ``thresh`` (a ``FutureWarning``).

    Returns
    -------
    Diagrams
        ``diagrams[k]`` is the ``(n_k, 2)`` array of dimension ``k``, rows sorted by
        decreasing persistence (infinite bars first). ``generators[k]`` is an
        ``(n_k, 4)`` int array of cloud indices: columns 0-1 are the vertices of the
        birth simplex's longest edge (for H0 the birth vertex, twice), columns 2-3 the
        vertices of the death simplex's longest edge (``-1`` for infinite bars). In a
        Rips filtration a simplex enters at the length of its longest edge, so
        ``dist(points[g[0]], points[g[1]]) == birth`` and likewise for death. H0
        generators come from a minimum spanning tree with the elder rule (the
        component with the smaller least index survives). For ``k >= 1`` the edges are
        found by their exact length; when several edges have exactly the same length
        one of them is reported and ``params["generator_ties"]`` counts such cases.
        For ``maxdim >= 1``, ``params`` also hold ``filtration_cutoff`` (the threshold
        of the backend run that gave the diagrams), ``backend_runs`` (1, or 2 when a
        truncated run was not enough) and, for ``maxdim == 1``, ``h1_birth_bound`` (no
        H1 bar is born after it); see the module docstring. ``maxdim=0`` runs no
        backend: H0 comes from the spanning tree.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    >>> circle = np.c_[np.cos(t), np.sin(t)]
    >>> dg = persistence_diagrams(circle, backend="ripser")
    >>> dg[1].shape, bool(dg[1][0, 1] > 1.5)
    ((1, 2), True)
    >>> g = dg.generators[1][0]
    >>> bool(np.isclose(np.linalg.norm(circle[g[2]] - circle[g[3]]), dg[1][0, 1]))
    True
    """
    where = "persistence_diagrams"
    n_perm = renamed(n_points, n_perm, old="n_points", new="n_perm", where=where, default=_NO_PERM)
    thresh = renamed(
        threshold, thresh, old="threshold", new="thresh", where=where, default=_NO_THRESH
    )
    if isinstance(cloud, PointCloud):
        points, layer = cloud.points, cloud.layer
    else:
        points, layer = _as_cloud_points(cloud), ""
    maxdim = check_int(maxdim, name="maxdim", minimum=0)
    if maxdim > MAX_DIM:
        raise ValueError(
            f"maxdim: expected an integer in 0..{MAX_DIM}, got {maxdim}; H_k of a Rips "
            f"complex needs simplices of k + 2 points, whose number grows like n**(k + 2), "
            f"so dimensions above {MAX_DIM} are refused (the paper uses H0 and H1)"
        )
    budget = check_memory_budget(memory_budget)
    if n_perm is not None:
        n_perm = check_int(n_perm, name="n_perm", minimum=1)
    check_choice(subsample, ("farthest", "random"), name="subsample")
    seed = check_int(seed, name="seed", minimum=0)
    installed = available_backends()
    if backend == "auto":
        backend = installed[0]
    else:
        check_choice(backend, _PREFERENCE, name="backend")
        if backend not in installed:
            raise ValueError(
                f"backend: {backend!r} is not installed (installed: {list(installed)}); "
                f"install it or use backend='auto'"
            )
    if isinstance(thresh, (bool, np.bool_)) or not isinstance(
        thresh, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"thresh: expected a number >= 0 or inf, got {thresh!r}"[:160])
    thresh = float(thresh)
    if np.isnan(thresh) or thresh < 0:
        raise ValueError(f"thresh: expected a number >= 0 or inf, got {thresh}")
    # distances are float32 (as in ripser, which also rounds its thresh so): every
    # backend and the spanning tree must compare them with the same float32 thresh
    thresh = float(np.float32(thresh))
    if points.shape[0] == 0:
        raise ValueError("cloud: expected at least one point, got an empty cloud")
    params: dict[str, Any] = {"maxdim": int(maxdim), "thresh": thresh, "n_perm": n_perm}
    kept = None
    n_used = points.shape[0] if n_perm is None else min(n_perm, points.shape[0])
    share = _pair_share(points, thresh) if maxdim >= 2 and budget is not None else 1.0
    _check_memory(n_used, budget, n_perm, maxdim=maxdim, backend=backend, share=share)
    if n_perm is not None and n_perm < points.shape[0]:
        from tda_widgets.point_clouds.subsample import farthest_point_subsample, random_subsample

        if subsample == "random":
            kept, radius = random_subsample(points, n_perm, seed=seed)
            params.update(seed=seed)
        else:
            kept, radius = farthest_point_subsample(points, n_perm)
        params.update(
            indices=kept, covering_radius=radius, subsample=subsample, n_total=points.shape[0]
        )
        points = points[kept]

    dm = rips_distances(points)
    tree, lengths = spanning_forest(dm, thresh)
    dgm0, gen0 = _sort_diagram(*h0_diagram(points.shape[0], tree, lengths))
    dgms, gens = [dgm0], [gen0]
    if maxdim >= 1:
        ties = 0
        threads = effective_n_jobs(n_jobs)  # a positive count (-1 becomes the cores)
        for d in _higher_diagrams(dm, backend, int(maxdim), thresh, tree, params, threads):
            births, t_birth = edges_of_lengths(dm, d[:, 0])
            deaths, t_death = edges_of_lengths(dm, d[:, 1])
            dgm, gen = _sort_diagram(d, np.c_[births, deaths])
            dgms.append(dgm)
            gens.append(gen)
            ties += t_birth + t_death
        params["generator_ties"] = ties
    if kept is not None:
        gens = [np.where(g >= 0, kept[np.maximum(g, 0)], -1) for g in gens]
    return Diagrams(
        dgms=tuple(dgms),
        generators=tuple(gens),
        backend=backend,
        layer=layer,
        params=params,
    )
