"""Browser-test harness: JupyterLab started by the tests, driven by Playwright in Chromium.

* ``jupyter_lab`` (session): a JupyterLab server on 127.0.0.1 with a token, on a free
  port, serving a temporary copy of ``notebooks/`` and of ``tests/ui/notebooks/`` (as
  ``ui/``), so runs never write into the repository; stopped through ``POST /api/shutdown``
  (then by process group if it does not exit).
* ``browser`` (session): Debian's Chromium, headless, through Python Playwright.
* ``lab`` (function): a :class:`Lab` page helper: open a notebook, run all cells,
  wait for widgets, evaluate Python in the notebook's kernel, take screenshots.
* ``module_lab`` (module): the same helper on one page kept open for a whole test module,
  so that a module opens and runs its notebook once; its tests call :meth:`Lab.reset`
  (re-run the notebook's ``view``-tagged cells, light theme, default viewport) to start
  from the state the notebook left.

Nothing here sleeps for a fixed time: every wait is on a condition (the kernel's value,
an attribute the view sets, an element's box), with a deadline.

Screenshots go to ``tests/ui/artifacts/`` (gitignored); each test names its own files, so
parallel workers (pytest-xdist) never write the same one.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lab_server import JupyterLabServer
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tda_widgets.widgets._export import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = chromium_path()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui" in str(item.fspath):
            item.add_marker(pytest.mark.ui)


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
    // stdout only: a warning on stderr must not end up in a value
    if (t === "stream" && msg.content.name === "stdout") out += msg.content.text;
    if (t === "error") err = msg.content.ename + ": " + msg.content.evalue;
  };
  await future.done;
  return { out, err };
}
"""


POLL_MS = 250  # how often Playwright re-evaluates a kernel condition (Lab.wait_kernel)

# true once the Python condition ``code`` prints "true" in the notebook's kernel; a
# kernel error rejects the wait at once (Playwright re-runs this until it is true).
# With an element, __ATTR__ in the code stands for its attribute ``attr`` as it is now.
_KERNEL_TRUE_JS = """
async ([template, el, attr]) => {
  const code = el ? template.replaceAll("__ATTR__", JSON.stringify(el.getAttribute(attr) ?? "")) : template;
  const app = window.jupyterapp;
  const kernel = app.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, store_history: false });
  let out = "";
  let err = null;
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    if (t === "stream" && msg.content.name === "stdout") out += msg.content.text;
    if (t === "error") err = msg.content.ename + ": " + msg.content.evalue;
  };
  await future.done;
  if (err) throw new Error(`kernel error running ${code}: ${err}`);
  return out.trim() === "true";
}
"""

# the theme's --jp-layout-color0, as the body's computed style gives it, and as rgb()
_THEME_BACKGROUND = {"JupyterLab Light": "white", "JupyterLab Dark": "#111"}
_THEME_RGB = {"JupyterLab Light": "rgb(255, 255, 255)", "JupyterLab Dark": "rgb(17, 17, 17)"}

# Queue the code cells tagged `tag` (every one for null) and return the highest execution
# count any cell showed before: a cell has run again once its count is above it.
_RUN_CELLS_JS = """
(tag) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const nb = panel.content;
  const counts = nb.widgets.map((c) => (c.model.type === 'code' && c.model.executionCount) || 0);
  const before = Math.max(0, ...counts);
  if (tag === null) {
    app.commands.execute('notebook:run-all-cells');
  } else {
    nb.widgets.forEach((c, k) => {
      if (c.model.type !== 'code' || !(c.model.getMetadata('tags') || []).includes(tag)) return;
      nb.activeCellIndex = k;
      nb.deselectAll();
      app.commands.execute('notebook:run-cell');
    });
  }
  return before;
}
"""

# Every non-empty code cell to run has a count above `before`, or one that ran raised.
_CELLS_DONE_JS = """
([tag, before]) => {
  const cells = window.jupyterapp.shell.currentWidget.content.widgets.filter(
    (c) => c.model.type === 'code' && c.model.sharedModel.getSource().trim() !== ''
      && (tag === null || (c.model.getMetadata('tags') || []).includes(tag)));
  const ran = (c) => (c.model.executionCount || 0) > before;
  const raised = (c) => ran(c) && [...Array(c.model.outputs.length).keys()].some(
    (k) => c.model.outputs.get(k).type === 'error');
  return cells.every(ran) || cells.some(raised);
}
"""

# The element's box is on screen and did not move since the last animation frame.
_SETTLED_JS = """
(e) => {
  const r = e.getBoundingClientRect();
  const key = [r.x, r.y, r.width, r.height].join();
  const same = e.__tdawBox === key;
  e.__tdawBox = key;
  return same && r.width > 0 && r.bottom > 0 && r.top < window.innerHeight;
}
"""


