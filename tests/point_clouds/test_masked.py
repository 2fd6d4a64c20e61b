"""foreground()/background(): receptive fields, positions, provenance, determinism, shapes."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from tda_widgets import Analysis, extract_activations, random_position
from tda_widgets.datasets import hierarchical_shapes, shapes_model
from tda_widgets.point_clouds.masked import (
    TIE_RTOL,
    background,
    foreground,
    grabcut_masks,
    receptive_fields,
)


def _two_convs(c_in: int = 1) -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(c_in, 3, 3, padding=1),
        torch.nn.BatchNorm2d(3),
        torch.nn.ReLU(),
        torch.nn.Conv2d(3, 4, 3, padding=1, stride=2),
    )


def _stride1() -> torch.nn.Module:
    torch.manual_seed(0)
    conv = lambda c_in: torch.nn.Conv2d(c_in, 3, 3, padding=1)  # noqa: E731
    return torch.nn.Sequential(conv(1), torch.nn.ReLU(), conv(3))


def test_receptive_fields_by_the_authors_definition():
    net = _two_convs()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    rf = receptive_fields(net, (1, 8, 8), ["0", "3"])
    assert rf.layer_shapes == {"0": (8, 8), "3": (4, 4)}
    w0 = rf.weights["0"].reshape(8, 8, 8, 8)
    # one 3x3 conv with weight 0.001 and 3 output channels: 0.001 * sqrt(3) on its window
    np.testing.assert_allclose(w0[4, 4, 3:6, 3:6], 0.001 * np.sqrt(3))
    assert (w0[4, 4] > 0).sum() == 9
    # two convs (stride 2): a 5x5 window centred on 2*(r, c), peaked at the centre
    w3 = rf.weights["3"].reshape(4, 4, 8, 8)
    assert (w3[1, 1] > 0).sum() == 25
    assert np.unravel_index(w3[1, 1].argmax(), (8, 8)) == (2, 2)
    # the model itself is untouched
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k]), k


def test_foreground_positions_points_and_provenance():
    # two 3x3 convs: a pixel is seen most by the position on it (9 paths, neighbours 6)
    rf = receptive_fields(_stride1(), (1, 8, 8), ["2"])
    masks = np.zeros((3, 8, 8), dtype=bool)
    masks[0, 2, 5] = True
    masks[1, 6, 1] = True
    masks[2, 3:5, 3:5] = True
    acts = torch.randn(3, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    cloud = foreground(masks, rf)(acts, layer="2", labels=[4, 5, 6])
    assert cloud.position[:2].tolist() == [[2, 5], [6, 1]]
    assert cloud.position[2].tolist() in ([3, 3], [3, 4], [4, 3], [4, 4])  # a 4-way tie
    assert cloud.image_index.tolist() == [0, 1, 2]
    assert cloud.labels.tolist() == [4, 5, 6]
    for k, (i, (r, c)) in enumerate(zip(cloud.image_index, cloud.position, strict=True)):
        np.testing.assert_array_equal(cloud.points[k], acts[i, :, r, c].numpy())
    p = cloud.params
    assert p["sampler"] == "foreground" and p["top"] == 1 and p["n_masks"] == 3
    json.dumps(p)  # plain values only: the masks are kept by digest


def test_top5_draws_among_the_five_heaviest_positions():
    net = _two_convs()
    rf = receptive_fields(net, (1, 8, 8), ["3"])
    masks = np.random.default_rng(0).random((6, 8, 8)) < 0.3
    acts = torch.randn(6, 4, 4, 4, generator=torch.Generator().manual_seed(2))
    cloud = foreground(masks, rf, top=5)(acts, layer="3")
    assert cloud.n_points == 30
    weights = rf.mask_weights("3", masks)
    for i in range(6):
        pos = cloud.position[cloud.image_index == i]
        flat = pos[:, 0] * 4 + pos[:, 1]
        assert len(set(flat.tolist())) == 5
        fifth = np.sort(weights[i])[-5]
        assert (weights[i, flat] >= fifth).all()


def test_streaming_and_seeds():
    net = _two_convs()
    rf = receptive_fields(net, (1, 8, 8), ["0"])
    masks = np.zeros((20, 8, 8), dtype=bool)
    masks[:, 3:5, 3:5] = True  # every image a 4-way tie: the seed decides
    acts = torch.randn(20, 3, 8, 8, generator=torch.Generator().manual_seed(3))
    whole = foreground(masks, rf, seed=7)(acts, layer="0")
    streamed = foreground(masks, rf, seed=7)(acts, layer="0", chunk_size=3)
    np.testing.assert_array_equal(whole.position, streamed.position)
    np.testing.assert_array_equal(whole.points, streamed.points)
    other = foreground(masks, rf, seed=8)(acts, layer="0")
    assert not np.array_equal(whole.position, other.position)
    # through the model, batch by batch, the same cloud as on the full activations
    images = torch.randn(20, 1, 8, 8, generator=torch.Generator().manual_seed(4))
    full = extract_activations(net, images, ["0"], progress=False)["0"]
    via = extract_activations(
        net, images, ["0"], point_cloud=foreground(masks, rf, seed=7), batch_size=6, progress=False
    )["0"]
    np.testing.assert_array_equal(
        via.position, foreground(masks, rf, seed=7)(full, layer="0").position
    )


def test_ties_do_not_depend_on_rounding():
    """Weights that are equal up to rounding (another CPU's BLAS sums them in another order)
    are ties: the seed decides among them, never the last bits of a float."""
    rf = receptive_fields(_stride1(), (1, 8, 8), ["2"])
    masks = np.zeros((40, 8, 8), dtype=bool)
    masks[:, 3:5, 3:5] = True  # every image a 4-way tie
    acts = torch.randn(40, 3, 8, 8, generator=torch.Generator().manual_seed(7))
    exact = foreground(masks, rf, seed=3)(acts, layer="2")
    # the same weights with each position's last bits changed, as another summation
    # order gives (relative 1e-14, far below TIE_RTOL; far above one ulp)
    noise = 1.0 + 1e-14 * np.random.default_rng(0).standard_normal(rf.weights["2"].shape[0])
    rounded = dataclasses.replace(rf, weights={"2": rf.weights["2"] * noise[:, None]})
    w = rounded.mask_weights("2", masks[:1])[0]
    assert np.unique(w[[27, 28, 35, 36]]).size > 1  # the tie is broken in the floats
    moved = foreground(masks, rounded, seed=3)(acts, layer="2")
    np.testing.assert_array_equal(exact.position, moved.position)
    assert len({tuple(p) for p in exact.position.tolist()}) == 4  # the seed spreads them
    assert exact.params["tie_rtol"] == TIE_RTOL


def test_background_is_foreground_of_the_complement():
    net = _two_convs()
    rf = receptive_fields(net, (1, 8, 8), ["3"])
    masks = np.random.default_rng(5).random((10, 8, 8)) < 0.4
    acts = torch.randn(10, 4, 4, 4, generator=torch.Generator().manual_seed(6))
    bg = background(masks, rf, top=5, seed=2)(acts, layer="3")
    fg_inv = foreground(~masks, rf, top=5, seed=2)(acts, layer="3")
    np.testing.assert_array_equal(bg.position, fg_inv.position)
    assert bg.params["sampler"] == "background"


def test_errors_name_the_argument():
    rf = receptive_fields(_two_convs(), (1, 8, 8), ["0"])
    masks = np.zeros((2, 8, 8), dtype=bool)
    with pytest.raises(ValueError, match=r"masks: expected shape \(N, 8, 8\)"):
        foreground(np.zeros((2, 6, 6), bool), rf)
    with pytest.raises(ValueError, match="masks: expected booleans"):
        foreground(np.full((2, 8, 8), 3), rf)
    with pytest.raises(ValueError, match="top"):
        foreground(masks, rf, top=0)
    with pytest.raises(ValueError, match="layer: unknown name '3'"):
        foreground(masks, rf)(torch.zeros(2, 4, 4, 4), layer="3")
    with pytest.raises(ValueError, match="masks: expected one mask per image"):
        foreground(masks, rf)(torch.zeros(3, 3, 8, 8), layer="0")
    with pytest.raises(ValueError, match="receptive fields are for a 8x8 feature map"):
        foreground(masks, rf)(torch.zeros(2, 3, 4, 4), layer="0")
    with pytest.raises(TypeError, match="receptive_fields"):
        foreground(masks, {"0": np.ones((64, 64))})
    with pytest.raises(ValueError, match="input_shape"):
        receptive_fields(_two_convs(), (8, 8), ["0"])
    with pytest.raises(ValueError, match="layers: expected '2' to output a"):
        receptive_fields(
            torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.Flatten(), torch.nn.Identity()),
            (1, 8, 8),
            ["2"],
        )


def test_analysis_keys_the_masks(tmp_path):
    net = _two_convs()
    rf = receptive_fields(net, (1, 8, 8), ["0", "3"])
    images = torch.randn(12, 1, 8, 8, generator=torch.Generator().manual_seed(7))
    masks = np.random.default_rng(1).random((12, 8, 8)) < 0.3
    a = Analysis(
        net,
        images,
        ["0", "3"],
        point_cloud=foreground(masks, rf),
        cache_dir=tmp_path,
        progress=False,
    )
    b = Analysis(
        net,
        images,
        ["0", "3"],
        point_cloud=foreground(~masks, rf),
        cache_dir=tmp_path,
        progress=False,
    )
    assert a.cloud("3").params["masks_sha256"] != b.cloud("3").params["masks_sha256"]
    assert b.n_computed["clouds"] == 2  # other masks: not the cached clouds
    again = Analysis(
        net,
        images,
        ["0", "3"],
        point_cloud=foreground(masks.copy(), rf),
        cache_dir=tmp_path,
        progress=False,
    )
    np.testing.assert_array_equal(again.cloud("3").position, a.cloud("3").position)
    assert again.n_computed["clouds"] == 0


# --------------------------------------------------------------- on the shapes model
STAGES = ["layer1.1.bn2", "layer2.1.bn2", "layer3.1.bn2", "layer4.1.bn2"]


@pytest.fixture(scope="module")
def shapes_setup():
    model, _ = shapes_model()
    data = hierarchical_shapes(25, seed=1)
    rf = receptive_fields(model, (3, 32, 32), STAGES)
    return model, data, rf


def _on_shape_rate(cloud, masks: np.ndarray, layer_hw: tuple[int, int]) -> float:
    """Share of points whose position's cell centre (in input pixels) is on the shape."""
    h, w = layer_hw
    rows = ((cloud.position[:, 0] + 0.5) * masks.shape[1] / h).astype(int)
    cols = ((cloud.position[:, 1] + 0.5) * masks.shape[2] / w).astype(int)
    return float(masks[cloud.image_index, rows, cols].mean())


def _rates(model, data, rf, masks):
    random = extract_activations(
        model, data, STAGES, point_cloud=random_position(seed=0), progress=False
    )
    fg = extract_activations(model, data, STAGES, point_cloud=foreground(masks, rf), progress=False)
    bg = extract_activations(model, data, STAGES, point_cloud=background(masks, rf), progress=False)
    out = {}
    for layer in STAGES:
        hw = rf.layer_shapes[layer]
        out[layer] = tuple(_on_shape_rate(c[layer], data.masks, hw) for c in (fg, random, bg))
    return out


def _check_rates(rates, what: str) -> None:
    for layer, (fg, rnd, bg) in rates.items():
        print(
            f"{what} {layer}: on-shape rate foreground {fg:.3f}, random {rnd:.3f}, "
            f"background {bg:.3f}"
        )
        assert fg >= 2 * rnd, (layer, fg, rnd)
        if layer != "layer4.1.bn2":  # at 4x4 every receptive field spans most of the image
            assert bg < rnd, (layer, bg, rnd)


def test_foreground_positions_fall_on_the_true_shapes(shapes_setup):
    model, data, rf = shapes_setup
    _check_rates(_rates(model, data, rf, data.masks), "true masks")


def test_foreground_positions_fall_on_the_shapes_with_grabcut_masks(shapes_setup):
    pytest.importorskip("cv2", reason="opencv-python-headless (the 'paper' extra) not installed")
    model, data, rf = shapes_setup
    masks = grabcut_masks(data.images)
    agreement = float((masks == data.masks).mean())
    print(f"GrabCut agrees with the true masks on {agreement:.3f} of the pixels")
    assert agreement > 0.8
    _check_rates(_rates(model, data, rf, masks), "GrabCut masks")


def test_grabcut_on_a_square():
    pytest.importorskip("cv2", reason="opencv-python-headless (the 'paper' extra) not installed")
    img = np.zeros((1, 3, 32, 32), dtype=np.float32)
    img[0, :, 10:22, 10:22] = 1.0
    m = grabcut_masks(img)
    assert m[0, 10:22, 10:22].all() and m[0].sum() == 144
    with pytest.raises(ValueError, match=r"images: expected 1 \(grey\) or 3"):
        grabcut_masks(np.zeros((1, 4, 8, 8)))


def test_receptive_fields_ignore_how_batch_norms_were_built():
    tracked = _two_convs()
    untracked = _two_convs()
    untracked[1] = torch.nn.BatchNorm2d(3, track_running_stats=False)  # batch statistics
    a = receptive_fields(tracked, (1, 8, 8), ["3"])
    b = receptive_fields(untracked, (1, 8, 8), ["3"])
    np.testing.assert_allclose(b.weights["3"], a.weights["3"])


def test_receptive_fields_refuse_per_input_normalisation():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.GroupNorm(2, 4), torch.nn.Conv2d(4, 2, 3)
    )
    with pytest.raises(ValueError, match="model: GroupNorm modules normalise each input"):
        receptive_fields(net, (1, 8, 8), ["2"])
