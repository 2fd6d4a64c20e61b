"""list_layers: names, kinds, shapes and call counts."""

from __future__ import annotations

import pytest
from torch import nn

from tda_widgets import list_layers
from tda_widgets.activations import LayerInfo


def test_lists_every_module_with_its_output_shape(tiny):
    layers = list_layers(tiny, input_shape=(3, 8, 8))
    assert layers.names == [n for n, _ in tiny.named_modules() if n]
    by_name = {info.name: info for info in layers}
    assert by_name["conv1"] == LayerInfo("conv1", "Conv2d", (4, 8, 8), "Tensor", 1)
    assert by_name["conv2"].output_shape == (6, 4, 4)
    assert by_name["fc"].output_shape == (3,)
    table = repr(layers)
    assert table.splitlines()[0].split() == ["name", "type", "output", "calls"]
    assert "(6, 4, 4)" in table


@pytest.mark.parametrize("kind", ["Conv2d", nn.Conv2d, ("Conv2d",), [nn.Conv2d]])
def test_kind_filter(tiny, kind):
    assert list_layers(tiny, kind, input_shape=None).names == ["conv1", "conv2"]


def test_kind_matches_base_classes(tiny):
    names = list_layers(tiny, kind="_BatchNorm", input_shape=None).names
    assert names == ["bn1"]


def test_unused_and_reused_modules_are_flagged():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.act = nn.ReLU()
            self.spare = nn.Linear(4, 4)

        def forward(self, x):
            return self.act(self.lin(self.act(x)))

    layers = {info.name: info for info in list_layers(Net(), input_shape=(4,))}
    assert layers["act"].calls == 2
    assert layers["spare"].calls == 0 and layers["spare"].output_type == "not run"
    assert layers["spare"].output_shape is None


def test_without_dummy_batch(tiny):
    layers = list_layers(tiny, input_shape=None)
    assert all(info.output_shape is None and info.calls is None for info in layers)


def test_bad_arguments(tiny):
    with pytest.raises(TypeError, match="kind: expected None, a module class"):
        list_layers(tiny, kind=3)
    with pytest.raises(ValueError, match=r"input_shape: expected the shape of one input image"):
        list_layers(tiny, input_shape=(3, 0, 8))
    with pytest.raises(TypeError, match=r"model: expected a torch\.nn\.Module"):
        list_layers("resnet18")


def test_dummy_batch_of_the_wrong_shape_names_input_shape(tiny):
    with pytest.raises(
        ValueError,
        match=r"input_shape: the model could not run a dummy batch of shape \(2, 1, 8, 8\)",
    ):
        list_layers(tiny, input_shape=(1, 8, 8))
