import { describe, expect, it } from "vitest";
import type { EncodedArray } from "../shared/codec";
import { PageModel } from "../shared/page_model";
import { linkExplorer, pairConfidence, type ExplorerSpec } from "./explorer";

function f64(rows: number[][]): EncodedArray {
  return { dtype: "float64", shape: [rows.length, 2], buffer: new Float64Array(rows.flat()) };
}

function i64(values: number[]): EncodedArray {
  return { dtype: "int64", shape: [values.length], buffer: new BigInt64Array(values.map(BigInt)) };
}

const conf = (c: number): Record<string, unknown> => ({ c_alpha: c, alpha: 0.05, method: "subsample", n_boot: 100, dim: 1 });

function spec(confidence: ExplorerSpec["confidence"]): ExplorerSpec {
  const layer = (k: number): EncodedArray[] => [f64([[0, k + 1]]), f64([[0.1, 0.2 + k]])];
  const mapper = { member_offsets: i64([0, 1]), members: i64([0]) };
  return {
    matrix: "matrix",
    diagram: "diagram",
    mapper: "mapper",
    layers: ["a", "b", "c"],
    diagrams: [layer(0), layer(1), layer(2)],
    generators: [[], [], []],
    matchings: {},
    mappers: [mapper, mapper, mapper],
    image_index: [i64([0]), i64([0]), i64([0])],
    thumbnails: [""],
    captions: [""],
    max_gallery: 10,
    confidence,
  };
}

function link(s: ExplorerSpec) {
  const models = {
    matrix: new PageModel<Record<string, unknown>>({ selected_pair: [0, 1] }),
    diagram: new PageModel<Record<string, unknown>>({ confidence: [conf(9)] }),
    mapper: new PageModel<Record<string, unknown>>({ selected_nodes: [], member_offsets: i64([0, 1]), members: i64([0]) }),
  };
  linkExplorer(s, models);
  return models;
}

describe("the exported explorer's confidence sets follow the layers shown", () => {
  it("gives each layer its own record, the first alone on the diagonal", () => {
    const s = spec([conf(0.1), conf(0.2), conf(0.3)]);
    expect(pairConfidence(s, 2, 0)).toEqual([conf(0.3), conf(0.1)]);
    expect(pairConfidence(s, 1, 1)).toEqual([conf(0.2)]);
    expect(pairConfidence(spec(null), 2, 0)).toEqual([]);
    expect(pairConfidence(spec(undefined), 2, 0)).toEqual([]);
  });

  it("replaces the page's records on a matrix click, and clears them when off", () => {
    const on = link(spec([conf(0.1), conf(0.2), conf(0.3)]));
    // the page opens on the pair the screen showed, with that pair's records
    expect(on.diagram.get("confidence")).toEqual([conf(0.1), conf(0.2)]);
    const seen: unknown[] = [];
    on.diagram.on("change:diagrams", () => seen.push(on.diagram.get("confidence")));
    on.matrix.set("selected_pair", [2, 1]);
    expect(on.diagram.get("confidence")).toEqual([conf(0.3), conf(0.2)]);
    expect(seen).toEqual([[]]); // no old record is over the new diagrams, even in between
    const off = link(spec(null));
    expect(off.diagram.get("confidence")).toEqual([]);
    off.matrix.set("selected_pair", [2, 1]);
    expect(off.diagram.get("confidence")).toEqual([]);
  });
});
