import { describe, expect, it } from "vitest";
import { formatNumber, niceTicks } from "./scale";

describe("niceTicks", () => {
  it("covers the range with 1-2-5 steps", () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.13, 0.92, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });
  it("handles degenerate ranges", () => {
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(0, Infinity)).toEqual([]);
  });
});

describe("formatNumber", () => {
  it("formats infinities and small/large values", () => {
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(1e-6)).toBe("1.00e-6");
  });
});
