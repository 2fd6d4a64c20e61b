// Geometry of the heatmap: margins from the label widths, cell <-> pixel, keyboard moves.

export interface MatrixLayout {
  width: number;
  height: number;
  /** Top-left corner of the cell grid and the side of a cell, CSS pixels. */
  left: number;
  top: number;
  cell: number;
  rows: number;
  cols: number;
  /** Draw every k-th row / column label so that labels never overlap. */
  rowEvery: number;
  colEvery: number;
  /** Column labels hang at 45 degrees, or upright (90) when cells are too narrow for every
   * 45-degree label (a 20-layer explorer's 16 px cells): every column keeps its name. */
  colAngle: 45 | 90;
  /** Longest label drawn, in pixels (labels are ellipsised to this). */
  labelMax: number;
  /** The colour bar's rectangle. */
  bar: { x: number; y: number; w: number; h: number };
}

export const FONT_PX = 11;
/** Labels longer than this many pixels are shortened with a middle ellipsis. */
export const LABEL_MAX_PX = 160; // "layer2.0.downsample.0" whole in any sans font
const BAR_GAP = 18;
const BAR_W = 14;
const BAR_TEXT = 76; // ticks and the rotated metric name
const SIN45 = Math.SQRT1_2;

export type Measure = (text: string) => number;

/** A rough text width for when no canvas is available (jsdom): 0.6 em per character. */
export const roughMeasure: Measure = (t) => t.length * FONT_PX * 0.6;

/**
 * `text` shortened in the middle ("features.1…conv2") to fit in `maxPx`: the longest
 * such shortening that fits, found by bisection (a label of n characters costs about
 * log2(n) measurements, so a 20,000-character name cannot freeze the view).
 */
export function fitLabel(text: string, maxPx: number, measure: Measure): string {
  if (measure(text) <= maxPx) return text;
  // a dotted module path first drops whole middle parts: "layer2.…downsample.0" keeps the
  // stage and the module, where a cut inside a word read "layer2.0.d…nsample.0"
  const parts = text.split(".");
  if (parts.length > 2) {
    for (let k = 1; k < parts.length - 1; k++) {
      const tail = parts.slice(k + 1);
      if (!tail.some((p) => /\D/.test(p))) break; // "layer1.…0" says nothing: cut inside
      const s = `${parts[0]}.…${tail.join(".")}`;
      if (measure(s) <= maxPx) return s;
    }
  }
  const chars = [...text];
  const cut = (keep: number): string => {
    const head = Math.ceil(keep / 2);
    return `${chars.slice(0, head).join("")}…${chars.slice(chars.length - (keep - head)).join("")}`;
  };
  // the widest kept count in 2 .. n-1 whose shortening fits (widths grow with keep)
  let lo = 2;
  let hi = chars.length - 1;
  let best = "";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = cut(mid);
    if (measure(s) <= maxPx) {
      best = s;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best || `${chars[0] ?? ""}…`;
}

export function computeLayout(
  rows: readonly string[],
  cols: readonly string[],
  cell: number,
  measure: Measure,
  metric = "",
): MatrixLayout {
  const widest = (names: readonly string[]): number =>
    names.reduce((m, s) => Math.max(m, Math.min(LABEL_MAX_PX, measure(s))), 0);
  const rowW = widest(rows);
  const colW = widest(cols);
  // row labels sit left of the grid; column labels hang below it at 45 degrees, so
  // the first ones reach left of the grid too
  const line = FONT_PX + 2;
  const colAngle: 45 | 90 = cell * SIN45 >= line || cell < line ? 45 : 90;
  const slant = colAngle === 45 ? SIN45 : 1;
  const left = Math.ceil(Math.max(rowW + 10, colAngle === 45 ? colW * SIN45 - cell / 2 + 6 : 0, 20));
  const top = 8;
  const gridW = cols.length * cell;
  const gridH = rows.length * cell;
  const colLabelH = Math.ceil(colW * slant + (colAngle === 45 ? FONT_PX * SIN45 : 0) + 10);
  // the colour bar is tall enough for the metric's name, written along it, in full
  const barH = Math.max(gridH, 80, Math.ceil(measure(metric) + 12));
  return {
    width: left + gridW + BAR_GAP + BAR_W + BAR_TEXT,
    height: top + Math.max(gridH + colLabelH, barH) + 4,
    left,
    top,
    cell,
    rows: rows.length,
    cols: cols.length,
    rowEvery: Math.max(1, Math.ceil(line / cell)),
    colEvery: Math.max(1, Math.ceil(line / (cell * (colAngle === 45 ? SIN45 : 1)))),
    colAngle,
    labelMax: LABEL_MAX_PX,
    bar: { x: left + gridW + BAR_GAP, y: top, w: BAR_W, h: barH },
  };
}

/** The cell `[row, column]` under (x, y), or null outside the grid. */
export function cellAt(layout: MatrixLayout, x: number, y: number): [number, number] | null {
  const j = Math.floor((x - layout.left) / layout.cell);
  const i = Math.floor((y - layout.top) / layout.cell);
  if (i < 0 || j < 0 || i >= layout.rows || j >= layout.cols) return null;
  return [i, j];
}

/** Centre of cell (i, j) in CSS pixels. */
export function cellCenter(layout: MatrixLayout, i: number, j: number): [number, number] {
  return [layout.left + (j + 0.5) * layout.cell, layout.top + (i + 0.5) * layout.cell];
}

const MOVES: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/**
 * The selection after pressing `key`: arrows move (clamped to the grid), starting at
 * [0, 0] when nothing is selected; Home/End jump to the diagonal's ends; Escape clears.
 * `undefined` when the key means nothing here.
 */
export function moveSelection(
  pair: readonly number[],
  key: string,
  rows: number,
  cols: number,
): number[] | undefined {
  if (rows === 0 || cols === 0) return undefined;
  if (key === "Escape") return [];
  if (key === "Home") return [0, 0];
  if (key === "End") return [rows - 1, cols - 1];
  const d = MOVES[key];
  if (!d) return undefined;
  if (pair.length !== 2) return [0, 0];
  const i = Math.min(rows - 1, Math.max(0, (pair[0] as number) + d[0]));
  const j = Math.min(cols - 1, Math.max(0, (pair[1] as number) + d[1]));
  return [i, j];
}
