// anywidget glue for FiltrationWidget: DOM, events, model sync, the play loop. The complex,
// the geometry and the drawing live in complex.ts / layout.ts / draw.ts.
import type { RenderProps } from "@anywidget/types";
import { at, decode } from "../shared/codec";
import { el, localPoint, sizeCanvas, text } from "../shared/dom";
import { formatNumber } from "../shared/scale";
import { onThemeChange, readTheme } from "../shared/theme";
import {
  aliveCounts,
  barcodeLayout,
  cloudLayout,
  describeBar,
  drawBarcode,
  drawCloud,
  edgeCount,
  emptyEdgeList,
  hitBar,
  toBars,
  toEdgeList,
  triangles,
  type BarcodeLayout,
  type Bars,
  type CloudLayout,
  type EdgeList,
} from "./draw";
import type { FiltrationModel } from "./model";
import "../shared/base.css";
import "./styles.css";

/** Seconds the play button takes to sweep the whole slider. */
const SWEEP_S = 8;
/** Least milliseconds between radius updates sent to Python while playing. */
const SEND_MS = 120;

function checkbox(label: string, testid: string): [HTMLLabelElement, HTMLInputElement] {
  const wrap = el("label", "tdaw-fl-check");
  const box = el("input", "", testid);
  box.type = "checkbox";
  wrap.append(box, text("span", "", label));
  return [wrap, box];
}

