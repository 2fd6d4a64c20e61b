"""Which notebook runs where, and the per-cell wall times of a notebook run.

Every notebook in ``notebooks/`` is executed exactly once by ``make test``: the ones in
:data:`BROWSER_RUN` in JupyterLab by the browser test named there (which fails on any cell
that raised), every other one headless by ``tests/test_notebooks.py``.
``test_notebooks.py`` checks that the two sets cover the folder and do not overlap.

:func:`cell_times` reads the timestamps nbclient records with ``record_timing=True``
(``cell.metadata.execution``), so a run can say which cell took the time; it is shared by
``tests/test_notebooks.py`` and ``benchmarks/notebook_soak.py``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from queue import Empty
from typing import Any

import nbformat
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

#: notebook file name -> the browser test module that runs it top to bottom
BROWSER_RUN: dict[str, str] = {
    "01_quickstart.ipynb": "tests/ui/test_quickstart.py",
    "03_persistence_basics.ipynb": "tests/ui/test_teaching_notebooks.py",
    "05_mapper.ipynb": "tests/ui/test_teaching_notebooks.py",
}


#: longest one wait on the shell channel trusts zmq's wake-up before it looks itself
SHELL_POLL_S = 1.0


class ShellPollChannel(AsyncZMQSocketChannel):
    """A shell channel that waits for a reply in slices of :data:`SHELL_POLL_S`.

    A zmq.asyncio socket learns of a message through an edge-triggered file descriptor.
    When nbclient emulates an ``ipywidgets.Output`` widget it sends comm messages on the
    shell socket while it waits there for the cell's ``execute_reply``; on a loaded
    machine that wake-up is sometimes lost, and the reply, already received by libzmq,
    is only seen when the wait's timeout expires and pyzmq polls the socket once more
    (notebook 03 waited for its whole cell timeout this way; issue 16). Each slice ends
    in that same poll, so such a reply is found within a slice; the overall timeout is
    unchanged.
    """

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SHELL_POLL_S if deadline is None else deadline - time.monotonic()
            try:
                return await super().get_msg(timeout=max(0.0, min(SHELL_POLL_S, left)))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise


class ShellPollClient(AsyncKernelClient):
    """:class:`AsyncKernelClient` with a :class:`ShellPollChannel` shell channel."""

    shell_channel_class = Type(ShellPollChannel)


class ShellPollKernelManager(AsyncKernelManager):
    """Kernel manager whose clients are :class:`ShellPollClient`; pass it to nbclient as
    ``NotebookClient(..., kernel_manager_class=ShellPollKernelManager)``."""

    @default("client_factory")
    def _shell_poll_client(self) -> type:
        return ShellPollClient


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def cell_times(nb: Any) -> list[tuple[int, float, str]]:
    """``(cell index, seconds, first line)`` for every code cell that started.

    The time runs from the kernel's ``busy`` status to its ``execute_reply`` (or, for a
    cell still running when the run stopped, to nothing: ``nan``).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    >>> nb.cells[0].metadata["execution"] = {
    ...     "iopub.status.busy": "2026-01-01T00:00:00.000000Z",
    ...     "shell.execute_reply": "2026-01-01T00:00:01.500000Z",
    ... }
    >>> cell_times(nb)
    [(0, 1.5, 'x = 1')]
    """
    return _times(enumerate(nb.cells))


def _times(cells: Iterable[tuple[int, Any]]) -> list[tuple[int, float, str]]:
    times = []
    for i, cell in cells:
        ex = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type != "code" or "iopub.status.busy" not in ex:
            continue
        start = _stamp(ex["iopub.status.busy"])
        end = ex.get("shell.execute_reply")
        seconds = (_stamp(end) - start).total_seconds() if end else float("nan")
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        times.append((i, round(seconds, 2), first[:60]))
    return times


def slowest(times: list[tuple[int, float, str]], n: int = 3) -> str:
    """The ``n`` slowest cells of :func:`cell_times` as one line, slowest first."""
    # a cell still running (nan) is the one that took the time: it comes first
    key = sorted(times, key=lambda t: (t[1] == t[1], -t[1] if t[1] == t[1] else 0.0))
    return "; ".join(f"cell {i} {s:.2f} s ({src})" for i, s, src in key[:n])


def first_unfinished(nb: Any) -> int | None:
    """Index of the first code cell that got no ``execute_reply`` (the one a timed-out
    run was waiting for), or ``None`` when every code cell finished.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(
    ...     cells=[nbformat.v4.new_code_cell("a"), nbformat.v4.new_code_cell("b")]
    ... )
    >>> nb.cells[0].metadata["execution"] = {"shell.execute_reply": "2026-01-01T00:00:00Z"}
    >>> first_unfinished(nb)
    1
    """
    for i, cell in enumerate(nb.cells):
        ex = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and "shell.execute_reply" not in ex:
            return i
    return None


# --- the same checks for a notebook run in JupyterLab ---------------------------------

_RECORD_TIMING_JS = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  nb.notebookConfig = { ...nb.notebookConfig, recordTiming: true };
  return nb.notebookConfig.recordTiming;
}"""

# every code cell of the current notebook's model (not the DOM: JupyterLab leaves cells
# out of view unrendered), with its execution count, timing metadata and failures
_CELLS_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const text = (t) => (Array.isArray(t) ? t.join("") : String(t));
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const c = cells.get(i);
    if (c.type !== "code") continue;
    const outputs = c.outputs.toJSON();
    out.push({
      index: i,
      source: c.sharedModel.getSource(),
      count: c.executionCount,
      execution: c.getMetadata("execution") || {},
      errors: outputs.filter((o) => o.output_type === "error")
        .map((o) => o.ename + ": " + o.evalue),
      tracebacks: outputs.filter((o) => o.output_type === "stream" && o.name === "stderr"
        && text(o.text).includes("Traceback (most recent call last)")).map((o) => text(o.text)),
    });
  }
  return out;
}"""

# done: every code cell has run, or one failed (JupyterLab stops a run-all there)
_DONE_JS = (
    "() => { const cells = ("
    + _CELLS_JS
    + ")(); return cells.every((c) => c.count !== null)"
    + " || cells.some((c) => c.errors.length > 0); }"
)


def record_timing(page: Any) -> None:
    """Make the current JupyterLab notebook record each cell's execution timestamps."""
    assert page.evaluate(_RECORD_TIMING_JS) is True


def browser_cells_ran(page: Any, name: str, timeout_ms: float) -> list[tuple[int, float, str]]:
    """Wait until every code cell of the open notebook ``name`` has run (or one failed),
    then fail naming any cell that raised, wrote a traceback to stderr or did not run;
    return :func:`cell_times` of the run (needs :func:`record_timing` before the run).

    Reads the notebook's model, so cells JupyterLab has not rendered count too: the
    same checks the headless run makes with nbclient.
    """
    page.wait_for_function(_DONE_JS, timeout=timeout_ms, polling=250)
    cells = page.evaluate(_CELLS_JS)
    failed = [
        f"cell {c['index']}: {'; '.join(c['errors'] + c['tracebacks'])[:1500]}"
        for c in cells
        if c["errors"] or c["tracebacks"]
    ]
    assert not failed, f"{name}: " + "\n".join(failed)
    not_run = [c["index"] for c in cells if c["count"] is None]
    assert not not_run, f"{name}: code cells {not_run} did not run"
    return _times(
        (
            c["index"],
            nbformat.from_dict(
                {
                    "cell_type": "code",
                    "source": c["source"],
                    "metadata": {"execution": c["execution"]},
                }
            ),
        )
        for c in cells
    )
