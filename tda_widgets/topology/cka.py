"""Representational-similarity baseline (linear CKA) and matrix comparison.

The paper places its topological layer distances beside existing representational
similarity measures; the authors' CKA settings are unknown, so tda_widgets uses
*our own choice*: linear CKA (Kornblith et al. 2019) on the same ``N x c`` point
clouds (one row per image) that the persistence is computed on.

Also here: :func:`pc_removal_sensitivity`, the paper's sensitivity test (remove the
k lowest-variance principal directions, recompute H1, measure SW to the original).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from tqdm.auto import tqdm

from tda_widgets._types import DistanceMatrix, PointCloud
from tda_widgets._validation import (
    DEFAULT_MEMORY_BUDGET,
    as_points,
    check_choice,
    check_int,
    check_memory_budget,
    format_bytes,
    layer_names,
)
from tda_widgets.topology.distances import sliced_wasserstein
from tda_widgets.topology.persistence import persistence_diagrams

__all__ = [
    "MatrixComparison",
    "average_ranks",
    "cka_matrix",
    "compare_matrices",
    "linear_cka",
    "matrix_correlation",
    "pc_removal_sensitivity",
]


_CHUNK_ROWS = 4096


def _as_rows(x: Any, name: str) -> NDArray[Any]:
    """The cloud's points, checked, in float32 or float64 (never rounded down)."""
    return as_points(x.points if isinstance(x, PointCloud) else x, name=name, dtype="exact")


def _cka_values(
    arrays: Sequence[NDArray[Any]],
    budget: int | None,
    progress: bool = False,
) -> NDArray[np.float64]:
    """Linear CKA between every pair of ``arrays`` (same rows), in float64.

    Uses the feature-space form ``HSIC(X, Y) = ||Xc^T Yc||_F^2`` (Kornblith et al.
    2019, eq. 5): one pass over the rows in chunks, centring each chunk in float64 by
    the columns' float64 means, accumulating ``Zc^T Zc`` for ``Z = [X_1 | ... | X_L]``.
    Time ``O(n D^2)`` and memory ``O(D^2)`` for ``D = sum of d_l``; no ``n x n`` matrix.
    When the ``n x n`` Gram form is smaller (``n < D``, e.g. few images with flattened
    activations) that form is used instead. Either must fit ``budget``.
    """
    n = arrays[0].shape[0]
    dims = [a.shape[1] for a in arrays]
    total = sum(dims)
    rows = min(n, _CHUNK_ROWS)
    # the D x D accumulator and one centred chunk of all layers
    feature_bytes = 8 * (total * total + rows * total)
    # the L Gram matrices, one product's temporary and one centred cloud
    gram_bytes = 8 * ((len(arrays) + 1) * n * n + n * max(dims))
    use_gram = gram_bytes < feature_bytes
    need = min(feature_bytes, gram_bytes)
    if budget is not None and need > budget:
        raise MemoryError(
            f"memory_budget: linear CKA of {len(arrays)} clouds of {n} points and "
            f"{total} dimensions in all needs about {format_bytes(need)} (the "
            f"{total} x {total} cross-covariance, or the {n} x {n} Gram matrices), more "
            f"than memory_budget={format_bytes(budget)}; pass fewer layers, clouds with "
            "fewer dimensions (e.g. a pooled sampler) or fewer points, or raise memory_budget"
        )
    means = [a.mean(axis=0, dtype=np.float64) for a in arrays]
    if use_gram:
        grams = []
        for a, mu in zip(arrays, means, strict=True):
            ac = a.astype(np.float64)
            ac -= mu
            grams.append(ac @ ac.T)
            del ac
        cross = np.array([[float(np.sum(gi * gj)) for gj in grams] for gi in grams])
        del grams
    else:
        # upper triangle of Zc^T Zc accumulated in place by BLAS syrk (half the work of
        # a full product, and no second D x D temporary)
        from scipy.linalg.blas import dsyrk  # imported when CKA is computed

        big = np.zeros((total, total), order="F")
        chunks = tqdm(
            range(0, n, _CHUNK_ROWS), desc="CKA", unit="chunk", delay=2.0, disable=not progress
        )
        edges = np.concatenate([[0], np.cumsum(dims)]).astype(int)
        z = np.empty((rows, total))  # one chunk of every layer, centred in float64
        for start in chunks:
            m = min(rows, n - start)
            for a, mu, lo, hi in zip(arrays, means, edges[:-1], edges[1:], strict=True):
                np.subtract(a[start : start + m], mu, out=z[:m, lo:hi])
            big = dsyrk(1.0, z[:m].T, beta=1.0, c=big, trans=0, lower=0, overwrite_c=1)
        del z
        edges = np.concatenate([[0], np.cumsum(dims)])
        blocks = [slice(int(edges[i]), int(edges[i + 1])) for i in range(len(dims))]
        cross = np.zeros((len(dims), len(dims)))
        for i, bi in enumerate(blocks):  # only the upper triangle of `big` is filled
            own = big[bi, bi]
            cross[i, i] = 2.0 * float(np.sum(np.triu(own, 1) ** 2)) + float(
                np.sum(np.diag(own) ** 2)
            )
            for j in range(i + 1, len(blocks)):
                cross[i, j] = cross[j, i] = float(np.sum(big[bi, blocks[j]] ** 2))
        del big
    norms = np.sqrt(np.clip(np.diag(cross), 0.0, None))
    den = np.outer(norms, norms)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(den > 0, cross / np.where(den > 0, den, 1.0), 0.0)
    np.fill_diagonal(values, 1.0)
    return np.asarray(values, dtype=np.float64)


