"""Run one notebook many times headless while another JupyterLab server has a busy kernel.

Issue 16 reported notebook 03 sometimes waiting for its whole cell timeout when other
Jupyter servers and kernels ran on the machine. This script reproduces that setting and
prints every run's wall time with its slowest cells (nbclient's ``record_timing``), so a
wait shows which cell it was in:

1. start a JupyterLab server (token, free port, temporary config and runtime dirs, its
   own process group), start a kernel through its REST API, and keep that kernel busy
   with a CPU loop (sent over the kernel's connection file; ``--idle`` leaves it idle);
2. run the notebook ``--runs`` times with nbclient, each in a fresh kernel with a fresh
   ``TDA_WIDGETS_CACHE``, the cell timeout ``--timeout``;
3. stop the kernel through the REST API and the server by its PID (process group).

With ``--dump S`` every kernel writes a Python traceback of all its threads every S
seconds a cell runs (``faulthandler``), to ``<workdir>/run-<k>.traceback``.

Run: ``.venv/bin/python benchmarks/notebook_soak.py [--runs 20] [--notebook 03]``
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
import zmq
from jupyter_client import BlockingKernelClient
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))
from lab_server import JupyterLabServer  # noqa: E402
from notebook_runs import ShellPollKernelManager, cell_times, slowest  # noqa: E402

BUSY_LOOP = "import time\nwhile True:\n    sum(i * i for i in range(100_000))\n"


class OtherServer(JupyterLabServer):
    """The tests' JupyterLab server with kernels started through its REST API."""

    def __init__(self, work: Path, busy: bool, n_kernels: int = 1) -> None:
        work.mkdir(parents=True, exist_ok=True)
        super().__init__(work, work)
        self.runtime = work / "runtime"
        self.kernels = [
            self._api("POST", "/api/kernels", {"name": "python3"}) for _ in range(n_kernels)
        ]
        ids = ", ".join(k["id"] for k in self.kernels)
        print(f"other JupyterLab: pid {self.proc.pid}, port {self.port}, kernels {ids}")
        if busy:
            for kernel in self.kernels:
                self._make_busy(kernel["id"])
            print(f"its {n_kernels} kernel(s) busy with a CPU loop")

    def _make_busy(self, kernel_id: str) -> None:
        client = BlockingKernelClient()
        client.load_connection_file(str(self.runtime / f"kernel-{kernel_id}.json"))
        client.start_channels()
        client.wait_for_ready(timeout=120)
        client.execute(BUSY_LOOP)  # never replies: the kernel stays busy
        deadline = time.monotonic() + 60
        while self._api("GET", f"/api/kernels/{kernel_id}")["execution_state"] != "busy":
            if time.monotonic() > deadline:
                raise TimeoutError(f"the other kernel {kernel_id} did not become busy")
            time.sleep(0.2)  # poll interval
        client.stop_channels()

    def _api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}{path}?token={self.token}", data=data, method=method
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
        return json.loads(raw) if raw else None


PROBE = """
import threading as _th, time as _t, zmq as _zmq
def _probe(path, period):
    k = get_ipython().kernel
    m = k.shell_channel_thread.manager
    socks = {"shell ROUTER": m._shell_stream.socket, "to main PAIR": m._shell_channel_to_main.to_socket}
    with open(path, "a") as f:
        while True:
            _t.sleep(period)
            for name, s in socks.items():
                if s.get(_zmq.EVENTS) & _zmq.POLLIN:
                    f.write(f"{_t.strftime('%H:%M:%S')} {name}: a message waits unread\\n")
                    f.flush()
_th.Thread(target=_probe, args=(PATH, PERIOD), daemon=True).start()
"""


def run_once(
    path: Path,
    timeout: int,
    work: Path,
    k: int,
    dump: float | None,
    probe: float | None = None,
    sliced: bool = False,
) -> dict:
    nb = nbformat.read(path, as_version=4)
    if probe:
        nb.cells.insert(
            0,
            nbformat.v4.new_code_cell(
                PROBE.replace("PATH", repr(str(work / f"run-{k}.probe"))).replace(
                    "PERIOD", str(probe)
                )
            ),
        )
    if dump:
        trace = work / f"run-{k}.traceback"
        nb.cells.insert(
            0,
            nbformat.v4.new_code_cell(
                "import faulthandler as _fh\n"
                f"_fh.dump_traceback_later({dump}, repeat=True, file=open({str(trace)!r}, 'w'))"
            ),
        )
    os.environ["TDA_WIDGETS_CACHE"] = str(work / f"cache-{k}")
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        **({"kernel_manager_class": ShellPollKernelManager} if sliced else {}),
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start, wall_start = time.perf_counter(), time.time()
    error = ""
    loop = asyncio.new_event_loop()
    done = threading.Event()
    if dump:  # the client's side of a long run: its asyncio tasks' stacks
        threading.Thread(
            target=_watch,
            args=(loop, client, done, dump, work / f"run-{k}.client"),
            daemon=True,
        ).start()
    try:
        loop.run_until_complete(client.async_execute())
    except (CellExecutionError, CellTimeoutError) as e:
        error = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    finally:
        done.set()
        loop.close()
    elapsed = time.perf_counter() - start
    wall_end = time.time()
    shift = bool(dump) + bool(probe)  # inserted cells shift the indices
    gaps = _gaps(nb, wall_start, wall_end, shift)
    times = cell_times(nb)
    times = [(i - shift, s, src) for i, s, src in times if i >= shift]
    return {"seconds": elapsed, "times": times, "error": error, "gaps": gaps}


