"""Every bad input to extract_activations gets a clear error naming the argument."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

from tda_widgets import extract_activations, top_l2
from tda_widgets.point_clouds.samplers import TopL2


def _run(model, data, layers="conv1", **kw):
    return extract_activations(model, data, layers, progress=False, **kw)


def test_unknown_layer_suggests_close_names(tiny, images):
    with pytest.raises(
        ValueError, match=r"layers: unknown name 'conv3'; did you mean 'conv2' or 'conv1'\?"
    ):
        _run(tiny, images, ["conv1", "conv3"])
    with pytest.raises(ValueError, match=r"list_layers\(model\) shows all 6 layer names"):
        _run(tiny, images, "nothing_like_it")


def test_empty_duplicate_and_non_string_layers(tiny, images):
    with pytest.raises(ValueError, match="layers: expected at least one layer name, got an empty"):
        _run(tiny, images, [])
    with pytest.raises(ValueError, match="layers: expected each layer once, got 'conv1' twice"):
        _run(tiny, images, ["conv1", "conv1"])
    with pytest.raises(TypeError, match="layers: expected layer names as strings, got int 3"):
        _run(tiny, images, ["conv1", 3])
    with pytest.raises(TypeError, match="layers: expected a layer name or a list of names"):
        _run(tiny, images, 3)


def test_empty_data(tiny):
    with pytest.raises(
        ValueError, match=r"data: expected at least one image, got shape \(0, 3, 8, 8\)"
    ):
        _run(tiny, torch.zeros(0, 3, 8, 8))
    with pytest.raises(ValueError, match="data: expected at least one image, got an empty dataset"):
        _run(tiny, TensorDataset(torch.zeros(0, 3, 8, 8)))
    empty_loader = DataLoader(TensorDataset(torch.zeros(0, 3, 8, 8)), batch_size=2)
    with pytest.raises(ValueError, match="data: expected at least one image, got none"):
        _run(tiny, empty_loader)


def test_wrong_input_rank(tiny, images):
    with pytest.raises(
        ValueError,
        match=r"data: expected images of shape \(N, C, H, W\), got shape \(3, 8, 8\); for one image use",
    ):
        _run(tiny, images[0])
    with pytest.raises(ValueError, match=r"got shape \(10, 192\)"):
        _run(tiny, images.reshape(10, -1))
    loader = DataLoader(TensorDataset(images.reshape(10, -1)), batch_size=5)
    with pytest.raises(ValueError, match=r"data \(batch 0\): expected images of shape"):
        _run(tiny, loader)


def test_integer_images_are_refused_with_a_conversion_hint(tiny, images):
    as_uint8 = (images.clamp(0, 1) * 255).to(torch.uint8)
    with pytest.raises(
        ValueError,
        match=r"data: expected floating-point images, got dtype torch.uint8; .*images.float\(\) / 255",
    ):
        _run(tiny, as_uint8)
    with pytest.raises(ValueError, match=r"got dtype torch\.int64"):
        _run(tiny, as_uint8.numpy().astype(np.int64))


def test_labels_of_the_wrong_length(tiny, images):
    with pytest.raises(ValueError, match=r"labels: expected 10 labels \(one per image\), got 9"):
        _run(tiny, images, labels=np.zeros(9, dtype=int))
    with pytest.raises(
        ValueError,
        match=r"labels: expected one integer label per image \(shape \(10,\)\), got shape \(10, 2\)",
    ):
        _run(tiny, images, labels=np.zeros((10, 2), dtype=int))
    with pytest.raises(
        ValueError, match=r"labels: expected integer class labels, got dtype torch\.float"
    ):
        _run(tiny, images, labels=np.full(10, 0.5))

    class Mismatched(Dataset):  # a loader whose batches carry the wrong number of labels
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return images[5 * i : 5 * i + 5], torch.zeros(4, dtype=torch.long)

    loader = DataLoader(Mismatched(), batch_size=None)
    with pytest.raises(
        ValueError, match=r"labels \(batch 0\): expected 5 labels \(one per image\), got 4"
    ):
        _run(tiny, loader)


def test_labels_argument_only_with_tensor_data(tiny, images):
    with pytest.raises(ValueError, match="labels: only accepted with tensor data"):
        _run(tiny, TensorDataset(images), labels=np.zeros(10, dtype=int))


def test_non_finite_activations_name_layer_and_image(tiny, images):
    bad = images.clone()
    bad[7, 1, 3, 3] = float("inf")
    with pytest.raises(
        ValueError,
        match=r"layer 'conv1': expected finite activations, got (nan|inf|-inf) for image 7",
    ):
        _run(tiny, bad, batch_size=4)
    with pytest.raises(ValueError, match=r"for image 7"):
        _run(tiny, bad, point_cloud="top_l2", batch_size=3)


def test_bad_model_data_and_options(tiny, images):
    with pytest.raises(TypeError, match=r"model: expected a torch\.nn\.Module, got str"):
        _run("resnet18", images)
    with pytest.raises(TypeError, match="data: expected an image tensor"):
        _run(tiny, [[1, 2, 3]])
    with pytest.raises(ValueError, match="batch_size: expected a positive integer, got int 0"):
        _run(tiny, images, batch_size=0)
    with pytest.raises(ValueError, match="device: expected None, 'cpu'"):
        _run(tiny, images, device="gpu0")
    with pytest.raises(ValueError, match="memory_budget: expected a positive number of bytes"):
        _run(tiny, images, memory_budget=-1)


def test_bad_point_cloud(tiny, images):
    with pytest.raises(
        ValueError, match="point_cloud: unknown name 'top_12'; did you mean 'top_l2'"
    ):
        _run(tiny, images, point_cloud="top_12")
    with pytest.raises(TypeError, match="point_cloud: expected None, a sampler name"):
        _run(tiny, images, point_cloud=TopL2)
    with pytest.raises(TypeError, match="point_cloud: expected None, a sampler name"):
        _run(tiny, images, point_cloud=top_l2)


def test_pil_images_get_a_to_tensor_hint(tiny):
    from PIL import Image

    class PilSet(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return Image.new("RGB", (8, 8)), 0

    with pytest.raises(TypeError, match=r"expected image tensors, got .*ToTensor\(\)"):
        _run(tiny, PilSet())


def test_layers_that_cannot_be_extracted(images):
    class Odd(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)
            self.act = nn.ReLU()
            self.unused = nn.Linear(2, 2)

        def forward(self, x):
            return self.act(self.act(self.conv(x)))

    class Pair(nn.Module):
        def forward(self, x):
            return x, x

    with pytest.raises(ValueError, match=r"layers: layer 'act' ran 2 times in one forward pass"):
        _run(Odd(), images, "act")
    with pytest.raises(ValueError, match=r"layers: layer 'unused' did not run in the forward pass"):
        _run(Odd(), images, "unused")
    with pytest.raises(
        ValueError, match=r"layers: layer '0' returns a tuple of 2 items, expected a tensor"
    ):
        _run(nn.Sequential(Pair()), images, "0")
    with pytest.raises(ValueError, match=r"pooled \(layer '0'\): expected activations of shape"):
        flat = nn.Sequential(nn.Unflatten(1, (3, 8, 8, 1)))
        _run(flat, images.reshape(10, -1, 1, 1), "0", point_cloud="pooled")
    with pytest.raises(ValueError, match=r"top_l2 \(layer '1'\): expected a conv feature map"):
        _run(nn.Sequential(nn.Flatten(), nn.Linear(192, 4)), images, "1", point_cloud="top_l2")


def test_batches_with_and_without_labels_mixed(tiny, images):
    batches = [images[:4], (images[4:8], torch.zeros(4, dtype=torch.long))]
    with pytest.raises(
        ValueError,
        match="data: expected every batch to have labels or none to, batch 1 has labels, earlier ones none",
    ):
        _run(tiny, DataLoader(batches, batch_size=None))
