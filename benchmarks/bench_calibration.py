"""Calibration of the evidence: false positives, power, null p-values, Mantel vs scikit-bio.

Over ``--trials`` seeded trials each (default 200):

1. **False-positive rate** of ``diagram_confidence`` on i.i.d. Gaussian clouds (200 points
   in R^3, no loop): the share of clouds with at least one "significant" H1 feature at
   alpha = 0.05. A calibrated set stays <= alpha plus its Monte Carlo error. Both methods:
   the subsampling bound (default) and the plain bootstrap (the caveat in its docstring).
2. **Power** on noisy circles (300 points, noise 0.1): the share with exactly one
   significant H1 feature.
3. **Permutation p-values under a true null** (Mantel on independent matrices; Mapper
   purity with labels independent of the graph): their KS distance to Uniform(0, 1).
4. **Mantel vs scikit-bio** (``skbio.stats.distance.mantel``): the largest statistic
   difference and the p difference in Monte Carlo standard errors.

    python benchmarks/bench_calibration.py [--trials 200] [--n-boot 100] [--quick]

``--quick`` runs 40 trials (a smoke run); the numbers in the README come from the default.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy import stats

from tda_widgets import mapper_graph
from tda_widgets.stats import diagram_confidence, mantel, purity_permutation_test


def rate(hits: int, n: int) -> str:
    p = hits / n
    return f"{p:.3f} ± {math.sqrt(max(p * (1 - p), 1e-12) / n):.3f} ({hits}/{n})"


def false_positives(trials: int, n_boot: int, method: str) -> str:
    hits = 0
    for s in range(trials):
        x = np.random.default_rng(10_000 + s).normal(size=(200, 3))
        hits += diagram_confidence(x, n_boot=n_boot, seed=s, method=method).n_significant > 0
    return rate(hits, trials)


def power(trials: int, n_boot: int, method: str) -> str:
    hits = 0
    for s in range(trials):
        rng = np.random.default_rng(20_000 + s)
        t = rng.uniform(0, 2 * np.pi, 300)
        x = np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.1, size=(300, 2))
        hits += diagram_confidence(x, n_boot=n_boot, seed=s, method=method).n_significant == 1
    return rate(hits, trials)


def distances(x: np.ndarray) -> np.ndarray:
    return np.linalg.norm(x[:, None] - x[None], axis=-1)


def null_p_values(trials: int) -> tuple[float, float]:
    rng = np.random.default_rng(30_000)
    mantel_p = [
        mantel(
            distances(rng.normal(size=(10, 2))),
            distances(rng.normal(size=(10, 2))),
            n_permutations=199,
            seed=s,
        ).p_value
        for s in range(trials)
    ]
    x = np.concatenate([c + rng.normal(size=(60, 2)) for c in ([0, 0], [5, 0], [0, 5])])
    g = mapper_graph(x, n_intervals=6, overlap=0.3, progress=False)
    purity_p = [
        purity_permutation_test(g, rng.integers(0, 3, len(x)), n_permutations=199, seed=s).p_value
        for s in range(trials)
    ]
    ks = [stats.kstest(p, "uniform").statistic for p in (mantel_p, purity_p)]
    return ks[0], ks[1]


def against_scikit_bio(trials: int) -> tuple[float, float]:
    from skbio.stats.distance import mantel as skbio_mantel

    worst_stat, worst_se = 0.0, 0.0
    for s in range(trials):
        rng = np.random.default_rng(40_000 + s)
        x = rng.normal(size=(12, 3))
        a, b = distances(x), distances(x + rng.normal(scale=1.5, size=x.shape))
        ours = mantel(a, b, n_permutations=999, seed=s)
        stat, p, _ = skbio_mantel(a, b, method="spearman", permutations=999, alternative="greater")
        worst_stat = max(worst_stat, abs(ours.statistic - stat))
        se = math.sqrt(2) * max(ours.mc_se, 1 / 1000)
        worst_se = max(worst_se, abs(ours.p_value - p) / se)
    return worst_stat, worst_se


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--n-boot", type=int, default=100)
    ap.add_argument("--boot-trials", type=int, default=None, help="trials for the bootstrap rows")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    trials = 40 if args.quick else args.trials
    boot_trials = args.boot_trials or trials
    print(f"alpha = 0.05; {trials} trials (bootstrap rows {boot_trials}); B = {args.n_boot}")
    rows = []
    for label, fn, method, n in [
        ("false positives, Gaussian, subsampling", false_positives, "subsample", trials),
        ("power, noisy circle, subsampling", power, "subsample", trials),
        ("false positives, Gaussian, bootstrap", false_positives, "bootstrap", boot_trials),
        ("power, noisy circle, bootstrap", power, "bootstrap", boot_trials),
    ]:
        t = time.perf_counter()
        rows.append((label, fn(n, args.n_boot, method), time.perf_counter() - t))
        print(f"{rows[-1][0]:<42} {rows[-1][1]:<28} {rows[-1][2]:7.1f} s", flush=True)
    ks_mantel, ks_purity = null_p_values(trials)
    print(
        f"{'KS(null p, uniform), Mantel B = 199':<42} {ks_mantel:.3f}  "
        f"(95 % critical value {1.36 / math.sqrt(trials):.3f})"
    )
    print(
        f"{'KS(null p, uniform), purity B = 199':<42} {ks_purity:.3f}  "
        f"(95 % critical value {1.36 / math.sqrt(trials):.3f})"
    )
    stat_diff, p_se = against_scikit_bio(min(trials, 50))
    print(f"{'Mantel vs scikit-bio, max |statistic diff|':<42} {stat_diff:.2e}")
    print(f"{'Mantel vs scikit-bio, max |p diff| / SE':<42} {p_se:.2f}  (agreement: <= 3)")


if __name__ == "__main__":
    main()
