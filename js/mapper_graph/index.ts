// anywidget binding of MapperGraphWidget: the model's traits drive the view (view.ts
// builds the DOM), pointer and key events go through the gesture rules (gestures.ts) and
// end in model.set + save_changes. Layout is in layout.ts, drawing in draw.ts, the side
// panel in panel.ts, the keyboard's direction rule in keys.ts.
import type { RenderProps } from "@anywidget/types";
import { select } from "d3-selection";
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomTransform } from "d3-zoom";
import { at, decode, encode } from "../shared/codec";
import { localPoint, placeTooltip, sizeCanvas } from "../shared/dom";
import { fixed } from "../shared/scale";
import { onThemeChange, readTheme } from "../shared/theme";
import { describeNode, drawGraph, hitNode, screenRadius, toScreen } from "./draw";
import {
  dragMoves,
  endGesture,
  extendLasso,
  navigate,
  panShift,
  revealShift,
  startGesture,
  zoomCentre,
  zoomTakes,
  type Gesture,
  type Mode,
} from "./gestures";
import { dimmedNodes, EMPTY_GRAPH, matchClasses, radii, toGraph, visibleEdges, type Graph } from "./graph";
import { compose, fitTransform, forceLayout, invert, type Transform } from "./layout";
import { keyAction, type KeyAction } from "./keys";
import type { MapperGraphModel } from "./model";
import { buildDetail, buildLegend } from "./panel";
import { buildView, showMode } from "./view";
import "../shared/base.css";
import "./styles.css";

const fixed2 = fixed(2);

/** Everything the view holds between events, in one place. */
interface State {
  g: Graph;
  /** Node radii in layout units, and the world positions (2 per node). */
  baseR: Float64Array;
  world: Float64Array;
  /** The fit of the world to the canvas, and d3-zoom's transform on top of it. */
  fit: Transform;
  zoomT: ZoomTransform;
  /** Screen positions and radii at the last draw (hit tests and keys read them). */
  screen: Float64Array;
  screenR: Float64Array;
  mode: Mode;
  gesture: Gesture | null;
  hover: number | null;
  /** The keyboard's current node; its focus ring shows while keys drive the view (`keyNav`). */
  current: number | null;
  keyNav: boolean;
  /** The tooltip describes `current` (not the node under the mouse). */
  keyTooltip: boolean;
  dimmed: Uint8Array;
  thumbUrl: string | null;
}

