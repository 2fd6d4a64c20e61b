// @vitest-environment node
import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { TEST_THEME as theme } from "../shared/view_test";
import {
  barPixels,
  brushSelection,
  computeLayout,
  describePoint,
  drawScene,
  hitTest,
  MATCH_TOP,
  matchingSegments,
  nextSelection,
  pointPixel,
  pointsInBox,
  toDiagrams,
  xPixel,
  yPixel,
  zoomAt,
  type Ctx,
  type Diagram,
} from "./draw";


interface Arc {
  x: number;
  y: number;
  r: number;
}

/** A context that records arcs (points, rings) and line segments. */
function recorder() {
  const arcs: Arc[] = [];
  const segments: [number, number, number, number][] = [];
  let last: [number, number] = [0, 0];
  const noop = () => undefined;
  const ctx = {
    save: noop, restore: noop, clearRect: noop, fillRect: noop, strokeRect: noop, beginPath: noop,
    closePath: noop, rect: noop, clip: noop, fill: noop, stroke: noop, fillText: noop, setLineDash: noop,
    rotate: noop, translate: noop,
    fillStyle: "", strokeStyle: "", lineWidth: 1, globalAlpha: 1, font: "", textAlign: "left", textBaseline: "alphabetic",
    moveTo(x: number, y: number) {
      last = [x, y];
    },
    lineTo(x: number, y: number) {
      segments.push([last[0], last[1], x, y]);
      last = [x, y];
    },
    arc(x: number, y: number, r: number) {
      arcs.push({ x, y, r });
    },
  } as unknown as Ctx;
  return { ctx, arcs, segments };
}

function diagramsOf(...rows: number[][]): Diagram[] {
  return toDiagrams(rows.map((r) => decode(encode({ dtype: "float64", shape: [r.length / 2, 2], data: Float64Array.from(r) }))));
}

// H0: three points, one infinite; H1: two points
const diagrams = diagramsOf([0, 0.5, 0, 1.0, 0, Infinity], [0.6, 1.2, 0.8, 0.9]);
const scene = (extra = {}) => ({ diagrams, selected: [], ...extra });

describe("diagram layout", () => {
  it("puts infinite deaths on a line above every finite value", () => {
    const layout = computeLayout("diagram", [diagrams], 400, 400);
    expect(layout.inf).toBeGreaterThan(1.2);
    expect(layout.yhi).toBeGreaterThan(layout.inf);
    expect(yPixel(layout, Infinity)).toBeCloseTo(yPixel(layout, layout.inf));
    expect(yPixel(layout, Infinity)).toBeLessThan(yPixel(layout, 1.2)); // higher on screen
    expect(layout.plotW).toBe(layout.plotH); // same scale on both axes
  });

  it("draws the infinite point on the infinity line, in its dimension's colour", () => {
    const layout = computeLayout("diagram", [diagrams], 400, 400);
    const { ctx, arcs } = recorder();
    drawScene(ctx, layout, theme, scene());
    const yInf = yPixel(layout, Infinity);
    const onLine = arcs.filter((a) => Math.abs(a.y - yInf) < 1e-9);
    expect(onLine).toHaveLength(1);
    expect(onLine[0]?.x).toBeCloseTo(xPixel(layout, 0));
    expect(arcs).toHaveLength(5);
  });

  it("draws a selection ring only for selected, visible points", () => {
    const layout = computeLayout("diagram", [diagrams], 400, 400);
    const { ctx, arcs } = recorder();
    drawScene(ctx, layout, theme, scene({ selected: [[1, 0], [7, 7]], visible: new Set([0, 1]) }));
    expect(arcs).toHaveLength(6);
    const ring = arcs[5]!;
    expect(ring.x).toBeCloseTo(xPixel(layout, 0.6));
    expect(ring.y).toBeCloseTo(yPixel(layout, 1.2));
    expect(ring.r).toBeGreaterThan(arcs[0]!.r);
  });

  it("hides dimensions that are not visible", () => {
    const vis = new Set([1]);
    const layout = computeLayout("diagram", [diagrams], 400, 400, vis);
    const { ctx, arcs } = recorder();
    drawScene(ctx, layout, theme, scene({ visible: vis }));
    expect(arcs).toHaveLength(2);
    expect(hitTest(diagrams, layout, xPixel(layout, 0), yPixel(layout, Infinity), vis)).toBeNull();
  });

  it("gives a sane layout for empty diagrams", () => {
    const l = computeLayout("diagram", [], 300, 300);
    expect(l.xlo).toBeLessThan(l.xhi);
    expect(Number.isFinite(l.inf)).toBe(true);
  });

  it("zooms around the cursor and keeps that value fixed", () => {
    const layout = computeLayout("diagram", [diagrams], 400, 400);
    const px = xPixel(layout, 0.6);
    const py = yPixel(layout, 1.2);
    const z = computeLayout("diagram", [diagrams], 400, 400, undefined, zoomAt(layout, px, py, 0.5));
    expect(z.xhi - z.xlo).toBeCloseTo((layout.xhi - layout.xlo) * 0.5);
    expect(xPixel(z, 0.6)).toBeCloseTo(px);
    expect(yPixel(z, 1.2)).toBeCloseTo(py);
  });
});

