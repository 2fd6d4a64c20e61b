// @vitest-environment node
import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { recordingCtx } from "../shared/ctx";
import { CATEGORICAL } from "../shared/theme";
import { TEST_THEME as theme } from "../shared/view_test";
import {
  aliveCounts,
  barcodeLayout,
  barOrder,
  barX,
  cloudLayout,
  cloudPixel,
  describeBar,
  drawBarcode,
  drawCloud,
  edgeCount,
  FADED,
  FADED_DARK,
  isDark,
  hitBar,
  toBars,
  toEdgeList,
  triangles,
  type Bars,
} from "./draw";


/** A unit square: 4 sides of length 1, 2 diagonals of length sqrt(2). */
const square = Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1]);
function squareEdges() {
  const pairs = [0, 1, 1, 2, 2, 3, 0, 3, 0, 2, 1, 3];
  const lengths = [1, 1, 1, 1, Math.SQRT2, Math.SQRT2];
  return toEdgeList(
    4,
    decode(encode({ dtype: "int32", shape: [6, 2], data: Int32Array.from(pairs) })),
    decode(encode({ dtype: "float32", shape: [6], data: Float32Array.from(lengths) })),
  );
}

function barsOf(...rows: number[][]): Bars[] {
  return toBars(rows.map((r) => decode(encode({ dtype: "float64", shape: [r.length / 2, 2], data: Float64Array.from(r) }))));
}

// the square's Rips persistence: H0 three bars dying at 1 and one infinite; H1 the loop [1, sqrt 2)
const squareBars = barsOf([0, Infinity, 0, 1, 0, 1, 0, 1], [1, Math.SQRT2]);

describe("the Rips complex at a radius", () => {
  it("counts edges of length <= r, ties included", () => {
    const edges = squareEdges();
    expect(edgeCount(edges, 0.99)).toBe(0);
    expect(edgeCount(edges, 1)).toBe(4);
    expect(edgeCount(edges, 1.4)).toBe(4);
    expect(edgeCount(edges, 2)).toBe(6);
  });

  it("finds each triangle once, only when all three edges are in", () => {
    const edges = squareEdges();
    expect(triangles(edges, 4, 100).count).toBe(0); // the 4-cycle has no triangle
    const all = triangles(edges, 6, 100);
    expect(all.count).toBe(4); // a filled tetrahedron's 4 faces
    const faces = new Set<string>();
    for (let t = 0; t < all.count; t++) faces.add(Array.from(all.vertices.subarray(3 * t, 3 * t + 3)).sort().join(","));
    expect(faces.size).toBe(4);
    expect(all.capped).toBe(false);
  });

  it("stops at the cap and says so", () => {
    const capped = triangles(squareEdges(), 6, 2);
    expect(capped.count).toBe(2);
    expect(capped.capped).toBe(true);
  });

  it("counts the bars alive at r (birth <= r < death)", () => {
    expect(aliveCounts(squareBars, 0.5)).toEqual([4, 0]);
    expect(aliveCounts(squareBars, 1)).toEqual([1, 1]);
    expect(aliveCounts(squareBars, 1.5)).toEqual([1, 0]);
  });
});

describe("layout", () => {
  it("keeps the same scale on both axes and centres the cloud", () => {
    const wide = Float64Array.from([0, 0, 4, 0, 4, 1]);
    const l = cloudLayout(wide, 300, 300);
    const [x0, y0] = cloudPixel(l, 0, 0);
    const [x1, y1] = cloudPixel(l, 4, 1);
    expect(x1 - x0).toBeCloseTo(4 * (y0 - y1));
    expect((x0 + x1) / 2).toBeCloseTo(150);
    expect(y1).toBeLessThan(y0); // y up
  });

  it("handles a single point", () => {
    const l = cloudLayout(Float64Array.from([2, 3]), 200, 200);
    expect(cloudPixel(l, 2, 3)).toEqual([100, 100]);
  });

  it("orders bars by birth, longest first, and dimensions one under another", () => {
    const bars = barsOf([0, 0.5, 0, Infinity, 0, 0.2], [0.3, 0.4, 0.1, 0.9]);
    expect(barOrder(bars[0]!)).toEqual([1, 0, 2]);
    expect(barOrder(bars[1]!)).toEqual([1, 0]);
    const l = barcodeLayout(bars, 1, 300, 300);
    const ys = [l.y[0]![1]!, l.y[0]![0]!, l.y[0]![2]!, l.y[1]![1]!, l.y[1]![0]!];
    for (let k = 1; k < ys.length; k++) expect(ys[k]!).toBeGreaterThan(ys[k - 1]!);
    expect(l.groups.map((g) => g.dim)).toEqual([0, 1]);
    expect(barX(l, Infinity)).toBeGreaterThan(barX(l, 1));
  });

  it("hit-tests a bar by its row and extent", () => {
    const l = barcodeLayout(squareBars, 1.6, 300, 300);
    const y = l.y[1]![0]!;
    expect(hitBar(squareBars, l, barX(l, 1.2), y)).toEqual([1, 0]);
    expect(hitBar(squareBars, l, barX(l, 0.5), y)).toBeNull(); // left of its birth
    expect(hitBar(squareBars, l, barX(l, 1.2), y + 40)).toBeNull();
  });
});

