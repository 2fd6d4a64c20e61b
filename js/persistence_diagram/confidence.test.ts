import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { recordingCtx } from "../shared/ctx";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases, TEST_THEME as theme } from "../shared/view_test";
import {
  BAND_ALPHA,
  bandMask,
  bandPolygon,
  bandText,
  computeLayout,
  drawScene,
  FADED,
  headerText,
  pointPixel,
  significantIndices,
  toConfidence,
  toDiagrams,
  xValue,
  yPixel,
  yValue,
  type Confidence,
  type Diagram,
} from "./draw";
import widget from "./index";
import type { PersistenceDiagramModel } from "./model";

function diagramsOf(...rows: number[][]): Diagram[] {
  return toDiagrams(rows.map((r) => decode(encode({ dtype: "float64", shape: [r.length / 2, 2], data: Float64Array.from(r) }))));
}

// H0: one infinite bar and one short one; H1: persistences 0.1, 0.3, 0.25, 1.0
const H1 = [0.2, 0.3, 0.5, 0.8, 0.1, 0.35, 0.4, 1.4];
const dgms = diagramsOf([0, Infinity, 0, 0.3], H1);
const conf: Confidence = { c_alpha: 0.125, alpha: 0.05, method: "subsample", n_boot: 100, dim: 1 };

describe("the confidence band: which points are inside it", () => {
  it("is death - birth <= 2 c_alpha, exactly at the edge included, infinite bars never", () => {
    expect([...bandMask(dgms[1] as Diagram, 0.125)]).toEqual([1, 0, 1, 0]);
    // persistence 0.25 = 2 * 0.125: on the edge, inside (not significant), as Python's > rule
    expect([...bandMask(diagramsOf([0.1, 0.35])[0] as Diagram, 0.125)]).toEqual([1]);
    expect(significantIndices(dgms[0] as Diagram, 1e9)).toEqual([0]);
  });

  it("counts the significant features in the header, with the method's name", () => {
    expect(headerText(conf, dgms[1])).toBe("2 of 4 H1 features significant at α = 0.05 (subsampling, B = 100)");
    expect(headerText({ ...conf, method: "bootstrap", n_boot: 50, alpha: 0.1 }, dgms[1])).toBe(
      "2 of 4 H1 features significant at α = 0.1 (bootstrap, B = 50)",
    );
    expect(bandText(conf, false)).toBe("shaded: within c_α = 0.13 of the diagonal (L∞), the 95 % confidence set");
    expect(bandText(conf, true)).toMatch(/^faded: bars shorter than 2c_α = 0.25/);
  });

  it("reads malformed trait entries as no confidence set", () => {
    expect(toConfidence([conf, null, { c_alpha: "x" }, { c_alpha: NaN, alpha: 0.05, n_boot: 1, dim: 1 }])).toEqual([
      conf,
      null,
      null,
      null,
    ]);
    expect(toConfidence(undefined)).toEqual([]);
  });
});

describe("the band's geometry", () => {
  it("diagram mode: a strip between the diagonal and death = birth + 2 c_alpha", () => {
    const layout = computeLayout("diagram", [dgms], 300, 300);
    const poly = bandPolygon(layout, conf.c_alpha)!;
    expect(poly).toHaveLength(4);
    // the first edge lies on the diagonal, the far edge 2 c_alpha above it
    for (const [x, y] of poly.slice(0, 2)) expect(yValue(layout, y)).toBeCloseTo(xValue(layout, x), 9);
    for (const [x, y] of poly.slice(2)) expect(yValue(layout, y) - xValue(layout, x)).toBeCloseTo(0.25, 9);
    // it spans the whole window
    expect(Math.min(...poly.map((p) => p[0]))).toBeLessThanOrEqual(layout.left);
    expect(Math.max(...poly.map((p) => p[0]))).toBeGreaterThanOrEqual(layout.left + layout.plotW);
  });

  it("lifetime mode: persistence from 0 to 2 c_alpha; barcode mode: no band", () => {
    const layout = computeLayout("lifetime", [dgms], 300, 300);
    const ys = bandPolygon(layout, conf.c_alpha)!.map(([, y]) => yValue(layout, y));
    expect(Math.min(...ys)).toBeCloseTo(0, 9);
    expect(Math.max(...ys)).toBeCloseTo(0.25, 9);
    expect(bandPolygon(computeLayout("barcode", [dgms], 300, 300), conf.c_alpha)).toBeNull();
  });
});

