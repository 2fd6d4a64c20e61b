// anywidget glue for PersistenceDiagramWidget: DOM, events, model sync. Geometry and drawing
// live in layout.ts / interact.ts / draw.ts.
import type { RenderProps } from "@anywidget/types";
import { at, decode } from "../shared/codec";
import { el, localPoint } from "../shared/dom";
import { fittedWidth, horizontalChrome, watchWidth } from "../shared/fit";
import { onThemeChange, readTheme } from "../shared/theme";
import {
  bandText,
  brushSelection,
  colorOf,
  computeLayout,
  countPoints,
  describePoint,
  drawScene,
  headerText,
  hitTest,
  inBand,
  MATCH_TOP,
  nextSelection,
  panBy,
  POINT_RADIUS,
  pointsInBox,
  significantIndices,
  toConfidence,
  toDiagrams,
  zoomAt,
  type Confidence,
  type Diagram,
  type Layout,
  type Mode,
  type Window,
} from "./draw";
import type { PersistenceDiagramModel } from "./model";
import { rasterize, type RasterLayer } from "./raster";
import "../shared/base.css";
import "./styles.css";

function button(label: string, testid: string, title: string): HTMLButtonElement {
  const b = el("button", "tdaw-pd-button", testid);
  b.type = "button";
  b.textContent = label;
  b.title = title;
  return b;
}

const MODES: [Mode, string][] = [
  ["diagram", "Diagram"],
  ["lifetime", "Lifetime"],
  ["barcode", "Barcode"],
];

