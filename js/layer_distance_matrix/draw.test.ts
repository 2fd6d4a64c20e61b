// @vitest-environment node
import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { viridis } from "../shared/colormap";
import { recordingCtx } from "../shared/ctx";
import { TEST_THEME as theme } from "../shared/view_test";
import { axisLabels, cellText, describeCell, drawMatrix, shownLabels, toMatrix, valueAt } from "./draw";
import { cellAt, cellCenter, computeLayout, fitLabel, moveSelection, roughMeasure } from "./layout";

const names = ["conv1", "conv2", "fc"];
const values = Float64Array.from([0, 1, 3, 1, 0, 2, 3, 2, 0]);
const matrix = toMatrix(decode(encode({ dtype: "float64", shape: [3, 3], data: values })), names, names, "SW(H1)");

describe("matrix layout", () => {
  it("maps pixels to cells and back", () => {
    const l = computeLayout(names, names, 20, roughMeasure);
    expect(l.left).toBeGreaterThan(roughMeasure("conv2"));
    const [x, y] = cellCenter(l, 2, 1);
    expect(cellAt(l, x, y)).toEqual([2, 1]);
    expect(cellAt(l, l.left - 1, y)).toBeNull();
    expect(cellAt(l, x, l.top + 3 * 20 + 1)).toBeNull();
  });
  it("thins labels when cells are smaller than the text", () => {
    const many = Array.from({ length: 120 }, (_, i) => `layer${i}`);
    const l = computeLayout(many, many, 5, roughMeasure);
    expect(l.rowEvery * 5).toBeGreaterThanOrEqual(12);
    expect(l.colEvery * 5 * Math.SQRT1_2).toBeGreaterThanOrEqual(12);
    expect(computeLayout(names, names, 24, roughMeasure).rowEvery).toBe(1);
  });
  it("labels every column of a 20-layer matrix at the explorer's 16 px cells", () => {
    // issue 27.8: every other column was labelled (conv1's had none)
    const twenty = ["conv1", ...Array.from({ length: 19 }, (_, i) => `layer${1 + (i % 4)}.${i % 2}.downsample.${i}`)];
    const l = computeLayout(twenty, twenty, 16, roughMeasure);
    expect(l.colAngle).toBe(90);
    expect(l.colEvery).toBe(1);
    const n = twenty.length;
    const m = toMatrix(decode(encode({ dtype: "float64", shape: [n, n], data: new Float64Array(n * n) })), twenty, twenty, "SW");
    const cols = axisLabels(m, l, null, roughMeasure).filter((a) => a.kind === "col");
    expect(cols.map((a) => a.full)).toEqual(twenty);
    // upright labels: the room below the grid holds the longest shown label
    expect(l.height - (l.top + n * 16)).toBeGreaterThanOrEqual(Math.max(...cols.map((a) => roughMeasure(a.text))));
    expect(computeLayout(names, names, 24, roughMeasure).colAngle).toBe(45);
  });
  it("shortens dotted names by whole middle parts", () => {
    const s = fitLabel("features.denseblock4.denselayer16.conv2", 150, roughMeasure);
    expect(s).toBe("features.…conv2"); // "features.…denselayer16.conv2" is 185 px
    expect(fitLabel("layer2.0.downsample.0", 135, roughMeasure)).toBe("layer2.…downsample.0");
    // a tail of numbers only is no name: the cut goes inside the text instead
    const s2 = fitLabel("layer2.0.downsample.0", 100, roughMeasure);
    expect(s2).not.toBe("layer2.…0");
    expect(s2.startsWith("layer2.") && s2.endsWith(".0") && s2.length > 10).toBe(true);
  });
  it("leaves room below the grid for rotated column labels", () => {
    const long = ["features.denseblock4.denselayer16.conv2", "b"];
    const l = computeLayout(long, long, 24, roughMeasure);
    expect(l.height - (l.top + 2 * 24)).toBeGreaterThan(l.labelMax * Math.SQRT1_2);
  });
  it("shortens long labels in the middle", () => {
    const s = fitLabel("features.denseblock4.denselayer16.conv2", 120, roughMeasure);
    expect(roughMeasure(s)).toBeLessThanOrEqual(120);
    expect(s.startsWith("features")).toBe(true);
    expect(s.endsWith("conv2")).toBe(true);
    expect(s).toContain("…");
    expect(fitLabel("fc", 120, roughMeasure)).toBe("fc");
  });
  it("finds the longest fitting shortening in a few measurements, even for huge labels", () => {
    const linear = (text: string, maxPx: number): string => {
      const chars = [...text];
      for (let keep = chars.length - 1; keep > 1; keep--) {
        const head = Math.ceil(keep / 2);
        const s = `${chars.slice(0, head).join("")}…${chars.slice(chars.length - (keep - head)).join("")}`;
        if (roughMeasure(s) <= maxPx) return s;
      }
      return `${chars[0] ?? ""}…`;
    };
    for (const [text, px] of [["layer4.1.conv2.weight_orig", 60], ["ab", 1], ["abcdef", 5], ["x".repeat(300), 97]] as const) {
      expect(fitLabel(text, px, roughMeasure)).toBe(linear(text, px));
    }
    let calls = 0;
    const counting = (t: string): number => {
      calls += 1;
      return roughMeasure(t);
    };
    const s = fitLabel("q".repeat(20000), 120, counting);
    expect(roughMeasure(s)).toBeLessThanOrEqual(120);
    expect(s.length).toBeGreaterThan(10);
    expect(calls).toBeLessThanOrEqual(20);
  });
});

