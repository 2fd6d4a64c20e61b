import { describe, expect, it, vi } from "vitest";
import { decode, encode } from "../shared/codec";
import { recordingCtx } from "../shared/ctx";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases } from "../shared/view_test";
import { PAN_FRACTION, ZOOM_STEP } from "./keys";
import { apply, invert, type Transform } from "./layout";
import widget from "./index";
import type { MapperGraphModel } from "./model";

function state(over: Partial<MapperGraphModel> = {}): MapperGraphModel {
  return {
    sizes: encode({ dtype: "int64", shape: [3], data: BigInt64Array.from([3n, 2n, 2n]) }),
    edges: encode({ dtype: "int32", shape: [2, 2], data: Int32Array.from([0, 1, 1, 2]) }),
    edge_weights: encode({ dtype: "float64", shape: [2], data: Float64Array.from([0.25, 0.5]) }),
    class_counts: encode({ dtype: "int64", shape: [3, 2], data: BigInt64Array.from([3n, 0n, 1n, 1n, 0n, 2n]) }),
    class_names: ["<img src=x onerror=alert(1)>", "dog"],
    node_values: null,
    value_name: "",
    color_mode: "classes",
    positions: null,
    layout_seed: 0,
    selected_nodes: [],
    selected_indices: null,
    edge_threshold: 0,
    class_filter: "",
    detail: {},
    thumbnails: null,
    thumbnail_indices: [],
    thumbnail_grid: [],
    max_thumbnails: 24,
    title: "",
    width: 400,
    height: 300,
    purity_evidence: {},
    ...over,
  };
}

function mount(model: PageModel<MapperGraphModel>) {
  const view = mountView(widget, model);
  return { ...view, root: view.host.querySelector<HTMLElement>(".tdaw-mapper-graph")! };
}

function nodeScreen(model: PageModel<MapperGraphModel>, canvas: HTMLElement, i: number): [number, number] {
  const p = decode(model.get("positions")!).data as Float64Array;
  return apply(JSON.parse(canvas.dataset.transform!), p[2 * i]!, p[2 * i + 1]!);
}

function pointer(type: string, x: number, y: number, shift = false): MouseEvent {
  return new MouseEvent(type, { clientX: x, clientY: y, shiftKey: shift, button: 0, bubbles: true });
}

/** Press and release the mouse on node `i` (a click, or a shift-click). */
function clickNode(model: PageModel<MapperGraphModel>, canvas: HTMLElement, i: number, shift = false): void {
  const [x, y] = nodeScreen(model, canvas, i);
  canvas.dispatchEvent(pointer("pointerdown", x, y, shift));
  canvas.dispatchEvent(pointer("pointerup", x, y, shift));
}

function key(target: HTMLElement, k: string, shift = false): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key: k, shiftKey: shift, bubbles: true, cancelable: true });
  target.dispatchEvent(event);
  return event;
}

// node 1 is nearest the centre; node 2 lies right of it (inside the right cone), node 0 left
const LINE = () => encode({ dtype: "float64", shape: [3, 2], data: Float64Array.from([0, 0, 50, 0, 100, 30]) });

recordCanvases();

