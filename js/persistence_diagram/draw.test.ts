import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { CATEGORICAL, type Theme } from "../shared/theme";
import {
  computeLayout,
  describePoint,
  drawDiagram,
  hitTest,
  nextSelection,
  toDiagrams,
  xPixel,
  yPixel,
  type Ctx,
} from "./draw";

const theme: Theme = {
  background: "#fff",
  foreground: "#000",
  muted: "#666",
  grid: "#eee",
  accent: "#00f",
  font: "sans-serif",
  categorical: CATEGORICAL,
};

function recorder(): { ctx: Ctx; arcs: { x: number; y: number; r: number; fill: string }[] } {
  const arcs: { x: number; y: number; r: number; fill: string }[] = [];
  const noop = () => undefined;
  const ctx = {
    save: noop, restore: noop, clearRect: noop, fillRect: noop, beginPath: noop, moveTo: noop,
    lineTo: noop, fill: noop, stroke: noop, fillText: noop, setLineDash: noop, rotate: noop, translate: noop,
    fillStyle: "", strokeStyle: "", lineWidth: 1, globalAlpha: 1, font: "", textAlign: "left", textBaseline: "alphabetic",
    arc(x: number, y: number, r: number) {
      arcs.push({ x, y, r, fill: String(ctx.fillStyle) });
    },
  } as unknown as Ctx;
  return { ctx, arcs };
}

// H0: three points, one infinite; H1: two points
const h0 = Float64Array.from([0, 0.5, 0, 1.0, 0, Infinity]);
const h1 = Float64Array.from([0.6, 1.2, 0.8, 0.9]);
const diagrams = toDiagrams([
  decode(encode({ dtype: "float64", shape: [3, 2], data: h0 })),
  decode(encode({ dtype: "float64", shape: [2, 2], data: h1 })),
]);

describe("persistence diagram layout", () => {
  it("puts infinite deaths on a line above every finite value", () => {
    const layout = computeLayout(diagrams, 400, 400);
    expect(layout.inf).toBeGreaterThan(1.2);
    expect(layout.hi).toBeGreaterThan(layout.inf);
    expect(yPixel(layout, Infinity)).toBeCloseTo(yPixel(layout, layout.inf));
    expect(yPixel(layout, Infinity)).toBeLessThan(yPixel(layout, 1.2)); // higher on screen
  });

  it("draws the infinite point on the infinity line", () => {
    const layout = computeLayout(diagrams, 400, 400);
    const { ctx, arcs } = recorder();
    drawDiagram(ctx, diagrams, layout, theme, []);
    const yInf = yPixel(layout, Infinity);
    const onLine = arcs.filter((a) => Math.abs(a.y - yInf) < 1e-9);
    expect(onLine).toHaveLength(1);
    expect(onLine[0]?.x).toBeCloseTo(xPixel(layout, 0));
    expect(onLine[0]?.fill).toBe(CATEGORICAL[0]);
    expect(arcs).toHaveLength(5);
  });

  it("draws a selection ring only for selected, visible points", () => {
    const layout = computeLayout(diagrams, 400, 400);
    const { ctx, arcs } = recorder();
    drawDiagram(ctx, diagrams, layout, theme, [[1, 0], [7, 7]], new Set([0, 1]));
    expect(arcs).toHaveLength(6);
    const ring = arcs[5]!;
    expect(ring.x).toBeCloseTo(xPixel(layout, 0.6));
    expect(ring.y).toBeCloseTo(yPixel(layout, 1.2));
  });

  it("hides dimensions that are not visible", () => {
    const vis = new Set([1]);
    const layout = computeLayout(diagrams, 400, 400, vis);
    const { ctx, arcs } = recorder();
    drawDiagram(ctx, diagrams, layout, theme, [], vis);
    expect(arcs).toHaveLength(2);
    expect(hitTest(diagrams, layout, xPixel(layout, 0), yPixel(layout, Infinity), vis)).toBeNull();
  });
});

describe("hit testing and selection", () => {
  const layout = computeLayout(diagrams, 400, 400);
  it("finds the point under the cursor, including infinite ones", () => {
    expect(hitTest(diagrams, layout, xPixel(layout, 0.8), yPixel(layout, 0.9))).toEqual([1, 1]);
    expect(hitTest(diagrams, layout, xPixel(layout, 0) + 2, yPixel(layout, Infinity) - 1)).toEqual([0, 2]);
    expect(hitTest(diagrams, layout, xPixel(layout, 1.5), yPixel(layout, 0.1))).toBeNull();
  });
  it("click replaces, shift-click toggles, empty click clears", () => {
    expect(nextSelection([[0, 1]], [1, 0], false)).toEqual([[1, 0]]);
    expect(nextSelection([[0, 1]], [1, 0], true)).toEqual([[0, 1], [1, 0]]);
    expect(nextSelection([[0, 1], [1, 0]], [0, 1], true)).toEqual([[1, 0]]);
    expect(nextSelection([[0, 1]], null, false)).toEqual([]);
    expect(nextSelection([[0, 1]], null, true)).toEqual([[0, 1]]);
  });
  it("describes a point with its persistence", () => {
    expect(describePoint(diagrams, 0, 2)).toBe("H0 #2 · birth 0 · death ∞ · persistence ∞");
  });
  it("gives a sane layout for empty diagrams", () => {
    const l = computeLayout([], 300, 300);
    expect(l.lo).toBeLessThan(l.hi);
    expect(Number.isFinite(l.inf)).toBe(true);
  });
});
