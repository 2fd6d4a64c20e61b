"""Browser-test harness: JupyterLab started by the tests, driven by Playwright in Chromium.

* ``jupyter_lab`` (session): a JupyterLab server on 127.0.0.1 with a token, on a free
  port, serving a temporary copy of ``notebooks/`` and of ``tests/ui/notebooks/`` (as
  ``ui/``), so runs never write into the repository; stopped by PID at the end, kernels shut down through the REST API.
* ``browser`` (session): Debian's Chromium, headless, through Python Playwright.
* ``lab`` (function): a :class:`Lab` page helper: open a notebook, run all cells,
  wait for widgets, evaluate Python in the notebook's kernel, take screenshots.

Screenshots go to ``tests/ui/artifacts/`` (gitignored).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tda_widgets.widgets._export import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = chromium_path()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui" in str(item.fspath):
            item.add_marker(pytest.mark.ui)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


class JupyterLabServer:
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

    def stop(self) -> None:
        try:
            for kernel in _get_json(f"{self.url}/api/kernels?token={self.token}"):
                req = urllib.request.Request(
                    f"{self.url}/api/kernels/{kernel['id']}?token={self.token}", method="DELETE"
                )
                urllib.request.urlopen(req, timeout=10).close()
        except OSError:
            pass
        # the server and anything it started share our new session: stop the group by PID
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLabServer]:
    work = tmp_path_factory.mktemp("jupyterlab")
    root_dir = work / "notebooks"
    ignore = shutil.ignore_patterns(".ipynb_checkpoints")
    shutil.copytree(ROOT / "notebooks", root_dir, ignore=ignore)
    # notebooks made for the browser tests sit beside the user-facing ones
    shutil.copytree(Path(__file__).parent / "notebooks", root_dir / "ui", ignore=ignore)
    server = JupyterLabServer(root_dir, work)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium as "
            "root; otherwise set CHROMIUM to a Chromium's path"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


_KERNEL_EXEC_JS = """
async (code) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const kernel = panel.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, store_history: false });
  let out = "";
  let err = null;
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    if (t === "stream") out += msg.content.text;
    if (t === "error") err = msg.content.ename + ": " + msg.content.evalue;
  };
  await future.done;
  return { out, err };
}
"""


class Lab:
    """A JupyterLab page with helpers to drive a notebook and query its kernel."""

    def __init__(self, page: Any, server: JupyterLabServer) -> None:
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def open(self, notebook: str, timeout: float = 120_000) -> None:
        """Open ``notebook`` (relative to notebooks/) and wait for its kernel to be idle."""
        self.page.goto(f"{self.server.url}/lab/tree/{notebook}?token={self.server.token}")
        # the workspace may restore notebooks opened by earlier tests: make this one current
        self.page.wait_for_function(
            """(path) => {
              const app = window.jupyterapp;
              if (!app) return false;
              let w = app.shell.currentWidget;
              if (!w || !w.context || w.context.path !== path) {
                for (const x of app.shell.widgets('main')) {
                  if (x.context && x.context.path === path) {
                    app.shell.activateById(x.id);
                    w = x;
                  }
                }
              }
              const k = w && w.context && w.context.path === path && w.sessionContext
                && w.sessionContext.session && w.sessionContext.session.kernel;
              return !!k && k.status === 'idle';
            }""",
            arg=notebook,
            timeout=timeout,
        )

    def run_all(self, timeout: float = 300_000) -> None:
        """Run every cell and wait until the kernel has finished them all."""
        self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # the kernel runs requests in order: this returns once every queued cell is done
        self.page.wait_for_timeout(200)
        self.run("pass", timeout=timeout)
        errors = self.page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        tracebacks = self.page.locator(
            ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
        )
        if tracebacks.count():
            raise AssertionError(f"a cell raised: {tracebacks.first.inner_text()[:2000]}")
        del errors

    def run(self, code: str, timeout: float = 120_000) -> str:
        """Execute ``code`` in the notebook's kernel; return its stdout (raise on error)."""
        self.page.set_default_timeout(timeout)
        result = self.page.evaluate(_KERNEL_EXEC_JS, code)
        if result["err"]:
            raise AssertionError(f"kernel error running {code!r}: {result['err']}")
        return str(result["out"])

    def value(self, expr: str) -> Any:
        """The JSON value of the Python expression ``expr`` in the kernel."""
        out = self.run(f"import json as _j\nprint(_j.dumps({expr}))")
        return json.loads(out.strip().splitlines()[-1])

    def eventually(self, expr: str, expected: Any, timeout_s: float = 30) -> Any:
        """Poll the kernel until ``expr`` equals ``expected`` (the kernel handles a view's
        messages in order, but the browser sends them when it is ready); fail after
        ``timeout_s`` naming the last value."""
        value = None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.value(expr)
            if value == expected:
                return value
            self.page.wait_for_timeout(250)  # poll interval, not a wait for the result
        raise AssertionError(f"{expr} = {value!r}, expected {expected!r}")

    def screenshot(self, name: str, locator: Any = None) -> Path:
        """Save ``artifacts/<name>.png``: the page, or the whole of ``locator``.

        JupyterLab's notebook scrolls inside the page (and skips painting cells out of
        view), so an element taller than the window would come out cut at the window's
        edge: the viewport is made tall enough to hold it for the shot, then put back.
        """
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        if locator is None:
            self.page.screenshot(path=str(path))
            return path
        size = self.page.viewport_size
        height = locator.evaluate("(e) => e.getBoundingClientRect().height")
        if height + 200 > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": int(height + 200)})
        try:
            locator.evaluate("(e) => e.scrollIntoView({block: 'start'})")
            self.page.wait_for_function(
                "(e) => e.getBoundingClientRect().bottom <= window.innerHeight",
                arg=locator.element_handle(),
            )
            locator.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(size)
        return path

    def set_theme(self, theme: str) -> None:
        """Switch JupyterLab's theme: 'JupyterLab Light' or 'JupyterLab Dark'."""
        self.page.evaluate(
            "(t) => window.jupyterapp.commands.execute('apputils:change-theme', { theme: t })",
            theme,
        )
        self.page.wait_for_function(
            "(t) => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000
        )
        # JupyterLab covers the page with its splash screen while it switches: wait it out
        self.page.locator("#jupyterlab-splash").wait_for(state="detached", timeout=30_000)


@pytest.fixture
def lab(browser: Any, jupyter_lab: JupyterLabServer) -> Iterator[Lab]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    page = context.new_page()
    try:
        yield Lab(page, jupyter_lab)
    finally:
        context.close()
