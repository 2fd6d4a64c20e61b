"""Test-wide settings.

* hypothesis runs derandomised with bounded examples (CI too);
* under ``pytest -n N`` each worker (and what it starts: notebook kernels, JupyterLab)
  gets ``cpu_count // N`` BLAS/OpenMP threads, so N workers do not oversubscribe the
  cores (``pytest_configure``);
* under ``-n N --dist loadfile`` (``make test``) a module runs on one worker, except the
  headless notebook runs, one per notebook (:func:`group_of`), and the longest groups
  start first (``pytest_collection_modifyitems``, ``pytest_xdist_make_scheduler``).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# -- threads per worker -------------------------------------------------------------------

#: the thread-count variables of the BLAS and OpenMP runtimes numpy, scipy and torch load
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pytest_configure(config: pytest.Config) -> None:
    # the controller of `pytest -n N` (a worker has numprocesses None): its workers start
    # after this and inherit the environment; a value set by the user is kept
    workers = getattr(config.option, "numprocesses", None)
    if isinstance(workers, int) and workers > 1:
        affinity = getattr(os, "sched_getaffinity", None)  # the cores this process may use
        cores = len(affinity(0)) if affinity else (os.cpu_count() or 1)
        per_worker = str(max(1, cores // workers))
        for var in THREAD_VARS:
            os.environ.setdefault(var, per_worker)


# -- distribution over pytest-xdist workers ------------------------------------------------

NOTEBOOK_RUNS = "tests/test_notebooks.py::test_notebook_runs_without_errors"

#: the groups that take longest, about longest first (measured in `make test`, December
#: 2026: 07 and 02 first, so that they start on different workers). xdist hands groups
#: to the workers in the order of the collection, so these start first and the short
#: ones fill the gaps at the end. Only an order: a group not named here runs after
#: them, never less; a stale name here changes nothing.
LONGEST_FIRST = (
    "tests/test_notebooks.py::07_beyond_the_paper.ipynb",
    "tests/test_notebooks.py::02_paper_walkthrough.ipynb",
    "tests/ui/test_explorer_layout.py",
    "tests/ui/test_quickstart.py",
    "tests/ui/test_explorer.py",
    "tests/ui/test_filtration.py",
    "tests/ui/test_explorer_scale.py",
    "tests/ui/test_evidence_views.py",
    "tests/test_wheel.py",
    "tests/ui/test_teaching_notebooks.py",
    "tests/topology/test_loops.py",
    "tests/point_clouds/test_masked.py",
    "tests/test_distributed.py",
    "tests/ui/test_evidence_mapper.py",
    "tests/ui/test_hostile_labels.py",
    "tests/ui/test_mapper_graph.py",
    "tests/test_notebooks.py::06_topology_of_activations.ipynb",
    "tests/widgets/test_explorer_scale.py",
    "tests/widgets/test_export_no_live_widgets.py",
    "tests/test_safety_round3.py",
    "tests/test_notebooks.py::08_statistics_interlude.ipynb",
)


def group_of(nodeid: str) -> str:
    """The group the test ``nodeid`` runs in, on one worker: its module (a browser module
    keeps its notebook open for all its tests; module fixtures are built once), except
    the headless notebook runs, one group each (they share nothing)."""
    module = nodeid.split("::", 1)[0]
    if nodeid.startswith(NOTEBOOK_RUNS + "["):
        return f"{module}::{nodeid[len(NOTEBOOK_RUNS) + 1 : -1]}"
    return module


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker: order the groups :data:`LONGEST_FIRST`, then the others by
    their number of tests (as xdist's ``loadfile`` does); the order within a group is
    kept. Every worker collects the same order; the scheduler hands groups out in it."""
    if not hasattr(config, "workerinput"):
        return
    groups = [group_of(item.nodeid) for item in items]
    sizes = Counter(groups)
    first_seen = {g: k for k, g in reversed(list(enumerate(groups)))}

    def rank(group: str) -> tuple[int, int, int]:
        if group in LONGEST_FIRST:
            return (LONGEST_FIRST.index(group), 0, 0)
        return (len(LONGEST_FIRST), -sizes[group], first_seen[group])

    order = sorted(range(len(items)), key=lambda k: (rank(groups[k]), k))
    items[:] = [items[k] for k in order]


@pytest.hookimpl(optionalhook=True)  # xdist's hook: absent under -p no:xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile`` (``make test``) keeps each :func:`group_of` on one worker:
    a module, or one headless notebook run (xdist's ``loadgroup`` would need marks that
    pytest 9.2 no longer passes on: pytest-xdist issue 1386)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    # the workers' collection is in the order the groups should start (above)
    config.option.loadscopereorder = False
    return GroupScheduling(config, log)
