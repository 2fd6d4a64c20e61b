"""What ``extract_activations(point_cloud=...)`` needs from a sampler.

A sampler is fed one batch of a layer's output at a time and keeps only what it
samples, so the full activations of a large data set never sit in memory together.
The samplers themselves live in :mod:`tda_widgets.point_clouds` (stage 2); this stage
only defines the protocol they follow, so that stage 1 does not depend on stage 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import torch
from numpy.typing import NDArray

if TYPE_CHECKING:
    from tda_widgets._types import PointCloud

__all__ = ["SamplerState", "StreamingSampler", "check_finite"]


class SamplerState(Protocol):
    """The running state of a sampler on one layer."""

    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        """Take in a batch ``(B, ...)`` whose first image has index ``image_offset``."""

    def finish(self, *, labels: NDArray[np.int64] | None, n_images: int) -> PointCloud:
        """The point cloud of everything seen; ``labels`` has one entry per image."""
        ...


@runtime_checkable
class StreamingSampler(Protocol):
    """A sampler configuration that can start a :class:`SamplerState` per layer."""

    def start(self, layer: str = "") -> SamplerState:
        """A fresh state for the layer named ``layer``."""
        ...

    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        """Bytes kept for ``n_images`` images whose layer output has ``sample_shape``."""
        ...


def check_finite(
    values: torch.Tensor,
    *,
    where: str,
    image_offset: int = 0,
    summary: torch.Tensor | None = None,
) -> None:
    """Raise a ``ValueError`` naming the first non-finite value of a batch, if any.

    The fast path checks the sum of ``summary`` if given (a non-negative tensor that
    is non-finite whenever a value is, such as a sampler's squared norms), else the
    batch's sum. Only when that is not finite (a non-finite value, or an overflow)
    does the exact element-wise check run.

    Examples
    --------
    >>> import torch
    >>> check_finite(torch.ones(2, 3), where="layer 'fc'")
    >>> check_finite(torch.tensor([[1.0, float("nan")]]), where="layer 'fc'", image_offset=5)
    Traceback (most recent call last):
    ...
    ValueError: layer 'fc': expected finite activations, got nan for image 5 at index (1,) ...
    """
    if values.numel() == 0:
        return
    # one reduction and a scalar test: few ops, which matters on a busy machine
    if bool(torch.isfinite((values if summary is None else summary).sum())):
        return
    bad = ~torch.isfinite(values)
    if not bool(bad.any()):
        return
    first: Any = bad.nonzero()[0].tolist()
    value = values[tuple(first)].item()
    raise ValueError(
        f"{where}: expected finite activations, got {value} for image {image_offset + first[0]} "
        f"at index {tuple(first[1:])} ({int(bad.sum())} non-finite values in this batch); "
        "check the inputs and the model's weights"
    )
