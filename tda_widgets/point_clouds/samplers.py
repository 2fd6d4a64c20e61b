"""The paper's point clouds: top-l2, random position, all positions, pooled, flattened.

Each function returns a small frozen sampler object. Call it on a full activation
array, ``top_l2()(acts)``, or pass it to ``extract_activations(point_cloud=...)`` to
sample batch by batch while the model runs. Random samplers draw from a
``numpy.random.default_rng(seed)`` stream consumed in image order, so the cloud does
not depend on the batch size, and every layer gets the same stream (layers of the
same spatial size get the same positions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from numpy.typing import NDArray

from tda_widgets._types import PointCloud
from tda_widgets._validation import check_bool, check_int
from tda_widgets.point_clouds.base import Sampler, SamplerStateBase

__all__ = [
    "SAMPLERS",
    "all_positions",
    "flatten",
    "pooled",
    "random_position",
    "top_l2",
]

_INDEX_BYTES = 3 * 8  # image_index and position kept per point


def _positions(flat: NDArray[np.int64], width: int) -> NDArray[np.int64]:
    return np.stack([flat // width, flat % width], axis=1)


def _gather(x: torch.Tensor, images: Any, flat_positions: Any) -> torch.Tensor:
    """``x[images[k], :, flat_positions[k]]`` for a ``(B, C, H, W)`` batch -> ``(m, C)``."""
    img = torch.as_tensor(images, device=x.device)
    pos = torch.as_tensor(flat_positions, device=x.device)
    return x.flatten(2)[img, :, pos]


_CACHE_ELEMENTS = 2**21  # elements per squared-norm chunk: an 8 MB float32 temporary


def _squared_norms(flat: torch.Tensor, relu: bool) -> torch.Tensor:
    """Squared l2 norms over channels of ``(B, C, P)`` (after ReLU if asked): ``(B, P)``.

    Square then sum over channels, a few images at a time so that the temporary stays
    in cache: several times faster on CPU than ``linalg.vector_norm`` over the strided
    channel axis, and no batch-sized temporary. Each image's sums do not depend on how
    the images are grouped, so streaming and full runs pick the same argmax.
    """
    b, c, p = flat.shape
    out = torch.empty(b, p, dtype=flat.dtype, device=flat.device)
    step = b if flat.is_cuda else max(1, _CACHE_ELEMENTS // max(1, c * p))
    for s in range(0, b, step):
        part = flat[s : s + step]
        squares = torch.relu(part).square_() if relu else part.square()
        torch.sum(squares, dim=1, out=out[s : s + step])
    return out


# --------------------------------------------------------------------------- top_l2
@dataclass(frozen=True)
class TopL2(Sampler):
    """Per image, the spatial vector of largest l2 norm (see :func:`top_l2`)."""

    name: ClassVar[str] = "top_l2"
    relu: bool = False

    def __post_init__(self) -> None:
        check_bool(self.relu, name="relu")

    def start(self, layer: str = "") -> SamplerStateBase:
        return _TopL2State(self, layer)

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        return n_images * (sample_shape[0] * 4 + _INDEX_BYTES)


class _TopL2State(SamplerStateBase):
    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        x = self._prepare(activations)
        flat = x.flatten(2)  # (B, C, H*W)
        norms = _squared_norms(flat, self.sampler.relu)
        # without ReLU the norms are non-finite iff a value is (or they overflow); ReLU
        # would hide a -inf, so then the batch's own sum is checked
        self._check_finite(x, image_offset, summary=None if self.sampler.relu else norms)
        best = norms.argmax(dim=1)  # first max on ties
        batch = torch.arange(x.shape[0], device=x.device)
        best_np = best.cpu().numpy().astype(np.int64)
        self._keep(
            self._relu(flat[batch, :, best]),
            image_offset + np.arange(x.shape[0]),
            _positions(best_np, x.shape[3]),
        )


def top_l2(*, relu: bool = False) -> TopL2:
    """Per image, the spatial activation vector with the largest l2 norm.

    The paper's input to persistent homology: one point in ``R^C`` per image, taken at
    the position ``(i, j)`` where ``||x[:, i, j]||`` is largest (first position in
    row-major order on ties). The authors took it from raw conv outputs, before batch
    norm and ReLU, hence ``relu=False`` by default.

    Parameters
    ----------
    relu : bool
        Apply ReLU to the whole feature map first; the position is then the one of
        largest norm *after* ReLU.

    Returns
    -------
    TopL2
        A sampler; call it on activations ``(N, C, H, W)`` or pass it as
        ``point_cloud=`` to :func:`~tda_widgets.extract_activations`.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import top_l2
    >>> acts = np.zeros((2, 3, 2, 2), dtype=np.float32)
    >>> acts[0, :, 1, 0] = [1, 2, 2]     # norm 3 at row 1, column 0 of image 0
    >>> acts[1, :, 0, 1] = [0, -4, 0]    # norm 4 at row 0, column 1 of image 1
    >>> cloud = top_l2()(acts, layer="toy", labels=[7, 3])
    >>> cloud.points
    array([[ 1.,  2.,  2.],
           [ 0., -4.,  0.]], dtype=float32)
    >>> cloud.position.tolist(), cloud.image_index.tolist(), cloud.labels.tolist()
    ([[1, 0], [0, 1]], [0, 1], [7, 3])
    """
    return TopL2(relu=relu)


# ------------------------------------------------------------------ random_position
@dataclass(frozen=True)
class RandomPosition(Sampler):
    """One random spatial vector per image (see :func:`random_position`)."""

    name: ClassVar[str] = "random_position"
    seed: int = 0
    relu: bool = True
    skip_index_0: bool = False

    def __post_init__(self) -> None:
        check_int(self.seed, name="seed", minimum=0)
        check_bool(self.relu, name="relu")
        check_bool(self.skip_index_0, name="skip_index_0")

    def start(self, layer: str = "") -> SamplerStateBase:
        return _RandomPositionState(self, layer)

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        return n_images * (sample_shape[0] * 4 + _INDEX_BYTES)


class _RandomPositionState(SamplerStateBase):
    sampler: RandomPosition

    def __init__(self, sampler: RandomPosition, layer: str) -> None:
        super().__init__(sampler, layer)
        self.rng = np.random.default_rng(sampler.seed)

    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        x = self._prepare(activations)
        self._check_finite(x, image_offset)
        b, _, h, w = x.shape
        lo = 1 if self.sampler.skip_index_0 else 0
        if h - lo < 1 or w - lo < 1:
            raise ValueError(
                f"skip_index_0: expected a feature map of at least 2x2 to skip index 0, got "
                f"{h}x{w} at layer {self.layer!r}"
            )
        # doubles, not rng.integers: one draw per value, so batch splits do not matter
        u = self.rng.random((b, 2))
        rows = lo + np.minimum(np.floor(u[:, 0] * (h - lo)).astype(np.int64), h - lo - 1)
        cols = lo + np.minimum(np.floor(u[:, 1] * (w - lo)).astype(np.int64), w - lo - 1)
        points = self._relu(_gather(x, np.arange(b), rows * w + cols))
        self._keep(points, image_offset + np.arange(b), np.stack([rows, cols], axis=1))


def random_position(
    *, seed: int = 0, relu: bool = True, skip_index_0: bool = False
) -> RandomPosition:
    """One spatial activation vector per image, at a random position.

    The authors' "random single sample" Mapper cloud (as in TopoAct and Activation
    Atlas). Row and column are drawn uniformly and independently per image.

    Departures from the authors' code, which drew ``randint(1, n)`` (so rows and
    columns ``1 .. n-1``, "to avoid the boundary", though the last row and column
    were kept): here every position, border included, can be drawn by default;
    ``skip_index_0=True`` reproduces the authors' range. ReLU is applied to the
    sampled vectors (``relu=True``, as the authors did for Mapper clouds).

    Parameters
    ----------
    seed : int
        Seed of the ``numpy.random.default_rng`` stream. The stream is consumed in
        image order, so the positions do not depend on the batch size.
    relu : bool
        Apply ReLU to the sampled vectors.
    skip_index_0 : bool
        Draw rows and columns from ``1 .. n-1`` like the authors' scripts.

    Returns
    -------
    RandomPosition
        A sampler; call it on activations ``(N, C, H, W)`` or pass it as ``point_cloud=``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import random_position
    >>> acts = np.arange(4 * 2 * 3 * 3, dtype=np.float32).reshape(4, 2, 3, 3)
    >>> cloud = random_position(seed=1)(acts)
    >>> i, (r, c) = cloud.image_index[2], cloud.position[2]
    >>> bool((cloud.points[2] == acts[i, :, r, c]).all())
    True
    >>> bool((random_position(seed=1)(acts).position == cloud.position).all())
    True
    """
    return RandomPosition(seed=seed, relu=relu, skip_index_0=skip_index_0)


# -------------------------------------------------------------------- all_positions
@dataclass(frozen=True)
class AllPositions(Sampler):
    """Every spatial vector of every image, capped (see :func:`all_positions`)."""

    name: ClassVar[str] = "all_positions"
    max_points: int | None = 80_000
    seed: int = 0
    relu: bool = True

    def __post_init__(self) -> None:
        if self.max_points is not None:
            check_int(self.max_points, name="max_points", minimum=1)
        check_int(self.seed, name="seed", minimum=0)
        check_bool(self.relu, name="relu")

    def start(self, layer: str = "") -> SamplerStateBase:
        return _AllPositionsState(self, layer)

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        c, hw = sample_shape[0], int(np.prod(sample_shape[1:]))
        n = n_images * hw if self.max_points is None else min(n_images * hw, self.max_points)
        return n * (c * 4 + _INDEX_BYTES + 16)


class _AllPositionsState(SamplerStateBase):
    sampler: AllPositions

    def __init__(self, sampler: AllPositions, layer: str) -> None:
        super().__init__(sampler, layer)
        self.rng = np.random.default_rng(sampler.seed)
        self.keys = np.zeros(0)  # random key per kept point: the smallest keys win
        self.flat = np.zeros(0, dtype=np.int64)  # image * H*W + position
        self.points = np.zeros((0, 0), dtype=np.float32)
        self.n_seen = 0

    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        x = self._prepare(activations)
        self._check_finite(x, image_offset)
        b, c, h, w = x.shape
        hw = h * w
        flat = image_offset * hw + np.arange(b * hw, dtype=np.int64)
        self.n_seen += b * hw
        cap = self.sampler.max_points
        if cap is None:
            local = np.arange(b * hw)
            keys = np.zeros(0)
            keep_old = np.arange(self.flat.shape[0])
        else:
            # bottom-k of uniform keys = a uniform sample without replacement, and the
            # keys depend only on the image order, not on the batch boundaries
            keys = np.concatenate([self.keys, self.rng.random(b * hw)])
            n_old = self.keys.shape[0]
            chosen = np.arange(keys.shape[0])
            if keys.shape[0] > cap:
                chosen = np.sort(np.argpartition(keys, cap - 1)[:cap])
            keep_old = chosen[chosen < n_old]
            local = chosen[chosen >= n_old] - n_old
            keys = keys[np.concatenate([keep_old, local + n_old])]
        new = self._relu(_gather(x, local // hw, local % hw)).cpu().numpy()
        old = self.points[keep_old] if self.points.shape[1] else np.zeros((0, c), np.float32)
        self.points = np.concatenate([old, new])
        self.flat = np.concatenate([self.flat[keep_old], flat[local]])
        if cap is not None:
            self.keys = keys

    def finish(self, *, labels: NDArray[np.int64] | None, n_images: int) -> PointCloud:
        if self.shape is None:
            raise ValueError(f"{self.sampler.name}: no activations were given to sample from")
        hw, w = self.shape[1] * self.shape[2], self.shape[2]
        order = np.argsort(self.flat, kind="stable")
        flat = self.flat[order]
        cap = self.sampler.max_points
        extra = {"n_total": self.n_seen, "subsampled": cap is not None and self.n_seen > cap}
        return self._cloud(
            self.points[order], flat // hw, _positions(flat % hw, w), labels, n_images, extra
        )


def all_positions(
    *, max_points: int | None = 80_000, seed: int = 0, relu: bool = True
) -> AllPositions:
    """Every spatial activation vector of every image, capped at ``max_points``.

    The authors' "full" Mapper cloud: ``N * H * W`` points in ``R^C``. When there are
    more than ``max_points``, a uniform random subset of exactly ``max_points`` is
    kept, drawn without replacement (as in the authors' newer script, whose cap was
    80,000; the older one drew 800k *with* replacement). The cloud's ``params`` record
    ``n_total`` and ``subsampled``, and every point keeps its image and position.
    Points are ordered by image, then position. ReLU is applied (``relu=True``) as the
    authors did for Mapper clouds.

    Parameters
    ----------
    max_points : int or None
        Most points kept; ``None`` keeps all (mind the memory).
    seed : int
        Seed of the random keys that choose the subset (consumed in image order).
    relu : bool
        Apply ReLU to the vectors.

    Returns
    -------
    AllPositions
        A sampler; call it on activations ``(N, C, H, W)`` or pass it as ``point_cloud=``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import all_positions
    >>> acts = np.random.default_rng(0).normal(size=(3, 4, 2, 2)).astype(np.float32)
    >>> full = all_positions(relu=False)(acts)
    >>> full.n_points, full.position[:3].tolist()
    (12, [[0, 0], [0, 1], [1, 0]])
    >>> capped = all_positions(max_points=5, relu=False)(acts)
    >>> capped.n_points, capped.params["n_total"], capped.params["subsampled"]
    (5, 12, True)
    """
    return AllPositions(max_points=max_points, seed=seed, relu=relu)


# ----------------------------------------------------------------- pooled / flatten
@dataclass(frozen=True)
class Pooled(Sampler):
    """One vector per image: the mean over spatial positions (see :func:`pooled`)."""

    name: ClassVar[str] = "pooled"
    relu: bool = False

    def __post_init__(self) -> None:
        check_bool(self.relu, name="relu")

    def start(self, layer: str = "") -> SamplerStateBase:
        return _ImageLevelState(self, layer)

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        return n_images * (sample_shape[0] * 4 + _INDEX_BYTES)


@dataclass(frozen=True)
class Flatten(Sampler):
    """One vector per image: the whole activation tensor (see :func:`flatten`)."""

    name: ClassVar[str] = "flatten"
    relu: bool = False

    def __post_init__(self) -> None:
        check_bool(self.relu, name="relu")

    def start(self, layer: str = "") -> SamplerStateBase:
        return _ImageLevelState(self, layer)

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        return n_images * (int(np.prod(sample_shape)) * 4 + _INDEX_BYTES)


class _ImageLevelState(SamplerStateBase):
    spatial = False

    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        x = self._prepare(activations)
        self._check_finite(x, image_offset)
        x = self._relu(x)
        b = x.shape[0]
        if isinstance(self.sampler, Flatten) or x.ndim == 2:
            points = x.reshape(b, -1)
        elif x.ndim == 4:
            points = x.mean(dim=(2, 3))
        else:
            raise ValueError(
                f"pooled (layer {self.layer!r}): expected activations of shape (N, C, H, W) or "
                f"(N, D), got shape {tuple(x.shape)}; use flatten() for other shapes"
            )
        self._keep(points, image_offset + np.arange(b), np.full((b, 2), -1))


def pooled(*, relu: bool = False) -> Pooled:
    """One point per image: the activations averaged over spatial positions.

    Global average pooling of ``(N, C, H, W)`` to ``(N, C)``; ``(N, D)`` outputs of
    linear layers are kept as they are. An image-level cloud (``position`` is -1), not
    one of the authors' clouds.

    Parameters
    ----------
    relu : bool
        Apply ReLU before averaging.

    Returns
    -------
    Pooled
        A sampler; call it on activations or pass it as ``point_cloud=``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import pooled
    >>> acts = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2)
    >>> cloud = pooled()(acts)
    >>> cloud.points, cloud.position
    (array([[1.5, 5.5]], dtype=float32), array([[-1, -1]]))
    """
    return Pooled(relu=relu)


def flatten(*, relu: bool = False) -> Flatten:
    """One point per image: its whole activation tensor as one vector.

    ``(N, C, H, W)`` becomes ``(N, C*H*W)`` (row-major, channel first). An image-level
    cloud (``position`` is -1); it can be large, which the memory budget of
    :func:`~tda_widgets.extract_activations` checks.

    Parameters
    ----------
    relu : bool
        Apply ReLU first.

    Returns
    -------
    Flatten
        A sampler; call it on activations or pass it as ``point_cloud=``.

    Examples
    --------
    >>> import numpy as np
    >>> from tda_widgets import flatten
    >>> flatten()(np.ones((5, 2, 3, 3))).points.shape
    (5, 18)
    """
    return Flatten(relu=relu)


SAMPLERS: dict[str, Callable[[], Sampler]] = {
    "top_l2": top_l2,
    "random_position": random_position,
    "all_positions": all_positions,
    "pooled": pooled,
    "flatten": flatten,
}
"""Sampler factories by name, as accepted by ``point_cloud=``."""
