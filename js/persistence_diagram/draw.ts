// Pure drawing and geometry of a persistence diagram: no anywidget, testable in jsdom.
import type { NDArray } from "../shared/codec";
import { at } from "../shared/codec";
import { formatNumber, niceTicks } from "../shared/scale";
import type { Theme } from "../shared/theme";

/** One homology dimension's diagram as parallel birth/death arrays. */
export interface Diagram {
  dim: number;
  births: Float64Array;
  deaths: Float64Array;
}

export interface Layout {
  width: number;
  height: number;
  /** Plot area in CSS pixels. */
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  /** Value domain shared by both axes. */
  lo: number;
  hi: number;
  /** Value at which infinite deaths are drawn (above every finite value). */
  inf: number;
}

export const MARGIN = { left: 52, right: 16, top: 14, bottom: 44 };
export const POINT_RADIUS = 4;

/** Split `(n, 2)` arrays into per-dimension birth/death columns. */
export function toDiagrams(arrays: NDArray[]): Diagram[] {
  return arrays.map((arr, dim) => {
    const n = arr.shape.length === 2 ? (arr.shape[0] ?? 0) : 0;
    const births = new Float64Array(n);
    const deaths = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      births[i] = at(arr, 2 * i);
      deaths[i] = at(arr, 2 * i + 1);
    }
    return { dim, births, deaths };
  });
}

export function countPoints(diagrams: Diagram[], visible?: ReadonlySet<number>): number {
  return diagrams
    .filter((d) => !visible || visible.has(d.dim))
    .reduce((s, d) => s + d.births.length, 0);
}

/** Axis domain and plot rectangle; infinite deaths go on a line above all finite values. */
export function computeLayout(
  diagrams: Diagram[],
  width: number,
  height: number,
  visible?: ReadonlySet<number>,
): Layout {
  let min = Infinity;
  let max = -Infinity;
  for (const d of diagrams) {
    if (visible && !visible.has(d.dim)) continue;
    for (let i = 0; i < d.births.length; i++) {
      const b = d.births[i] as number;
      const e = d.deaths[i] as number;
      if (b < min) min = b;
      if (b > max) max = b;
      if (Number.isFinite(e)) {
        if (e < min) min = e;
        if (e > max) max = e;
      }
    }
  }
  if (!Number.isFinite(min)) {
    min = 0;
    max = 1;
  }
  if (min > 0 && min < 0.25 * (max - min + 1e-12)) min = 0; // start at 0 when it is close
  const span = max - min || Math.abs(max) || 1;
  const inf = max + 0.1 * span;
  const lo = min - 0.04 * span;
  const hi = inf + 0.05 * span;
  const plotW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const plotH = Math.max(10, height - MARGIN.top - MARGIN.bottom);
  const side = Math.min(plotW, plotH);
  return { width, height, left: MARGIN.left, top: MARGIN.top, plotW: side, plotH: side, lo, hi, inf };
}

export function xPixel(layout: Layout, v: number): number {
  return layout.left + ((v - layout.lo) / (layout.hi - layout.lo)) * layout.plotW;
}

export function yPixel(layout: Layout, v: number): number {
  const value = Number.isFinite(v) ? v : layout.inf;
  return layout.top + layout.plotH - ((value - layout.lo) / (layout.hi - layout.lo)) * layout.plotH;
}

/** The point under (x, y) within `radius` pixels, nearest first; null when none. */
export function hitTest(
  diagrams: Diagram[],
  layout: Layout,
  x: number,
  y: number,
  visible?: ReadonlySet<number>,
  radius = POINT_RADIUS + 3,
): [number, number] | null {
  let best: [number, number] | null = null;
  let bestD2 = radius * radius;
  // later dimensions are drawn on top, so they win ties
  for (const d of diagrams) {
    if (visible && !visible.has(d.dim)) continue;
    for (let i = 0; i < d.births.length; i++) {
      const dx = xPixel(layout, d.births[i] as number) - x;
      const dy = yPixel(layout, d.deaths[i] as number) - y;
      const d2 = dx * dx + dy * dy;
      if (d2 <= bestD2) {
        bestD2 = d2;
        best = [d.dim, i];
      }
    }
  }
  return best;
}

export function colorOf(theme: Theme, dim: number): string {
  return theme.categorical[dim % theme.categorical.length] as string;
}