function render({ model, el: host }: RenderProps<FiltrationModel>): () => void {
  const root = el("div", "tdaw-filtration tdaw-view", "filtration");
  const title = el("div", "tdaw-fl-title", "filtration-title");
  const controls = el("div", "tdaw-fl-controls");
  const play = el("button", "tdaw-fl-button", "filtration-play");
  play.type = "button";
  const slider = el("input", "tdaw-fl-slider", "filtration-slider");
  slider.type = "range";
  slider.min = "0";
  slider.setAttribute("aria-label", "Rips radius r");
  // JupyterLab's command-mode shortcuts would swallow the arrow keys of a focused slider
  slider.dataset.lmSuppressShortcuts = "true";
  const readout = el("span", "tdaw-fl-readout", "filtration-radius");
  const [ballsLabel, balls] = checkbox("balls", "filtration-balls");
  const [trisLabel, tris] = checkbox("triangles", "filtration-triangles");
  controls.append(play, slider, readout, ballsLabel, trisLabel);
  const projection = el("div", "tdaw-fl-note", "filtration-projection");
  const panels = el("div", "tdaw-fl-panels");
  const cloudBox = el("div", "tdaw-fl-panel");
  const cloud = el("canvas", "tdaw-fl-canvas", "filtration-cloud");
  cloud.setAttribute("role", "img");
  const barBox = el("div", "tdaw-fl-panel");
  const barcode = el("canvas", "tdaw-fl-canvas", "filtration-bars");
  barcode.setAttribute("role", "img");
  const tooltip = el("div", "tdaw-fl-tooltip tdaw-tooltip", "filtration-tooltip");
  cloudBox.append(cloud);
  barBox.append(barcode, tooltip);
  panels.append(cloudBox, barBox);
  const status = el("div", "tdaw-fl-status", "filtration-status");
  const cap = el("div", "tdaw-fl-note tdaw-fl-cap", "filtration-cap");
  const convention = text(
    "div",
    "tdaw-fl-note",
    "Discs have radius r/2, so two discs touch exactly when the Rips edge between their centres " +
      "(length ≤ r) appears. Click a bar to jump to its birth and see its generator: the edge that " +
      "creates it (solid) and the edge that kills it (dashed).",
    "filtration-convention",
  );
  root.append(title, controls, projection, panels, status, cap, convention);
  host.appendChild(root);

  let xy = new Float64Array(0);
  let edges: EdgeList = emptyEdgeList();
  let bars: Bars[] = [];
  let gens: Int32Array[] = [];
  let cloudLay: CloudLayout | null = null;
  let barLay: BarcodeLayout | null = null;
  let hover: [number, number] | null = null;

  const radius = (): number => model.get("radius") ?? 0;

  function generator(): { dim: number; vertices: number[] } | null {
    const sel = model.get("selected_bar") ?? [];
    if (sel.length !== 2) return null;
    const [dim, i] = sel as [number, number];
    const g = gens[dim];
    if (!g || 4 * i + 3 >= g.length) return null;
    return { dim, vertices: Array.from(g.subarray(4 * i, 4 * i + 4)) };
  }

  function redraw(): void {
    const width = model.get("width");
    const height = model.get("height");
    const r = radius();
    const theme = readTheme(root);
    if (!cloudLay || cloudLay.width !== width || cloudLay.height !== height) cloudLay = cloudLayout(xy, width, height);
    if (!barLay || barLay.width !== width || barLay.height !== height) relayoutBars();
    const total = edgeCount(edges, r);
    const maxEdges = Math.max(1, model.get("max_edges") ?? 5000);
    const drawn = Math.min(total, maxEdges);
    const tri = model.get("show_triangles") ? triangles(edges, total, maxEdges) : null;
    slider.value = String(r);
    readout.textContent = `r = ${formatNumber(r)}`;
    cloud.dataset.edgesDrawn = String(drawn);
    cloud.dataset.edgesTotal = String(total);
    cloud.dataset.trianglesDrawn = String(tri ? tri.count : 0);
    root.dataset.radius = String(r);
    root.dataset.selected = JSON.stringify(model.get("selected_bar") ?? []);
    const alive = aliveCounts(bars, r)
      .map((c, dim) => `H${dim}: ${c}`)
      .join(" · ");
    const triText = tri ? ` · ${tri.count}${tri.capped ? "+" : ""} triangles` : "";
    status.textContent = `At r = ${formatNumber(r)}: ${total} edges${triText} · bars alive (Betti numbers) ${alive}`;
    const notes: string[] = [];
    if (drawn < total) notes.push(`Drawing the ${drawn} shortest of the ${total} edges (max_edges = ${maxEdges}).`);
    if (tri?.capped) notes.push(`Drawing the first ${tri.count} triangles; more exist at this radius.`);
    cap.textContent = notes.join(" ");
    cap.hidden = notes.length === 0;
    cloud.setAttribute("aria-label", `Rips complex at r = ${formatNumber(r)}: ${xy.length / 2} points, ${total} edges`);
    const c1 = sizeCanvas(cloud, width, height);
    if (c1) {
      drawCloud(c1, cloudLay, theme, {
        xy,
        radius: r,
        edges,
        edgesDrawn: drawn,
        triangles: tri,
        showBalls: !!model.get("show_balls"),
        generator: generator(),
      });
    }
    const c2 = sizeCanvas(barcode, width, height);
    if (c2 && barLay) {
      drawBarcode(c2, barLay, theme, { bars, radius: r, selected: model.get("selected_bar") ?? [], hover });
    }
  }

  function relayoutBars(): void {
    barLay = barcodeLayout(bars, model.get("max_radius") ?? 1, model.get("width"), model.get("height"));
    const { y, groups: _g, ...mapping } = barLay;
    // the value->pixel mapping and each bar's row, for tests and assistive tooling
    barcode.dataset.plot = JSON.stringify({ ...mapping, y: y.map((a) => Array.from(a)) });
  }

  function onData(): void {
    const pts = decode(model.get("xy"));
    xy = Float64Array.from({ length: pts.data.length }, (_, k) => at(pts, k));
    edges = toEdgeList(xy.length / 2, decode(model.get("edges")), decode(model.get("edge_lengths")));
    bars = toBars((model.get("diagrams") ?? []).map(decode));
    gens = (model.get("generators") ?? []).map((g) => {
      const arr = decode(g);
      return Int32Array.from({ length: arr.data.length }, (_, k) => at(arr, k));
    });
    cloudLay = null;
    onRange();
  }

  function onRange(): void {
    const max = model.get("max_radius") ?? 1;
    slider.max = String(max);
    slider.step = String(max / 1000);
    relayoutBars();
    redraw();
  }

  function onText(): void {
    title.textContent = model.get("title") ?? "";
    title.hidden = !title.textContent;
    projection.textContent = model.get("projection") ?? "";
    projection.hidden = !projection.textContent;
    balls.checked = !!model.get("show_balls");
    tris.checked = !!model.get("show_triangles");
  }

  function setRadius(r: number, send = true): void {
    const max = model.get("max_radius") ?? 1;
    model.set("radius", Math.min(max, Math.max(0, r)));
    if (send) model.save_changes();
  }

  // --- play: sweep the radius up to max_radius ---------------------------------------
  let frame = 0;
  let lastFrame = 0;
  let lastSent = 0;
  function setPlaying(on: boolean): void {
    play.textContent = on ? "❚❚ Pause" : "▶ Play";
    play.setAttribute("aria-pressed", String(on));
    play.title = on ? "Pause the sweep" : "Grow the radius from its current value to the end of the slider";
  }
  function stop(): void {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    setPlaying(false);
    model.save_changes();
  }
  function step(now: number): void {
    const max = model.get("max_radius") ?? 1;
    const dt = lastFrame ? (now - lastFrame) / 1000 : 0;
    lastFrame = now;
    const r = Math.min(max, radius() + (dt * max) / SWEEP_S);
    const send = now - lastSent > SEND_MS || r >= max;
    if (send) lastSent = now;
    setRadius(r, send);
    if (r >= max) stop();
    else frame = requestAnimationFrame(step);
  }
  play.addEventListener("click", () => {
    if (frame) return stop();
    if (radius() >= (model.get("max_radius") ?? 1)) setRadius(0);
    lastFrame = 0;
    setPlaying(true);
    frame = requestAnimationFrame(step);
  });

  slider.addEventListener("input", () => {
    if (frame) stop();
    setRadius(Number(slider.value));
  });
  balls.addEventListener("change", () => {
    model.set("show_balls", balls.checked);
    model.save_changes();
  });
  tris.addEventListener("change", () => {
    model.set("show_triangles", tris.checked);
    model.save_changes();
  });

  // --- barcode: hover describes a bar, click jumps to its birth -------------------------
  barcode.addEventListener("mousemove", (event) => {
    if (!barLay) return;
    const [x, y] = localPoint(event, barcode);
    const hit = hitBar(bars, barLay, x, y);
    const same = hit && hover && hit[0] === hover[0] && hit[1] === hover[1];
    if (!same && (hit || hover)) {
      hover = hit;
      redraw();
    }
    barcode.style.cursor = hit ? "pointer" : "default";
    tooltip.hidden = !hit;
    if (!hit) return;
    tooltip.textContent = describeBar(bars, hit[0], hit[1]);
    const w = tooltip.offsetWidth;
    tooltip.style.left = `${x + 12 + w > barLay.width ? Math.max(0, x - 12 - w) : x + 12}px`;
    tooltip.style.top = `${y + 14}px`;
  });
  barcode.addEventListener("mouseleave", () => {
    tooltip.hidden = true;
    if (hover) {
      hover = null;
      redraw();
    }
  });
  barcode.addEventListener("click", (event) => {
    if (!barLay) return;
    const [x, y] = localPoint(event, barcode);
    const hit = hitBar(bars, barLay, x, y);
    if (frame) stop();
    if (!hit) {
      model.set("selected_bar", []);
      model.save_changes();
      return;
    }
    model.set("selected_bar", hit);
    setRadius(bars[hit[0]]?.births[hit[1]] ?? 0);
  });

  tooltip.hidden = true;
  setPlaying(false);
  const onTheme = (): void => redraw();
  const stopTheme = onThemeChange(onTheme);
  const dataEvents = ["change:xy", "change:edges", "change:edge_lengths", "change:diagrams", "change:generators"];
  const textEvents = ["change:title", "change:projection", "change:show_balls", "change:show_triangles"];
  const drawEvents = ["change:radius", "change:selected_bar", "change:max_edges", "change:show_balls", "change:show_triangles", "change:width", "change:height"];
  for (const e of dataEvents) model.on(e, onData);
  for (const e of textEvents) model.on(e, onText);
  for (const e of drawEvents) model.on(e, redraw);
  model.on("change:max_radius", onRange);
  onText();
  onData();

  return () => {
    if (frame) cancelAnimationFrame(frame);
    stopTheme();
    for (const e of dataEvents) model.off(e, onData);
    for (const e of textEvents) model.off(e, onText);
    for (const e of drawEvents) model.off(e, redraw);
    model.off("change:max_radius", onRange);
    root.remove();
  };
}

export default { render };