def _same_rows(arrays: Sequence[NDArray[Any]], names: Sequence[str], what: str) -> None:
    for name, a in zip(names[1:], arrays[1:], strict=True):
        if a.shape[0] != arrays[0].shape[0]:
            raise ValueError(
                f"{name}: expected the same number of rows as {names[0]} "
                f"({arrays[0].shape[0]}), got {a.shape[0]}"
            )
    if arrays[0].shape[0] < 2:
        raise ValueError(
            f"{what}: expected at least 2 rows (images) to centre, got {arrays[0].shape[0]}"
        )


def linear_cka(x: Any, y: Any, *, memory_budget: int | None = DEFAULT_MEMORY_BUDGET) -> float:
    """Linear centred kernel alignment between two representations of the same items.

    ``CKA = <Kx, Ky>_F / (||Kx||_F ||Ky||_F)`` with ``K = Xc Xc^T`` from the
    column-centred data. 1 for identical (up to rotation and scale) representations.
    Computed in float64 in the feature-space form ``||Yc^T Xc||_F^2 / (||Xc^T Xc||_F
    ||Yc^T Yc||_F)``, ``O(n (p + q)^2)`` time, no ``n x n`` matrix (unless ``n`` is
    smaller than ``p + q``); invariant to adding a constant to either input.

    Parameters
    ----------
    x, y : PointCloud or array_like of shape (n, p) and (n, q)
        Row ``i`` of both must describe the same item (image). float64 input is used
        as given (not rounded to float32).
    memory_budget : int or None, default 4 GiB
        Refuse, before allocating, a computation that would need more bytes.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(50, 4))
    >>> round(linear_cka(x, 3 * x @ np.linalg.qr(np.ones((4, 4)) + np.eye(4))[0]), 6)
    1.0
    >>> round(linear_cka(x + 1e4, x), 12)
    1.0
    """
    budget = check_memory_budget(memory_budget)
    arrays = [_as_rows(x, "x"), _as_rows(y, "y")]
    _same_rows(arrays, ["x", "y"], "x")
    return float(_cka_values(arrays, budget)[0, 1])


