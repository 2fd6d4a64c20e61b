// Geometry of the persistence views: domains, scales and where each point or bar goes.
// Pure functions: no DOM, no anywidget.
import { toDiagrams, type Diagram } from "../shared/diagrams";

export type { Diagram };
export { toDiagrams };

export type Mode = "diagram" | "lifetime" | "barcode";

/** A rectangle of values shown (zoom window). */
export interface Window {
  xlo: number;
  xhi: number;
  ylo: number;
  yhi: number;
}

export interface Layout extends Window {
  mode: Mode;
  width: number;
  height: number;
  /** Plot area in CSS pixels. */
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  /** Value at which infinite deaths (or persistences) are drawn. */
  inf: number;
  /** Barcode mode: row of each bar, per dimension (bars sorted by birth, then death). */
  rows?: Int32Array[];
  /** Barcode mode with a second layer: its bars' rows, in a block below the first's. */
  overlayRows?: Int32Array[];
  /** Barcode mode with a second layer: the first row of its block. */
  overlayStart?: number;
}

export const MARGIN = { left: 56, right: 16, top: 14, bottom: 44 };
export const POINT_RADIUS = 4;

export type Visible = ReadonlySet<number> | undefined;

const shown = (d: Diagram, visible: Visible): boolean => !visible || visible.has(d.dim);

export function countPoints(diagrams: Diagram[], visible?: Visible): number {
  return diagrams.filter((d) => shown(d, visible)).reduce((s, d) => s + d.births.length, 0);
}

/** Smallest and largest finite value among births and deaths of the shown diagrams. */
export function finiteRange(groups: Diagram[][], visible?: Visible): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const diagrams of groups) {
    for (const d of diagrams) {
      if (!shown(d, visible)) continue;
      for (let i = 0; i < d.births.length; i++) {
        const b = d.births[i] as number;
        const e = d.deaths[i] as number;
        min = Math.min(min, b);
        max = Math.max(max, b);
        if (Number.isFinite(e)) {
          min = Math.min(min, e);
          max = Math.max(max, e);
        }
      }
    }
  }
  if (!Number.isFinite(min)) return [0, 1];
  if (min > 0 && min < 0.25 * (max - min)) min = 0; // start at 0 when it is close
  if (max === min) max = min + (Math.abs(min) || 1);
  return [min, max];
}

/** Rows of a barcode: dimensions one after another, each sorted by birth then death. */
export function barcodeRows(diagrams: Diagram[], visible?: Visible): { rows: Int32Array[]; total: number } {
  let next = 0;
  const rows = diagrams.map((d) => {
    const r = new Int32Array(d.births.length).fill(-1);
    if (!shown(d, visible)) return r;
    const order = Array.from(d.births.keys()).sort(
      (a, b) => (d.births[a] as number) - (d.births[b] as number) || (d.deaths[a] as number) - (d.deaths[b] as number),
    );
    for (const i of order) r[i] = next++;
    return r;
  });
  return { rows, total: next };
}

/** Full extent of the data in the given mode (the zoom-out window). */
export function dataWindow(mode: Mode, groups: Diagram[][], visible?: Visible): Window & { inf: number } {
  const [min, max] = finiteRange(groups, visible);
  const span = max - min;
  if (mode === "barcode") {
    // two layers: one block of rows each, the second below the first
    const total = Math.max(1, groups.reduce((n, g) => n + barcodeRows(g, visible).total, 0));
    const inf = max + 0.1 * span;
    return { xlo: min - 0.02 * span, xhi: inf + 0.04 * span, ylo: -0.5, yhi: total - 0.5, inf };
  }
  if (mode === "lifetime") {
    const inf = span * 1.1;
    return { xlo: min - 0.04 * span, xhi: max + 0.04 * span, ylo: -0.04 * span, yhi: inf + 0.05 * span, inf };
  }
  const inf = max + 0.1 * span;
  const lo = min - 0.04 * span;
  const hi = inf + 0.05 * span;
  return { xlo: lo, xhi: hi, ylo: lo, yhi: hi, inf };
}

