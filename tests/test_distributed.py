"""Scaling out: the same results on a dask.distributed cluster as in one process.

joblib's dask backend sends Analysis's per-layer persistence and Mapper jobs and the
pairwise diagram distances to the cluster's workers (separate processes here).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from joblib import parallel_config
from torch import nn

import tda_widgets as tw
from tda_widgets.analysis import Analysis

# a task the scheduler cannot unpickle leaves joblib waiting: fail instead of hanging
pytestmark = pytest.mark.timeout(180)

distributed = pytest.importorskip(
    "distributed", reason="the `distributed` extra (make test installs it through [dev])"
)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit="3GiB",
    )
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def _analysis(n_jobs: int) -> Analysis:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Conv2d(3, 5, 3), nn.ReLU())
    images = torch.randn(1100, 1, 8, 8, generator=torch.Generator().manual_seed(2))
    return Analysis(model, images, ["1", "3"], n_jobs=n_jobs, cache_dir=False, progress=False)


def test_layers_on_a_local_cluster_equal_a_local_run(client) -> None:
    local = _analysis(n_jobs=1)
    remote = _analysis(n_jobs=2)
    with parallel_config(backend="dask"):
        remote_dgms = {layer: remote.diagrams(layer) for layer in remote.layers}
        remote_graphs = remote.mappers(n_intervals=6)
    assert len(client.scheduler_info()["workers"]) == 2
    for layer in local.layers:
        for got, want in zip(remote_dgms[layer], local.diagrams(layer), strict=True):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(
            remote_dgms[layer].params["indices"], local.diagrams(layer).params["indices"]
        )
        one = local.mapper(layer, n_intervals=6)
        np.testing.assert_array_equal(remote_graphs[layer].members, one.members)
        np.testing.assert_array_equal(remote_graphs[layer].member_offsets, one.member_offsets)
        np.testing.assert_array_equal(remote_graphs[layer].edges, one.edges)


def test_cross_distance_matrix_on_a_local_cluster(client) -> None:
    rng = np.random.default_rng(0)
    models = {
        f"seed{k}": {f"l{i}": tw.persistence_diagrams(rng.normal(size=(40, 2))) for i in range(3)}
        for k in range(2)
    }
    local = tw.cross_distance_matrix(models["seed0"], models["seed1"], metric="wasserstein")
    with parallel_config(backend="dask"):
        remote = tw.cross_distance_matrix(
            models["seed0"], models["seed1"], metric="wasserstein", n_jobs=2
        )
    np.testing.assert_array_equal(remote.values, local.values)
    # the run really went through the cluster: its workers report finished tasks
    done = client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.task_prefixes))
    assert done > 0
