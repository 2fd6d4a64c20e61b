"""The catalogue of bad and edge inputs, stage by stage (issue 9).

Each stage has one table. A row is either

* ``Bad(id, call, error, arg, expected, given)``: ``call()`` raises ``error`` and its
  message names the argument (``arg``), says what was expected (``expected``) and
  what was given (``given``); each of the three is a substring of the message; or
* ``Fallback(id, call, check)``: ``call()`` succeeds with a documented behaviour that
  ``check(result, warnings)`` asserts (what is recorded, what is warned).

The rows are the readable list; single checks elsewhere in ``tests/<stage>/`` test the
machinery behind them in more depth.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import ripser
import torch
from sklearn.cluster import DBSCAN
from torch import nn

import tda_widgets as tw
from tda_widgets.topology import persistence as persistence_mod


@dataclass(frozen=True)
class Bad:
    id: str
    call: Callable[[], Any]
    error: type[BaseException]
    arg: str
    expected: str
    given: str


@dataclass(frozen=True)
class Fallback:
    id: str
    call: Callable[[], Any]
    check: Callable[[Any, list[warnings.WarningMessage]], None]


def _run(case: Bad | Fallback) -> None:
    if isinstance(case, Bad):
        with pytest.raises(case.error) as info:
            case.call()
        msg = str(info.value)
        for part, what in (
            (case.arg, "argument"),
            (case.expected, "expected"),
            (case.given, "given"),
        ):
            assert part in msg, f"the message should say the {what} ({part!r}): {msg!r}"
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = case.call()
        case.check(result, list(caught))


def _params(cases: Sequence[Bad | Fallback]) -> list[Any]:
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return [pytest.param(c, id=c.id) for c in cases]


# -- tiny models and data ---------------------------------------------------------------

torch.manual_seed(0)
MODEL = nn.Sequential(
    OrderedDict(
        conv1=nn.Conv2d(3, 4, 3),
        relu=nn.ReLU(),
        conv2=nn.Conv2d(4, 4, 3),
        flat=nn.Flatten(),
        fc=nn.Linear(4 * 4 * 4, 5),
    )
)
IMAGES = torch.randn(6, 3, 8, 8, generator=torch.Generator().manual_seed(1))


class _Scale(nn.Module):
    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.factor


class _Recurrent(nn.Module):
    """A model whose ``lstm`` layer returns a tuple ``(output, (h, c))``."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.lstm = nn.LSTM(4, 3, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(self.conv(x).mean((2, 3))[:, None, :])
        return out


def _dead_model() -> nn.Module:
    conv = nn.Conv2d(3, 4, 3)
    with torch.no_grad():
        conv.weight.zero_()
        conv.bias.zero_()  # type: ignore[union-attr]
    return nn.Sequential(conv, nn.ReLU())


def _extract(model: nn.Module = MODEL, data: Any = IMAGES, layers: Any = "conv1", **kw: Any) -> Any:
    return tw.extract_activations(model, data, layers, progress=False, **kw)


def _without_cuda(call: Any) -> Any:
    """Run ``call`` as on a machine without CUDA (so the case runs on GPU machines too)."""
    from unittest import mock

    with mock.patch("torch.cuda.is_available", return_value=False):
        return call()


def _one_image(acts: Any, caught: list) -> None:
    cloud = acts["conv1"]
    assert cloud.points.shape == (1, 4) and cloud.image_index.tolist() == [0]
    dg = tw.persistence_diagrams(cloud)
    assert dg[0].tolist() == [[0.0, np.inf]] and dg[1].shape == (0, 2)


def _dead_layer(acts: Any, caught: list) -> None:
    cloud = acts["0"]
    assert cloud.points.shape == (6, 4) and not cloud.points.any()
    dg = tw.persistence_diagrams(cloud)  # identical points: one component, nothing else
    assert dg[0].tolist() == [[0.0, np.inf]] and dg[1].shape == (0, 2)
    with pytest.warns(UserWarning, match="identical"):  # and: the lens is constant
        g = tw.mapper_graph(cloud, n_intervals=3)
    assert g.params["eps"] == 1.0 and g.n_nodes == 1 and g.members.size == 6


def _float64_data(acts: Any, caught: list) -> None:
    ref = _extract(data=IMAGES)["conv1"]
    assert acts["conv1"].dtype == np.float32
    np.testing.assert_allclose(acts["conv1"], ref, atol=1e-5)