def cka_matrix(
    clouds: Mapping[str, Any],
    *,
    memory_budget: int | None = DEFAULT_MEMORY_BUDGET,
    progress: bool = True,
) -> DistanceMatrix:
    """Linear CKA between every pair of layers (a *similarity*: 1 on the diagonal).

    Every point of every cloud is used. One pass over the rows accumulates the
    float64 cross-covariance of all layers at once (``O(n D^2)`` time, ``O(D^2)``
    memory for ``D`` dimensions in all; see :func:`linear_cka`), so 50,000 images
    need no ``n x n`` matrix. The values equal the Gram-matrix definition to float64
    rounding.

    Parameters
    ----------
    clouds : mapping of str to PointCloud or (n, d) array
        All with the same rows (images); for ``PointCloud`` inputs the image indices
        must agree.
    memory_budget : int or None, default 4 GiB
        Refuse, before allocating, a computation that would need more bytes; the
        message says how to get under it.
    progress : bool, default True
        A progress bar over the rows, shown once the pass has taken 2 s.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> m = cka_matrix({"a": rng.normal(size=(30, 5)), "b": rng.normal(size=(30, 8))})
    >>> m.values.shape, bool(np.allclose(np.diag(m.values), 1.0)), m.metric
    ((2, 2), True, 'linear_cka')
    """
    budget = check_memory_budget(memory_budget)
    if not isinstance(clouds, Mapping) or not clouds:
        raise ValueError(
            f"clouds: expected a non-empty mapping layer -> cloud, got {clouds!r}"[:200]
        )
    names = layer_names(clouds, name="clouds")
    first = next(iter(clouds.values()))
    for name, c in clouds.items():
        if (
            isinstance(c, PointCloud)
            and isinstance(first, PointCloud)
            and not np.array_equal(c.image_index, first.image_index)
        ):
            raise ValueError(
                f"clouds[{name!r}]: expected the same images in the same order as "
                f"clouds[{names[0]!r}] (image_index differs)"
            )
    labels = [f"clouds[{n!r}]" for n in names]
    arrays = [_as_rows(c, lab) for lab, c in zip(labels, clouds.values(), strict=True)]
    sizes = {a.shape[0] for a in arrays}
    if len(sizes) > 1:
        raise ValueError(
            f"clouds: expected the same number of points in every cloud, got {sorted(sizes)}"
        )
    _same_rows(arrays, labels, "clouds")
    values = _cka_values(arrays, budget, progress)
    return DistanceMatrix(values=values, layers=tuple(names), metric="linear_cka")


@dataclass(frozen=True)
class MatrixComparison:
    """Rank correlation of two matrices' upper triangles, with a permutation p-value."""

    statistic: float
    p_value: float
    method: str
    n_permutations: int


def _upper(m: Any, name: str) -> NDArray[np.float64]:
    vals = m.values if isinstance(m, DistanceMatrix) else np.asarray(m, dtype=np.float64)
    if vals.ndim != 2 or vals.shape[0] != vals.shape[1] or vals.shape[0] < 3:
        raise ValueError(f"{name}: expected a square matrix of size >= 3, got shape {vals.shape}")
    return np.asarray(vals, dtype=np.float64)


_CORRELATIONS = ("spearman", "pearson", "kendall")


def average_ranks(x: Any) -> NDArray[np.float64]:
    """Ranks ``1 .. n`` of ``x``'s values, tied values sharing their average rank.

    The ranks of Spearman's correlation, as ``scipy.stats.rankdata(x)`` gives them
    (tested against it); here so that opening a view does not import ``scipy.stats``
    (about a second).

    Examples
    --------
    >>> average_ranks([10.0, 30.0, 20.0, 30.0]).tolist()
    [1.0, 3.5, 2.0, 3.5]
    """
    values = np.asarray(x, dtype=np.float64).ravel()
    _, where, counts = np.unique(values, return_inverse=True, return_counts=True)
    first = np.cumsum(counts) - counts  # the 0-based position where each value starts
    return (first + (counts + 1) / 2.0)[where.ravel()]


