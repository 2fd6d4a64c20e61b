// anywidget glue for MapperGraphWidget: DOM, events, zoom, model sync.
// Layout is in layout.ts, drawing in draw.ts, the side panel in panel.ts, the keyboard's
// direction rule in keys.ts.
import type { RenderProps } from "@anywidget/types";
import { select } from "d3-selection";
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomTransform } from "d3-zoom";
import { at, decode, encode } from "../shared/codec";
import { el, localPoint, placeTooltip, sizeCanvas, text } from "../shared/dom";
import { onThemeChange, readTheme } from "../shared/theme";
import { describeNode, drawGraph, hitNode, nodesInPolygon, screenRadius, toScreen } from "./draw";
import { dimmedNodes, EMPTY_GRAPH, lassoSelection, matchClasses, nextSelection, radii, toGraph, visibleEdges, type Graph } from "./graph";
import { compose, fitTransform, forceLayout, invert, type Transform } from "./layout";
import { keyAction, nearestInDirection, PAN_FRACTION, startNode, type KeyAction } from "./keys";
import type { MapperGraphModel } from "./model";
import { buildDetail, buildLegend } from "./panel";
import "../shared/base.css";
import "./styles.css";

type Gesture =
  | { kind: "lasso"; poly: number[]; x0: number; y0: number; shift: boolean; hit: number | null }
  | { kind: "drag"; i: number; x0: number; y0: number; moved: boolean }
  | { kind: "click"; x0: number; y0: number; shift: boolean; hit: number | null };

const MOVE_PX = 4;

