"""Self-contained HTML and PNG export of the views.

``to_html`` writes one file that holds everything: each view's JS bundle and CSS, its
state with binary buffers (base64), and the small runtime of ``js/standalone/`` that
stands in for the Jupyter widget manager. It opens from ``file://`` with no network.

``save_png`` renders that page in headless Chromium (through Playwright) and takes a
screenshot of the view, so it needs Chromium installed; the path can be set with the
``CHROMIUM`` (or ``TDAW_CHROMIUM``) environment variable.
"""

from __future__ import annotations

import base64
import html
import json
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ipywidgets.widgets.widget import _remove_buffers

from tda_widgets._io import atomic_write
from tda_widgets.widgets._bundles import STATIC, bundle

__all__ = ["CHROMIUM_ARGS", "chromium_path", "page_html", "save_png", "view_spec", "write_html"]

#: traits that exist for Jupyter's widget manager, not for the view
NOT_EXPORTED = {"_esm", "_css", "_anywidget_id", "layout", "tabbable", "tooltip", "_dom_classes"}

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, sans-serif; margin: 16px; color: #1f1f1f; background: #fff; }}
  .tdaw-page-grid {{ display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }}
  .tdaw-gallery {{ display: flex; flex-wrap: wrap; align-content: flex-start; gap: 6px; flex: 1 1 320px;
    min-width: 260px; max-width: 980px; max-height: 480px; overflow-y: auto; margin-top: 12px; }}
  .tdaw-gallery-title {{ width: 100%; font-size: 13px; color: #555; }}
  .tdaw-gallery figure {{ margin: 0; text-align: center; font-size: 10px; color: #555; }}
  .tdaw-gallery img {{ width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid #ddd; }}
  .tdaw-page-note {{ margin: 0 0 12px; color: #555; font-size: 13px; }}
  /* the reader's colour scheme; the views follow it too (js/shared/base.css) */
  @media (prefers-color-scheme: dark) {{
    body {{ color: #e6e6e6; background: #1a1a1a; }}
    .tdaw-gallery-title, .tdaw-gallery figure, .tdaw-page-note {{ color: #b3b3b3; }}
    .tdaw-gallery img {{ border-color: #3d3d3d; }}
  }}
</style>
</head>
<body>
{body}
<script type="application/json" id="tdaw-data">{data}</script>
<script type="module">
const spec = JSON.parse(document.getElementById("tdaw-data").textContent);
const url = URL.createObjectURL(new Blob([spec.runtime], {{ type: "text/javascript" }}));
const runtime = await import(url);
await runtime.mount(spec, document.getElementById("tdaw-root"));
</script>
</body>
</html>
"""


def _b64(buffer: Any) -> str:
    return base64.b64encode(bytes(buffer)).decode("ascii")


def view_spec(widget: Any, view_id: str) -> dict[str, Any]:
    """The state of ``widget`` as the standalone runtime takes it."""
    js, css = bundle(widget._bundle)
    state = {k: v for k, v in widget.get_state().items() if k not in NOT_EXPORTED}
    state, paths, buffers = _remove_buffers(state)
    return {
        "id": view_id,
        "esm": js.read_text(encoding="utf-8"),
        "css": css.read_text(encoding="utf-8") if css.is_file() else "",
        "state": state,
        "buffers": [
            {"path": list(p), "data": _b64(b)} for p, b in zip(paths, buffers, strict=True)
        ],
    }


def encode_nested(value: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Split binary buffers out of a nested structure (as ipywidgets does on the wire)."""
    state, paths, buffers = _remove_buffers({"value": value})
    return state["value"], [
        {"path": list(p)[1:], "data": _b64(b)} for p, b in zip(paths, buffers, strict=True)
    ]


def page_html(
    views: Sequence[dict[str, Any]],
    *,
    title: str = "tda_widgets",
    body: str = '<div id="tdaw-root"></div>',
    extra: dict[str, Any] | None = None,
) -> str:
    """A complete HTML page that renders ``views`` (from :func:`view_spec`)."""
    _check_text(title, "title")
    _check_text(body, "body")
    runtime = STATIC / "standalone.js"
    if not runtime.is_file():
        raise RuntimeError(f"{runtime} is missing: run `make build` (or `npm run build`)")
    spec = {"runtime": runtime.read_text(encoding="utf-8"), "views": list(views), **(extra or {})}
    # "<" escaped: nothing in the data can close the script element or open a tag
    data = json.dumps(spec, separators=(",", ":")).replace("<", "\\u003c")
    return _PAGE.format(title=html.escape(title), body=body, data=data)


def _check_text(text: str, name: str) -> bytes:
    """``text`` as UTF-8, or a ValueError naming the argument and the bad character."""
    if not isinstance(text, str):
        raise TypeError(f"{name}: expected a str, got {type(text).__name__}")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise ValueError(
            f"{name}: expected text that can be written as UTF-8, got a lone surrogate "
            f"{bad!r} at position {exc.start} (e.g. from a file name decoded with "
            "surrogateescape); remove or replace it"
        ) from None


def write_html(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8, atomically; return the path.

    The page goes to a temporary file of its own in the same directory (two exports
    to one path never share one) and is renamed onto ``path``; if anything fails, no
    temporary file is left and an existing ``path`` is untouched. The file gets the
    permissions a plain ``open()`` would give it.

    Raises
    ------
    ValueError
        When ``text`` holds a lone surrogate, which UTF-8 cannot encode (checked before
        anything is written).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_html(pathlib.Path(tempfile.mkdtemp()) / "a.html", "<p>é</p>")
    >>> out.read_bytes()
    b'<p>\\xc3\\xa9</p>'
    """
    data = _check_text(text, "text")
    return atomic_write(path, lambda fh: fh.write(data), shared=True)


#: flags for headless Chromium on a machine with no network (also used by the tests
#: and benchmarks): without the background-networking ones it keeps trying to connect
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def chromium_path() -> str:
    """Where Chromium is, the first of these that is set or exists.

    ``$CHROMIUM``, ``$TDAW_CHROMIUM``, Debian's ``/usr/bin/chromium``, then a browser
    that ``playwright install chromium`` put in its cache; otherwise Debian's path (the
    error that follows names it).

    Examples
    --------
    >>> import os
    >>> os.environ["CHROMIUM"] = "/opt/chromium/chrome"
    >>> chromium_path()
    '/opt/chromium/chrome'
    >>> del os.environ["CHROMIUM"]
    """
    for var in ("CHROMIUM", "TDAW_CHROMIUM"):
        if os.environ.get(var):
            return os.environ[var]
    debian = "/usr/bin/chromium"
    if Path(debian).exists():
        return debian
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache/ms-playwright")
    found = sorted(cache.glob("chromium-*/chrome-*/chrome"))
    return str(found[-1]) if found else debian


def _chromium() -> str:
    path = chromium_path()
    if not Path(path).exists():
        raise RuntimeError(
            f"save_png needs Chromium: none at {path}. Install it (Debian: apt-get install "
            "chromium) or set CHROMIUM to its path."
        )
    return path


def save_png(
    page: str,
    path: str | os.PathLike[str],
    *,
    selector: str = "#tdaw-root",
    width: int = 1200,
    height: int = 900,
    scale: float = 2.0,
) -> Path:
    """Render the HTML ``page`` in headless Chromium and save a PNG of ``selector``."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra has it
        raise RuntimeError(
            "save_png needs playwright: pip install 'tda-widgets[png]' (or playwright), "
            "and a Chromium (e.g. apt-get install chromium)"
        ) from exc
    chromium = _chromium()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                html_path = Path(tmp) / "page.html"
                html_path.write_text(page, encoding="utf-8")
                with sync_playwright() as p:
                    browser = p.chromium.launch(
                        executable_path=chromium,
                        args=list(CHROMIUM_ARGS),
                    )
                    try:
                        tab = browser.new_page(
                            viewport={"width": width, "height": height},
                            device_scale_factor=scale,
                        )
                        tab.goto(html_path.as_uri())
                        tab.wait_for_function("() => window.tdaw && window.tdaw.ready")
                        tab.wait_for_timeout(300)
                        tab.locator(selector).first.screenshot(path=str(out))
                    finally:
                        browser.close()
        except BaseException as exc:
            errors.append(exc)

    # Playwright's sync API refuses to run inside an asyncio loop (a Jupyter kernel
    # has one), so it runs in its own thread.
    thread = threading.Thread(target=run, name="tdaw-save-png")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return out
