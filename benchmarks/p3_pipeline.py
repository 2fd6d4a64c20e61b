"""P3: the paper's PH pipeline, ``Analysis`` (cold and warm cache) vs plain_pipeline.py.

ResNet-18 for CIFAR (17 conv layers; ``tda_widgets.datasets.resnet18_cifar``, random
init), random 32x32 images, top-l2 clouds, H0/H1, the 17x17 SW(H1) matrix.
Targets: >= 4x cold, >= 50x warm, the same matrix.

    python benchmarks/p3_pipeline.py [--n-images 400] [--full] [--n-jobs 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np
import plain_pipeline
import torch
from _table import print_table

from tda_widgets import Analysis


def model_and_layers() -> tuple[torch.nn.Module, list[str]]:
    torch.manual_seed(0)
    try:
        from tda_widgets.datasets import resnet18_cifar

        model = resnet18_cifar()
    except ImportError:  # torchvision's ResNet-18 has the same 17 non-shortcut convs
        from torchvision.models import resnet18

        model = resnet18(num_classes=10)
    layers = [
        name
        for name, m in model.named_modules()
        if isinstance(m, torch.nn.Conv2d) and "conv" in name.rsplit(".", 1)[-1]
    ]
    return model, layers


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n-images", type=int, default=400)
    p.add_argument("--full", action="store_true", help="the paper's 1000 images")
    p.add_argument("--n-jobs", type=int, default=2)
    args = p.parse_args()
    n = 1000 if args.full else args.n_images
    model, layers = model_and_layers()
    images = torch.randn(n, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    print(f"{len(layers)} conv layers, {n} images, torch threads {torch.get_num_threads()}")

    t = time.perf_counter()
    ref = plain_pipeline.run(model, images, layers)
    t_plain = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as cache:
        t = time.perf_counter()
        cold = Analysis(model, images, layers, cache_dir=cache, n_jobs=args.n_jobs, progress=False)
        m_cold = cold.distance_matrix()
        t_cold = time.perf_counter() - t
        t = time.perf_counter()
        warm = Analysis(model, images, layers, cache_dir=cache, n_jobs=args.n_jobs, progress=False)
        m_warm = warm.distance_matrix()
        t_warm = time.perf_counter() - t
        assert sum(warm.n_computed.values()) == 0
    rel = lambda m: float(np.max(np.abs(m.values - ref) / np.maximum(np.abs(ref), 1e-300)))  # noqa: E731
    print_table(
        "P3 Analysis vs plain pipeline (hooks + ripser + persim loop)",
        [
            (
                f"cold ({cold.backend}, n_jobs={args.n_jobs})",
                t_cold,
                t_plain,
                rel(m_cold),
                ">= 4x, same matrix",
            ),
            ("warm (disk cache)", t_warm, t_plain, rel(m_warm), ">= 50x, same matrix"),
        ],
    )


if __name__ == "__main__":
    main()
