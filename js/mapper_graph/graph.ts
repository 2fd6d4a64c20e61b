// The graph as plain typed arrays, decoded from the model's binary traits, and the
// pure questions the view asks of it (sizes, pies, search, edges shown, selection).
import { at, decode, type EncodedArray, type NDArray } from "../shared/codec";

export interface Graph {
  n: number;
  sizes: Float64Array;
  /** 2 per edge. */
  edges: Int32Array;
  weights: Float64Array;
  /** n * c counts, row-major, or null. */
  counts: Float64Array | null;
  nClasses: number;
  classNames: string[];
  values: Float64Array | null;
}

function safe(value: EncodedArray | null | undefined): NDArray | null {
  try {
    return value ? decode(value) : null;
  } catch {
    return null; // malformed input renders as the empty state, never throws
  }
}

function floats(arr: NDArray | null, size: number): Float64Array | null {
  if (!arr || arr.data.length !== size) return null;
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = at(arr, i);
  return out;
}

export const EMPTY_GRAPH: Graph = {
  n: 0, sizes: new Float64Array(0), edges: new Int32Array(0), weights: new Float64Array(0),
  counts: null, nClasses: 0, classNames: [], values: null,
};

export function toGraph(raw: {
  sizes: EncodedArray | null;
  edges: EncodedArray | null;
  edge_weights: EncodedArray | null;
  class_counts: EncodedArray | null;
  class_names: string[];
  node_values: EncodedArray | null;
}): Graph {
  const sizesArr = safe(raw.sizes);
  const n = sizesArr && sizesArr.shape.length === 1 ? (sizesArr.shape[0] as number) : 0;
  if (n === 0) return EMPTY_GRAPH;
  const sizes = floats(sizesArr, n) as Float64Array;
  const edgesArr = safe(raw.edges);
  const weightsArr = safe(raw.edge_weights);
  const m = weightsArr?.data.length ?? 0;
  const e = floats(edgesArr, 2 * m);
  const edges = new Int32Array(2 * m);
  const weights = new Float64Array(m);
  if (e && weightsArr) {
    let k = 0;
    for (let j = 0; j < m; j++) {
      const s = e[2 * j] as number;
      const t = e[2 * j + 1] as number;
      if (s < 0 || t < 0 || s >= n || t >= n) continue; // unknown ids are dropped, not drawn
      edges[2 * k] = s;
      edges[2 * k + 1] = t;
      weights[k] = at(weightsArr, j);
      k++;
    }
    return finish(k);
  }
  return finish(0);

  function finish(mm: number): Graph {
    const countsArr = safe(raw.class_counts);
    const c = countsArr?.shape.length === 2 && countsArr.shape[0] === n ? (countsArr.shape[1] as number) : 0;
    return {
      n,
      sizes,
      edges: edges.slice(0, 2 * mm),
      weights: weights.slice(0, mm),
      counts: c > 0 ? floats(countsArr, n * c) : null,
      nClasses: c,
      classNames: Array.from({ length: c }, (_, i) => raw.class_names[i] ?? String(i)),
      values: floats(safe(raw.node_values), n),
    };
  }
}

/** Node radius in CSS pixels: area grows with member count, from rMax / 4.5 to rMax. */
export function nodeRadius(size: number, maxSize: number, rMax = 18): number {
  const rMin = rMax / 4.5;
  if (maxSize <= 0) return rMin;
  return rMin + (rMax - rMin) * Math.sqrt(Math.max(0, size) / maxSize);
}

/** The largest radius: 18 px, less when many nodes share the drawing's `area` (px²). */
export function maxRadius(n: number, area: number): number {
  if (n <= 0) return 18;
  return Math.min(18, Math.max(5, 0.45 * Math.sqrt(area / n)));
}

export function radii(g: Graph, area = Infinity): Float64Array {
  let max = 0;
  for (let i = 0; i < g.n; i++) max = Math.max(max, g.sizes[i] as number);
  const rMax = maxRadius(g.n, area);
  return g.sizes.map((s) => nodeRadius(s, max, rMax));
}

export interface Slice {
  cls: number;
  start: number;
  end: number;
}

/** Pie slices of node `i`: clockwise from 12 o'clock, empty classes skipped. */
export function pieSlices(g: Graph, i: number): Slice[] {
  if (!g.counts) return [];
  return pieAngles(g.counts.subarray(i * g.nClasses, (i + 1) * g.nClasses));
}

export function pieAngles(counts: ArrayLike<number>): Slice[] {
  let total = 0;
  for (let c = 0; c < counts.length; c++) total += Math.max(0, counts[c] as number);
  if (total <= 0) return [];
  const out: Slice[] = [];
  let a = -Math.PI / 2;
  for (let c = 0; c < counts.length; c++) {
    const v = Math.max(0, counts[c] as number);
    if (v === 0) continue;
    const b = a + (2 * Math.PI * v) / total;
    out.push({ cls: c, start: a, end: b });
    a = b;
  }
  const last = out[out.length - 1];
  if (last) last.end = 1.5 * Math.PI; // close exactly despite rounding
  return out;
}

/** Classes whose name contains `query` (case-insensitive); null when the query is blank. */
export function matchClasses(names: readonly string[], query: string): Set<number> | null {
  const q = query.trim().toLowerCase();
  if (!q) return null;
  const out = new Set<number>();
  names.forEach((name, c) => {
    if (name.toLowerCase().includes(q)) out.add(c);
  });
  return out;
}

/** Per node: true when it is dimmed (no member of a matching class). */
export function dimmedNodes(g: Graph, matched: Set<number> | null): Uint8Array {
  const out = new Uint8Array(g.n);
  if (!matched) return out;
  for (let i = 0; i < g.n; i++) {
    let hit = false;
    if (g.counts) for (const c of matched) if ((g.counts[i * g.nClasses + c] as number) > 0) hit = true;
    out[i] = hit ? 0 : 1;
  }
  return out;
}

/** Indices of the edges at or above `threshold`. */
export function visibleEdges(g: Graph, threshold: number): number[] {
  const out: number[] = [];
  for (let e = 0; e < g.weights.length; e++) if ((g.weights[e] as number) >= threshold - 1e-12) out.push(e);
  return out;
}

/** Selection after a click on node `hit` (null = background); shift adds or removes. */
export function nextSelection(current: readonly number[], hit: number | null, shift: boolean): number[] {
  if (hit === null) return shift ? [...current] : [];
  if (!shift) return [hit];
  return current.includes(hit) ? current.filter((k) => k !== hit) : [...current, hit];
}

/** Union (shift) or replacement by the nodes a lasso caught. */
export function lassoSelection(current: readonly number[], caught: readonly number[], shift: boolean): number[] {
  if (!shift) return [...caught];
  const out = [...current];
  for (const k of caught) if (!out.includes(k)) out.push(k);
  return out;
}