function render({ model, el: host }: RenderProps<MapperGraphModel>): () => void {
  performance.mark("tdaw:mapper_graph:setup-start");
  const view = buildView(host);
  const { root, title, toolbar, panBtn, lassoBtn, fitBtn, relayoutBtn, slider, edgeCount, search, canvas, tooltip, empty, side, status, legendSlot } = view;
  const st: State = {
    g: EMPTY_GRAPH,
    baseR: new Float64Array(0),
    world: new Float64Array(0),
    fit: { k: 1, x: 0, y: 0 },
    zoomT: zoomIdentity,
    screen: new Float64Array(0),
    screenR: new Float64Array(0),
    mode: "pan",
    gesture: null,
    hover: null,
    current: null,
    keyNav: false,
    keyTooltip: false,
    dimmed: new Uint8Array(0),
    thumbUrl: null,
  };

  const width = (): number => model.get("width") || 640;
  const height = (): number => model.get("height") || 480;
  const total = (): Transform => compose({ k: st.zoomT.k, x: st.zoomT.x, y: st.zoomT.y }, st.fit);
  const selectedNodes = (): number[] => model.get("selected_nodes") ?? [];

  // -- zoom and pan (d3-zoom): drag on the background; ctrl/cmd + wheel zooms --------
  let quiet = false; // resetting the zoom must not draw: the caller draws once after
  const zoomer = zoom<HTMLCanvasElement, unknown>()
    .scaleExtent([0.1, 40])
    .filter((event: Event) =>
      zoomTakes(event as MouseEvent, st.mode, () => {
        const [x, y] = localPoint(event as MouseEvent, canvas);
        return hitNode(st.screen, st.screenR, x, y) !== null;
      }),
    )
    .on("zoom", (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
      st.zoomT = event.transform;
      if (!quiet) redraw();
    });
  select(canvas).call(zoomer);
  const resetZoom = (): void => {
    st.zoomT = zoomIdentity;
    quiet = true;
    select(canvas).call(zoomer.transform, zoomIdentity);
    quiet = false;
  };
  /** Pans by (dx, dy) screen pixels. */
  const panBy = ([dx, dy]: [number, number]): void => {
    if (dx || dy) select(canvas).call(zoomer.translateBy, dx / st.zoomT.k, dy / st.zoomT.k);
  };
  /** The Fit button and the 0 key: the whole graph in view, zoom reset. */
  const fitView = (): void => {
    st.fit = fitTransform(st.world, st.baseR, width(), height());
    resetZoom();
    redraw();
  };

  performance.mark("tdaw:mapper_graph:setup-end");

  // -- model -> view: data ------------------------------------------------------------
  function loadGraph(): void {
    performance.mark("tdaw:mapper_graph:decode-start");
    st.g = toGraph({
      sizes: model.get("sizes"),
      edges: model.get("edges"),
      edge_weights: model.get("edge_weights"),
      class_counts: model.get("class_counts"),
      class_names: model.get("class_names") ?? [],
      node_values: model.get("node_values"),
    });
    st.baseR = radii(st.g, width() * height());
    performance.mark("tdaw:mapper_graph:decode-end");
    st.world = new Float64Array(0);
    if (st.current !== null && st.current >= st.g.n) st.current = null;
    legendSlot.replaceChildren(
      buildLegend(st.g, model.get("color_mode"), model.get("value_name") ?? "", (name) => {
        const next = model.get("class_filter") === name ? "" : name;
        model.set("class_filter", next);
        model.save_changes();
      }),
    );
    search.hidden = !st.g.counts;
    onFilter(false);
    adoptPositions(true);
  }

  function modelPositions(): Float64Array | null {
    try {
      const enc = model.get("positions");
      if (!enc) return null;
      const arr = decode(enc);
      if (arr.data.length !== 2 * st.g.n) return null;
      const out = new Float64Array(2 * st.g.n);
      for (let k = 0; k < out.length; k++) out[k] = at(arr, k);
      return out.every(Number.isFinite) ? out : null;
    } catch {
      return null;
    }
  }

  function sameAsWorld(p: Float64Array): boolean {
    return p.length === st.world.length && p.every((v, k) => v === st.world[k]);
  }

  /** Use positions from the model (pinned) or lay the graph out and send them back. */
  function adoptPositions(refit: boolean): void {
    const p = modelPositions();
    if (p && sameAsWorld(p) && !refit) return; // our own layout or drag, echoed
    if (p) {
      st.world = p;
    } else if (st.g.n > 0) {
      relayout();
      return;
    }
    st.fit = fitTransform(st.world, st.baseR, width(), height());
    resetZoom();
    redraw();
  }

  function relayout(): void {
    performance.mark("tdaw:mapper_graph:layout-start");
    st.world = forceLayout({ n: st.g.n, edges: st.g.edges, weights: st.g.weights, radii: st.baseR }, model.get("layout_seed") ?? 0);
    performance.mark("tdaw:mapper_graph:layout-end");
    st.fit = fitTransform(st.world, st.baseR, width(), height());
    resetZoom();
    redraw();
    savePositions();
  }

  // -- view -> model ------------------------------------------------------------------
  function savePositions(): void {
    model.set("positions", encode({ dtype: "float64", shape: [st.g.n, 2], data: st.world.slice() }));
    model.save_changes();
  }

  function setSelection(nodes: number[]): void {
    model.set("selected_nodes", nodes);
    model.save_changes();
  }

  // -- drawing ------------------------------------------------------------------------
  function redraw(): void {
    const { g } = st;
    const isEmpty = g.n === 0;
    empty.hidden = !isEmpty;
    canvas.style.visibility = isEmpty ? "hidden" : "visible";
    // nothing to pan, filter or select: only the message
    toolbar.hidden = isEmpty;
    side.hidden = isEmpty;
    const w = width();
    const h = height();
    const t = total();
    st.screen = toScreen(st.world.length === 2 * g.n ? st.world : new Float64Array(2 * g.n), t);
    st.screenR = st.baseR.map((r) => screenRadius(r, st.zoomT.k));
    const edges = visibleEdges(g, model.get("edge_threshold") ?? 0);
    const selected = selectedNodes();
    root.dataset.selectedNodes = selected.join(",");
    root.dataset.visibleEdges = String(edges.length);
    root.dataset.mode = st.mode;
    root.dataset.currentNode = st.current === null ? "" : String(st.current);
    canvas.dataset.transform = JSON.stringify(t);
    edgeCount.textContent = `${fixed2(model.get("edge_threshold") ?? 0)} (${edges.length} of ${g.weights.length} shown)`;
    showMode(view, st.mode);
    const ctx = sizeCanvas(canvas, w, h);
    if (!ctx || isEmpty) return;
    const theme = readTheme(root);
    performance.mark("tdaw:mapper_graph:draw-start");
    drawGraph(
      ctx,
      g,
      st.screen,
      st.screenR,
      theme,
      {
        selected: new Set(selected),
        dimmed: st.dimmed,
        edges,
        mode: model.get("color_mode") === "classes" ? "classes" : "values",
        hover: st.hover,
        lasso: st.gesture?.kind === "lasso" ? st.gesture.poly : null,
        focus: showFocus() ? st.current : null,
      },
      w,
      h,
    );
    performance.mark("tdaw:mapper_graph:draw-end");
    if (st.keyTooltip) showKeyTooltip();
  }

  function onFilter(draw = true): void {
    const q = model.get("class_filter") ?? "";
    if (search.value !== q) search.value = q;
    st.dimmed = dimmedNodes(st.g, matchClasses(st.g.classNames, q));
    root.dataset.dimmed = String(st.dimmed.reduce((s, d) => s + d, 0));
    legendSlot.querySelectorAll<HTMLButtonElement>(".tdaw-mg-legend-item").forEach((b, c) => {
      b.setAttribute("aria-pressed", String(q !== "" && st.g.classNames[c] === q));
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
    if (st.thumbUrl) URL.revokeObjectURL(st.thumbUrl);
    st.thumbUrl = null;
    const size = bytes ? (bytes as ArrayBuffer).byteLength : 0;
    if (bytes && size > 0 && typeof URL.createObjectURL === "function") {
      st.thumbUrl = URL.createObjectURL(new Blob([bytes as ArrayBuffer], { type: "image/png" }));
    }
    side.replaceChildren(
      ...buildDetail(
        model.get("detail") ?? {},
        st.g.classNames,
        { url: st.thumbUrl, indices: model.get("thumbnail_indices") ?? [], grid: model.get("thumbnail_grid") ?? [] },
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

  // -- pointer gestures (rules in gestures.ts) -----------------------------------------
  function onDown(event: PointerEvent): void {
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
      redraw();
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

  function onMove(event: PointerEvent): void {
    const [x, y] = localPoint(event, canvas);
    const gst = st.gesture;
    if (gst?.kind === "lasso") {
      if (extendLasso(gst, x, y)) redraw();
      return;
    }
    if (gst?.kind === "drag") {
      if (!dragMoves(gst, x, y)) return;
      const [wx, wy] = invert(total(), x, y);
      st.world[2 * gst.i] = wx;
      st.world[2 * gst.i + 1] = wy;
      tooltip.hidden = true;
      redraw();
      return;
    }
    if (gst) return; // panning
    const hit = hitNode(st.screen, st.screenR, x, y);
    if (hit !== null) st.keyTooltip = false;
    if (hit !== st.hover) {
      st.hover = hit;
      redraw();
    }
    if (hit === null) {
      if (!st.keyTooltip) tooltip.hidden = true;
      canvas.style.cursor = st.mode === "lasso" ? "crosshair" : "grab";
      return;
    }
    tooltip.textContent = describeNode(st.g, hit, model.get("value_name") ?? "", model.get("color_mode"));
    placeTooltip(tooltip, x, y, width());
    canvas.style.cursor = "pointer";
  }

  function onUp(event: PointerEvent): void {
    const gst = st.gesture;
    st.gesture = null;
    if (!gst) return;
    const [x, y] = localPoint(event, canvas);
    const end = endGesture(gst, x, y, selectedNodes(), st.screen);
    if (end?.kind === "pin") {
      savePositions(); // the dragged node stays where it was dropped (pinned)
    } else if (end?.kind === "select") {
      setSelection(end.nodes);
      if (end.redraw) redraw();
    }
  }

  // -- keyboard: arrows move the current node (rule in keys.ts), Enter/space select, ------
  // +/-/0 and shift+arrows zoom and pan
  function showFocus(): boolean {
    return st.keyNav && st.current !== null && st.current < st.g.n && root.ownerDocument.activeElement === root;
  }

  function showKeyTooltip(): void {
    const i = st.current;
    if (!showFocus() || i === null) {
      st.keyTooltip = false;
      tooltip.hidden = true;
      return;
    }
    const r = (st.screenR[i] as number) / 2;
    tooltip.textContent = describeNode(st.g, i, model.get("value_name") ?? "", model.get("color_mode"));
    placeTooltip(tooltip, (st.screen[2 * i] as number) + r, (st.screen[2 * i + 1] as number) + r, width());
  }

  function announce(): void {
    const i = st.current;
    if (i === null || i >= st.g.n) return;
    const selected = selectedNodes().includes(i);
    const msg = `${describeNode(st.g, i, model.get("value_name") ?? "", model.get("color_mode"))}${selected ? " · selected" : ""}`;
    if (status.textContent !== msg) status.textContent = msg;
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
      const p = zoomCentre(st.screen, showFocus() ? st.current : null, width(), height());
      select(canvas).call(zoomer.scaleBy, action.factor, p);
    } else {
      panBy(panShift(action, width(), height()));
    }
  }

  function onKey(event: KeyboardEvent): void {
    if (event.target !== root) return; // typing in the search box, a focused button or slider
    const action = keyAction(event);
    if (!action) return;
    if (action.kind === "clear") {
      setSelection([]);
    } else if (st.g.n === 0) {
      return;
    } else if (action.kind === "zoom" || action.kind === "pan" || action.kind === "fit") {
      // the view moves, not the ring (and the first such key does not show it)
      viewKey(action);
    } else {
      const next = navigate({ current: st.current, active: st.keyNav }, action, st.screen, selectedNodes(), width(), height());
      st.current = next.nav.current;
      if (next.select) setSelection(next.select);
      event.preventDefault();
      event.stopPropagation();
      if (st.current === null) return;
      st.keyNav = next.nav.active;
      st.keyTooltip = true;
      panBy(revealShift(st.screen, st.screenR, st.current, width(), height()));
      redraw();
      announce();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  function setMode(next: Mode): void {
    st.mode = next;
    canvas.style.cursor = st.mode === "lasso" ? "crosshair" : "grab";
    redraw();
  }

  // -- events -------------------------------------------------------------------------
  panBtn.addEventListener("click", () => setMode("pan"));
  lassoBtn.addEventListener("click", () => setMode("lasso"));
  fitBtn.addEventListener("click", fitView);
  relayoutBtn.addEventListener("click", () => {
    if (st.g.n > 0) relayout();
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
    if (!st.keyTooltip) tooltip.hidden = true;
    if (st.hover !== null && !st.gesture) {
      st.hover = null;
      redraw();
    }
  });
  root.addEventListener("keydown", onKey);
  root.addEventListener("focus", () => {
    if (st.keyNav && st.current !== null) {
      st.keyTooltip = true;
      redraw();
    }
  });
  root.addEventListener("blur", () => {
    if (st.keyTooltip) tooltip.hidden = true;
    st.keyTooltip = false;
    if (st.keyNav) redraw(); // the focus ring goes
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
    ["change:layout_seed", () => st.g.n > 0 && relayout()],
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
    if (st.thumbUrl) URL.revokeObjectURL(st.thumbUrl);
    root.remove();
  };
}

export default { render };