def _pooled_2d(acts: Any, caught: list) -> None:
    assert acts["fc"].points.shape == (6, 5)


ACTIVATIONS: list[Bad | Fallback] = [
    Bad(
        "empty tensor",
        lambda: _extract(data=IMAGES[:0]),
        ValueError,
        "data",
        "expected at least one image",
        "got shape (0, 3, 8, 8)",
    ),
    Bad(
        "empty dataset",
        lambda: _extract(data=torch.utils.data.TensorDataset(IMAGES[:0])),
        ValueError,
        "data",
        "expected at least one image",
        "empty dataset",
    ),
    Fallback("one image", lambda: _extract(data=IMAGES[:1], point_cloud="top_l2"), _one_image),
    Bad(
        "labels of the wrong length",
        lambda: _extract(labels=[0, 1]),
        ValueError,
        "labels",
        "expected 6 labels",
        "got 2",
    ),
    Bad(
        "NaN activations",
        lambda: _extract(nn.Sequential(_Scale(float("nan"))), layers="0"),
        ValueError,
        "layer '0'",
        "expected finite activations",
        "got nan for image 0",
    ),
    Bad(
        "Inf activations, streamed sampler",
        lambda: _extract(nn.Sequential(_Scale(float("inf"))), layers="0", point_cloud="top_l2"),
        ValueError,
        "layer '0'",
        "expected finite",
        "inf",
    ),
    Fallback(
        "dead layer (all activations zero)",
        lambda: _extract(_dead_model(), layers="0", point_cloud="top_l2"),
        _dead_layer,
    ),
    Bad(
        "uint8 images",
        lambda: _extract(data=(IMAGES * 40).clamp(0, 255).to(torch.uint8)),
        ValueError,
        "data",
        "expected floating-point images",
        "got dtype torch.uint8",
    ),
    Bad(
        "int64 numpy images",
        lambda: _extract(data=np.zeros((2, 3, 8, 8), dtype=np.int64)),
        ValueError,
        "data",
        "expected floating-point images",
        "got dtype torch.int64",
    ),
    Bad(
        "one image without the batch axis",
        lambda: _extract(data=IMAGES[0]),
        ValueError,
        "data",
        "expected images of shape (N, C, H, W)",
        "got shape (3, 8, 8)",
    ),
    Bad(
        "misspelled layer name",
        lambda: _extract(layers="conv3"),
        ValueError,
        "layers",
        "did you mean 'conv2' or 'conv1'",
        "unknown name 'conv3'",
    ),
    Bad(
        "unknown layer name, nothing close",
        lambda: _extract(layers="xyz"),
        ValueError,
        "layers",
        "expected one of ['conv1', 'relu', 'conv2', 'flat', 'fc']",
        "'xyz'",
    ),
    Bad(
        "layer output is a tuple",
        lambda: _extract(_Recurrent(), layers="lstm"),
        ValueError,
        "layers",
        "expected a tensor",
        "returns a tuple of 2 items",
    ),
    Bad(
        "2-D layer output to a spatial sampler",
        lambda: _extract(layers="fc", point_cloud="top_l2"),
        ValueError,
        "layer 'fc'",
        "expected a conv feature map of shape (N, C, H, W)",
        "got shape (6, 5)",
    ),
    Fallback(
        "2-D layer output to pooled()",
        lambda: _extract(layers="fc", point_cloud="pooled"),
        _pooled_2d,
    ),
    Bad(
        "device='cuda' without CUDA",
        lambda: _without_cuda(lambda: _extract(device="cuda")),
        ValueError,
        "device",
        "CUDA is not available",
        "got 'cuda'",
    ),
    Bad(
        "device that does not exist",
        lambda: _extract(device="tpu9"),
        ValueError,
        "device",
        "expected None, 'cpu', 'cuda'",
        "got str 'tpu9'",
    ),
    Bad(
        "model split across devices",
        lambda: _extract(
            nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(4, 4, 3, device="meta")), layers="0"
        ),
        ValueError,
        "model",
        "expected all parameters on one device",
        "['cpu', 'meta']",
    ),
    # data on another device or dtype than the model is moved/converted to the model's
    Fallback(
        "float64 data for a float32 model", lambda: _extract(data=IMAGES.double()), _float64_data
    ),
    Bad(
        "full activations over the memory budget",
        lambda: _extract(memory_budget=1000),
        MemoryError,
        "memory_budget",
        "more than memory_budget=1000 B",
        "about 3.4 KiB",
    ),
    Bad(
        "not a model",
        lambda: _extract("resnet18"),  # type: ignore[arg-type]
        TypeError,
        "model",
        "expected a torch.nn.Module",
        "got str 'resnet18'",
    ),
    Bad(
        "misspelled sampler name",
        lambda: _extract(point_cloud="top_l3"),
        ValueError,
        "point_cloud",
        "did you mean 'top_l2'",
        "'top_l3'",
    ),
    Bad(
        "explore() with a misspelled layer",
        lambda: tw.explore(MODEL, IMAGES, ["conv0"]),
        ValueError,
        "layers",
        "did you mean 'conv2' or 'conv1'",
        "unknown name 'conv0'",
    ),
    Bad(
        "Analysis without layers",
        lambda: tw.Analysis(MODEL, IMAGES, [], cache_dir=False),
        ValueError,
        "layers",
        "expected at least one layer name",
        "got none",
    ),
]


