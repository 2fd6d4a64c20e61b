// Pure drawing and hit-testing of the graph in screen space: no anywidget, testable in jsdom.
import { polygonContains } from "d3-polygon";
import { classColor, extent, sequentialScale } from "../shared/colormap";
import type { Ctx } from "../shared/ctx";
import { significant } from "../shared/scale";
import type { Theme } from "../shared/theme";
import { pieSlices, type Graph } from "./graph";
import { apply, type Transform } from "./layout";

/** Screen positions (2 per node) of world positions under `t`. */
export function toScreen(world: ArrayLike<number>, t: Transform): Float64Array {
  const out = new Float64Array(world.length);
  for (let i = 0; i < world.length; i += 2) {
    const [x, y] = apply(t, world[i] as number, world[i + 1] as number);
    out[i] = x;
    out[i + 1] = y;
  }
  return out;
}

/** Radii on screen grow gently with zoom (square root), so nodes stay apart. */
export function screenRadius(r: number, zoom: number): number {
  return r * Math.min(3, Math.max(0.5, Math.sqrt(zoom)));
}

/**
 * A node's drawn radius: its layout radius scaled as the fit scales the layout when the
 * fit shrinks it (k < 1), then by the zoom; 3 px at least. The layout keeps nodes apart
 * by their radii in layout units, so a fit that shrank distances but not radii piled the
 * nodes of a 22-interval graph on each other.
 */
export function drawnRadius(r: number, fitK: number, zoom: number): number {
  return Math.max(3, screenRadius(r * Math.min(1, fitK), zoom));
}

/** The node under (x, y) (the topmost: drawn last), or null. */
export function hitNode(screen: ArrayLike<number>, r: ArrayLike<number>, x: number, y: number, slack = 2): number | null {
  for (let i = screen.length / 2 - 1; i >= 0; i--) {
    const dx = (screen[2 * i] as number) - x;
    const dy = (screen[2 * i + 1] as number) - y;
    const rr = (r[i] as number) + slack;
    if (dx * dx + dy * dy <= rr * rr) return i;
  }
  return null;
}

/** Nodes whose centres lie inside the lasso polygon [x0, y0, x1, y1, ...] (d3-polygon). */
export function nodesInPolygon(screen: ArrayLike<number>, poly: readonly number[]): number[] {
  if (poly.length < 6) return [];
  const ring: [number, number][] = [];
  for (let k = 0; k + 1 < poly.length; k += 2) ring.push([poly[k] as number, poly[k + 1] as number]);
  const out: number[] = [];
  for (let i = 0; i < screen.length / 2; i++) {
    if (polygonContains(ring, [screen[2 * i] as number, screen[2 * i + 1] as number])) out.push(i);
  }
  return out;
}

/** Focus ring radius minus node radius: clear of the selection ring (r + 3) and its halo. */
export const FOCUS_GAP = 7.5;

export interface DrawState {
  selected: ReadonlySet<number>;
  dimmed: Uint8Array;
  edges: readonly number[];
  mode: "classes" | "values";
  hover: number | null;
  lasso: readonly number[] | null;
  /** The keyboard's current node: a focus ring in the accent colour, outside any selection ring. */
  focus?: number | null;
}

