"""``explore()``: from a model (or the embedded default) to the linked explorer in one call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tda_widgets._validation import check_int
from tda_widgets.activations.data import images_and_labels_dataset, is_images_and_labels
from tda_widgets.activations.layers import list_layers, resolve_layers
from tda_widgets.widgets.panels.explorer import ActivationExplorer

__all__ = ["explore"]


def explore(
    model: Any = None,
    data: Any = None,
    layers: Sequence[str] | None = None,
    *,
    point_cloud: Any = "top_l2",
    metric: str = "sliced_wasserstein",
    n_images: int | None = None,
    class_names: Any = None,
    mapper_params: dict[str, Any] | None = None,
    cache_dir: Any = None,
    n_jobs: int | None = None,
    progress: bool = True,
    confidence: bool = True,
    **analysis_kwargs: Any,
) -> ActivationExplorer:
    """The linked explorer of a model's layers: the front door of tda_widgets.

    With no arguments, shows the embedded default: the shipped MNIST ResNet-18
    (:func:`tda_widgets.datasets.default_model`) on 500 held-out ``mnist_5k`` digits,
    at its 17 convolutions.

    Parameters
    ----------
    model : torch.nn.Module, optional
        Any model; layers are found with forward hooks.
    data : tensor, Dataset or DataLoader
        Images (and labels); required with ``model``.
    layers : sequence of str, optional
        Module names; default every ``Conv2d`` of the model. Unknown names are reported
        (with close matches) before anything is computed.
    point_cloud : str or sampler
        How a layer becomes a point cloud (default the paper's top l2 position).
    metric : str
        Diagram distance of the layer matrix.
    n_images : int, optional
        Use only the first ``n_images`` images of ``data``.
    class_names, mapper_params
        See :class:`ActivationExplorer`.
    confidence : bool
        Draw the confidence sets of the two layers shown on their diagrams (on by
        default: the subsampling bound, reusing each layer's distance matrix, costs
        about a second per 1,000-point layer); the matrix's noise floors are one click
        away (its "Noise floors" toggle). See :class:`ActivationExplorer`.
    cache_dir, n_jobs, progress, **analysis_kwargs
        See :class:`~tda_widgets.Analysis`; e.g. ``normalize="median"`` scales every
        layer's cloud to median pairwise distance 1, so the matrix compares shapes, not
        the layers' scales.

    Examples
    --------
    >>> import torch, torchvision, tempfile
    >>> from tda_widgets import explore
    >>> model = torchvision.models.resnet18(num_classes=10)
    >>> images = torch.randn(40, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ex = explore(model, images, ["layer1.0.conv1", "layer4.1.conv2"],
    ...                  cache_dir=tmp, progress=False)
    >>> ex.selection.layers
    ('layer1.0.conv1', 'layer4.1.conv2')
    >>> explore(model, images, ["layer1.0.conv3"])
    Traceback (most recent call last):
    ...
    ValueError: layers: unknown name 'layer1.0.conv3'; did you mean ...
    """
    from tda_widgets.analysis import Analysis

    if model is None:
        from tda_widgets.datasets import RESNET18_CONV_LAYERS, default_model, mnist_5k

        if data is not None:
            raise ValueError("data: pass a model with your data (the default model reads MNIST)")
        model, _ = default_model()
        data = mnist_5k("test")
        n_images = 500 if n_images is None else n_images
        layers = list(RESNET18_CONV_LAYERS) if layers is None else layers
    elif data is None:
        raise ValueError("data: expected images (tensor, Dataset or DataLoader) with the model")
    if layers is None:  # the paper's choice: every convolution
        layers = list_layers(model, kind="Conv2d", input_shape=None).names
    # every name checked before anything is computed
    layers = list(resolve_layers(model, layers))
    if len(layers) < 2:
        raise ValueError(
            f"layers: the explorer compares layers, so it needs at least 2, got {layers}; "
            "for one layer use PersistenceDiagramWidget or MapperGraphWidget on "
            "Analysis(model, data, layers).cloud(layer)"
        )
    if is_images_and_labels(data):  # the common (images, labels) pair, both checked
        data = images_and_labels_dataset(data)
    if n_images is not None:
        data = _first(data, check_int(n_images, name="n_images", minimum=1))
    analysis = Analysis(
        model,
        data,
        layers,
        point_cloud=point_cloud,
        cache_dir=cache_dir,
        n_jobs=n_jobs,
        progress=progress,
        **analysis_kwargs,
    )
    return ActivationExplorer(
        analysis,
        metric=metric,
        class_names=class_names,
        mapper_params=mapper_params,
        confidence=confidence,
    )


def _first(data: Any, n: int) -> Any:
    """The first ``n`` items of a tensor or Dataset (a DataLoader keeps its own size)."""
    import torch

    if isinstance(data, torch.Tensor):
        return data[:n]
    if isinstance(data, torch.utils.data.DataLoader):
        raise ValueError("n_images: not supported with a DataLoader; subset its dataset instead")
    subset = torch.utils.data.Subset(data, range(min(n, len(data))))
    classes = getattr(data, "classes", None)
    if classes is not None:
        subset.classes = classes  # type: ignore[attr-defined]
    return subset
