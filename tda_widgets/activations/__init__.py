"""Stage 1: a model and images in, per-layer activations (or streamed clouds) out.

Forward hooks on named modules, batched, in eval mode under ``torch.no_grad()``, with
a progress bar; hooks are always removed and the model's mode and device restored.
"""

from tda_widgets.activations.extract import Activations, extract_activations
from tda_widgets.activations.layers import LayerInfo, LayerList, list_layers

__all__ = ["Activations", "LayerInfo", "LayerList", "extract_activations", "list_layers"]
