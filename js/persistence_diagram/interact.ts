// Hit-testing and selection logic of the persistence views (pure, testable in jsdom).
import { formatNumber } from "../shared/scale";
import { barPixels, pointPixel, POINT_RADIUS, type Diagram, type Layout, type Visible } from "./layout";

export type Pair = [number, number];

const shown = (d: Diagram, visible: Visible): boolean => !visible || visible.has(d.dim);

/** The point (or bar) under (x, y), nearest first; null when none is within reach. */
export function hitTest(
  diagrams: Diagram[],
  layout: Layout,
  x: number,
  y: number,
  visible?: Visible,
  radius = POINT_RADIUS + 3,
): Pair | null {
  let best: Pair | null = null;
  let bestD2 = radius * radius;
  for (const d of diagrams) {
    if (!shown(d, visible)) continue;
    for (let i = 0; i < d.births.length; i++) {
      let d2: number;
      if (layout.mode === "barcode") {
        const bar = barPixels(layout, d, i);
        if (!bar) continue;
        const [x0, x1, by] = bar;
        const dx = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
        const dy = by - y;
        d2 = dx * dx + dy * dy;
      } else {
        const [px, py] = pointPixel(layout, d, i);
        d2 = (px - x) ** 2 + (py - y) ** 2;
      }
      if (d2 <= bestD2) {
        bestD2 = d2;
        best = [d.dim, i];
      }
    }
  }
  return best;
}

/** Every shown point (or bar) inside the pixel box spanned by two corners. */
export function pointsInBox(
  diagrams: Diagram[],
  layout: Layout,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  visible?: Visible,
): Pair[] {
  const [lx, hx] = x0 < x1 ? [x0, x1] : [x1, x0];
  const [ly, hy] = y0 < y1 ? [y0, y1] : [y1, y0];
  const out: Pair[] = [];
  for (const d of diagrams) {
    if (!shown(d, visible)) continue;
    for (let i = 0; i < d.births.length; i++) {
      if (layout.mode === "barcode") {
        const bar = barPixels(layout, d, i);
        // a bar is caught when the box crosses it
        if (bar && bar[2] >= ly && bar[2] <= hy && bar[1] >= lx && bar[0] <= hx) out.push([d.dim, i]);
      } else {
        const [px, py] = pointPixel(layout, d, i);
        if (px >= lx && px <= hx && py >= ly && py <= hy) out.push([d.dim, i]);
      }
    }
  }
  return out;
}

const same = (a: readonly number[], b: readonly number[]): boolean => a[0] === b[0] && a[1] === b[1];

/** Selection after a click on `hit` (null = empty space); shift adds or removes. */
export function nextSelection(current: ReadonlyArray<readonly number[]>, hit: Pair | null, shift: boolean): Pair[] {
  const copy = current.map(([a, b]): Pair => [a as number, b as number]);
  if (!hit) return shift ? copy : [];
  if (!shift) return [hit];
  return copy.some((p) => same(p, hit)) ? copy.filter((p) => !same(p, hit)) : [...copy, hit];
}

/** Selection after a box brush: replaces, or with shift adds (no duplicates). */
export function brushSelection(current: ReadonlyArray<readonly number[]>, caught: Pair[], shift: boolean): Pair[] {
  if (!shift) return caught;
  const out = current.map(([a, b]): Pair => [a as number, b as number]);
  for (const p of caught) if (!out.some((q) => same(q, p))) out.push(p);
  return out;
}

/** Tooltip text for point `i` of dimension `dim`. */
export function describePoint(diagrams: Diagram[], dim: number, i: number, label = ""): string {
  const d = diagrams[dim];
  if (!d) return "";
  const b = d.births[i] as number;
  const e = d.deaths[i] as number;
  const prefix = label ? `${label} · ` : "";
  return `${prefix}H${dim} #${i} · birth ${formatNumber(b)} · death ${formatNumber(e)} · persistence ${formatNumber(e - b)}`;
}
