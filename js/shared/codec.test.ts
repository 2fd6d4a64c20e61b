// @vitest-environment node
import { describe, expect, it } from "vitest";
import { at, decode, encode, type DType, type NDArray } from "./codec";

function roundTrip(array: NDArray): NDArray {
  const enc = encode(array);
  // simulate the wire: copy the bytes into a fresh, offset buffer as ipywidgets may
  const src = new Uint8Array((enc.buffer as DataView).buffer, (enc.buffer as DataView).byteOffset, (enc.buffer as DataView).byteLength);
  const wire = new Uint8Array(src.byteLength + 3);
  wire.set(src, 3);
  return decode({ ...enc, buffer: new DataView(wire.buffer, 3, src.byteLength) });
}

describe("codec", () => {
  it.each<[DType, ArrayLike<number>]>([
    ["float32", [0, 1.5, -2.25, 1e30]],
    ["float64", [0, Math.PI, -1e-300, Infinity]],
    ["int32", [0, -1, 2147483647, -2147483648]],
    ["uint8", [0, 1, 255, 128]],
    ["int16", [-32768, 0, 32767, 5]],
  ])("round-trips %s as a 2-D array", (dtype, values) => {
    const Ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array, int16: Int16Array }[dtype as "float32"];
    const data = Ctor.from(values as number[]);
    const out = roundTrip({ dtype, shape: [2, 2], data });
    expect(out.dtype).toBe(dtype);
    expect(out.shape).toEqual([2, 2]);
    expect(Array.from(out.data as Float64Array)).toEqual(Array.from(data));
  });

  it("round-trips int64 through BigInt64Array", () => {
    const data = BigInt64Array.from([0n, -5n, 2n ** 40n]);
    const out = roundTrip({ dtype: "int64", shape: [3], data });
    expect(Array.from(out.data as BigInt64Array)).toEqual([0n, -5n, 2n ** 40n]);
    expect(at(out, 2)).toBe(2 ** 40);
  });

  it("round-trips empty arrays with their shape", () => {
    const out = roundTrip({ dtype: "float64", shape: [0, 2], data: new Float64Array(0) });
    expect(out.shape).toEqual([0, 2]);
    expect(out.data.length).toBe(0);
  });

  it("keeps NaN and infinities", () => {
    const out = roundTrip({ dtype: "float64", shape: [3], data: Float64Array.from([NaN, Infinity, -Infinity]) });
    expect(Number.isNaN(at(out, 0))).toBe(true);
    expect(at(out, 1)).toBe(Infinity);
    expect(at(out, 2)).toBe(-Infinity);
  });

  it("rejects a buffer of the wrong size and unknown dtypes", () => {
    expect(() => decode({ dtype: "float64", shape: [2, 2], buffer: new ArrayBuffer(8) })).toThrow(/needs 32 bytes, got 8/);
    expect(() => decode({ dtype: "complex128" as DType, shape: [1], buffer: new ArrayBuffer(16) })).toThrow(/unsupported dtype/);
    expect(() => decode({ dtype: "float32", shape: [-1], buffer: new ArrayBuffer(0) })).toThrow(/shape/);
  });

  it("decodes little-endian bytes written by numpy", () => {
    // numpy: np.array([1.0, -2.0], '<f4').tobytes()
    const bytes = Uint8Array.from([0, 0, 128, 63, 0, 0, 0, 192]);
    const out = decode({ dtype: "float32", shape: [2], buffer: new DataView(bytes.buffer) });
    expect(Array.from(out.data as Float32Array)).toEqual([1, -2]);
  });
});
