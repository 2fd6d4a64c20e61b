// The legend and the detail panel: DOM built with textContent only.
import { classColor, extent, rgbCss, viridis } from "../shared/colormap";
import { el, text } from "../shared/dom";
import { formatNumber } from "../shared/scale";
import type { Graph } from "./graph";
import type { Detail } from "./model";

/** Class swatches (click one to filter by it) or a colour-scale bar with its range. */
export function buildLegend(
  g: Graph,
  mode: "classes" | "values",
  valueName: string,
  onClass: (name: string) => void,
): HTMLElement {
  const legend = el("div", "tdaw-mg-legend", "mg-legend");
  if (g.n === 0) return legend;
  if (mode === "classes" && g.counts) {
    g.classNames.forEach((name, c) => {
      const item = el("button", "tdaw-mg-legend-item", `mg-legend-class-${c}`);
      item.type = "button";
      item.title = `Show only nodes with ${name}`;
      const swatch = el("span", "tdaw-mg-swatch");
      swatch.style.background = classColor(c);
      item.append(swatch, text("span", "tdaw-mg-legend-label", name));
      item.addEventListener("click", () => onClass(name));
      legend.appendChild(item);
    });
    return legend;
  }
  if (g.values) {
    const [lo, hi] = extent(g.values);
    const stops = Array.from({ length: 11 }, (_, k) => `${rgbCss(viridis(k / 10))} ${k * 10}%`);
    const bar = el("span", "tdaw-mg-gradient");
    bar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
    legend.append(
      text("span", "tdaw-mg-legend-title", valueName || "value"),
      text("span", "tdaw-mg-legend-label", formatNumber(lo)),
      bar,
      text("span", "tdaw-mg-legend-label", formatNumber(hi)),
    );
  }
  return legend;
}

export interface Thumbs {
  url: string | null;
  indices: number[];
  grid: number[];
}

/** The detail panel's content for the selection. */
export function buildDetail(
  detail: Partial<Detail>,
  classNames: readonly string[],
  thumbs: Thumbs,
  onMore: () => void,
): HTMLElement[] {
  const nodes = detail.nodes ?? 0;
  if (!nodes) {
    return [
      text(
        "p",
        "tdaw-mg-hint",
        "Click a node to see its members; shift-click adds, shift-drag lassoes. Keys: arrows move, Enter selects, shift+Enter adds, +/- zoom, 0 fits, shift+arrows pan.",
        "mg-detail-empty",
      ),
    ];
  }
  const out: HTMLElement[] = [];
  const points = detail.points ?? 0;
  out.push(
    text(
      "div",
      "tdaw-mg-detail-head",
      `${nodes} node${nodes === 1 ? "" : "s"} · ${points} point${points === 1 ? "" : "s"}`,
      "mg-detail-size",
    ),
  );
  const classes = detail.classes ?? [];
  if (classes.length) {
    const total = classes.reduce((s, [, v]) => s + v, 0) || 1;
    const list = el("div", "tdaw-mg-classes", "mg-detail-classes");
    for (const [name, count] of classes) {
      const row = el("div", "tdaw-mg-class-row");
      const bar = el("span", "tdaw-mg-class-bar");
      const fill = el("span", "tdaw-mg-class-fill");
      fill.style.width = `${(100 * count) / total}%`;
      fill.style.background = classColor(Math.max(0, classNames.indexOf(name)));
      bar.appendChild(fill);
      row.append(text("span", "tdaw-mg-class-name", name), bar, text("span", "tdaw-mg-class-count", String(count)));
      list.appendChild(row);
    }
    out.push(list);
    if (detail.exact === false) {
      out.push(text("p", "tdaw-mg-note", "Counts add up node class counts: points in two selected nodes count twice."));
    }
  }
  const [th, tw, cols] = thumbs.grid as [number, number, number];
  if (thumbs.url && thumbs.indices.length && th && tw && cols) {
    const grid = el("div", "tdaw-mg-thumbs", "mg-thumbnails");
    const size = 40;
    const scale = size / Math.max(th, tw);
    const rows = Math.ceil(thumbs.indices.length / cols);
    thumbs.indices.forEach((index, t) => {
      const tile = el("div", "tdaw-mg-thumb");
      tile.title = `image ${index}`;
      tile.dataset.index = String(index);
      tile.style.width = `${tw * scale}px`;
      tile.style.height = `${th * scale}px`;
      tile.style.backgroundImage = `url("${thumbs.url}")`;
      tile.style.backgroundSize = `${cols * tw * scale}px ${rows * th * scale}px`;
      tile.style.backgroundPosition = `-${(t % cols) * tw * scale}px -${Math.floor(t / cols) * th * scale}px`;
      if (scale > 1) tile.style.imageRendering = "pixelated";
      grid.appendChild(tile);
    });
    out.push(grid);
    const rest = (detail.images ?? 0) - thumbs.indices.length;
    if (rest > 0) {
      const more = text("button", "tdaw-mg-more", `Show more (${rest} not shown)`, "mg-thumbnails-more");
      more.type = "button";
      more.addEventListener("click", onMore);
      out.push(more);
    }
  }
  return out;
}
