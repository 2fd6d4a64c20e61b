// model -> view: drawing the graph and keeping the toolbar, legend, detail panel and
// title in step with the model's traits.
import { fixed } from "../shared/scale";
import { readTheme } from "../shared/theme";
import { sizeCanvas } from "../shared/dom";
import type { Ctx } from "./context";
import { drawGraph, drawnRadius, toScreen } from "./draw";
import { dimmedNodes, matchClasses, visibleEdges } from "./graph";
import { showFocus, showKeyTooltip } from "./keyboard";
import { compose, type Transform } from "./layout";
import { buildDetail } from "./panel";
import { showMode } from "./view";

const fixed2 = fixed(2);

/** The world-to-screen transform: d3-zoom's transform on top of the fit. */
export function totalTransform(ctx: Ctx): Transform {
  const { zoomT, fit } = ctx.st;
  return compose({ k: zoomT.k, x: zoomT.x, y: zoomT.y }, fit);
}

/** Draws the graph and updates the toolbar and the root's data attributes. */
export function redraw(ctx: Ctx): void {
  const { st, model, view } = ctx;
  const { root, toolbar, side, empty, canvas, edgeCount } = view;
  const { g } = st;
  const isEmpty = g.n === 0;
  empty.hidden = !isEmpty;
  canvas.style.visibility = isEmpty ? "hidden" : "visible";
  // nothing to pan, filter or select: only the message
  toolbar.hidden = isEmpty;
  side.hidden = isEmpty;
  const w = ctx.width();
  const h = ctx.height();
  const t = totalTransform(ctx);
  st.screen = toScreen(st.world.length === 2 * g.n ? st.world : new Float64Array(2 * g.n), t);
  st.screenR = st.baseR.map((r) => drawnRadius(r, st.fit.k, st.zoomT.k));
  const edges = visibleEdges(g, model.get("edge_threshold") ?? 0);
  const selected = ctx.selectedNodes();
  root.dataset.selectedNodes = selected.join(",");
  root.dataset.visibleEdges = String(edges.length);
  root.dataset.mode = st.mode;
  root.dataset.currentNode = st.current === null ? "" : String(st.current);
  canvas.dataset.transform = JSON.stringify(t);
  edgeCount.textContent = `${fixed2(model.get("edge_threshold") ?? 0)} (${edges.length} of ${g.weights.length} shown)`;
  showMode(view, st.mode);
  const c2d = sizeCanvas(canvas, w, h);
  if (!c2d || isEmpty) return;
  const theme = readTheme(root);
  performance.mark("tdaw:mapper_graph:draw-start");
  drawGraph(
    c2d,
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
      focus: showFocus(ctx) ? st.current : null,
    },
    w,
    h,
  );
  performance.mark("tdaw:mapper_graph:draw-end");
  if (st.keyTooltip) showKeyTooltip(ctx);
}

/** The class filter: the search box, the dimmed nodes and the pressed legend item. */
export function onFilter(ctx: Ctx, draw = true): void {
  const { st, view } = ctx;
  const q = ctx.model.get("class_filter") ?? "";
  if (view.search.value !== q) view.search.value = q;
  st.dimmed = dimmedNodes(st.g, matchClasses(st.g.classNames, q));
  view.root.dataset.dimmed = String(st.dimmed.reduce((s, d) => s + d, 0));
  view.legendSlot.querySelectorAll<HTMLButtonElement>(".tdaw-mg-legend-item").forEach((b, c) => {
    b.setAttribute("aria-pressed", String(q !== "" && st.g.classNames[c] === q));
  });
  if (draw) ctx.redraw();
}

/** The edge threshold: the slider follows the model. */
export function onThreshold(ctx: Ctx): void {
  const v = ctx.model.get("edge_threshold") ?? 0;
  if (Number(ctx.view.slider.value) !== v) ctx.view.slider.value = String(v);
  ctx.redraw();
}

/** The detail panel: the selection's summary and thumbnails (one object URL at a time). */
export function onDetail(ctx: Ctx): void {
  const { st, model } = ctx;
  const bytes = model.get("thumbnails");
  if (st.thumbUrl) URL.revokeObjectURL(st.thumbUrl);
  st.thumbUrl = null;
  const size = bytes ? (bytes as ArrayBuffer).byteLength : 0;
  if (bytes && size > 0 && typeof URL.createObjectURL === "function") {
    st.thumbUrl = URL.createObjectURL(new Blob([bytes as ArrayBuffer], { type: "image/png" }));
  }
  ctx.view.side.replaceChildren(
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

/** The title line, hidden when empty. */
export function onTitle(ctx: Ctx): void {
  const { title } = ctx.view;
  title.textContent = ctx.model.get("title") ?? "";
  title.hidden = !title.textContent;
}