export function computeLayout(
  mode: Mode,
  groups: Diagram[][],
  width: number,
  height: number,
  visible?: Visible,
  zoom?: Window | null,
): Layout {
  const full = dataWindow(mode, groups, visible);
  let plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  let plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  if (mode === "diagram") plotW = plotH = Math.min(plotW, plotH); // same scale on both axes
  const layout: Layout = {
    mode,
    width,
    height,
    left: MARGIN.left,
    top: MARGIN.top,
    plotW,
    plotH,
    ...full,
    ...(zoom ?? {}),
  };
  if (mode === "barcode") {
    const first = barcodeRows(groups[0] ?? [], visible);
    layout.rows = first.rows;
    if (groups[1]) {
      const start = first.total;
      layout.overlayRows = barcodeRows(groups[1], visible).rows.map((r) => r.map((v) => (v < 0 ? -1 : v + start)));
      layout.overlayStart = start;
    }
  }
  return layout;
}

// Value <-> pixel maps (what d3-scale's scaleLinear does), kept as four lines each:
// d3-scale ships as one file and scaleLinear alone bundled to 27.3 KB minified, more
// than this whole view (persistence_diagram.js, 26.5 KB with d3-format and d3-array).
export function xPixel(layout: Layout, v: number): number {
  const value = Number.isFinite(v) ? v : layout.inf;
  return layout.left + ((value - layout.xlo) / (layout.xhi - layout.xlo)) * layout.plotW;
}

export function yPixel(layout: Layout, v: number): number {
  const value = Number.isFinite(v) ? v : layout.inf;
  return layout.top + layout.plotH - ((value - layout.ylo) / (layout.yhi - layout.ylo)) * layout.plotH;
}

export function xValue(layout: Layout, px: number): number {
  return layout.xlo + ((px - layout.left) / layout.plotW) * (layout.xhi - layout.xlo);
}

export function yValue(layout: Layout, py: number): number {
  return layout.ylo + ((layout.top + layout.plotH - py) / layout.plotH) * (layout.yhi - layout.ylo);
}

/** Pixel position of point `i` of `d` in diagram or lifetime mode. */
export function pointPixel(layout: Layout, d: Diagram, i: number): [number, number] {
  const b = d.births[i] as number;
  const e = d.deaths[i] as number;
  const y = layout.mode === "lifetime" ? (Number.isFinite(e) ? e - b : Infinity) : e;
  return [xPixel(layout, b), yPixel(layout, y)];
}

/** Barcode mode: the bar's pixel extent [x0, x1, y]; null when the bar is hidden. */
export function barPixels(layout: Layout, d: Diagram, i: number, second = false): [number, number, number] | null {
  const row = (second ? layout.overlayRows : layout.rows)?.[d.dim]?.[i] ?? -1;
  if (row < 0) return null;
  const y = yPixel(layout, layout.yhi - 0.5 - row); // row 0 at the top
  return [xPixel(layout, d.births[i] as number), xPixel(layout, d.deaths[i] as number), y];
}

// Zoom and pan of the value window (ctrl+wheel, alt+drag, double-click resets): kept
// instead of d3-zoom, which with d3-selection bundled to 54.3 KB minified (twice this
// view's bundle) and zooms a pixel transform, where this view re-lays out its axes from a
// value window (ticks stay nice; barcode mode zooms x only).
/** Zoom window scaled by `factor` around the value under pixel (px, py). */
export function zoomAt(layout: Layout, px: number, py: number, factor: number): Window {
  const cx = xValue(layout, px);
  const cy = yValue(layout, py);
  return {
    xlo: cx + (layout.xlo - cx) * factor,
    xhi: cx + (layout.xhi - cx) * factor,
    ylo: layout.mode === "barcode" ? layout.ylo : cy + (layout.ylo - cy) * factor,
    yhi: layout.mode === "barcode" ? layout.yhi : cy + (layout.yhi - cy) * factor,
  };
}

/** Window moved by (dx, dy) pixels. */
export function panBy(layout: Layout, dx: number, dy: number): Window {
  const vx = (dx / layout.plotW) * (layout.xhi - layout.xlo);
  const vy = layout.mode === "barcode" ? 0 : (dy / layout.plotH) * (layout.yhi - layout.ylo);
  return { xlo: layout.xlo - vx, xhi: layout.xhi - vx, ylo: layout.ylo + vy, yhi: layout.yhi + vy };
}
