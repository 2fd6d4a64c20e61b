// What the Mapper view's parts share: the typed State, the context (model, DOM, state and
// the few actions every part may call) and the d3-zoom controller. index.ts builds them;
// positions.ts, paint.ts, pointer.ts and keyboard.ts take a Ctx explicitly.
import type { AnyModel } from "@anywidget/types";
import { select } from "d3-selection";
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomTransform } from "d3-zoom";
import { localPoint } from "../shared/dom";
import { hitNode } from "./draw";
import { zoomTakes, type Gesture, type Mode } from "./gestures";
import { EMPTY_GRAPH, type Graph } from "./graph";
import type { Transform } from "./layout";
import type { MapperGraphModel } from "./model";
import type { MapperView } from "./view";

/** Everything the view holds between events, in one place. */
export interface State {
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

/** The state of a view before its first graph: empty, pan mode, no zoom. */
export function initialState(): State {
  return {
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
}

/** d3-zoom on the canvas, as the view's parts use it. */
export interface ZoomControl {
  /** Back to the identity without drawing (the caller draws once after). */
  reset(): void;
  /** Pans by (dx, dy) screen pixels. */
  panBy(shift: [number, number]): void;
  /** Zooms by `factor` about the screen point `p`. */
  scaleBy(factor: number, p: [number, number]): void;
  /** Removes d3-zoom's listeners from the canvas. */
  detach(): void;
}

/** The model, the DOM, the state and the actions shared by the view's parts. */
export interface Ctx {
  model: AnyModel<MapperGraphModel>;
  view: MapperView;
  st: State;
  zoom: ZoomControl;
  width(): number;
  height(): number;
  selectedNodes(): number[];
  setSelection(nodes: number[]): void;
  redraw(): void;
}

/**
 * Zoom and pan (d3-zoom): drag on the background; ctrl/cmd + wheel zooms. The zoom's
 * transform goes to `st.zoomT`, and `onZoom` runs after each change except a reset.
 */
export function attachZoom(canvas: HTMLCanvasElement, st: State, onZoom: () => void): ZoomControl {
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
      if (!quiet) onZoom();
    });
  select(canvas).call(zoomer);
  return {
    reset() {
      st.zoomT = zoomIdentity;
      quiet = true;
      select(canvas).call(zoomer.transform, zoomIdentity);
      quiet = false;
    },
    panBy([dx, dy]) {
      if (dx || dy) select(canvas).call(zoomer.translateBy, dx / st.zoomT.k, dy / st.zoomT.k);
    },
    scaleBy(factor, p) {
      select(canvas).call(zoomer.scaleBy, factor, p);
    },
    detach() {
      select(canvas).on(".zoom", null);
    },
  };
}
