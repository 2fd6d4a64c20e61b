// anywidget binding of MapperGraphWidget: the model's traits drive the view (view.ts
// builds the DOM, paint.ts draws and fills it), pointer and key events (pointer.ts,
// keyboard.ts; their rules in gestures.ts and keys.ts) end in model.set + save_changes.
// Positions and the layout are in positions.ts, the shared state and zoom in context.ts.
import type { RenderProps } from "@anywidget/types";
import { fittedWidth, horizontalChrome, watchWidth } from "../shared/fit";
import { onThemeChange } from "../shared/theme";
import { attachZoom, initialState, type Ctx } from "./context";
import type { Mode } from "./gestures";
import { radii, toGraph } from "./graph";
import { announce, onBlur, onFocus, onKey, showFocus } from "./keyboard";
import type { MapperGraphModel } from "./model";
import { onDetail, onFilter, onThreshold, onTitle, redraw } from "./paint";
import { buildEvidence, buildLegend } from "./panel";
import { modeCursor, onDown, onLeave, onMove, onUp } from "./pointer";
import { adoptPositions, fitView, relayout } from "./positions";
import { buildView } from "./view";
import "../shared/base.css";
import "./styles.css";

const SIDE_PX = 250; // the side panel (220 px), the gap, the stage's border and some slack

function render({ model, el: host }: RenderProps<MapperGraphModel>): () => void {
  performance.mark("tdaw:mapper_graph:setup-start");
  const view = buildView(host);
  const { root, panBtn, lassoBtn, fitBtn, relayoutBtn, slider, search, canvas, legendSlot } = view;
  const st = initialState();
  let room = 0; // the host's width (fit_width)
  const ctx: Ctx = {
    model,
    view,
    st,
    zoom: attachZoom(canvas, st, () => ctx.redraw()),
    // fit_width: the canvas at most `width`, narrower in a narrower box; the side panel
    // (220 px) beside it while the canvas keeps 360 px, else below it
    width: () => {
      const max = model.get("width") || 640;
      if (!model.get("fit_width") || room <= 0) return max;
      const beside = room - SIDE_PX;
      return fittedWidth(max, beside >= 360 ? beside : room - 2, true);
    },
    height: () => model.get("height") || 480,
    selectedNodes: () => model.get("selected_nodes") ?? [],
    setSelection(nodes) {
      model.set("selected_nodes", nodes);
      model.save_changes();
    },
    redraw: () => redraw(ctx),
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
    st.baseR = radii(st.g, ctx.width() * ctx.height());
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
    onFilter(ctx, false);
    adoptPositions(ctx, true);
  }

  function setMode(next: Mode): void {
    st.mode = next;
    canvas.style.cursor = modeCursor(st.mode);
    ctx.redraw();
  }

  // -- view -> model: events ----------------------------------------------------------
  panBtn.addEventListener("click", () => setMode("pan"));
  lassoBtn.addEventListener("click", () => setMode("lasso"));
  fitBtn.addEventListener("click", () => fitView(ctx));
  relayoutBtn.addEventListener("click", () => {
    if (st.g.n > 0) relayout(ctx);
  });
  slider.addEventListener("input", () => {
    model.set("edge_threshold", Number(slider.value));
    model.save_changes();
  });
  search.addEventListener("input", () => {
    model.set("class_filter", search.value);
    model.save_changes();
  });
  canvas.addEventListener("pointerdown", (e) => onDown(ctx, e));
  canvas.addEventListener("pointermove", (e) => onMove(ctx, e));
  canvas.addEventListener("pointerup", (e) => onUp(ctx, e));
  canvas.addEventListener("pointerleave", () => onLeave(ctx));
  root.addEventListener("keydown", (e) => onKey(ctx, e));
  root.addEventListener("focus", () => onFocus(ctx));
  root.addEventListener("blur", () => onBlur(ctx));
  const stopTheme = onThemeChange(ctx.redraw); // the rings and edges take the theme's colours
  const resize = (): void => {
    st.baseR = radii(st.g, ctx.width() * ctx.height());
    adoptPositions(ctx, true);
  };
  const stopFit = watchWidth(host, (w) => {
    const before = ctx.width();
    room = w - horizontalChrome(root);
    if (ctx.width() !== before) resize();
  });

  // -- model -> view: trait subscriptions ---------------------------------------------
  const detail = (): void => onDetail(ctx);
  const evidence = (): void => buildEvidence(model.get("purity_evidence") ?? {}, view.evidence);
  const handlers: [string, () => void][] = [
    ["change:sizes", loadGraph],
    ["change:edges", loadGraph],
    ["change:edge_weights", loadGraph],
    ["change:class_counts", loadGraph],
    ["change:class_names", loadGraph],
    ["change:node_values", loadGraph],
    ["change:color_mode", loadGraph],
    ["change:value_name", loadGraph],
    ["change:positions", () => adoptPositions(ctx, false)],
    ["change:layout_seed", () => st.g.n > 0 && relayout(ctx)],
    [
      "change:selected_nodes",
      () => {
        ctx.redraw();
        if (showFocus(ctx)) announce(ctx);
      },
    ],
    ["change:edge_threshold", () => onThreshold(ctx)],
    ["change:class_filter", () => onFilter(ctx)],
    ["change:detail", detail],
    ["change:thumbnails", detail],
    ["change:thumbnail_indices", detail],
    ["change:thumbnail_grid", detail],
    ["change:width", resize],
    ["change:height", resize],
    ["change:fit_width", resize],
    ["change:title", () => onTitle(ctx)],
    ["change:purity_evidence", evidence],
  ];
  for (const [name, cb] of handlers) model.on(name, cb);
  onTitle(ctx);
  slider.value = String(model.get("edge_threshold") ?? 0);
  loadGraph();
  onDetail(ctx);
  evidence();

  return () => {
    for (const [name, cb] of handlers) model.off(name, cb);
    stopTheme();
    stopFit();
    ctx.zoom.detach();
    if (st.thumbUrl) URL.revokeObjectURL(st.thumbUrl);
    root.remove();
  };
}

export default { render };