/** Minimal subset of CanvasRenderingContext2D used here (so tests can record calls). */
export type Ctx = Pick<
  CanvasRenderingContext2D,
  | "save"
  | "restore"
  | "clearRect"
  | "fillRect"
  | "beginPath"
  | "moveTo"
  | "lineTo"
  | "arc"
  | "fill"
  | "stroke"
  | "fillText"
  | "setLineDash"
  | "rotate"
  | "translate"
> & {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  globalAlpha: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
};

export function drawDiagram(
  ctx: Ctx,
  diagrams: Diagram[],
  layout: Layout,
  theme: Theme,
  selected: ReadonlyArray<readonly [number, number]>,
  visible?: ReadonlySet<number>,
): void {
  const { left, top, plotW, plotH, lo, hi, inf } = layout;
  ctx.save();
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.font = `11px ${theme.font}`;

  // grid and ticks
  const ticks = niceTicks(lo, Math.min(hi, inf), 5).filter((t) => t >= lo && t <= inf);
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.muted;
  for (const t of ticks) {
    const px = xPixel(layout, t);
    const py = yPixel(layout, t);
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + plotH);
    ctx.moveTo(left, py);
    ctx.lineTo(left + plotW, py);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(formatNumber(t), px, top + plotH + 4);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(formatNumber(t), left - 5, py);
  }

  // frame
  ctx.strokeStyle = theme.muted;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + plotH);
  ctx.lineTo(left + plotW, top + plotH);
  ctx.stroke();

  // the diagonal (death = birth)
  ctx.strokeStyle = theme.muted;
  ctx.beginPath();
  ctx.moveTo(xPixel(layout, lo), yPixel(layout, lo));
  ctx.lineTo(xPixel(layout, hi), yPixel(layout, hi));
  ctx.stroke();

  // the line of infinite deaths
  const yInf = yPixel(layout, Infinity);
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(left, yInf);
  ctx.lineTo(left + plotW, yInf);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = theme.muted;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  ctx.fillText("∞", left - 5, yInf);

  // axis labels
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText("Birth", left + plotW / 2, layout.height - 4);
  ctx.save();
  ctx.translate(12, top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText("Death", 0, 0);
  ctx.restore();

  // points, dimension by dimension
  for (const d of diagrams) {
    if (visible && !visible.has(d.dim)) continue;
    ctx.fillStyle = colorOf(theme, d.dim);
    ctx.globalAlpha = d.births.length > 2000 ? 0.6 : 0.85;
    for (let i = 0; i < d.births.length; i++) {
      ctx.beginPath();
      ctx.arc(xPixel(layout, d.births[i] as number), yPixel(layout, d.deaths[i] as number), POINT_RADIUS, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;

  // selection rings on top
  ctx.lineWidth = 2;
  ctx.strokeStyle = theme.foreground;
  for (const [dim, i] of selected) {
    const d = diagrams[dim];
    if (!d || i < 0 || i >= d.births.length || (visible && !visible.has(dim))) continue;
    ctx.beginPath();
    ctx.arc(xPixel(layout, d.births[i] as number), yPixel(layout, d.deaths[i] as number), POINT_RADIUS + 3, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
}

/** Tooltip text for point `i` of dimension `dim`. */
export function describePoint(diagrams: Diagram[], dim: number, i: number): string {
  const d = diagrams[dim];
  if (!d) return "";
  const b = d.births[i] as number;
  const e = d.deaths[i] as number;
  return `H${dim} #${i} · birth ${formatNumber(b)} · death ${formatNumber(e)} · persistence ${formatNumber(e - b)}`;
}

/** Selection after a click on `hit` (null = empty space); shift adds/removes. */
export function nextSelection(
  current: ReadonlyArray<readonly [number, number]>,
  hit: [number, number] | null,
  shift: boolean,
): [number, number][] {
  if (!hit) return shift ? current.map(([a, b]) => [a, b]) : [];
  if (!shift) return [hit];
  const exists = current.some(([a, b]) => a === hit[0] && b === hit[1]);
  return exists
    ? current.filter(([a, b]) => !(a === hit[0] && b === hit[1])).map(([a, b]) => [a, b])
    : [...current.map(([a, b]): [number, number] => [a, b]), hit];
}
