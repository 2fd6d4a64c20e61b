"""Representational-similarity baseline (linear CKA) and matrix comparison.

The paper places its topological layer distances beside existing representational
similarity measures; the authors' CKA settings are unknown, so tda_widgets uses
*our own choice*: linear CKA (Kornblith et al. 2019) on the same ``N x c`` point
clouds (one row per image) that the persistence is computed on.

Also here: :func:`pc_removal_sensitivity`, the paper's sensitivity test (remove the
k lowest-variance principal directions, recompute H1, measure SW to the original).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from tda_widgets._types import DistanceMatrix, PointCloud
from tda_widgets._validation import as_points, check_choice
from tda_widgets.topology.distances import sliced_wasserstein
from tda_widgets.topology.persistence import persistence_diagrams

__all__ = [
    "MatrixComparison",
    "cka_matrix",
    "compare_matrices",
    "linear_cka",
    "pc_removal_sensitivity",
]


def _centred_gram(x: Any, name: str) -> NDArray[np.float64]:
    pts = x.points if isinstance(x, PointCloud) else as_points(x, name=name)
    xc = pts.astype(np.float64)
    xc -= xc.mean(axis=0)
    return xc @ xc.T


def linear_cka(x: Any, y: Any) -> float:
    """Linear centred kernel alignment between two representations of the same items.

    ``CKA = <Kx, Ky>_F / (||Kx||_F ||Ky||_F)`` with ``K = Xc Xc^T`` from the
    column-centred data. 1 for identical (up to rotation and scale) representations.

    Parameters
    ----------
    x, y : PointCloud or array_like of shape (n, p) and (n, q)
        Row ``i`` of both must describe the same item (image).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(50, 4))
    >>> round(linear_cka(x, 3 * x @ np.linalg.qr(np.ones((4, 4)) + np.eye(4))[0]), 6)
    1.0
    """
    kx, ky = _centred_gram(x, "x"), _centred_gram(y, "y")
    if kx.shape != ky.shape:
        raise ValueError(
            f"y: expected the same number of rows as x ({kx.shape[0]}), got {ky.shape[0]}"
        )
    den = np.linalg.norm(kx) * np.linalg.norm(ky)
    return float(np.sum(kx * ky) / den) if den > 0 else 0.0


def cka_matrix(clouds: Mapping[str, Any]) -> DistanceMatrix:
    """Linear CKA between every pair of layers (a *similarity*: 1 on the diagonal).

    Parameters
    ----------
    clouds : mapping of str to PointCloud or (n, d) array
        All with the same rows (images); for ``PointCloud`` inputs the image indices
        must agree. Each centred Gram matrix is formed once.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> m = cka_matrix({"a": rng.normal(size=(30, 5)), "b": rng.normal(size=(30, 8))})
    >>> m.values.shape, bool(np.allclose(np.diag(m.values), 1.0)), m.metric
    ((2, 2), True, 'linear_cka')
    """
    if not isinstance(clouds, Mapping) or not clouds:
        raise ValueError(
            f"clouds: expected a non-empty mapping layer -> cloud, got {clouds!r}"[:200]
        )
    names = [str(k) for k in clouds]
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
    grams = [
        _centred_gram(c, f"clouds[{n!r}]") for n, c in zip(names, clouds.values(), strict=True)
    ]
    sizes = {g.shape[0] for g in grams}
    if len(sizes) > 1:
        raise ValueError(f"clouds: expected the same number of points in every cloud, got {sizes}")
    flat = np.stack([g.ravel() for g in grams])
    norms = np.linalg.norm(flat, axis=1)
    norms[norms == 0] = 1.0
    flat /= norms[:, None]
    values = flat @ flat.T
    np.fill_diagonal(values, 1.0)
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
    check_choice(method, ("spearman", "pearson", "kendall"), name="method")
    va, vb = _upper(a, "a"), _upper(b, "b")
    if va.shape != vb.shape:
        raise ValueError(f"b: expected shape {va.shape} to match a, got {vb.shape}")
    iu = np.triu_indices(va.shape[0], k=1)
    fn = {"spearman": stats.spearmanr, "pearson": stats.pearsonr, "kendall": stats.kendalltau}[
        method
    ]

    def stat(m: NDArray[np.float64]) -> float:
        return float(fn(va[iu], m[iu])[0])

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
) -> NDArray[np.float64]:
    """SW distance between a cloud's H``dim`` and that after removing k principal directions.

    The paper's sensitivity test: take the SVD of the ``N x c`` cloud **without
    centring** (as the authors do), project onto the top ``c - k`` right singular
    vectors (removing the k lowest-variance directions), recompute persistence and
    return ``sliced_wasserstein(original H_dim, projected H_dim)`` for each k.

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
    _, _, vt = np.linalg.svd(pts.astype(np.float64), full_matrices=True)
    base = persistence_diagrams(pts, maxdim=dim, backend=backend)[dim]
    out = np.empty(len(ks))
    for i, k in enumerate(ks):
        if k == 0:
            out[i] = 0.0
            continue
        low = (pts.astype(np.float64) @ vt[: c - k].T).astype(np.float32)
        dg = persistence_diagrams(low, maxdim=dim, backend=backend)[dim]
        out[i] = sliced_wasserstein(base, dg, n_directions=n_directions)
    return out