describe("lifetime and barcode modes", () => {
  it("lifetime mode plots persistence against birth", () => {
    const layout = computeLayout("lifetime", [diagrams], 400, 300);
    const [x, y] = pointPixel(layout, diagrams[1]!, 0);
    expect(x).toBeCloseTo(xPixel(layout, 0.6));
    expect(y).toBeCloseTo(yPixel(layout, 0.6)); // 1.2 - 0.6
    expect(pointPixel(layout, diagrams[0]!, 2)[1]).toBeCloseTo(yPixel(layout, layout.inf));
  });

  it("barcode mode gives every bar its own row, H0 first, sorted by birth", () => {
    const layout = computeLayout("barcode", [diagrams], 400, 300);
    const ys = [0, 1, 2].map((i) => barPixels(layout, diagrams[0]!, i)![2]);
    const h1 = [0, 1].map((i) => barPixels(layout, diagrams[1]!, i)![2]);
    expect(new Set([...ys, ...h1]).size).toBe(5);
    expect(Math.max(...ys)).toBeLessThan(Math.min(...h1)); // H0 above H1
    expect(h1[0]).toBeLessThan(h1[1]!); // birth 0.6 before 0.8
    const inf = barPixels(layout, diagrams[0]!, 2)!;
    expect(inf[1]).toBeCloseTo(xPixel(layout, layout.inf)); // infinite bar ends on the ∞ line
  });

  it("barcode mode with two layers puts the second layer's bars in a block below the first's", () => {
    // the second layer has more H1 bars than the first: every one gets a row of its own
    const other = diagramsOf([0, 0.4, 0, Infinity], [0.7, 1.1, 0.2, 0.5, 0.9, 1.0]);
    const layout = computeLayout("barcode", [diagrams, other], 400, 300);
    expect(layout.overlayStart).toBe(5);
    expect(layout.yhi - layout.ylo).toBe(5 + 5); // 5 rows each
    const first = [0, 1, 2].map((i) => barPixels(layout, diagrams[0]!, i)![2]);
    const h1 = [0, 1].map((i) => barPixels(layout, diagrams[1]!, i)![2]);
    const second = [
      ...[0, 1].map((i) => barPixels(layout, other[0]!, i, true)![2]),
      ...[0, 1, 2].map((i) => barPixels(layout, other[1]!, i, true)![2]),
    ];
    expect(new Set([...first, ...h1, ...second]).size).toBe(10);
    expect(Math.min(...second)).toBeGreaterThan(Math.max(...first, ...h1)); // below the first block
    // sorted by the second layer's own births: H1 births 0.2, 0.7, 0.9 -> rows in that order
    const [a, b, c] = [1, 0, 2].map((i) => barPixels(layout, other[1]!, i, true)![2]);
    expect(a).toBeLessThan(b!);
    expect(b).toBeLessThan(c!);
  });

  it("barcode hit-testing and box selection find bars", () => {
    const layout = computeLayout("barcode", [diagrams], 400, 300);
    const [x0, x1, y] = barPixels(layout, diagrams[1]!, 1)!;
    expect(hitTest(diagrams, layout, (x0 + x1) / 2, y)).toEqual([1, 1]);
    expect(pointsInBox(diagrams, layout, x0 - 1, y - 1, x1 + 1, y + 1)).toEqual([[1, 1]]);
  });
});

