import { describe, expect, it } from "vitest";
import { encode } from "../shared/codec";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases } from "../shared/view_test";
import widget from "./index";
import type { MapperGraphModel, PurityEvidence } from "./model";
import { buildEvidence, pDecimals, purityLine, purityTitle } from "./panel";

const TEST: PurityEvidence = {
  name: "Mapper purity vs label permutation",
  statistic: 0.16543,
  null_mean: 0.13171,
  null_low: 0.12555,
  null_high: 0.13849,
  level: 0.95,
  p_value: 0.001,
  mc_se: 0.000999,
  n_permutations: 999,
  effect: 8.71,
  effect_name: "z",
  alternative: "greater",
};

function state(over: Partial<MapperGraphModel> = {}): MapperGraphModel {
  return {
    sizes: encode({ dtype: "int64", shape: [2], data: BigInt64Array.from([3n, 2n]) }),
    edges: encode({ dtype: "int32", shape: [1, 2], data: Int32Array.from([0, 1]) }),
    edge_weights: encode({ dtype: "float64", shape: [1], data: Float64Array.from([0.25]) }),
    class_counts: encode({ dtype: "int64", shape: [2, 2], data: BigInt64Array.from([3n, 0n, 1n, 1n]) }),
    class_names: ["cat", "dog"],
    node_values: null,
    value_name: "",
    color_mode: "classes",
    positions: null,
    layout_seed: 0,
    selected_nodes: [],
    selected_indices: null,
    edge_threshold: 0,
    class_filter: "",
    detail: {},
    thumbnails: null,
    thumbnail_indices: [],
    thumbnail_grid: [],
    max_thumbnails: 24,
    title: "",
    width: 400,
    height: 300,
    purity_evidence: {},
    ...over,
  };
}

recordCanvases();

describe("purity evidence in the legend", () => {
  it("reads observed, chance with its band, p ± its Monte Carlo SE and B", () => {
    expect(purityLine(TEST)).toBe("purity 0.165 · chance 0.132 [0.126–0.138] · p = 0.001 ± 0.001 (B = 999)");
  });

  it("gives p and its SE the decimals that show the SE to one significant digit", () => {
    expect(pDecimals(0.000999)).toBe(3); // rounds to 0.001
    expect(pDecimals(0.0074)).toBe(3);
    expect(pDecimals(0.0003)).toBe(4);
    expect(pDecimals(0.00004)).toBe(5);
    expect(pDecimals(0.05)).toBe(3); // never fewer than 3
    expect(pDecimals(0)).toBe(3);
    expect(pDecimals(null)).toBe(3);
    const big = { ...TEST, p_value: 0.0421, mc_se: 0.00021, n_permutations: 9999 };
    expect(purityLine(big)).toMatch(/ · p = 0\.0421 ± 0\.0002 \(B = 9999\)$/);
  });

  it("names an alternative other than greater, and writes n/a for missing numbers", () => {
    const two = { ...TEST, alternative: "two-sided", null_low: null, p_value: 0.5, mc_se: 0.0158 };
    expect(purityLine(two)).toBe("purity 0.165 · chance 0.132 [n/a–0.138] · p = 0.500 ± 0.016 (two-sided, B = 999)");
    expect(purityTitle(two)).toMatch(/p is two-sided/);
    const flat = { ...TEST, effect: 0.034, effect_name: "difference from the null median" };
    expect(purityTitle(flat)).toMatch(/difference from the null median: 0\.034;/);
  });

  it("says what the band is in the title, and nothing without a test", () => {
    expect(purityTitle(TEST)).toMatch(/999 random permutations of the labels over the images, the graph fixed/);
    expect(purityTitle(TEST)).toMatch(/2\.5 %–97\.5 % quantiles/);
    expect(purityTitle(TEST)).toMatch(/z = 8\.7/);
    expect(purityLine({})).toBe("");
    expect(purityTitle({})).toBe("");
  });

  it("marks the observed value outside the shaded band when it lies above it", () => {
    const host = document.createElement("div");
    buildEvidence(TEST, host);
    const band = host.querySelector<HTMLElement>(".tdaw-mg-evidence-band")!;
    const mark = host.querySelector<HTMLElement>(".tdaw-mg-evidence-mark")!;
    expect(parseFloat(mark.style.left)).toBeGreaterThan(parseFloat(band.style.left));
    expect(parseFloat(mark.style.left)).toBeLessThanOrEqual(100);
    expect(host.dataset.pValue).toBe("0.001");
    buildEvidence({}, host);
    expect(host.hidden).toBe(true);
    expect(host.childElementCount).toBe(0);
  });

  it("follows the model's purity_evidence trait in the mounted view", () => {
    const model = new PageModel(state());
    const { q } = mountView(widget, model);
    const line = q("mg-purity");
    expect(line.hidden).toBe(true);
    model.set("purity_evidence", TEST);
    expect(line.hidden).toBe(false);
    expect(q("mg-purity-text").textContent).toBe(purityLine(TEST));
    expect(line.dataset.pValue).toBe("0.001");
    expect(line.title).toMatch(/^Mean node purity/);
    model.set("purity_evidence", {});
    expect(line.hidden).toBe(true);
  });
});
