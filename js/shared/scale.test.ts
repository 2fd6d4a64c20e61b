// @vitest-environment node
import { ticks as d3Ticks } from "d3-array";
import { format } from "d3-format";
import { describe, expect, it } from "vitest";
import { fixed, formatNumber, scientific, significant, ticks } from "./scale";

describe("ticks", () => {
  it("is d3-array's ticks (1-2-5 steps covering the range)", () => {
    expect(ticks).toBe(d3Ticks);
    expect(ticks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(-0.13, 0.92, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(ticks(3, 3, 5)).toEqual([3]);
  });
});

describe("formatNumber", () => {
  it("formats infinities and small/large values", () => {
    expect(formatNumber(Infinity)).toBe("∞");
    expect(formatNumber(-Infinity)).toBe("-∞");
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(1e-6)).toBe("1.00e-6");
    expect(formatNumber(-2.5e7)).toBe("-2.50e+7");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(-0.5)).toBe("-0.5");
  });
  it("gives d3-format's answer (with an ASCII minus)", () => {
    for (const v of [0.123456, 1234.5, 99999, 0.5, 3, 12.5, 0.001234]) {
      expect(formatNumber(v)).toBe(format(".4~r")(v));
      expect(formatNumber(-v)).toBe(format(".4~r")(-v).replace("\u2212", "-"));
    }
    for (const v of [1e-6, 2.5e7, 123456]) expect(formatNumber(v)).toBe(format(".2e")(v));
  });
  it("matches the former toPrecision rule", () => {
    for (const v of [0.123456, 1234.5, 99999, 0.5, -3, 12.5, 0.001234, 1e-3, 42]) {
      expect(formatNumber(v)).toBe(String(Number(v.toPrecision(4))));
    }
    expect(significant(2)(0.0123)).toBe("0.012");
    expect(scientific(1)(1e-6)).toBe("1.0e-6");
    for (const v of [0, 0.5, 0.125, 1]) expect(fixed(2)(v)).toBe(v.toFixed(2));
  });
});