describe("overlay with matching", () => {
  it("draws one segment per matched pair, to the diagonal for unmatched points", () => {
    const other = diagramsOf([0, 0.4, 0, Infinity], [0.7, 1.1]);
    // H0: 0<->0, 1<->diagonal, 2<->1 ; H1: 0<->0, 1<->diagonal
    const matching = [Int32Array.from([0, 0, 1, -1, 2, 1]), Int32Array.from([0, 0, 1, -1])];
    const layout = computeLayout("diagram", [diagrams, other], 400, 400);
    const { ctx, arcs, segments } = recorder();
    drawScene(ctx, layout, theme, scene({ overlay: other, matching }));
    expect(arcs).toHaveLength(5); // the second layer's points are diamonds, not discs
    const [px, py] = pointPixel(layout, diagrams[1]!, 1); // (0.8, 0.9) to its diagonal projection (0.85, 0.85)
    const seg = segments.find((s) => Math.abs(s[0] - px) < 1e-9 && Math.abs(s[1] - py) < 1e-9);
    expect(seg).toBeDefined();
    expect(seg![2]).toBeCloseTo(xPixel(layout, 0.85));
    expect(seg![3]).toBeCloseTo(yPixel(layout, 0.85));
    const [qx, qy] = pointPixel(layout, other[1]!, 0);
    expect(segments.some((s) => Math.abs(s[2] - qx) < 1e-9 && Math.abs(s[3] - qy) < 1e-9)).toBe(true);
  });
});

describe("overlay legibility", () => {
  it("draws only the longest matching moves, longest first", () => {
    const n = 60;
    const a = diagramsOf([0, 1], Array.from({ length: n }, (_, k) => [0.1, 0.2 + k / n]).flat());
    const b = diagramsOf([0, 1], Array.from({ length: n }, (_, k) => [0.1, 0.2 + k / n + (k % 7) / 100]).flat());
    const pairs = Int32Array.from(Array.from({ length: n }, (_, k) => [k, k]).flat());
    const layout = computeLayout("diagram", [a, b], 400, 400);
    const segs = matchingSegments(layout, scene({ diagrams: a, overlay: b, matching: [new Int32Array(0), pairs] }), 1);
    expect(segs).toHaveLength(MATCH_TOP);
    const len = (s: number[]) => Math.hypot(s[2]! - s[0]!, s[3]! - s[1]!);
    for (let k = 1; k < segs.length; k++) expect(len(segs[k]!)).toBeLessThanOrEqual(len(segs[k - 1]!));
    // every move left out is no longer than the shortest one drawn
    const all = matchingSegments(layout, scene({ diagrams: a, overlay: b, matching: [new Int32Array(0), pairs] }), 1, n);
    expect(all).toHaveLength(n);
    expect(len(all[MATCH_TOP]!)).toBeLessThanOrEqual(len(segs[MATCH_TOP - 1]!));
  });
});

describe("hit testing and selection", () => {
  const layout = computeLayout("diagram", [diagrams], 400, 400);
  it("finds the point under the cursor, including infinite ones", () => {
    expect(hitTest(diagrams, layout, xPixel(layout, 0.8), yPixel(layout, 0.9))).toEqual([1, 1]);
    expect(hitTest(diagrams, layout, xPixel(layout, 0) + 2, yPixel(layout, Infinity) - 1)).toEqual([0, 2]);
    expect(hitTest(diagrams, layout, xPixel(layout, 1.5), yPixel(layout, 0.1))).toBeNull();
  });
  it("a box catches exactly the points inside it", () => {
    const caught = pointsInBox(diagrams, layout, xPixel(layout, 0.55), yPixel(layout, 1.3), xPixel(layout, 0.85), yPixel(layout, 0.85));
    expect(caught).toEqual([[1, 0], [1, 1]]);
  });
  it("click replaces, shift-click toggles, empty click clears", () => {
    expect(nextSelection([[0, 1]], [1, 0], false)).toEqual([[1, 0]]);
    expect(nextSelection([[0, 1]], [1, 0], true)).toEqual([[0, 1], [1, 0]]);
    expect(nextSelection([[0, 1], [1, 0]], [0, 1], true)).toEqual([[1, 0]]);
    expect(nextSelection([[0, 1]], null, false)).toEqual([]);
    expect(nextSelection([[0, 1]], null, true)).toEqual([[0, 1]]);
  });
  it("brush replaces, shift-brush adds without duplicates", () => {
    expect(brushSelection([[0, 1]], [[1, 0]], false)).toEqual([[1, 0]]);
    expect(brushSelection([[0, 1]], [[0, 1], [1, 0]], true)).toEqual([[0, 1], [1, 0]]);
  });
  it("describes a point with its persistence", () => {
    expect(describePoint(diagrams, 0, 2)).toBe("H0 #2 · birth 0 · death ∞ · persistence ∞");
    expect(describePoint(diagrams, 1, 0, "layer1")).toBe("layer1 · H1 #0 · birth 0.6 · death 1.2 · persistence 0.6");
  });
});

