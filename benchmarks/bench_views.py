"""V1: how fast the views draw, measured inside headless Chromium with performance marks.

Each case builds a widget in Python, takes its state exactly as the kernel would send it
(binary buffers included), and renders the built ESM bundle (``tda_widgets/static``)
into a bare page with the in-page anywidget model of ``js/shared/page_model.ts``. The page
marks the start of ``render``, its end, and the first frame after it (first paint);
every repetition is a fresh page load.

To add a case, append a :class:`Case` to :data:`CASES`: a name, the bundle, a function
returning the widget, and the target in milliseconds.

Run: ``.venv/bin/python benchmarks/bench_views.py [--repeat 5] [--case NAME]``
(needs ``npm run build``; Chromium at /usr/bin/chromium or $TDAW_CHROMIUM).
"""

from __future__ import annotations

import argparse
import base64
import functools
import http.server
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tda_widgets.widgets._export import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "tda_widgets" / "static"
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = chromium_path()


@dataclass(frozen=True)
class Case:
    name: str
    bundle: str
    make_widget: Callable[[], Any]
    target_ms: float
    what: str


def mapper_1000() -> Any:
    """A 1,000-node, 3,000-edge Mapper graph with 10 classes (shaped like a real one)."""
    from tda_widgets import MapperGraph, MapperGraphWidget

    rng = np.random.default_rng(0)
    n, m, n_points = 1000, 3000, 20_000
    sizes = rng.integers(5, 60, n)
    offsets = np.r_[0, np.cumsum(sizes)]
    members = rng.integers(0, n_points, offsets[-1])
    # mostly local links along a long, branching strand, plus some longer ones
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < m:
        a = int(rng.integers(0, n))
        b = int((a + rng.integers(1, 12)) % n) if rng.random() < 0.9 else int(rng.integers(0, n))
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    edges = np.array(sorted(pairs), dtype=np.int64)
    counts = rng.multinomial(1, np.full(10, 0.1), size=offsets[-1])
    node = np.repeat(np.arange(n), sizes)
    class_counts = np.zeros((n, 10), dtype=np.int64)
    np.add.at(class_counts, node, counts)
    graph = MapperGraph(
        member_offsets=offsets,
        members=members,
        edges=edges,
        edge_weights=rng.uniform(0.02, 0.6, m),
        lens_mean=rng.random(n),
        class_counts=class_counts,
    )
    return MapperGraphWidget(
        graph, class_names=[f"class {c}" for c in range(10)], width=800, height=600
    )


def diagram_20000() -> Any:
    """A 20,000-point persistence diagram: 15,000 H0 points (one infinite) and 5,000 H1."""
    from tda_widgets import PersistenceDiagramWidget

    rng = np.random.default_rng(0)
    h0 = np.c_[np.zeros(15_000), rng.gamma(2.0, 0.3, 15_000)]
    h0[0, 1] = np.inf
    births = rng.uniform(0.2, 2.0, 5_000)
    h1 = np.c_[births, births + rng.gamma(1.0, 0.15, 5_000)]
    return PersistenceDiagramWidget([h0, h1], title="20,000 points", width=600, height=600)


CASES: list[Case] = [
    Case("diagram_20000_points", "persistence_diagram", diagram_20000, 100, "first paint"),
    Case("mapper_1000_nodes", "mapper_graph", mapper_1000, 500, "layout + first paint"),
]


