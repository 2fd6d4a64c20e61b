// Pure canvas rendering of the persistence views: no anywidget, testable with a recording context.
import type { Ctx } from "../shared/ctx";
import { bandMask, bandPolygon, FADED, type Confidence } from "./confidence";
import type { RasterLayer } from "./raster";
import { formatNumber, ticks } from "../shared/scale";
import type { Theme } from "../shared/theme";
import {
  barPixels,
  pointPixel,
  POINT_RADIUS,
  xPixel,
  yPixel,
  type Diagram,
  type Layout,
  type Visible,
} from "./layout";

export type { Ctx } from "../shared/ctx";
export * from "./confidence";
export * from "./interact";
export * from "./layout";

/** What one frame shows. */
export interface Scene {
  diagrams: Diagram[];
  /** Optional second diagram drawn over the first (hollow markers). */
  overlay?: Diagram[];
  /** Per dimension, (m, 2) matched index pairs [main, overlay], -1 for the diagonal. */
  matching?: Int32Array[];
  selected: ReadonlyArray<readonly number[]>;
  visible?: Visible;
  brush?: [number, number, number, number] | null;
  /** The confidence set of the first and the second diagram (null or absent: none). */
  confidence?: (Confidence | null)[];
  /**
   * For large diagrams: turns discs into one bitmap of the plot's size (see raster.ts),
   * far cheaper than filling a canvas path of thousands of arcs.
   */
  rasterize?: (layers: RasterLayer[]) => CanvasImageSource | null;
}

/** Above this many points of one dimension, discs are rasterised (when available). */
export const RASTER_THRESHOLD = 1500;

export function colorOf(theme: Theme, dim: number): string {
  return theme.categorical[dim % theme.categorical.length] as string;
}

const shown = (d: Diagram, visible: Visible): boolean => !visible || visible.has(d.dim);

function drawAxes(ctx: Ctx, layout: Layout, theme: Theme): void {
  const { left, top, plotW, plotH, mode } = layout;
  ctx.lineWidth = 1;
  ctx.font = `11px ${theme.font}`;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.muted;
  const xTicks = ticks(layout.xlo, Math.min(layout.xhi, layout.inf), 5).filter((t) => t >= layout.xlo);
  for (const t of xTicks) {
    const px = xPixel(layout, t);
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + plotH);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(formatNumber(t), px, top + plotH + 4);
  }
  if (mode !== "barcode") {
    const yTicks = ticks(layout.ylo, Math.min(layout.yhi, layout.inf), 5).filter((t) => t >= layout.ylo);
    for (const t of yTicks) {
      const py = yPixel(layout, t);
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(left + plotW, py);
      ctx.stroke();
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(formatNumber(t), left - 5, py);
    }
  }
  // the label of the line of infinite deaths (the line itself is drawn in the plot area)
  ctx.font = `13px ${theme.font}`;
  if (mode === "barcode") {
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText("∞", xPixel(layout, Infinity), top + plotH + 3);
  } else {
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText("∞", left - 5, yPixel(layout, Infinity));
  }
  ctx.font = `11px ${theme.font}`;
  ctx.strokeStyle = theme.muted;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + plotH);
  ctx.lineTo(left + plotW, top + plotH);
  ctx.stroke();

  ctx.fillStyle = theme.foreground;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(mode === "barcode" ? "Filtration value" : "Birth", left + plotW / 2, layout.height - 4);
  ctx.save();
  ctx.translate(12, top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(mode === "diagram" ? "Death" : mode === "lifetime" ? "Persistence (death − birth)" : "Bars", 0, 0);
  ctx.restore();
}

