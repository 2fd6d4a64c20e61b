// @vitest-environment node
import { describe, expect, it } from "vitest";
import { ARROWS, keyAction, nearestInDirection, PAN_FRACTION, startNode, ZOOM_STEP } from "./keys";

const step = (screen: number[], from: number, key: string) => {
  const [dx, dy] = ARROWS[key]!;
  return nearestInDirection(screen, from, dx, dy);
};

describe("nearestInDirection", () => {
  // node 0 at the origin; y grows downwards on screen
  //        3 (0,-50)
  //  2 (-30,0)   0   1 (40, 0)   5 (100, 0)
  //            4 (20, 60)
  const screen = [0, 0, 40, 0, -30, 0, 0, -50, 20, 60, 100, 0];

  it("moves to the nearest node inside the arrow's 90° cone", () => {
    expect(step(screen, 0, "ArrowRight")).toBe(1);
    expect(step(screen, 0, "ArrowLeft")).toBe(2);
    expect(step(screen, 0, "ArrowUp")).toBe(3);
    expect(step(screen, 0, "ArrowDown")).toBe(4);
    expect(step(screen, 1, "ArrowRight")).toBe(5);
    expect(step(screen, 1, "ArrowLeft")).toBe(0);
  });

  it("ignores a nearer node outside the cone", () => {
    // from node 1 going down: node 4 (-20, 60) is inside, node 0 (-40, 0) is not
    expect(step(screen, 1, "ArrowDown")).toBe(4);
    // from node 4 going right: node 1 is at (20, -60), outside; node 5 at (80, -60), inside
    expect(step(screen, 4, "ArrowRight")).toBe(5);
  });

  it("is null when nothing lies that way, and never returns the node itself", () => {
    expect(step(screen, 5, "ArrowRight")).toBeNull();
    expect(step(screen, 3, "ArrowUp")).toBeNull();
    expect(step([0, 0], 0, "ArrowRight")).toBeNull();
    expect(step(screen, 9, "ArrowRight")).toBeNull();
    expect(step(screen, -1, "ArrowRight")).toBeNull();
  });

  it("counts the 45° boundary in, and breaks ties by |across|, then by id", () => {
    // (10, 10) is exactly on the boundary of both the right and the down cone
    expect(step([0, 0, 10, 10], 0, "ArrowRight")).toBe(1);
    expect(step([0, 0, 10, 10], 0, "ArrowDown")).toBe(1);
    expect(step([0, 0, 10.001, 10], 0, "ArrowDown")).toBeNull();
    // same distance: the one straight ahead wins over the one off to the side
    expect(step([0, 0, 4, 3, 5, 0], 0, "ArrowRight")).toBe(2);
    // same distance and offset: the smaller id
    expect(step([0, 0, 10, 5, 10, -5], 0, "ArrowRight")).toBe(1);
  });

  it("never reaches a node drawn on top of the start", () => {
    expect(step([0, 0, 0, 0], 0, "ArrowRight")).toBeNull();
  });
});

describe("startNode", () => {
  const screen = [10, 10, 48, 52, 90, 90];
  it("starts at the last selected node, else the one nearest the centre", () => {
    expect(startNode(screen, [0, 2], 100, 100)).toBe(2);
    expect(startNode(screen, [], 100, 100)).toBe(1);
    expect(startNode(screen, [7], 100, 100)).toBe(1); // unknown id: ignored
    expect(startNode([], [], 100, 100)).toBeNull();
  });
});

describe("keyAction", () => {
  const key = (k: string, mods: Partial<KeyboardEvent> = {}) =>
    keyAction({ key: k, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods });
  it("maps arrows, Enter/space (with shift) and Escape; leaves other keys alone", () => {
    expect(key("ArrowUp")).toEqual({ kind: "move", dx: 0, dy: -1 });
    expect(key("Enter")).toEqual({ kind: "select", shift: false });
    expect(key(" ", { shiftKey: true })).toEqual({ kind: "select", shift: true });
    expect(key("Escape")).toEqual({ kind: "clear" });
    expect(key("Escape", { ctrlKey: true })).toEqual({ kind: "clear" });
    expect(key("Tab")).toBeNull();
    expect(key("a")).toBeNull();
    expect(key("Enter", { ctrlKey: true })).toBeNull();
    expect(key("ArrowRight", { altKey: true })).toBeNull();
    expect(key("ArrowRight", { metaKey: true })).toBeNull();
  });

  it("maps +/=/- to zooms by ZOOM_STEP, 0 to fit and shift+arrows to pans; ctrl+/-/0 stay the browser's", () => {
    expect(ZOOM_STEP).toBe(1.5);
    expect(PAN_FRACTION).toBe(0.2);
    expect(key("+")).toEqual({ kind: "zoom", factor: ZOOM_STEP });
    expect(key("+", { shiftKey: true })).toEqual({ kind: "zoom", factor: ZOOM_STEP }); // shift+= on US keyboards
    expect(key("=")).toEqual({ kind: "zoom", factor: ZOOM_STEP });
    expect(key("-")).toEqual({ kind: "zoom", factor: 1 / ZOOM_STEP });
    expect(key("_")).toEqual({ kind: "zoom", factor: 1 / ZOOM_STEP }); // shift+- on most layouts
    expect(key("0")).toEqual({ kind: "fit" });
    expect(key("ArrowLeft", { shiftKey: true })).toEqual({ kind: "pan", dx: -1, dy: 0 });
    expect(key("ArrowDown", { shiftKey: true })).toEqual({ kind: "pan", dx: 0, dy: 1 });
    for (const k of ["+", "=", "-", "0"]) {
      expect(key(k, { ctrlKey: true })).toBeNull();
      expect(key(k, { metaKey: true })).toBeNull();
    }
    expect(key("ArrowUp", { shiftKey: true, altKey: true })).toBeNull();
    expect(key("1")).toBeNull();
  });
});
