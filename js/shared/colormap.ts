// Perceptual sequential colour map (viridis), as a short hand-written table of
// anchor colours interpolated linearly in sRGB. Readable on light and dark
// backgrounds, monotonic in lightness, safe for the common colour-vision deficiencies.
// Kept instead of d3-scale-chromatic's interpolateViridis: that module ships as one file
// of every scheme: with it layer_distance_matrix.js grew 20.0 -> 51.7 KB and
// mapper_graph.js 98.3 -> 115.1 KB (minified); colormap.test.ts
// checks that this table stays within 3/255 of d3's viridis (11 anchors: 14/255).
import { extent as d3Extent } from "d3-array";
import { CATEGORICAL } from "./theme";

export type RGB = [number, number, number];

/** 21 evenly spaced anchors of viridis (d3-scale-chromatic's), t = 0, 0.05, ..., 1. */
const VIRIDIS: readonly string[] = [
  "#440154",
  "#471365",
  "#482475",
  "#463480",
  "#414487",
  "#3b528b",
  "#355f8d",
  "#2f6c8e",
  "#2a788e",
  "#25848e",
  "#21918c",
  "#1e9c89",
  "#22a884",
  "#2fb47c",
  "#44bf70",
  "#5ec962",
  "#7ad151",
  "#9bd93c",
  "#bddf26",
  "#dfe318",
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

/** Finite minimum and maximum of `values` ([0, 1] when there are none): d3-array's extent. */
export function extent(values: Iterable<number>): [number, number] {
  const [lo, hi] = d3Extent(values, (v) => (Number.isFinite(v) ? v : undefined));
  return lo === undefined || hi === undefined ? [0, 1] : [lo, hi];
}

/**
 * Class colours (pie charts, legend): the one categorical palette (theme.ts): Okabe-Ito
 * then three of Tol's, ten in all. It repeats after ten classes.
 */
export function classColor(c: number): string {
  const n = CATEGORICAL.length;
  return CATEGORICAL[((c % n) + n) % n] as string;
}
