"""Errors on one's own model and data name the argument, what was expected and what was given.

Regression tests for issue 14 (items 16 and 19) and issue 15 (item 9).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import tda_widgets as tw
from tda_widgets._validation import describe

GEN = torch.Generator().manual_seed(0)
IMAGES = torch.randn(24, 1, 8, 8, generator=GEN)
LABELS = torch.arange(24) % 4


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 6, 3, padding=1), nn.ReLU()
    )


def test_images_and_labels_pair_is_accepted_like_labels_argument() -> None:
    m = _model()
    pair = tw.extract_activations(m, (IMAGES, LABELS), ["0"], progress=False)
    sep = tw.extract_activations(m, IMAGES, ["0"], labels=LABELS, progress=False)
    np.testing.assert_array_equal(pair["0"], sep["0"])
    np.testing.assert_array_equal(pair.labels, LABELS.numpy())
    with pytest.raises(ValueError, match="labels: given twice"):
        tw.extract_activations(m, (IMAGES, LABELS), ["0"], labels=LABELS, progress=False)


def test_error_messages_never_paste_tensor_values() -> None:
    text = describe((IMAGES, LABELS))
    assert "tensor(" not in text
    assert "Tensor of shape (24, 1, 8, 8), dtype torch.float32, device cpu" in text
    with pytest.raises(TypeError) as info:
        tw.extract_activations(_model(), {"x": IMAGES}, ["0"], progress=False)
    assert "tensor(" not in str(info.value) and len(str(info.value)) < 400


def test_negative_labels_are_refused_at_extraction() -> None:
    bad = LABELS.clone()
    bad[5] = -1
    with pytest.raises(ValueError, match=r"labels: expected class indices >= 0, got -1 at image 5"):
        tw.extract_activations(_model(), IMAGES, ["0"], labels=bad, progress=False)


def test_channel_mismatch_says_what_the_model_expects() -> None:
    with pytest.raises(ValueError) as info:
        tw.extract_activations(_model(), IMAGES.repeat(1, 3, 1, 1), ["0"], progress=False)
    msg = str(info.value)
    assert msg.startswith("data: the model cannot run on images of shape (24, 3, 8, 8)")
    assert "'0' expects 1 input channels, the images have 3" in msg
    assert isinstance(info.value.__cause__, RuntimeError)  # torch's own error is kept


def test_tensors_with_grad_are_clouds_and_meta_tensors_are_named() -> None:
    x = torch.randn(12, 3, generator=GEN, requires_grad=True)
    ref = tw.persistence_diagrams(x.detach().numpy())
    got = tw.persistence_diagrams(x)
    for a, b in zip(ref, got, strict=True):
        np.testing.assert_array_equal(a, b)
    assert tw.linear_cka(x, x) == pytest.approx(1.0)
    with pytest.raises(
        ValueError, match="cloud: expected a tensor with data, got a tensor on the 'meta'"
    ):
        tw.persistence_diagrams(torch.empty(10, 3, device="meta"))


def test_cloud_without_coordinates_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"cloud: expected an \(n, d\) array with d >= 1 coordinates"
    ):
        tw.persistence_diagrams(np.zeros((5, 0)))


def test_two_keys_with_one_name_are_refused() -> None:
    dg = tw.persistence_diagrams(np.random.default_rng(0).normal(size=(10, 2)))
    with pytest.raises(ValueError, match="keys 1 and '1', which are both named '1'"):
        tw.layer_distance_matrix({1: dg, "1": dg})
    x = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="clouds: expected distinct layer names"):
        tw.cka_matrix({1: x, "1": x})


def test_explore_needs_two_distinct_layers_and_an_integer_n_images(tmp_path) -> None:
    m = _model()
    with pytest.raises(
        ValueError, match="layers: the explorer compares layers, so it needs at least 2"
    ):
        tw.explore(m, IMAGES, ["0"], cache_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match="layers: expected each layer once, got '0' twice"):
        tw.explore(m, IMAGES, ["0", "0"], cache_dir=tmp_path, progress=False)
    with pytest.raises(TypeError, match=r"n_images: expected an integer >= 1, got float 2\.5"):
        tw.explore(m, IMAGES, ["0", "2"], n_images=2.5, cache_dir=tmp_path, progress=False)


def test_explore_takes_the_pair_and_checks_class_names(tmp_path) -> None:
    m = _model()
    ex = tw.explore(
        m, (IMAGES, LABELS), ["0", "2"], n_images=20, cache_dir=tmp_path, progress=False
    )
    assert ex.image_labels is not None and len(ex.image_labels) == 20
    with pytest.raises(
        ValueError, match=r"class_names: expected a name for each class 0..3 \(4 names\), got 2"
    ):
        tw.explore(
            m,
            (IMAGES, LABELS),
            ["0", "2"],
            class_names=["a", "b"],
            cache_dir=tmp_path,
            progress=False,
        )


def test_only_a_real_channel_mismatch_is_rewritten() -> None:
    class DeviceTrouble(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            raise RuntimeError("Expected all tensors to be on the same device, size 3")

    with pytest.raises(RuntimeError, match="same device"):
        tw.extract_activations(DeviceTrouble(), IMAGES, ["conv"], progress=False)


def test_bfloat16_tensors_are_clouds() -> None:
    x = torch.randn(15, 3, generator=GEN)
    got = tw.persistence_diagrams(x.bfloat16())
    want = tw.persistence_diagrams(x.bfloat16().float().numpy())
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_negative_label_in_a_dataset_is_located_across_batches() -> None:
    bad = LABELS.clone()
    bad[7] = -1
    data = torch.utils.data.TensorDataset(IMAGES, bad)
    with pytest.raises(
        ValueError, match=r"labels \(batch 1\): expected class indices >= 0, got -1 at image 7"
    ):
        tw.extract_activations(_model(), data, ["0"], batch_size=4, progress=False)


def test_analysis_keys_an_images_and_labels_pair(tmp_path) -> None:
    a = tw.Analysis(_model(), (IMAGES, LABELS), ["0"], cache_dir=tmp_path, progress=False)
    a.diagrams("0")
    b = tw.Analysis(_model(), (IMAGES, LABELS), ["0"], cache_dir=tmp_path, progress=False)
    b.diagrams("0")
    assert a.n_computed["diagrams"] == 1 and b.n_computed["diagrams"] == 0
