// Pure drawing of the heatmap and its colour bar, and the placing of its text labels (which
// index.ts renders as DOM elements, coloured by the theme's CSS): no anywidget, testable in jsdom.
import type { NDArray } from "../shared/codec";
import { at } from "../shared/codec";
import { extent, luminance, sequentialScale, type ColorScale } from "../shared/colormap";
import type { Ctx } from "../shared/ctx";
import { formatNumber, scientific, significant, ticks } from "../shared/scale";
import type { Theme } from "../shared/theme";
import { FONT_PX, fitLabel, type MatrixLayout, type Measure } from "./layout";
import { hatchSegments, type Noise } from "./noise";

/** A decoded matrix with its names. */
export interface Matrix {
  rows: string[];
  cols: string[];
  values: Float64Array;
  metric: string;
}

/** Build a Matrix from the decoded (L, M) array; names must match its shape. */
export function toMatrix(
  arr: NDArray | null,
  rows: string[],
  cols: string[],
  metric: string,
): Matrix {
  const shape = arr?.shape ?? [0, 0];
  const r = shape.length === 2 ? (shape[0] as number) : 0;
  const c = shape.length === 2 ? (shape[1] as number) : 0;
  if (!arr || r !== rows.length || c !== cols.length) {
    return { rows: [], cols: [], values: new Float64Array(0), metric };
  }
  const values = new Float64Array(r * c);
  for (let k = 0; k < values.length; k++) values[k] = at(arr, k);
  return { rows, cols, values, metric };
}

export function valueAt(m: Matrix, i: number, j: number): number {
  return m.values[i * m.cols.length + j] as number;
}

export function colorScale(m: Matrix): ColorScale {
  const [lo, hi] = extent(m.values);
  return sequentialScale(lo, hi);
}

/** Tooltip text of cell (i, j). */
export function describeCell(m: Matrix, i: number, j: number): string {
  const name = m.metric || "distance";
  return `${m.rows[i] ?? ""} ↔ ${m.cols[j] ?? ""} · ${name} = ${formatNumber(valueAt(m, i, j))}`;
}

export interface DrawState {
  selected: readonly number[];
  hover: readonly number[] | null;
  /** The noise floor of the matrix shown: its cells within the noise are hatched. */
  noise?: Noise | null;
}

export function drawMatrix(
  ctx: Ctx,
  m: Matrix,
  layout: MatrixLayout,
  theme: Theme,
  state: DrawState,
): void {
  const { left, top, cell, rows, cols } = layout;
  const scale = colorScale(m);
  ctx.save();
  ctx.clearRect(0, 0, layout.width, layout.height);

  // cells; a hairline gap between large cells keeps the grid readable
  const gap = cell >= 12 ? 1 : 0;
  const showValues = cell >= 30;
  ctx.font = `${FONT_PX - 1}px ${theme.font}`;
  const measure = (s: string): number => ctx.measureText(s).width;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = valueAt(m, i, j);
      const rgb = scale.rgb(v);
      ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.fillRect(left + j * cell, top + i * cell, cell - gap, cell - gap);
      if (state.noise?.within[i * cols + j]) {
        // hatched: black lines on light cells, white on dark ones, under the value's text
        ctx.strokeStyle = luminance(rgb) > 0.35 ? "rgba(0, 0, 0, 0.55)" : "rgba(255, 255, 255, 0.7)";
        ctx.lineWidth = 1;
        ctx.beginPath();
        for (const [x0, y0, x1, y1] of hatchSegments(layout, i, j, gap)) {
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
        }
        ctx.stroke();
      }
      const label = showValues ? cellText(v, cell, measure) : null;
      if (label !== null) {
        ctx.fillStyle = luminance(rgb) > 0.35 ? "#000000" : "#ffffff";
        ctx.fillText(label, left + (j + 0.5) * cell, top + (i + 0.5) * cell);
      }
    }
  }

  // the selected cell's row and column, then the cell itself (ring visible on any colour)
  const sel = state.selected.length === 2 ? state.selected : null;
  if (sel) {
    const [si, sj] = sel as [number, number];
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(left, top + si * cell, cols * cell - gap, cell - gap);
    ctx.strokeRect(left + sj * cell, top, cell - gap, rows * cell - gap);
    ctx.setLineDash([]);
    ringCell(ctx, layout, si, sj, theme, 2.5);
  }
  const hov = state.hover;
  if (hov && hov.length === 2 && !(sel && sel[0] === hov[0] && sel[1] === hov[1])) {
    ringCell(ctx, layout, hov[0] as number, hov[1] as number, theme, 1.5);
  }

  drawColorBar(ctx, layout, scale, theme);
  ctx.restore();
}

