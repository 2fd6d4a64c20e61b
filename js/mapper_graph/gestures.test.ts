// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  dragMoves,
  endGesture,
  extendLasso,
  LASSO_STEP_PX,
  MOVE_PX,
  navigate,
  panShift,
  revealShift,
  startGesture,
  zoomCentre,
  zoomTakes,
  type Gesture,
} from "./gestures";
import { PAN_FRACTION } from "./keys";

// three nodes on screen: 0 at (50, 50), 1 at (100, 50), 2 at (75, 120)
const screen = Float64Array.from([50, 50, 100, 50, 75, 120]);

describe("startGesture", () => {
  it("lassoes in lasso mode, or with shift on the background", () => {
    expect(startGesture("lasso", false, 1, 5, 6)).toEqual({ kind: "lasso", poly: [5, 6], x0: 5, y0: 6, shift: false, hit: 1 });
    expect(startGesture("pan", true, null, 5, 6).kind).toBe("lasso");
  });
  it("drags a node pressed without shift; otherwise clicks", () => {
    expect(startGesture("pan", false, 2, 5, 6)).toEqual({ kind: "drag", i: 2, x0: 5, y0: 6, moved: false });
    expect(startGesture("pan", true, 2, 5, 6)).toEqual({ kind: "click", x0: 5, y0: 6, shift: true, hit: 2 });
    expect(startGesture("pan", false, null, 5, 6)).toEqual({ kind: "click", x0: 5, y0: 6, shift: false, hit: null });
  });
});

describe("pointer moves", () => {
  it("adds lasso vertices only LASSO_STEP_PX apart", () => {
    const g = startGesture("lasso", false, null, 0, 0) as Extract<Gesture, { kind: "lasso" }>;
    expect(extendLasso(g, LASSO_STEP_PX - 1, 0)).toBe(false);
    expect(extendLasso(g, LASSO_STEP_PX, 0)).toBe(true);
    expect(g.poly).toEqual([0, 0, LASSO_STEP_PX, 0]);
  });
  it("starts moving a dragged node after MOVE_PX, and keeps moving it", () => {
    const g = startGesture("pan", false, 0, 10, 10) as Extract<Gesture, { kind: "drag" }>;
    expect(dragMoves(g, 10 + MOVE_PX - 1, 10)).toBe(false);
    expect(g.moved).toBe(false);
    expect(dragMoves(g, 10 + MOVE_PX, 10)).toBe(true);
    expect(dragMoves(g, 10, 10)).toBe(true); // back at the start: still a drag
  });
});

describe("endGesture", () => {
  it("click selects the node; shift-click adds and removes; a background click clears", () => {
    expect(endGesture(startGesture("pan", false, 1, 100, 50), 100, 50, [0], screen)).toEqual({ kind: "select", nodes: [1], redraw: false });
    expect(endGesture(startGesture("pan", true, 1, 100, 50), 100, 50, [0], screen)).toEqual({ kind: "select", nodes: [0, 1], redraw: false });
    expect(endGesture(startGesture("pan", true, 0, 50, 50), 50, 50, [0, 1], screen)).toEqual({ kind: "select", nodes: [1], redraw: false });
    expect(endGesture(startGesture("pan", false, null, 5, 5), 5, 5, [0, 1], screen)).toEqual({ kind: "select", nodes: [], redraw: false });
  });
  it("a press that moved on the background (a pan) selects nothing", () => {
    expect(endGesture(startGesture("pan", false, null, 5, 5), 5 + MOVE_PX, 5, [0], screen)).toBeNull();
  });
  it("a lasso selects the nodes inside; shift adds them", () => {
    const lasso = (shift: boolean): Gesture => {
      const g = startGesture("lasso", shift, null, 40, 40) as Extract<Gesture, { kind: "lasso" }>;
      for (const [x, y] of [[110, 40], [110, 60], [40, 60]] as const) extendLasso(g, x, y);
      return g;
    };
    expect(endGesture(lasso(false), 41, 41, [2], screen)).toEqual({ kind: "select", nodes: [0, 1], redraw: true });
    expect(endGesture(lasso(true), 41, 41, [2], screen)).toEqual({ kind: "select", nodes: [2, 0, 1], redraw: true });
  });
  it("a lasso that did not move is a click on what it started on", () => {
    const g = startGesture("lasso", false, 2, 75, 120);
    expect(endGesture(g, 75, 120, [0], screen)).toEqual({ kind: "select", nodes: [2], redraw: true });
  });
  it("pins a dragged node; a drag that did not move selects that node alone", () => {
    const moved = startGesture("pan", false, 0, 50, 50) as Extract<Gesture, { kind: "drag" }>;
    dragMoves(moved, 80, 80);
    expect(endGesture(moved, 80, 80, [1], screen)).toEqual({ kind: "pin" });
    const still = startGesture("pan", false, 0, 50, 50);
    expect(endGesture(still, 51, 50, [1, 2], screen)).toEqual({ kind: "select", nodes: [0], redraw: false });
  });
});