describe("MapperGraph view", () => {
  it("lays the graph out once and sends the positions to Python", () => {
    const model = new PageModel(state());
    mount(model);
    const pos = model.get("positions");
    expect(pos?.shape).toEqual([3, 2]);
    expect(model.saved.flat()).toContain("positions");
  });

  it("uses positions set from Python as they are (pinned)", () => {
    const pinned = Float64Array.from([0, 0, 10, 0, 20, 0]);
    const model = new PageModel(state({ positions: encode({ dtype: "float64", shape: [3, 2], data: pinned }) }));
    mount(model);
    expect(model.saved).toEqual([]);
    expect(Array.from(decode(model.get("positions")!).data as Float64Array)).toEqual(Array.from(pinned));
  });

  it("click selects, shift-click adds, a lasso selects many", () => {
    const model = new PageModel(state());
    const { q, root } = mount(model);
    const canvas = q("mg-canvas");
    clickNode(model, canvas, 1);
    expect(model.get("selected_nodes")).toEqual([1]);
    clickNode(model, canvas, 2, true);
    expect(model.get("selected_nodes")).toEqual([1, 2]);
    expect(root.dataset.selectedNodes).toBe("1,2");
    // lasso mode: a box around the whole canvas catches every node
    q<HTMLButtonElement>("mg-mode-lasso").click();
    canvas.dispatchEvent(pointer("pointerdown", 1, 1));
    for (const [x, y] of [[399, 1], [399, 299], [1, 299], [1, 2]]) canvas.dispatchEvent(pointer("pointermove", x!, y!));
    canvas.dispatchEvent(pointer("pointerup", 1, 2));
    expect(model.get("selected_nodes")).toEqual([0, 1, 2]);
  });

  it("arrow keys move a focus ring, Enter/space select like clicks, Escape clears", () => {
    const draws: ReturnType<typeof recordingCtx>["calls"][] = [];
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => {
      const rec = recordingCtx();
      draws.push(rec.calls);
      return rec.ctx as unknown as CanvasRenderingContext2D;
    });
    const focusStrokes = () => draws[draws.length - 1]!.filter((c) => c.op === "stroke" && c.stroke === "#1976d2").length;
    const model = new PageModel(state({ positions: LINE() }));
    const { q, root } = mount(model);
    const tooltip = q("mg-tooltip");
    const status = q("mg-status");
    root.focus();
    expect(focusStrokes()).toBe(0);
    // the first arrow shows where navigation starts (the node nearest the centre): no move
    expect(key(root, "ArrowRight").defaultPrevented).toBe(true);
    expect(root.dataset.currentNode).toBe("1");
    expect(focusStrokes()).toBe(1);
    expect(tooltip.hidden).toBe(false);
    expect(tooltip.textContent).toBe("node 1 · 2 members · <img src=x onerror=alert(1)> 1, dog 1");
    expect(status.getAttribute("aria-live")).toBe("polite");
    expect(status.textContent).toBe(tooltip.textContent);
    expect(model.get("selected_nodes")).toEqual([]);
    key(root, "ArrowRight");
    expect(root.dataset.currentNode).toBe("2");
    expect(tooltip.textContent).toMatch(/^node 2 · /);
    key(root, "Enter");
    expect(model.get("selected_nodes")).toEqual([2]);
    expect(model.saved[model.saved.length - 1]).toEqual(["selected_nodes"]); // as a click saves it
    expect(status.textContent).toMatch(/^node 2 · .* · selected$/);
    key(root, "ArrowLeft");
    expect(root.dataset.currentNode).toBe("1");
    key(root, "Enter", true);
    expect(model.get("selected_nodes")).toEqual([2, 1]);
    key(root, " ", true); // shift+space removes it again
    expect(model.get("selected_nodes")).toEqual([2]);
    key(root, " ");
    expect(model.get("selected_nodes")).toEqual([1]);
    expect(root.dataset.selectedNodes).toBe("1");
    key(root, "ArrowLeft");
    expect(root.dataset.currentNode).toBe("0");
    key(root, "ArrowDown"); // nothing below node 0: it stays
    expect(root.dataset.currentNode).toBe("0");
    key(root, "Escape");
    expect(model.get("selected_nodes")).toEqual([]);
    // keys typed in the search box are not the graph's
    const search = q<HTMLInputElement>("mg-search");
    expect(key(search, "ArrowRight").defaultPrevented).toBe(false);
    expect(key(search, "Enter").defaultPrevented).toBe(false);
    expect(root.dataset.currentNode).toBe("0");
    expect(key(root, "a").defaultPrevented).toBe(false);
    // leaving the view hides the ring and the tooltip; coming back shows them again
    root.blur();
    expect(focusStrokes()).toBe(0);
    expect(tooltip.hidden).toBe(true);
    root.focus();
    expect(focusStrokes()).toBe(1);
    expect(tooltip.hidden).toBe(false);
  });

  it("keys go on from a clicked node", () => {
    const model = new PageModel(state({ positions: LINE() }));
    const { q, root } = mount(model);
    const canvas = q("mg-canvas");
    clickNode(model, canvas, 0);
    expect(model.get("selected_nodes")).toEqual([0]);
    expect(document.activeElement).toBe(root);
    key(root, "ArrowRight"); // shows the ring on the clicked node
    expect(root.dataset.currentNode).toBe("0");
    key(root, "ArrowRight");
    expect(root.dataset.currentNode).toBe("1");
    key(root, "Enter", true);
    expect(model.get("selected_nodes")).toEqual([0, 1]);
  });

  it("+/-/0 zoom about the centre or the ringed node and fit; shift+arrows pan", () => {
    const model = new PageModel(state({ positions: LINE() }));
    const { q, root, host } = mount(model);
    const canvas = q("mg-canvas");
    const T = (): Transform => JSON.parse(canvas.dataset.transform!);
    const close = (a: Transform, b: Transform) => {
      expect(a.k).toBeCloseTo(b.k, 9);
      expect(a.x).toBeCloseTo(b.x, 9);
      expect(a.y).toBeCloseTo(b.y, 9);
    };
    // JupyterLab never sees these keys: suppressed shortcuts, and the event stops here
    expect(root.dataset.lmSuppressShortcuts).toBe("true");
    const leaked: string[] = [];
    host.addEventListener("keydown", (e) => leaked.push(e.key));
    const t0 = T();
    root.focus();
    // no ring yet: zoom about the centre of the drawing (400 x 300), which stays put
    expect(key(root, "+", true).defaultPrevented).toBe(true);
    const t1 = T();
    expect(t1.k).toBeCloseTo(t0.k * ZOOM_STEP, 9);
    const c0 = invert(t0, 200, 150);
    const c1 = invert(t1, 200, 150);
    expect(c1[0]).toBeCloseTo(c0[0], 9);
    expect(c1[1]).toBeCloseTo(c0[1], 9);
    expect(root.dataset.currentNode).toBe(""); // the view moved, not the ring
    key(root, "-");
    close(T(), t0);
    key(root, "=");
    key(root, "=");
    expect(T().k).toBeCloseTo(t0.k * ZOOM_STEP ** 2, 9);
    // shift+ArrowRight looks right: the drawing shifts left by PAN_FRACTION of the width
    const before = T();
    expect(key(root, "ArrowRight", true).defaultPrevented).toBe(true);
    close(T(), { ...before, x: before.x - PAN_FRACTION * 400 });
    key(root, "ArrowUp", true);
    close(T(), { ...before, x: before.x - PAN_FRACTION * 400, y: before.y + PAN_FRACTION * 300 });
    key(root, "ArrowLeft", true);
    key(root, "ArrowDown", true);
    close(T(), before);
    // 0 is the Fit button
    key(root, "0");
    const keyFit = T();
    close(keyFit, t0);
    key(root, "+");
    q<HTMLButtonElement>("mg-fit").click();
    close(T(), keyFit);
    // with the ring on node 1, zoom keeps node 1 where it is on screen
    key(root, "ArrowRight");
    expect(root.dataset.currentNode).toBe("1");
    const p1 = nodeScreen(model, canvas, 1);
    key(root, "+", true);
    key(root, "+", true);
    expect(T().k).toBeCloseTo(t0.k * ZOOM_STEP ** 2, 9);
    const p1z = nodeScreen(model, canvas, 1);
    expect(p1z[0]).toBeCloseTo(p1[0], 9);
    expect(p1z[1]).toBeCloseTo(p1[1], 9);
    expect(root.dataset.currentNode).toBe("1");
    // clamped like the wheel: 0.1x to 40x the fitted scale, the ringed node still fixed
    for (let i = 0; i < 20; i++) key(root, "+");
    expect(T().k).toBeCloseTo(t0.k * 40, 9);
    expect(nodeScreen(model, canvas, 1)[0]).toBeCloseTo(p1[0], 6);
    for (let i = 0; i < 40; i++) key(root, "-");
    expect(T().k).toBeCloseTo(t0.k * 0.1, 9);
    expect(leaked).toEqual([]);
    // zooming and panning never move the nodes in Python's positions
    expect(model.saved.filter((keys) => keys.includes("positions"))).toEqual([]);
  });

  it("an arrow to a node outside the drawing pans (without zooming) to show it", () => {
    const model = new PageModel(state({ positions: LINE() }));
    const { q, root } = mount(model);
    const canvas = q("mg-canvas");
    root.focus();
    key(root, "ArrowRight"); // the ring on node 1, nearest the centre
    for (let i = 0; i < 3; i++) key(root, "+");
    const inside = ([x, y]: [number, number]) => x > 0 && x < 400 && y > 0 && y < 300;
    expect(inside(nodeScreen(model, canvas, 2))).toBe(false);
    const k = JSON.parse(canvas.dataset.transform!).k;
    key(root, "ArrowRight");
    expect(root.dataset.currentNode).toBe("2");
    expect(JSON.parse(canvas.dataset.transform!).k).toBe(k);
    expect(inside(nodeScreen(model, canvas, 2))).toBe(true);
  });

  it("the slider hides edges and the search dims nodes", () => {
    const model = new PageModel(state());
    const { q, root } = mount(model);
    expect(root.dataset.visibleEdges).toBe("2");
    const slider = q<HTMLInputElement>("mg-threshold");
    slider.value = "0.3";
    slider.dispatchEvent(new Event("input"));
    expect(model.get("edge_threshold")).toBe(0.3);
    expect(root.dataset.visibleEdges).toBe("1");
    const search = q<HTMLInputElement>("mg-search");
    search.value = "dog";
    search.dispatchEvent(new Event("input"));
    expect(model.get("class_filter")).toBe("dog");
    expect(root.dataset.dimmed).toBe("1");
    model.setFromPython("class_filter", "");
    expect(search.value).toBe("");
    expect(root.dataset.dimmed).toBe("0");
  });

  it("shows the detail panel with text only", () => {
    const model = new PageModel(state());
    const { q, host } = mount(model);
    expect(q("mg-detail-empty")).not.toBeNull();
    model.setFromPython("detail", { nodes: 2, points: 5, classes: [["<img src=x onerror=alert(1)>", 4], ["dog", 1]], exact: true, images: 0 });
    expect(q("mg-detail-size").textContent).toBe("2 nodes · 5 points");
    expect(q("mg-detail-classes").textContent).toContain("<img src=x onerror=alert(1)>");
    expect(host.querySelector("img")).toBeNull();
  });

  it("renders an empty state for an empty graph and cleans up", () => {
    const model = new PageModel(state({ sizes: encode({ dtype: "int64", shape: [0], data: new BigInt64Array(0) }), edges: null, edge_weights: null, class_counts: null }));
    const { q, cleanup, root } = mount(model);
    expect(q("mg-empty").hidden).toBe(false);
    root.focus();
    for (const k of ["ArrowRight", "Enter", " "]) expect(key(root, k).defaultPrevented).toBe(false);
    expect(root.dataset.currentNode).toBe("");
    const canvas = q("mg-canvas");
    canvas.dispatchEvent(pointer("pointerdown", 10, 10));
    canvas.dispatchEvent(pointer("pointerup", 10, 10));
    expect(model.get("selected_nodes")).toEqual([]);
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });
});
