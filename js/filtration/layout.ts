// Geometry of the filtration views: where points, bars and the radius line go.
// Pure functions: no DOM, no anywidget.
import { toDiagrams, type Diagram } from "../shared/diagrams";

/** One homology dimension's bars (the shared diagram record). */
export type Bars = Diagram;
/** Decode the `(n_k, 2)` arrays into bars (see js/shared/diagrams.ts). */
export const toBars = toDiagrams;

/** The cloud: data coordinates to pixels, same scale on both axes, y up. */
export interface CloudLayout {
  width: number;
  height: number;
  cx: number;
  cy: number;
  /** Pixels per data unit. */
  scale: number;
}

export const CLOUD_PAD = 18;

export function cloudLayout(xy: Float64Array, width: number, height: number): CloudLayout {
  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let i = 0; i + 1 < xy.length; i += 2) {
    const x = xy[i] as number;
    const y = xy[i + 1] as number;
    xmin = Math.min(xmin, x);
    xmax = Math.max(xmax, x);
    ymin = Math.min(ymin, y);
    ymax = Math.max(ymax, y);
  }
  if (!Number.isFinite(xmin)) [xmin, xmax, ymin, ymax] = [-1, 1, -1, 1];
  const spanX = xmax - xmin;
  const spanY = ymax - ymin;
  const availW = Math.max(1, width - 2 * CLOUD_PAD);
  const availH = Math.max(1, height - 2 * CLOUD_PAD);
  const span = Math.max(spanX / availW, spanY / availH);
  const scale = span > 0 ? 1 / span : Math.min(availW, availH) / 2;
  return { width, height, cx: (xmin + xmax) / 2, cy: (ymin + ymax) / 2, scale };
}

export function cloudPixel(layout: CloudLayout, x: number, y: number): [number, number] {
  return [layout.width / 2 + (x - layout.cx) * layout.scale, layout.height / 2 - (y - layout.cy) * layout.scale];
}

/** The barcode: radius along x, one row per bar, dimensions one under another. */
export interface BarcodeLayout {
  width: number;
  height: number;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  /** Radius shown at the left and right edges of the plot. */
  xlo: number;
  xhi: number;
  /** Radius at which infinite bars end (marked ∞). */
  inf: number;
  /** Upper end of the slider. */
  maxRadius: number;
  /** Height of one row in pixels. */
  rowH: number;
  /** Per dimension, the y (pixel centre) of each bar. */
  y: Float64Array[];
  /** Per non-empty dimension, the vertical extent of its group of rows. */
  groups: { dim: number; y0: number; y1: number }[];
}

export const BAR_MARGIN = { left: 40, right: 14, top: 18, bottom: 34 };
const MAX_ROW = 14;

/** Bars of a dimension in drawing order: by birth, longest first among equal births. */
export function barOrder(d: Bars): number[] {
  return Array.from(d.births.keys()).sort((i, j) => {
    const bi = d.births[i] as number;
    const bj = d.births[j] as number;
    if (bi !== bj) return bi - bj;
    return (d.deaths[j] as number) - (d.births[j] as number) - ((d.deaths[i] as number) - bi);
  });
}

export function barcodeLayout(bars: Bars[], maxRadius: number, width: number, height: number): BarcodeLayout {
  const { left, top } = BAR_MARGIN;
  const plotW = Math.max(10, width - BAR_MARGIN.left - BAR_MARGIN.right);
  const plotH = Math.max(10, height - BAR_MARGIN.top - BAR_MARGIN.bottom);
  let finiteMax = 0;
  for (const d of bars) for (const e of d.deaths) if (Number.isFinite(e)) finiteMax = Math.max(finiteMax, e);
  const inf = Math.max(maxRadius, finiteMax) * 1.06 || 1;
  const xhi = inf * 1.03;
  const nonEmpty = bars.filter((d) => d.births.length > 0);
  const total = nonEmpty.reduce((s, d) => s + d.births.length, 0);
  const gaps = Math.max(0, nonEmpty.length - 1);
  const rowH = Math.min(MAX_ROW, plotH / Math.max(1, total + gaps));
  const y: Float64Array[] = bars.map((d) => new Float64Array(d.births.length));
  const groups: BarcodeLayout["groups"] = [];
  let row = 0;
  for (const d of nonEmpty) {
    const y0 = top + row * rowH;
    for (const i of barOrder(d)) (y[d.dim] as Float64Array)[i] = top + (row++ + 0.5) * rowH;
    groups.push({ dim: d.dim, y0, y1: top + row * rowH });
    row++; // a blank row between dimensions
  }
  return { width, height, left, top, plotW, plotH, xlo: 0, xhi, inf, maxRadius, rowH, y, groups };
}

export function barX(layout: BarcodeLayout, v: number): number {
  const value = Number.isFinite(v) ? Math.min(v, layout.inf) : layout.inf;
  return layout.left + ((value - layout.xlo) / (layout.xhi - layout.xlo)) * layout.plotW;
}

/** The bar under pixel (px, py) as [dim, index], or null. */
export function hitBar(bars: Bars[], layout: BarcodeLayout, px: number, py: number): [number, number] | null {
  const reach = Math.max(layout.rowH / 2, 4);
  let best: [number, number] | null = null;
  let bestDy = Infinity;
  for (const d of bars) {
    const ys = layout.y[d.dim];
    if (!ys) continue;
    for (let i = 0; i < d.births.length; i++) {
      const dy = Math.abs((ys[i] as number) - py);
      if (dy > reach || dy >= bestDy) continue;
      const x0 = barX(layout, d.births[i] as number);
      const x1 = barX(layout, d.deaths[i] as number);
      if (px < x0 - 6 || px > x1 + 6) continue;
      best = [d.dim, i];
      bestDy = dy;
    }
  }
  return best;
}

/** A bar is alive at r when birth <= r < death. */
export function isAlive(d: Bars, i: number, r: number): boolean {
  return (d.births[i] as number) <= r && r < (d.deaths[i] as number);
}

/** Bars alive at r per dimension: the Betti numbers of the Rips complex at r. */
export function aliveCounts(bars: Bars[], r: number): number[] {
  return bars.map((d) => {
    let n = 0;
    for (let i = 0; i < d.births.length; i++) if (isAlive(d, i, r)) n++;
    return n;
  });
}
