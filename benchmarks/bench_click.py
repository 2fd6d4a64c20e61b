"""Benchmark: how long a matrix click takes to reach Python and to be drawn (issue 27, 13).

For each ``N`` in ``--sizes``, the script starts JupyterLab (127.0.0.1, a token, its own
temporary config; stopped through its API, then by PID) and headless Chromium (Debian's
``/usr/bin/chromium`` through Playwright, the tests' flags), opens a notebook that builds
``tw.explore(model, (images, labels), layers, cache_dir=...)`` on ``N`` images (the data
of ``benchmarks/bench_scale.py``: the width-64 ``datasets.resnet18_cifar()`` at random init
with ``torch.manual_seed(0)``, all 17 convolutions, ``torch.randn`` 3x32x32 images and
random labels 0..9 from ``torch.Generator().manual_seed(0)``), then clicks ``--clicks``
matrix cells, each a new diagram layer and a new Mapper layer, waiting for each to be
drawn before the next. For each click it measures, on one machine and one clock:

* **click → kernel**: from the browser's ``Date.now()`` in a capturing ``click``
  listener on the window (it runs before the matrix's own handler) to ``time.time()`` in
  the first observer of ``ex.matrix.selected_pair`` in the kernel (added from the
  notebook and moved in front of the explorer's own);
* **in Python**: from that moment to the end of the last ``selected_pair`` observer (the
  explorer's ``_on_pair``: diagrams, confidence sets, the new layer's Mapper graph and its
  purity test, gallery, chart);
* **click → drawn**: from the click to the first page mutation after which the diagram's
  title reads ``"<a> (filled) vs <b> (hollow)"``, the visible Mapper title reads
  ``"Mapper of <b>"`` and no ``.tdaw-busy`` element is left in the explorer;
* **kernel → drawn**: from the end of the observers to the page drawn (negative when the
  page showed the pair before the last observer returned: the status line and the
  per-layer chart are set last);
* **busy shown**: from the click to the first ``.tdaw-busy`` element on the page, and the
  time the matrix's click handler itself ran (its redraw and ``save_changes``).

Nothing is asserted: the table is printed. ``--timeline`` also prints, per click, every
change of the page's busy views and titles with its time after the click.

Run ``.venv/bin/python benchmarks/bench_click.py`` (``--sizes 20000 50000``: the data's
cold ``explore()`` takes minutes at these sizes, so pass ``--cache-dir`` a directory to
keep and reuse its cache: ``--cache-dir /path/cache{n}`` puts each size in its own), or
``--sizes 2000 --cache-dir /tmp/click{n}`` for a quick look (about two minutes).
A cache dir is reused as it is: the Mapper graphs the clicks compute are stored in it,
so a second run on the same cache measures cached graphs (the last column says how many
files each click added to the cache: 0 means everything it showed was cached).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))
from conftest import CHROMIUM, Lab  # noqa: E402
from lab_server import JupyterLabServer  # noqa: E402
from ui_geometry import matrix_cell  # noqa: E402

from tda_widgets.widgets._export import CHROMIUM_ARGS  # noqa: E402

EX = ".tdaw-explorer"

# each click shows a new diagram layer and a new Mapper layer (the explorer opens on
# [0, 1]; 17 layers)
PAIRS = [(2, 5), (7, 3), (10, 12), (15, 8), (4, 16), (12, 6), (1, 10), (16, 14)]

SETUP = """\
import time
import torch
import tda_widgets as tw
from tda_widgets.datasets import resnet18_cifar

N, CACHE = {n}, {cache!r}
torch.manual_seed(0)
model = resnet18_cifar().eval()
layers = [m for m, mod in model.named_modules() if isinstance(mod, torch.nn.Conv2d)]
gen = torch.Generator().manual_seed(0)
images = torch.randn(N, 3, 32, 32, generator=gen)
labels = torch.randint(0, 10, (N,), generator=gen)
_t0 = time.perf_counter()
ex = tw.explore(model, (images, labels), layers, cache_dir=CACHE, progress=False)
explore_s = time.perf_counter() - _t0
ex
"""

# kernel side: the first selected_pair observer records when Python has the click, the
# last when every observer (the explorer's _on_pair) is done
HOOK = """\
import time as _time
_clicks = []

def _click_start(change):
    i, j = (int(v) for v in change["new"])
    _clicks.append({
        "pair": [i, j],
        "start": _time.time() * 1000,
    })