def _jsonable(value: Any) -> Any:
    """Widget state -> JSON, binary buffers as base64 (decoded back to DataViews in the page)."""
    if isinstance(value, dict):
        if "buffer" in value and isinstance(value["buffer"], memoryview | bytes):
            return {**value, "buffer": {"b64": base64.b64encode(bytes(value["buffer"])).decode()}}
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, memoryview | bytes):
        return {"b64": base64.b64encode(bytes(value)).decode()}
    return value


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>tda_widgets view benchmark</title></head>
<body><script type="module">
import { PageModel } from "./page_model.js";
function revive(v) {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === "object") {
    if (typeof v.b64 === "string" && Object.keys(v).length === 1) {
      const bin = atob(v.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return new DataView(bytes.buffer);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  }
  return v;
}
window.runCase = async (name, bundle) => {
  const state = revive(await (await fetch(`./${name}.json`)).json());
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = `./${bundle}.css`;
  document.head.appendChild(link);
  await new Promise((r) => (link.onload = r));
  const widget = (await import(`./${bundle}.js`)).default;
  const model = new PageModel(state);
  const el = document.createElement("div");
  document.body.appendChild(el);
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  performance.mark("start");
  widget.render({ model: model.asModel(), el });
  performance.mark("rendered");
  // the first frame after render has been produced once a task after rAF runs
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  performance.mark("painted");
  const render = performance.measure("render", "start", "rendered").duration;
  const paint = performance.measure("first-paint", "start", "painted").duration;
  // phases the views mark themselves: tdaw:<bundle>:<phase>-start / -end (last pair)
  const phases = {};
  for (const end of performance.getEntriesByType("mark")) {
    const m = end.name.match(new RegExp(`^tdaw:${bundle}:(.+)-end$`));
    if (!m) continue;
    const start = performance.getEntriesByName(`tdaw:${bundle}:${m[1]}-start`).pop();
    if (start) phases[m[1]] = end.startTime - start.startTime;
  }
  return { render, paint, phases };
};
window.ready = true;
</script></body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _build_page(work: Path, cases: list[Case]) -> None:
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    subprocess.run(
        [str(esbuild), str(ROOT / "js" / "shared" / "page_model.ts"), "--format=esm",
         f"--outfile={work / 'page_model.js'}", "--log-level=warning"],
        check=True,
    )  # fmt: skip
    (work / "index.html").write_text(PAGE)
    for case in cases:
        for ext in ("js", "css"):
            src = STATIC / f"{case.bundle}.{ext}"
            if not src.exists():
                raise SystemExit(f"{src} is missing: run `npm run build` first")
            shutil.copy(src, work / src.name)
        state = case.make_widget().get_state()
        (work / f"{case.name}.json").write_text(json.dumps(_jsonable(state)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", action="append", help="run only these cases")
    parser.add_argument("--screenshots", type=Path, help="save a picture of each case here")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.case or c.name in args.case]

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _build_page(work, cases)
        handler = functools.partial(_QuietHandler, directory=str(work))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        rows = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
                )
                for case in cases:
                    paints, renders, phases = [], [], []
                    for _ in range(args.repeat):
                        page = browser.new_page(viewport={"width": 1200, "height": 900})
                        errors: list[str] = []
                        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                        page.goto(url)
                        page.wait_for_function("() => window.ready === true")
                        out = page.evaluate(
                            "([n, b]) => window.runCase(n, b)", [case.name, case.bundle]
                        )
                        if errors:
                            raise SystemExit(f"{case.name}: the page raised {errors[0]}")
                        if args.screenshots:
                            args.screenshots.mkdir(parents=True, exist_ok=True)
                            page.screenshot(path=str(args.screenshots / f"{case.name}.png"))
                        paints.append(out["paint"])
                        renders.append(out["render"])
                        phases.append(out["phases"])
                        page.close()
                    rows.append(
                        {
                            "case": case.name,
                            "what": case.what,
                            "median_ms": statistics.median(paints),
                            "min_ms": min(paints),
                            "render_median_ms": statistics.median(renders),
                            "phases_median_ms": {
                                k: statistics.median(ph[k] for ph in phases if k in ph)
                                for k in phases[0]
                            },
                            "target_ms": case.target_ms,
                        }
                    )
                browser.close()
        finally:
            server.shutdown()

    print(f"\nV1 views in headless Chromium ({args.repeat} fresh page loads each)")
    head = f"{'case':<20} {'what':<21} {'median [ms]':>11} {'min [ms]':>9}  {'target':<12} phases (median ms)"
    print(head)
    print("-" * len(head))
    for r in rows:
        ok = "ok" if r["median_ms"] < r["target_ms"] else "MISSED"
        phases_text = ", ".join(
            f"{k} {v:.0f}"
            for k, v in {"render": r["render_median_ms"], **r["phases_median_ms"]}.items()
        )
        print(
            f"{r['case']:<20} {r['what']:<21} {r['median_ms']:>11.1f} {r['min_ms']:>9.1f}  "
            f"{'< ' + format(r['target_ms'], '.0f') + ' ' + ok:<12} {phases_text}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench_views.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
