"""What ``extract_activations(point_cloud=...)`` needs from a sampler.

A sampler is fed one batch of a layer's output at a time and keeps only what it
samples, so the full activations of a large data set never sit in memory together.
The samplers themselves live in :mod:`tda_widgets.point_clouds` (stage 2); this stage
only defines the protocol they follow, so that stage 1 does not depend on stage 2.

Samplers are found by name through the ``tda_widgets.samplers`` entry-point group
(``pyproject.toml`` declares the package's own), so another package can add one by
declaring an entry point, and this stage never imports stage 2.
"""

from __future__ import annotations

import functools
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import torch
from numpy.typing import NDArray

if TYPE_CHECKING:
    from tda_widgets._types import PointCloud

from tda_widgets._validation import check_choice, describe

__all__ = [
    "SAMPLER_GROUP",
    "SamplerState",
    "StreamingSampler",
    "check_finite",
    "named_sampler",
    "sampler_names",
]

#: the entry-point group that maps a sampler's name to a function making one
SAMPLER_GROUP = "tda_widgets.samplers"


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


@functools.cache
def _sampler_entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=SAMPLER_GROUP)}


def sampler_names() -> list[str]:
    """The names :func:`named_sampler` knows, sorted.

    Examples
    --------
    >>> "top_l2" in sampler_names()
    True
    """
    return sorted(_sampler_entry_points())


def named_sampler(sampler: str, *, name: str = "point_cloud") -> StreamingSampler:
    """A sampler with default parameters from its registered name.

    ``name`` is the argument the name came from, for error messages.

    Examples
    --------
    >>> named_sampler("top_l2")
    TopL2(relu=False)
    >>> named_sampler("top_l3")
    Traceback (most recent call last):
    ...
    ValueError: point_cloud: unknown name 'top_l3'; did you mean 'top_l2'?
    """
    known = _sampler_entry_points()
    if not known:
        raise RuntimeError(
            f"{name}: no samplers are registered under the entry-point group "
            f"{SAMPLER_GROUP!r}; is tda_widgets installed (pip install -e .)?"
        )
    factory = known[check_choice(sampler, known, name=name)].load()
    made = factory()
    if not isinstance(made, StreamingSampler):
        raise TypeError(
            f"{name}: the entry point {sampler!r} of {SAMPLER_GROUP!r} made "
            f"{describe(made)}, not a sampler with a start() method"
        )
    return made
