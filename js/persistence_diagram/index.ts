// anywidget glue for PersistenceDiagramWidget: DOM, events, model sync. Drawing is in draw.ts.
import type { RenderProps } from "@anywidget/types";
import { decode } from "../shared/codec";
import { readTheme } from "../shared/theme";
import {
  colorOf,
  computeLayout,
  countPoints,
  describePoint,
  drawDiagram,
  hitTest,
  nextSelection,
  toDiagrams,
  type Diagram,
  type Layout,
} from "./draw";
import type { PersistenceDiagramModel } from "./model";
import "./styles.css";

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, testid?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = cls;
  if (testid) node.dataset.testid = testid;
  return node;
}

function render({ model, el: host }: RenderProps<PersistenceDiagramModel>): () => void {
  const root = el("div", "tdaw-persistence-diagram", "persistence-diagram");
  const title = el("div", "tdaw-pd-title", "pd-title");
  const legend = el("div", "tdaw-pd-legend", "pd-legend");
  const stage = el("div", "tdaw-pd-stage");
  const canvas = el("canvas", "tdaw-pd-canvas", "pd-canvas");
  const tooltip = el("div", "tdaw-pd-tooltip", "pd-tooltip");
  const empty = el("div", "tdaw-pd-empty", "pd-empty");
  empty.textContent = "No persistence pairs to show.";
  stage.append(canvas, tooltip, empty);
  root.append(title, legend, stage);
  host.appendChild(root);

  let diagrams: Diagram[] = [];
  let layout: Layout | null = null;

  const visible = (): Set<number> => new Set(model.get("visible_dims") ?? []);

  function redraw(): void {
    const width = model.get("width");
    const height = model.get("height");
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const vis = visible();
    layout = computeLayout(diagrams, width, height, vis);
    // exposes the value->pixel mapping for tests and assistive tooling
    canvas.dataset.plot = JSON.stringify(layout);
    empty.hidden = countPoints(diagrams) > 0;
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawDiagram(ctx, diagrams, layout, readTheme(root), model.get("selected_points") ?? [], vis);
  }

  function buildLegend(): void {
    const theme = readTheme(root);
    const vis = visible();
    legend.replaceChildren();
    for (const d of diagrams) {
      const item = el("button", "tdaw-pd-legend-item", `pd-legend-h${d.dim}`);
      item.type = "button";
      item.setAttribute("aria-pressed", String(vis.has(d.dim)));
      item.title = `Show or hide H${d.dim}`;
      const swatch = el("span", "tdaw-pd-swatch");
      swatch.style.background = colorOf(theme, d.dim);
      const label = el("span", "tdaw-pd-legend-label");
      label.textContent = `H${d.dim} (${d.births.length})`;
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
  }

  function onData(): void {
    diagrams = toDiagrams((model.get("diagrams") ?? []).map(decode));
    buildLegend();
    redraw();
  }

  function onTitle(): void {
    title.textContent = model.get("title") ?? "";
    title.hidden = !title.textContent;
  }

  function pointer(event: MouseEvent): [number, number] {
    const rect = canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  function onClick(event: MouseEvent): void {
    if (!layout) return;
    const [x, y] = pointer(event);
    const hit = hitTest(diagrams, layout, x, y, visible());
    model.set("selected_points", nextSelection(model.get("selected_points") ?? [], hit, event.shiftKey));
    model.save_changes();
  }

  function onMove(event: MouseEvent): void {
    if (!layout) return;
    const [x, y] = pointer(event);
    const hit = hitTest(diagrams, layout, x, y, visible());
    if (!hit) {
      tooltip.hidden = true;
      canvas.style.cursor = "default";
      return;
    }
    tooltip.textContent = describePoint(diagrams, hit[0], hit[1]);
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
    tooltip.hidden = false;
    canvas.style.cursor = "pointer";
  }

  tooltip.hidden = true;
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", () => (tooltip.hidden = true));
  model.on("change:diagrams", onData);
  model.on("change:selected_points", redraw);
  const onVisible = (): void => {
    buildLegend();
    redraw();
  };
  model.on("change:visible_dims", onVisible);
  model.on("change:width", redraw);
  model.on("change:height", redraw);
  model.on("change:title", onTitle);
  onTitle();
  onData();

  return () => {
    model.off("change:diagrams", onData);
    model.off("change:selected_points", redraw);
    model.off("change:visible_dims", onVisible);
    model.off("change:width", redraw);
    model.off("change:height", redraw);
    model.off("change:title", onTitle);
    root.remove();
  };
}

export default { render };