describe("drawing: the band is shaded and the points inside it faded", () => {
  const layout = computeLayout("diagram", [dgms], 300, 300);
  const h1 = dgms[1] as Diagram;

  function arcsAt(calls: ReturnType<typeof recordingCtx>["calls"], i: number) {
    const [x, y] = pointPixel(layout, h1, i);
    return calls.filter((c) => c.op === "arc" && Math.abs((c.args[0] as number) - x) < 1e-9 && Math.abs((c.args[1] as number) - y) < 1e-9);
  }

  it("fades exactly the H1 points in the band, and shades the band once", () => {
    const { ctx, calls } = recordingCtx();
    drawScene(ctx, layout, theme, { diagrams: dgms, selected: [], confidence: [conf] });
    const alphaOf = (i: number) => arcsAt(calls, i)[0]?.alpha;
    expect(alphaOf(0)).toBeCloseTo(0.85 * FADED, 9);
    expect(alphaOf(2)).toBeCloseTo(0.85 * FADED, 9);
    expect(alphaOf(1)).toBeCloseTo(0.85, 9);
    expect(alphaOf(3)).toBeCloseTo(0.85, 9);
    const bands = calls.filter((c) => c.op === "fill" && Math.abs(c.alpha - BAND_ALPHA) < 1e-9);
    expect(bands).toHaveLength(1);
    expect(bands[0]?.fill).toBe(theme.categorical[1]);
    // clipped below the line of infinite deaths: an infinite bar is never in the band
    const clip = calls.filter((c) => c.op === "rect").find((c) => (c.args[1] as number) > yPixel(layout, Infinity));
    expect(clip).toBeDefined();
    expect((clip!.args[1] as number) + (clip!.args[3] as number)).toBeCloseTo(layout.top + layout.plotH, 9);
  });

  it("draws nothing of it without a confidence set, or with its dimension hidden", () => {
    for (const scene of [{}, { confidence: [conf], visible: new Set([0]) }]) {
      const { ctx, calls } = recordingCtx();
      drawScene(ctx, layout, theme, { diagrams: dgms, selected: [], ...scene });
      expect(calls.filter((c) => c.op === "fill" && Math.abs(c.alpha - BAND_ALPHA) < 1e-9)).toHaveLength(0);
      expect(calls.filter((c) => c.op === "arc" && c.alpha < 0.5)).toHaveLength(0);
    }
  });

  it("two layers: two bands, the second's points faded by its own radius", () => {
    const other = diagramsOf([0, Infinity], [0.2, 0.3, 0.5, 0.8]);
    const { ctx, calls } = recordingCtx();
    const wide: Confidence = { ...conf, c_alpha: 0.2 };
    drawScene(ctx, layout, theme, { diagrams: dgms, overlay: other, selected: [], confidence: [conf, wide] });
    expect(calls.filter((c) => c.op === "fill" && Math.abs(c.alpha - BAND_ALPHA) < 1e-9)).toHaveLength(2);
    // the overlay's diamonds are strokes: persistence 0.3 <= 0.4 is faded, 0.1 too
    const strokes = calls.filter((c) => c.op === "stroke" && c.stroke === theme.categorical[1] && c.lineWidth === 1.5);
    expect(strokes.map((c) => c.alpha).some((a) => Math.abs(a - FADED) < 1e-9)).toBe(true);
  });

  it("barcode mode: short bars faded, no band", () => {
    const bars = computeLayout("barcode", [dgms], 300, 300);
    const { ctx, calls } = recordingCtx();
    drawScene(ctx, bars, theme, { diagrams: dgms, selected: [], confidence: [conf] });
    const h1Strokes = calls.filter((c) => c.op === "stroke" && c.stroke === theme.categorical[1]);
    expect(h1Strokes.map((c) => c.alpha)).toEqual([FADED, 1]);
    expect(calls.filter((c) => c.op === "fill" && Math.abs(c.alpha - BAND_ALPHA) < 1e-9)).toHaveLength(0);
  });
});

recordCanvases();

function state(over: Partial<PersistenceDiagramModel> = {}): PersistenceDiagramModel {
  const enc = (r: number[]) => encode({ dtype: "float64", shape: [r.length / 2, 2], data: Float64Array.from(r) });
  return {
    diagrams: [enc([0, Infinity, 0, 0.3]), enc(H1)],
    compare_diagrams: [],
    matching: [],
    names: [],
    selected_points: [],
    visible_dims: [0, 1],
    mode: "diagram",
    title: "",
    subsample_note: "",
    confidence: [],
    width: 300,
    height: 300,
    ...over,
  };
}

describe("the view: header, legend and what is significant", () => {
  it("says how many features are significant and publishes their indices", () => {
    const model = new PageModel(state());
    const { host, q } = mountView(widget, model);
    expect(q("pd-confidence").hidden).toBe(true);
    model.setFromPython("confidence", [conf]);
    expect(q("pd-confidence").hidden).toBe(false);
    expect(q("pd-confidence-head-0").textContent).toBe("2 of 4 H1 features significant at α = 0.05 (subsampling, B = 100)");
    expect(q("pd-confidence-key-0").textContent).toMatch(/^shaded: within c_α = 0.13 of the diagonal \(L∞\)/);
    const root = host.querySelector<HTMLElement>(".tdaw-persistence-diagram")!;
    expect(JSON.parse(root.dataset.significant!)).toEqual([[1, 3]]);
    // barcode mode: the key says bars are faded
    model.setFromPython("mode", "barcode");
    expect(q("pd-confidence-key-0").textContent).toMatch(/^faded: bars shorter than/);
    model.setFromPython("confidence", []);
    expect(q("pd-confidence").hidden).toBe(true);
  });

  it("two layers: one line each, named with the layer's marker", () => {
    const enc = (r: number[]) => encode({ dtype: "float64", shape: [r.length / 2, 2], data: Float64Array.from(r) });
    const model = new PageModel(
      state({
        compare_diagrams: [enc([0, Infinity]), enc([0.2, 0.3, 0.5, 1.5])],
        names: ["conv1", "layer4"],
        confidence: [conf, { ...conf, c_alpha: 0.05, method: "bootstrap" }],
      }),
    );
    const { host, q } = mountView(widget, model);
    expect(q("pd-confidence-head-0").textContent).toBe("● conv1: 2 of 4 H1 features significant at α = 0.05 (subsampling, B = 100)");
    expect(q("pd-confidence-head-1").textContent).toBe("◇ layer4: 1 of 2 H1 features significant at α = 0.05 (bootstrap, B = 100)");
    expect(q("pd-confidence-key-1").querySelector(".tdaw-pd-band-second")).not.toBeNull();
    const root = host.querySelector<HTMLElement>(".tdaw-persistence-diagram")!;
    expect(JSON.parse(root.dataset.significant!)).toEqual([[1, 3], [1]]);
  });
});
