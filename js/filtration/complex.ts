// The Rips complex at a scale, from the edge list sorted by length. Pure functions.
import { at, type NDArray } from "../shared/codec";

/** The edge list as parallel typed arrays (edges sorted by length, ascending). */
export interface EdgeList {
  n: number;
  a: Int32Array;
  b: Int32Array;
  lengths: Float32Array;
}

export function toEdgeList(n: number, edges: NDArray, lengths: NDArray): EdgeList {
  const m = lengths.data.length;
  const a = new Int32Array(m);
  const b = new Int32Array(m);
  const len = new Float32Array(m);
  for (let k = 0; k < m; k++) {
    a[k] = at(edges, 2 * k);
    b[k] = at(edges, 2 * k + 1);
    len[k] = at(lengths, k);
  }
  return { n, a, b, lengths: len };
}

/** No points, no edges. */
export function emptyEdgeList(): EdgeList {
  return { n: 0, a: new Int32Array(0), b: new Int32Array(0), lengths: new Float32Array(0) };
}

/** Number of edges of length <= r (binary search; lengths ascending). */
export function edgeCount(list: EdgeList, r: number): number {
  let lo = 0;
  let hi = list.lengths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list.lengths[mid] as number) <= r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Triangles {
  /** Vertex triples, flattened (3 per triangle). */
  vertices: Int32Array;
  count: number;
  /** True when the enumeration stopped at the cap (more triangles exist). */
  capped: boolean;
}

/**
 * Triangles of the Rips complex whose three edges are among the first `count` edges,
 * at most `cap` of them. Each triangle {i < j < k} is found once, from its edge (i, j).
 */
export function triangles(list: EdgeList, count: number, cap: number): Triangles {
  const { n } = list;
  const adj = new Uint8Array(n * n);
  for (let e = 0; e < count; e++) {
    const i = list.a[e] as number;
    const j = list.b[e] as number;
    adj[i * n + j] = 1;
    adj[j * n + i] = 1;
  }
  const out: number[] = [];
  let found = 0;
  for (let e = 0; e < count; e++) {
    let i = list.a[e] as number;
    let j = list.b[e] as number;
    if (i > j) [i, j] = [j, i];
    for (let k = j + 1; k < n; k++) {
      if (adj[i * n + k] && adj[j * n + k]) {
        if (found === cap) return { vertices: Int32Array.from(out), count: found, capped: true };
        out.push(i, j, k);
        found++;
      }
    }
  }
  return { vertices: Int32Array.from(out), count: found, capped: false };
}
