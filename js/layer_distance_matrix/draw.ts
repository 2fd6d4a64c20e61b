// Pure drawing of the heatmap, its labels and colour bar: no anywidget, testable in jsdom.
import type { NDArray } from "../shared/codec";
import { at } from "../shared/codec";
import { extent, luminance, sequentialScale, type ColorScale } from "../shared/colormap";
import type { Ctx } from "../shared/ctx";
import { formatNumber, niceTicks } from "../shared/scale";
import type { Theme } from "../shared/theme";
import { FONT_PX, fitLabel, type MatrixLayout } from "./layout";

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
  const showValues = cell >= 34;
  ctx.font = `${Math.min(FONT_PX, Math.floor(cell / 3.2))}px ${theme.font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = valueAt(m, i, j);
      const rgb = scale.rgb(v);
      ctx.fillStyle = `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
      ctx.fillRect(left + j * cell, top + i * cell, cell - gap, cell - gap);
      if (showValues) {
        ctx.fillStyle = luminance(rgb) > 0.35 ? "#000000" : "#ffffff";
        ctx.fillText(formatNumber(v), left + (j + 0.5) * cell, top + (i + 0.5) * cell);
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

  drawLabels(ctx, m, layout, theme, sel);
  drawColorBar(ctx, layout, scale, theme, m.metric);
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

function drawLabels(
  ctx: Ctx,
  m: Matrix,
  layout: MatrixLayout,
  theme: Theme,
  sel: readonly number[] | null,
): void {
  const { left, top, cell, rows, cols } = layout;
  const measure = (s: string): number => ctx.measureText(s).width;
  const font = (bold: boolean): string => `${bold ? "600 " : ""}${FONT_PX}px ${theme.font}`;
  // rows: right-aligned left of the grid
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let i = 0; i < rows; i++) {
    const isSel = sel?.[0] === i;
    if (i % layout.rowEvery !== 0 && !isSel) continue;
    ctx.font = font(isSel);
    ctx.fillStyle = isSel ? theme.accent : theme.foreground;
    ctx.fillText(fitLabel(m.rows[i] ?? "", layout.labelMax, measure), left - 6, top + (i + 0.5) * cell);
  }
  // columns: below the grid, rotated 45 degrees, ending under their column
  const y0 = top + rows * cell + 6;
  for (let j = 0; j < cols; j++) {
    const isSel = sel?.[1] === j;
    if (j % layout.colEvery !== 0 && !isSel) continue;
    ctx.save();
    ctx.translate(left + (j + 0.5) * cell, y0);
    ctx.rotate(-Math.PI / 4);
    ctx.font = font(isSel);
    ctx.fillStyle = isSel ? theme.accent : theme.foreground;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(fitLabel(m.cols[j] ?? "", layout.labelMax, measure), 0, 0);
    ctx.restore();
  }
}

function drawColorBar(ctx: Ctx, layout: MatrixLayout, scale: ColorScale, theme: Theme, metric: string): void {
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
  ctx.font = `${FONT_PX}px ${theme.font}`;
  ctx.fillStyle = theme.muted;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const span = scale.hi - scale.lo;
  const ticks = span > 0 ? niceTicks(scale.lo, scale.hi, 4) : [scale.lo];
  for (const t of ticks) {
    const ty = span > 0 ? y + h - ((t - scale.lo) / span) * h : y + h / 2;
    ctx.beginPath();
    ctx.moveTo(x + w, ty);
    ctx.lineTo(x + w + 4, ty);
    ctx.stroke();
    ctx.fillText(formatNumber(t), x + w + 6, ty);
  }
  // the metric's name, reading bottom to top beside the ticks
  ctx.save();
  ctx.translate(x + w + 62, y + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(fitLabel(metric || "distance", Math.max(40, h - 4), (s) => ctx.measureText(s).width), 0, 0);
  ctx.restore();
}
