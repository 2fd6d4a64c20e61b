// The confidence set of a diagram as the view draws it (pure; no DOM, no anywidget).
//
// A confidence set of radius c_alpha (bottleneck, i.e. L∞ matching distance) around a
// diagram cannot tell a point within c_alpha of the diagonal from no point at all: those
// points are the band death − birth <= 2 c_alpha (diagram mode: between the diagonal and
// the line death = birth + 2 c_alpha; lifetime mode: persistence <= 2 c_alpha; barcode
// mode: bars shorter than 2 c_alpha). The band is shaded, the points inside it faded, and
// the header counts the points outside it: the significant features. Python's
// PersistenceDiagramWidget.significant applies the same rule (death − birth > 2 c_alpha).
import { formatNumber, significant } from "../shared/scale";
import { xPixel, yPixel, type Diagram, type Layout } from "./layout";

/** One diagram's confidence set, as Python's `confidence` trait sends it. */
export interface Confidence {
  c_alpha: number;
  alpha: number;
  method: string;
  n_boot: number;
  dim: number;
}

function isConfidence(v: unknown): v is Confidence {
  if (!v || typeof v !== "object") return false;
  const r = v as Record<string, unknown>;
  return ["c_alpha", "alpha", "n_boot", "dim"].every((k) => typeof r[k] === "number" && Number.isFinite(r[k]));
}

/** The trait's list, with anything malformed read as "no confidence set". */
export function toConfidence(raw: unknown): (Confidence | null)[] {
  return Array.isArray(raw) ? raw.map((v) => (isConfidence(v) ? v : null)) : [];
}

/** Whether (birth, death) lies in the band, i.e. is not significant. Infinite bars never do. */
export function inBand(birth: number, death: number, c: number): boolean {
  return death - birth <= 2 * c;
}

/** Per point of `d`: 1 inside the band (faded), 0 outside (significant). */
export function bandMask(d: Diagram, c: number): Uint8Array {
  const out = new Uint8Array(d.births.length);
  for (let i = 0; i < out.length; i++) out[i] = inBand(d.births[i] as number, d.deaths[i] as number, c) ? 1 : 0;
  return out;
}

/** Indices of the significant points of `d` (outside the band). */
export function significantIndices(d: Diagram, c: number): number[] {
  const mask = bandMask(d, c);
  const out: number[] = [];
  mask.forEach((m, i) => {
    if (!m) out.push(i);
  });
  return out;
}

const METHOD_NAMES: Record<string, string> = { subsample: "subsampling", bootstrap: "bootstrap" };
const short = significant(2);

/** "95 %" for alpha = 0.05. */
export function levelText(alpha: number): string {
  return `${Number((100 * (1 - alpha)).toFixed(1))} %`;
}

/** "3 of 41 H1 features significant at α = 0.05 (subsampling, B = 100)". */
export function headerText(conf: Confidence, d: Diagram | undefined): string {
  const n = d?.births.length ?? 0;
  const k = d ? significantIndices(d, conf.c_alpha).length : 0;
  const method = METHOD_NAMES[conf.method] ?? conf.method;
  return `${k} of ${n} H${conf.dim} features significant at α = ${formatNumber(conf.alpha)} (${method}, B = ${conf.n_boot})`;
}

/** The band's legend: what the shading (or fading, in barcode mode) means. */
export function bandText(conf: Confidence, barcode: boolean): string {
  const c = short(conf.c_alpha);
  const level = levelText(conf.alpha);
  return barcode
    ? `faded: bars shorter than 2c_α = ${short(2 * conf.c_alpha)} (within c_α = ${c} of the diagonal, L∞), the ${level} confidence set`
    : `shaded: within c_α = ${c} of the diagonal (L∞), the ${level} confidence set`;
}

/**
 * The band's outline in pixels, for the layout's mode: a parallelogram along the diagonal
 * (diagram mode) or a strip above persistence 0 (lifetime mode), spanning the value
 * window (the plot's clip cuts it); null in barcode mode, which fades bars instead.
 */
export function bandPolygon(layout: Layout, c: number): [number, number][] | null {
  const w = 2 * c;
  if (layout.mode === "diagram") {
    const lo = Math.min(layout.xlo, layout.ylo - w);
    const hi = Math.max(layout.xhi, layout.yhi);
    return [
      [xPixel(layout, lo), yPixel(layout, lo)],
      [xPixel(layout, hi), yPixel(layout, hi)],
      [xPixel(layout, hi), yPixel(layout, hi + w)],
      [xPixel(layout, lo), yPixel(layout, lo + w)],
    ];
  }
  if (layout.mode === "lifetime") {
    return [
      [xPixel(layout, layout.xlo), yPixel(layout, 0)],
      [xPixel(layout, layout.xhi), yPixel(layout, 0)],
      [xPixel(layout, layout.xhi), yPixel(layout, w)],
      [xPixel(layout, layout.xlo), yPixel(layout, w)],
    ];
  }
  return null;
}

/** Opacity of faded marks relative to normal ones. */
export const FADED = 0.28;
