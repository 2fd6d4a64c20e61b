// Pointer gestures on the canvas (their rules are in gestures.ts): press, move and
// release, applied to the shared state and sent to the model.
import { localPoint, placeTooltip } from "../shared/dom";
import type { Ctx } from "./context";
import { describeNode, hitNode } from "./draw";
import { dragMoves, endGesture, extendLasso, startGesture, type Mode } from "./gestures";
import { invert } from "./layout";
import { totalTransform } from "./paint";
import { savePositions } from "./positions";

/** The canvas cursor away from the nodes in `mode`. */
export function modeCursor(mode: Mode): string {
  return mode === "lasso" ? "crosshair" : "grab";
}

/** A press starts a lasso, a drag or a click; the mouse takes over from the keyboard. */
export function onDown(ctx: Ctx, event: PointerEvent): void {
  const { st } = ctx;
  const { root, canvas, tooltip } = ctx.view;
  if (event.button !== 0 || st.g.n === 0) return;
  root.focus({ preventScroll: true });
  const [x, y] = localPoint(event, canvas);
  const hit = hitNode(st.screen, st.screenR, x, y);
  // the mouse takes over: no focus ring; arrows go on from the clicked node
  if (hit !== null) st.current = hit;
  if (st.keyNav || st.keyTooltip) {
    st.keyNav = false;
    st.keyTooltip = false;
    tooltip.hidden = true;
    ctx.redraw();
  }
  st.gesture = startGesture(st.mode, event.shiftKey, hit, x, y);
  if (st.gesture.kind !== "click") {
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch {
      // synthetic events (tests) have no active pointer
    }
  }
}

/** A move extends the lasso, drags the node, or (no gesture) hovers: tooltip and cursor. */
export function onMove(ctx: Ctx, event: PointerEvent): void {
  const { st } = ctx;
  const { canvas, tooltip } = ctx.view;
  const [x, y] = localPoint(event, canvas);
  const gst = st.gesture;
  if (gst?.kind === "lasso") {
    if (extendLasso(gst, x, y)) ctx.redraw();
    return;
  }
  if (gst?.kind === "drag") {
    if (!dragMoves(gst, x, y)) return;
    const [wx, wy] = invert(totalTransform(ctx), x, y);
    st.world[2 * gst.i] = wx;
    st.world[2 * gst.i + 1] = wy;
    tooltip.hidden = true;
    ctx.redraw();
    return;
  }
  if (gst) return; // panning
  const hit = hitNode(st.screen, st.screenR, x, y);
  if (hit !== null) st.keyTooltip = false;
  if (hit !== st.hover) {
    st.hover = hit;
    ctx.redraw();
  }
  if (hit === null) {
    if (!st.keyTooltip) tooltip.hidden = true;
    canvas.style.cursor = modeCursor(st.mode);
    return;
  }
  tooltip.textContent = describeNode(st.g, hit, ctx.model.get("value_name") ?? "", ctx.model.get("color_mode"));
  placeTooltip(tooltip, x, y, ctx.width());
  canvas.style.cursor = "pointer";
}

/** A release selects (click, shift-click, lasso) or pins the dragged node. */
export function onUp(ctx: Ctx, event: PointerEvent): void {
  const { st } = ctx;
  const gst = st.gesture;
  st.gesture = null;
  if (!gst) return;
  const [x, y] = localPoint(event, ctx.view.canvas);
  const end = endGesture(gst, x, y, ctx.selectedNodes(), st.screen);
  if (end?.kind === "pin") {
    savePositions(ctx); // the dragged node stays where it was dropped (pinned)
  } else if (end?.kind === "select") {
    ctx.setSelection(end.nodes);
    if (end.redraw) ctx.redraw();
  }
}

/** Leaving the canvas hides the mouse's tooltip and hover (not the keyboard's). */
export function onLeave(ctx: Ctx): void {
  const { st } = ctx;
  if (!st.keyTooltip) ctx.view.tooltip.hidden = true;
  if (st.hover !== null && !st.gesture) {
    st.hover = null;
    ctx.redraw();
  }
}
