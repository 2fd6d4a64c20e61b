"""P11: a 1,000-point H1 confidence set with B = 100, ours vs the plain-library loop.

Same resamples, same c_alpha, side by side in one run:

* **bootstrap**: ours is ``diagram_confidence(method="bootstrap")`` (each resample's
  distinct points only, the fast persistence backend, resamples as joblib jobs);
  plain is ``ripser.ripser(X[idx], maxdim=1)`` + ``persim.bottleneck`` per resample.
  Target: >= 5x, the same c_alpha.
* **subsampling bound**: ours reuses one distance matrix for every subsample (column
  minima); plain is ``ripser.ripser`` for the diagram + a scipy ``cKDTree`` query of the
  cloud against each subsample.

    python benchmarks/p11_confidence.py [--n 1000] [--n-boot 100] [--layer layer2.0.conv1]
        [--synthetic]

By default the cloud is a layer of the shipped MNIST model (top-l2 vectors of the first
``n`` test digits, as the explorer uses them); ``--synthetic`` uses a noisy circle in
R^64 instead.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import persim
import ripser
from joblib import effective_n_jobs
from scipy.spatial import cKDTree

from tda_widgets.stats import diagram_confidence


def cloud(args: argparse.Namespace) -> np.ndarray:
    if args.synthetic:
        rng = np.random.default_rng(0)
        t = rng.uniform(0, 2 * np.pi, args.n)
        x = np.zeros((args.n, 64))
        x[:, 0], x[:, 1] = np.cos(t), np.sin(t)
        return (x + rng.normal(scale=0.05, size=x.shape)).astype(np.float32)
    import torch

    from tda_widgets import Analysis, datasets

    model, _ = datasets.default_model()
    data = torch.utils.data.Subset(datasets.mnist_5k("test"), range(args.n))
    a = Analysis(model, data, [args.layer], progress=False)
    return a.cloud(args.layer).points


def plain_bootstrap(x: np.ndarray, n_boot: int, seed: int, alpha: float) -> float:
    ref = ripser.ripser(x, maxdim=1)["dgms"][1]
    rng = np.random.default_rng(seed)
    null = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(x), size=len(x))
        dg = ripser.ripser(x[idx], maxdim=1)["dgms"][1]
        null.append(persim.bottleneck(dg, ref))
    return float(np.quantile(null, 1 - alpha, method="higher"))


def plain_subsample(x: np.ndarray, n_boot: int, seed: int, alpha: float) -> float:
    ripser.ripser(x, maxdim=1)  # the diagram the set is for
    rng = np.random.default_rng(seed)
    null = []
    for _ in range(n_boot):
        keep = rng.choice(len(x), size=len(x) // 2, replace=False)
        dist, _ = cKDTree(x[keep].astype(np.float64)).query(x.astype(np.float64))
        null.append(2 * float(dist.max()))
    return float(np.quantile(null, 1 - alpha, method="higher"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--n-boot", type=int, default=100)
    ap.add_argument("--layer", default="layer2.0.conv1")
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--n-jobs", type=int, default=-1)
    args = ap.parse_args()
    x = cloud(args)
    what = "noisy circle in R^64" if args.synthetic else f"{args.layer} top-l2"
    print(
        f"P11: {x.shape[0]} x {x.shape[1]} ({what}); B = {args.n_boot}; alpha = 0.05; "
        f"{effective_n_jobs(args.n_jobs)} joblib workers for ours"
    )
    head = f"{'method':<12} {'ours [s]':>9} {'plain [s]':>10} {'speed-up':>9} {'c_alpha ours':>13} {'plain':>10}"
    print(head + "\n" + "-" * len(head))
    for method, plain in (("subsample", plain_subsample), ("bootstrap", plain_bootstrap)):
        t = time.perf_counter()
        ours = diagram_confidence(x, n_boot=args.n_boot, method=method, n_jobs=args.n_jobs)
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        c_plain = plain(x, args.n_boot, 0, 0.05)
        t_plain = time.perf_counter() - t
        print(
            f"{method:<12} {t_ours:>9.2f} {t_plain:>10.2f} {t_plain / t_ours:>8.1f}x "
            f"{ours.c_alpha:>13.6g} {c_plain:>10.6g}",
            flush=True,
        )
        print(f"{'':<12} {ours.label}")


if __name__ == "__main__":
    main()
