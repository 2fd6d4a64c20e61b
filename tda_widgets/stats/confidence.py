"""Confidence sets for persistence diagrams (Fasy et al. 2014), and which points they keep.

A ``(1 - alpha)`` confidence set for a Rips diagram is a bottleneck ball of radius
``c_alpha`` around the diagram computed from the sample. A point whose L-infinity
distance to the diagonal, ``(death - birth) / 2``, exceeds ``c_alpha`` cannot be matched
to the diagonal inside that ball, so the feature is *significant*: it is there in every
diagram the set admits. Points closer to the diagonal than ``c_alpha`` may be sampling
noise. Two ways of estimating ``c_alpha`` are offered (the methods of R's
``TDA::bootstrapDiagram`` and Fasy et al.'s subsampling bound, written anew here):

``"subsample"`` (default)
    Fasy et al.'s subsampling bound: draw ``n_boot`` subsamples ``S_b`` of half the
    points (without replacement), take the Hausdorff distance ``H(X, S_b)`` of each to
    the whole sample, and its ``(1 - alpha)`` quantile ``c_H``. The Rips stability
    theorem (with ripser's edge-length convention, a bar's birth is an edge length, not
    half of one) bounds the bottleneck distance by ``2 d_H``, so ``c_alpha = 2 c_H``.
    What it covers: the diagram of the sample against the diagram of the space it was
    drawn from, when the sample is dense on it; it is conservative (it bounds every
    feature at once through the point cloud's geometry), and its theory asks for
    subsamples of size ``o(n / log n)`` -- half-size is the practical choice that
    ``benchmarks/bench_calibration.py`` shows calibrated. Cost: one ``n x n`` distance
    matrix (checked against ``memory_budget``), then ``n_boot`` column minima.
``"bootstrap"``
    Resample the points with replacement, compute the resample's Rips diagram and its
    bottleneck distance to the original; ``c_alpha`` is the ``(1 - alpha)`` quantile.
    What it does *not* cover: the bootstrap is known to be anti-conservative for Rips
    diagrams of point clouds -- a resample has fewer distinct points, so near-diagonal
    features move little and the radius comes out too small (on i.i.d. Gaussian clouds
    of 200 points in R^3 it flags spurious loops far more often than ``alpha``; the
    calibration benchmark prints the rate). Offered for comparison with R's
    ``bootstrapDiagram``. Each resample's distinct points only are used (duplicates do
    not change a Rips diagram in dimension >= 1), so each costs less than the
    original's persistence; the bottleneck distances are gudhi's when it is installed
    (the same values as persim's).

Both need the points the diagram was computed from. :class:`~tda_widgets.Analysis`
uses the recorded persistence subsample of each layer, so at 50,000 images the set is
that of the 1,000-point diagram the views show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray

from tda_widgets._types import Diagrams, PointCloud
from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    as_points,
    check_choice,
    check_int,
    check_memory_budget,
    check_number,
    describe,
    format_bytes,
)
from tda_widgets.topology.distances import bottleneck
from tda_widgets.topology.persistence import persistence_diagrams, rips_distances

__all__ = ["METHODS", "DiagramConfidence", "confidence_radius", "diagram_confidence"]

METHODS = ("subsample", "bootstrap")
_METHOD_WORDS = {"subsample": "subsampling", "bootstrap": "bootstrap"}


@dataclass(frozen=True, eq=False)
class DiagramConfidence:
    """A ``(1 - alpha)`` confidence set of one persistence diagram.

    Attributes
    ----------
    c_alpha : float
        Bottleneck radius of the confidence set.
    diagram : ndarray of shape (k, 2)
        The diagram's points (``persistence_diagrams(points)[dim]``, same order).
    significant : ndarray of shape (k,), bool
        ``death - birth > 2 c_alpha``: the point's L-infinity distance to the diagonal
        exceeds the radius (infinite bars are significant).
    null : ndarray of shape (n_boot,)
        The resampled statistics whose ``(1 - alpha)`` quantile is ``c_alpha`` (Hausdorff
        distances doubled for ``"subsample"``, bottleneck distances for ``"bootstrap"``).
    dim, alpha, method, n_boot, seed
        How it was computed.
    """

    c_alpha: float
    diagram: NDArray[np.float64]
    null: NDArray[np.float64]
    dim: int
    alpha: float
    method: str
    n_boot: int
    seed: int

    @property
    def significant(self) -> NDArray[np.bool_]:
        return significant_mask(self.diagram, self.c_alpha)

    @property
    def n_significant(self) -> int:
        return int(self.significant.sum())

    @property
    def mc_se(self) -> float:
        """Standard error of ``c_alpha`` from the finite ``n_boot`` (order-statistic
        bootstrap of the quantile: half the width of its ~68 % binomial interval)."""
        return quantile_se(self.null, 1 - self.alpha)

    @property
    def label(self) -> str:
        """E.g. ``"3 of 41 H1 features significant at α = 0.05 (subsampling, B = 100)"``."""
        return (
            f"{self.n_significant} of {len(self.diagram)} H{self.dim} features significant "
            f"at α = {self.alpha:g} ({_METHOD_WORDS[self.method]}, B = {self.n_boot})"
        )

    def __repr__(self) -> str:
        return (
            f"DiagramConfidence({self.label}; c_alpha = {self.c_alpha:.4g} "
            f"± {self.mc_se:.2g}, seed={self.seed})"
        )


def significant_mask(diagram: Any, c_alpha: float) -> NDArray[np.bool_]:
    """``death - birth > 2 c_alpha`` for each row of ``diagram`` (a ``(k, 2)`` array)."""
    d = np.asarray(diagram, dtype=np.float64).reshape(-1, 2)
    return np.asarray((d[:, 1] - d[:, 0]) > 2.0 * float(c_alpha))


def quantile_se(sample: NDArray[np.float64], q: float) -> float:
    """Monte Carlo standard error of the empirical ``q`` quantile of ``sample``."""
    x = np.sort(np.asarray(sample, dtype=np.float64))
    b = x.size
    if b < 2:
        return float("nan")
    half = np.sqrt(q * (1 - q) / b)
    lo = x[int(np.clip(np.floor((q - half) * b), 0, b - 1))]
    hi = x[int(np.clip(np.ceil((q + half) * b) - 1, 0, b - 1))]
    return float((hi - lo) / 2)


def _checked(
    dim: Any, alpha: Any, n_boot: Any, seed: Any, method: Any
) -> tuple[int, float, int, int, str]:
    dim = check_int(dim, name="dim", minimum=0)
    alpha = check_number(alpha, name="alpha", minimum=0.0)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha: expected a number in (0, 1), got {alpha}")
    n_boot = check_int(n_boot, name="n_boot", minimum=2)
    seed = check_int(seed, name="seed", minimum=0)
    method = check_choice(method, METHODS, name="method")
    return dim, alpha, n_boot, seed, method


def _hausdorff_null(
    points: NDArray[Any], n_boot: int, size: int, seed: int, budget: int | None
) -> NDArray[np.float64]:
    """``2 H(X, S_b)`` for ``n_boot`` random subsets ``S_b`` of ``size`` points."""
    n = points.shape[0]
    need = 4.0 * n * n + 4.0 * n * size  # the float32 distance matrix and one column block
    if budget is not None and need > budget:
        fits = int(np.sqrt(budget / 8.0))
        raise MemoryError(
            f"diagram_confidence: the subsampling bound needs the {n} x {n} distance matrix "
            f"({format_bytes(need)}), over memory_budget={format_bytes(budget)}; pass at most "
            f"~{fits} points (persistence_diagrams' n_perm subsample) or a larger memory_budget"
        )
    dm = rips_distances(points)
    rng = np.random.default_rng(seed)
    out = np.empty(n_boot)
    for b in range(n_boot):
        keep = rng.choice(n, size=size, replace=False)
        out[b] = 2.0 * float(dm[:, keep].min(axis=1).max())
    return out


def _bottleneck(a: NDArray[Any], b: NDArray[Any]) -> float:
    """persim's bottleneck distance; gudhi's C++ one when installed (the ``fast`` extra),
    which gives the same value (``tests/stats/test_confidence.py`` checks it) 10-20x faster."""
    try:
        from gudhi import bottleneck_distance
    except ImportError:
        return bottleneck(a, b)
    return float(bottleneck_distance(a, b))


def _bootstrap_one(
    points: NDArray[Any], idx: NDArray[np.int64], dim: int, reference: NDArray[Any], backend: str
) -> float:
    distinct = np.unique(idx)  # duplicates change no Rips diagram in dimension >= 1
    dg = persistence_diagrams(points[distinct], maxdim=dim, backend=backend, n_jobs=1)
    return _bottleneck(np.asarray(dg[dim]), reference)


def confidence_radius(
    points: Any,
    reference: Any,
    *,
    dim: int = 1,
    alpha: float = 0.05,
    n_boot: int = 100,
    seed: int = 0,
    method: str = "subsample",
    subsample_size: int | None = None,
    backend: str = "auto",
    n_jobs: int | None = None,
    progress: bool = False,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> tuple[float, NDArray[np.float64]]:
    """``(c_alpha, null)`` for the diagram ``reference`` of ``points`` (the engine of
    :func:`diagram_confidence`; ``reference`` is only read by ``"bootstrap"``).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    >>> x = np.c_[np.cos(t), np.sin(t)]
    >>> c, null = confidence_radius(x, None, n_boot=20)
    >>> null.shape, bool(c == np.quantile(null, 0.95, method="higher"))
    ((20,), True)
    """
    dim, alpha, n_boot, seed, method = _checked(dim, alpha, n_boot, seed, method)
    x = points.points if isinstance(points, PointCloud) else as_points(points, dtype="exact")
    n = x.shape[0]
    if n < 4:
        raise ValueError(f"points: expected at least 4 points for a confidence set, got {n}")
    budget = check_memory_budget(memory_budget)
    if method == "subsample":
        size = (
            n // 2
            if subsample_size is None
            else check_int(subsample_size, name="subsample_size", minimum=1)
        )
        if not size < n:
            raise ValueError(f"subsample_size: expected fewer than the {n} points, got {size}")
        null = _hausdorff_null(x, n_boot, size, seed, budget)
    else:
        if subsample_size is not None:
            raise ValueError("subsample_size: only the 'subsample' method takes it")
        ref = np.asarray(reference, dtype=np.float64).reshape(-1, 2)
        rng = np.random.default_rng(seed)
        draws = [rng.integers(0, n, size=n) for _ in range(n_boot)]
        jobs = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_bootstrap_one)(x, idx, dim, ref, backend) for idx in draws
        )
        from tqdm.auto import tqdm

        bar = tqdm(jobs, total=n_boot, desc="bootstrap", disable=not progress)
        null = np.fromiter(bar, dtype=np.float64, count=n_boot)
    c_alpha = float(np.quantile(null, 1 - alpha, method="higher"))
    return c_alpha, null


def diagram_confidence(
    points: Any,
    *,
    dim: int = 1,
    alpha: float = 0.05,
    n_boot: int = 100,
    seed: int = 0,
    method: str = "subsample",
    subsample_size: int | None = None,
    backend: str = "auto",
    n_jobs: int | None = None,
    progress: bool = False,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
) -> DiagramConfidence:
    """A ``(1 - alpha)`` confidence set for the Rips diagram of ``points`` in ``dim``.

    Parameters
    ----------
    points : array_like of shape (n, d) or PointCloud
        The cloud whose diagram :func:`~tda_widgets.persistence_diagrams` computes (no
        subsampling here: pass the subsample the diagram was computed on).
    dim : int, default 1
        Homology dimension of the diagram.
    alpha : float, default 0.05
        The set covers the true diagram with probability about ``1 - alpha``.
    n_boot : int, default 100
        Subsamples or bootstrap resamples.
    seed : int, default 0
    method : {"subsample", "bootstrap"}, default "subsample"
        See the module docstring: the subsampling bound (calibrated, conservative) or
        the plain bootstrap (anti-conservative for Rips diagrams; for comparison).
    subsample_size : int, optional
        ``"subsample"`` only: points per subsample, default half of them.
    backend, n_jobs
        Persistence backend; joblib workers for the bootstrap resamples (inside
        ``joblib.parallel_config(backend="dask")`` they run on a dask cluster).
    progress : bool, default False
        A progress bar over the resamples.
    memory_budget : int or None, default 4 GiB
        The subsampling bound holds an ``n x n`` float32 distance matrix; checked first.

    Returns
    -------
    DiagramConfidence
        ``.c_alpha``, ``.significant`` (per point of the diagram, same order),
        ``.n_significant``, ``.label``.

    Examples
    --------
    A noisy circle has one significant loop; the small loops of the noise are not:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = rng.uniform(0, 2 * np.pi, 300)
    >>> x = np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.1, size=(300, 2))
    >>> conf = diagram_confidence(x, n_boot=50)
    >>> conf.n_significant, len(conf.diagram) > 1
    (1, True)
    >>> conf.label
    '1 of ... H1 features significant at α = 0.05 (subsampling, B = 50)'
    """
    dim, alpha, n_boot, seed, method = _checked(dim, alpha, n_boot, seed, method)
    if isinstance(points, Diagrams):
        raise TypeError(
            f"points: expected the point cloud the diagram was computed from, got {describe(points)}"
        )
    cloud = points if isinstance(points, PointCloud) else as_points(points, dtype="exact")
    diagram = np.asarray(persistence_diagrams(cloud, maxdim=dim, backend=backend)[dim])
    c_alpha, null = confidence_radius(
        cloud,
        diagram,
        dim=dim,
        alpha=alpha,
        n_boot=n_boot,
        seed=seed,
        method=method,
        subsample_size=subsample_size,
        backend=backend,
        n_jobs=n_jobs,
        progress=progress,
        memory_budget=memory_budget,
    )
    return DiagramConfidence(
        c_alpha=c_alpha,
        diagram=np.asarray(diagram, dtype=np.float64),
        null=null,
        dim=dim,
        alpha=alpha,
        method=method,
        n_boot=n_boot,
        seed=seed,
    )
