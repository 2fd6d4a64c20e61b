"""extract_activations: values, labels, data kinds, devices, real models."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from tda_widgets import extract_activations, list_layers, pooled, top_l2


def _manual(model, images):
    """conv1 and bn1 outputs by hand, in eval mode."""
    model.eval()
    with torch.no_grad():
        c1 = model.conv1(images)
        b1 = model.bn1(c1)
    return c1.numpy(), b1.numpy()


def test_full_activations_equal_a_manual_forward(tiny, images):
    c1, b1 = _manual(tiny, images)
    tiny.train()
    acts = extract_activations(tiny, images, ["conv1", "bn1", "fc"], batch_size=3, progress=False)
    assert list(acts) == ["conv1", "bn1", "fc"]
    assert acts["conv1"].dtype == np.float32
    np.testing.assert_allclose(acts["conv1"], c1, rtol=1e-6, atol=1e-6)
    # eval-mode batch norm (running statistics), not batch statistics
    np.testing.assert_allclose(acts["bn1"], b1, rtol=1e-5, atol=1e-5)
    assert acts["fc"].shape == (10, 3)
    assert acts.labels is None and acts.n_images == 10


def test_output_is_captured_before_a_later_inplace_relu(tiny, images):
    _, b1 = _manual(tiny, images)
    assert (b1 < 0).any()  # otherwise the test would prove nothing
    acts = extract_activations(tiny, images, "bn1", progress=False)
    assert (acts["bn1"] < 0).any()
    np.testing.assert_allclose(acts["bn1"], b1, rtol=1e-5, atol=1e-5)
    clouds = extract_activations(tiny, images, "bn1", point_cloud=pooled(), progress=False)
    np.testing.assert_allclose(clouds["bn1"].points, b1.mean(axis=(2, 3)), rtol=1e-5, atol=1e-5)


def test_labels_are_kept_for_tensor_dataset_and_loader(tiny, images):
    labels = torch.arange(10) % 3
    from_tensor = extract_activations(
        tiny, images, "conv2", labels=labels, point_cloud="top_l2", batch_size=4, progress=False
    )
    dataset = TensorDataset(images, labels)
    from_dataset = extract_activations(
        tiny, dataset, "conv2", point_cloud="top_l2", batch_size=4, progress=False
    )
    loader = DataLoader(dataset, batch_size=4, shuffle=False)  # same batches: same conv sums
    from_loader = extract_activations(tiny, loader, "conv2", point_cloud="top_l2", progress=False)
    for result in (from_tensor, from_dataset, from_loader):
        np.testing.assert_array_equal(result.labels, labels.numpy())
        cloud = result["conv2"]
        np.testing.assert_array_equal(cloud.labels, labels.numpy()[cloud.image_index])
        np.testing.assert_array_equal(cloud.points, from_tensor["conv2"].points)
    full = extract_activations(tiny, dataset, "conv2", progress=False)
    np.testing.assert_array_equal(full.labels, labels.numpy())


def test_dataset_of_images_without_labels(tiny, images):
    class Plain(torch.utils.data.Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return images[i]

    acts = extract_activations(tiny, Plain(), "conv1", batch_size=4, progress=False)
    c1, _ = _manual(tiny, images)
    assert acts.labels is None
    np.testing.assert_allclose(acts["conv1"], c1, rtol=1e-6, atol=1e-6)


def test_numpy_and_float64_images_are_accepted(tiny, images):
    c1, _ = _manual(tiny, images)
    acts = extract_activations(tiny, images.double().numpy(), "conv1", progress=False)
    np.testing.assert_allclose(acts["conv1"], c1, rtol=1e-5, atol=1e-5)


def test_linear_output_and_one_element_tuple(images):
    class TupleOut(nn.Module):
        def forward(self, x):
            return (x * 2,)

    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 5), TupleOut())
    acts = extract_activations(model, images, ["1", "2"], progress=False)
    assert acts["1"].shape == (10, 5)
    np.testing.assert_allclose(acts["2"], 2 * acts["1"], rtol=1e-6)
    clouds = extract_activations(model, images, "1", point_cloud="pooled", progress=False)
    np.testing.assert_array_equal(clouds["1"].points, acts["1"])
    assert (clouds["1"].position == -1).all()


def test_progress_bar_is_shown(tiny, images, capsys):
    extract_activations(tiny, images, "conv1", batch_size=5, progress=True)
    assert "2/2" in capsys.readouterr().err


def test_model_with_python_control_flow(images):
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.a = nn.Conv2d(4, 4, 1)
            self.b = nn.Conv2d(4, 4, 1)

        def forward(self, x):
            x = self.conv(x)
            steps = int(x.abs().mean().item() * 10) % 3 + 1  # data-dependent loop count
            for _ in range(steps):
                x = torch.tanh(x)
            return self.a(x) if x.sum() > 0 else self.b(x)

    model = Branchy()
    with pytest.raises(Exception):  # noqa: B017 - any tracing error shows fx cannot do it
        torch.fx.symbolic_trace(model)
    acts = extract_activations(model, images, "conv", point_cloud=top_l2(), progress=False)
    assert acts["conv"].points.shape == (10, 4)
    with torch.no_grad():
        ref = model.conv(images)
    np.testing.assert_allclose(top_l2()(ref).points, acts["conv"].points, rtol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("size", [32, 224])
def test_torchvision_resnet18(size):
    from torchvision.models import resnet18

    torch.manual_seed(0)
    model = resnet18(num_classes=10)
    convs = list_layers(model, kind="Conv2d", input_shape=(3, size, size))
    # torchvision's ResNet-18 has the paper's 17 conv layers plus 3 1x1 downsample convs
    assert len(convs) == 20
    assert len([n for n in convs.names if "downsample" not in n]) == 17
    n_images = 3 if size == 224 else 8
    images = torch.randn(n_images, 3, size, size)
    clouds = extract_activations(
        model, images, convs.names, point_cloud="top_l2", batch_size=4, progress=False
    )
    for info in convs:
        cloud = clouds[info.name]
        assert cloud.points.shape == (n_images, info.output_shape[0])
        h, w = info.output_shape[1:]
        assert ((cloud.position >= 0) & (cloud.position < [h, w])).all()
    assert model.training  # resnet18() is built in train mode and left that way


def test_device_request(tiny, images):
    if torch.cuda.is_available():
        acts = extract_activations(tiny, images, "conv1", device="cuda", progress=False)
        c1, _ = _manual(tiny, images)
        np.testing.assert_allclose(acts["conv1"], c1, rtol=1e-4, atol=1e-4)
        assert next(tiny.parameters()).device.type == "cpu"  # moved back
    else:
        with pytest.raises(ValueError, match=r"device: got 'cuda' but CUDA is not available"):
            extract_activations(tiny, images, "conv1", device="cuda", progress=False)
    acts = extract_activations(tiny, images, "conv1", device=torch.device("cpu"), progress=False)
    assert acts["conv1"].shape == (10, 4, 8, 8)


def test_memory_budget_is_checked_before_storing(tiny, images):
    with pytest.raises(MemoryError, match=r"memory_budget: .*10 images.*'conv1': 10\.0 KiB"):
        extract_activations(tiny, images, "conv1", memory_budget=1000, progress=False)
    # a sampler keeps far less, so a budget below the full activations (10 KiB) is
    # enough, as long as one batch's forward pass fits too (one image at a time here)
    kw = {"memory_budget": 5000, "batch_size": 1, "progress": False}
    clouds = extract_activations(tiny, images, "conv1", point_cloud="top_l2", **kw)
    assert clouds["conv1"].n_points == 10
    with pytest.raises(MemoryError, match="use a sampler that keeps fewer points"):
        extract_activations(tiny, images, "conv1", point_cloud="flatten", **kw)


def test_memory_budget_with_a_loader_of_unknown_length(tiny, images):
    class Stream(torch.utils.data.IterableDataset):
        def __iter__(self):
            for i in range(10):
                yield images[i]

    loader = DataLoader(Stream(), batch_size=2)
    acts = extract_activations(tiny, loader, "conv1", progress=False)
    assert acts["conv1"].shape == (10, 4, 8, 8)
    with pytest.raises(
        MemoryError, match="memory_budget: keeping the full activations of 4 images"
    ):
        extract_activations(tiny, loader, "conv1", memory_budget=3000, progress=False)
    with pytest.raises(MemoryError, match="memory_budget: keeping the point clouds of 4 images"):
        extract_activations(
            tiny, loader, "conv1", memory_budget=3000, point_cloud="flatten", progress=False
        )


def test_shuffling_loader_warns(tiny, images):
    loader = DataLoader(TensorDataset(images), batch_size=4, shuffle=True)
    with pytest.warns(UserWarning, match="shuffles"):
        extract_activations(tiny, loader, "conv1", progress=False)
