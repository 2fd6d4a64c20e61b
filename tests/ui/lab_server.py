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
import time
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["JupyterLabServer"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as r:
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
            cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early; see {self.log.name}")
            try:
                _get_json(f"{self.url}/api/status?token={self.token}")
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"JupyterLab did not start in {timeout} s; see {self.log.name}")

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
        self.log.close()
