// Persistence diagrams as the views use them: one record per homology dimension with
// parallel birth/death columns, decoded from Python's (n_k, 2) arrays.
import { at, type NDArray } from "./codec";

/** One homology dimension's diagram (or barcode) as parallel birth/death arrays. */
export interface Diagram {
  dim: number;
  births: Float64Array;
  deaths: Float64Array;
}

/** Split `(n, 2)` arrays, one per dimension, into birth/death columns. */
export function toDiagrams(arrays: NDArray[]): Diagram[] {
  return arrays.map((arr, dim) => {
    const n = arr.shape.length === 2 ? (arr.shape[0] ?? 0) : 0;
    const births = new Float64Array(n);
    const deaths = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      births[i] = at(arr, 2 * i);
      deaths[i] = at(arr, 2 * i + 1);
    }
    return { dim, births, deaths };
  });
}
