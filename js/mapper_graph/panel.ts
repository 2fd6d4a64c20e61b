// The legend and the detail panel: DOM built with textContent only.
import { classColor, extent, rgbCss, viridis } from "../shared/colormap";
import { el, text } from "../shared/dom";
import { fixed, formatNumber } from "../shared/scale";
import type { Graph } from "./graph";
import type { Detail, PurityEvidence } from "./model";

const fixed3 = fixed(3);

/** Decimals that show a p-value's Monte Carlo SE to one significant digit, at least 3. */
export function pDecimals(se: number | null | undefined): number {
  if (se === null || se === undefined || !(se > 0) || !Number.isFinite(se)) return 3;
  const rounded = Number(se.toPrecision(1));
  return Math.min(12, Math.max(3, -Math.floor(Math.log10(rounded))));
}

function num(v: number | null | undefined, format: (v: number) => string): string {
  return v === null || v === undefined || !Number.isFinite(v) ? "n/a" : format(v);
}

/**
 * The legend's line for a purity permutation test, e.g.
 * "purity 0.165 · chance 0.132 [0.126–0.138] · p = 0.001 ± 0.001 (B = 999)"; "" for none.
 * Chance is the null's mean, the brackets its central band; p and its Monte Carlo SE
 * share their decimals. An alternative other than "greater" is named before B.
 */
export function purityLine(e: Partial<PurityEvidence>): string {
  if (e.statistic === undefined || e.n_permutations === undefined) return "";
  const pd = fixed(pDecimals(e.mc_se));
  const alt = e.alternative && e.alternative !== "greater" ? `${e.alternative}, ` : "";
  return (
    `purity ${num(e.statistic, fixed3)} · chance ${num(e.null_mean, fixed3)} ` +
    `[${num(e.null_low, fixed3)}–${num(e.null_high, fixed3)}] · ` +
    `p = ${num(e.p_value, pd)} ± ${num(e.mc_se, pd)} (${alt}B = ${e.n_permutations})`
  );
}

/** What the line means, for its tooltip and screen readers. */
export function purityTitle(e: Partial<PurityEvidence>): string {
  if (!purityLine(e)) return "";
  const pct = (q: number): string => `${+(100 * q).toFixed(1)} %`;
  const tail = (1 - (e.level ?? 0.95)) / 2;
  return (
    `Mean node purity of this graph (majority images / images per node) against ` +
    `${e.n_permutations} random permutations of the labels over the images, the graph fixed. ` +
    `Chance: the permutations' mean; brackets: their ${pct(tail)}–${pct(1 - tail)} quantiles. ` +
    `${e.effect_name && e.effect_name !== "z" ? `${e.effect_name}: ${num(e.effect, fixed3)}` : `z = ${num(e.effect, (v) => v.toFixed(1))}`}; p is ${e.alternative === "two-sided" ? "two-sided" : `one-sided (${e.alternative ?? "greater"})`}, ` +
    `(k + 1) / (B + 1), ± its Monte Carlo standard error.`
  );
}

/**
 * The evidence line under the legend: a strip with the null band shaded and the observed
 * value marked, then the text of `purityLine`. Empty (and hidden) without a test.
 */
export function buildEvidence(e: Partial<PurityEvidence>, into: HTMLElement): void {
  const line = purityLine(e);
  into.hidden = !line;
  into.title = purityTitle(e);
  into.dataset.pValue = e.p_value === null || e.p_value === undefined ? "" : String(e.p_value);
  into.dataset.statistic = e.statistic === null || e.statistic === undefined ? "" : String(e.statistic);
  if (!line) {
    into.replaceChildren();
    return;
  }
  const strip = el("span", "tdaw-mg-evidence-strip", "mg-purity-strip");
  strip.setAttribute("aria-hidden", "true");
  const { statistic: obs, null_low: lo, null_high: hi } = e;
  if (obs != null && lo != null && hi != null) {
    const a = Math.min(obs, lo);
    const b = Math.max(obs, hi);
    const pad = (b - a || Math.abs(b) || 1) * 0.15;
    const at = (v: number): string => `${(100 * (v - a + pad)) / (b - a + 2 * pad)}%`;
    const band = el("span", "tdaw-mg-evidence-band");
    band.style.left = at(lo);
    band.style.width = `calc(${at(hi)} - ${at(lo)} + 1px)`;
    const mark = el("span", "tdaw-mg-evidence-mark");
    mark.style.left = at(obs);
    strip.append(band, mark);
  }
  into.replaceChildren(strip, text("span", "tdaw-mg-evidence-text", line, "mg-purity-text"));
}

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
      `${nodes} node${nodes === 1 ? "" : "s"} · ${points} point${points === 1 ? "" : "s"}` +
        (detail.filter ? ` of classes matching “${detail.filter}”` : ""),
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
