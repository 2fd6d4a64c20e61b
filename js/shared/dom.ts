// Small DOM helpers shared by the views. Text always goes in via textContent.

/** `<tag class=cls data-testid=testid>`. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  testid?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = cls;
  if (testid) node.dataset.testid = testid;
  return node;
}

/** A text element (label, value...); the text is never parsed as HTML. */
export function text<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  content: string,
  testid?: string,
): HTMLElementTagNameMap[K] {
  const node = el(tag, cls, testid);
  node.textContent = content;
  return node;
}

/** Size a canvas for the device pixel ratio; returns its 2-D context (null in jsdom). */
export function sizeCanvas(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
): CanvasRenderingContext2D | null {
  const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext("2d");
  } catch {
    ctx = null; // jsdom without the canvas package
  }
  if (ctx) ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** Mouse position relative to an element's top-left corner. */
export function localPoint(event: MouseEvent, target: Element): [number, number] {
  const rect = target.getBoundingClientRect();
  return [event.clientX - rect.left, event.clientY - rect.top];
}

/** Place a tooltip near (x, y) inside a container `width` wide: flipped left near the right edge. */
export function placeTooltip(tooltip: HTMLElement, x: number, y: number, width: number): void {
  tooltip.hidden = false;
  const w = tooltip.offsetWidth || 0;
  const left = x + 14 + w > width ? Math.max(0, x - 14 - w) : x + 14;
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${y + 14}px`;
}