describe("zoomTakes", () => {
  const ev = (type: string, over: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; button: number }> = {}) => ({
    type,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    button: 0,
    ...over,
  });
  const never = (): boolean => {
    throw new Error("hit test not needed");
  };
  it("zooms on ctrl/cmd+wheel only, never on double-click", () => {
    expect(zoomTakes(ev("wheel"), "pan", never)).toBe(false);
    expect(zoomTakes(ev("wheel", { ctrlKey: true }), "lasso", never)).toBe(true);
    expect(zoomTakes(ev("wheel", { metaKey: true }), "pan", never)).toBe(true);
    expect(zoomTakes(ev("dblclick"), "pan", never)).toBe(false);
  });
  it("pans a plain left drag on the background in pan mode", () => {
    expect(zoomTakes(ev("mousedown"), "pan", () => false)).toBe(true);
    expect(zoomTakes(ev("mousedown"), "pan", () => true)).toBe(false); // on a node: drag it
    expect(zoomTakes(ev("mousedown"), "lasso", never)).toBe(false);
    expect(zoomTakes(ev("mousedown", { shiftKey: true }), "pan", never)).toBe(false);
    expect(zoomTakes(ev("mousedown", { button: 2 }), "pan", never)).toBe(false);
  });
});

describe("navigate", () => {
  const move = (dx: number, dy: number) => ({ kind: "move" as const, dx, dy });
  it("the first key shows where navigation starts, without moving or selecting", () => {
    expect(navigate({ current: null, active: false }, move(1, 0), screen, [], 150, 100)).toEqual({
      nav: { current: 0, active: true },
      select: null,
    });
    // the last selected node first; a clicked node (current, inactive) stays
    expect(navigate({ current: null, active: false }, move(1, 0), screen, [2], 150, 100).nav.current).toBe(2);
    expect(navigate({ current: 1, active: false }, { kind: "select", shift: false }, screen, [2], 150, 100)).toEqual({
      nav: { current: 1, active: true },
      select: null,
    });
  });
  it("arrows move to the nearest node that way; Enter selects, shift+Enter toggles", () => {
    expect(navigate({ current: 0, active: true }, move(1, 0), screen, [], 150, 100).nav.current).toBe(1);
    expect(navigate({ current: 1, active: true }, move(1, 0), screen, [], 150, 100).nav.current).toBe(1); // nothing further right
    expect(navigate({ current: 0, active: true }, { kind: "select", shift: false }, screen, [2], 150, 100).select).toEqual([0]);
    expect(navigate({ current: 0, active: true }, { kind: "select", shift: true }, screen, [2], 150, 100).select).toEqual([2, 0]);
    expect(navigate({ current: 2, active: true }, { kind: "select", shift: true }, screen, [2], 150, 100).select).toEqual([]);
  });
  it("stays inactive without nodes", () => {
    expect(navigate({ current: null, active: false }, move(0, 1), new Float64Array(0), [], 150, 100)).toEqual({
      nav: { current: null, active: false },
      select: null,
    });
  });
});

describe("view keys", () => {
  const r = Float64Array.from([10, 8, 8]);
  it("reveal shifts a node near an edge back inside, and leaves one inside alone", () => {
    expect(revealShift(screen, r, 0, 200, 200)).toEqual([0, 0]);
    expect(revealShift(screen, r, 0, 60, 200)).toEqual([60 - 22 - 50, 0]);
    expect(revealShift(Float64Array.from([5, 300]), [4], 0, 200, 200)).toEqual([16 - 5, 200 - 16 - 300]);
  });
  it("zooms about the ringed node, else the centre", () => {
    expect(zoomCentre(screen, 2, 200, 100)).toEqual([75, 120]);
    expect(zoomCentre(screen, null, 200, 100)).toEqual([100, 50]);
  });
  it("shift+arrows pan a fraction of the drawing, the view looking that way", () => {
    expect(panShift({ kind: "pan", dx: 1, dy: 0 }, 200, 100)).toEqual([-PAN_FRACTION * 200, -0]);
    expect(panShift({ kind: "pan", dx: 0, dy: -1 }, 200, 100)).toEqual([-0, PAN_FRACTION * 100]);
  });
});
