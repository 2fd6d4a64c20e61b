// @vitest-environment node
import { describe, expect, it } from "vitest";
import { encode } from "../shared/codec";
import { classColor } from "../shared/colormap";
import { recordingCtx } from "../shared/ctx";
import { TEST_THEME as theme } from "../shared/view_test";
import { polygonContains } from "d3-polygon";
import { describeNode, drawGraph, FOCUS_GAP, hitNode, nodesInPolygon, toScreen } from "./draw";
import { dimmedNodes, lassoSelection, maxRadius, matchClasses, nextSelection, nodeRadius, pieAngles, radii, toGraph, visibleEdges } from "./graph";
import { compose, fitTransform, forceLayout, invert, apply, seededRandom } from "./layout";


function graph(withCounts = true) {
  return toGraph({
    sizes: encode({ dtype: "int64", shape: [3], data: BigInt64Array.from([3n, 2n, 2n]) }),
    edges: encode({ dtype: "int32", shape: [3, 2], data: Int32Array.from([0, 1, 1, 2, 0, 7]) }),
    edge_weights: encode({ dtype: "float64", shape: [3], data: Float64Array.from([0.25, 0.5, 0.9]) }),
    class_counts: withCounts ? encode({ dtype: "int64", shape: [3, 2], data: BigInt64Array.from([3n, 0n, 1n, 1n, 0n, 2n]) }) : null,
    class_names: ["cat", "dog"],
    node_values: encode({ dtype: "float64", shape: [3], data: Float64Array.from([0.1, 0.5, 0.9]) }),
  });
}

describe("graph data", () => {
  it("decodes and drops edges to unknown nodes", () => {
    const g = graph();
    expect(g.n).toBe(3);
    expect(Array.from(g.edges)).toEqual([0, 1, 1, 2]);
    expect(Array.from(g.weights)).toEqual([0.25, 0.5]);
    expect(g.nClasses).toBe(2);
  });
  it("is empty, not throwing, for empty or malformed input", () => {
    const g = toGraph({ sizes: null, edges: null, edge_weights: null, class_counts: null, class_names: [], node_values: null });
    expect(g.n).toBe(0);
    const bad = toGraph({
      sizes: { dtype: "float64", shape: [4], buffer: new ArrayBuffer(3) },
      edges: null, edge_weights: null, class_counts: null, class_names: [], node_values: null,
    });
    expect(bad.n).toBe(0);
  });
  it("sizes nodes by area", () => {
    expect(nodeRadius(100, 100)).toBe(18);
    expect(nodeRadius(0, 100)).toBe(4);
    expect(nodeRadius(25, 100)).toBe(11);
    expect(Array.from(radii(graph()))[0]).toBe(18);
    // many nodes in a small drawing get smaller discs
    expect(maxRadius(1000, 800 * 600)).toBeCloseTo(0.45 * Math.sqrt(480));
    expect(maxRadius(3, 800 * 600)).toBe(18);
    expect(maxRadius(100000, 100)).toBe(5);
  });
  it("cuts pies clockwise from 12 o'clock, skipping empty classes", () => {
    const s = pieAngles([1, 0, 3]);
    expect(s.map((x) => x.cls)).toEqual([0, 2]);
    expect(s[0]!.start).toBeCloseTo(-Math.PI / 2);
    expect(s[0]!.end).toBeCloseTo(-Math.PI / 2 + Math.PI / 2);
    expect(s[1]!.end).toBe(1.5 * Math.PI);
    expect(pieAngles([0, 0])).toEqual([]);
  });
  it("filters classes and dims the rest", () => {
    const g = graph();
    expect(matchClasses(g.classNames, " ")).toBeNull();
    const m = matchClasses(g.classNames, "DO");
    expect([...m!]).toEqual([1]);
    expect(Array.from(dimmedNodes(g, m))).toEqual([1, 0, 0]);
    expect(Array.from(dimmedNodes(g, null))).toEqual([0, 0, 0]);
  });
  it("hides edges under the threshold", () => {
    expect(visibleEdges(graph(), 0.3)).toEqual([1]);
    expect(visibleEdges(graph(), 0)).toEqual([0, 1]);
  });
  it("click replaces, shift toggles, lasso replaces or adds", () => {
    expect(nextSelection([1], 2, false)).toEqual([2]);
    expect(nextSelection([1], 2, true)).toEqual([1, 2]);
    expect(nextSelection([1, 2], 1, true)).toEqual([2]);
    expect(nextSelection([1], null, false)).toEqual([]);
    expect(nextSelection([1], null, true)).toEqual([1]);
    expect(lassoSelection([1], [2, 3], false)).toEqual([2, 3]);
    expect(lassoSelection([1, 2], [2, 3], true)).toEqual([1, 2, 3]);
  });
});

