// @vitest-environment node
import { describe, expect, it } from "vitest";
import { drawnRadius, toScreen } from "./draw";
import { maxRadius, nodeRadius } from "./graph";
import { fitTransform, forceLayout } from "./layout";

// issue 27.6: at 22 intervals the nodes of a Mapper graph piled up on each other
function graph(n: number): { edges: number[]; weights: number[]; sizes: number[] } {
  // a long chain with side branches, as a Mapper graph of many intervals is
  const edges: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i < n; i++) {
    edges.push(i % 5 === 0 ? i - 3 : i - 1, i);
    weights.push(0.2 + 0.6 * ((i * 7) % 10) / 10);
  }
  const sizes = Array.from({ length: n }, (_, i) => 2 + ((i * 13) % 40));
  return { edges, weights, sizes };
}

function worstOverlap(n: number, width: number, height: number): number {
  const { edges, weights, sizes } = graph(n);
  const max = Math.max(...sizes);
  const rMax = maxRadius(n, width * height);
  const base = Float64Array.from(sizes, (s) => nodeRadius(s, max, rMax));
  const world = forceLayout({ n, edges, weights, radii: base }, 0);
  const fit = fitTransform(world, base, width, height);
  const screen = toScreen(world, fit);
  const r = Array.from(base, (b) => drawnRadius(b, fit.k, 1));
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.hypot((screen[2 * i] as number) - (screen[2 * j] as number), (screen[2 * i + 1] as number) - (screen[2 * j + 1] as number));
      worst = Math.max(worst, (r[i] as number) + (r[j] as number) - d);
    }
  }
  return worst;
}

describe("Mapper nodes do not pile up", () => {
  it("keeps discs apart after the fit shrinks a big layout", () => {
    for (const n of [40, 90, 140]) {
      // at most a sliver (collision is resolved iteratively), never a pile
      expect(worstOverlap(n, 520, 380)).toBeLessThan(3);
    }
  });
  it("scales radii with a shrinking fit only, never below 3 px", () => {
    expect(drawnRadius(18, 2, 1)).toBe(18);
    expect(drawnRadius(18, 0.5, 1)).toBe(9);
    expect(drawnRadius(18, 0.01, 1)).toBe(3);
  });
});
