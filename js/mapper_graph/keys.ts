// Keyboard navigation of the Mapper graph (pure, testable in jsdom): which node an arrow
// key moves to, where navigation starts, and what each key means.

/** Screen direction (y grows downwards) of each arrow key. */
export const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowRight: [1, 0],
  ArrowLeft: [-1, 0],
  ArrowDown: [0, 1],
  ArrowUp: [0, -1],
};

/**
 * The node an arrow moves to from node `from`, or null when there is none that way.
 *
 * The rule, in screen coordinates (positions after pan and zoom, 2 per node): a node
 * is a candidate when its offset from `from` lies in the 90° cone around the arrow's
 * direction `(dx, dy)` (a unit axis vector), i.e. `along > 0` and `|across| <= along`,
 * where `along` is the offset's component along the arrow and `across` the component
 * across it (a node exactly on the 45° boundary is a candidate for both arrows). Among
 * the candidates the nearest (Euclidean) wins; ties go to the smaller `|across|`, then
 * to the smaller node id. Nodes drawn on top of `from` (`along` 0) are never reached.
 */
export function nearestInDirection(screen: ArrayLike<number>, from: number, dx: number, dy: number): number | null {
  const n = screen.length / 2;
  if (from < 0 || from >= n) return null;
  const x0 = screen[2 * from] as number;
  const y0 = screen[2 * from + 1] as number;
  let best: number | null = null;
  let bestD2 = Infinity;
  let bestAcross = Infinity;
  for (let j = 0; j < n; j++) {
    if (j === from) continue;
    const ox = (screen[2 * j] as number) - x0;
    const oy = (screen[2 * j + 1] as number) - y0;
    const along = ox * dx + oy * dy;
    const across = Math.abs(ox * dy - oy * dx);
    if (!(along > 0) || across > along) continue;
    const d2 = ox * ox + oy * oy;
    if (d2 < bestD2 || (d2 === bestD2 && across < bestAcross)) {
      best = j;
      bestD2 = d2;
      bestAcross = across;
    }
  }
  return best;
}

/**
 * Where keyboard navigation starts when no node was clicked: the last selected node,
 * or else the node nearest the centre of the drawing (`width` x `height`; ties: the
 * smaller id). Null without nodes.
 */
export function startNode(screen: ArrayLike<number>, selected: readonly number[], width: number, height: number): number | null {
  const n = screen.length / 2;
  const last = selected[selected.length - 1];
  if (last !== undefined && last >= 0 && last < n) return last;
  let best: number | null = null;
  let bestD2 = Infinity;
  for (let i = 0; i < n; i++) {
    const ox = (screen[2 * i] as number) - width / 2;
    const oy = (screen[2 * i + 1] as number) - height / 2;
    const d2 = ox * ox + oy * oy;
    if (d2 < bestD2) {
      best = i;
      bestD2 = d2;
    }
  }
  return best;
}

/** Each `+` / `=` press multiplies the zoom by this (each `-` divides by it). */
export const ZOOM_STEP = 1.5;
/** Each shift+arrow pans the view by this fraction of its width (left/right) or height (up/down). */
export const PAN_FRACTION = 0.2;

export type KeyAction =
  | { kind: "move"; dx: number; dy: number }
  | { kind: "select"; shift: boolean }
  | { kind: "clear" }
  | { kind: "zoom"; factor: number }
  | { kind: "pan"; dx: number; dy: number }
  | { kind: "fit" };

/**
 * What a key press means on the graph, or null for keys it leaves alone (Tab, letters,
 * and, Escape aside, anything with ctrl/alt/meta: those belong to the browser, whose
 * ctrl+plus/minus/0 zoom the page, and to JupyterLab). Shift matters with Enter/Space
 * (add or remove, like shift-click) and with the arrows (pan instead of move: `dx, dy`
 * is the direction the view looks towards, so the drawing shifts the other way); `+`,
 * `=` and `-` zoom in and out by ZOOM_STEP (with or without shift, which `+` needs on
 * many keyboards), `0` fits the graph.
 */
export function keyAction(event: Pick<KeyboardEvent, "key" | "shiftKey" | "ctrlKey" | "altKey" | "metaKey">): KeyAction | null {
  if (event.key === "Escape") return { kind: "clear" };
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") return { kind: "select", shift: event.shiftKey };
  if (event.key === "+" || event.key === "=") return { kind: "zoom", factor: ZOOM_STEP };
  if (event.key === "-" || event.key === "_") return { kind: "zoom", factor: 1 / ZOOM_STEP };
  if (event.key === "0") return { kind: "fit" };
  const d = ARROWS[event.key];
  if (!d) return null;
  return event.shiftKey ? { kind: "pan", dx: d[0], dy: d[1] } : { kind: "move", dx: d[0], dy: d[1] };
}
