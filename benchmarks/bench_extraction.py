"""Benchmark: activation extraction against a bare forward pass, and streaming memory.

Two measurements, printed as tables:

1. Time. The same batches go through a CIFAR-style ResNet-18 (torchvision's, random
   init, with the 3x3 stride-1 stem and no max-pool so stage 1 is 64x32x32, as in the
   paper's model) twice: a bare ``model(batch)`` loop under ``torch.no_grad()``, and
   ``extract_activations`` with the ``top_l2`` sampler on the paper's 17 conv layers.
   Target: extraction / forward <= 1.2.
2. Memory. In a fresh subprocess (so its peak RSS is its own), top-l2 clouds of 50,000
   random 32x32 images at a 64-channel 32x32 layer (one random-init 1x1 conv, cheap to
   run; the memory is the same as for any layer of that shape). Target: peak RSS < 2 GB,
   where the full activations would need 12.2 GiB.

Wall-clock times on a shared machine are noisy, so the process's CPU time and the
median of paired (forward, extraction) ratios are printed too. Run
``python benchmarks/bench_extraction.py`` (1-3 minutes on two cores, depending on what
else runs); ``--help`` lists the knobs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import torch
from torch import nn

from tda_widgets import extract_activations, list_layers


def cifar_resnet18() -> nn.Module:
    from torchvision.models import resnet18

    torch.manual_seed(0)
    model = resnet18(num_classes=10)
    model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model.eval()


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def bench_time(n_images: int, batch_size: int, repeats: int) -> None:
    model = cifar_resnet18()
    layers = [n for n in list_layers(model, kind="Conv2d").names if "downsample" not in n]
    images = torch.randn(n_images, 3, 32, 32, generator=torch.Generator().manual_seed(0))

    def forward() -> None:
        with torch.no_grad():
            for i in range(0, n_images, batch_size):
                model(images[i : i + batch_size])

    def extract() -> None:
        extract_activations(
            model, images, layers, batch_size=batch_size, point_cloud="top_l2", progress=False
        )

    forward()  # warm-up: allocator, kernels, lazy imports
    extract()
    fw, ex = [], []
    for _ in range(repeats):  # interleaved, so both see the same machine load
        fw.append(timed(forward))
        ex.append(timed(extract))
    f_wall, f_cpu = min(t[0] for t in fw), min(t[1] for t in fw)
    e_wall, e_cpu = min(t[0] for t in ex), min(t[1] for t in ex)
    paired = statistics.median(e[0] / f[0] for f, e in zip(fw, ex, strict=True))
    print(
        f"\n1. Time: CIFAR-style ResNet-18 (random init), {n_images} images of 3x32x32, "
        f"batch {batch_size}, best of {repeats}, {torch.get_num_threads()} threads, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"   {'method':<48} {'wall s':>7} {'CPU s':>7} {'images/s':>9}")
    print(
        f"   {'bare forward, torch.no_grad()':<48} {f_wall:7.2f} {f_cpu:7.2f} {n_images / f_wall:9.0f}"
    )
    label = f"extract_activations(top_l2, {len(layers)} conv layers)"
    print(f"   {label:<48} {e_wall:7.2f} {e_cpu:7.2f} {n_images / e_wall:9.0f}")
    print(
        f"   ratio extraction / forward: wall {e_wall / f_wall:.3f} (median of pairs "
        f"{paired:.3f}), CPU {e_cpu / f_cpu:.3f}  (target <= 1.2)"
    )


def rss_child(n_images: int, batch_size: int) -> None:
    """Runs in the subprocess: prints one JSON line with the RSS figures (bytes)."""

    def peak() -> int:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 64, 1)).eval()
    images = torch.randn(n_images, 3, 32, 32)
    baseline = peak()
    start = time.perf_counter()
    clouds = extract_activations(
        model, images, "0", batch_size=batch_size, point_cloud="top_l2", progress=False
    )
    seconds = time.perf_counter() - start
    cloud = clouds["0"]
    refused = ""
    try:  # the same run without a sampler is refused before it allocates
        extract_activations(model, images, "0", batch_size=batch_size, progress=False)
    except MemoryError as exc:
        refused = str(exc).split(";")[0]
    print(
        json.dumps(
            {
                "baseline": baseline,
                "peak": peak(),
                "seconds": seconds,
                "cloud_shape": list(cloud.points.shape),
                "cloud_bytes": int(cloud.points.nbytes),
                "images_bytes": images.numel() * 4,
                "full_bytes": n_images * 64 * 32 * 32 * 4,
                "refused": refused,
            }
        )
    )


def bench_rss(n_images: int, batch_size: int) -> None:
    cmd = [sys.executable, os.path.abspath(__file__), "--rss-child", str(n_images)]
    cmd += ["--batch-size", str(batch_size)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    gb = 1024**3
    print(
        f"\n2. Memory: top-l2 clouds of {n_images} random 3x32x32 images at a 64x32x32 layer "
        f"(1x1 conv), batch {batch_size}, fresh subprocess"
    )
    print(f"   images tensor in memory          {r['images_bytes'] / gb:6.2f} GiB")
    print(f"   peak RSS before extraction       {r['baseline'] / gb:6.2f} GiB  (torch + images)")
    print(f"   peak RSS after extraction        {r['peak'] / gb:6.2f} GiB  (target < 2 GB)")
    print(
        f"   cloud {tuple(r['cloud_shape'])} float32        {r['cloud_bytes'] / 1024**2:6.1f} MiB"
    )
    print(f"   full activations would need      {r['full_bytes'] / gb:6.2f} GiB")
    print(f"   extraction time                  {r['seconds']:6.1f} s")
    if r["refused"]:
        print(f"   without a sampler: {r['refused']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=192, help="images for the time test")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size")
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (best is kept)")
    parser.add_argument("--rss-images", type=int, default=50_000, help="images for the RSS test")
    parser.add_argument("--rss-batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--skip-time", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--rss-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.rss_child:
        rss_child(args.rss_child, args.batch_size)
        return
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs")
    if not args.skip_time:
        bench_time(args.images, args.batch_size, args.repeats)
    if not args.skip_rss:
        bench_rss(args.rss_images, args.rss_batch_size)


if __name__ == "__main__":
    main()