describe("drawing", () => {
  it("draws one ball per point with radius r/2 and exactly the edges asked for", () => {
    const { ctx, calls } = recordingCtx();
    const l = cloudLayout(square, 200, 200);
    const edges = squareEdges();
    drawCloud(ctx, l, theme, { xy: square, radius: 1, edges, edgesDrawn: 4, triangles: null, showBalls: true, generator: null });
    const arcs = calls.filter((c) => c.op === "arc");
    const balls = arcs.filter((c) => Math.abs((c.args[2] as number) - 0.5 * l.scale) < 1e-9);
    expect(balls).toHaveLength(4);
    // touching: the distance between neighbouring centres is twice the ball radius
    const [ax] = cloudPixel(l, 0, 0);
    const [bx] = cloudPixel(l, 1, 0);
    expect(bx - ax).toBeCloseTo(2 * (balls[0]!.args[2] as number));
    expect(calls.filter((c) => c.op === "lineTo")).toHaveLength(4); // the edges, nothing else
  });

  it("shades the triangles and rings the generator's vertices", () => {
    const { ctx, calls } = recordingCtx();
    const l = cloudLayout(square, 200, 200);
    const edges = squareEdges();
    const tri = triangles(edges, 6, 100);
    drawCloud(ctx, l, theme, {
      xy: square,
      radius: 1.5,
      edges,
      edgesDrawn: 6,
      triangles: tri,
      showBalls: false,
      generator: { dim: 1, vertices: [0, 1, 0, 2] },
    });
    expect(calls.filter((c) => c.op === "closePath")).toHaveLength(4);
    const rings = calls.filter((c) => c.op === "arc" && c.args[2] === 6);
    expect(rings).toHaveLength(3); // vertices 0, 1, 2
    expect(rings[0]!.stroke).toBe(CATEGORICAL[1]);
  });

  it("draws bars alive at r strongly and the others faded, with the radius line", () => {
    const { ctx, calls } = recordingCtx();
    const l = barcodeLayout(squareBars, 1.6, 300, 300);
    drawBarcode(ctx, l, theme, { bars: squareBars, radius: 1.2, selected: [1, 0] });
    const strokes = calls.filter((c) => c.op === "stroke" && c.stroke === CATEGORICAL[1]);
    expect(strokes.map((c) => c.alpha)).toEqual([FADED, 1]); // faded pass, alive pass
    const xr = barX(l, 1.2);
    expect(calls.some((c) => c.op === "moveTo" && c.args[0] === xr)).toBe(true);
    expect(calls.some((c) => c.op === "strokeRect")).toBe(true); // the selected bar
    expect(calls.some((c) => c.op === "fillText" && c.text === "H1")).toBe(true);
  });

  it("fades dead bars less on dark backgrounds", () => {
    expect([isDark("#111111"), isDark("#fff"), isDark("rgb(20, 20, 30)"), isDark("var(--x)")]).toEqual([true, false, true, false]);
    const { ctx, calls } = recordingCtx();
    drawBarcode(ctx, barcodeLayout(squareBars, 1.6, 300, 300), { ...theme, background: "#111" }, { bars: squareBars, radius: 1.2, selected: [] });
    expect(calls.filter((c) => c.op === "stroke" && c.stroke === CATEGORICAL[1])[0]!.alpha).toBe(FADED_DARK);
  });

  it("describes a bar in words", () => {
    expect(describeBar(squareBars, 0, 0)).toContain("never dies");
    expect(describeBar(squareBars, 1, 0)).toContain("born at r = 1");
  });
});
