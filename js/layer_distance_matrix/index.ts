// anywidget glue for LayerDistanceMatrixWidget: DOM, events, model sync. Drawing is in draw.ts.
import type { RenderProps } from "@anywidget/types";
import { decode } from "../shared/codec";
import { el, localPoint, placeTooltip, sizeCanvas, text } from "../shared/dom";
import { formatNumber } from "../shared/scale";
import { onThemeChange, readTheme } from "../shared/theme";
import { axisLabels, describeCell, drawMatrix, toMatrix, type AxisLabel, type Matrix } from "./draw";
import { cellAt, computeLayout, FONT_PX, moveSelection, roughMeasure, type MatrixLayout, type Measure } from "./layout";
import type { LayerDistanceMatrixModel } from "./model";
import { describeNoise, markedCells, noiseLegend, toNoise, type Noise } from "./noise";
import "../shared/base.css";
import "./styles.css";

function safeDecode(value: LayerDistanceMatrixModel["values"]): ReturnType<typeof decode> | null {
  try {
    return value ? decode(value) : null;
  } catch {
    return null; // a malformed array renders as the empty state
  }
}

function render({ model, el: host }: RenderProps<LayerDistanceMatrixModel>): () => void {
  const root = el("div", "tdaw-layer-distance-matrix tdaw-view", "layer-distance-matrix");
  root.tabIndex = 0;
  root.setAttribute("role", "grid");
  root.setAttribute("aria-label", "Layer distance matrix; arrow keys move the selected cell");
  // JupyterLab: keep the notebook's arrow-key shortcuts out while this view has focus
  root.dataset.lmSuppressShortcuts = "true";
  const title = el("div", "tdaw-ldm-title", "ldm-title");
  const bar = el("div", "tdaw-ldm-toolbar");
  const toggle = el("div", "tdaw-ldm-toggle", "ldm-toggle");
  toggle.setAttribute("role", "group");
  const corr = el("span", "tdaw-ldm-correlation", "ldm-correlation");
  const status = el("span", "tdaw-ldm-status", "ldm-status");
  // the noise floor's key: a hatched square and what hatching means
  const noiseKey = el("div", "tdaw-ldm-noise", "ldm-noise-legend");
  const noiseText = el("span", "tdaw-ldm-noise-text", "ldm-noise-text");
  noiseKey.append(el("span", "tdaw-ldm-hatch-swatch"), noiseText);
  status.setAttribute("aria-live", "polite");
  bar.append(toggle, corr);
  const stage = el("div", "tdaw-ldm-stage");
  const canvas = el("canvas", "tdaw-ldm-canvas", "ldm-canvas");
  const tooltip = el("div", "tdaw-ldm-tooltip tdaw-tooltip", "ldm-tooltip");
  // names and numbers are DOM text over the canvas: their colours are CSS variables, so a
  // theme switch recolours them at once, and the browser can read and select them
  const labels = el("div", "tdaw-ldm-labels", "ldm-labels");
  labels.setAttribute("aria-hidden", "true");
  const empty = text("div", "tdaw-ldm-empty", "No layers to compare: the matrix is empty.", "ldm-empty");
  stage.append(canvas, labels, tooltip, empty);
  root.append(title, bar, noiseKey, stage, status);
  host.appendChild(root);

  let matrix: Matrix = toMatrix(null, [], [], "");
  let noise: Noise | null = null;
  let layout: MatrixLayout | null = null;
  let hover: number[] | null = null;

  const measureCtx = ((): CanvasRenderingContext2D | null => {
    try {
      return document.createElement("canvas").getContext("2d");
    } catch {
      return null;
    }
  })();
  function measure(): Measure {
    if (!measureCtx) return roughMeasure;
    measureCtx.font = `600 ${FONT_PX}px ${readTheme(root).font}`; // bold: the widest case
    return (s) => measureCtx.measureText(s).width;
  }

  const selected = (): number[] => model.get("selected_pair") ?? [];

  function load(): void {
    const second = model.get("show_second") && model.get("values2");
    matrix = toMatrix(
      safeDecode(second ? model.get("values2") : model.get("values")),
      model.get("layers") ?? [],
      model.get("columns") ?? [],
      (second ? model.get("metric2") : model.get("metric")) ?? "",
    );
    root.dataset.shown = second ? "second" : "first";
    noise = toNoise((model.get("noise") ?? [])[second ? 1 : 0], matrix.values.length);
    noiseKey.hidden = !noise;
    noiseText.textContent = noise ? noiseLegend(noise, matrix.rows.length, matrix.cols.length) : "";
    // the hatched cells, for tests and assistive tooling (Python's within_noise agrees)
    root.dataset.marked = JSON.stringify(markedCells(noise, matrix.cols.length));
    buildToggle();
    redraw();
  }

  function redraw(): void {
    const isEmpty = matrix.rows.length === 0 || matrix.cols.length === 0;
    empty.hidden = !isEmpty;
    canvas.hidden = isEmpty;
    const sel = selected();
    root.dataset.selected = sel.join(",");
    if (isEmpty) {
      layout = null;
      labels.replaceChildren();
      return;
    }
    const fits = measure();
    layout = computeLayout(matrix.rows, matrix.cols, model.get("cell_size") || 24, fits, matrix.metric || "distance");
    labels.replaceChildren(...axisLabels(matrix, layout, sel, fits).map(labelElement));
    canvas.dataset.plot = JSON.stringify({ left: layout.left, top: layout.top, cell: layout.cell, rows: layout.rows, cols: layout.cols });
    const ctx = sizeCanvas(canvas, layout.width, layout.height);
    if (ctx) drawMatrix(ctx, matrix, layout, readTheme(root), { selected: sel, hover, noise });
    status.textContent = sel.length === 2 ? describe(sel[0] as number, sel[1] as number) : "";
  }

  /** A cell's names and value, and with a noise floor its floor and p. */
  function describe(i: number, j: number): string {
    return describeCell(matrix, i, j) + describeNoise(noise, i, j, matrix.cols.length);
  }

  function labelElement(label: AxisLabel): HTMLElement {
    // a zero-size anchor at the label's point, rotated; the text hangs off it
    const anchor = el("div", `tdaw-ldm-label tdaw-ldm-${label.kind}`);
    if (label.kind === "col" && layout?.colAngle === 90) anchor.classList.add("tdaw-ldm-col-upright");
    anchor.style.left = `${label.x}px`;
    anchor.style.top = `${label.y}px`;
    const span = text("span", "tdaw-ldm-label-text", label.text, `ldm-${label.kind}-label`);
    if (label.selected) span.classList.add("tdaw-ldm-label-selected");
    if (label.text !== label.full) span.title = label.full;
    anchor.appendChild(span);
    return anchor;
  }

  function buildToggle(): void {
    const hasSecond = !!model.get("values2");
    toggle.replaceChildren();
    bar.hidden = !hasSecond;
    if (!hasSecond) return;
    const showSecond = !!model.get("show_second");
    const names = [model.get("metric") || "first", model.get("metric2") || "second"];
    names.forEach((name, k) => {
      const b = text("button", "tdaw-ldm-toggle-item", name, `ldm-toggle-${k === 0 ? "first" : "second"}`);
      b.type = "button";
      b.setAttribute("aria-pressed", String(showSecond === (k === 1)));
      b.title = `Show ${name}`;
      b.addEventListener("click", () => {
        model.set("show_second", k === 1);
        model.save_changes();
      });
      toggle.appendChild(b);
    });
    const rho = model.get("rank_correlation");
    corr.textContent =
      rho === null || rho === undefined
        ? "Spearman ρ: undefined (constant matrix)"
        : `Spearman ρ = ${formatNumber(rho)}`;
    corr.title = "Rank correlation of the two matrices (upper triangles)";
  }

  function select(pair: number[]): void {
    model.set("selected_pair", pair);
    model.save_changes();
  }

  function onClick(event: MouseEvent): void {
    root.focus();
    if (!layout) return;
    const [x, y] = localPoint(event, canvas);
    select(cellAt(layout, x, y) ?? []);
  }

  function onMove(event: MouseEvent): void {
    if (!layout) return;
    const [x, y] = localPoint(event, canvas);
    const hit = cellAt(layout, x, y);
    const changed = (hit?.join(",") ?? "") !== (hover?.join(",") ?? "");
    hover = hit;
    if (!hit) {
      tooltip.hidden = true;
      canvas.style.cursor = "default";
    } else {
      tooltip.textContent = describe(hit[0], hit[1]);
      placeTooltip(tooltip, x, y, layout.width);
      canvas.style.cursor = "pointer";
    }
    if (changed) redraw();
  }

  function onLeave(): void {
    tooltip.hidden = true;
    if (hover) {
      hover = null;
      redraw();
    }
  }

  function onKey(event: KeyboardEvent): void {
    const next = moveSelection(selected(), event.key, matrix.rows.length, matrix.cols.length);
    if (!next) return;
    event.preventDefault();
    event.stopPropagation();
    select(next);
  }

  function onTitle(): void {
    title.textContent = model.get("title") ?? "";
    title.hidden = !title.textContent;
  }

  tooltip.hidden = true;
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", onLeave);
  root.addEventListener("keydown", onKey);
  const dataEvents = ["values", "values2", "layers", "columns", "metric", "metric2", "show_second", "rank_correlation", "noise"];
  for (const name of dataEvents) model.on(`change:${name}`, load);
  model.on("change:selected_pair", redraw);
  model.on("change:cell_size", redraw);
  model.on("change:title", onTitle);
  const stopTheme = onThemeChange(redraw); // the rings and the colour bar's frame
  onTitle();
  load();

  return () => {
    stopTheme();
    for (const name of dataEvents) model.off(`change:${name}`, load);
    model.off("change:selected_pair", redraw);
    model.off("change:cell_size", redraw);
    model.off("change:title", onTitle);
    root.remove();
  };
}

export default { render };