@pytest.mark.parametrize("case", _params(ACTIVATIONS))
def test_activations(case: Bad | Fallback) -> None:
    _run(case)


# -- stage 2-3: clouds, persistence, distances, Mapper ---------------------------------

RNG = np.random.default_rng(0)
CLOUD = RNG.normal(size=(30, 3))


def _duplicates(dg: Any, caught: list) -> None:
    # duplicates add zero-length H0 bars, which are not in the diagram: as ripser
    pts = np.array([[0.0, 0.0], [0.0, 0.0], [3.0, 4.0], [3.0, 4.0]], dtype=np.float32)
    ref = ripser.ripser(pts)["dgms"]
    assert dg[0].tolist() == [[0.0, np.inf], [0.0, 5.0]]
    assert sorted(dg[0][:, 1].tolist()) == sorted(ref[0][:, 1].tolist())
    g = dg.generators[0][1]
    assert np.linalg.norm(pts[g[2]] - pts[g[3]]) == 5.0


def _one_point(dg: Any, caught: list) -> None:
    assert dg[0].tolist() == [[0.0, np.inf]] and dg[1].shape == (0, 2)
    assert dg.generators[0].tolist() == [[0, 0, -1, -1]]


def _two_points(dg: Any, caught: list) -> None:
    assert dg[0].tolist() == [[0.0, np.inf], [0.0, 5.0]] and dg[1].shape == (0, 2)
    assert dg.generators[0][1].tolist() == [1, 1, 0, 1]


def _maxdim3(dg: Any, caught: list) -> None:
    assert dg.maxdim == 3 and len(dg.dgms) == 4


def _within_budget(dg: Any, caught: list) -> None:
    assert dg.params["indices"].size == 50 and dg.params["covering_radius"] > 0


def _one_layer(m: Any, caught: list) -> None:
    assert m.values.tolist() == [[0.0]] and m.layers == ("only",)


def _mapper_too_many_intervals(g: Any, caught: list) -> None:
    assert g.n_nodes == 0 and g.members.size == 0 and g.params["n_intervals"] == 50
    assert any("no nodes" in str(w.message) for w in caught)


def _mapper_one_cluster(g: Any, caught: list) -> None:
    assert g.n_nodes == 1 and g.edges.shape == (0, 2)
    assert g.node_members(0).tolist() == list(range(30))


def _mapper_identical(g: Any, caught: list) -> None:
    assert g.params["eps"] == 1.0 and g.params["cover"] == "one interval (constant lens)"
    assert g.n_nodes == 1 and g.node_members(0).tolist() == list(range(20))
    assert any("identical" in str(w.message) for w in caught)


def _fps_too_many(s: Any, caught: list) -> None:
    assert sorted(s.indices.tolist()) == [0, 1, 2, 3, 4] and s.radius == 0.0


def _fps_duplicates(s: Any, caught: list) -> None:
    assert s.indices.tolist() == [0, 1, 2] and s.radius == 0.0


DIAGRAM = [np.array([[0.0, np.inf], [0.0, 0.5]]), np.array([[0.2, 0.9]])]
_BUDGET_50 = persistence_mod.BYTES_PER_PAIR * 50 * 50


