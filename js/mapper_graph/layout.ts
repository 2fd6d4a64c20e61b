// Seeded force-directed layout (d3-force) and the fit of positions to the drawing area.
import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type Force,
  type SimulationNodeDatum,
} from "d3-force";

/**
 * A small seeded PRNG (mulberry32): same seed, same sequence, so the same picture.
 * Kept instead of d3-random's randomLcg: an LCG's streams from neighbouring integer seeds
 * start almost alike (first draws 0.2361, 0.2365, 0.2368 for seeds 0, 1, 2), so
 * layout_seed=1 and =2 gave the same layout of a small graph (draw.test.ts "changes with
 * it" failed with it); it also costs 3.4 KB minified against about 150 bytes here.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LayoutInput {
  n: number;
  /** Edge endpoints, 2 per edge. */
  edges: ArrayLike<number>;
  /** Jaccard weight per edge, in [0, 1]. */
  weights: ArrayLike<number>;
  /** Radius of each node in layout units (for collision). */
  radii: ArrayLike<number>;
}

/**
 * A force applied on every other tick with twice the step: the same push in half the
 * time. Repulsion (Barnes-Hut) is most of the cost of a tick on big graphs.
 */
export function everyOtherTick<N extends SimulationNodeDatum>(force: Force<N, undefined>): Force<N, undefined> {
  let tick = 0;
  const halved = ((alpha: number) => {
    if (tick++ % 2 === 0) force(2 * alpha);
  }) as Force<N, undefined>;
  halved.initialize = (nodes: N[], random: () => number) => force.initialize?.(nodes, random);
  return halved;
}

/** Number of simulation steps: fewer for big graphs, so that 1,000 nodes lay out fast. */
export function tickCount(n: number): number {
  return n <= SMALL ? 300 : n <= 1000 ? 80 : 50;
}

/** Up to this many nodes the layout also resolves overlaps and runs longer. */
export const SMALL = 300;

/**
 * Positions (x0, y0, x1, y1, ...) from a d3-force simulation run synchronously with a
 * seeded random source: deterministic for a given graph and seed.
 */
export function forceLayout(input: LayoutInput, seed = 0): Float64Array {
  const { n, edges, weights, radii } = input;
  // d3's own start is a phyllotaxis spiral; the seed decides which node takes which
  // place on it (seed 0 keeps d3's order)
  const slot = Array.from({ length: n }, (_, i) => i);
  if (seed !== 0) {
    const rnd = seededRandom(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [slot[i], slot[j]] = [slot[j] as number, slot[i] as number];
    }
  }
  const nodes: SimulationNodeDatum[] = slot.map((s) => {
    const radius = 10 * Math.sqrt(0.5 + s);
    const angle = s * Math.PI * (3 - Math.sqrt(5));
    return { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
  });
  const links: { source: number; target: number; w: number }[] = [];
  for (let e = 0; e < weights.length; e++) {
    const s = edges[2 * e] as number;
    const t = edges[2 * e + 1] as number;
    if (s !== t && s >= 0 && t >= 0 && s < n && t < n) links.push({ source: s, target: t, w: weights[e] as number });
  }
  const degree = new Uint32Array(n);
  for (const l of links) {
    degree[l.source] = (degree[l.source] as number) + 1;
    degree[l.target] = (degree[l.target] as number) + 1;
  }
  // isolated nodes feel only repulsion: a stronger pull keeps them near the rest
  const pull = (_: SimulationNodeDatum, i: number): number => (degree[i] ? 0.012 : 0.08);
  const ticks = tickCount(n);
  const sim = forceSimulation(nodes)
    .randomSource(seededRandom(seed))
    .velocityDecay(0.25)
    .alphaDecay(1 - Math.pow(0.001, 1 / ticks))
    .force(
      "link",
      forceLink<SimulationNodeDatum, { source: number; target: number; w: number }>(links)
        .distance((l) => 30 + 30 * (1 - l.w))
        .strength((l) => 0.3 + 0.7 * l.w)
        .iterations(1),
    )
    .force("charge", n <= SMALL ? forceManyBody().strength(-100) : everyOtherTick(forceManyBody().strength(-100).theta(1.3)))
    // gentle gravity keeps the many small components of a Mapper graph together
    .force("x", forceX<SimulationNodeDatum>(0).strength(pull))
    .force("y", forceY<SimulationNodeDatum>(0).strength(pull))
    .stop();
  if (n <= SMALL) sim.force("collide", forceCollide<SimulationNodeDatum>((_, i) => (radii[i] as number) + 2));
  sim.tick(ticks);
  const out = new Float64Array(2 * n);
  nodes.forEach((d, i) => {
    out[2 * i] = d.x ?? 0;
    out[2 * i + 1] = d.y ?? 0;
  });
  return out;
}

/** world -> screen: (x * k + tx, y * k + ty). */
export interface Transform {
  k: number;
  x: number;
  y: number;
}

export const IDENTITY: Transform = { k: 1, x: 0, y: 0 };

/** The transform that fits every node (with its screen radius) into width x height. */
export function fitTransform(
  positions: ArrayLike<number>,
  radii: ArrayLike<number>,
  width: number,
  height: number,
  pad = 8,
): Transform {
  const n = positions.length / 2;
  if (n === 0) return { k: 1, x: width / 2, y: height / 2 };
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  let rMax = 0;
  for (let i = 0; i < n; i++) {
    const x = positions[2 * i] as number;
    const y = positions[2 * i + 1] as number;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
    rMax = Math.max(rMax, radii[i] as number);
  }
  const room = pad + rMax;
  const w = Math.max(1, width - 2 * room);
  const h = Math.max(1, height - 2 * room);
  const k = Math.min(w / Math.max(x1 - x0, 1e-9), h / Math.max(y1 - y0, 1e-9), 4);
  return { k, x: width / 2 - k * (x0 + x1) / 2, y: height / 2 - k * (y0 + y1) / 2 };
}

/** Compose: first `inner` (fit), then `outer` (zoom). */
export function compose(outer: Transform, inner: Transform): Transform {
  return { k: outer.k * inner.k, x: outer.k * inner.x + outer.x, y: outer.k * inner.y + outer.y };
}

export function apply(t: Transform, x: number, y: number): [number, number] {
  return [x * t.k + t.x, y * t.k + t.y];
}

export function invert(t: Transform, sx: number, sy: number): [number, number] {
  return [(sx - t.x) / t.k, (sy - t.y) / t.k];
}