function render({ model, el: host }: RenderProps<MapperGraphModel>): () => void {
  performance.mark("tdaw:mapper_graph:setup-start");
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
  root.append(title, toolbar, body, legendSlot, status);
  host.appendChild(root);

  let g: Graph = EMPTY_GRAPH;
  let baseR: Float64Array = new Float64Array(0);
  let world: Float64Array = new Float64Array(0);
  let fit: Transform = { k: 1, x: 0, y: 0 };
  let zoomT: ZoomTransform = zoomIdentity;
  let screen: Float64Array = new Float64Array(0);
  let screenR: Float64Array = new Float64Array(0);
  let mode: "pan" | "lasso" = "pan";
  let gesture: Gesture | null = null;
  let hover: number | null = null;
  // the keyboard's current node; its focus ring shows while keys drive the view
  let current: number | null = null;
  let keyNav = false;
  let keyTooltip = false; // the tooltip describes `current` (not the node under the mouse)
  let dimmed: Uint8Array = new Uint8Array(0);
  let thumbUrl: string | null = null;

  const width = (): number => model.get("width") || 640;
  const height = (): number => model.get("height") || 480;
  const total = (): Transform => compose({ k: zoomT.k, x: zoomT.x, y: zoomT.y }, fit);

  // -- zoom and pan (d3-zoom): drag on the background; ctrl/cmd + wheel zooms --------
  const zoomer = zoom<HTMLCanvasElement, unknown>()
    .scaleExtent([0.1, 40])
    .filter((event: Event) => {
      const e = event as MouseEvent;
      if (e.type === "wheel") return e.ctrlKey || e.metaKey;
      if (e.type === "dblclick") return false;
      if (mode !== "pan" || e.shiftKey || e.button) return false;
      const [x, y] = localPoint(e, canvas);
      return hitNode(screen, screenR, x, y) === null;
    })
    .on("zoom", (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      zoomT = event.transform;
      if (!quiet) redraw();
    });
  select(canvas).call(zoomer);
  let quiet = false; // resetting the zoom must not draw: the caller draws once after
  const resetZoom = (): void => {
    zoomT = zoomIdentity;
    quiet = true;
    select(canvas).call(zoomer.transform, zoomIdentity);
    quiet = false;
  };
  /** The Fit button and the 0 key: the whole graph in view, zoom reset. */
  const fitView = (): void => {
    fit = fitTransform(world, baseR, width(), height());
    resetZoom();
    redraw();
  };

  performance.mark("tdaw:mapper_graph:setup-end");

  // -- data ----------------------------------------------------------------------
  function loadGraph(): void {
    performance.mark("tdaw:mapper_graph:decode-start");
    g = toGraph({
      sizes: model.get("sizes"),
      edges: model.get("edges"),
      edge_weights: model.get("edge_weights"),
      class_counts: model.get("class_counts"),
      class_names: model.get("class_names") ?? [],
      node_values: model.get("node_values"),
    });
    baseR = radii(g, width() * height());
    performance.mark("tdaw:mapper_graph:decode-end");
    world = new Float64Array(0);
    if (current !== null && current >= g.n) current = null;
    legendSlot.replaceChildren(
      buildLegend(g, model.get("color_mode"), model.get("value_name") ?? "", (name) => {
        const next = model.get("class_filter") === name ? "" : name;
        model.set("class_filter", next);
        model.save_changes();
      }),
    );
    search.hidden = !g.counts;
    onFilter(false);
    adoptPositions(true);
  }

  function modelPositions(): Float64Array | null {
    try {
      const enc = model.get("positions");
      if (!enc) return null;
      const arr = decode(enc);
      if (arr.data.length !== 2 * g.n) return null;
      const out = new Float64Array(2 * g.n);
      for (let k = 0; k < out.length; k++) out[k] = at(arr, k);
      return out.every(Number.isFinite) ? out : null;
    } catch {
      return null;
    }
  }

  function sameAsWorld(p: Float64Array): boolean {
    return p.length === world.length && p.every((v, k) => v === world[k]);
  }

  /** Use positions from the model (pinned) or lay the graph out and send them back. */
  function adoptPositions(refit: boolean): void {
    const p = modelPositions();
    if (p && sameAsWorld(p) && !refit) return; // our own layout or drag, echoed
    if (p) {
      world = p;
    } else if (g.n > 0) {
      relayout();
      return;
    }
    fit = fitTransform(world, baseR, width(), height());
    resetZoom();
    redraw();
  }

  function relayout(): void {
    performance.mark("tdaw:mapper_graph:layout-start");
    world = forceLayout({ n: g.n, edges: g.edges, weights: g.weights, radii: baseR }, model.get("layout_seed") ?? 0);
    performance.mark("tdaw:mapper_graph:layout-end");
    fit = fitTransform(world, baseR, width(), height());
    resetZoom();
    redraw();
    savePositions();
  }

  function savePositions(): void {
    model.set("positions", encode({ dtype: "float64", shape: [g.n, 2], data: world.slice() }));
    model.save_changes();
  }

  // -- drawing -------------------------------------------------------------------
  function redraw(): void {
    const isEmpty = g.n === 0;
    empty.hidden = !isEmpty;
    canvas.style.visibility = isEmpty ? "hidden" : "visible";
    // nothing to pan, filter or select: only the message
    toolbar.hidden = isEmpty;
    side.hidden = isEmpty;
    const w = width();
    const h = height();
    const t = total();
    screen = toScreen(world.length === 2 * g.n ? world : new Float64Array(2 * g.n), t);
    screenR = baseR.map((r) => screenRadius(r, zoomT.k));
    const edges = visibleEdges(g, model.get("edge_threshold") ?? 0);
    const selected = model.get("selected_nodes") ?? [];
    root.dataset.selectedNodes = selected.join(",");
    root.dataset.visibleEdges = String(edges.length);
    root.dataset.mode = mode;
    root.dataset.currentNode = current === null ? "" : String(current);
    canvas.dataset.transform = JSON.stringify(t);
    edgeCount.textContent = `${(model.get("edge_threshold") ?? 0).toFixed(2)} (${edges.length} of ${g.weights.length} shown)`;
    panBtn.setAttribute("aria-pressed", String(mode === "pan"));
    lassoBtn.setAttribute("aria-pressed", String(mode === "lasso"));
    const ctx = sizeCanvas(canvas, w, h);
    if (!ctx || isEmpty) return;
    const theme = readTheme(root);
    performance.mark("tdaw:mapper_graph:draw-start");
    drawGraph(
      ctx,
      g,
      screen,
      screenR,
      theme,
      {
        selected: new Set(selected),
        dimmed,
        edges,
        mode: model.get("color_mode") === "classes" ? "classes" : "values",
        hover,
        lasso: gesture?.kind === "lasso" ? gesture.poly : null,
        focus: showFocus() ? current : null,
      },
      w,
      h,
    );
    performance.mark("tdaw:mapper_graph:draw-end");
    if (keyTooltip) showKeyTooltip();
  }

  function onFilter(draw = true): void {
    const q = model.get("class_filter") ?? "";
    if (search.value !== q) search.value = q;
    dimmed = dimmedNodes(g, matchClasses(g.classNames, q));
    root.dataset.dimmed = String(dimmed.reduce((s, d) => s + d, 0));
    legendSlot.querySelectorAll<HTMLButtonElement>(".tdaw-mg-legend-item").forEach((b, c) => {
      b.setAttribute("aria-pressed", String(q !== "" && g.classNames[c] === q));
    });
    if (draw) redraw();
  }

  function onThreshold(): void {
    const v = model.get("edge_threshold") ?? 0;
    if (Number(slider.value) !== v) slider.value = String(v);
    redraw();
  }

  function onDetail(): void {
    const bytes = model.get("thumbnails");
    if (thumbUrl) URL.revokeObjectURL(thumbUrl);
    thumbUrl = null;
    const size = bytes ? (bytes as ArrayBuffer).byteLength : 0;
    if (bytes && size > 0 && typeof URL.createObjectURL === "function") {
      thumbUrl = URL.createObjectURL(new Blob([bytes as ArrayBuffer], { type: "image/png" }));
    }
    side.replaceChildren(
      ...buildDetail(
        model.get("detail") ?? {},
        g.classNames,
        { url: thumbUrl, indices: model.get("thumbnail_indices") ?? [], grid: model.get("thumbnail_grid") ?? [] },
        () => {
          model.set("max_thumbnails", (model.get("max_thumbnails") ?? 24) + 24);
          model.save_changes();
        },
      ),
    );
  }

  function onTitle(): void {
    title.textContent = model.get("title") ?? "";
    title.hidden = !title.textContent;
  }

  // -- selection gestures ----------------------------------------------------------
  function select_(nodes: number[]): void {
    model.set("selected_nodes", nodes);
    model.save_changes();
  }

  function onDown(event: PointerEvent): void {
    if (event.button !== 0 || g.n === 0) return;
    root.focus({ preventScroll: true });
    const [x, y] = localPoint(event, canvas);
    const hit = hitNode(screen, screenR, x, y);
    // the mouse takes over: no focus ring; arrows go on from the clicked node
    if (hit !== null) current = hit;
    if (keyNav || keyTooltip) {
      keyNav = false;
      keyTooltip = false;
      tooltip.hidden = true;
      redraw();
    }
    if (mode === "lasso" || (event.shiftKey && hit === null)) {
      gesture = { kind: "lasso", poly: [x, y], x0: x, y0: y, shift: event.shiftKey, hit };
    } else if (hit !== null && !event.shiftKey) {
      gesture = { kind: "drag", i: hit, x0: x, y0: y, moved: false };
    } else {
      gesture = { kind: "click", x0: x, y0: y, shift: event.shiftKey, hit };
    }
    if (gesture.kind !== "click") {
      try {
        canvas.setPointerCapture(event.pointerId);
      } catch {
        // synthetic events (tests) have no active pointer
      }
    }
  }

  function onMove(event: PointerEvent): void {
    const [x, y] = localPoint(event, canvas);
    if (gesture?.kind === "lasso") {
      const n = gesture.poly.length;
      if (Math.hypot(x - (gesture.poly[n - 2] as number), y - (gesture.poly[n - 1] as number)) >= 3) {
        gesture.poly.push(x, y);
        redraw();
      }
      return;
    }
    if (gesture?.kind === "drag") {
      if (!gesture.moved && Math.hypot(x - gesture.x0, y - gesture.y0) < MOVE_PX) return;
      gesture.moved = true;
      const [wx, wy] = invert(total(), x, y);
      world[2 * gesture.i] = wx;
      world[2 * gesture.i + 1] = wy;
      tooltip.hidden = true;
      redraw();
      return;
    }
    if (gesture) return; // panning
    const hit = hitNode(screen, screenR, x, y);
    if (hit !== null) keyTooltip = false;
    if (hit !== hover) {
      hover = hit;
      redraw();
    }
    if (hit === null) {
      if (!keyTooltip) tooltip.hidden = true;
      canvas.style.cursor = mode === "lasso" ? "crosshair" : "grab";
      return;
    }
    tooltip.textContent = describeNode(g, hit, model.get("value_name") ?? "", model.get("color_mode"));
    placeTooltip(tooltip, x, y, width());
    canvas.style.cursor = "pointer";
  }

  function onUp(event: PointerEvent): void {
    const gst = gesture;
    gesture = null;
    if (!gst) return;
    const [x, y] = localPoint(event, canvas);
    // a lasso that came back near its start still moved: it has a polygon
    const moved = Math.hypot(x - gst.x0, y - gst.y0) >= MOVE_PX || (gst.kind === "lasso" && gst.poly.length >= 6);
    const current = model.get("selected_nodes") ?? [];
    if (gst.kind === "lasso" && moved) {
      select_(lassoSelection(current, nodesInPolygon(screen, gst.poly), gst.shift));
      redraw();
    } else if (gst.kind === "drag" && gst.moved) {
      savePositions(); // the dragged node stays where it was dropped (pinned)
    } else if (!moved || gst.kind === "drag") {
      const hit = gst.kind === "drag" ? gst.i : gst.hit;
      select_(nextSelection(current, hit, gst.kind === "drag" ? false : gst.shift));
      if (gst.kind === "lasso") redraw();
    }
  }

  // -- keyboard: arrows move the current node (rule in keys.ts), Enter/space select, ------
  // +/-/0 and shift+arrows zoom and pan
  function showFocus(): boolean {
    return keyNav && current !== null && current < g.n && root.ownerDocument.activeElement === root;
  }

  function showKeyTooltip(): void {
    if (!showFocus() || current === null) {
      keyTooltip = false;
      tooltip.hidden = true;
      return;
    }
    const r = (screenR[current] as number) / 2;
    tooltip.textContent = describeNode(g, current, model.get("value_name") ?? "", model.get("color_mode"));
    placeTooltip(tooltip, (screen[2 * current] as number) + r, (screen[2 * current + 1] as number) + r, width());
  }

  function announce(): void {
    if (current === null || current >= g.n) return;
    const selected = (model.get("selected_nodes") ?? []).includes(current);
    const msg = `${describeNode(g, current, model.get("value_name") ?? "", model.get("color_mode"))}${selected ? " · selected" : ""}`;
    if (status.textContent !== msg) status.textContent = msg;
  }

  /** Pan (not zoom) just enough to bring node `i`, its focus ring and a little room
   *  around it inside the drawing. */
  function reveal(i: number): void {
    const m = (screenR[i] as number) + 12;
    const x = screen[2 * i] as number;
    const y = screen[2 * i + 1] as number;
    const dx = x < m ? m - x : x > width() - m ? width() - m - x : 0;
    const dy = y < m ? m - y : y > height() - m ? height() - m - y : 0;
    if (dx || dy) select(canvas).call(zoomer.translateBy, dx / zoomT.k, dy / zoomT.k);
  }

  /**
   * +/- zoom by ZOOM_STEP about the ringed node (it stays put on screen), else about the
   * centre, within the wheel's scale extent; shift+arrows pan by PAN_FRACTION of the
   * drawing's size, the view looking that way; 0 fits. The ring and tooltip follow.
   */
  function viewKey(action: Extract<KeyAction, { kind: "zoom" | "pan" | "fit" }>): void {
    if (action.kind === "fit") {
      fitView();
    } else if (action.kind === "zoom") {
      const p: [number, number] =
        showFocus() && current !== null
          ? [screen[2 * current] as number, screen[2 * current + 1] as number]
          : [width() / 2, height() / 2];
      select(canvas).call(zoomer.scaleBy, action.factor, p);
    } else {
      const dx = -action.dx * PAN_FRACTION * width();
      const dy = -action.dy * PAN_FRACTION * height();
      select(canvas).call(zoomer.translateBy, dx / zoomT.k, dy / zoomT.k);
    }
  }

  function onKey(event: KeyboardEvent): void {
    if (event.target !== root) return; // typing in the search box, a focused button or slider
    const action = keyAction(event);
    if (!action) return;
    if (action.kind === "clear") {
      select_([]);
    } else if (g.n === 0) {
      return;
    } else if (action.kind === "zoom" || action.kind === "pan" || action.kind === "fit") {
      // the view moves, not the ring (and the first such key does not show it)
      viewKey(action);
      event.preventDefault();
      event.stopPropagation();
      return;
    } else if (current === null || !keyNav) {
      // the first key shows where navigation starts (the clicked or last selected node,
      // else the one nearest the centre) without moving or selecting
      current ??= startNode(screen, model.get("selected_nodes") ?? [], width(), height());
    } else if (action.kind === "move") {
      current = nearestInDirection(screen, current, action.dx, action.dy) ?? current;
    } else {
      select_(nextSelection(model.get("selected_nodes") ?? [], current, action.shift));
    }
    event.preventDefault();
    event.stopPropagation();
    if (action.kind === "clear" || current === null) return;
    keyNav = true;
    keyTooltip = true;
    reveal(current);
    redraw();
    announce();
  }

  function setMode(next: "pan" | "lasso"): void {
    mode = next;
    canvas.style.cursor = mode === "lasso" ? "crosshair" : "grab";
    redraw();
  }

  tooltip.hidden = true;
  panBtn.addEventListener("click", () => setMode("pan"));
  lassoBtn.addEventListener("click", () => setMode("lasso"));
  fitBtn.addEventListener("click", fitView);
  relayoutBtn.addEventListener("click", () => {
    if (g.n > 0) relayout();
  });
  slider.addEventListener("input", () => {
    model.set("edge_threshold", Number(slider.value));
    model.save_changes();
  });
  search.addEventListener("input", () => {
    model.set("class_filter", search.value);
    model.save_changes();
  });
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("pointerleave", () => {
    if (!keyTooltip) tooltip.hidden = true;
    if (hover !== null && !gesture) {
      hover = null;
      redraw();
    }
  });
  root.addEventListener("keydown", onKey);
  root.addEventListener("focus", () => {
    if (keyNav && current !== null) {
      keyTooltip = true;
      redraw();
    }
  });
  root.addEventListener("blur", () => {
    if (keyTooltip) tooltip.hidden = true;
    keyTooltip = false;
    if (keyNav) redraw(); // the focus ring goes
  });
  const stopTheme = onThemeChange(redraw); // the rings and edges take the theme's colours

  const handlers: [string, () => void][] = [
    ["change:sizes", loadGraph],
    ["change:edges", loadGraph],
    ["change:edge_weights", loadGraph],
    ["change:class_counts", loadGraph],
    ["change:class_names", loadGraph],
    ["change:node_values", loadGraph],
    ["change:color_mode", loadGraph],
    ["change:value_name", loadGraph],
    ["change:positions", () => adoptPositions(false)],
    ["change:layout_seed", () => g.n > 0 && relayout()],
    [
      "change:selected_nodes",
      () => {
        redraw();
        if (showFocus()) announce();
      },
    ],
    ["change:edge_threshold", onThreshold],
    ["change:class_filter", () => onFilter()],
    ["change:detail", onDetail],
    ["change:thumbnails", onDetail],
    ["change:thumbnail_indices", onDetail],
    ["change:thumbnail_grid", onDetail],
    ["change:width", () => adoptPositions(true)],
    ["change:height", () => adoptPositions(true)],
    ["change:title", onTitle],
  ];
  for (const [name, cb] of handlers) model.on(name, cb);
  onTitle();
  slider.value = String(model.get("edge_threshold") ?? 0);
  loadGraph();
  onDetail();

  return () => {
    for (const [name, cb] of handlers) model.off(name, cb);
    stopTheme();
    select(canvas).on(".zoom", null);
    if (thumbUrl) URL.revokeObjectURL(thumbUrl);
    root.remove();
  };
}

export default { render };
