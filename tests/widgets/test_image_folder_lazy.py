"""``datasets.image_folder`` with the gallery: files are opened only when shown.

A folder of a few hundred small PNGs stands in for 50,000 ImageNet-size images: building
the dataset lists paths only, and the gallery opens exactly the files of the thumbnails
it shows, whatever the size of the selection.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tda_widgets.datasets import image_folder
from tda_widgets.widgets.panels.gallery import ImageGallery
from tda_widgets.widgets.panels.images import ImageSource

N_PER_CLASS = 100
CLASSES = ("ant", "bee", "cat")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for name in CLASSES:
        (root / name).mkdir()
        for k in range(N_PER_CLASS):
            # every tenth image is larger and not square (no image_size: sizes differ)
            shape = (24, 20, 3) if k % 10 == 9 else (16, 16, 3)
            pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{k:03d}.png")
    return root


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every image file Pillow opens during the test."""
    seen: list[str] = []
    real = Image.open

    def counting(fp, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(getattr(fp, "name", fp)))
        return real(fp, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting)
    return seen


def test_image_folder_lists_paths_and_opens_no_file(folder: Path, opened: list[str]) -> None:
    ds = image_folder(folder)
    assert len(ds) == 3 * N_PER_CLASS
    assert ds.classes == list(CLASSES)
    source = ImageSource(ds)
    assert len(source) == 3 * N_PER_CLASS
    assert opened == []


def test_gallery_opens_only_the_files_it_shows(folder: Path, opened: list[str]) -> None:
    ds = image_folder(folder)
    gallery = ImageGallery(ImageSource(ds, max_side=64), max_images=12)
    gallery.show(range(len(ds)), "All")
    assert len(gallery.indices) == 3 * N_PER_CLASS
    assert gallery.text == "All: 300 images (showing 12)"
    assert len(gallery.grid.children) == 12
    # the first 12 files (ant/000 .. ant/011), each opened once
    assert sorted(opened) == sorted(str(folder / "ant" / f"{k:03d}.png") for k in range(12))


def test_thumbnails_are_the_files_pixels_and_keep_their_sizes(
    folder: Path, opened: list[str]
) -> None:
    ds = image_folder(folder)
    source = ImageSource(ds, max_side=64)
    small, large = 0, 109  # ant/000 (16x16) and bee/009 (24x20)
    thumbs = source.thumbnails([small, large])
    assert len(opened) == 2
    assert [t.shape for t in thumbs] == [(16, 16, 3), (24, 20, 3)]
    np.testing.assert_array_equal(thumbs[1], np.asarray(Image.open(folder / "bee" / "009.png")))
    # as one array: padded (black) to the larger size
    both = source.get([small, large])
    assert both.shape == (2, 24, 20, 3)
    np.testing.assert_array_equal(both[0, :16, :16], thumbs[0])
    assert not both[0, 16:].any() and not both[0, :, 16:].any()
