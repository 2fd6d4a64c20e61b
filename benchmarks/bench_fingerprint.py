"""Benchmark: the cost of the behaviour fingerprint in an ``Analysis`` cache key (issue 26).

The fingerprint (:mod:`tda_widgets.activations.fingerprint`) runs the model once on a
probe batch of ``2 * PROBE_ITEMS`` = 8 images (the data's first 4 and 4 seeded noise
images) with hooks on the requested layers, and digests per-channel summaries of
their outputs. Its cost is one 8-image forward pass, whatever the number of images
``n``: the probe never reads past the data's first items. A cold run costs at least
the forward pass over all ``n`` images, so the fingerprint's share falls as ``1/n``.

Two configurations:

* ``default explorer``: ``explore()`` with no arguments, the shipped MNIST
  ResNet-18 on 500 ``mnist_5k`` test digits at its 17 convolutions;
* ``bench_scale``: the width-64 CIFAR ResNet-18 (``resnet18_cifar()``) at its 17
  convolutions on CIFAR-shaped images, for each ``--sizes`` (default 1,000 and
  50,000; the images are one random image broadcast ``n`` times, so that 50,000 of
  them take no memory: the fingerprint reads only the first 4).

For each, it prints the fingerprint's time (best of ``--repeat``), the code/weights
key's time (``hash_model``) and the bare forward pass over all ``n`` images (timed on
256 images and scaled to ``n``), the lower bound of a cold run, with the
fingerprint's share of it.

Run ``python benchmarks/bench_fingerprint.py`` (under a minute on two cores).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any


def _best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _forward_per_image(model: Any, images: Any) -> float:
    import torch

    batch = images[:256].contiguous()
    with torch.no_grad():
        model(batch[:8])  # warm-up
        t0 = time.perf_counter()
        model(batch)
    return (time.perf_counter() - t0) / batch.shape[0]


def _row(name: str, n: int, model: Any, data: Any, images: Any, layers: list[str], r: int) -> None:
    from tda_widgets._model_key import behaviour_fingerprint, hash_model

    fp = _best(lambda: behaviour_fingerprint(model, data, layers), r)
    hm = _best(lambda: hash_model(model), r)
    fwd = _forward_per_image(model, images) * n
    print(
        f"{name:<18}{n:>8,}{len(layers):>8}{fp:>14.3f}{hm:>12.3f}{fwd:>16.2f}"
        f"{100 * fp / fwd:>12.2f}%"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 50000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import torch

    from tda_widgets.datasets import RESNET18_CONV_LAYERS, default_model, mnist_5k, resnet18_cifar

    print("bench_fingerprint: behaviour fingerprint of the cache key (8-image probe batch)")
    print(
        f"{'configuration':<18}{'n':>8}{'layers':>8}{'fingerprint s':>14}{'model key s':>12}"
        f"{'forward(n) s':>16}{'fp/forward':>13}"
    )
    model, _ = default_model()
    data = torch.utils.data.Subset(mnist_5k("test"), range(500))
    images = torch.stack([data[i][0] for i in range(256)])
    _row("default explorer", 500, model, data, images, list(RESNET18_CONV_LAYERS), args.repeat)

    torch.manual_seed(0)
    cifar = resnet18_cifar().eval()
    layers = [m for m, mod in cifar.named_modules() if isinstance(mod, torch.nn.Conv2d)]
    one = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    for n in args.sizes:
        images = one.expand(n, 3, 32, 32)
        _row("bench_scale", n, cifar, images, images, layers, args.repeat)


if __name__ == "__main__":
    main()
