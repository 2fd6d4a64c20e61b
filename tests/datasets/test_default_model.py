"""The shipped models: accuracy computed here agrees with the card; weights load safely."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import torch
from torch import nn

from tda_widgets.datasets import (
    RESNET18_CONV_LAYERS,
    accuracy,
    default_model,
    load_model_card,
    mnist_5k,
    shapes_model,
)
from tda_widgets.datasets import default as default_module
from tda_widgets.datasets.train import dataset_from_spec

_WEIGHTS = Path(default_module.__file__).parent / "weights"


@pytest.mark.slow
def test_default_model_reaches_97_percent_on_mnist_5k_test() -> None:
    model, card = default_model()
    acc = accuracy(model, mnist_5k("test"))
    assert acc >= 0.97
    assert abs(acc - card["test_accuracy"]) <= 0.005
    assert card["test_data"] == {"function": "mnist_5k", "kwargs": {"split": "test"}, "n": 1000}
    assert card["train_data"]["kwargs"] == {"split": "train"}
    assert card["train_data"]["n"] == 4000


@pytest.mark.slow
def test_shapes_model_reaches_95_percent_on_held_out_shapes() -> None:
    model, card = shapes_model()
    spec = card["test_data"]
    assert spec["function"] == "hierarchical_shapes"
    assert spec["kwargs"]["seed"] != card["train_data"]["kwargs"]["seed"]  # held out
    test_set = dataset_from_spec(spec)
    assert len(test_set) == spec["n"] >= 1000
    acc = accuracy(model, test_set)
    assert acc >= 0.95
    assert abs(acc - card["test_accuracy"]) <= 0.005


@pytest.mark.parametrize("name", ["default", "shapes"])
def test_cards_record_the_recipe_and_weights_are_small_plain_state_dicts(name: str) -> None:
    card = load_model_card(name)
    for key in ("recipe", "seed", "epochs", "torch_version", "training_time_s", "command"):
        assert key in card, key
    assert f"--model {name}" in card["command"] and f"--seed {card['seed']}" in card["command"]
    assert card["recipe"]["deterministic_algorithms"] is True
    path = _WEIGHTS / card["weights_file"]
    assert path.stat().st_size <= 5 * 1024 * 1024
    assert hashlib.sha256(path.read_bytes()).hexdigest() == card["weights_sha256"]
    state = torch.load(path, map_location="cpu", weights_only=True)
    assert isinstance(state, dict) and all(isinstance(v, torch.Tensor) for v in state.values())
    assert card["n_parameters"] == sum(
        v.numel() for k, v in state.items() if "running" not in k and "num_batches" not in k
    )


def test_default_model_is_the_papers_architecture_in_eval_mode() -> None:
    model, card = default_model()
    assert not model.training
    convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
    assert tuple(convs) == RESNET18_CONV_LAYERS
    kwargs = card["architecture"]["kwargs"]
    x = mnist_5k("test").images[:4]
    assert model(x).shape == (4, kwargs["num_classes"])
    assert x.shape[1] == kwargs["in_channels"]


def test_tampered_weights_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = load_model_card("default")
    for suffix in (".pt", ".json"):
        src = (_WEIGHTS / card["weights_file"]).with_suffix(suffix)
        shutil.copy(src, tmp_path / src.name)
    monkeypatch.setattr(default_module, "_WEIGHTS_DIR", tmp_path)
    default_module.default_model()  # the copy loads
    weights = tmp_path / card["weights_file"]
    weights.write_bytes(b"version https://git-lfs.github.com/spec/v1\n")
    with pytest.raises(ValueError, match=r"sha256 .* but the model card expects"):
        default_module.default_model()
    weights.unlink()
    with pytest.raises(FileNotFoundError, match=r"python -m tda_widgets.datasets.train"):
        default_module.default_model()


def test_unknown_model_name() -> None:
    with pytest.raises(
        ValueError,
        match=r"name: expected one of \['default', 'shapes', 'shapes_seed0', .*\], got 'x'",
    ):
        load_model_card("x")
