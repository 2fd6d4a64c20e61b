"""The paper's remaining experiments, and one step past them.

Built on :class:`~tda_widgets.Analysis` (this module comes after it in the stage order):

* :func:`noise_robustness`: the same analysis on images with Gaussian noise of given
  sigmas; per layer, Mapper purity, Mapper component counts and the sliced Wasserstein
  distance of each noisy H1 diagram to the clean one.
* :func:`seed_specificity`: the cross-model SW matrix of independently trained seeds
  (the authors trained 100) and the fraction of (model, layer) rows whose nearest layer
  in *another* model is the same layer.
* :func:`sw_cka_agreement`: SW vs 1 - linear CKA between layers (a Mantel test), on raw
  clouds and on clouds scaled to median pairwise distance 1, to see whether the
  layers' scale is what keeps the two apart.
* :func:`class_components` / :func:`first_separating_layer`: where in the network a
  class first gets a Mapper component of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from tda_widgets._types import Diagrams, DistanceMatrix, MapperGraph
from tda_widgets._validation import check_int, describe
from tda_widgets.analysis import Analysis
from tda_widgets.stats.result import TestResult
from tda_widgets.topology.cka import MatrixComparison, compare_matrices
from tda_widgets.topology.distances import sliced_wasserstein
from tda_widgets.topology.matrices import cross_distance_matrix, layer_distance_matrix
from tda_widgets.topology.measures import graph_measures

__all__ = [
    "NoiseRobustness",
    "SeedSpecificity",
    "SpecificityEvidence",
    "SwCkaAgreement",
    "class_components",
    "first_separating_layer",
    "noise_robustness",
    "seed_specificity",
    "specificity_evidence",
    "sw_cka_agreement",
]


def _images_and_labels(data: Any, labels: Any) -> tuple[Any, NDArray[np.int64] | None]:
    """``(images tensor, labels)`` from a tensor/array, an ImageDataset or a pair."""
    import torch

    if isinstance(data, tuple) and len(data) == 2:
        data, labels = data
    if hasattr(data, "images") and isinstance(data.images, torch.Tensor):
        if labels is None and hasattr(data, "labels"):
            labels = data.labels
        data = data.images
    if isinstance(data, np.ndarray):
        data = torch.from_numpy(data)
    if not isinstance(data, torch.Tensor) or data.ndim < 2:
        raise TypeError(
            "data: expected images as a tensor or array (N, C, H, W), an ImageDataset or an "
            f"(images, labels) pair, got {describe(data)}"
        )
    lab = None if labels is None else np.asarray(labels, dtype=np.int64)
    return data.float(), lab


# ------------------------------------------------------------------- components
def class_components(
    graph: MapperGraph, *, min_purity: float = 0.8, min_share: float = 0.25
) -> NDArray[np.bool_]:
    """Which classes have a connected component of the Mapper graph of their own.

    Class ``c`` has its own component when some connected component's memberships
    (each point counted once per node it is in) are at least ``min_purity`` class
    ``c`` and hold at least ``min_share`` of all class-``c`` memberships. The share
    keeps a stray node of a few points from counting as a branch.

    Parameters
    ----------
    graph : MapperGraph
        With ``class_counts`` (built from a labelled cloud).
    min_purity, min_share : float in (0, 1]

    Returns
    -------
    ndarray of bool, shape (n_classes,)

    Examples
    --------
    >>> import numpy as np
    >>> g = MapperGraph(member_offsets=np.array([0, 3, 6, 9]),
    ...                 members=np.arange(9), edges=np.array([[0, 1]]),
    ...                 edge_weights=np.array([0.0]), lens_mean=np.zeros(3),
    ...                 class_counts=np.array([[3, 0], [2, 1], [0, 3]]))
    >>> class_components(g).tolist()      # node 2 is a component of class 1 alone
    [True, True]
    >>> class_components(g, min_share=0.9).tolist()
    [True, False]
    """
    for name, value in (("min_purity", min_purity), ("min_share", min_share)):
        if not (isinstance(value, (int, float)) and 0 < value <= 1):
            raise ValueError(f"{name}: expected a number in (0, 1], got {value!r}")
    counts = graph.class_counts
    if counts is None:
        raise ValueError("graph: expected a Mapper graph with class_counts (a labelled cloud)")
    n = graph.n_nodes
    if n == 0:
        return np.zeros(counts.shape[1], dtype=bool)
    e = graph.edges
    adj = sparse.coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    _, comp = connected_components(adj, directed=False)
    per_comp = np.zeros((comp.max() + 1, counts.shape[1]))
    np.add.at(per_comp, comp, counts)
    totals = counts.sum(axis=0)
    sizes = per_comp.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        purity = np.where(sizes > 0, per_comp / sizes, 0.0)
        share = np.where(totals > 0, per_comp / np.maximum(totals, 1), 0.0)
    own = (purity >= min_purity) & (share >= min_share)
    return np.asarray(own.any(axis=0), dtype=bool)


def first_separating_layer(
    graphs: Mapping[str, MapperGraph], **kwargs: Any
) -> dict[int, str | None]:
    """Per class, the first layer (in the mapping's order) where it has its own component.

    ``kwargs`` go to :func:`class_components`. ``None`` for a class that never does.

    Examples
    --------
    >>> import numpy as np
    >>> mixed = MapperGraph(member_offsets=np.array([0, 4]), members=np.arange(4),
    ...                     edges=np.zeros((0, 2), int), edge_weights=np.zeros(0),
    ...                     lens_mean=np.zeros(1), class_counts=np.array([[2, 2]]))
    >>> split = MapperGraph(member_offsets=np.array([0, 2, 4]), members=np.arange(4),
    ...                     edges=np.zeros((0, 2), int), edge_weights=np.zeros(0),
    ...                     lens_mean=np.zeros(2), class_counts=np.array([[2, 0], [0, 2]]))
    >>> first_separating_layer({"a": mixed, "b": split})
    {0: 'b', 1: 'b'}
    """
    out: dict[int, str | None] = {}
    for layer, graph in graphs.items():
        own = class_components(graph, **kwargs)
        for c, has in enumerate(own):
            out.setdefault(c, None)
            if has and out[c] is None:
                out[c] = layer
    return out


# ------------------------------------------------------------------------ noise
@dataclass(frozen=True)
class NoiseRobustness:
    """What :func:`noise_robustness` returns; arrays are ``(n_sigmas, n_layers)``.

    Attributes
    ----------
    sigmas : ndarray of float64, shape (S,)
    layers : tuple of str
    purity : ndarray of float64
        Mapper ``weighted_purity`` (:func:`~tda_widgets.graph_measures`) per sigma
        and layer.
    components : ndarray of int64
        Connected components of each Mapper graph.
    sw_to_clean : ndarray of float64
        Sliced Wasserstein distance between the H1 diagram at that sigma and the one
        of the clean images (sigma 0), same layer.
    n_h1 : ndarray of int64
        H1 points per diagram.
    """

    sigmas: NDArray[np.float64]
    layers: tuple[str, ...]
    purity: NDArray[np.float64]
    components: NDArray[np.int64]
    sw_to_clean: NDArray[np.float64]
    n_h1: NDArray[np.int64]

    def chart(self, quantity: str = "sw_to_clean") -> Any:
        """A bqplot line chart of one quantity against sigma, one line per layer.

        Examples
        --------
        >>> r = NoiseRobustness(np.array([0.0, 0.1]), ("a",), np.ones((2, 1)),
        ...                     np.ones((2, 1), int), np.array([[0.0], [0.5]]),
        ...                     np.ones((2, 1), int))
        >>> type(r.chart()).__name__
        'Figure'
        """
        import bqplot

        if quantity not in ("sw_to_clean", "purity", "components"):
            raise ValueError(
                f"quantity: expected 'sw_to_clean', 'purity' or 'components', got {quantity!r}"
            )
        values = np.asarray(getattr(self, quantity), dtype=np.float64)
        x, y = bqplot.LinearScale(), bqplot.LinearScale()
        lines = bqplot.Lines(
            x=self.sigmas,
            y=values.T,
            scales={"x": x, "y": y},
            labels=list(self.layers),
            display_legend=True,
            marker="circle",
        )
        return bqplot.Figure(
            marks=[lines],
            axes=[
                bqplot.Axis(scale=x, label="noise sigma"),
                bqplot.Axis(scale=y, orientation="vertical", label=quantity),
            ],
            title=f"{quantity} against input noise",
        )


def noise_robustness(
    model: Any,
    data: Any,
    layers: Sequence[str],
    sigmas: Sequence[float],
    *,
    labels: Any = None,
    point_cloud: Any = "top_l2",
    mapper_params: Mapping[str, Any] | None = None,
    seed: int = 0,
    **analysis_kwargs: Any,
) -> NoiseRobustness:
    """The same analysis on images with Gaussian noise of each sigma.

    Noise placement: ``sigma * z`` with ``z ~ N(0, 1)`` per pixel is added to the
    tensor the model receives, i.e. *after* any normalisation (and not clipped), so a
    sigma is in the units of the model's input. For the shipped models, whose input is
    ``[0, 1]`` images without normalisation, that is also the pixel scale. One ``z``
    (drawn from ``torch.Generator().manual_seed(seed)``) serves every sigma, so the
    curves vary smoothly with sigma and sigma 0 is the clean images exactly.

    Parameters
    ----------
    model : torch.nn.Module
    data : tensor or array (N, C, H, W), ImageDataset, or (images, labels)
    layers : sequence of str
    sigmas : sequence of float >= 0
        0 is added if absent: the clean run is the reference.
    labels : array_like of int, optional
        Class of each image (taken from an ImageDataset or pair when not given);
        needed for Mapper purity.
    point_cloud : str or sampler
        How each layer becomes a cloud; one cloud serves persistence and Mapper.
    mapper_params : dict, optional
        Passed to :meth:`Analysis.mapper`.
    seed : int
        Seed of the noise.
    **analysis_kwargs
        Passed to :class:`~tda_widgets.Analysis` (e.g. ``normalize``, ``n_jobs``);
        the default ``cache_dir`` is ``False`` (noisy images are rarely reused).

    Returns
    -------
    NoiseRobustness

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3), torch.nn.ReLU())
    >>> x = torch.rand(40, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    >>> r = noise_robustness(net, x, ["0"], [0.0, 0.5], labels=[0, 1] * 20, progress=False,
    ...                      mapper_params={"n_intervals": 2})
    >>> r.sw_to_clean[0].tolist(), bool(r.sw_to_clean[1, 0] > 0)
    ([0.0], True)
    """
    import torch

    seed = check_int(seed, name="seed", minimum=0)  # as Analysis: never truncated
    images, lab = _images_and_labels(data, labels)
    sig = np.asarray(sigmas, dtype=np.float64)
    if sig.ndim != 1 or sig.size == 0 or not np.all(np.isfinite(sig)) or np.any(sig < 0):
        raise ValueError(f"sigmas: expected a list of finite numbers >= 0, got {sigmas!r}")
    sig = np.unique(np.concatenate([[0.0], sig]))
    layers = [str(x) for x in ([layers] if isinstance(layers, str) else layers)]
    z = torch.randn(images.shape, generator=torch.Generator().manual_seed(int(seed)))
    z = z.to(device=images.device, dtype=images.dtype)  # drawn on the CPU: same on any device
    analysis_kwargs.setdefault("cache_dir", False)
    mp = dict(mapper_params or {})
    shape = (sig.size, len(layers))
    purity = np.full(shape, np.nan)
    components = np.zeros(shape, dtype=np.int64)
    sw = np.zeros(shape)
    n_h1 = np.zeros(shape, dtype=np.int64)
    clean: dict[str, Diagrams] = {}
    for i, s in enumerate(sig):
        noisy = images if s == 0 else images + float(s) * z
        a = Analysis(model, noisy, layers, point_cloud=point_cloud, labels=lab, **analysis_kwargs)
        for j, layer in enumerate(layers):
            dg = a.diagrams(layer)
            if s == 0:
                clean[layer] = dg
            sw[i, j] = sliced_wasserstein(dg.dgms[1], clean[layer].dgms[1])
            n_h1[i, j] = dg.dgms[1].shape[0]
            m = graph_measures(a.mapper(layer, **mp))
            components[i, j] = m["components"]
            purity[i, j] = m.get("weighted_purity", np.nan)
    return NoiseRobustness(
        sigmas=sig,
        layers=tuple(layers),
        purity=purity,
        components=components,
        sw_to_clean=sw,
        n_h1=n_h1,
    )


# ------------------------------------------------------------------------ seeds
@dataclass(frozen=True)
class SeedSpecificity:
    """What :func:`seed_specificity` returns.

    Attributes
    ----------
    matrix : DistanceMatrix
        ``(K * L, K * L)`` SW distances between every (model, layer) pair, rows and
        columns named ``"s{k}:{layer}"``; the diagonal blocks are the models' internal
        layer matrices, the others ``cross_distance_matrix`` of two models.
    layers : tuple of str
    n_models : int
    nearest : ndarray of int64, shape (K * L,)
        Per row, the column of the nearest layer in another model.
    same_layer : ndarray of bool, shape (K * L,)
        Whether that nearest layer is the row's own layer.
    specificity : float
        The fraction of rows where it is.
    per_layer : ndarray of float64, shape (L,)
        The same fraction per layer (over the K models).
    """

    matrix: DistanceMatrix
    layers: tuple[str, ...]
    n_models: int
    nearest: NDArray[np.int64]
    same_layer: NDArray[np.bool_]
    specificity: float
    per_layer: NDArray[np.float64]


def seed_specificity(
    diagrams: Sequence[Mapping[str, Any]], *, dim: int = 1, n_directions: int = 50
) -> SeedSpecificity:
    """How specific the SW distance is across independently trained models.

    Given each model's diagrams of the same layers, build the cross-model SW matrix
    (:func:`~tda_widgets.cross_distance_matrix` for every pair of models, the internal
    :func:`~tda_widgets.layer_distance_matrix` on the diagonal blocks) and, for every
    (model ``i``, layer ``l``) row, find the nearest column among the *other* models'
    layers. The specificity is the fraction of rows where that column is layer ``l``
    of some other model: Ding et al.'s specificity test, as the authors ran it on their
    100 seeds. Ties go to the first column (model order, then layer order).

    Parameters
    ----------
    diagrams : sequence (or iterable) of mappings ``{layer: Diagrams or list of arrays}``
        One per model (K >= 2), all with the same layer names in the same order.
    dim : int
        Homology dimension compared (the paper: 1).
    n_directions : int
        Slices of the sliced Wasserstein distance.

    Returns
    -------
    SeedSpecificity

    Examples
    --------
    >>> import numpy as np
    >>> a = {"l1": [np.zeros((0, 2)), np.array([[0.0, 1.0]])],
    ...      "l2": [np.zeros((0, 2)), np.array([[0.0, 3.0]])]}
    >>> r = seed_specificity([a, a])       # a model against itself
    >>> r.specificity, r.matrix.values.shape
    (1.0, (4, 4))
    """
    expected = "a sequence of at least 2 {layer: diagrams} mappings (one per model)"
    if isinstance(diagrams, (Mapping, str, bytes)) or not isinstance(diagrams, Iterable):
        raise TypeError(f"diagrams: expected {expected}, got {describe(diagrams)}")
    diagrams = list(diagrams)  # a generator is read once, here
    if len(diagrams) < 2:
        raise ValueError(f"diagrams: expected {expected}, got {len(diagrams)}")
    for k, d in enumerate(diagrams):
        if not isinstance(d, Mapping):
            raise TypeError(
                f"diagrams[{k}]: expected a mapping {{layer: diagrams}} (one model's), got "
                f"{describe(d)}"
            )
        if not d:
            raise ValueError(
                f"diagrams[{k}]: expected at least one layer's diagrams, got an empty mapping"
            )
    layers = tuple(str(x) for x in diagrams[0])
    for k, d in enumerate(diagrams):
        if tuple(str(x) for x in d) != layers:
            raise ValueError(
                f"diagrams[{k}]: expected the layers {list(layers)} of diagrams[0], got {list(d)}"
            )
    k_models, n_layers = len(diagrams), len(layers)
    total = k_models * n_layers
    values = np.zeros((total, total))
    for i in range(k_models):
        si = slice(i * n_layers, (i + 1) * n_layers)
        own = layer_distance_matrix(diagrams[i], dim=dim, n_directions=n_directions)
        values[si, si] = own.values
        for j in range(i + 1, k_models):
            sj = slice(j * n_layers, (j + 1) * n_layers)
            cross = cross_distance_matrix(
                diagrams[i], diagrams[j], dim=dim, n_directions=n_directions
            )
            values[si, sj] = cross.values
            values[sj, si] = cross.values.T
    nearest, same = _nearest_in_other_models(values, k_models, n_layers)
    names = tuple(f"s{m}:{layer}" for m in range(k_models) for layer in layers)
    matrix = DistanceMatrix(
        values=values,
        layers=names,
        metric="sliced_wasserstein",
        params={"dim": dim, "n_directions": n_directions, "n_models": k_models},
    )
    return SeedSpecificity(
        matrix=matrix,
        layers=layers,
        n_models=k_models,
        nearest=nearest,
        same_layer=same,
        specificity=float(same.mean()),
        per_layer=same.reshape(k_models, n_layers).mean(axis=0),
    )


def _nearest_in_other_models(
    values: NDArray[np.float64], k_models: int, n_layers: int
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Per (model, layer) row: the nearest column of another model, and whether it is
    the row's own layer (rows and columns ordered model by model, layers within)."""
    model_of = np.repeat(np.arange(k_models), n_layers)
    layer_of = np.tile(np.arange(n_layers), k_models)
    masked = np.where(model_of[:, None] == model_of[None, :], np.inf, values)
    nearest = masked.argmin(axis=1).astype(np.int64)
    return nearest, np.asarray(layer_of[nearest] == layer_of)


def _h0_scale(dg: Any) -> float:
    """A cloud's scale read off its diagrams: the median finite H0 death (MST edge)."""
    h0 = np.asarray(dg[0], dtype=np.float64)
    finite = h0[np.isfinite(h0[:, 1]), 1] if h0.size else np.zeros(0)
    if finite.size == 0:
        raise ValueError("diagrams: a scale-only baseline needs H0 diagrams with finite bars")
    return float(np.median(finite))


@dataclass(frozen=True)
class SpecificityEvidence:
    """What :func:`specificity_evidence` returns.

    Attributes
    ----------
    sw : SeedSpecificity
        The SW specificity (:func:`seed_specificity`).
    scale_only : float
        The specificity of a metric that sees only each cloud's scale,
        ``|log s_a - log s_b|`` (``s`` the median finite H0 death, or ``scales=``).
    vs_chance : TestResult
        SW specificity against layer labels permuted within each model (chance is a
        distribution around ``1 / L``, not the number).
    vs_scale : TestResult
        SW minus scale-only specificity, against swapping the two outcomes of each row
        at random (a paired sign-flip test): is SW specific *beyond* scale?
    """

    sw: SeedSpecificity
    scale_only: float
    vs_chance: TestResult
    vs_scale: TestResult


def specificity_evidence(
    diagrams: Sequence[Mapping[str, Any]],
    *,
    scales: Sequence[Mapping[str, float]] | None = None,
    dim: int = 1,
    n_permutations: int = 999,
    seed: int = 0,
) -> SpecificityEvidence:
    """Seed specificity with its evidence: against chance and against a scale-only metric.

    Reading a specificity against ``1 / L`` overstates it: layers of different depth
    differ in scale, and a metric that looks only at scale already finds the same layer
    of another model more often than chance. This reports both tests (see
    :class:`SpecificityEvidence`); with ``K`` models there are only ``K * L`` rows, so
    say how many models the numbers rest on.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> def model(k):
    ...     return {f"l{i}": [np.c_[np.zeros(5), rng.uniform(1, 2, 5) * (i + 1)],
    ...                       np.c_[np.zeros(3), rng.uniform(1, 2, 3) * (i + 1)]] for i in range(4)}
    >>> ev = specificity_evidence([model(k) for k in range(3)], n_permutations=99)
    >>> ev.sw.specificity >= 0.5, ev.vs_chance.alternative, 0 <= ev.scale_only <= 1
    (True, 'greater', True)
    """
    n_permutations = check_int(n_permutations, name="n_permutations", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    sw = seed_specificity(diagrams, dim=dim)
    models = list(diagrams)
    k_models, n_layers = sw.n_models, len(sw.layers)
    if scales is None:
        s = np.array([_h0_scale(m[layer]) for m in models for layer in m])
    else:
        scales = list(scales)
        if len(scales) != k_models:
            raise ValueError(
                f"scales: expected {k_models} mappings (one per model), got {len(scales)}"
            )
        s = np.array([float(m[layer]) for m in scales for layer in sw.layers])
    log_s = np.log(np.maximum(s, np.finfo(float).tiny))
    _, scale_same = _nearest_in_other_models(
        np.abs(log_s[:, None] - log_s[None, :]), k_models, n_layers
    )
    rng = np.random.default_rng(seed)
    values = sw.matrix.values

    def relabelled() -> float:
        order = np.concatenate([m * n_layers + rng.permutation(n_layers) for m in range(k_models)])
        _, same = _nearest_in_other_models(values[np.ix_(order, order)], k_models, n_layers)
        return float(same.mean())

    chance = np.fromiter((relabelled() for _ in range(n_permutations)), float, n_permutations)
    diff = sw.same_layer.astype(float) - scale_same.astype(float)
    flips = rng.choice([-1.0, 1.0], size=(n_permutations, diff.size))
    rows = f"{k_models} models x {n_layers} layers"
    return SpecificityEvidence(
        sw=sw,
        scale_only=float(scale_same.mean()),
        vs_chance=TestResult(
            "SW specificity vs chance",
            sw.specificity,
            chance,
            seed=seed,
            method=f"layer labels permuted within each model; {rows}",
        ),
        vs_scale=TestResult(
            "SW minus scale-only specificity",
            float(diff.mean()),
            (flips * diff).mean(axis=1),
            seed=seed,
            method=f"paired sign flips of the rows' outcomes; {rows}",
        ),
    )


# ----------------------------------------------------------------- SW vs CKA
@dataclass(frozen=True)
class SwCkaAgreement:
    """What :func:`sw_cka_agreement` returns.

    Attributes
    ----------
    raw, normalized : MatrixComparison
        SW vs ``1 - CKA`` on the raw clouds and on clouds scaled to median pairwise
        distance 1.
    sw_raw, sw_normalized, cka : DistanceMatrix
    scales : dict of str to float
        Each layer's median pairwise distance (the raw clouds' scale).
    """

    raw: MatrixComparison
    normalized: MatrixComparison
    sw_raw: DistanceMatrix
    sw_normalized: DistanceMatrix
    cka: DistanceMatrix
    scales: dict[str, float]


def sw_cka_agreement(
    model: Any,
    data: Any,
    layers: Sequence[str],
    *,
    method: str = "spearman",
    n_permutations: int = 999,
    seed: int = 0,
    **analysis_kwargs: Any,
) -> SwCkaAgreement:
    """SW vs 1 - linear CKA between layers, on raw and on median-normalised clouds.

    Two :class:`~tda_widgets.Analysis` runs of the same model, data and layers, one
    with ``normalize=None`` and one with ``normalize="median"``; each SW matrix (H1,
    the paper's) is compared with ``1 - CKA`` by :func:`~tda_widgets.compare_matrices`
    (a Mantel test that permutes layers). Linear CKA does not change when a cloud is
    scaled, so one CKA matrix serves both; SW scales with the clouds, so normalising
    removes the layers' scale from it and leaves their shape.

    Parameters
    ----------
    model, data, layers
        As for :class:`~tda_widgets.Analysis`.
    method : {"spearman", "pearson", "kendall"}
    n_permutations, seed : int
        Of the Mantel test.
    **analysis_kwargs
        Passed to both analyses (``point_cloud``, ``cache_dir``, ``labels``, ...).

    Returns
    -------
    SwCkaAgreement

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3), torch.nn.ReLU(),
    ...                           torch.nn.Conv2d(6, 6, 3), torch.nn.ReLU(),
    ...                           torch.nn.Conv2d(6, 6, 3))
    >>> x = torch.rand(30, 3, 10, 10, generator=torch.Generator().manual_seed(0))
    >>> r = sw_cka_agreement(net, x, ["0", "2", "4"], cache_dir=False, progress=False,
    ...                      n_permutations=9)
    >>> sorted(r.scales), -1 <= r.raw.statistic <= 1
    (['0', '2', '4'], True)
    """
    if "normalize" in analysis_kwargs:
        raise TypeError("normalize: sw_cka_agreement runs both (None and 'median') itself")
    raw = Analysis(model, data, layers, **analysis_kwargs)
    norm = Analysis(model, data, layers, normalize="median", **analysis_kwargs)
    sw_raw, sw_norm = raw.distance_matrix(), norm.distance_matrix()
    cka = raw.cka_matrix()
    dist = 1.0 - cka.values
    kw = {"method": method, "n_permutations": n_permutations, "seed": seed}
    return SwCkaAgreement(
        raw=compare_matrices(sw_raw, dist, **kw),  # type: ignore[arg-type]
        normalized=compare_matrices(sw_norm, dist, **kw),  # type: ignore[arg-type]
        sw_raw=sw_raw,
        sw_normalized=sw_norm,
        cka=cka,
        scales={layer: float(norm.cloud(layer).params["normalize_median"]) for layer in raw.layers},
    )
