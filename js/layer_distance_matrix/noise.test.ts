import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { recordingCtx } from "../shared/ctx";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases, TEST_THEME as theme } from "../shared/view_test";
import { drawMatrix, toMatrix } from "./draw";
import widget from "./index";
import { computeLayout, roughMeasure } from "./layout";
import type { LayerDistanceMatrixModel, NoiseRecord } from "./model";
import { describeNoise, hatchSegments, markedCells, noiseLegend, toNoise } from "./noise";

const D = [0, 1, 3, 1, 0, 2, 3, 2, 0];
const f64 = (data: number[]) => encode({ dtype: "float64", shape: [3, 3], data: Float64Array.from(data) });
// within the noise: the diagonal and the pair (0, 1)
const WITHIN = [1, 1, 0, 1, 1, 0, 0, 0, 1];
const record: NoiseRecord = {
  within_noise: encode({ dtype: "bool", shape: [3, 3], data: Uint8Array.from(WITHIN) }),
  p_values: f64([1, 0.5, 0.05, 0.5, 1, 0.1, 0.05, 0.1, 1]),
  floor: f64([1.5, 1.5, 2.5, 1.5, 1.5, 1.8, 2.5, 1.8, 1.5]),
  label: "hatched: within the split-half noise floor (α = 0.05, 20 splits)",
};

describe("the noise floor: decoding, marked cells, text", () => {
  it("decodes a record and lists the hatched cells row-major", () => {
    const noise = toNoise(record, 9)!;
    expect(markedCells(noise, 3)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 2]]);
    expect(describeNoise(noise, 0, 2, 3)).toBe(" · noise floor = 2.5, p = 0.05: above the noise");
    expect(describeNoise(noise, 1, 0, 3)).toBe(" · noise floor = 1.5, p = 0.5: within the noise");
    // a square matrix counts layer pairs above the diagonal: only (0, 1) of 3
    expect(noiseLegend(noise, 3, 3)).toBe(`${record.label} · 1 of 3 layer pairs`);
  });

  it("reads a record of another size, or none, as no floor", () => {
    expect(toNoise(record, 4)).toBeNull();
    expect(toNoise(null, 9)).toBeNull();
    expect(markedCells(null, 3)).toEqual([]);
    expect(describeNoise(null, 0, 0, 3)).toBe("");
  });

  it("hatch lines stay inside their cell, 45 degrees, and fill it", () => {
    const layout = computeLayout(["a", "b", "c"], ["a", "b", "c"], 30, roughMeasure);
    const segs = hatchSegments(layout, 1, 2, 1);
    const [x0, y0] = [layout.left + 2 * 30, layout.top + 30];
    expect(segs.length).toBeGreaterThanOrEqual(10);
    for (const [ax, ay, bx, by] of segs) {
      for (const [x, y] of [[ax, ay], [bx, by]] as [number, number][]) {
        expect(x).toBeGreaterThanOrEqual(x0 - 1e-9);
        expect(x).toBeLessThanOrEqual(x0 + 29 + 1e-9);
        expect(y).toBeGreaterThanOrEqual(y0 - 1e-9);
        expect(y).toBeLessThanOrEqual(y0 + 29 + 1e-9);
      }
      expect(bx - ax).toBeCloseTo(-(by - ay), 9); // slope -1 on screen: "/"
    }
  });
});

describe("drawing: only the cells within the noise are hatched", () => {
  it("draws hatch lines in exactly the marked cells", () => {
    const m = toMatrix(decode(f64(D)), ["a", "b", "c"], ["a", "b", "c"], "SW");
    const layout = computeLayout(m.rows, m.cols, 30, roughMeasure);
    const hatchedCells = (noise: ReturnType<typeof toNoise>) => {
      const { ctx, calls } = recordingCtx();
      drawMatrix(ctx, m, layout, theme, { selected: [], hover: null, noise });
      const cells = new Set<string>();
      for (const c of calls.filter((c) => c.op === "lineTo" && c.stroke.startsWith("rgba("))) {
        const [x, y] = c.args as [number, number];
        cells.add(`${Math.floor((y - layout.top - 1e-6) / 30)},${Math.floor((x - layout.left + 1e-6) / 30)}`);
      }
      return [...cells].sort();
    };
    expect(hatchedCells(toNoise(record, 9))).toEqual(["0,0", "0,1", "1,0", "1,1", "2,2"]);
    expect(hatchedCells(null)).toEqual([]);
  });
});

recordCanvases();

function state(over: Partial<LayerDistanceMatrixModel> = {}): LayerDistanceMatrixModel {
  return {
    values: f64(D),
    layers: ["a", "b", "c"],
    columns: ["a", "b", "c"],
    metric: "SW",
    values2: f64(D.map((v) => v / 3)),
    metric2: "1 - CKA",
    rank_correlation: 1,
    show_second: false,
    selected_pair: [],
    noise: [],
    title: "",
    cell_size: 30,
    ...over,
  };
}

describe("the view: legend, marked cells and the status line", () => {
  it("shows the legend and publishes the hatched cells of the matrix shown", () => {
    const model = new PageModel(state());
    const { host, q } = mountView(widget, model);
    const root = host.querySelector<HTMLElement>(".tdaw-layer-distance-matrix")!;
    expect(q("ldm-noise-legend").hidden).toBe(true);
    expect(JSON.parse(root.dataset.marked!)).toEqual([]);
    // a floor for the second matrix only: nothing on the first
    const second = { ...record, within_noise: encode({ dtype: "bool", shape: [3, 3], data: Uint8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) }), label: "1 − CKA: not above the permutation null" };
    model.setFromPython("noise", [record, second]);
    expect(q("ldm-noise-legend").hidden).toBe(false);
    expect(q("ldm-noise-text").textContent).toBe(`${record.label} · 1 of 3 layer pairs`);
    expect(JSON.parse(root.dataset.marked!)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [2, 2]]);
    model.setFromPython("selected_pair", [0, 1]);
    expect(q("ldm-status").textContent).toBe("a ↔ b · SW = 1 · noise floor = 1.5, p = 0.5: within the noise");
    // the toggle: the second matrix's own floor
    model.setFromPython("show_second", true);
    expect(JSON.parse(root.dataset.marked!)).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(q("ldm-noise-text").textContent).toBe("1 − CKA: not above the permutation null · 0 of 3 layer pairs");
    model.setFromPython("noise", []);
    expect(q("ldm-noise-legend").hidden).toBe(true);
    expect(q("ldm-status").textContent).toBe("a ↔ b · 1 - CKA = 0.3333");
  });
});