def _click_end(change):
    _clicks[-1]["end"] = _time.time() * 1000

ex.matrix.observe(_click_start, names="selected_pair")
ex.matrix.observe(_click_end, names="selected_pair")
_notifiers = ex.matrix._trait_notifiers["selected_pair"]["change"]
_notifiers.remove(_click_start)
_notifiers.insert(0, _click_start)
[getattr(f, "__name__", "?") for f in _notifiers]
"""

# page side: the click's time, the click handler's end, and every change of the busy
# views and titles (a MutationObserver on the explorer), with the first one that shows
# the wanted pair drawn
RECORDER = """
() => {
  const ex = document.querySelector('.tdaw-explorer');
  const rec = { click: 0, handled: 0, want: null, drawn: 0, busy: 0, log: [], last: '' };
  window.__tdawBench = rec;
  window.addEventListener('click', () => { rec.click = Date.now(); }, true);
  window.addEventListener('click', () => { rec.handled = Date.now(); }, false);
  const name = (e) => ['layer-distance-matrix', 'persistence-diagram', 'mapper-graph', 'gallery']
    .find((c) => e.classList.contains('tdaw-' + c) || e.querySelector('.tdaw-' + c))
    || 'a box whose view is not drawn yet';
  const visibleText = (id) => [...ex.querySelectorAll(`[data-testid='${id}']`)]
    .filter((e) => e.offsetParent !== null).map((e) => e.textContent.trim()).join(' | ');
  const snap = () => {
    const busy = [...ex.querySelectorAll('.tdaw-busy')].map(name);
    const pd = visibleText('pd-title'), mg = visibleText('mg-title');
    const now = Date.now();
    const key = `busy [${busy.join(', ')}] · pd "${pd}" · mg "${mg}"`;
    if (key !== rec.last && rec.click) {
      rec.log.push([now - rec.click, key]);
      rec.last = key;
    }
    if (busy.length && !rec.busy && rec.want) rec.busy = now;
    if (rec.want && !rec.drawn && !busy.length && pd === rec.want[0] && mg === rec.want[1])
      rec.drawn = now;
  };
  new MutationObserver(snap).observe(ex, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['class'],
    characterData: true,
  });
  return true;
}
"""

ARM = """
([pd, mg]) => {
  const rec = window.__tdawBench;
  Object.assign(rec, { click: 0, handled: 0, want: [pd, mg], drawn: 0, busy: 0, log: [] });
}
"""


def _files(directory: str) -> int:
    """How many files the cache holds (a click that computes something stores it)."""
    return sum(1 for f in Path(directory).rglob("*") if f.is_file())


def _notebook(path: Path, n: int, cache: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP.format(n=n, cache=cache))]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, path)


def run_size(browser: Any, n: int, cache: str, clicks: int, timeout_s: float) -> dict[str, Any]:
    """Open the explorer on ``n`` images in a fresh JupyterLab and click ``clicks`` cells."""
    with tempfile.TemporaryDirectory(prefix="bench_click-") as tmp:
        work = Path(tmp)
        root = work / "root"
        root.mkdir()
        _notebook(root / "click.ipynb", n, cache)
        server = JupyterLabServer(root, work / "lab")
        context = None
        try:
            context = browser.new_context(
                viewport={"width": 1400, "height": 2200}, device_scale_factor=1
            )
            lab = Lab(context.new_page(), server)
            lab.open("click.ipynb", timeout=300_000)
            t = time.perf_counter()
            lab.run_all(timeout=int(timeout_s * 1000))
            page = lab.page
            page.locator(f"{EX} .tdaw-layer-distance-matrix").wait_for(timeout=300_000)
            page.wait_for_function(
                f"() => !!document.querySelector(\"{EX} [data-testid='mg-title']\") && "
                f"!document.querySelector('{EX} .tdaw-busy')",
                timeout=int(timeout_s * 1000),
            )
            shown_s = time.perf_counter() - t
            explore_s = lab.value("explore_s")
            layers = lab.value("layers")
            lab.run(HOOK)
            page.evaluate(RECORDER)
            canvas = page.locator(f"{EX} [data-testid='ldm-canvas']")
            canvas.scroll_into_view_if_needed()
            rows = []
            for i, j in PAIRS[:clicks]:
                want = [f"{layers[i]} (filled) vs {layers[j]} (hollow)", f"Mapper of {layers[j]}"]
                page.evaluate(ARM, want)
                stored = _files(cache)
                page.mouse.click(*matrix_cell(canvas, i, j))
                page.wait_for_function(
                    "() => window.__tdawBench.drawn", timeout=int(timeout_s * 1000)
                )
                lab.wait_kernel(
                    f"len(_clicks) and _clicks[-1]['pair'] == [{i}, {j}] and 'end' in _clicks[-1]",
                    f"the kernel never finished the click on {(i, j)}",
                    timeout_s,
                )
                k = lab.value("_clicks[-1]")
                rec = page.evaluate("() => window.__tdawBench")
                rows.append(
                    {
                        "pair": [i, j],
                        "to_kernel": (k["start"] - rec["click"]) / 1000,
                        "python": (k["end"] - k["start"]) / 1000,
                        "to_drawn": (rec["drawn"] - rec["click"]) / 1000,
                        "kernel_end_to_drawn": (rec["drawn"] - k["end"]) / 1000,
                        "busy_shown": (rec["busy"] - rec["click"]) / 1000 if rec["busy"] else None,
                        "handler": (rec["handled"] - rec["click"]) / 1000,
                        "new_cache_files": _files(cache) - stored,
                        "timeline": rec["log"],
                    }
                )
            return {"n": n, "explore": explore_s, "shown": shown_s, "clicks": rows}
        finally:
            if context is not None:
                context.close()
            server.stop()


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x * 1000:,.0f}"


def report(result: dict[str, Any], timeline: bool) -> None:
    n, rows = result["n"], result["clicks"]
    print(
        f"\nbench_click: N = {n:,} images, 17 layers; explore() {result['explore']:.1f} s in the "
        f"kernel, explorer on the page {result['shown']:.1f} s after run-all"
    )
    head = (
        f"{'click (i, j)':<14}{'click→kernel':>14}{'in Python':>12}{'click→drawn':>13}"
        f"{'kernel→drawn':>14}{'busy shown':>12}{'JS handler':>12}  Mapper"
    )
    print(
        head + "\n" + f"{'':<14}" + f"{'ms':>14}{'ms':>12}{'ms':>13}{'ms':>14}{'ms':>12}{'ms':>12}"
    )
    print("-" * len(head))
    for r in rows:
        where = f"{r['new_cache_files']} new cache files" if r["new_cache_files"] else "all cached"
        print(
            f"{tuple(r['pair'])!s:<14}{_ms(r['to_kernel']):>14}{_ms(r['python']):>12}"
            f"{_ms(r['to_drawn']):>13}{_ms(r['kernel_end_to_drawn']):>14}"
            f"{_ms(r['busy_shown']):>12}{_ms(r['handler']):>12}  {where}"
        )
    print("-" * len(head))
    for label, f in (("median", statistics.median), ("max", max)):
        print(
            f"{label:<14}{_ms(f(r['to_kernel'] for r in rows)):>14}"
            f"{_ms(f(r['python'] for r in rows)):>12}{_ms(f(r['to_drawn'] for r in rows)):>13}"
            f"{_ms(f(r['kernel_end_to_drawn'] for r in rows)):>14}"
        )
    if timeline:
        for r in rows:
            print(f"\ntimeline of click {tuple(r['pair'])} (ms after the click):")
            for dt, what in r["timeline"]:
                print(f"  {dt:>8,} {what}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[20000, 50000])
    ap.add_argument(
        "--cache-dir",
        help="the analysis cache, reused if it is there; '{n}' is replaced by the size "
        "(default: a temporary directory per size, so every explore() is cold)",
    )
    ap.add_argument("--clicks", type=int, default=5, help=f"at most {len(PAIRS)}")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds for any one wait")
    ap.add_argument("--timeline", action="store_true", help="print each click's page changes")
    ap.add_argument("--json", help="also write the measurements to this file")
    args = ap.parse_args()
    if not 1 <= args.clicks <= len(PAIRS):
        ap.error(f"--clicks: expected 1 to {len(PAIRS)}, got {args.clicks}")

    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            for n in args.sizes:
                with tempfile.TemporaryDirectory(prefix=f"bench_click-cache{n}-") as tmp_cache:
                    cache = args.cache_dir.replace("{n}", str(n)) if args.cache_dir else tmp_cache
                    print(f"N = {n:,}: cache {cache} ...", file=sys.stderr, flush=True)
                    result = run_size(browser, n, cache, args.clicks, args.timeout)
                results.append(result)
                report(result, args.timeline)
        finally:
            browser.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
