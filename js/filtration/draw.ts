// Pure canvas rendering of the filtration views: no anywidget, testable with a recording context.
import type { Ctx } from "../shared/ctx";
import { formatNumber, ticks } from "../shared/scale";
import type { Theme } from "../shared/theme";
import type { EdgeList, Triangles } from "./complex";
import { barX, cloudPixel, isAlive, type Bars, type BarcodeLayout, type CloudLayout } from "./layout";

export type { Ctx } from "../shared/ctx";
export * from "./complex";
export * from "./layout";

export function colorOf(theme: Theme, dim: number): string {
  return theme.categorical[dim % theme.categorical.length] as string;
}

/** What the cloud view shows at one radius. */
export interface CloudScene {
  xy: Float64Array;
  radius: number;
  edges: EdgeList;
  /** Number of edges drawn (the shortest ones). */
  edgesDrawn: number;
  triangles: Triangles | null;
  showBalls: boolean;
  /** The selected bar's generator: birth edge, death edge (-1 = none), and its dimension. */
  generator: { dim: number; vertices: number[] } | null;
}

/** Opacity of the bars not alive at the current radius (higher on dark backgrounds). */
export const FADED = 0.38;
export const FADED_DARK = 0.6;

/** Whether a CSS colour (#rgb, #rrggbb or rgb()) is dark; unknown formats count as light. */
export function isDark(color: string): boolean {
  const c = color.trim();
  let rgb: number[] | null = null;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex) {
    const h = hex[1] as string;
    const full = h.length === 3 ? [...h].map((x) => x + x).join("") : h;
    rgb = [0, 2, 4].map((k) => parseInt(full.slice(k, k + 2), 16));
  } else {
    const m = /^rgba?\(([^)]+)\)$/i.exec(c);
    if (m) rgb = (m[1] as string).split(",").slice(0, 3).map((v) => parseFloat(v));
  }
  if (!rgb || rgb.some((v) => !Number.isFinite(v))) return false;
  const [r, g, b] = rgb as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}
const BALL = 4; // theme.categorical index of the balls' colour (sky blue)
const TRIANGLE = 1; // orange

export function drawCloud(ctx: Ctx, layout: CloudLayout, theme: Theme, scene: CloudScene): void {
  const { xy, radius, edges } = scene;
  const n = xy.length / 2;
  const px = (i: number): [number, number] => cloudPixel(layout, xy[2 * i] as number, xy[2 * i + 1] as number);
  ctx.save();
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.beginPath();
  ctx.rect(0, 0, layout.width, layout.height);
  ctx.clip();
  // discs of radius r/2: one path, so the union is shaded evenly; faint outlines show each disc
  const ballPx = (radius / 2) * layout.scale;
  if (scene.showBalls && ballPx > 0.5) {
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const [x, y] = px(i);
      ctx.moveTo(x + ballPx, y);
      ctx.arc(x, y, ballPx, 0, 2 * Math.PI);
    }
    ctx.fillStyle = theme.categorical[BALL] as string;
    ctx.globalAlpha = 0.16;
    ctx.fill();
    ctx.strokeStyle = theme.categorical[BALL] as string;
    ctx.globalAlpha = 0.45;
    ctx.lineWidth = 0.75;
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  const tri = scene.triangles;
  if (tri && tri.count > 0) {
    ctx.beginPath();
    for (let t = 0; t < tri.count; t++) {
      const [ax, ay] = px(tri.vertices[3 * t] as number);
      const [bx, by] = px(tri.vertices[3 * t + 1] as number);
      const [cx, cy] = px(tri.vertices[3 * t + 2] as number);
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.lineTo(cx, cy);
      ctx.closePath();
    }
    ctx.fillStyle = theme.categorical[TRIANGLE] as string;
    ctx.globalAlpha = 0.3;
    ctx.fill();
    ctx.globalAlpha = 1;
  }
  if (scene.edgesDrawn > 0) {
    ctx.beginPath();
    for (let e = 0; e < scene.edgesDrawn; e++) {
      const [ax, ay] = px(edges.a[e] as number);
      const [bx, by] = px(edges.b[e] as number);
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
    }
    ctx.strokeStyle = theme.foreground;
    ctx.globalAlpha = scene.edgesDrawn > 2000 ? 0.3 : 0.55;
    ctx.lineWidth = 1;
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  const dot = n > 300 ? 1.8 : 2.6;
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const [x, y] = px(i);
    ctx.moveTo(x + dot, y);
    ctx.arc(x, y, dot, 0, 2 * Math.PI);
  }
  ctx.fillStyle = theme.foreground;
  ctx.fill();
  if (scene.generator) drawGenerator(ctx, theme, scene.generator, px);
  ctx.restore();
}

