// Test support for the views' vitest suites (not bundled: only *.test.ts import it):
// mount a view on a PageModel inside the document, give every canvas a recording 2-D
// context (jsdom has none), and a fixed theme to draw with.
import { afterEach, beforeEach, vi } from "vitest";
import { recordingCtx } from "./ctx";
import type { PageModel } from "./page_model";
import { CATEGORICAL, type Theme } from "./theme";

/** A fixed light theme for drawing tests (no document styles to read in jsdom). */
export const TEST_THEME: Theme = {
  background: "#fff",
  foreground: "#000",
  muted: "#666",
  grid: "#eee",
  accent: "#00f",
  font: "sans-serif",
  categorical: CATEGORICAL,
};

/** A view module's default export, as far as the tests need it. */
interface View {
  render(props: never): unknown;
}

/** Render `widget` on `model` into a new host element appended to the document. */
export function mountView<T extends Record<string, unknown>>(widget: View, model: PageModel<T>) {
  const host = document.createElement("div");
  document.body.appendChild(host);
  const cleanup = widget.render({ model: model.asModel(), el: host } as never) as () => void;
  const q = <E extends Element = HTMLElement>(id: string) => host.querySelector<E>(`[data-testid='${id}']`)!;
  return { host, cleanup, q };
}

/** Before each test, canvases record their drawing calls; after it, the document is emptied. */
export function recordCanvases(): void {
  beforeEach(() => {
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(
      () => recordingCtx().ctx as unknown as CanvasRenderingContext2D,
    );
  });
  afterEach(() => {
    vi.restoreAllMocks();
    document.body.replaceChildren();
  });
}
