"""Cost of ``representative_cycle`` and ``circular_coordinates`` on 1,000-point layer clouds.

Each is timed next to ripser's cocycle computation alone (``ripser(X,
do_cocycles=True)`` with the same coefficients: Z/2 for the cycle, Z/47 for the
coordinates). ``circular_coordinates`` runs that once inside (on all 1,000 points as
landmarks), then the integer lift checked on every triangle through the cocycle, the
least squares and the partition of unity. ``representative_cycle`` runs
``persistence_diagrams`` (the package's diagram, its fastest backend) and then ripser
with cocycles truncated at the bar's birth; with ``diagrams=`` given (as a view that
already shows the diagram) only the truncated run, one Dijkstra and the checks remain.

Clouds: the default model's ``top_l2`` cloud of a layer on the 1,000 MNIST test
digits (``mnist_5k("test")``), and its ``pooled`` cloud of ``layer1.1.conv2`` on
1,000 rotations of notebook 06's picture (``rotating_image(1000)``).

    python benchmarks/bench_loops.py [--layer layer2.0.conv1] [--repeat 3]
"""

from __future__ import annotations

import argparse

import numpy as np
from _table import best_of
from ripser import ripser

import tda_widgets as tw
from tda_widgets import datasets as tds


def clouds(layer: str) -> dict[str, np.ndarray]:
    model, _ = tds.default_model()
    digits = tds.mnist_5k("test")
    out = {}
    acts = tw.extract_activations(model, digits, [layer], point_cloud="top_l2", progress=False)
    out[f"MNIST test, {layer}, top_l2"] = acts[layer].points
    rot = tds.rotating_image(n_angles=1000)
    acts = tw.extract_activations(
        model, rot, ["layer1.1.conv2"], point_cloud="pooled", progress=False
    )
    out["1000 rotations, layer1.1.conv2, pooled"] = acts["layer1.1.conv2"].points
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--layer", default="layer2.0.conv1")
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args()
    head = f"{'cloud / step':<48} {'time [s]':>9} {'x ripser cocycles':>18}"
    for name, x in clouds(args.layer).items():
        print(f"\n{name}: {x.shape[0]} points in R^{x.shape[1]} ({x.dtype})")
        print(head)
        print("-" * len(head))
        t2, _ = best_of(lambda x=x: ripser(x, do_cocycles=True), args.repeat)
        t47, _ = best_of(lambda x=x: ripser(x, do_cocycles=True, coeff=47), args.repeat)
        tc, cyc = best_of(lambda x=x: tw.representative_cycle(x), args.repeat)
        tpd, dg = best_of(lambda x=x: tw.persistence_diagrams(x), args.repeat)
        tgiven, _ = best_of(lambda x=x, dg=dg: tw.representative_cycle(x, diagrams=dg), args.repeat)
        tcc, cc = best_of(lambda x=x: tw.circular_coordinates(x), args.repeat)
        rows = [
            ("ripser(X, do_cocycles=True)  [Z/2]", t2, t2),
            ("representative_cycle(X)", tc, t2),
            (f"  of which persistence_diagrams ({dg.backend})", tpd, t2),
            ("representative_cycle(X, diagrams=dg)", tgiven, t2),
            ("ripser(X, do_cocycles=True, coeff=47)", t47, t47),
            ("circular_coordinates(X)", tcc, t47),
        ]
        for case, t, ref in rows:
            print(f"{case:<48} {t:>9.3f} {t / ref:>17.2f}x")
        print(
            f"  cycle: {len(cyc)} points, bar [{cyc.birth:.4g}, {cyc.death:.4g}); "
            f"coordinates: winding {cc.winding} (unit {cc.unit}), bar "
            f"[{cc.birth:.4g}, {cc.death:.4g}), scale {cc.scale:.4g}"
        )


if __name__ == "__main__":
    main()