def _watch(
    loop: asyncio.AbstractEventLoop,
    client: NotebookClient,
    done: threading.Event,
    period: float,
    path: Path,
) -> None:
    """Every ``period`` s until ``done``: the stacks of the client's asyncio tasks and the
    sends and receives its shell socket has queued (read, not touched)."""
    seen: set[int] = set()
    while not done.wait(period):
        with path.open("a") as f:
            f.write(f"--- {time.strftime('%H:%M:%S')}\n")
            kc = client.kc
            if kc is not None:
                sock = kc.shell_channel.socket
                pending = {id(e.future) for e in getattr(sock, "_recv_futures", ())}
                sends = len(getattr(sock, "_send_futures", ()))
                f.write(f"shell socket: {sends} queued sends, {len(pending)} queued receives\n")
                if pending & seen:
                    # the same receive has waited a whole period (a reply takes well under
                    # a second): only now ask libzmq itself whether a message is there.
                    # (ZMQ_EVENTS from this thread, on the plain socket: a diagnostic read
                    # that never runs during a normal wait, where it could eat a wake-up)
                    waiting = bool(sock._shadow_sock.get(zmq.EVENTS) & zmq.POLLIN)
                    f.write(f"  same receive still waiting; a message is in libzmq: {waiting}\n")
                seen = pending
            for task in list(asyncio.all_tasks(loop)):
                f.write(f"{task!r}\n")
                for frame in task.get_stack():
                    code = frame.f_code
                    f.write(f"  {code.co_filename}:{frame.f_lineno} {code.co_name}\n")


def _gaps(nb: Any, wall_start: float, wall_end: float, shift: int = 0) -> list[tuple[str, float]]:
    """Seconds the run spent outside the cells' busy..reply spans: before the first cell
    (kernel start), between a cell's reply and the next cell's busy status, and after
    the last reply (kernel shutdown); the largest first."""
    marks = []
    for i, cell in enumerate(nb.cells):
        ex = cell.get("metadata", {}).get("execution", {})
        if "iopub.status.busy" in ex and "shell.execute_reply" in ex:
            busy = _stamp(ex["iopub.status.busy"])
            marks.append((i, busy, _stamp(ex["shell.execute_reply"])))
    if not marks:
        return [("no cell ran", wall_end - wall_start)]
    out = [("kernel start .. first cell", marks[0][1] - wall_start)]
    for (_, _, reply), (j, busy, _) in itertools.pairwise(marks):
        out.append((f"reply .. cell {j - shift} busy", busy - reply))
    out.append(("last reply .. shutdown done", wall_end - marks[-1][2]))
    return sorted(out, key=lambda g: -g[1])


def _stamp(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--notebook", default="03", help="a path, or a notebooks/ name's number prefix")
    ap.add_argument("--timeout", type=int, default=170, help="cell timeout, seconds")
    ap.add_argument("--idle", action="store_true", help="leave the other kernel idle")
    ap.add_argument("--kernels", type=int, default=1, help="kernels in the other server")
    ap.add_argument("--no-server", action="store_true", help="start no other server")
    ap.add_argument("--dump", type=float, default=None, help="faulthandler period, s")
    ap.add_argument(
        "--sliced", action="store_true", help="wait for replies in 1 s slices (as the tests do)"
    )
    ap.add_argument("--probe", type=float, default=None, help="kernel socket probe period, s")
    args = ap.parse_args()
    path = Path(args.notebook) if Path(args.notebook).is_file() else None
    path = path or next(iter(sorted((ROOT / "notebooks").glob(f"{args.notebook}*.ipynb"))), None)
    if path is None:
        ap.error(f"--notebook: no notebooks/{args.notebook}*.ipynb")
    work = Path(tempfile.mkdtemp(prefix="tdaw-soak-"))
    other = (
        None
        if args.no_server
        else OtherServer(work / "other", busy=not args.idle, n_kernels=args.kernels)
    )
    results = []
    try:
        for k in range(1, args.runs + 1):
            r = run_once(path, args.timeout, work, k, args.dump, args.probe, args.sliced)
            results.append(r)
            note = f"  FAILED {r['error']}" if r["error"] else ""
            gap, secs = r["gaps"][0]
            print(
                f"run {k:2d}: {r['seconds']:6.1f} s  slowest: {slowest(r['times'], 1)}; "
                f"longest wait outside cells: {secs:.1f} s ({gap}), "
                f"{sum(g[1] > 5 for g in r['gaps'])} over 5 s{note}"
            )
            sys.stdout.flush()
    finally:
        if other is not None:
            other.stop()
    secs = [r["seconds"] for r in results]
    print(
        f"{path.name}: {len(secs)} runs, min {min(secs):.1f} s, median "
        f"{statistics.median(secs):.1f} s, max {max(secs):.1f} s (cell timeout {args.timeout} s); "
        f"{sum(bool(r['error']) for r in results)} failed; work dir {work}"
    )


if __name__ == "__main__":
    main()
