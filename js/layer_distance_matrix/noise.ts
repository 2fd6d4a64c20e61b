// The noise floor of a layer matrix as the view draws it (pure; no DOM, no anywidget): the
// cells whose distance does not exceed the split-half noise floor of their layers are
// hatched, and the hover/status line gives the distance, the floor and the p-value.
import { at, decode, type NDArray } from "../shared/codec";
import { formatNumber } from "../shared/scale";
import type { MatrixLayout } from "./layout";
import type { NoiseRecord } from "./model";

/** A decoded noise record: row-major (L * M) flags, p-values and floors. */
export interface Noise {
  within: Uint8Array;
  p: Float64Array;
  floor: Float64Array;
  label: string;
}

function flat(arr: NDArray, n: number): Float64Array | null {
  if (arr.data.length !== n) return null;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = at(arr, k);
  return out;
}

/** Decode one record for a matrix of `n` cells; null when absent or malformed. */
export function toNoise(rec: NoiseRecord | null | undefined, n: number): Noise | null {
  if (!rec || n === 0) return null;
  try {
    const within = flat(decode(rec.within_noise), n);
    const p = flat(decode(rec.p_values), n);
    const floor = flat(decode(rec.floor), n);
    if (!within || !p || !floor) return null;
    return { within: Uint8Array.from(within, (v) => (v ? 1 : 0)), p, floor, label: rec.label || "within the noise floor" };
  } catch {
    return null;
  }
}

/** The hatched cells as [row, column] pairs, row-major. */
export function markedCells(noise: Noise | null, cols: number): [number, number][] {
  const out: [number, number][] = [];
  if (!noise || cols === 0) return out;
  noise.within.forEach((m, k) => {
    if (m) out.push([Math.floor(k / cols), k % cols]);
  });
  return out;
}

/** " · floor = 4.1, p = 0.43: within the noise" for cell (i, j); "" without a floor. */
export function describeNoise(noise: Noise | null, i: number, j: number, cols: number): string {
  if (!noise) return "";
  const k = i * cols + j;
  const within = noise.within[k] ? "within the noise" : "above the noise";
  return ` · noise floor = ${formatNumber(noise.floor[k] as number)}, p = ${formatNumber(noise.p[k] as number)}: ${within}`;
}

/** The legend: the record's label, and how many layer pairs (cells above the diagonal of a
 * square matrix, else cells) are within the noise. */
export function noiseLegend(noise: Noise, rows: number, cols: number): string {
  let marked = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = rows === cols ? i + 1 : 0; j < cols; j++) {
      total += 1;
      if (noise.within[i * cols + j]) marked += 1;
    }
  }
  return `${noise.label} · ${marked} of ${total} ${rows === cols ? "layer pairs" : "cells"}`;
}

/** Pixels between hatch lines. */
export const HATCH_SPACING = 5;

/**
 * The hatch lines of cell (i, j): 45-degree segments `spacing` apart, each clipped to the
 * cell (less the grid's gap), as [x0, y0, x1, y1] in CSS pixels.
 */
export function hatchSegments(layout: MatrixLayout, i: number, j: number, gap: number, spacing = HATCH_SPACING): [number, number, number, number][] {
  const s = layout.cell - gap;
  const x0 = layout.left + j * layout.cell;
  const y0 = layout.top + i * layout.cell;
  const out: [number, number, number, number][] = [];
  // the line x + y = t inside the square [0, s]^2 runs from (t - lo, lo) to (t - hi, hi)
  for (let t = spacing / 2; t < 2 * s; t += spacing) {
    const lo = Math.max(0, t - s);
    const hi = Math.min(t, s);
    out.push([x0 + t - lo, y0 + lo, x0 + t - hi, y0 + hi]);
  }
  return out;
}
