// Perceptual sequential colour map (viridis), as a short hand-written table of
// anchor colours interpolated linearly in sRGB. Readable on light and dark
// backgrounds, monotonic in lightness, safe for the common colour-vision deficiencies.

export type RGB = [number, number, number];

/** Eleven evenly spaced anchors of viridis, t = 0, 0.1, ..., 1. */
const VIRIDIS: readonly string[] = [
  "#440154",
  "#482475",
  "#414487",
  "#355f8d",
  "#2a788e",
  "#21918c",
  "#22a884",
  "#44bf70",
  "#7ad151",
  "#bddf26",
  "#fde725",
];

function hexToRgb(hex: string): RGB {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const ANCHORS: readonly RGB[] = VIRIDIS.map(hexToRgb);

/** Viridis at `t` in [0, 1] (clamped; NaN gives the low end) as [r, g, b] in 0..255. */
export function viridis(t: number): RGB {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = x * (ANCHORS.length - 1);
  const i = Math.min(ANCHORS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = ANCHORS[i] as RGB;
  const b = ANCHORS[i + 1] as RGB;
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

export function rgbCss([r, g, b]: RGB): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/** Relative luminance (WCAG) of an sRGB colour, 0 (black) .. 1 (white). */
export function luminance([r, g, b]: RGB): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Maps values in [lo, hi] to viridis colours; a constant range maps to the middle. */
export interface ColorScale {
  lo: number;
  hi: number;
  rgb(v: number): RGB;
  css(v: number): string;
}

export function sequentialScale(lo: number, hi: number): ColorScale {
  const span = hi - lo;
  const t = (v: number): number => (span > 0 ? (v - lo) / span : 0.5);
  return {
    lo,
    hi,
    rgb: (v) => viridis(t(v)),
    css: (v) => rgbCss(viridis(t(v))),
  };
}

/** Finite minimum and maximum of `values` ([0, 1] when there are none). */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/**
 * Class colours for pie charts: ten well-separated hues that stay readable on light
 * and dark backgrounds (no black, no pale yellow), then two more; they repeat after 12.
 */
export const CLASS_COLORS: readonly string[] = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
  "#aec7e8",
  "#ffbb78",
];

export function classColor(c: number): string {
  return CLASS_COLORS[((c % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length] as string;
}
