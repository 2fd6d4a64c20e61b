"""P2: a 17-layer sliced-Wasserstein (H1) matrix vs a loop of ``persim.sliced_wasserstein``.

The diagrams are the H1 diagrams of 17 random clouds of ``--n`` points in 64..512
dimensions (computed once, not timed). Target: >= 100x, rel. diff <= 1e-6.

    python benchmarks/p2_sw_matrix.py [--n 600] [--full]   # --full: n = 1000
"""

from __future__ import annotations

import argparse

import numpy as np
import persim
from _table import best_of, print_table

from tda_widgets import layer_distance_matrix, persistence_diagrams


def plain_matrix(dgms: list[np.ndarray]) -> np.ndarray:
    n = len(dgms)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i] = persim.sliced_wasserstein(dgms[i], dgms[j])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=600)
    p.add_argument("--full", action="store_true")
    args = p.parse_args()
    n = 1000 if args.full else args.n
    rng = np.random.default_rng(0)
    dims = np.linspace(64, 512, 17).astype(int)
    by_layer = {}
    for i, d in enumerate(dims):
        x = rng.standard_normal((n, d)).astype(np.float32) * (1 + i / 17)
        by_layer[f"layer{i}"] = persistence_diagrams(x, maxdim=1)
    h1 = [dg[1] for dg in by_layer.values()]
    t_ours, ours = best_of(lambda: layer_distance_matrix(by_layer), 3)
    t_plain, ref = best_of(lambda: plain_matrix(h1), 1)
    rel = float(np.max(np.abs(ours.values - ref) / np.maximum(ref, 1e-300)))
    print(f"H1 diagram sizes: {min(map(len, h1))}..{max(map(len, h1))} points; clouds of {n}")
    print_table(
        "P2 layer_distance_matrix (SW, H1, 17 layers) vs persim loop",
        [("17x17 SW matrix (rel. diff)", t_ours, t_plain, rel, ">= 100x, <= 1e-6")],
    )


if __name__ == "__main__":
    main()