export function drawGraph(
  ctx: Ctx,
  g: Graph,
  screen: Float64Array,
  r: Float64Array,
  theme: Theme,
  state: DrawState,
  width: number,
  height: number,
): void {
  ctx.save();
  ctx.clearRect(0, 0, width, height);
  const anyDim = state.dimmed.some((d) => d === 1);

  // edges, bucketed by width so that thousands of them cost a handful of strokes
  ctx.strokeStyle = theme.muted;
  const buckets: number[][] = [[], [], [], [], []];
  for (const e of state.edges) {
    const w = g.weights[e] as number;
    (buckets[Math.min(4, Math.floor(w * 5))] as number[]).push(e);
  }
  buckets.forEach((list, b) => {
    if (!list.length) return;
    ctx.lineWidth = 1 + b;
    ctx.globalAlpha = 0.55 + b * 0.1;
    ctx.beginPath();
    for (const e of list) {
      const s = g.edges[2 * e] as number;
      const t = g.edges[2 * e + 1] as number;
      if (anyDim && state.dimmed[s] && state.dimmed[t]) continue;
      ctx.moveTo(screen[2 * s] as number, screen[2 * s + 1] as number);
      ctx.lineTo(screen[2 * t] as number, screen[2 * t + 1] as number);
    }
    ctx.stroke();
  });

  // nodes: pies of class composition, or a colour scale of node values
  const [lo, hi] = g.values ? extent(g.values) : [0, 1];
  const scale = sequentialScale(lo, hi);
  const pies = state.mode === "classes" && g.counts !== null;
  for (let i = 0; i < g.n; i++) {
    const x = screen[2 * i] as number;
    const y = screen[2 * i + 1] as number;
    const rad = r[i] as number;
    ctx.globalAlpha = state.dimmed[i] ? 0.15 : 1;
    if (pies) {
      const slices = pieSlices(g, i);
      for (const s of slices) {
        ctx.fillStyle = classColor(s.cls);
        ctx.beginPath();
        if (slices.length > 1) ctx.moveTo(x, y);
        ctx.arc(x, y, rad, s.start, s.end);
        ctx.closePath();
        ctx.fill();
      }
      if (!slices.length) fillCircle(ctx, x, y, rad, theme.muted);
    } else {
      fillCircle(ctx, x, y, rad, g.values ? scale.css(g.values[i] as number) : theme.accent);
    }
    // a thin ring in the background colour separates overlapping nodes
    ctx.lineWidth = 1;
    ctx.strokeStyle = theme.background;
    ctx.beginPath();
    ctx.arc(x, y, rad, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.globalAlpha = 1;

  // selection rings (foreground on a background halo: visible on any fill and theme)
  for (const i of state.selected) {
    if (i < 0 || i >= g.n) continue;
    ring(ctx, screen[2 * i] as number, screen[2 * i + 1] as number, (r[i] as number) + 3, theme, 2.5);
  }
  if (state.hover !== null && state.hover < g.n && !state.selected.has(state.hover)) {
    ring(ctx, screen[2 * state.hover] as number, screen[2 * state.hover + 1] as number, (r[state.hover] as number) + 2, theme, 1.5);
  }
  const f = state.focus;
  if (f !== null && f !== undefined && f >= 0 && f < g.n) {
    ring(ctx, screen[2 * f] as number, screen[2 * f + 1] as number, (r[f] as number) + FOCUS_GAP, theme, 2.5, theme.accent);
  }

  if (state.lasso && state.lasso.length >= 4) {
    ctx.strokeStyle = theme.accent;
    ctx.fillStyle = theme.accent;
    ctx.lineWidth = 1.5;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(state.lasso[0] as number, state.lasso[1] as number);
    for (let k = 2; k < state.lasso.length; k += 2) ctx.lineTo(state.lasso[k] as number, state.lasso[k + 1] as number);
    ctx.closePath();
    ctx.globalAlpha = 0.08;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
}

function fillCircle(ctx: Ctx, x: number, y: number, r: number, fill: string): void {
  ctx.fillStyle = fill;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}

function ring(ctx: Ctx, x: number, y: number, r: number, theme: Theme, w: number, color = theme.foreground): void {
  ctx.lineWidth = w + 2;
  ctx.strokeStyle = theme.background;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.lineWidth = w;
  ctx.strokeStyle = color;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.stroke();
}

/** Tooltip text of node `i`. */
export function describeNode(g: Graph, i: number, valueName: string, mode: "classes" | "values"): string {
  const size = g.sizes[i] as number;
  let text = `node ${i} · ${size} member${size === 1 ? "" : "s"}`;
  if (mode === "classes" && g.counts) {
    const parts: [string, number][] = [];
    for (let c = 0; c < g.nClasses; c++) {
      const v = g.counts[i * g.nClasses + c] as number;
      if (v > 0) parts.push([g.classNames[c] ?? String(c), v]);
    }
    parts.sort((a, b) => b[1] - a[1]);
    const shown = parts.slice(0, 4).map(([name, v]) => `${name} ${v}`);
    if (parts.length > 4) shown.push(`+${parts.length - 4} more`);
    if (shown.length) text += ` · ${shown.join(", ")}`;
  } else if (g.values) {
    const v = g.values[i] as number;
    text += ` · ${valueName || "value"} ${significant(4)(v)}`;
  }
  return text;
}
