"""Noise floors for layer distances: how far apart two samples of the *same* layer are.

A layer-distance matrix compares diagrams computed from a finite sample of images. Two
disjoint random halves of one layer's cloud give two diagrams of the same layer; their
distance is pure sampling noise. Over many random splits that distance has a
distribution, the layer's *noise floor*. A cell ``(i, j)`` of the matrix is within the
noise when its distance does not exceed the ``(1 - alpha)`` quantile of the larger of
the two layers' floors: layers ``i`` and ``j`` are then no further apart than one layer
is from itself. Its p-value counts the splits whose distance reaches the cell's,
``(1 + #{floor >= d}) / (1 + n_splits)``.

Halves have half the points, so their diagrams are noisier than the full sample's: the
floor is conservative (it marks more cells as within noise than a floor at full size
would). A single split is not a floor -- over six splits the floor of one layer ranged
16.4-24.2 in notebook 02 -- so ``n_splits`` defaults to 20 and the whole distribution is
kept.

For ``1 - CKA`` no split-half floor exists: CKA compares the *same* images'
representations, so a layer against itself is identically 0. Its null is instead the
image-shuffle permutation test of each cell (:func:`cka_permutation_null`): a cell is
marked when the layers' similarity is not above that of unrelated images.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tda_widgets._types import DistanceMatrix, PointCloud
from tda_widgets._validation import as_points, check_choice, check_int, check_number, describe
from tda_widgets.topology.matrices import METRICS, layer_distance_matrix
from tda_widgets.topology.persistence import persistence_diagrams

__all__ = [
    "FloorAssessment",
    "NoiseFloors",
    "cka_permutation_null",
    "split_half_floor",
]


def split_half_floor(
    points: Any,
    *,
    metric: str = "sliced_wasserstein",
    dim: int = 1,
    n_splits: int = 20,
    seed: int = 0,
    backend: str = "auto",
) -> NDArray[np.float64]:
    """Distances between the diagrams of two disjoint random halves, one per split.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(80, 3))
    >>> f = split_half_floor(x, n_splits=5)
    >>> f.shape, bool(np.all(f >= 0))
    ((5,), True)
    """
    check_choice(metric, METRICS, name="metric")
    dim = check_int(dim, name="dim", minimum=0)
    n_splits = check_int(n_splits, name="n_splits", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    x = points.points if isinstance(points, PointCloud) else as_points(points, dtype="exact")
    n = x.shape[0]
    if n < 8:
        raise ValueError(f"points: expected at least 8 points to split in halves, got {n}")
    half = n // 2
    rng = np.random.default_rng(seed)
    out = np.empty(n_splits)
    for s in range(n_splits):
        perm = rng.permutation(n)
        a = persistence_diagrams(x[np.sort(perm[:half])], maxdim=dim, backend=backend, n_jobs=1)
        b = persistence_diagrams(
            x[np.sort(perm[half : 2 * half])], maxdim=dim, backend=backend, n_jobs=1
        )
        out[s] = layer_distance_matrix({"a": a, "b": b}, metric=metric, dim=dim).values[0, 1]
    return out


@dataclass(frozen=True, eq=False)
class FloorAssessment:
    """Which cells of a layer matrix are within the noise floor (see :class:`NoiseFloors`).

    Attributes
    ----------
    within_noise : ndarray of shape (L, L), bool
        The cell's value is not beyond the floor at ``alpha`` (diagonal: True).
    p_values : ndarray of shape (L, L)
        Monte Carlo p of each cell against its floor (diagonal: 1).
    floor : ndarray of shape (L, L)
        The ``(1 - alpha)`` floor quantile each cell was compared with.
    alpha : float
    label : str
        The legend text.
    """

    layers: tuple[str, ...]
    within_noise: NDArray[np.bool_]
    p_values: NDArray[np.float64]
    floor: NDArray[np.float64]
    alpha: float
    label: str

    @property
    def n_within(self) -> int:
        """Off-diagonal cells (each pair once) within the noise."""
        iu = np.triu_indices(len(self.layers), k=1)
        return int(self.within_noise[iu].sum())


@dataclass(frozen=True, eq=False)
class NoiseFloors:
    """Per-layer noise floors of a layer-distance matrix (or the CKA null).

    Attributes
    ----------
    layers : tuple of str
    metric : str
        A diagram metric (``"sliced_wasserstein"``, ...) or ``"cka"``.
    dim : int
    n_splits : int
        Splits (or, for ``"cka"``, permutations) per layer / cell.
    floors : ndarray
        ``(L, n_splits)`` split-half distances per layer; for ``"cka"`` the
        ``(L, L, n_splits)`` CKA of each pair with one layer's images shuffled.
    seed : int

    Examples
    --------
    >>> import numpy as np
    >>> f = NoiseFloors(("a", "b", "c"), "sliced_wasserstein", 1, 4,
    ...                 np.array([[1, 2, 3, 4], [1, 1, 1, 1], [5, 6, 7, 8.]]), 0)
    >>> m = DistanceMatrix(np.array([[0, 2.5, 9], [2.5, 0, 9], [9, 9, 0.]]), ("a", "b", "c"),
    ...                    metric="sliced_wasserstein")
    >>> a = f.assess(m, alpha=0.25)
    >>> bool(a.within_noise[0, 1]), bool(a.within_noise[0, 2]), float(a.p_values[0, 1])
    (True, False, 0.6)
    """

    layers: tuple[str, ...]
    metric: str
    dim: int
    n_splits: int
    floors: NDArray[np.float64]
    seed: int

    def assess(self, matrix: Any, alpha: float = 0.05) -> FloorAssessment:
        """Mark the cells of ``matrix`` (same layers, same metric) within the noise.

        For a diagram metric, ``matrix`` holds distances; for ``"cka"`` it holds
        the CKA similarities (``Analysis.cka_matrix()``) and a cell is within the noise
        when its similarity is not above its permutation null (one-sided p > ``alpha``).
        """
        alpha = check_number(alpha, name="alpha", minimum=0.0)
        if not 0 < alpha < 1:
            raise ValueError(f"alpha: expected a number in (0, 1), got {alpha}")
        if not isinstance(matrix, DistanceMatrix):
            raise TypeError(f"matrix: expected a DistanceMatrix, got {describe(matrix)}")
        if tuple(matrix.layers) != tuple(self.layers):
            raise ValueError(
                f"matrix: expected the layers {list(self.layers)}, got {list(matrix.layers)}"
            )
        is_cka = self.metric == "cka"
        if (matrix.metric == "linear_cka") != is_cka or (
            not is_cka and matrix.metric != self.metric
        ):
            raise ValueError(
                f"matrix: expected a {self.metric} matrix for these floors, got {matrix.metric}"
            )
        d = np.asarray(matrix.values, dtype=np.float64)
        n = len(self.layers)
        b = self.n_splits
        if is_cka:
            null = self.floors  # (L, L, B) similarities under shuffling
            hits = np.sum(null >= d[:, :, None] - 1e-12, axis=2)
            p = (1 + hits) / (1 + b)
            floor = np.quantile(null, 1 - alpha, axis=2, method="higher")
            within = p > alpha
            label = (
                f"hatched: CKA not above image-shuffled CKA (permutation p > {alpha:g}, B = {b})"
            )
        else:
            q = np.quantile(self.floors, 1 - alpha, axis=1, method="higher")  # (L,)
            worse = np.where(q[:, None] >= q[None, :], np.arange(n)[:, None], np.arange(n)[None, :])
            floor = q[worse]
            hits = np.sum(self.floors[worse] >= d[:, :, None] - 1e-12, axis=2)
            p = (1 + hits) / (1 + b)
            within = d <= floor
            label = (
                f"hatched: within the split-half noise floor (distance ≤ the larger layer's "
                f"{100 * (1 - alpha):g}% floor quantile, {b} splits)"
            )
        np.fill_diagonal(within, True)
        np.fill_diagonal(p, 1.0)
        return FloorAssessment(
            layers=tuple(self.layers),
            within_noise=np.asarray(within, dtype=bool),
            p_values=np.asarray(p, dtype=np.float64),
            floor=np.asarray(floor, dtype=np.float64),
            alpha=alpha,
            label=label,
        )


def _centred(x: NDArray[Any]) -> NDArray[np.float64]:
    xc = np.asarray(x, dtype=np.float64)
    return xc - xc.mean(axis=0)


def _hsic_pair(
    xi: NDArray[np.float64], xj: NDArray[np.float64], perms: Sequence[NDArray[np.int64]]
) -> tuple[float, NDArray[np.float64]]:
    """``||Xi^T Xj||_F^2`` and the same with the rows of ``Xj`` permuted, per permutation
    (feature-space form, ``O(m d_i d_j)`` each; permuting rows keeps ``Xj`` centred)."""
    observed = float(np.sum((xi.T @ xj) ** 2))
    null = np.array([np.sum((xi.T @ xj[p]) ** 2) for p in perms])
    return observed, null


def cka_permutation_null(
    clouds: Sequence[Any],
    *,
    n_permutations: int = 99,
    seed: int = 0,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Linear CKA of every pair of layers, and its null with one layer's images shuffled.

    Works on the rows given (pass a subsample of images for large data: the cost is
    ``O(L^2 B m d^2)`` for ``d`` features per layer). Returns ``(observed, null)``:
    ``(L, L)`` CKA on these rows and ``(L, L, B)`` CKA after a random permutation of
    the rows of the second layer.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(50, 4))
    >>> obs, null = cka_permutation_null([x, x @ rng.normal(size=(4, 3))], n_permutations=20)
    >>> null.shape, bool(obs[0, 1] > null[0, 1].max())
    ((2, 2, 20), True)
    """
    n_permutations = check_int(n_permutations, name="n_permutations", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    arrays = [
        c.points if isinstance(c, PointCloud) else as_points(c, dtype="exact") for c in clouds
    ]
    m = arrays[0].shape[0]
    for i, a in enumerate(arrays):
        if a.shape[0] != m:
            raise ValueError(f"clouds[{i}]: expected {m} rows (one per image), got {a.shape[0]}")
    centred = [_centred(a) for a in arrays]
    norms = [float(np.sqrt(np.sum((c.T @ c) ** 2))) for c in centred]
    n = len(centred)
    observed = np.eye(n)
    null = np.ones((n, n, n_permutations))
    rng = np.random.default_rng(seed)
    perms = [rng.permutation(m) for _ in range(n_permutations)]
    for i in range(n):
        for j in range(i + 1, n):
            denom = norms[i] * norms[j]
            if denom == 0:
                observed[i, j] = observed[j, i] = 0.0
                null[i, j] = null[j, i] = 0.0
                continue
            hsic, hsic_null = _hsic_pair(centred[i], centred[j], perms)
            observed[i, j] = observed[j, i] = hsic / denom
            null[i, j] = null[j, i] = hsic_null / denom
    return observed, null
