"""The five seeded shapes models: cards, accuracy, distinct seeds, size, the training group."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import torch

from tda_widgets.datasets import accuracy, load_model_card, shapes_seed_models
from tda_widgets.datasets import default as default_module
from tda_widgets.datasets.default import SEED_MODELS
from tda_widgets.datasets.train import GROUPS, RECIPES, dataset_from_spec, main, train

_WEIGHTS = Path(default_module.__file__).parent / "weights"


@pytest.fixture(scope="module")
def seeds():
    return shapes_seed_models()


def test_five_models_with_their_own_seeds_and_weights(seeds):
    assert len(seeds) == len(SEED_MODELS) == 5
    assert [card["seed"] for _, card in seeds] == [0, 1, 2, 3, 4]
    first = seeds[0][0].state_dict()["conv1.weight"]
    for net, card in seeds[1:]:
        assert not torch.equal(net.state_dict()["conv1.weight"], first)
        assert card["architecture"]["kwargs"]["width"] == 8
        assert f"--model {card['name']}" in card["command"]
        assert f"--seed {card['seed']}" in card["command"]


def test_card_accuracy_is_measured_on_held_out_shapes(seeds):
    test_set = dataset_from_spec(seeds[0][1]["test_data"])
    for net, card in seeds:
        assert card["test_data"]["kwargs"]["seed"] != card["train_data"]["kwargs"]["seed"]
        acc = accuracy(net, test_set)
        print(f"{card['name']}: held-out accuracy {acc:.4f} (card {card['test_accuracy']})")
        assert acc == pytest.approx(card["test_accuracy"], abs=0.002)
        assert acc >= 0.95


def test_shipped_weights_stay_small():
    sizes = {p.name: p.stat().st_size for p in _WEIGHTS.glob("*.pt")}
    for name in SEED_MODELS:
        card = load_model_card(name)
        path = _WEIGHTS / card["weights_file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == card["weights_sha256"]
    total = sum(sizes.values())
    print(f"shipped weights: {total / 1e6:.1f} MB in {len(sizes)} files")
    assert total <= 15e6


def test_group_trains_each_recipe_with_its_seed(tmp_path, monkeypatch):
    assert GROUPS["shapes_seeds"] == SEED_MODELS
    card = train(
        "shapes_seed3", epochs=1, limit_train=16, output=tmp_path / "s3.pt", progress=False
    )
    assert card["seed"] == RECIPES["shapes_seed3"]["seed"] == 3
    assert card["architecture"]["kwargs"]["width"] == 8
    trained = []
    monkeypatch.setattr(
        "tda_widgets.datasets.train.train",
        lambda name, **kw: (
            trained.append(name)
            or {
                "test_accuracy": 1.0,
                "test_data": {"n": 1},
                "training_time_s": 0.0,
                "weights_file": f"{name}.pt",
            }
        ),
    )
    assert main(["--model", "shapes_seeds", "--no-progress"]) == 0
    assert trained == list(SEED_MODELS)
    with pytest.raises(SystemExit):
        main(["--model", "shapes_seeds", "--seed", "1"])
