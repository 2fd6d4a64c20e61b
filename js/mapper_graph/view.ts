// The Mapper view's DOM: title, toolbar (modes, fit, re-layout, edge slider, class
// search), the canvas stage with its tooltip and empty message, the detail side panel,
// the legend slot and the screen-reader status line. Built once; index.ts binds it.
import { el, text } from "../shared/dom";

export interface MapperView {
  root: HTMLDivElement;
  title: HTMLDivElement;
  toolbar: HTMLDivElement;
  panBtn: HTMLButtonElement;
  lassoBtn: HTMLButtonElement;
  fitBtn: HTMLButtonElement;
  relayoutBtn: HTMLButtonElement;
  slider: HTMLInputElement;
  edgeCount: HTMLSpanElement;
  search: HTMLInputElement;
  canvas: HTMLCanvasElement;
  tooltip: HTMLDivElement;
  empty: HTMLDivElement;
  side: HTMLDivElement;
  status: HTMLDivElement;
  legendSlot: HTMLDivElement;
  /** The purity permutation test under the legend (panel.ts: buildEvidence). */
  evidence: HTMLDivElement;
}

/** Builds the view's elements and appends its root to `host`. */
export function buildView(host: HTMLElement): MapperView {
  const root = el("div", "tdaw-mapper-graph tdaw-view", "mapper-graph");
  root.tabIndex = 0;
  // JupyterLab: its notebook shortcuts (arrows, Enter, shift+Enter, space) stay out while
  // this view has focus
  root.dataset.lmSuppressShortcuts = "true";
  // "application": screen readers pass the arrow keys through instead of browsing with them
  root.setAttribute("role", "application");
  root.setAttribute("aria-roledescription", "Mapper graph");
  root.setAttribute(
    "aria-label",
    "Mapper graph. Arrow keys move between nodes, Enter or space selects, shift+Enter adds or removes, Escape clears. " +
      "Plus and minus zoom, 0 fits the graph, shift+arrow keys pan.",
  );
  const title = el("div", "tdaw-mg-title", "mg-title");
  const toolbar = el("div", "tdaw-mg-toolbar");
  const modes = el("div", "tdaw-mg-modes");
  modes.setAttribute("role", "group");
  const panBtn = text("button", "tdaw-mg-button", "Pan", "mg-mode-pan");
  panBtn.title = "Drag to pan, ctrl+wheel to zoom, drag a node to pin it; shift-drag lassoes. Keys: +/- zoom, shift+arrows pan";
  const lassoBtn = text("button", "tdaw-mg-button", "Lasso", "mg-mode-lasso");
  lassoBtn.title = "Drag to select the nodes inside; shift adds to the selection";
  modes.append(panBtn, lassoBtn);
  const fitBtn = text("button", "tdaw-mg-button", "Fit", "mg-fit");
  fitBtn.title = "Fit the whole graph in view (key: 0)";
  const relayoutBtn = text("button", "tdaw-mg-button", "Re-layout", "mg-relayout");
  relayoutBtn.title = "Run the (seeded) force layout again, unpinning dragged nodes";
  for (const b of [panBtn, lassoBtn, fitBtn, relayoutBtn]) b.type = "button";
  const sliderLabel = el("label", "tdaw-mg-slider");
  const slider = el("input", "tdaw-mg-range", "mg-threshold");
  slider.type = "range";
  slider.min = "0";
  slider.max = "1";
  slider.step = "0.01";
  slider.setAttribute("aria-label", "Hide edges lighter than this Jaccard overlap");
  // JupyterLab's command-mode shortcuts would swallow the arrow keys of a focused slider
  slider.dataset.lmSuppressShortcuts = "true";
  const edgeCount = el("span", "tdaw-mg-edge-count", "mg-edge-count");
  sliderLabel.append(text("span", "", "Edges: Jaccard ≥"), slider, edgeCount);
  const search = el("input", "tdaw-mg-search", "mg-search");
  search.type = "search";
  search.placeholder = "Filter classes…";
  search.setAttribute("aria-label", "Dim nodes without a class matching this text");
  toolbar.append(modes, fitBtn, relayoutBtn, sliderLabel, search);
  const body = el("div", "tdaw-mg-body");
  const stage = el("div", "tdaw-mg-stage");
  const canvas = el("canvas", "tdaw-mg-canvas", "mg-canvas");
  const tooltip = el("div", "tdaw-mg-tooltip tdaw-tooltip", "mg-tooltip");
  const empty = text("div", "tdaw-mg-empty tdaw-overlay-message", "This Mapper graph has no nodes.", "mg-empty");
  stage.append(canvas, tooltip, empty);
  const side = el("div", "tdaw-mg-side", "mg-detail");
  side.setAttribute("aria-live", "polite");
  // the keyboard's current node, announced (the canvas itself says nothing)
  const status = el("div", "tdaw-mg-status", "mg-status");
  status.setAttribute("aria-live", "polite");
  status.setAttribute("aria-atomic", "true");
  body.append(stage, side);
  const legendSlot = el("div", "tdaw-mg-legend-slot");
  const evidence = el("div", "tdaw-mg-evidence", "mg-purity");
  evidence.hidden = true;
  root.append(title, toolbar, body, legendSlot, evidence, status);
  host.appendChild(root);
  tooltip.hidden = true;
  return { root, title, toolbar, panBtn, lassoBtn, fitBtn, relayoutBtn, slider, edgeCount, search, canvas, tooltip, empty, side, status, legendSlot, evidence };
}

/** Toolbar state: which mode button is pressed, and the canvas cursor of that mode. */
export function showMode(view: MapperView, mode: "pan" | "lasso"): void {
  view.panBtn.setAttribute("aria-pressed", String(mode === "pan"));
  view.lassoBtn.setAttribute("aria-pressed", String(mode === "lasso"));
}
