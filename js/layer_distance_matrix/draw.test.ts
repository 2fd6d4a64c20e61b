import { describe, expect, it } from "vitest";
import { decode, encode } from "../shared/codec";
import { viridis } from "../shared/colormap";
import { recordingCtx } from "../shared/ctx";
import { TEST_THEME as theme } from "../shared/view_test";
import { describeCell, drawMatrix, toMatrix, valueAt } from "./draw";
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
  it("labels both axes and names the metric on the colour bar", () => {
    const l = computeLayout(names, names, 20, roughMeasure);
    const { ctx, calls } = recordingCtx();
    drawMatrix(ctx, matrix, l, theme, { selected: [1, 2], hover: null });
    const texts = calls.filter((c) => c.op === "fillText").map((c) => c.text);
    expect(texts.filter((t) => t === "conv2")).toHaveLength(2);
    expect(texts).toContain("SW(H1)");
    // the selected row and column labels are highlighted
    const sel = calls.filter((c) => c.op === "fillText" && c.fill === theme.accent).map((c) => c.text);
    expect(sel.sort()).toEqual(["conv2", "fc"]);
    // row band, column band and the ring
    expect(calls.filter((c) => c.op === "strokeRect").length).toBeGreaterThanOrEqual(4);
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
