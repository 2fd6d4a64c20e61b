// What the mouse and keyboard gestures on the Mapper graph mean, as plain functions of
// screen positions, the selection and the key pressed: no DOM, no anywidget, no d3.
// index.ts feeds them events and applies their answers (model.set, d3-zoom, redraw).
import { nodesInPolygon } from "./draw";
import { lassoSelection, nextSelection } from "./graph";
import { nearestInDirection, PAN_FRACTION, startNode, type KeyAction } from "./keys";

export type Mode = "pan" | "lasso";

/** A press in progress: a lasso being drawn, a node being dragged, or a click. */
export type Gesture =
  | { kind: "lasso"; poly: number[]; x0: number; y0: number; shift: boolean; hit: number | null }
  | { kind: "drag"; i: number; x0: number; y0: number; moved: boolean }
  | { kind: "click"; x0: number; y0: number; shift: boolean; hit: number | null };

/** A press that moves less than this many pixels is a click. */
export const MOVE_PX = 4;
/** A lasso adds a vertex once the pointer is this many pixels from the last one. */
export const LASSO_STEP_PX = 3;

/**
 * What a left press at (x, y) starts: a lasso in lasso mode or with shift on the
 * background; a drag on a node (no shift); else a click (shift-click on a node adds or
 * removes it, a click on the background clears).
 */
export function startGesture(mode: Mode, shift: boolean, hit: number | null, x: number, y: number): Gesture {
  if (mode === "lasso" || (shift && hit === null)) return { kind: "lasso", poly: [x, y], x0: x, y0: y, shift, hit };
  if (hit !== null && !shift) return { kind: "drag", i: hit, x0: x, y0: y, moved: false };
  return { kind: "click", x0: x, y0: y, shift, hit };
}

/** Adds (x, y) to the lasso when it is LASSO_STEP_PX from the last vertex; true if added. */
export function extendLasso(gesture: Extract<Gesture, { kind: "lasso" }>, x: number, y: number): boolean {
  const n = gesture.poly.length;
  if (Math.hypot(x - (gesture.poly[n - 2] as number), y - (gesture.poly[n - 1] as number)) < LASSO_STEP_PX) return false;
  gesture.poly.push(x, y);
  return true;
}

/** Whether a drag moves its node at (x, y): once the pointer has gone MOVE_PX, it stays moving. */
export function dragMoves(gesture: Extract<Gesture, { kind: "drag" }>, x: number, y: number): boolean {
  if (!gesture.moved && Math.hypot(x - gesture.x0, y - gesture.y0) < MOVE_PX) return false;
  gesture.moved = true;
  return true;
}

/** What a release ends in: a new selection (`redraw`: the lasso's outline must go), a pin, or nothing. */
export type GestureEnd = { kind: "select"; nodes: number[]; redraw: boolean } | { kind: "pin" } | null;

/**
 * The outcome of releasing `gesture` at (x, y), with `selected` the selection before and
 * `screen` the nodes' screen positions (2 per node). A lasso that moved selects the nodes
 * inside it (shift: adds them); a dragged node is pinned; a press that did not move
 * clicks (a drag that did not move selects its node alone).
 */
export function endGesture(gesture: Gesture, x: number, y: number, selected: readonly number[], screen: ArrayLike<number>): GestureEnd {
  // a lasso that came back near its start still moved: it has a polygon
  const moved = Math.hypot(x - gesture.x0, y - gesture.y0) >= MOVE_PX || (gesture.kind === "lasso" && gesture.poly.length >= 6);
  if (gesture.kind === "lasso" && moved) {
    return { kind: "select", nodes: lassoSelection(selected, nodesInPolygon(screen, gesture.poly), gesture.shift), redraw: true };
  }
  if (gesture.kind === "drag" && gesture.moved) return { kind: "pin" };
  if (!moved || gesture.kind === "drag") {
    const hit = gesture.kind === "drag" ? gesture.i : gesture.hit;
    const shift = gesture.kind === "drag" ? false : gesture.shift;
    return { kind: "select", nodes: nextSelection(selected, hit, shift), redraw: gesture.kind === "lasso" };
  }
  return null;
}

/** The parts of a mouse or wheel event the zoom filter reads. */
export interface ZoomEventLike {
  type: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  button: number;
}

/**
 * Whether d3-zoom may take `event`: ctrl/cmd+wheel zooms (a plain wheel scrolls the
 * notebook), never a double-click; a plain left drag on the background pans in pan mode
 * (`onNode` is asked only then: a press on a node drags the node instead).
 */
export function zoomTakes(event: ZoomEventLike, mode: Mode, onNode: () => boolean): boolean {
  if (event.type === "wheel") return event.ctrlKey || event.metaKey;
  if (event.type === "dblclick") return false;
  if (mode !== "pan" || event.shiftKey || event.button) return false;
  return !onNode();
}

/** Keyboard navigation: the current node and whether its focus ring shows. */
export interface KeyNav {
  current: number | null;
  active: boolean;
}

/**
 * A move or select key: the next current node and, for Enter/space once navigation is
 * active, the new selection. The first key only shows where navigation starts (the
 * clicked or last selected node, else the one nearest the centre of `width` x `height`),
 * without moving or selecting. `active` is true afterwards when there is a current node.
 */
export function navigate(
  nav: KeyNav,
  action: Extract<KeyAction, { kind: "move" | "select" }>,
  screen: ArrayLike<number>,
  selected: readonly number[],
  width: number,
  height: number,
): { nav: KeyNav; select: number[] | null } {
  let current = nav.current;
  let select: number[] | null = null;
  if (current === null || !nav.active) {
    current ??= startNode(screen, selected, width, height);
  } else if (action.kind === "move") {
    current = nearestInDirection(screen, current, action.dx, action.dy) ?? current;
  } else {
    select = nextSelection(selected, current, action.shift);
  }
  return { nav: { current, active: current !== null || nav.active }, select };
}

/**
 * The shift (dx, dy) in screen pixels that brings node `i`, its focus ring and a little
 * room (`radius + 12`) inside `width` x `height`; (0, 0) when it is already in.
 */
export function revealShift(screen: ArrayLike<number>, radii: ArrayLike<number>, i: number, width: number, height: number): [number, number] {
  const m = (radii[i] as number) + 12;
  const x = screen[2 * i] as number;
  const y = screen[2 * i + 1] as number;
  const dx = x < m ? m - x : x > width - m ? width - m - x : 0;
  const dy = y < m ? m - y : y > height - m ? height - m - y : 0;
  return [dx, dy];
}

/** Where +/- zoom about: the ringed node (it stays put on screen), else the centre. */
export function zoomCentre(screen: ArrayLike<number>, focus: number | null, width: number, height: number): [number, number] {
  return focus !== null ? [screen[2 * focus] as number, screen[2 * focus + 1] as number] : [width / 2, height / 2];
}

/** A shift+arrow's shift in screen pixels: PAN_FRACTION of the drawing, the view looking that way. */
export function panShift(action: Extract<KeyAction, { kind: "pan" }>, width: number, height: number): [number, number] {
  return [-action.dx * PAN_FRACTION * width, -action.dy * PAN_FRACTION * height];
}
