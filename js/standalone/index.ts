// Runtime of the self-contained HTML files written by `to_html()`: it stands in for the
// Jupyter widget manager. Each view's state (with its binary buffers, base64-encoded by
// Python) goes into an in-memory model, and the view's own ESM bundle renders it.
// No network: every source arrives inline in the page.
import { PageModel } from "../shared/page_model";
import { linkExplorer, type ExplorerSpec } from "./explorer";

export interface ViewSpec {
  /** Key of this view in `window.tdaw.models` and its container's data-view attribute. */
  id: string;
  /** Source of the view's ESM bundle and CSS. */
  esm: string;
  css: string;
  state: Record<string, unknown>;
  /** Binary parts of `state`: where each goes and its bytes (base64). */
  buffers: { path: (string | number)[]; data: string }[];
}

export interface PageSpec {
  views: ViewSpec[];
  /** The explorer's precomputed layers, with its binary parts split out like a view's. */
  explorer?: { state: ExplorerSpec; buffers: ViewSpec["buffers"] };
}

type Models = Record<string, PageModel<Record<string, unknown>>>;

declare global {
  interface Window {
    tdaw?: { models: Models; ready: boolean };
  }
}

export function base64ToDataView(b64: string): DataView {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new DataView(bytes.buffer);
}

/** Put each buffer back at its path in the state (what ipywidgets does on the wire). */
export function restoreBuffers(state: Record<string, unknown>, buffers: ViewSpec["buffers"]): Record<string, unknown> {
  for (const { path, data } of buffers) {
    let node: Record<string | number, unknown> = state;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    node[path[path.length - 1] as string | number] = base64ToDataView(data);
  }
  return state;
}

async function importSource(source: string): Promise<{ default: unknown }> {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return (await import(/* @vite-ignore */ url)) as { default: unknown };
  } finally {
    URL.revokeObjectURL(url);
  }
}

type RenderFn = (props: { model: unknown; el: HTMLElement; signal: AbortSignal; host: unknown; experimental: unknown }) => unknown;

async function renderer(mod: { default: unknown }): Promise<RenderFn> {
  let def = mod.default as { render?: RenderFn } | (() => Promise<{ render?: RenderFn }>);
  if (typeof def === "function") def = await def();
  if (!def || typeof def.render !== "function") throw new Error("tda_widgets: the bundle has no render()");
  return def.render.bind(def);
}

/** Render every view of `spec` into `container`; returns the models by view id. */
export async function mount(spec: PageSpec, container: HTMLElement): Promise<Models> {
  const models: Models = {};
  const styles = new Set<string>();
  const slots = new Map<string, HTMLElement>();
  for (const slot of container.querySelectorAll<HTMLElement>("[data-view]")) slots.set(slot.dataset.view ?? "", slot);
  for (const view of spec.views) {
    if (view.css && !styles.has(view.css)) {
      const style = document.createElement("style");
      style.textContent = view.css;
      document.head.appendChild(style);
      styles.add(view.css);
    }
    const model = new PageModel(restoreBuffers(view.state, view.buffers));
    models[view.id] = model;
    let slot = slots.get(view.id);
    if (!slot) {
      slot = document.createElement("div");
      slot.dataset.view = view.id;
      container.appendChild(slot);
    }
    const render = await renderer(await importSource(view.esm));
    const controller = new AbortController();
    await render({ model: model.asModel(), el: slot, signal: controller.signal, host: {}, experimental: {} });
  }
  if (spec.explorer) {
    const state = restoreBuffers(spec.explorer.state as unknown as Record<string, unknown>, spec.explorer.buffers);
    linkExplorer(state as unknown as ExplorerSpec, models);
  }
  window.tdaw = { models, ready: true };
  return models;
}
