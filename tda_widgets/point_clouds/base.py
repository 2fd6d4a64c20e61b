"""The sampler base class: one configuration, a fresh streaming state per layer.

A sampler turns a layer's activations ``(N, C, H, W)`` (or ``(N, D)`` for image-level
samplers) into a :class:`~tda_widgets.PointCloud`. It sees the images one batch at a
time, in order, and its randomness depends only on the image order, never on how the
images were split into batches: streaming over batches and sampling a full array in
one call give identical clouds.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import torch
from numpy.typing import NDArray

from tda_widgets._types import PointCloud
from tda_widgets._validation import describe
from tda_widgets.activations.data import check_labels
from tda_widgets.activations.streaming import check_finite

__all__ = ["Sampler", "SamplerStateBase"]


class Sampler(ABC):
    """Base class of the point-cloud samplers (``top_l2()``, ``pooled()``, ...).

    Subclasses are frozen dataclasses whose fields are the sampler's parameters;
    ``relu`` applies ``max(x, 0)`` to the activations before sampling.
    """

    name: ClassVar[str] = ""
    relu: bool

    def params(self) -> dict[str, Any]:
        """The sampler's name and parameters, as stored in ``PointCloud.params``."""
        fields: dict[str, Any] = dataclasses.asdict(self) if dataclasses.is_dataclass(self) else {}
        return {"sampler": self.name, **fields}

    @abstractmethod
    def start(self, layer: str = "") -> SamplerStateBase:
        """A fresh streaming state for the layer named ``layer``."""

    @abstractmethod
    def output_nbytes(self, n_images: int, sample_shape: tuple[int, ...]) -> int:
        """About how many bytes the cloud of ``n_images`` images will take."""

    def __call__(
        self, activations: Any, *, layer: str = "", labels: Any = None, chunk_size: int = 256
    ) -> PointCloud:
        """Sample a full activation array ``(N, ...)`` (numpy or torch) in one call.

        Gives the same cloud as streaming the same images through
        ``extract_activations(..., point_cloud=self)``.
        """
        if isinstance(activations, np.ndarray):
            activations = torch.from_numpy(activations)
        if not isinstance(activations, torch.Tensor):
            raise TypeError(
                f"activations: expected an array of shape (N, C, H, W) or (N, D), "
                f"got {describe(activations)}"
            )
        if activations.ndim < 2 or activations.shape[0] == 0:
            raise ValueError(
                "activations: expected an array of shape (N, C, H, W) or (N, D) with N >= 1, "
                f"got shape {tuple(activations.shape)}"
            )
        if not activations.is_floating_point():
            activations = activations.to(torch.float32)
        n = int(activations.shape[0])
        lab = None if labels is None else check_labels(labels, n).numpy()
        state = self.start(layer)
        for start in range(0, n, chunk_size):
            state.update(activations[start : start + chunk_size], start)
        return state.finish(labels=lab, n_images=n)


class SamplerStateBase(ABC):
    """Collects the sampled points of one layer, batch by batch.

    Subclasses implement :meth:`update` and call :meth:`_keep` with the points they
    sample; :meth:`finish` assembles the :class:`~tda_widgets.PointCloud`.
    """

    spatial: ClassVar[bool] = True  # needs (B, C, H, W) input

    def __init__(self, sampler: Sampler, layer: str) -> None:
        self.sampler = sampler
        self.layer = layer
        self.shape: tuple[int, ...] | None = None
        self._points: list[NDArray[np.float32]] = []
        self._image_index: list[NDArray[np.int64]] = []
        self._position: list[NDArray[np.int64]] = []

    def _prepare(self, x: torch.Tensor) -> torch.Tensor:
        """Check the batch's shape (same per image as before) and return it as float32."""
        where = f"{self.sampler.name} (layer {self.layer!r})"
        if self.spatial and x.ndim != 4:
            raise ValueError(
                f"{where}: expected a conv feature map of shape (N, C, H, W), got shape "
                f"{tuple(x.shape)}; use pooled() or flatten() for image-level clouds"
            )
        shape = tuple(x.shape[1:])
        if self.shape is None:
            self.shape = shape
        elif shape != self.shape:
            raise ValueError(
                f"{where}: expected every batch to have per-image shape {self.shape}, got {shape}"
            )
        return x.detach().float()

    def _check_finite(
        self, x: torch.Tensor, image_offset: int, summary: torch.Tensor | None = None
    ) -> None:
        """Non-finite activations are an error (see ``check_finite``)."""
        check_finite(x, where=f"layer {self.layer!r}", image_offset=image_offset, summary=summary)

    def _relu(self, x: torch.Tensor) -> torch.Tensor:
        return x.clamp_min(0) if self.sampler.relu else x

    def _keep(self, points: torch.Tensor, image_index: Any, position: Any) -> None:
        self._points.append(points.to("cpu", torch.float32).numpy())
        self._image_index.append(np.asarray(image_index, dtype=np.int64))
        self._position.append(np.asarray(position, dtype=np.int64).reshape(-1, 2))

    @abstractmethod
    def update(self, activations: torch.Tensor, image_offset: int) -> None:
        """Take in a batch whose first image has index ``image_offset``."""

    def _collected(self) -> tuple[NDArray[np.float32], NDArray[np.int64], NDArray[np.int64]]:
        if not self._points:
            raise ValueError(f"{self.sampler.name}: no activations were given to sample from")
        return (
            np.concatenate(self._points),
            np.concatenate(self._image_index),
            np.concatenate(self._position),
        )

    def finish(self, *, labels: NDArray[np.int64] | None, n_images: int) -> PointCloud:
        """The cloud of everything seen; ``labels`` gives one label per image."""
        points, image_index, position = self._collected()
        return self._cloud(points, image_index, position, labels, n_images, {})

    def _cloud(
        self,
        points: NDArray[np.float32],
        image_index: NDArray[np.int64],
        position: NDArray[np.int64],
        labels: NDArray[np.int64] | None,
        n_images: int,
        extra: dict[str, Any],
    ) -> PointCloud:
        if labels is not None and np.shape(labels) != (n_images,):
            raise ValueError(
                f"labels: expected {n_images} labels (one per image), got shape {np.shape(labels)}"
            )
        params = {
            **self.sampler.params(),
            "layer_shape": self.shape,
            "n_images": n_images,
            **extra,
        }
        return PointCloud(
            points=np.ascontiguousarray(points, dtype=np.float32),
            image_index=image_index,
            position=position,
            layer=self.layer,
            labels=None if labels is None else np.asarray(labels, dtype=np.int64)[image_index],
            params=params,
        )