function ringCell(ctx: Ctx, layout: MatrixLayout, i: number, j: number, theme: Theme, w: number): void {
  const { left, top, cell } = layout;
  ctx.lineWidth = w + 2;
  ctx.strokeStyle = theme.background;
  ctx.strokeRect(left + j * cell - 0.5, top + i * cell - 0.5, cell, cell);
  ctx.lineWidth = w;
  ctx.strokeStyle = theme.foreground;
  ctx.strokeRect(left + j * cell - 0.5, top + i * cell - 0.5, cell, cell);
}

/** A text label of the matrix: drawn as a DOM element over the canvas (see index.ts), so
 * that its colour comes from the page's CSS and follows theme switches at once. */
export interface AxisLabel {
  kind: "row" | "col" | "tick" | "metric";
  /** The text shown (shortened to fit) and the full text (for a tooltip). */
  text: string;
  full: string;
  /** Anchor point in CSS pixels of the canvas: rows end there, columns end there rotated
   * -45 degrees, ticks start there, the metric's name is centred there rotated -90. */
  x: number;
  y: number;
  selected: boolean;
}

/** Row numbers `0..n-1` whose label is drawn: every `every`-th, and the selected one, whose
 * neighbours closer than `every` are left out so that the bold name never overprints them. */
export function shownLabels(n: number, every: number, sel: number | undefined): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    if (k === sel) out.push(k);
    else if (k % every === 0 && (sel === undefined || Math.abs(k - sel) >= every)) out.push(k);
  }
  return out;
}

/** Every text label of the matrix: row and column names, colour-bar ticks, metric name. */
export function axisLabels(
  m: Matrix,
  layout: MatrixLayout,
  sel: readonly number[] | null,
  measure: Measure,
): AxisLabel[] {
  const { left, top, cell, rows, cols } = layout;
  const out: AxisLabel[] = [];
  const s = sel && sel.length === 2 ? sel : null;
  for (const i of shownLabels(rows, layout.rowEvery, s?.[0])) {
    const full = m.rows[i] ?? "";
    out.push({ kind: "row", full, text: fitLabel(full, layout.labelMax, measure), x: left - 6, y: top + (i + 0.5) * cell, selected: s?.[0] === i });
  }
  const y0 = top + rows * cell + 6;
  for (const j of shownLabels(cols, layout.colEvery, s?.[1])) {
    const full = m.cols[j] ?? "";
    out.push({ kind: "col", full, text: fitLabel(full, layout.labelMax, measure), x: left + (j + 0.5) * cell, y: y0, selected: s?.[1] === j });
  }
  const { x, y, w, h } = layout.bar;
  const scale = colorScale(m);
  const span = scale.hi - scale.lo;
  for (const t of span > 0 ? ticks(scale.lo, scale.hi, 4) : [scale.lo]) {
    const ty = span > 0 ? y + h - ((t - scale.lo) / span) * h : y + h / 2;
    out.push({ kind: "tick", full: String(t), text: formatNumber(t), x: x + w + 6, y: ty, selected: false });
  }
  const name = m.metric || "distance";
  out.push({ kind: "metric", full: name, text: fitLabel(name, Math.max(40, h - 4), measure), x: x + w + 62, y: y + h / 2, selected: false });
  return out;
}

/** The value written in a cell of `cell` pixels: fewer digits until it fits, else none. */
export function cellText(v: number, cell: number, measure: Measure): string | null {
  const room = cell - 4;
  for (const digits of [3, 2, 1]) {
    const a = Math.abs(v);
    const s = a !== 0 && (a < 1e-2 || a >= 1e4) ? scientific(Math.max(0, digits - 1))(v) : significant(digits)(v);
    if (measure(s) <= room) return s;
  }
  return null;
}

function drawColorBar(ctx: Ctx, layout: MatrixLayout, scale: ColorScale, theme: Theme): void {
  const { x, y, w, h } = layout.bar;
  // one pixel row per step, on whole pixels, so the bar shows no seams
  const steps = Math.max(1, Math.round(h));
  for (let s = 0; s < steps; s++) {
    // top of the bar is the maximum
    const v = scale.hi - ((s + 0.5) / steps) * (scale.hi - scale.lo);
    ctx.fillStyle = scale.css(v);
    ctx.fillRect(x, Math.round(y) + s, w, 1);
  }
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, w, h);
  const span = scale.hi - scale.lo;
  const marks = span > 0 ? ticks(scale.lo, scale.hi, 4) : [scale.lo];
  for (const t of marks) {
    const ty = span > 0 ? y + h - ((t - scale.lo) / span) * h : y + h / 2;
    ctx.beginPath();
    ctx.moveTo(x + w, ty);
    ctx.lineTo(x + w + 4, ty);
    ctx.stroke();
  }
}
