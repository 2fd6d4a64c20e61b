// @vitest-environment node
import { describe, expect, it } from "vitest";
import { encode, type EncodedArray } from "../shared/codec";
import { modeCursor } from "./pointer";
import { decodePositions, samePositions } from "./positions";

function f64(values: number[], n = values.length / 2): EncodedArray {
  return encode({ dtype: "float64", shape: [n, 2], data: Float64Array.from(values) });
}

describe("decodePositions", () => {
  it("returns the world coordinates of an (n, 2) float64 array", () => {
    const p = decodePositions(f64([1, 2, 3.5, -4]), 2);
    expect(p).toBeInstanceOf(Float64Array);
    expect(Array.from(p!)).toEqual([1, 2, 3.5, -4]);
  });

  it("converts integer dtypes, int64 included, to numbers", () => {
    const enc = encode({ dtype: "int64", shape: [2, 2], data: BigInt64Array.from([1n, -2n, 3n, 4n]) });
    expect(Array.from(decodePositions(enc, 2)!)).toEqual([1, -2, 3, 4]);
  });

  it("is null when unset", () => {
    expect(decodePositions(null, 3)).toBeNull();
    expect(decodePositions(undefined, 0)).toBeNull();
  });

  it("is null for another number of nodes", () => {
    expect(decodePositions(f64([1, 2, 3, 4]), 3)).toBeNull();
    expect(decodePositions(f64([1, 2, 3, 4]), 1)).toBeNull();
  });

  it("is null when a coordinate is NaN or infinite", () => {
    expect(decodePositions(f64([1, Number.NaN, 3, 4]), 2)).toBeNull();
    expect(decodePositions(f64([1, 2, Infinity, 4]), 2)).toBeNull();
  });

  it("is null for a buffer that does not decode", () => {
    const bad = { dtype: "complex128", shape: [1, 2], buffer: new ArrayBuffer(16) } as unknown as EncodedArray;
    expect(decodePositions(bad, 1)).toBeNull();
  });

  it("copies: changing the result leaves the encoded buffer alone", () => {
    const data = Float64Array.from([5, 6]);
    const p = decodePositions(encode({ dtype: "float64", shape: [1, 2], data }), 1)!;
    p[0] = 99;
    expect(data[0]).toBe(5);
  });
});

describe("samePositions", () => {
  it("is true for equal values in different arrays", () => {
    expect(samePositions(Float64Array.from([1, 2, 3, 4]), [1, 2, 3, 4])).toBe(true);
    expect(samePositions(new Float64Array(0), new Float64Array(0))).toBe(true);
  });

  it("is false when one value differs or the lengths differ", () => {
    expect(samePositions([1, 2, 3, 4], [1, 2, 3, 4.000001])).toBe(false);
    expect(samePositions([1, 2], [1, 2, 3, 4])).toBe(false);
  });

  it("is false for NaN (a layout with NaN is never an echo)", () => {
    expect(samePositions([Number.NaN, 0], [Number.NaN, 0])).toBe(false);
  });
});

describe("modeCursor", () => {
  it("is a crosshair in lasso mode and a grab hand in pan mode", () => {
    expect(modeCursor("lasso")).toBe("crosshair");
    expect(modeCursor("pan")).toBe("grab");
  });
});
