"""The trained models shipped inside the package: :func:`default_model` and :func:`shapes_model`.

Both are narrow CIFAR ResNet-18s (:func:`~tda_widgets.datasets.resnet18_cifar`) trained
on the CPU by ``python -m tda_widgets.datasets.train``. The weights are plain
``state_dict`` files in ``tda_widgets/datasets/weights/`` loaded with
``torch.load(..., weights_only=True)``; beside each is its model card (JSON) with the
recipe, seed, data, held-out accuracy, versions and training time. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "MODEL_STEMS",
    "SEED_MODELS",
    "default_model",
    "load_model_card",
    "shapes_model",
    "shapes_seed_models",
]

_WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
#: File stem of each shipped model in ``weights/``.
MODEL_STEMS = {"default": "mnist_resnet18_w16", "shapes": "shapes_resnet18_w16"}
#: Names of the independently seeded small shapes models (seed k is ``shapes_seed{k}``).
SEED_MODELS: tuple[str, ...] = tuple(f"shapes_seed{k}" for k in range(5))
MODEL_STEMS.update({name: f"shapes_seeds_resnet18_w8_s{k}" for k, name in enumerate(SEED_MODELS)})


def load_model_card(name: str = "default") -> dict[str, Any]:
    """The model card of a shipped model, as a dict (without loading the weights).

    Parameters
    ----------
    name : {"default", "shapes", "shapes_seed0", ..., "shapes_seed4"}
        Which shipped model.

    Examples
    --------
    >>> card = load_model_card("default")
    >>> card["train_data"]["function"], card["architecture"]["kwargs"]["in_channels"]
    ('mnist_5k', 1)
    """
    if name not in MODEL_STEMS:
        raise ValueError(f"name: expected one of {sorted(MODEL_STEMS)}, got {name!r}")
    path = _WEIGHTS_DIR / f"{MODEL_STEMS[name]}.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"name={name!r}: the model card {path} is missing from the installed package; "
            f"rebuild it with `python -m tda_widgets.datasets.train --model {name}`"
        )
    card: dict[str, Any] = json.loads(path.read_text())
    return card


def _load(name: str) -> tuple[nn.Module, dict[str, Any]]:
    import torch

    from tda_widgets.datasets.models import resnet18_cifar

    card = load_model_card(name)
    path = _WEIGHTS_DIR / card["weights_file"]
    if not path.is_file():
        raise FileNotFoundError(
            f"name={name!r}: the weights {path} are missing from the installed package; "
            f"rebuild them with `python -m tda_widgets.datasets.train --model {name}`"
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != card["weights_sha256"]:
        raise ValueError(
            f"name={name!r}: the weights {path} have sha256 {digest}, but the model card "
            f"expects {card['weights_sha256']} (a partial download or a Git LFS pointer?)"
        )
    model = resnet18_cifar(**card["architecture"]["kwargs"])
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    model.eval()
    return model, card


def default_model() -> tuple[nn.Module, dict[str, Any]]:
    """The shipped MNIST ResNet-18 and its model card; works offline.

    A CIFAR ResNet-18 of width 16 (shortcut A, 17 convolutions at spatial sizes 32, 16, 8
    and 4) trained on ``mnist_5k("train")``. Inputs are ``mnist_5k`` images: float32
    ``(1, 32, 32)`` in ``[0, 1]``.

    Returns
    -------
    model : torch.nn.Module
        The network, on the CPU, in eval mode.
    card : dict
        Its model card: ``recipe``, ``seed``, ``epochs``, ``train_data`` / ``test_data``
        (how to rebuild them), ``test_accuracy`` on ``mnist_5k("test")``,
        ``torch_version``, ``training_time_s``, ...

    Examples
    --------
    >>> model, card = default_model()
    >>> card["test_accuracy"] >= 0.97, model.training
    (True, False)
    """
    return _load("default")


def shapes_model() -> tuple[nn.Module, dict[str, Any]]:
    """The shipped ResNet-18 for :func:`~tda_widgets.datasets.hierarchical_shapes`, and its card.

    A CIFAR ResNet-18 of width 16 (shortcut A) trained on
    ``hierarchical_shapes(400, seed=0)``; ``card["test_accuracy"]`` is its accuracy on the
    held-out ``hierarchical_shapes(125, seed=1)`` (``card["test_data"]``). Inputs are float32
    ``(3, 32, 32)`` images in ``[0, 1]``.

    Returns
    -------
    model : torch.nn.Module
        The network, on the CPU, in eval mode.
    card : dict
        Its model card (see :func:`default_model`).

    Examples
    --------
    >>> model, card = shapes_model()
    >>> card["test_accuracy"] >= 0.95, card["architecture"]["kwargs"]["num_classes"]
    (True, 8)
    """
    return _load("shapes")


def shapes_seed_models() -> list[tuple[nn.Module, dict[str, Any]]]:
    """Five independently seeded small ResNet-18s for the shapes, with their cards.

    For the paper's specificity test across seeds (the authors trained 100 models): the
    same recipe as :func:`shapes_model` at width 8 and with fewer images and epochs (see
    each card's ``test_accuracy`` on the held-out ``hierarchical_shapes(125, seed=1)``),
    differing only in the seed of initialisation, shuffling and augmentation. Retrain
    them with ``python -m tda_widgets.datasets.train --model shapes_seeds``.

    Returns
    -------
    list of (model, card)
        In seed order; models on the CPU, in eval mode.

    Examples
    --------
    >>> models = shapes_seed_models()
    >>> len(models), sorted({card["seed"] for _, card in models})
    (5, [0, 1, 2, 3, 4])
    """
    return [_load(name) for name in SEED_MODELS]
