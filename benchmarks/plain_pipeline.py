"""The paper's PH pipeline written the straightforward way (the baseline for P3).

Torch forward hooks on every conv layer, top-l2 spatial vector per image, ``ripser``
per layer (H0 + H1), and the symmetric H1 sliced-Wasserstein matrix from a loop of
``persim.sliced_wasserstein`` -- as in the authors' scripts.
"""

from __future__ import annotations

import numpy as np
import persim
import ripser
import torch


def top_l2_clouds(
    model: torch.nn.Module, images: torch.Tensor, layers: list[str], batch_size: int = 250
) -> dict[str, np.ndarray]:
    modules = dict(model.named_modules())
    store: dict[str, list[np.ndarray]] = {name: [] for name in layers}

    def hook(name):
        def fn(_module, _inp, out):
            flat = out.flatten(2)  # (B, C, H*W)
            best = flat.norm(dim=1).argmax(dim=1)  # position of the largest l2 norm
            store[name].append(flat[torch.arange(flat.shape[0]), :, best].numpy())

        return fn

    handles = [modules[name].register_forward_hook(hook(name)) for name in layers]
    model.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(images), batch_size):
                model(images[start : start + batch_size])
    finally:
        for h in handles:
            h.remove()
    return {name: np.concatenate(parts) for name, parts in store.items()}


def run(model: torch.nn.Module, images: torch.Tensor, layers: list[str]) -> np.ndarray:
    clouds = top_l2_clouds(model, images, layers)
    h1 = [ripser.ripser(clouds[name], maxdim=1)["dgms"][1] for name in layers]
    n = len(layers)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            out[i, j] = out[j, i] = persim.sliced_wasserstein(h1[i], h1[j])
    return out
