"""Every notebook in notebooks/ runs top to bottom, offline, exactly once per ``make test``.

The notebooks in ``BROWSER_RUN`` (``tests/ui/notebook_runs.py``) are run in JupyterLab by
the browser test named there; every other one runs here, headless, in a fresh ``python3``
kernel with its working directory in ``notebooks/`` and ``TDA_WIDGETS_CACHE`` pointing at
a temporary directory (nothing cached from earlier runs helps, nothing is written into the
user's cache). A test checks that the two sets cover the folder without overlap, so a new
notebook cannot go unrun (or run twice).

Wall times are reported, never asserted: printed (``-s``) with the slowest cells, and kept
as the test's ``wall_time_s`` and ``slowest_cells`` properties (``--junitxml``). A cell
that raises or runs past the cell timeout fails the test, naming the cell.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from notebook_runs import (
    BROWSER_RUN,
    ShellPollKernelManager,
    cell_times,
    first_unfinished,
    slowest,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: run here; the others run in JupyterLab (BROWSER_RUN)
HEADLESS = [p for p in NOTEBOOKS if p.name not in BROWSER_RUN]
BUDGET_S = 180  # per notebook, on 2 cores: reported when exceeded, never asserted
CELL_TIMEOUT_S = 170
MAX_BYTES = 1_000_000


def _ids(path: Path) -> str:
    return path.name


def test_the_notebooks_folder_is_not_empty():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOKS_DIR}"


def _stored(path: Path, root: Path = ROOT) -> tuple[bytes, str]:
    """The notebook as committed (``git show HEAD:path``), else as on disk.

    Running a notebook in JupyterLab (``make demo``) autosaves its outputs into the
    working copy; that must never fail the suite, so what is checked is what is stored
    in the repository. A notebook not committed yet (or no git) is read from disk.
    """
    rel = path.relative_to(root).as_posix()
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "show", f"HEAD:{rel}"],
            capture_output=True,
            check=True,
            timeout=30,
        )
        return out.stdout, "committed"
    except (OSError, subprocess.SubprocessError):
        return path.read_bytes(), "on disk"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_is_stored_without_outputs(path: Path):
    raw, where = _stored(path)
    size = len(raw)
    assert size < MAX_BYTES, (
        f"{path.name} ({where}): {size} bytes (limit {MAX_BYTES}); strip its outputs"
    )
    nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert not cell.get("outputs"), f"{path.name} ({where}): cell {i} has stored outputs"
        assert cell.get("execution_count") is None, (
            f"{path.name} ({where}): cell {i} has an execution count"
        )
    assert "widgets" not in nb.metadata, (
        f"{path.name} ({where}): stored widget state in the metadata"
    )


def test_a_run_notebook_in_the_working_copy_does_not_fail_the_check(tmp_path: Path):
    """After ``make demo`` the quickstart on disk holds outputs; the committed one is read."""
    import shutil

    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    clean = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    target = repo / "notebooks" / "x.ipynb"
    nbformat.write(clean, target)
    git = shutil.which("git")
    assert git is not None, "the committed-notebook check needs git (a clone of the repository)"
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "PATH": os.environ.get("PATH", ""),
    }
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run([git, "-C", str(repo), *cmd], check=True, env=env)
    ran = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    ran.cells[0].outputs = [
        nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)
    ]
    ran.cells[0].execution_count = 1
    nbformat.write(ran, target)
    raw, where = _stored(target, root=repo)
    assert where == "committed"
    assert not nbformat.reads(raw.decode(), as_version=4).cells[0].outputs


def _string_literals(path: Path) -> set[str]:
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_notebook_is_run_exactly_once():
    names = {p.name for p in NOTEBOOKS}
    assert set(BROWSER_RUN) <= names, (
        f"BROWSER_RUN names missing notebooks: {set(BROWSER_RUN) - names}"
    )
    headless = {p.name for p in HEADLESS}
    assert headless | set(BROWSER_RUN) == names and not headless & set(BROWSER_RUN)
    # each browser-run notebook is really opened by the module BROWSER_RUN names
    for name, module in BROWSER_RUN.items():
        assert (ROOT / module).is_file(), f"{name}: {module} does not exist"
        assert name in _string_literals(ROOT / module), f"{module} does not open {name}"


@pytest.mark.slow
@pytest.mark.parametrize("path", HEADLESS, ids=_ids)
def test_notebook_runs_without_errors(
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_property: pytest.RecordProperty,
):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError

    # the kernel inherits this process' environment
    monkeypatch.setenv("TDA_WIDGETS_CACHE", str(tmp_path / "cache"))
    nb = nbformat.read(path, as_version=4)
    # the kernel talks over Unix sockets in a directory of its own, not TCP ports: two
    # workers starting kernels at once could pick the same free port, and the second
    # kernel then died binding it ("Address already in use", seen in make test)
    sockets = Path(tempfile.mkdtemp(prefix="tdaw-k"))  # short: a socket path has <= 107 bytes
    # waits for each reply in 1 s slices: a lost zmq wake-up costs a second, not the
    # whole cell timeout (notebook_runs.ShellPollChannel)
    km = ShellPollKernelManager(kernel_name="python3", transport="ipc", ip=str(sockets / "k"))
    client = NotebookClient(
        nb,
        km=km,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        record_timing=True,  # per-cell kernel timestamps in cell.metadata.execution
        resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
    )
    start = time.perf_counter()
    try:
        client.execute()  # raises CellExecutionError, naming the cell, when a cell errors
    except CellTimeoutError as e:
        i = first_unfinished(nb)
        raise AssertionError(
            f"{path.name}: cell {i} ran past the {CELL_TIMEOUT_S} s cell timeout; "
            f"slowest finished cells: {slowest(cell_times(nb))}"
        ) from e
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        elapsed = time.perf_counter() - start
        times = cell_times(nb)
        record_property("wall_time_s", round(elapsed, 1))
        record_property("slowest_cells", slowest(times))
    # the time is reported, not asserted: a loaded CI machine must not fail a notebook
    # that ran correctly (the cell timeout above still stops a hung one)
    note = f" (over the {BUDGET_S} s budget)" if elapsed > BUDGET_S else ""
    print(f"\n{path.name}: {elapsed:.1f} s{note}; slowest: {slowest(times)}")