class Lab:
    """A JupyterLab page with helpers to drive a notebook and query its kernel."""

    def __init__(self, page: Any, server: JupyterLabServer) -> None:
        self.page = page
        self.server = server
        self.console_errors: list[str] = []
        self.opened: set[str] = set()  # notebooks this page opened: their kernels stop after
        self._used = False
        self._viewport = dict(page.viewport_size)
        page.on(
            "console",
            lambda m: self.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def open(self, notebook: str, timeout: float = 120_000) -> None:
        """Open ``notebook`` (relative to notebooks/) and wait for its kernel to be idle.

        ``reset`` empties the workspace first: JupyterLab would otherwise restore every
        notebook earlier test modules opened, each one's widgets fetched again from its
        kernel, in every page a module opens (six notebooks by a run's end).
        """
        self.opened.add(notebook)
        self.page.goto(f"{self.server.url}/lab/tree/{notebook}?reset&token={self.server.token}")
        # make this notebook current (a restored layout could show another)
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
        # what reset() goes back to
        self._used = False
        self._viewport = dict(self.page.viewport_size)

    def run_all(self, timeout: float = 300_000) -> None:
        """Run every cell and wait until the kernel has finished them all."""
        self.run_cells(None, timeout=timeout)

    def run_cells(self, tag: str | None, timeout: float = 300_000) -> None:
        """Run the code cells tagged ``tag`` (every code cell for ``None``) in the notebook,
        in order, and wait until each has a new execution count (or one of them raised);
        raise if a cell raised."""
        before = self.page.evaluate(_RUN_CELLS_JS, tag)
        self.page.wait_for_function(_CELLS_DONE_JS, arg=[tag, before], timeout=timeout)
        # aborted cells after an error get no count: the kernel is done with them once it
        # answers this
        self.run("pass", timeout=timeout)
        tracebacks = self.page.locator(
            ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
        )
        if tracebacks.count():
            raise AssertionError(f"a cell raised: {tracebacks.first.inner_text()[:2000]}")

    def reset(
        self, ready: str | None = None, *, tag: str = "view", timeout: float = 300_000
    ) -> None:
        """Put a notebook kept open for a test module back as a fresh run left it.

        The first call after :meth:`open` and :meth:`run_all` only marks the page used;
        later calls re-run the cells tagged ``tag`` (the ones that build and show the
        views, so every view and its traits start anew) and wait for ``ready`` (a CSS
        selector, if given) to be attached. Every call also restores the light theme
        and the viewport the notebook was opened with, and forgets console errors.
        """
        if self._used:
            self.run_cells(tag, timeout=timeout)
        self._used = True
        if self.page.evaluate("() => document.body.dataset.jpThemeName") != "JupyterLab Light":
            self.set_theme("JupyterLab Light")
        if self.page.viewport_size != self._viewport:
            self.page.set_viewport_size(self._viewport)
        if ready is not None:
            self.page.locator(ready).first.wait_for(state="attached", timeout=timeout)
        self.console_errors.clear()

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

    def wait_kernel(
        self,
        condition: str,
        what: Any,
        timeout_s: float = 30,
        *,
        element: Any = None,
        attribute: str = "",
    ) -> None:
        """Wait until the Python expression ``condition`` is true in the kernel (Playwright
        re-evaluates it: the kernel handles a view's messages in order, but the browser
        sends them when it is ready); fail after ``timeout_s`` with ``what`` (a callable
        gives the message then). With ``element``, ``__ATTR__`` in ``condition`` is its
        ``attribute`` at each evaluation (a Python string; "" when absent)."""
        code = f"import json as _j\nprint(_j.dumps(bool({condition})))"
        handle = None if element is None else element.element_handle()
        try:
            self.page.wait_for_function(
                _KERNEL_TRUE_JS,
                arg=[code, handle, attribute],
                polling=POLL_MS,
                timeout=timeout_s * 1000,
            )
        except PlaywrightTimeoutError:
            raise AssertionError(what() if callable(what) else what) from None

    def eventually(self, expr: str, expected: Any, timeout_s: float = 30) -> Any:
        """Wait until the JSON value of ``expr`` in the kernel equals ``expected``; return
        it (fail naming the last value)."""
        want = json.loads(json.dumps(expected))
        self.wait_kernel(
            f"_j.loads(_j.dumps({expr})) == _j.loads({json.dumps(json.dumps(want))})",
            lambda: f"{expr} = {self.value(expr)!r}, expected {expected!r}",
            timeout_s,
        )
        return want

    def settled(self, locator: Any, timeout: float = 30_000) -> Any:
        """Scroll ``locator`` into view and wait until its box is on screen and the same
        in two animation frames running (JupyterLab's notebook lays cells out as they
        scroll in); return the locator."""
        locator.scroll_into_view_if_needed(timeout=timeout)
        self.page.wait_for_function(
            _SETTLED_JS, arg=locator.element_handle(), polling="raf", timeout=timeout
        )
        return locator

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
        # and the theme's stylesheet applies: its background colour reaches the body
        self.page.wait_for_function(
            "(bg) => getComputedStyle(document.body).getPropertyValue('--jp-layout-color0')"
            ".trim().toLowerCase() === bg",
            arg=_THEME_BACKGROUND[theme],
            timeout=30_000,
        )

    def wait_background(self, locator: Any, theme: str) -> None:
        """Wait until ``locator``'s element has ``theme``'s background colour (the views
        read the theme's colours when they redraw on a theme switch)."""
        self.page.wait_for_function(
            "([e, bg]) => getComputedStyle(e).backgroundColor === bg",
            arg=[locator.element_handle(), _THEME_RGB[theme]],
            timeout=30_000,
        )


@contextlib.contextmanager
def _new_lab(browser: Any, server: JupyterLabServer) -> Iterator[Lab]:
    """A :class:`Lab` on a fresh browser context (its own storage), closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
    one = None
    try:
        one = Lab(context.new_page(), server)
        yield one
    finally:
        context.close()
        if one is not None and one.opened:
            # its kernels, with their models and widgets, are not needed by later modules
            server.shut_down_sessions(one.opened)


@pytest.fixture
def lab(browser: Any, jupyter_lab: JupyterLabServer) -> Iterator[Lab]:
    with _new_lab(browser, jupyter_lab) as one:
        yield one


@pytest.fixture(scope="module")
def module_lab(browser: Any, jupyter_lab: JupyterLabServer) -> Iterator[Lab]:
    """A :class:`Lab` whose page stays open for the whole module (see :meth:`Lab.reset`)."""
    with _new_lab(browser, jupyter_lab) as one:
        yield one


# a loaded CI machine may take a while to draw: page assertions wait up to 30 s
expect.set_options(timeout=30_000)