def _no_allocation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*a: Any) -> None:
        raise AssertionError("the distance matrix was allocated before the memory check")

    monkeypatch.setattr(persistence_mod, "rips_distances", refuse)


TOPOLOGY: list[Bad | Fallback] = [
    Bad(
        "empty cloud",
        lambda: tw.persistence_diagrams(np.zeros((0, 3))),
        ValueError,
        "cloud",
        "expected at least one point",
        "got an empty cloud",
    ),
    Bad(
        "NaN in a cloud",
        lambda: tw.persistence_diagrams(np.array([[0.0, np.nan]])),
        ValueError,
        "cloud",
        "expected finite values",
        "got nan at row 0, column 1",
    ),
    Bad(
        "1-D cloud",
        lambda: tw.persistence_diagrams(np.zeros(5)),
        ValueError,
        "cloud",
        "expected an (n, d) array",
        "got shape (5,)",
    ),
    Fallback(
        "duplicate points",
        lambda: tw.persistence_diagrams(np.array([[0, 0], [0, 0], [3, 4], [3, 4]])),
        _duplicates,
    ),
    Fallback("1-point cloud", lambda: tw.persistence_diagrams(np.array([[1.0, 2.0]])), _one_point),
    Fallback(
        "2-point cloud", lambda: tw.persistence_diagrams(np.array([[0, 0], [3.0, 4]])), _two_points
    ),
    Bad(
        "maxdim < 0",
        lambda: tw.persistence_diagrams(CLOUD, maxdim=-1),
        ValueError,
        "maxdim",
        "expected an integer >= 0",
        "got -1",
    ),
    Bad(
        "maxdim > 3",
        lambda: tw.persistence_diagrams(CLOUD, maxdim=4),
        ValueError,
        "maxdim",
        "expected an integer in 0..3",
        "got 4",
    ),
    Fallback(
        "maxdim = 3 on a tiny cloud", lambda: tw.persistence_diagrams(CLOUD[:8], maxdim=3), _maxdim3
    ),
    Bad(
        "cloud too large for memory",
        lambda: tw.persistence_diagrams(np.zeros((20_000, 2))),
        MemoryError,
        "memory_budget",
        "n_perm=6688 or fewer",
        "persistence of 20000 points",
    ),
    Bad(
        "n_points still too large for the budget",
        lambda: tw.persistence_diagrams(CLOUD.repeat(4, 0), n_perm=80, memory_budget=_BUDGET_50),
        MemoryError,
        "memory_budget",
        "n_perm=50 or fewer",
        "n_perm=80 is too large",
    ),
    Fallback(
        "the suggested n_points fits",
        lambda: tw.persistence_diagrams(
            CLOUD.repeat(4, 0) + RNG.normal(size=(120, 3)), n_perm=50, memory_budget=_BUDGET_50
        ),
        _within_budget,
    ),
    Bad(
        "unknown backend",
        lambda: tw.persistence_diagrams(CLOUD, backend="ripser++"),
        ValueError,
        "backend",
        "did you mean 'ripser'",
        "'ripser++'",
    ),
    Fallback(
        "farthest-point subsample of more points than the cloud has",
        lambda: tw.farthest_point_subsample(CLOUD[:5], 9),
        _fps_too_many,
    ),
    Fallback(
        "farthest-point subsample of identical points",
        lambda: tw.farthest_point_subsample(np.zeros((5, 2)), 3),
        _fps_duplicates,
    ),
    Fallback(
        "distance matrix of one layer",
        lambda: tw.layer_distance_matrix({"only": DIAGRAM}),
        _one_layer,
    ),
    Bad(
        "distance matrix in a dimension the diagrams lack",
        lambda: tw.layer_distance_matrix({"a": DIAGRAM, "b": DIAGRAM}, dim=2),
        ValueError,
        "dim",
        "has dimensions 0..1",
        "got dim=2",
    ),
    Bad(
        "misspelled metric",
        lambda: tw.layer_distance_matrix({"a": DIAGRAM}, metric="slice_wasserstein"),
        ValueError,
        "metric",
        "did you mean 'sliced_wasserstein'",
        "'slice_wasserstein'",
    ),
    Bad(
        "diagram with death < birth",
        lambda: tw.bottleneck(np.array([[1.0, 0.0]]), DIAGRAM[0]),
        ValueError,
        "a[0] (H0) point 0",
        "death must be >= birth",
        "got birth 1.0 and death 0.0",
    ),
    Bad(
        "CKA of clouds with different point counts",
        lambda: tw.cka_matrix({"a": CLOUD, "b": CLOUD[:20]}),
        ValueError,
        "clouds",
        "the same number of points in every cloud",
        "[20, 30]",
    ),
    Fallback(
        "Mapper with more intervals than points",
        lambda: tw.mapper_graph(CLOUD[:8], n_intervals=50),
        _mapper_too_many_intervals,
    ),
    Fallback(
        "Mapper with every point in one cluster",
        lambda: tw.mapper_graph(CLOUD, n_intervals=1, clusterer=DBSCAN(eps=100.0)),
        _mapper_one_cluster,
    ),
    Fallback(
        "Mapper of identical points (dead layer)",
        lambda: tw.mapper_graph(np.zeros((20, 4)), n_intervals=4),
        _mapper_identical,
    ),
    Bad(
        "elbow_eps of identical points",
        lambda: tw.elbow_eps(np.zeros((10, 2))),
        ValueError,
        "points",
        "not all identical",
        "10 copies of one point",
    ),
    Bad(
        "Mapper of an empty cloud",
        lambda: tw.mapper_graph(np.zeros((0, 2))),
        ValueError,
        "cloud",
        "expected at least one point",
        "got an empty cloud",
    ),
    Bad(
        "Mapper of 2 points with the default clusterer",
        lambda: tw.mapper_graph(CLOUD[:2]),
        ValueError,
        "cloud",
        "expected at least 3 points",
        "got 2",
    ),
    Bad(
        "Mapper with 0 intervals",
        lambda: tw.mapper_graph(CLOUD, n_intervals=0),
        ValueError,
        "n_intervals",
        "expected an integer >= 1",
        "got 0",
    ),
    Bad(
        "Mapper labels of the wrong length",
        lambda: tw.mapper_graph(CLOUD, labels=[0, 1]),
        ValueError,
        "labels",
        "expected 30 non-negative integers",
        "got (2,)",
    ),
]


