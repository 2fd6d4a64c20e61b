"""P5: ``mapper_graph`` vs plain ``KeplerMapper.map`` with the same parameters.

A 512-d cloud (a mixture of 10 Gaussian classes, ReLU'd like the authors' Mapper
clouds), l2-norm lens, 10 intervals, 50% overlap, DBSCAN(min_samples=5) with the
elbow eps (computed once and given to both). Target: >= 1.5x, same graph.

A second row times that eps itself, the authors' rule (knee of the sorted
nearest-neighbour distances): ``elbow_eps`` against the same rule on scikit-learn's
``NearestNeighbors``. It is what ``mapper_graph`` runs when no clusterer is given.

    python benchmarks/p5_mapper.py [--n 10000] [--full] [--n-jobs 1]   # --full: 50000
"""

from __future__ import annotations

import argparse

import kmapper as km
import numpy as np
from _table import best_of, print_table
from kneed import KneeLocator
from sklearn.cluster import DBSCAN
from sklearn.neighbors import NearestNeighbors

from tda_widgets import elbow_eps, mapper_graph


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--full", action="store_true")
    p.add_argument("--n-jobs", type=int, default=1)  # sklearn DBSCAN already uses OpenMP
    p.add_argument("--repeat", type=int, default=None, help="best of (default 3, 1 with --full)")
    args = p.parse_args()
    n = 50000 if args.full else args.n
    repeat = args.repeat or (1 if args.full else 3)
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(10, 512)) * 2.0
    x = np.maximum(centres[rng.integers(0, 10, n)] + rng.normal(size=(n, 512)), 0)
    x = x.astype(np.float32)
    t_eps, eps = best_of(lambda: elbow_eps(x), 1)
    t_eps_plain, eps_plain = best_of(lambda: plain_elbow_eps(x), 1)
    lens = np.linalg.norm(x.astype(np.float64), axis=1)

    def ours():
        return mapper_graph(
            x,
            lens=lens,
            n_intervals=10,
            overlap=0.5,
            clusterer=DBSCAN(eps=eps, min_samples=5),
            n_jobs=args.n_jobs,
        )

    def plain():
        return km.KeplerMapper(verbose=0).map(
            lens, x, clusterer=DBSCAN(eps=eps, min_samples=5), cover=km.Cover(10, 0.5)
        )

    t_ours, g = best_of(ours, repeat)
    t_plain, ref = best_of(plain, repeat)
    ref_nodes = list(ref["nodes"].values())
    same = g.n_nodes == len(ref_nodes) and all(
        g.node_members(k).tolist() == sorted(m) for k, m in enumerate(ref_nodes)
    )
    ids = list(ref["nodes"])
    ref_edges = {
        tuple(sorted((ids.index(a), ids.index(b)))) for a, bs in ref["links"].items() for b in bs
    }
    same = same and {tuple(e) for e in g.edges.tolist()} == ref_edges
    print(
        f"best of {repeat}; {n} x 512, eps {eps}, {g.n_nodes} nodes, {len(g.edges)} edges, same graph: {same}"
    )
    print_table(
        "P5 mapper_graph vs KeplerMapper.map",
        [
            (
                f"mapper n_jobs={args.n_jobs}",
                t_ours,
                t_plain,
                0.0 if same else np.inf,
                ">= 1.5x, same graph",
            ),
            ("elbow_eps (knee of 1-NN)", t_eps, t_eps_plain, abs(eps - eps_plain), "same eps"),
        ],
    )


def plain_elbow_eps(x: np.ndarray) -> float:
    """The authors' rule written plainly with scikit-learn and kneed."""
    dist = NearestNeighbors(n_neighbors=2).fit(x).kneighbors(x)[0][:, 1]
    dist = np.sort(dist)[::-1]
    knee = KneeLocator(np.arange(dist.size), dist, curve="convex", direction="decreasing")
    return round(float(knee.knee_y), 3)


if __name__ == "__main__":
    main()
