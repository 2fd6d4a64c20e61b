"""Benchmark: ``explore()`` from 1,000 to 50,000 CIFAR-shaped images, per stage.

The paper's width-64 CIFAR ResNet-18 (``datasets.resnet18_cifar()``, random init) at all
17 convolutions, on random 3x32x32 images with random labels (10 classes). For each
``n`` a fresh subprocess (so its peak RSS is its own) times, in order:

* ``forward``: the bare ``model(batch)`` loop over the same images (no hooks), the
  reference the whole cold ``explore()`` is compared with;
* ``extraction`` (every layer's top-l2 cloud), ``persistence`` (all layers, on the
  default 1,000-image subsample), ``SW matrix``, ``CKA`` (all images), ``first Mapper``
  (the layer the explorer shows first, all images) and ``explorer ready`` (the widget
  built from the analysis, as ``explore()`` builds it: with the two shown layers'
  confidence sets and the first Mapper purity test): together the cold ``explore()``, run as separate
  ``Analysis`` steps so each is timed;
* ``warm``: ``explore()`` again on the same disk cache, in the same process;
* ``reopen``: ``explore()`` on the same disk cache in a *fresh* process, as after a
  kernel restart: the process imports torch and tda_widgets and makes the same model and
  images (not timed: printed as ``reopen setup``), then ``explore()`` is timed, with the
  process's own peak RSS (images included).

Each stage's peak RSS is sampled every 20 ms (it includes the images themselves). The
table ends with the fitted growth exponent of each stage's time and of the peak memory
beyond the process's baseline (``log t = a + b log n``; ``b <= 1.1`` is linear), and the
ratio cold ``explore()`` / bare forward pass for each ``n``.

Targets (issues 13 and 27, this 2-core machine): at n = 50,000, cold <= 1.5x forward,
warm <= 10 s, reopen <= 3 s, peak RSS <= 4 GiB (cold and reopen); memory exponent <= 1.1.

Run ``python benchmarks/bench_scale.py`` (all four sizes: about 25 minutes on two cores,
most of it the 50,000-image forward passes) or ``--sizes 1000 5000`` for a quick look.
``--reopen N --cache-dir DIR`` times the reopen alone on a cache that a run with
``--keep-cache DIR`` left (or that ``explore()`` of the same model and images wrote).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

STAGES = (
    "extraction",
    "persistence",
    "SW matrix",
    "CKA",
    "first Mapper",
    "explorer ready",
)


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class _Peak:
    """Highest RSS seen while a block runs (sampled every 20 ms, plus at both ends)."""

    def __enter__(self) -> _Peak:
        self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


def _timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    with _Peak() as peak:
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
    return dt, peak.peak, out


def _inputs(n: int, seed: int) -> tuple[Any, list[str], Any, Any]:
    """The model, its 17 convolutions, ``n`` images and labels: the same for every run."""
    import torch

    from tda_widgets.datasets import resnet18_cifar

    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(seed)
    model = resnet18_cifar().eval()
    layers = [m for m, mod in model.named_modules() if isinstance(mod, torch.nn.Conv2d)]
    gen = torch.Generator().manual_seed(seed)
    images = torch.randn(n, 3, 32, 32, generator=gen)
    labels = torch.randint(0, 10, (n,), generator=gen)
    return model, layers, images, labels


def reopen(n: int, seed: int, cache: str) -> dict[str, Any]:
    """``explore()`` on a warm cache in this (fresh) process, as after a kernel restart."""
    t = time.perf_counter()
    import tda_widgets as tw

    model, layers, images, labels = _inputs(n, seed)
    setup = time.perf_counter() - t
    dt, peak, ex = _timed(
        lambda: tw.explore(model, (images, labels), layers, cache_dir=cache, progress=False)
    )
    computed = dict(ex.analysis.n_computed)
    assert not computed, f"the reopen computed {computed}: the cache was not warm"
    return {"reopen": (dt, peak), "reopen setup": setup}


def _reopen_in_subprocess(n: int, seed: int, cache: str) -> dict[str, Any]:
    args = ["--reopen", str(n), "--cache-dir", cache, "--seed", str(seed)]
    proc = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the reopen failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_one(n: int, batch_size: int, seed: int, keep: str | None = None) -> dict[str, Any]:
    """All stages for ``n`` images, in this process (called in a subprocess)."""
    import torch

    import tda_widgets as tw
    from tda_widgets.analysis import Analysis
    from tda_widgets.widgets.panels.explorer import ActivationExplorer

    baseline = _rss()
    model, layers, images, labels = _inputs(n, seed)
    out: dict[str, Any] = {"n": n, "layers": len(layers), "baseline": baseline}

    def forward() -> None:
        with torch.no_grad():
            for s in range(0, n, batch_size):
                model(images[s : s + batch_size])

    out["forward"] = _timed(forward)[:2]
    with tempfile.TemporaryDirectory() as tmp:
        cache = keep or tmp
        kw = {"cache_dir": cache, "progress": False, "batch_size": batch_size}
        a = Analysis(model, torch.utils.data.TensorDataset(images, labels), layers, **kw)
        steps: dict[str, Callable[[], Any]] = {
            "extraction": lambda: [a.cloud(layer) for layer in layers],
            "persistence": lambda: [a.diagrams(layer) for layer in layers],
            "SW matrix": lambda: a.distance_matrix(),
            "CKA": lambda: a.cka_matrix(),
            "first Mapper": lambda: a.mapper(layers[1], n_intervals=10, overlap=0.5),
            # as explore() builds it: the two shown layers' confidence sets included
            "explorer ready": lambda: ActivationExplorer(a, confidence=True),
        }
        for name, fn in steps.items():
            out[name] = _timed(fn)[:2]
        subsample = a.diagrams(layers[-1]).params
        out["ph_points"] = len(subsample.get("indices", range(n)))
        out["mapper_points"] = int(a.cloud(layers[1]).points.shape[0])
        warm = _timed(
            lambda: tw.explore(model, (images, labels), layers, cache_dir=cache, progress=False)
        )
        out["warm"] = warm[:2]
        out.update(_reopen_in_subprocess(n, seed, cache))
    return out


def _fit(ns: list[int], ys: list[float]) -> float:
    if len(ns) < 2 or min(ys) <= 0:
        return float("nan")
    return float(np.polyfit(np.log(ns), np.log(ys), 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000, 50000])
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep-cache", metavar="DIR", help="write the cache here and keep it")
    ap.add_argument("--reopen", type=int, metavar="N", help="only reopen N images' cache")
    ap.add_argument("--cache-dir", metavar="DIR", help="the cache --reopen reads")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # subprocess entry
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.batch_size, args.seed, args.keep_cache)))
        return
    if args.reopen:
        if not args.cache_dir:
            ap.error("--reopen needs --cache-dir (the cache a run with --keep-cache left)")
        print(json.dumps(reopen(args.reopen, args.seed, args.cache_dir)))
        return
    if args.keep_cache and len(args.sizes) > 1:
        ap.error("--keep-cache keeps one size's cache: pass one --sizes value")

    rows = []
    for n in args.sizes:
        print(f"n = {n:,}: running ...", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                *("--one", str(n), "--batch-size", str(args.batch_size)),
                *(("--keep-cache", args.keep_cache) if args.keep_cache else ()),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"n = {n}: the run failed (exit {proc.returncode})")
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))

    gib = 1024**3
    print("bench_scale: explore() on CIFAR-shaped images, width-64 ResNet-18, 17 convs")
    print(f"{'stage':<16}" + "".join(f"{r['n']:>18,}" for r in rows) + f"{'time exp':>10}")
    print(f"{'':<16}" + "".join(f"{'s / GiB peak':>18}" for _ in rows))
    for stage in ("forward", *STAGES, "warm", "reopen"):
        cells = "".join(f"{r[stage][0]:>9.1f} / {r[stage][1] / gib:>5.2f}" for r in rows)
        exp = _fit([r["n"] for r in rows], [r[stage][0] for r in rows])
        print(f"{stage:<16}{cells}{exp:>10.2f}")
    cold = [sum(r[s][0] for s in STAGES) for r in rows]
    peak = [max(r[s][1] for s in ("forward", *STAGES)) for r in rows]
    print(
        f"{'cold explore()':<16}"
        + "".join(f"{c:>9.1f} / {p / gib:>5.2f}" for c, p in zip(cold, peak, strict=True))
        + f"{_fit([r['n'] for r in rows], cold):>10.2f}"
    )
    print(
        f"{'cold / forward':<16}"
        + "".join(f"{c / r['forward'][0]:>17.2f}x" for c, r in zip(cold, rows, strict=True))
    )
    beyond = [p - r["baseline"] for p, r in zip(peak, rows, strict=True)]
    print(f"{'reopen setup':<16}" + "".join(f"{r['reopen setup']:>16.1f} s" for r in rows))
    print(f"{'PH points':<16}" + "".join(f"{r['ph_points']:>18,}" for r in rows))
    print(f"{'Mapper points':<16}" + "".join(f"{r['mapper_points']:>18,}" for r in rows))
    print(
        f"memory exponent (peak RSS beyond the {rows[0]['baseline'] / gib:.2f} GiB baseline): "
        f"{_fit([r['n'] for r in rows], beyond):.2f}  (target <= 1.1)"
    )
    last = rows[-1]
    print(
        f"at n = {last['n']:,}: cold / forward = {cold[-1] / last['forward'][0]:.2f} (target <= 1.5), "
        f"warm = {last['warm'][0]:.1f} s (target <= 10), reopen = {last['reopen'][0]:.2f} s "
        f"in a fresh process (target <= 3; peak RSS {last['reopen'][1] / gib:.2f} GiB), "
        f"peak RSS = {peak[-1] / gib:.2f} GiB (target <= 4)"
    )


if __name__ == "__main__":
    main()
