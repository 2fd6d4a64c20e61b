// Views that fit their container: a view with `fit_width` draws at most its `width`, and
// narrower (down to FIT_MIN_PX) when the box it sits in is narrower. The box's width must
// not depend on the view's (a block, or a flex item with a basis): the explorer's slots are.

export const FIT_MIN_PX = 240;

/** The width to draw at: `max` when not fitting or the room is unknown (0), else the room
 * clamped to [FIT_MIN_PX, max]. */
export function fittedWidth(max: number, room: number, fit: boolean): number {
  if (!fit || !(room > 0)) return max;
  return Math.max(Math.min(FIT_MIN_PX, max), Math.min(max, Math.floor(room)));
}

/** Calls `onWidth` with `target`'s content width now and whenever it changes by a pixel or
 * more; returns the function that stops watching. Without ResizeObserver (jsdom) it reports
 * nothing. */
export function watchWidth(target: HTMLElement, onWidth: (width: number) => void): () => void {
  if (typeof ResizeObserver === "undefined") return () => undefined;
  let last = -1;
  const observer = new ResizeObserver((entries) => {
    const w = Math.floor(entries[entries.length - 1]?.contentRect.width ?? 0);
    if (w > 0 && Math.abs(w - last) >= 1) {
      last = w;
      onWidth(w);
    }
  });
  observer.observe(target);
  return () => observer.disconnect();
}

/** Horizontal padding and border of `root` (a view's `.tdaw-view` box): what of its
 * host's width its content cannot use. */
export function horizontalChrome(root: HTMLElement): number {
  const cs = getComputedStyle(root);
  const px = (v: string): number => Number.parseFloat(v) || 0;
  return px(cs.paddingLeft) + px(cs.paddingRight) + px(cs.borderLeftWidth) + px(cs.borderRightWidth);
}
