"""A JupyterLab server started and stopped by the tests (and by
``benchmarks/notebook_soak.py``): one implementation for both."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["JupyterLabServer"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get_json(url: str, timeout: float = 5) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


class JupyterLabServer:
    """A JupyterLab server on 127.0.0.1 with a token, on a free port, with its own
    config, runtime, settings and workspace dirs under ``work``, in its own process
    group; :meth:`stop` shuts it down through the API (PID as a fallback)."""

    def __init__(self, root_dir: Path, work: Path) -> None:
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(work / "config"),
            "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
            "TDA_WIDGETS_CACHE": str(work / "cache"),
        }
        # no "news" toast, no update check: the machine has no network
        settings = work / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root_dir}",
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.port_retries=0",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(work / "jupyterlab.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._listening = threading.Event()
        self._copier = threading.Thread(target=self._copy_output, daemon=True)
        self._copier.start()
        try:
            self._wait_ready()
        except BaseException:
            self.stop(timeout=5)  # what did not start is still stopped, by PID
            raise

    def _copy_output(self) -> None:
        """Copy the server's output to its log; the line with its own URL says it is
        listening (an exit, the end of the output, ends the wait too)."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with contextlib.suppress(ValueError):  # the log is closed after stop()
                self.log.write(line)
                self.log.flush()
            if f"127.0.0.1:{self.port}/" in line:
                self._listening.set()
        self._listening.set()

    def _wait_ready(self, timeout: float = 120) -> None:
        """Wait for the server to say it listens (its output), then for its status to
        answer: it binds its port in the first turn of its event loop, just after that
        line, so a refused connection is retried while waiting on the process' exit."""
        if not self._listening.wait(timeout):
            raise TimeoutError(f"JupyterLab did not start in {timeout} s; see {self.log.name}")
        deadline = time.monotonic() + 30
        while True:
            try:
                self.proc.wait(timeout=0.05)  # returns at once if the server died
            except subprocess.TimeoutExpired:
                pass
            else:
                raise RuntimeError(f"JupyterLab exited early; see {self.log.name}")
            try:
                _get_json(f"{self.url}/api/status?token={self.token}", timeout=30)
                return
            except OSError:  # refused: the port is not bound yet
                if time.monotonic() > deadline:
                    raise

    def _api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shut_down_sessions(self, paths: set[str]) -> int:
        """Shut down the sessions (and kernels) of the notebooks at ``paths`` (relative to
        the server's root); return how many. Kernels left running hold their memory and
        their widgets for the rest of the run."""
        done = 0
        for session in self._api("/api/sessions"):
            if session.get("path") in paths:
                self._api(f"/api/sessions/{session['id']}", method="DELETE")
                done += 1
        return done

    def stop(self, timeout: float = 30) -> None:
        """Shut the server down through its REST API (it stops its kernels first) and wait
        for it to exit; past ``timeout`` s, stop its process group (ours alone: it was
        started in a new session) by PID."""
        if self.proc.poll() is None:
            req = urllib.request.Request(
                f"{self.url}/api/shutdown",
                method="POST",
                headers={"Authorization": f"token {self.token}"},
            )
            # the server may close the connection before it answers: that is fine
            with contextlib.suppress(OSError, http.client.HTTPException):
                urllib.request.urlopen(req, timeout=10).close()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # the copier ends when the output does (kernels the server started share it)
        self._copier.join(timeout=10)
        self.log.close()