describe("layout", () => {
  const input = { n: 3, edges: [0, 1, 1, 2], weights: [0.25, 0.5], radii: [10, 8, 8] };
  it("is deterministic for a seed and changes with it", () => {
    const a = forceLayout(input, 1);
    const b = forceLayout(input, 1);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(forceLayout(input, 2))).not.toEqual(Array.from(a));
    expect(a.every(Number.isFinite)).toBe(true);
  });
  it("keeps linked nodes close and lays a path out nearly straight", () => {
    const path = { n: 5, edges: [0, 1, 1, 2, 2, 3, 3, 4], weights: [0.5, 0.5, 0.5, 0.5], radii: [6, 6, 6, 6, 6] };
    const p = forceLayout(path, 0);
    const d = (i: number, j: number) => Math.hypot(p[2 * i]! - p[2 * j]!, p[2 * i + 1]! - p[2 * j + 1]!);
    expect(d(0, 1)).toBeGreaterThan(20);
    expect(d(0, 1)).toBeLessThan(80);
    expect(d(0, 4)).toBeGreaterThan(2 * d(0, 1)); // unfolded (an arc at worst)
  });
  it("lays out 1,000 nodes deterministically", () => {
    const n = 1000;
    const rnd = seededRandom(5);
    const edges: number[] = [];
    for (let e = 0; e < 3000; e++) {
      const a = Math.floor(rnd() * n);
      edges.push(a, (a + 1 + Math.floor(rnd() * 10)) % n);
    }
    const inp = { n, edges, weights: new Array(3000).fill(0.5), radii: new Array(n).fill(5) };
    expect(Array.from(forceLayout(inp, 0))).toEqual(Array.from(forceLayout(inp, 0)));
  });
  it("fits every node inside the canvas and inverts", () => {
    const p = forceLayout(input, 0);
    const t = fitTransform(p, [10, 8, 8], 300, 200);
    const s = toScreen(p, t);
    for (let i = 0; i < 3; i++) {
      expect(s[2 * i]!).toBeGreaterThanOrEqual(10);
      expect(s[2 * i]!).toBeLessThanOrEqual(290);
      expect(s[2 * i + 1]!).toBeGreaterThanOrEqual(10);
      expect(s[2 * i + 1]!).toBeLessThanOrEqual(190);
    }
    const z = compose({ k: 2, x: 5, y: -3 }, t);
    const [sx, sy] = apply(z, p[0]!, p[1]!);
    const [wx, wy] = invert(z, sx, sy);
    expect(wx).toBeCloseTo(p[0]!);
    expect(wy).toBeCloseTo(p[1]!);
  });
});

