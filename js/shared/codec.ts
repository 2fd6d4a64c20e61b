// Binary array codec: the JS twin of tda_widgets/widgets/_codec.py.
// Python sends numpy arrays as {dtype, shape, buffer}; the buffer arrives as a
// DataView (ipywidgets' binary message parts), little-endian, C order.

export type DType =
  | "bool"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** What crosses the wire. */
export interface EncodedArray {
  dtype: DType;
  shape: number[];
  buffer: DataView | ArrayBuffer | ArrayBufferView;
}

/** A decoded n-dimensional array (C order). */
export interface NDArray {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

const CTORS = {
  bool: Uint8Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function isDType(value: unknown): value is DType {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(CTORS, value);
}

function toBytes(buffer: EncodedArray["buffer"]): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  if (ArrayBuffer.isView(buffer)) {
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  throw new TypeError(`codec: expected an ArrayBuffer or a view of one, got ${typeof buffer}`);
}

/** Decode `{dtype, shape, buffer}` into a typed array, copying only when misaligned. */
export function decode(encoded: EncodedArray): NDArray {
  const { dtype, shape } = encoded;
  if (!isDType(dtype)) throw new TypeError(`codec: unsupported dtype ${String(dtype)}`);
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new TypeError(`codec: shape must be a list of non-negative integers, got ${String(shape)}`);
  }
  const Ctor = CTORS[dtype];
  const size = shape.reduce((a, b) => a * b, 1);
  const bytes = toBytes(encoded.buffer);
  const need = size * Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength !== need) {
    throw new RangeError(
      `codec: ${dtype} array of shape [${shape.join(", ")}] needs ${need} bytes, got ${bytes.byteLength}`,
    );
  }
  let data: TypedArray;
  if (bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) {
    data = new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, size);
  } else {
    const copy = new Uint8Array(need);
    copy.set(bytes);
    data = new Ctor(copy.buffer, 0, size);
  }
  return { dtype, shape: [...shape], data };
}

/** Encode a typed array for sending to Python (the buffer is a DataView). */
export function encode(array: NDArray): EncodedArray {
  const { data } = array;
  return {
    dtype: array.dtype,
    shape: [...array.shape],
    buffer: new DataView(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** Element `i` as a JS number (int64 values beyond 2^53 lose precision, as in JSON). */
export function at(array: NDArray, i: number): number {
  const v = array.data[i];
  return typeof v === "bigint" ? Number(v) : (v as number);
}