def _pearson(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    norm = float(np.sqrt((dx @ dx) * (dy @ dy)))
    return float(np.clip((dx @ dy) / norm, -1.0, 1.0)) if norm > 0 else float("nan")


def _entries(m: NDArray[np.float64]) -> NDArray[np.float64]:
    """The entries two layer matrices are compared on: a square matrix's upper triangle
    (its diagonal and mirrored half carry nothing for a distance), else every entry."""
    if m.ndim == 2 and m.shape[0] == m.shape[1]:
        return m[np.triu_indices(m.shape[0], k=1)]
    return m.ravel()


def _correlation(x: NDArray[np.float64], y: NDArray[np.float64], method: str) -> float:
    """Spearman or Pearson (numpy; scipy.stats' values to rounding), Kendall (scipy);
    nan for a constant input."""
    if method == "spearman":
        return _pearson(average_ranks(x), average_ranks(y))
    if method == "pearson":
        return _pearson(x, y)
    from scipy import stats  # only Kendall needs it: imported when asked for

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a constant input: the result is nan, handled
        return float(stats.kendalltau(x, y)[0])


def matrix_correlation(a: Any, b: Any, method: str = "spearman") -> float | None:
    """Correlation of two layer matrices of the same shape, or ``None`` where undefined.

    Square matrices are compared on their upper triangles, other shapes (a cross-model
    matrix) on every entry. ``None`` when fewer than 3 entries are compared or one
    matrix is constant. :func:`compare_matrices` adds a permutation p-value.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]])
    >>> matrix_correlation(a, a ** 2)
    1.0
    >>> matrix_correlation(a, -a)
    -1.0
    >>> matrix_correlation(np.ones((3, 3)), a) is None
    True
    """
    check_choice(method, _CORRELATIONS, name="method")
    x = np.asarray(a.values if isinstance(a, DistanceMatrix) else a, dtype=np.float64)
    y = np.asarray(b.values if isinstance(b, DistanceMatrix) else b, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"b: expected shape {x.shape} to match a, got {y.shape}")
    x, y = _entries(x), _entries(y)
    if x.size < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    value = _correlation(x, y, method)
    return None if np.isnan(value) else round(value, 12)


def compare_matrices(
    a: Any,
    b: Any,
    method: str = "spearman",
    *,
    n_permutations: int = 999,
    seed: int = 0,
) -> MatrixComparison:
    """Correlate the upper triangles of two layer matrices (a Mantel test).

    The p-value permutes the layers of ``b`` (rows and columns together) and is
    one-sided: ``(1 + #{perm stat >= observed}) / (1 + n_permutations)``. To compare
    a distance (SW) with a similarity (CKA), pass ``1 - cka.values``.

    Parameters
    ----------
    a, b : DistanceMatrix or array_like of shape (L, L)
    method : {"spearman", "pearson", "kendall"}

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=(8, 2))
    >>> d = np.linalg.norm(x[:, None] - x[None], axis=-1)
    >>> r = compare_matrices(d, d ** 2)
    >>> r.statistic, r.p_value < 0.05
    (1.0, True)
    """
    check_choice(method, _CORRELATIONS, name="method")
    va, vb = _upper(a, "a"), _upper(b, "b")
    if va.shape != vb.shape:
        raise ValueError(f"b: expected shape {va.shape} to match a, got {vb.shape}")
    xa = _entries(va)

    def stat(m: NDArray[np.float64]) -> float:
        return _correlation(xa, _entries(m), method)

    observed = stat(vb)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_permutations):
        p = rng.permutation(vb.shape[0])
        hits += stat(vb[np.ix_(p, p)]) >= observed - 1e-12
    return MatrixComparison(
        statistic=observed,
        p_value=(1 + hits) / (1 + n_permutations),
        method=method,
        n_permutations=n_permutations,
    )


def pc_removal_sensitivity(
    cloud: Any,
    ks: Sequence[int],
    *,
    dim: int = 1,
    n_directions: int = 50,
    backend: str = "auto",
    n_jobs: int | None = None,
) -> NDArray[np.float64]:
    """SW distance between a cloud's H``dim`` and that after removing k principal directions.

    The paper's sensitivity test: take the SVD of the ``N x c`` cloud **without
    centring** (as the authors do), project onto the top ``c - k`` right singular
    vectors (removing the k lowest-variance directions), recompute persistence and
    return ``sliced_wasserstein(original H_dim, projected H_dim)`` for each k. The
    ``ks`` run as ``n_jobs`` joblib jobs (each persistence on one thread).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(60, 6))
    >>> d = pc_removal_sensitivity(x, [0, 2, 4])
    >>> float(d[0]), bool(d[2] > 0)
    (0.0, True)
    """
    pts = cloud.points if isinstance(cloud, PointCloud) else as_points(cloud, name="cloud")
    c = pts.shape[1]
    ks = [int(k) for k in ks]
    bad = [k for k in ks if not 0 <= k < c]
    if bad:
        raise ValueError(f"ks: expected integers in [0, {c}) (the cloud has {c} dims), got {bad}")
    dim = check_int(dim, name="dim", minimum=0)
    _, _, vt = np.linalg.svd(pts.astype(np.float64), full_matrices=True)
    base = persistence_diagrams(pts, maxdim=dim, backend=backend)[dim]

    def removed(k: int) -> float:
        if k == 0:
            return 0.0
        low = (pts.astype(np.float64) @ vt[: c - k].T).astype(np.float32)
        dg = persistence_diagrams(low, maxdim=dim, backend=backend, n_jobs=1)[dim]
        return sliced_wasserstein(base, dg, n_directions=n_directions)

    return np.array(Parallel(n_jobs=n_jobs)(delayed(removed)(k) for k in ks), dtype=np.float64)
