// @vitest-environment node
import { extent as d3Extent } from "d3-array";
import { interpolateViridis } from "d3-scale-chromatic";
import { describe, expect, it } from "vitest";
import { classColor, extent, luminance, rgbCss, sequentialScale, viridis } from "./colormap";
import { CATEGORICAL } from "./theme";

describe("viridis", () => {
  it("hits the anchors at the ends and the middle", () => {
    expect(viridis(0)).toEqual([0x44, 0x01, 0x54]);
    expect(viridis(1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(viridis(0.5)).toEqual([0x21, 0x91, 0x8c]);
  });
  it("clamps out-of-range and NaN input", () => {
    expect(viridis(-3)).toEqual(viridis(0));
    expect(viridis(7)).toEqual(viridis(1));
    expect(viridis(NaN)).toEqual(viridis(0));
  });
  it("is monotonic in luminance (a perceptual sequential map)", () => {
    let last = -1;
    for (let i = 0; i <= 100; i++) {
      const l = luminance(viridis(i / 100));
      expect(l).toBeGreaterThanOrEqual(last - 1e-9);
      last = l;
    }
  });
  it("scales values and handles a constant range", () => {
    const s = sequentialScale(2, 4);
    expect(s.rgb(2)).toEqual(viridis(0));
    expect(s.rgb(4)).toEqual(viridis(1));
    expect(s.css(3)).toBe(rgbCss(viridis(0.5)));
    expect(sequentialScale(1, 1).rgb(1)).toEqual(viridis(0.5));
  });
  it("finds the finite extent", () => {
    expect(extent([3, NaN, -1, Infinity, 2])).toEqual([-1, 3]);
    expect(extent([])).toEqual([0, 1]);
  });
  it("stays within 3/255 of d3-scale-chromatic's viridis", () => {
    for (let i = 0; i <= 200; i++) {
      const hex = interpolateViridis(i / 200);
      const want = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
      viridis(i / 200).forEach((c, k) => expect(Math.abs(c - (want[k] as number))).toBeLessThanOrEqual(3));
    }
  });
  it("gives d3-array's extent over the finite values", () => {
    const v = [3, -1, 2, 0.5];
    expect(extent(v)).toEqual(d3Extent(v));
    expect(extent(Float64Array.from([NaN, 4, -Infinity]))).toEqual([4, 4]);
  });
});

describe("classColor", () => {
  it("gives ten classes ten colours from the one palette, then repeats it", () => {
    expect(CATEGORICAL).toHaveLength(10);
    const ten = Array.from({ length: 10 }, (_, c) => classColor(c));
    expect(ten).toEqual(CATEGORICAL);
    expect(new Set(ten).size).toBe(10);
    expect(classColor(10)).toBe(CATEGORICAL[0]);
    expect(classColor(-1)).toBe(CATEGORICAL[9]);
  });
});