function render({ model, el: host }: RenderProps<PersistenceDiagramModel>): () => void {
  const root = el("div", "tdaw-persistence-diagram tdaw-view", "persistence-diagram");
  root.tabIndex = 0;
  root.setAttribute("role", "group");
  const title = el("div", "tdaw-pd-title", "pd-title");
  // persistence on a subsample of the cloud: how much of it, and its covering radius
  const subsample = el("div", "tdaw-pd-subsample", "pd-subsample");
  subsample.title =
    "Persistence was computed on a subsample of the cloud; r is its covering radius " +
    "(every point of the cloud lies within r of a subsample point).";
  // the confidence sets: one line per diagram, "k of n H1 features significant ...", and
  // what the shading means
  const evidence = el("div", "tdaw-pd-confidence", "pd-confidence");
  evidence.setAttribute("aria-live", "polite");
  const toolbar = el("div", "tdaw-pd-toolbar");
  const modes = el("div", "tdaw-pd-modes");
  modes.setAttribute("role", "radiogroup");
  const modeButtons = MODES.map(([mode, label]) => {
    const b = button(label, `pd-mode-${mode}`, `Show as ${label.toLowerCase()}`);
    b.setAttribute("role", "radio");
    b.addEventListener("click", () => {
      model.set("mode", mode);
      model.save_changes();
    });
    modes.appendChild(b);
    return [mode, b] as const;
  });
  const reset = button("Reset zoom", "pd-reset", "Reset zoom (double-click the plot, or press R)");
  const legend = el("div", "tdaw-pd-legend", "pd-legend");
  toolbar.append(modes, reset);
  const stage = el("div", "tdaw-pd-stage");
  const canvas = el("canvas", "tdaw-pd-canvas", "pd-canvas");
  canvas.setAttribute("role", "img");
  const tooltip = el("div", "tdaw-pd-tooltip tdaw-tooltip", "pd-tooltip");
  const empty = el("div", "tdaw-pd-empty tdaw-overlay-message", "pd-empty");
  empty.textContent = "No persistence pairs to show.";
  const hint = el("div", "tdaw-pd-hint");
  hint.textContent = "Click or drag to select · shift adds · ctrl+wheel zooms · alt+drag pans";
  stage.append(canvas, tooltip, empty);
  root.append(title, subsample, evidence, toolbar, legend, stage, hint);
  host.appendChild(root);

  let diagrams: Diagram[] = [];
  let overlay: Diagram[] | undefined;
  let matching: Int32Array[] | undefined;
  let confidence: (Confidence | null)[] = [];
  let layout: Layout | null = null;
  let zoom: Window | null = null;
  let brush: [number, number, number, number] | null = null;

  const visible = (): Set<number> => new Set(model.get("visible_dims") ?? []);
  // large diagrams: discs rasterised in JS into one bitmap (see raster.ts)
  const bitmap = document.createElement("canvas");
  const rasterizeLayers = (layers: RasterLayer[]): HTMLCanvasElement | null => {
    bitmap.width = canvas.width;
    bitmap.height = canvas.height;
    const c = bitmap.getContext("2d");
    if (!c) return null;
    mark("raster-start");
    const image = c.createImageData(bitmap.width, bitmap.height);
    rasterize(image.data, bitmap.width, bitmap.height, layers, POINT_RADIUS, window.devicePixelRatio || 1);
    c.putImageData(image, 0, 0);
    mark("raster-end");
    return bitmap;
  };

  let room = 0; // the host's width (fit_width)
  const mode = (): Mode => (model.get("mode") as Mode) ?? "diagram";
  const diagramNames = (): string[] => model.get("names") ?? [];

  function redraw(): void {
    // fit_width: at most `width`, narrower in a narrower box, the height in proportion
    const width = fittedWidth(model.get("width"), room, !!model.get("fit_width"));
    const height = Math.round((model.get("height") * width) / model.get("width"));
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    mark("draw-start");
    const vis = visible();
    const groups = overlay ? [diagrams, overlay] : [diagrams];
    layout = computeLayout(mode(), groups, width, height, vis, zoom);
    const { rows: _rows, overlayRows: _overlayRows, ...mapping } = layout;
    // the value->pixel mapping, for tests and assistive tooling
    canvas.dataset.plot = JSON.stringify(mapping);
    canvas.setAttribute("aria-label", `Persistence ${mode()} with ${countPoints(diagrams, vis)} points shown`);
    root.dataset.selected = JSON.stringify(model.get("selected_points") ?? []);
    empty.hidden = countPoints(diagrams) + (overlay ? countPoints(overlay) : 0) > 0;
    for (const [m, b] of modeButtons) b.setAttribute("aria-checked", String(m === mode()));
    reset.disabled = zoom === null;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawScene(ctx, layout, readTheme(root), {
      diagrams,
      overlay,
      matching,
      selected: model.get("selected_points") ?? [],
      visible: vis,
      brush,
      confidence,
      rasterize: rasterizeLayers,
    });
    mark("draw-end");
  }

  function buildLegend(): void {
    const theme = readTheme(root);
    const vis = visible();
    const names = diagramNames();
    // each layer's marker: discs and diamonds, or solid and dashed bars in barcode mode
    const barcode = model.get("mode") === "barcode";
    const [m1, m2] = barcode ? ["━", "╍"] : ["●", "◇"];
    legend.replaceChildren();
    for (const d of diagrams) {
      const item = el("button", "tdaw-pd-legend-item", `pd-legend-h${d.dim}`);
      item.type = "button";
      item.setAttribute("aria-pressed", String(vis.has(d.dim)));
      item.title = `Show or hide H${d.dim}`;
      const swatch = el("span", "tdaw-pd-swatch");
      swatch.style.background = colorOf(theme, d.dim);
      const label = el("span", "tdaw-pd-legend-label");
      // with two layers, each count carries its layer's marker (the key below names them)
      const second = overlay?.[d.dim];
      label.textContent = second
        ? `H${d.dim} (${m1} ${d.births.length} · ${m2} ${second.births.length})`
        : `H${d.dim} (${d.births.length})`;
      item.append(swatch, label);
      item.addEventListener("click", () => {
        const next = visible();
        if (next.has(d.dim)) next.delete(d.dim);
        else next.add(d.dim);
        model.set("visible_dims", [...next].sort((a, b) => a - b));
        model.save_changes();
      });
      legend.appendChild(item);
    }
    if (overlay) {
      const key = el("span", "tdaw-pd-overlay-key", "pd-overlay-key");
      const lines = matching && !barcode ? `\nlines: the ${MATCH_TOP} longest matching moves` : "";
      key.textContent = `${m1} ${names[0] ?? "first"}   ${m2} ${names[1] ?? "second"}${lines}`;
      legend.appendChild(key);
    }
  }

  function buildEvidence(): void {
    confidence = toConfidence(model.get("confidence"));
    const groups = [diagrams, overlay];
    const names = diagramNames();
    const barcode = mode() === "barcode";
    const [m1, m2] = barcode ? ["━", "╍"] : ["●", "◇"];
    const sig: (number[] | null)[] = [];
    evidence.replaceChildren();
    confidence.forEach((conf, k) => {
      const d = conf ? groups[k]?.[conf.dim] : undefined;
      sig.push(conf && d ? significantIndices(d, conf.c_alpha) : null);
      if (!conf) return;
      const line = el("div", "tdaw-pd-confidence-line", `pd-confidence-${k}`);
      const head = el("div", "tdaw-pd-confidence-head", `pd-confidence-head-${k}`);
      // two layers: each line carries its layer's marker and name
      const who = overlay ? `${k ? m2 : m1} ${names[k] ?? (k ? "second" : "first")}: ` : "";
      head.textContent = who + headerText(conf, d);
      const key = el("div", "tdaw-pd-confidence-key", `pd-confidence-key-${k}`);
      const swatch = el("span", `tdaw-pd-band-swatch${k ? " tdaw-pd-band-second" : ""}`);
      swatch.style.setProperty("--tdaw-band", colorOf(readTheme(root), conf.dim));
      key.append(swatch, bandText(conf, barcode));
      line.append(head, key);
      evidence.appendChild(line);
    });
    evidence.hidden = !confidence.some((c) => c);
    // what is significant, for tests and assistive tooling (Python's `significant` agrees)
    root.dataset.significant = JSON.stringify(sig);
  }

  const mark = (name: string): void => {
    performance.mark(`tdaw:persistence_diagram:${name}`);
  };

  function onData(): void {
    mark("decode-start");
    diagrams = toDiagrams((model.get("diagrams") ?? []).map(decode));
    const other = model.get("compare_diagrams") ?? [];
    overlay = other.length ? toDiagrams(other.map(decode)) : undefined;
    const pairs = model.get("matching") ?? [];
    matching = pairs.length
      ? pairs.map((p) => {
          const arr = decode(p);
          return Int32Array.from({ length: arr.data.length }, (_, k) => at(arr, k));
        })
      : undefined;
    zoom = null;
    mark("decode-end");
    mark("legend-start");
    buildLegend();
    buildEvidence();
    mark("legend-end");
    redraw();
  }

  function onTitle(): void {
    title.textContent = model.get("title") ?? "";
    title.hidden = !title.textContent;
  }

  function onSubsample(): void {
    // one box per layer's note ("a: ... · b: ..."), so a line breaks between them first
    const parts = (model.get("subsample_note") ?? "").split(" · ").filter((p) => p);
    subsample.replaceChildren();
    parts.forEach((part, k) => {
      if (k) subsample.append(" · ");
      subsample.appendChild(el("span", "tdaw-pd-subsample-part")).textContent = part;
    });
    subsample.hidden = !parts.length;
  }

  const pointer = (event: MouseEvent): [number, number] => localPoint(event, canvas);

  function select(points: [number, number][]): void {
    model.set("selected_points", points);
    model.save_changes();
  }

  // drag: brush (or pan with alt); a press without movement is a click
  let press: { x: number; y: number; shift: boolean; pan: boolean; moved: boolean } | null = null;
  canvas.addEventListener("mousedown", (event) => {
    const [x, y] = pointer(event);
    press = { x, y, shift: event.shiftKey, pan: event.altKey, moved: false };
    event.preventDefault();
    root.focus({ preventScroll: true });
  });
  window.addEventListener("mousemove", onDrag);
  window.addEventListener("mouseup", onRelease);

  function onDrag(event: MouseEvent): void {
    if (!press || !layout) return;
    const [x, y] = pointer(event);
    if (!press.moved && Math.hypot(x - press.x, y - press.y) < 4) return;
    press.moved = true;
    if (press.pan) {
      zoom = panBy(layout, x - press.x, y - press.y);
      press.x = x;
      press.y = y;
    } else {
      brush = [press.x, press.y, x, y];
    }
    redraw();
  }

  function onRelease(event: MouseEvent): void {
    if (!press || !layout) return;
    const p = press;
    press = null;
    const [x, y] = pointer(event);
    if (!p.moved) {
      select(nextSelection(model.get("selected_points") ?? [], hitTest(diagrams, layout, x, y, visible()), p.shift));
    } else if (!p.pan) {
      brush = null;
      const caught = pointsInBox(diagrams, layout, p.x, p.y, x, y, visible());
      select(brushSelection(model.get("selected_points") ?? [], caught, p.shift));
    }
    redraw();
  }

  function onMove(event: MouseEvent): void {
    if (!layout || press) return;
    const [x, y] = pointer(event);
    const hit = hitTest(diagrams, layout, x, y, visible());
    if (!hit) {
      tooltip.hidden = true;
      canvas.style.cursor = "crosshair";
      return;
    }
    const conf = confidence[0];
    const d = diagrams[hit[0]];
    const band =
      conf && d && conf.dim === hit[0]
        ? inBand(d.births[hit[1]] as number, d.deaths[hit[1]] as number, conf.c_alpha)
          ? " · within the confidence band: not significant"
          : " · significant"
        : "";
    tooltip.textContent = describePoint(diagrams, hit[0], hit[1], diagramNames()[0]) + band;
    tooltip.hidden = false;
    // keep the tooltip inside the plot: flip to the left / above near the edges
    const w = tooltip.offsetWidth;
    const h = tooltip.offsetHeight;
    tooltip.style.left = `${x + 12 + w > layout.width ? Math.max(0, x - 12 - w) : x + 12}px`;
    tooltip.style.top = `${y + 12 + h > layout.height ? Math.max(0, y - 12 - h) : y + 12}px`;
    canvas.style.cursor = "pointer";
  }

  function onWheel(event: WheelEvent): void {
    if (!layout || !(event.ctrlKey || event.metaKey)) return; // plain wheel scrolls the notebook
    event.preventDefault();
    const [x, y] = pointer(event);
    zoom = zoomAt(layout, x, y, event.deltaY > 0 ? 1.15 : 1 / 1.15);
    redraw();
  }

  function resetZoom(): void {
    zoom = null;
    redraw();
  }

  function onKey(event: KeyboardEvent): void {
    const sel = model.get("selected_points") ?? [];
    if (event.key === "Escape") {
      select([]);
    } else if (event.key === "r" || event.key === "R") {
      resetZoom();
    } else if ((event.key === "ArrowRight" || event.key === "ArrowLeft") && diagrams.length) {
      // step through the points of the last selected dimension
      const last = sel[sel.length - 1];
      const dim = last ? (last[0] as number) : (diagrams.find((d) => d.births.length)?.dim ?? 0);
      const n = diagrams[dim]?.births.length ?? 0;
      if (!n) return;
      const step = event.key === "ArrowRight" ? 1 : -1;
      const i = last ? ((last[1] as number) + step + n) % n : 0;
      select([[dim, i]]);
      event.preventDefault();
    }
  }

  tooltip.hidden = true;
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", () => (tooltip.hidden = true));
  canvas.addEventListener("wheel", onWheel, { passive: false });
  canvas.addEventListener("dblclick", resetZoom);
  reset.addEventListener("click", resetZoom);
  root.addEventListener("keydown", onKey);

  const onVisible = (): void => {
    buildLegend();
    buildEvidence();
    redraw();
  };
  const onMode = (): void => {
    zoom = null;
    buildLegend(); // the overlay key's markers depend on the mode
    buildEvidence(); // and so does the band's legend
    redraw();
  };
  const onConfidence = (): void => {
    buildEvidence();
    redraw();
  };
  const handlers: [string, () => void][] = [
    ["change:diagrams", onData],
    ["change:compare_diagrams", onData],
    ["change:matching", onData],
    ["change:names", onData],
    ["change:confidence", onConfidence],
    ["change:selected_points", redraw],
    ["change:visible_dims", onVisible],
    ["change:mode", onMode],
    ["change:width", redraw],
    ["change:height", redraw],
    ["change:fit_width", redraw],
    ["change:title", onTitle],
    ["change:subsample_note", onSubsample],
  ];
  for (const [name, cb] of handlers) model.on(name, cb);
  const stopTheme = onThemeChange(onVisible);
  const stopFit = watchWidth(host, (w) => {
    room = w - horizontalChrome(root);
    if (model.get("fit_width")) redraw();
  });
  onTitle();
  onSubsample();
  onData();

  return () => {
    stopTheme();
    stopFit();
    for (const [name, cb] of handlers) model.off(name, cb);
    window.removeEventListener("mousemove", onDrag);
    window.removeEventListener("mouseup", onRelease);
    root.remove();
  };
}

export default { render };
