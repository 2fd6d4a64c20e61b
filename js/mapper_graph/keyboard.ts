// The keyboard on the graph: arrows move the current node (rule in keys.ts), Enter/space
// select, Escape clears, +/-/0 and shift+arrows zoom and pan; the focus ring, the key
// tooltip and the screen-reader announcement follow the current node.
import { placeTooltip } from "../shared/dom";
import type { Ctx } from "./context";
import { describeNode } from "./draw";
import { navigate, panShift, revealShift, zoomCentre } from "./gestures";
import { keyAction, type KeyAction } from "./keys";
import { fitView } from "./positions";

/** Whether the focus ring shows: keys drive the view, there is a current node, the view has focus. */
export function showFocus(ctx: Ctx): boolean {
  const { st } = ctx;
  const root = ctx.view.root;
  return st.keyNav && st.current !== null && st.current < st.g.n && root.ownerDocument.activeElement === root;
}

/** The tooltip at the current node (or hidden, and off, when the ring does not show). */
export function showKeyTooltip(ctx: Ctx): void {
  const { st } = ctx;
  const { tooltip } = ctx.view;
  const i = st.current;
  if (!showFocus(ctx) || i === null) {
    st.keyTooltip = false;
    tooltip.hidden = true;
    return;
  }
  const r = (st.screenR[i] as number) / 2;
  tooltip.textContent = describeNode(st.g, i, ctx.model.get("value_name") ?? "", ctx.model.get("color_mode"));
  placeTooltip(tooltip, (st.screen[2 * i] as number) + r, (st.screen[2 * i + 1] as number) + r, ctx.width());
}

/** The current node's description (and whether it is selected) on the status line. */
export function announce(ctx: Ctx): void {
  const { st } = ctx;
  const i = st.current;
  if (i === null || i >= st.g.n) return;
  const selected = ctx.selectedNodes().includes(i);
  const msg = `${describeNode(st.g, i, ctx.model.get("value_name") ?? "", ctx.model.get("color_mode"))}${selected ? " · selected" : ""}`;
  if (ctx.view.status.textContent !== msg) ctx.view.status.textContent = msg;
}

/**
 * +/- zoom by ZOOM_STEP about the ringed node (it stays put on screen), else about the
 * centre, within the wheel's scale extent; shift+arrows pan by PAN_FRACTION of the
 * drawing's size, the view looking that way; 0 fits. The ring and tooltip follow.
 */
export function viewKey(ctx: Ctx, action: Extract<KeyAction, { kind: "zoom" | "pan" | "fit" }>): void {
  if (action.kind === "fit") {
    fitView(ctx);
  } else if (action.kind === "zoom") {
    const p = zoomCentre(ctx.st.screen, showFocus(ctx) ? ctx.st.current : null, ctx.width(), ctx.height());
    ctx.zoom.scaleBy(action.factor, p);
  } else {
    ctx.zoom.panBy(panShift(action, ctx.width(), ctx.height()));
  }
}

/** A key pressed on the view's root (not in the search box, a button or the slider). */
export function onKey(ctx: Ctx, event: KeyboardEvent): void {
  const { st } = ctx;
  if (event.target !== ctx.view.root) return; // typing in the search box, a focused button or slider
  const action = keyAction(event);
  if (!action) return;
  if (action.kind === "clear") {
    ctx.setSelection([]);
  } else if (st.g.n === 0) {
    return;
  } else if (action.kind === "zoom" || action.kind === "pan" || action.kind === "fit") {
    // the view moves, not the ring (and the first such key does not show it)
    viewKey(ctx, action);
  } else {
    const next = navigate({ current: st.current, active: st.keyNav }, action, st.screen, ctx.selectedNodes(), ctx.width(), ctx.height());
    st.current = next.nav.current;
    if (next.select) ctx.setSelection(next.select);
    event.preventDefault();
    event.stopPropagation();
    if (st.current === null) return;
    st.keyNav = next.nav.active;
    st.keyTooltip = true;
    ctx.zoom.panBy(revealShift(st.screen, st.screenR, st.current, ctx.width(), ctx.height()));
    ctx.redraw();
    announce(ctx);
    return;
  }
  event.preventDefault();
  event.stopPropagation();
}

/** Focus back on the view brings the key tooltip back while keys drive it. */
export function onFocus(ctx: Ctx): void {
  if (ctx.st.keyNav && ctx.st.current !== null) {
    ctx.st.keyTooltip = true;
    ctx.redraw();
  }
}

/** Focus leaving the view hides the key tooltip and the ring. */
export function onBlur(ctx: Ctx): void {
  const { st } = ctx;
  if (st.keyTooltip) ctx.view.tooltip.hidden = true;
  st.keyTooltip = false;
  if (st.keyNav) ctx.redraw(); // the focus ring goes
}