@pytest.mark.parametrize("case", _params(TOPOLOGY))
def test_topology(case: Bad | Fallback, monkeypatch: pytest.MonkeyPatch) -> None:
    if isinstance(case, Bad) and case.error is MemoryError:
        _no_allocation(monkeypatch)
    _run(case)


# -- stage 4: widget traits and selections from Python ---------------------------------

T = np.linspace(0, 2 * np.pi, 12, endpoint=False)
RING = np.c_[np.cos(T), np.sin(T)]


def _pd() -> Any:
    return tw.PersistenceDiagramWidget(DIAGRAM)


def _ldm() -> Any:
    return tw.LayerDistanceMatrixWidget(np.array([[0.0, 1.0], [1.0, 0.0]]), layers=["a", "b"])


def _graph() -> Any:
    return tw.mapper_graph(CLOUD, n_intervals=2, clusterer=DBSCAN(eps=100.0, min_samples=1))


def _mg() -> Any:
    return tw.MapperGraphWidget(_graph())


def _fw() -> Any:
    return tw.FiltrationWidget(RING)


def _set(make: Callable[[], Any], **traits: Any) -> Callable[[], Any]:
    def call() -> Any:
        widget = make()
        for name, value in traits.items():
            setattr(widget, name, value)
        return widget

    return call