describe("the infinity label", () => {
  it("is drawn at the infinity line, outside the clipped plot area", async () => {
    const { recordingCtx } = await import("../shared/ctx");
    const { ctx, calls } = recordingCtx();
    const layout = computeLayout("diagram", [diagrams], 400, 400);
    drawScene(ctx, layout, theme, scene());
    const label = calls.find((c) => c.op === "fillText" && c.text === "∞");
    expect(label).toBeDefined();
    expect(label!.args[1]).toBeCloseTo(yPixel(layout, Infinity));
    expect(label!.args[0]).toBeLessThan(layout.left);
  });
});

describe("large diagrams", () => {
  it("hand their discs to the rasteriser and blit one bitmap", async () => {
    const { recordingCtx } = await import("../shared/ctx");
    const { RASTER_THRESHOLD } = await import("./draw");
    const n = RASTER_THRESHOLD + 10;
    const big = diagramsOf(Array.from({ length: 2 * n }, (_, k) => (k % 2 ? 1 + (k % 7) : 0.5)));
    const layout = computeLayout("diagram", [big], 400, 400);
    const bitmap = {} as CanvasImageSource;
    const seen: number[] = [];
    const { ctx, calls } = recordingCtx();
    drawScene(ctx, layout, theme, {
      diagrams: big,
      selected: [],
      rasterize: (layers) => {
        seen.push(...layers.map((l) => l.xs.length));
        const [x, y] = pointPixel(layout, big[0]!, 3);
        expect(layers[0]!.xs[3]).toBeCloseTo(x);
        expect(layers[0]!.ys[3]).toBeCloseTo(y);
        return bitmap;
      },
    });
    expect(seen).toEqual([n]);
    expect(calls.filter((c) => c.op === "drawImage")).toHaveLength(1);
    expect(calls.filter((c) => c.op === "arc")).toHaveLength(0);
  });
});

describe("rasterize", () => {
  it("paints discs of the right area and colour, blending overlaps", async () => {
    const { rasterize, discOffsets, parseHex } = await import("./raster");
    expect(parseHex("#0072B2")).toEqual([0, 114, 178]);
    expect(parseHex("#fff")).toEqual([255, 255, 255]);
    const w = 40;
    const h = 20;
    const buf = new Uint8ClampedArray(4 * w * h);
    const drawn = rasterize(
      buf, w, h,
      [{ xs: Float64Array.from([10, 30]), ys: Float64Array.from([10, 10]), color: "#ff0000", alpha: 1 }],
      4,
    );
    expect(drawn).toBe(2);
    const painted = Array.from({ length: w * h }, (_, k) => buf[4 * k + 3]!).filter((a) => a > 0).length;
    expect(painted).toBe(2 * discOffsets(4).length / 2);
    expect([buf[4 * (10 * w + 10)], buf[4 * (10 * w + 10) + 1], buf[4 * (10 * w + 10) + 3]]).toEqual([255, 0, 255]);
    // half-transparent blue over the red disc: a blend of both, fully opaque
    rasterize(buf, w, h, [{ xs: Float64Array.from([10]), ys: Float64Array.from([10]), color: "#0000ff", alpha: 0.5 }], 2);
    const i = 4 * (10 * w + 10);
    expect(buf[i]).toBeCloseTo(127.5, -1);
    expect(buf[i + 2]).toBeCloseTo(127.5, -1);
    expect(buf[i + 3]).toBe(255);
  });
});
