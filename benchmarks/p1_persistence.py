"""P1: persistence of one layer-sized cloud (1000 x 512, H0 + H1) vs ``ripser.ripser``.

Ours is ``persistence_diagrams`` with the default ``backend="auto"`` (and its
generators); plain is ``ripser.ripser(X, maxdim=1)``. Target: >= 2x, identical diagrams.

    python benchmarks/p1_persistence.py [--n 1000] [--d 512] [--repeat 3] [--shipped]

``--shipped`` adds one row per convolution of the shipped MNIST model (top-l2 clouds of
1000 test digits, as in the explorer): real activations, not only Gaussian noise.
"""

from __future__ import annotations

import argparse

import numpy as np
import ripser
from _table import best_of, print_table

from tda_widgets import Diagrams, available_backends, persistence_diagrams


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--d", type=int, default=512)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--shipped", action="store_true", help="also the shipped model's layers")
    args = p.parse_args()
    x = np.random.default_rng(0).standard_normal((args.n, args.d)).astype(np.float32)
    t_plain, ref = best_of(lambda: ripser.ripser(x, maxdim=1)["dgms"], args.repeat)
    rows = []
    for backend in ("auto", *available_backends()):
        t, ours = best_of(lambda b=backend: persistence_diagrams(x, backend=b), args.repeat)
        name = f"{backend} -> {ours.backend}" if backend == "auto" else backend
        target = ">= 2x, identical" if backend == "auto" else ""
        rows.append((name, t, t_plain, max_difference(ref, ours), target))
    print(f"H1 bars: {len(ref[1])}; cloud {args.n} x {args.d}; best of {args.repeat}")
    print_table("P1 persistence_diagrams vs ripser.ripser", rows)
    if args.shipped:
        print_table("P1 on the shipped model's layers (auto)", shipped_rows(args.repeat))


def max_difference(ref: list[np.ndarray], ours: Diagrams) -> float:
    """Largest difference of sorted finite values; inf if the diagrams differ in shape."""
    diff = 0.0
    for k in range(2):
        a = ref[k][np.lexsort((ref[k][:, 1], ref[k][:, 0]))]
        b = ours[k][np.lexsort((ours[k][:, 1], ours[k][:, 0]))]
        fin = np.isfinite(a)
        if a.shape != b.shape or not np.array_equal(fin, np.isfinite(b)):
            return np.inf
        diff = max(diff, float(np.abs(a[fin] - b[fin]).max(initial=0.0)))
    return diff


def shipped_rows(repeat: int) -> list[tuple[str, float, float, float, str]]:
    """One row per convolution of the shipped model, top-l2 clouds of 1000 test digits."""
    from tda_widgets import Analysis, datasets, list_layers

    model, _ = datasets.default_model()
    layers = list_layers(model, "Conv2d", input_shape=(1, 32, 32)).names
    analysis = Analysis(model, datasets.mnist_5k("test"), layers, cache_dir=False, progress=False)
    rows = []
    for layer in layers:
        x = analysis.cloud(layer).points
        t_plain, ref = best_of(lambda x=x: ripser.ripser(x, maxdim=1)["dgms"], repeat)
        t, ours = best_of(lambda x=x: persistence_diagrams(x), repeat)
        rows.append((f"{layer} ({x.shape[1]}-d)", t, t_plain, max_difference(ref, ours), ""))
    return rows


if __name__ == "__main__":
    main()