function drawReferenceLines(ctx: Ctx, layout: Layout, theme: Theme): void {
  const { left, top, plotW, plotH } = layout;
  ctx.strokeStyle = theme.muted;
  ctx.lineWidth = 1;
  if (layout.mode === "diagram") {
    // the diagonal death = birth, with the impossible region below it shaded
    const lo = Math.max(layout.xlo, layout.ylo);
    const hi = Math.min(layout.xhi, layout.yhi);
    ctx.globalAlpha = 0.08;
    ctx.fillStyle = theme.muted;
    ctx.beginPath();
    ctx.moveTo(xPixel(layout, layout.xlo), yPixel(layout, layout.xlo));
    ctx.lineTo(xPixel(layout, layout.xhi), yPixel(layout, layout.xhi));
    ctx.lineTo(xPixel(layout, layout.xhi), top + plotH);
    ctx.lineTo(xPixel(layout, layout.xlo), top + plotH);
    ctx.closePath();
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.beginPath();
    ctx.moveTo(xPixel(layout, lo), yPixel(layout, lo));
    ctx.lineTo(xPixel(layout, hi), yPixel(layout, hi));
    ctx.stroke();
  }
  // infinite deaths: a dashed line marked ∞ (vertical in barcode mode)
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.fillStyle = theme.muted;
  if (layout.mode === "barcode") {
    const x = xPixel(layout, Infinity);
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + plotH);
    ctx.stroke();
    if (layout.overlayStart !== undefined) {
      // two layers: a solid rule between the first layer's block of bars and the second's
      ctx.setLineDash([]);
      ctx.beginPath();
      const y = yPixel(layout, layout.yhi - layout.overlayStart);
      ctx.moveTo(left, y);
      ctx.lineTo(left + plotW, y);
      ctx.stroke();
    }
  } else {
    const y = yPixel(layout, Infinity);
    ctx.moveTo(left, y);
    ctx.lineTo(left + plotW, y);
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function drawMarks(
  ctx: Ctx,
  layout: Layout,
  theme: Theme,
  diagrams: Diagram[],
  visible: Visible,
  hollow: boolean,
  rasterize?: Scene["rasterize"],
  conf?: Confidence | null,
): void {
  const big: RasterLayer[] = [];
  for (const d of diagrams) {
    if (!shown(d, visible) || d.births.length === 0) continue;
    const color = colorOf(theme, d.dim);
    // the confidence set's dimension: points inside its band are drawn faded, in a pass of
    // their own (pass 1), before the significant ones (pass 0) so these stay on top
    const faded = conf && conf.dim === d.dim ? bandMask(d, conf.c_alpha) : null;
    const passes = faded ? [1, 0] : [0];
    const inPass = (i: number, pass: number): boolean => (faded ? faded[i] : 0) === pass;
    if (layout.mode === "barcode") {
      const w = Math.max(1, Math.min(6, (layout.plotH / Math.max(1, layout.yhi - layout.ylo)) * 0.7));
      for (const pass of passes) {
        ctx.strokeStyle = color;
        ctx.globalAlpha = pass ? FADED : 1;
        // the second layer's bars: thinner and dashed, so the two layers read apart
        ctx.lineWidth = hollow ? Math.max(1, w / 2) : w;
        ctx.setLineDash(hollow ? [4, 3] : []);
        ctx.beginPath();
        for (let i = 0; i < d.births.length; i++) {
          if (!inPass(i, pass)) continue;
          const bar = barPixels(layout, d, i, hollow);
          if (!bar) continue;
          ctx.moveTo(bar[0], bar[2]);
          ctx.lineTo(bar[1], bar[2]);
        }
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.globalAlpha = 1;
      continue;
    }
    const alpha = hollow ? 1 : d.births.length > 2000 ? 0.55 : 0.85;
    if (!hollow && rasterize && d.births.length > RASTER_THRESHOLD) {
      const n = d.births.length;
      // pointPixel, unrolled: no tuple per point
      const sx = layout.plotW / (layout.xhi - layout.xlo);
      const sy = layout.plotH / (layout.yhi - layout.ylo);
      const y0 = layout.top + layout.plotH;
      const lifetime = layout.mode === "lifetime";
      for (const pass of passes) {
        const xs: number[] = [];
        const ys: number[] = [];
        for (let i = 0; i < n; i++) {
          if (!inPass(i, pass)) continue;
          const b = d.births[i] as number;
          const e = d.deaths[i] as number;
          const v = Number.isFinite(e) ? (lifetime ? e - b : e) : layout.inf;
          xs.push(layout.left + (b - layout.xlo) * sx);
          ys.push(y0 - (v - layout.ylo) * sy);
        }
        if (xs.length) big.push({ xs: Float64Array.from(xs), ys: Float64Array.from(ys), color, alpha: pass ? alpha * FADED : alpha });
      }
      continue;
    }
    // one path per dimension and pass: the first layer's discs, the second layer's diamonds
    for (const pass of passes) {
      ctx.globalAlpha = pass ? alpha * FADED : alpha;
      ctx.beginPath();
      const r = POINT_RADIUS + 1;
      for (let i = 0; i < d.births.length; i++) {
        if (!inPass(i, pass)) continue;
        const [x, y] = pointPixel(layout, d, i);
        if (hollow) {
          ctx.moveTo(x, y - r);
          ctx.lineTo(x + r, y);
          ctx.lineTo(x, y + r);
          ctx.lineTo(x - r, y);
          ctx.closePath();
        } else {
          ctx.moveTo(x + POINT_RADIUS, y);
          ctx.arc(x, y, POINT_RADIUS, 0, 2 * Math.PI);
        }
      }
      if (hollow) {
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.5;
        ctx.stroke();
      } else {
        ctx.fillStyle = color;
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  }
  const bitmap = big.length && rasterize ? rasterize(big) : null;
  if (bitmap) ctx.drawImage(bitmap, 0, 0, layout.width, layout.height);
}

/** Opacity of a band's shading; two overlapping bands (two layers) darken where both hold. */
export const BAND_ALPHA = 0.14;

/**
 * The confidence bands of the diagrams shown (diagram and lifetime modes): each shaded in
 * its dimension's colour, its far edge a line (solid for the first layer, dashed for the
 * second, as their bars are in barcode mode).
 */
function drawBands(ctx: Ctx, layout: Layout, theme: Theme, scene: Scene): void {
  (scene.confidence ?? []).forEach((conf, k) => {
    if (!conf || (scene.visible && !scene.visible.has(conf.dim))) return;
    const poly = bandPolygon(layout, conf.c_alpha);
    if (!poly) return;
    const color = colorOf(theme, conf.dim);
    // below the line of infinite deaths: an infinite bar is never in the band
    ctx.save();
    ctx.beginPath();
    const cap = yPixel(layout, Infinity) + POINT_RADIUS + 2;
    ctx.rect(layout.left, cap, layout.plotW, layout.top + layout.plotH - cap);
    ctx.clip();
    ctx.fillStyle = color;
    ctx.globalAlpha = BAND_ALPHA;
    ctx.beginPath();
    poly.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.fill();
    ctx.globalAlpha = 0.9;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(k ? [5, 4] : []);
    ctx.beginPath();
    const [a, b] = [poly[3], poly[2]] as [[number, number], [number, number]];
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.globalAlpha = 1;
    ctx.restore();
  });
}

/** Diagonal projection of (b, e) in the current mode, in pixels. */
function diagonalPixel(layout: Layout, b: number, e: number): [number, number] {
  const mid = (b + e) / 2;
  return layout.mode === "lifetime" ? [xPixel(layout, mid), yPixel(layout, 0)] : [xPixel(layout, mid), yPixel(layout, mid)];
}

/** Matching lines drawn per dimension at most: the longest moves, which carry the distance;
 * hundreds of short ones only make a grey fan over the points. */
export const MATCH_TOP = 25;

/** The segments of the matching of dimension `dim`, longest first, at most `top` of them. */
export function matchingSegments(layout: Layout, scene: Scene, dim: number, top = MATCH_TOP): [number, number, number, number][] {
  const pairs = scene.matching?.[dim];
  const a = scene.diagrams[dim];
  const b = scene.overlay?.[dim];
  if (!pairs || !a || !b) return [];
  const segs: [number, number, number, number][] = [];
  for (let k = 0; k + 1 < pairs.length; k += 2) {
    const i = pairs[k] as number;
    const j = pairs[k + 1] as number;
    if (i < 0 && j < 0) continue;
    const p = i >= 0 ? pointPixel(layout, a, i) : diagonalPixel(layout, b.births[j] as number, b.deaths[j] as number);
    const q = j >= 0 ? pointPixel(layout, b, j) : diagonalPixel(layout, a.births[i] as number, a.deaths[i] as number);
    segs.push([p[0], p[1], q[0], q[1]]);
  }
  const len = (s: [number, number, number, number]): number => Math.hypot(s[2] - s[0], s[3] - s[1]);
  return segs.sort((x, y) => len(y) - len(x)).slice(0, top);
}

function drawMatching(ctx: Ctx, layout: Layout, theme: Theme, scene: Scene): void {
  const { matching, overlay } = scene;
  if (!matching || !overlay || layout.mode === "barcode") return;
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 1;
  ctx.globalAlpha = 0.55;
  ctx.beginPath();
  matching.forEach((_, dim) => {
    if (scene.visible && !scene.visible.has(dim)) return;
    for (const [x0, y0, x1, y1] of matchingSegments(layout, scene, dim)) {
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
    }
  });
  ctx.stroke();
  ctx.globalAlpha = 1;
}

function drawSelection(ctx: Ctx, layout: Layout, theme: Theme, scene: Scene): void {
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 2;
  for (const [dim, i] of scene.selected) {
    const d = scene.diagrams[dim as number];
    if (!d || (i as number) < 0 || (i as number) >= d.births.length || !shown(d, scene.visible)) continue;
    ctx.beginPath();
    if (layout.mode === "barcode") {
      const bar = barPixels(layout, d, i as number);
      if (!bar) continue;
      ctx.rect(bar[0] - 2, bar[2] - 4, bar[1] - bar[0] + 4, 8);
    } else {
      const [x, y] = pointPixel(layout, d, i as number);
      ctx.arc(x, y, POINT_RADIUS + 3, 0, 2 * Math.PI);
    }
    ctx.stroke();
  }
}

/** Draw one frame of the scene. */
export function drawScene(ctx: Ctx, layout: Layout, theme: Theme, scene: Scene): void {
  ctx.save();
  ctx.clearRect(0, 0, layout.width, layout.height);
  drawAxes(ctx, layout, theme);
  ctx.save();
  ctx.beginPath();
  ctx.rect(layout.left, layout.top - POINT_RADIUS - 4, layout.plotW + POINT_RADIUS + 4, layout.plotH + POINT_RADIUS + 4);
  ctx.clip();
  drawBands(ctx, layout, theme, scene);
  drawReferenceLines(ctx, layout, theme);
  drawMatching(ctx, layout, theme, scene);
  const [conf, conf2] = scene.confidence ?? [];
  drawMarks(ctx, layout, theme, scene.diagrams, scene.visible, false, scene.rasterize, conf);
  if (scene.overlay) drawMarks(ctx, layout, theme, scene.overlay, scene.visible, true, undefined, conf2);
  drawSelection(ctx, layout, theme, scene);
  ctx.restore();
  if (scene.brush) {
    const [x0, y0, x1, y1] = scene.brush;
    ctx.strokeStyle = theme.accent;
    ctx.fillStyle = theme.accent;
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.15;
    ctx.fillRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
    ctx.globalAlpha = 1;
    ctx.strokeRect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
  }
  ctx.restore();
}