WIDGETS: list[Bad | Fallback] = [
    Bad(
        "diagram of 3 columns",
        lambda: tw.PersistenceDiagramWidget([np.zeros((3, 3))]),
        ValueError,
        "diagrams[0] (H0)",
        "expected an array of shape (n, 2)",
        "got shape (3, 3)",
    ),
    Bad(
        "diagram of strings",
        lambda: tw.PersistenceDiagramWidget([np.array([["a", "b"]])]),
        ValueError,
        "diagrams[0] (H0)",
        "expected an (n, 2) array of numbers",
        "dtype <U1",
    ),
    Bad(
        "diagram point out of range",
        _set(_pd, selected_points=[[0, 5]]),
        ValueError,
        "selected_points[0]",
        "index must be in 0..1 for H0",
        "got 5",
    ),
    Bad(
        "diagram dimension out of range",
        _set(_pd, selected_points=[[3, 0]]),
        ValueError,
        "selected_points[0]",
        "dimension must be in 0..1",
        "got 3",
    ),
    Bad(
        "negative diagram index",
        _set(_pd, selected_points=[[1, -1]]),
        ValueError,
        "selected_points[0]",
        "index must be in 0..0 for H1",
        "got -1",
    ),
    Bad(
        "matrix values of another shape than its layers",
        _set(_ldm, values=np.zeros((3, 3))),
        ValueError,
        "values",
        "expected shape (2, 2) to match layers",
        "got shape (3, 3)",
    ),
    Bad(
        "matrix with NaN",
        lambda: tw.LayerDistanceMatrixWidget(np.array([[0, np.nan], [1, 0]])),
        ValueError,
        "matrix",
        "expected finite values",
        "got nan at index (0, 1)",
    ),
    Bad(
        "3-D matrix",
        lambda: tw.LayerDistanceMatrixWidget(np.zeros((2, 2, 2))),
        ValueError,
        "matrix",
        "expected a 2-D array",
        "got shape (2, 2, 2)",
    ),
    Bad(
        "matrix layer names of the wrong count",
        lambda: tw.LayerDistanceMatrixWidget(np.zeros((2, 2)), layers=["a"]),
        ValueError,
        "layers",
        "expected 2 names",
        "got 1",
    ),
    Bad(
        "matrix cell out of range",
        _set(_ldm, selected_pair=[0, 2]),
        ValueError,
        "selected_pair",
        "0 <= column < 2",
        "got [0, 2]",
    ),
    Bad(
        "Mapper node out of range",
        _set(_mg, selected_nodes=[99]),
        ValueError,
        "selected_nodes[0]",
        "expected 0 <= node <",
        "no node 99",
    ),
    Bad(
        "Mapper point out of range",
        _set(_mg, selected_indices=np.array([0, 1000])),
        ValueError,
        "selected_indices[1]",
        "expected 0 <= point < 30",
        "no point 1000",
    ),
    Bad(
        "Mapper point indices as floats",
        _set(_mg, selected_indices=np.array([0.5])),
        ValueError,
        "selected_indices",
        "expected integers",
        "got dtype float64",
    ),
    Bad(
        "Mapper positions of the wrong shape",
        lambda: tw.MapperGraphWidget(_graph(), positions=np.zeros((2, 3))),
        ValueError,
        "positions",
        "expected shape",
        "got shape (2, 3)",
    ),
    Bad(
        "Mapper labels too few",
        lambda: tw.MapperGraphWidget(_graph(), labels=[0, 1]),
        ValueError,
        "labels",
        "expected one label per cloud point (30 or more",
        "got 2",
    ),
    Bad(
        "Mapper widget given a string",
        lambda: tw.MapperGraphWidget("graph"),  # type: ignore[arg-type]
        TypeError,
        "graph",
        "expected a MapperGraph",
        "got str",
    ),
    Bad(
        "filtration bar out of range",
        _set(_fw, selected_bar=[1, 99]),
        ValueError,
        "selected_bar",
        "index must be in 0..0 for H1",
        "got 99",
    ),
    Bad(
        "filtration bar in an empty dimension",
        _set(lambda: tw.FiltrationWidget(RING[:3]), selected_bar=[1, 0]),
        ValueError,
        "selected_bar",
        "H1 has no bars",
        "got index 0",
    ),
    Bad(
        "filtration radius < 0",
        _set(_fw, radius=-1.0),
        ValueError,
        "radius",
        "expected a number >= 0",
        "got -1.0",
    ),
    Bad(
        "filtration of 1-D points",
        lambda: tw.FiltrationWidget(np.zeros(5)),
        ValueError,
        "points",
        "expected an (n, d) array",
        "got shape (5,)",
    ),
]


@pytest.mark.parametrize("case", _params(WIDGETS))
def test_widgets(case: Bad | Fallback) -> None:
    _run(case)


def test_catalogue_size() -> None:
    """Issue 9 asks for at least 25 cases across the stages."""
    assert len(ACTIVATIONS) + len(TOPOLOGY) + len(WIDGETS) >= 25
