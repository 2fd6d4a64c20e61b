"""Time of ``ActivationExplorer.to_html`` on the default explorer, first and second export.

Builds ``explore()`` (the shipped MNIST ResNet-18, 17 layers, 500 images) in a fresh
cache directory (or ``--cache-dir DIR``), then writes the page twice and prints each
export's seconds. The first export computes what the analysis has not cached yet (the
matching lines of every pair of layers, every layer's confidence set and Mapper graph);
the second reads them from the cache.

Run: ``.venv/bin/python benchmarks/bench_export_time.py [--cache-dir DIR]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main(cache_dir: str | None = None) -> dict[str, float]:
    import tda_widgets

    with tempfile.TemporaryDirectory() as tmp:
        cache = cache_dir or os.path.join(tmp, "cache")
        t0 = time.perf_counter()
        explorer = tda_widgets.explore(cache_dir=cache, progress=False)
        out = {"explore_s": time.perf_counter() - t0}
        for k in (1, 2):
            t0 = time.perf_counter()
            page = explorer.to_html(Path(tmp) / f"explorer{k}.html")
            out[f"export{k}_s"] = time.perf_counter() - t0
            out[f"page{k}_mb"] = page.stat().st_size / 1e6
    print(
        f"explore(): {out['explore_s']:.1f} s; to_html: first {out['export1_s']:.1f} s "
        f"({out['page1_mb']:.1f} MB), second {out['export2_s']:.1f} s "
        f"({out['page2_mb']:.1f} MB); load {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
    )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", default=None, help="cache directory (default: a fresh one)")
    main(parser.parse_args().cache_dir)
