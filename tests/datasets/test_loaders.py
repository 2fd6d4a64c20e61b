"""cifar10 and image_folder on tiny data written here in the official on-disk layouts."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.datasets import CIFAR10

from tda_widgets.datasets import CIFAR10_MEAN, CIFAR10_STD, cifar10, image_folder

_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def _write_cifar(root: Path, n_per_batch: int = 3) -> dict[str, np.ndarray]:
    """Tiny CIFAR-10 python batches (pickled dicts of uint8 rows) and their meta file."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    written = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, size=(n_per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, 10, size=n_per_batch)]
        batch = {
            "batch_label": f"tiny {name}",
            "labels": labels,
            "data": data,
            "filenames": [f"img_{k}.png" for k in range(n_per_batch)],
        }
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
        written[name] = data
        written[name + "_labels"] = np.array(labels)
    meta = {"label_names": _NAMES, "num_cases_per_batch": n_per_batch, "num_vis": 3072}
    (folder / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    return written


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_cifar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict]:
    """Tiny CIFAR-10 on disk; torchvision's checksum lists name these files' real md5s."""
    written = _write_cifar(tmp_path)
    folder = tmp_path / "cifar-10-batches-py"
    monkeypatch.setattr(
        CIFAR10,
        "train_list",
        [[f"data_batch_{i}", _md5(folder / f"data_batch_{i}")] for i in range(1, 6)],
    )
    monkeypatch.setattr(CIFAR10, "test_list", [["test_batch", _md5(folder / "test_batch")]])
    monkeypatch.setattr(CIFAR10, "meta", {**CIFAR10.meta, "md5": _md5(folder / "batches.meta")})
    return tmp_path, written


def test_cifar10_test_split(tiny_cifar) -> None:
    root, written = tiny_cifar
    ds = cifar10(root)
    assert len(ds) == 3 and ds.classes == _NAMES
    image, label = ds[1]
    assert image.shape == (3, 32, 32) and image.dtype == torch.float32
    assert label == written["test_batch_labels"][1]
    raw = torch.from_numpy(written["test_batch"][1].reshape(3, 32, 32).astype(np.float32) / 255)
    mean = torch.tensor(CIFAR10_MEAN)[:, None, None]
    std = torch.tensor(CIFAR10_STD)[:, None, None]
    assert torch.allclose(image, (raw - mean) / std, atol=1e-5)
    plain, _ = cifar10(root, normalize=False)[1]
    assert torch.allclose(plain, raw, atol=1e-6)


def test_cifar10_train_split_and_custom_transform(tiny_cifar) -> None:
    root, written = tiny_cifar
    ds = cifar10(str(root), train=True, transform=lambda im: np.asarray(im))
    assert len(ds) == 15
    image, label = ds[4]  # second image of data_batch_2
    np.testing.assert_array_equal(
        image, written["data_batch_2"][1].reshape(3, 32, 32).transpose(1, 2, 0)
    )
    assert label == written["data_batch_2_labels"][1]


def test_cifar10_corrupted_files_fail_the_checksum(tiny_cifar) -> None:
    root, _ = tiny_cifar
    path = root / "cifar-10-batches-py" / "test_batch"
    path.write_bytes(path.read_bytes()[:-1] + b"x")
    with pytest.raises(RuntimeError, match=r"incomplete or corrupted"):
        cifar10(root)


def test_cifar10_missing_root_says_how_to_get_the_data(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as err:
        cifar10(tmp_path / "nowhere")
    message = str(err.value)
    assert "cifar-10-batches-py" in message and "download=True" in message
    assert "mnist_5k" in message
    with pytest.raises(TypeError, match=r"root: expected a path \(str or os.PathLike\), got int"):
        cifar10(3)  # type: ignore[arg-type]


def _write_folder(root: Path) -> None:
    rng = np.random.default_rng(1)
    for cls, n, size in (("dog", 2, (40, 30)), ("cat", 3, (24, 24))):
        (root / cls).mkdir(parents=True)
        for k in range(n):
            pixels = rng.integers(0, 256, size=(size[1], size[0], 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / cls / f"{k}.png")
    Image.fromarray(np.full((8, 8), 200, dtype=np.uint8), mode="L").save(root / "cat" / "grey.png")


def test_image_folder(tmp_path: Path) -> None:
    _write_folder(tmp_path)
    ds = image_folder(tmp_path, image_size=16)
    assert ds.classes == ["cat", "dog"]
    assert len(ds) == 6
    assert sorted(ds.targets) == [0, 0, 0, 0, 1, 1]
    for image, _label in ds:
        assert image.shape == (3, 16, 16) and image.dtype == torch.float32
        assert float(image.min()) >= 0.0 and float(image.max()) <= 1.0
    grey = next(i for i, (p, _) in enumerate(ds.samples) if p.endswith("grey.png"))
    assert torch.allclose(ds[grey][0], torch.full((3, 16, 16), 200 / 255), atol=1e-6)
    natural = image_folder(tmp_path)
    assert {tuple(natural[i][0].shape) for i in range(len(natural))} == {
        (3, 24, 24),
        (3, 30, 40),
        (3, 8, 8),
    }


def test_image_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"does not exist or is not a directory"):
        image_folder(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match=r"one sub-folder per class"):
        image_folder(tmp_path)
    with pytest.raises(ValueError, match=r"image_size: expected a positive integer or None, got 0"):
        _write_folder(tmp_path / "ok")
        image_folder(tmp_path / "ok", image_size=0)
