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

export type KeyAction =
  | { kind: "move"; dx: number; dy: number }
  | { kind: "select"; shift: boolean }
  | { kind: "clear" };

/**
 * What a key press means on the graph, or null for keys it leaves alone (Tab, letters,
 * and, Escape aside, anything with ctrl/alt/meta: those belong to the browser and
 * JupyterLab). Shift only matters with Enter/Space (add or remove, like shift-click).
 */
export function keyAction(event: Pick<KeyboardEvent, "key" | "shiftKey" | "ctrlKey" | "altKey" | "metaKey">): KeyAction | null {
  if (event.key === "Escape") return { kind: "clear" };
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") return { kind: "select", shift: event.shiftKey };
  const d = ARROWS[event.key];
  return d ? { kind: "move", dx: d[0], dy: d[1] } : null;
}