describe("hit testing and drawing", () => {
  const screen = Float64Array.from([50, 50, 100, 50, 75, 120]);
  const r = Float64Array.from([10, 8, 8]);
  it("finds the node under the cursor", () => {
    expect(hitNode(screen, r, 55, 52)).toBe(0);
    expect(hitNode(screen, r, 100, 59)).toBe(1);
    expect(hitNode(screen, r, 75, 85)).toBeNull();
  });
  it("selects the nodes inside a lasso", () => {
    const box = [40, 40, 110, 40, 110, 60, 40, 60];
    expect(nodesInPolygon(screen, box)).toEqual([0, 1]);
    // d3-polygon's answer for every node, on a concave lasso too
    const notch = [0, 0, 200, 0, 200, 200, 80, 200, 80, 60, 0, 60];
    const ring: [number, number][] = [];
    for (let k = 0; k < notch.length; k += 2) ring.push([notch[k]!, notch[k + 1]!]);
    const want = [0, 1, 2].filter((i) => polygonContains(ring, [screen[2 * i]!, screen[2 * i + 1]!]));
    expect(nodesInPolygon(screen, notch)).toEqual(want);
    expect(want).toEqual([0, 1]); // node 2 (75, 120) is in the notch
    expect(nodesInPolygon(screen, [0, 0, 1, 1])).toEqual([]);
  });
  it("draws pies with class colours and hides light edges", () => {
    const g = graph();
    const { ctx, calls } = recordingCtx();
    drawGraph(ctx, g, screen, r, theme, { selected: new Set([1]), dimmed: new Uint8Array(3), edges: [1], mode: "classes", hover: null, lasso: null }, 200, 200);
    const lines = calls.filter((c) => c.op === "lineTo");
    expect(lines).toHaveLength(1); // only edge 1 -> 2
    const fills = calls.filter((c) => c.op === "fill").map((c) => c.fill);
    // node 0: one slice (cat), node 1: cat + dog, node 2: dog
    expect(fills).toEqual([classColor(0), classColor(0), classColor(1), classColor(1)]);
    // the selection ring around node 1
    const rings = calls.filter((c) => c.op === "arc" && c.args[2] === 11);
    expect(rings.length).toBe(2);
  });
  it("draws the keyboard focus ring in the accent colour, outside the selection ring", () => {
    const { ctx, calls } = recordingCtx();
    const base = { selected: new Set([1]), dimmed: new Uint8Array(3), edges: [], mode: "classes" as const, hover: null, lasso: null };
    drawGraph(ctx, graph(), screen, r, theme, { ...base, focus: 1 }, 200, 200);
    const strokes = calls.filter((c) => c.op === "stroke" && c.stroke === theme.accent);
    expect(strokes).toHaveLength(1);
    expect(strokes[0]!.lineWidth).toBe(2.5);
    const arcs = calls.filter((c) => c.op === "arc" && c.args[0] === 100 && c.args[2] === 8 + FOCUS_GAP);
    expect(arcs).toHaveLength(2); // the halo and the ring
    const { ctx: ctx2, calls: none } = recordingCtx();
    drawGraph(ctx2, graph(), screen, r, theme, { ...base, focus: null }, 200, 200);
    expect(none.some((c) => c.op === "stroke" && c.stroke === theme.accent)).toBe(false);
  });
  it("colours by value without class counts", () => {
    const g = graph(false);
    const { ctx, calls } = recordingCtx();
    drawGraph(ctx, g, screen, r, theme, { selected: new Set(), dimmed: new Uint8Array(3), edges: [], mode: "values", hover: null, lasso: null }, 200, 200);
    const fills = calls.filter((c) => c.op === "fill").map((c) => c.fill);
    expect(fills[0]).toBe("rgb(68, 1, 84)"); // lowest value: the dark end of viridis
    expect(describeNode(g, 2, "lens", "values")).toBe("node 2 · 2 members · lens 0.9");
    expect(describeNode(graph(), 1, "", "classes")).toBe("node 1 · 2 members · cat 1, dog 1");
  });
  it("dims nodes that do not match the filter", () => {
    const { ctx, calls } = recordingCtx();
    drawGraph(ctx, graph(), screen, r, theme, { selected: new Set(), dimmed: Uint8Array.from([1, 0, 0]), edges: [], mode: "classes", hover: null, lasso: null }, 200, 200);
    const first = calls.find((c) => c.op === "fill");
    expect(first?.alpha).toBe(0.15);
  });
});
