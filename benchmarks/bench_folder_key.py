"""Keying an ``image_folder``: by its files' bytes (cold and warm index) vs item by item.

A folder of N random 32x32 RGB PNGs in 10 classes is written to a temporary directory
and opened with :func:`tda_widgets.datasets.image_folder`. Times (best of ``--repeat``):

* **item by item**: the key as it was before (and still is for other datasets): every
  item ``data[i]`` read, i.e. each image decoded and transformed, then hashed;
* **cold**: ``hash_data`` with no index file yet: every file read and hashed (BLAKE2b),
  no image decoded, and the index written;
* **warm**: ``hash_data`` with that index: one ``stat`` per file, no file read;
* **no index**: ``hash_data(..., digest_index=None)``: every file read, never remembered.

The files were written just before (then left alone 2 s), so they are in the page cache in every case (a cold disk
would make "cold" and "item by item" slower, not "warm"). Printed, not asserted.

    python benchmarks/bench_folder_key.py [--n 2000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from _table import best_of
from PIL import Image

from tda_widgets._cache_key import Keyer
from tda_widgets._file_digests import RACY_NS, FileDigests
from tda_widgets._model_key import hash_data
from tda_widgets.datasets import image_folder

CLASSES = 10


def write_folder(root: Path, n: int) -> None:
    rng = np.random.default_rng(0)
    for c in range(CLASSES):
        (root / f"class{c:02d}").mkdir(parents=True)
    for i in range(n):
        pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(root / f"class{i % CLASSES:02d}" / f"{i:06d}.png")
    # as for a folder written earlier: entries of files changed < RACY_NS before they
    # are hashed are not trusted (the warm run would read those files again)
    time.sleep(RACY_NS / 1e9 + 0.1)


def item_by_item(data) -> str:
    """The key as ``hash_data`` computes it for a ``Dataset`` it cannot key otherwise."""
    k = Keyer()
    n = len(data)
    k.add(n, "len(data)")
    for i in range(n):
        k.forget()
        k.add(data[i], f"data[{i}]")
    return k.hexdigest()


def measure(n: int, repeat: int) -> tuple[float, float, float, float]:
    """Seconds to key N images: item by item, cold, warm, without an index."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "images"
        write_folder(root, n)
        ds = image_folder(root)
        index = Path(tmp) / "file-digests.npz"

        def cold() -> str:
            index.unlink(missing_ok=True)
            return hash_data(ds, None, digest_index=index)

        t_cold, key = best_of(cold, repeat)
        t_warm, again = best_of(lambda: hash_data(ds, None, digest_index=index), repeat)
        t_none, plain = best_of(lambda: hash_data(ds, None), repeat)
        t_item, _ = best_of(lambda: item_by_item(ds), repeat)
        assert key == again == plain
        warm_reads = FileDigests(index)
        for path, _ in ds.samples:
            warm_reads.digest(path)
        assert warm_reads.n_read == 0, f"{warm_reads.n_read} files read with a warm index"
        return t_item, t_cold, t_warm, t_none


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, nargs="+", default=[2000, 10000])
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    head = (
        f"{'images':>7} {'item by item [s]':>17} {'cold [s]':>9} {'warm [s]':>9} "
        f"{'no index [s]':>13} {'item/cold':>10} {'item/warm':>10} {'cold/warm':>10}"
    )
    print(head)
    print("-" * len(head))
    for n in args.n:
        t_item, t_cold, t_warm, t_none = measure(n, args.repeat)
        print(
            f"{n:>7} {t_item:>17.3f} {t_cold:>9.3f} {t_warm:>9.3f} {t_none:>13.3f} "
            f"{t_item / t_cold:>9.1f}x {t_item / t_warm:>9.1f}x {t_cold / t_warm:>9.1f}x"
        )


if __name__ == "__main__":
    main()