function drawGenerator(
  ctx: Ctx,
  theme: Theme,
  gen: { dim: number; vertices: number[] },
  px: (i: number) => [number, number],
): void {
  const color = colorOf(theme, gen.dim);
  const [b0, b1, d0, d1] = gen.vertices as [number, number, number, number];
  ctx.strokeStyle = color;
  ctx.lineWidth = 3;
  if (b0 >= 0 && b1 >= 0 && b0 !== b1) {
    // the edge whose arrival creates the feature
    ctx.beginPath();
    ctx.moveTo(...px(b0));
    ctx.lineTo(...px(b1));
    ctx.stroke();
  }
  if (d0 >= 0 && d1 >= 0) {
    // the edge whose arrival kills it
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(...px(d0));
    ctx.lineTo(...px(d1));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.lineWidth = 2;
  for (const v of new Set(gen.vertices.filter((v) => v >= 0))) {
    const [x, y] = px(v);
    ctx.beginPath();
    ctx.moveTo(x + 6, y);
    ctx.arc(x, y, 6, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

/** What the barcode shows. */
export interface BarcodeScene {
  bars: Bars[];
  radius: number;
  selected: number[];
  hover?: [number, number] | null;
}

export function drawBarcode(ctx: Ctx, layout: BarcodeLayout, theme: Theme, scene: BarcodeScene): void {
  const { left, top, plotW, plotH } = layout;
  ctx.save();
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  // axis, ticks and grid
  ctx.font = `11px ${theme.font}`;
  ctx.lineWidth = 1;
  for (const t of ticks(0, layout.maxRadius, 5)) {
    const x = barX(layout, t);
    ctx.strokeStyle = theme.grid;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + plotH);
    ctx.stroke();
    ctx.fillStyle = theme.muted;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.fillText(formatNumber(t), x, top + plotH + 4);
  }
  const xInf = barX(layout, Infinity);
  ctx.strokeStyle = theme.muted;
  ctx.setLineDash([3, 3]);
  ctx.beginPath();
  ctx.moveTo(xInf, top);
  ctx.lineTo(xInf, top + plotH);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = theme.muted;
  ctx.fillText("∞", xInf, top + plotH + 4);
  ctx.beginPath();
  ctx.moveTo(left, top + plotH);
  ctx.lineTo(left + plotW, top + plotH);
  ctx.stroke();
  ctx.fillStyle = theme.foreground;
  ctx.textBaseline = "bottom";
  ctx.fillText("radius r (edge length)", left + plotW / 2, layout.height - 2);
  // group labels: text in the text colour (readable in both themes) after a colour swatch
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const g of layout.groups) {
    const y = (g.y0 + g.y1) / 2;
    ctx.fillStyle = colorOf(theme, g.dim);
    ctx.fillRect(left - 10, y - 3, 6, 6);
    ctx.fillStyle = theme.foreground;
    ctx.fillText(`H${g.dim}`, left - 13, y);
  }
  // bars: alive at r strong, the others faded
  const faded = isDark(theme.background) ? FADED_DARK : FADED;
  const thick = Math.max(1, Math.min(6, layout.rowH * 0.65));
  ctx.lineWidth = thick;
  for (const alive of [false, true]) {
    for (const d of scene.bars) {
      const ys = layout.y[d.dim];
      if (!ys || d.births.length === 0) continue;
      ctx.strokeStyle = colorOf(theme, d.dim);
      ctx.globalAlpha = alive ? 1 : faded;
      ctx.beginPath();
      for (let i = 0; i < d.births.length; i++) {
        if (isAlive(d, i, scene.radius) !== alive) continue;
        const y = ys[i] as number;
        const x0 = barX(layout, d.births[i] as number);
        const x1 = Math.max(barX(layout, d.deaths[i] as number), x0 + 1);
        ctx.moveTo(x0, y);
        ctx.lineTo(x1, y);
      }
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  for (const [mark, width] of [
    [scene.hover, 1],
    [scene.selected, 2],
  ] as const) {
    if (!mark || mark.length !== 2) continue;
    const [dim, i] = mark as [number, number];
    const d = scene.bars[dim];
    const y = layout.y[dim]?.[i];
    if (!d || y === undefined) continue;
    const x0 = barX(layout, d.births[i] as number);
    const x1 = barX(layout, d.deaths[i] as number);
    const h = Math.max(thick + 4, 6);
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = width;
    ctx.strokeRect(x0 - 2, y - h / 2, Math.max(x1 - x0, 1) + 4, h);
  }
  // the current radius (in the text colour: the accent blue would read as an H0 bar)
  const xr = barX(layout, scene.radius);
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(xr, top - 2);
  ctx.lineTo(xr, top + plotH);
  ctx.stroke();
  ctx.fillStyle = theme.foreground;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText("r", xr, top - 3);
  ctx.restore();
}

/** Tooltip text of a bar. */
export function describeBar(bars: Bars[], dim: number, i: number): string {
  const d = bars[dim];
  if (!d) return "";
  const b = d.births[i] as number;
  const e = d.deaths[i] as number;
  const life = Number.isFinite(e) ? ` (lives ${formatNumber(e - b)})` : " (never dies)";
  return `H${dim} bar: born at r = ${formatNumber(b)}, dies at r = ${formatNumber(e)}${life}. Click to jump to its birth.`;
}