describe("keyboard moves", () => {
  it("moves, clamps, starts at the corner and clears", () => {
    expect(moveSelection([], "ArrowDown", 3, 3)).toEqual([0, 0]);
    expect(moveSelection([1, 1], "ArrowDown", 3, 3)).toEqual([2, 1]);
    expect(moveSelection([2, 1], "ArrowDown", 3, 3)).toEqual([2, 1]);
    expect(moveSelection([2, 1], "ArrowLeft", 3, 3)).toEqual([2, 0]);
    expect(moveSelection([0, 0], "ArrowUp", 3, 3)).toEqual([0, 0]);
    expect(moveSelection([1, 1], "Escape", 3, 3)).toEqual([]);
    expect(moveSelection([1, 1], "End", 3, 4)).toEqual([2, 3]);
    expect(moveSelection([1, 1], "a", 3, 3)).toBeUndefined();
    expect(moveSelection([], "ArrowUp", 0, 0)).toBeUndefined();
  });
});

describe("drawing", () => {
  it("colours every cell with viridis, the largest value brightest", () => {
    const l = computeLayout(names, names, 20, roughMeasure);
    const { ctx, calls } = recordingCtx();
    drawMatrix(ctx, matrix, l, theme, { selected: [], hover: null });
    const cells = calls.filter((c) => c.op === "fillRect" && c.args[2] === 19 && c.args[3] === 19);
    expect(cells).toHaveLength(9);
    const top = viridis(1);
    expect(cells[2]?.fill).toBe(`rgb(${top[0]}, ${top[1]}, ${top[2]})`); // (0, 2) = 3, the max
    const low = viridis(0);
    expect(cells[0]?.fill).toBe(`rgb(${low[0]}, ${low[1]}, ${low[2]})`);
  });
  it("labels both axes and names the metric on the colour bar, as text outside the canvas", () => {
    const l = computeLayout(names, names, 20, roughMeasure, "SW(H1)");
    const { ctx, calls } = recordingCtx();
    drawMatrix(ctx, matrix, l, theme, { selected: [1, 2], hover: null });
    // the canvas carries no text at this size (cells too small for values)
    expect(calls.filter((c) => c.op === "fillText")).toHaveLength(0);
    // row band, column band and the ring
    expect(calls.filter((c) => c.op === "strokeRect").length).toBeGreaterThanOrEqual(4);
    const labels = axisLabels(matrix, l, [1, 2], roughMeasure);
    expect(labels.filter((a) => a.kind === "row").map((a) => a.text)).toEqual(names);
    expect(labels.filter((a) => a.kind === "col").map((a) => a.text)).toEqual(names);
    expect(labels.filter((a) => a.kind === "metric").map((a) => a.text)).toEqual(["SW(H1)"]);
    expect(labels.filter((a) => a.kind === "tick").map((a) => a.text)).toEqual(["0", "1", "2", "3"]);
    // the selected row and column labels are marked
    const sel = labels.filter((a) => a.selected).map((a) => `${a.kind}:${a.text}`);
    expect(sel.sort()).toEqual(["col:fc", "row:conv2"]);
  });
  it("gives the colour bar room for the metric's whole name", () => {
    const name = "sliced_wasserstein, H1";
    const l = computeLayout(names.slice(0, 2), names.slice(0, 2), 18, roughMeasure, name);
    const metric = axisLabels(matrix, l, null, roughMeasure).find((a) => a.kind === "metric");
    expect(l.bar.h).toBeGreaterThan(roughMeasure(name));
    expect(metric?.text).toBe(matrix.metric);
  });
  it("leaves out the neighbours of a highlighted label that would overprint it", () => {
    expect(shownLabels(8, 1, 3)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shownLabels(8, 2, undefined)).toEqual([0, 2, 4, 6]);
    expect(shownLabels(8, 2, 3)).toEqual([0, 3, 6]);
    expect(shownLabels(8, 2, 4)).toEqual([0, 2, 4, 6]);
  });
  it("writes cell values with as many digits as fit, or none", () => {
    expect(cellText(0.019493, 60, roughMeasure)).toBe("0.0195");
    const short = cellText(0.019493, 34, roughMeasure);
    expect(short).not.toBeNull();
    expect(roughMeasure(short as string)).toBeLessThanOrEqual(30);
    expect(cellText(0.41, 36, roughMeasure)).toBe("0.41");
    expect(cellText(123456, 8, roughMeasure)).toBeNull();
  });
  it("describes a cell with both names and the value", () => {
    expect(valueAt(matrix, 0, 2)).toBe(3);
    expect(describeCell(matrix, 0, 2)).toBe("conv1 ↔ fc · SW(H1) = 3");
  });
  it("treats a mismatch of names and shape as empty", () => {
    const m = toMatrix(decode(encode({ dtype: "float64", shape: [2, 2], data: new Float64Array(4) })), names, names, "");
    expect(m.rows).toEqual([]);
  });
});
