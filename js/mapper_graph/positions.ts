// Where the nodes are: positions from the model (pinned), or the seeded force layout sent
// back to it, and the fit of the world to the canvas.
import { at, decode, encode, type EncodedArray } from "../shared/codec";
import type { Ctx } from "./context";
import { fitTransform, forceLayout } from "./layout";

/**
 * The positions trait as world coordinates (2 per node) for a graph of `n` nodes, or null
 * when it is unset, undecodable, of another length or not all finite.
 */
export function decodePositions(enc: EncodedArray | null | undefined, n: number): Float64Array | null {
  try {
    if (!enc) return null;
    const arr = decode(enc);
    if (arr.data.length !== 2 * n) return null;
    const out = new Float64Array(2 * n);
    for (let k = 0; k < out.length; k++) out[k] = at(arr, k);
    return out.every(Number.isFinite) ? out : null;
  } catch {
    return null;
  }
}

/** Whether `p` holds exactly the positions `world` holds. */
export function samePositions(p: ArrayLike<number>, world: ArrayLike<number>): boolean {
  if (p.length !== world.length) return false;
  for (let k = 0; k < p.length; k++) if (p[k] !== world[k]) return false;
  return true;
}

/** The world fitted to the canvas, the zoom reset, drawn. */
function refitAndDraw(ctx: Ctx): void {
  const { st } = ctx;
  st.fit = fitTransform(st.world, st.baseR, ctx.width(), ctx.height());
  ctx.zoom.reset();
  ctx.redraw();
}

/** Use positions from the model (pinned) or lay the graph out and send them back. */
export function adoptPositions(ctx: Ctx, refit: boolean): void {
  const { st } = ctx;
  const p = decodePositions(ctx.model.get("positions"), st.g.n);
  if (p && samePositions(p, st.world) && !refit) return; // our own layout or drag, echoed
  if (p) {
    st.world = p;
  } else if (st.g.n > 0) {
    relayout(ctx);
    return;
  }
  refitAndDraw(ctx);
}

/** The seeded force layout, fitted, drawn and sent to the model. */
export function relayout(ctx: Ctx): void {
  const { st } = ctx;
  performance.mark("tdaw:mapper_graph:layout-start");
  st.world = forceLayout({ n: st.g.n, edges: st.g.edges, weights: st.g.weights, radii: st.baseR }, ctx.model.get("layout_seed") ?? 0);
  performance.mark("tdaw:mapper_graph:layout-end");
  refitAndDraw(ctx);
  savePositions(ctx);
}

/** view -> model: the world positions, as an (n, 2) float64 array. */
export function savePositions(ctx: Ctx): void {
  const { st } = ctx;
  ctx.model.set("positions", encode({ dtype: "float64", shape: [st.g.n, 2], data: st.world.slice() }));
  ctx.model.save_changes();
}

/** The Fit button and the 0 key: the whole graph in view, zoom reset. */
export function fitView(ctx: Ctx): void {
  refitAndDraw(ctx);
}
