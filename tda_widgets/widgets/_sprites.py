"""Thumbnails for the views: images -> PNG bytes and one PNG sprite sheet (Pillow)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["as_images", "encode_png", "sprite_sheet"]


def encode_png(image: NDArray[np.uint8]) -> bytes:
    """PNG bytes of an ``(h, w)`` grey or ``(h, w, 3|4)`` RGB(A) uint8 image.

    Examples
    --------
    >>> png = encode_png(np.zeros((2, 3, 3), dtype=np.uint8))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n", len(png) > 40
    (True, True)
    """
    from PIL import Image  # Pillow: a dependency of torchvision

    img = np.ascontiguousarray(image, dtype=np.uint8)
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (3, 4)):
        raise ValueError(
            f"image: expected (h, w), (h, w, 1), (h, w, 3) or (h, w, 4), got {img.shape}"
        )
    out = io.BytesIO()
    Image.fromarray(img).save(out, format="PNG", compress_level=6)
    return out.getvalue()


def as_images(images: Any, *, name: str = "images") -> NDArray[np.uint8]:
    """Images as an ``(n, h, w, c)`` uint8 array, ``c`` in 1, 3, 4.

    Accepts ``(n, h, w)``, ``(n, h, w, c)`` and channel-first ``(n, c, h, w)`` arrays
    (e.g. a torch batch); floats in [0, 1] are scaled to 0..255, other floats are
    min-max normalised.

    Examples
    --------
    >>> as_images(np.ones((2, 3, 8, 8))).shape
    (2, 8, 8, 3)
    """
    arr = np.asarray(images.detach().cpu() if hasattr(images, "detach") else images)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"{name}: expected an array of numbers, got dtype {arr.dtype}")
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4:
        raise ValueError(
            f"{name}: expected shape (n, h, w), (n, h, w, c) or (n, c, h, w) with c in 1, 3, 4; "
            f"got shape {arr.shape}"
        )
    if arr.shape[-1] not in (1, 3, 4) and arr.shape[1] in (1, 3, 4):
        arr = np.moveaxis(arr, 1, -1)  # channel-first
    if arr.shape[-1] not in (1, 3, 4):
        raise ValueError(f"{name}: expected 1, 3 or 4 channels, got shape {arr.shape}")
    if arr.dtype == np.uint8:
        return np.ascontiguousarray(arr)
    f = arr.astype(np.float64)
    if not np.all(np.isfinite(f)):
        raise ValueError(f"{name}: expected finite pixel values")
    lo, hi = (float(f.min()), float(f.max())) if f.size else (0.0, 1.0)
    if lo >= 0 and hi <= 1 and not np.issubdtype(arr.dtype, np.integer):
        f = f * 255
    elif lo < 0 or hi > 255 or not np.issubdtype(arr.dtype, np.integer):
        f = (f - lo) / ((hi - lo) or 1) * 255
    return np.ascontiguousarray(np.clip(np.round(f), 0, 255).astype(np.uint8))


def sprite_sheet(images: NDArray[np.uint8], columns: int = 8) -> tuple[bytes, int]:
    """One PNG holding ``images`` (``(k, h, w, c)`` uint8) on a grid; returns (png, columns).

    Tiles are row-major: image ``t`` is at column ``t % columns``, row ``t // columns``.

    Examples
    --------
    >>> png, cols = sprite_sheet(np.zeros((10, 4, 4, 1), dtype=np.uint8), columns=8)
    >>> cols
    8
    """
    k, h, w, c = images.shape
    if k == 0:
        return b"", 0
    cols = max(1, min(columns, k))
    n_rows = -(-k // cols)
    sheet = np.zeros((n_rows * h, cols * w, c), dtype=np.uint8)
    for t in range(k):
        r, q = divmod(t, cols)
        sheet[r * h : (r + 1) * h, q * w : (q + 1) * w] = images[t]
    return encode_png(sheet), cols
