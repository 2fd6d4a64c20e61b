import { describe, expect, it, vi } from "vitest";
import { encode } from "../shared/codec";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases } from "../shared/view_test";
import widget from "./index";
import type { FiltrationModel } from "./model";

function state(over: Partial<FiltrationModel> = {}): FiltrationModel {
  // the unit square: sides 1, diagonals sqrt 2
  return {
    points: encode({ dtype: "float64", shape: [4, 2], data: Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1]) }),
    xy: encode({ dtype: "float64", shape: [4, 2], data: Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1]) }),
    projection: "",
    edges: encode({ dtype: "int32", shape: [6, 2], data: Int32Array.from([0, 1, 1, 2, 2, 3, 0, 3, 0, 2, 1, 3]) }),
    edge_lengths: encode({ dtype: "float32", shape: [6], data: Float32Array.from([1, 1, 1, 1, Math.SQRT2, Math.SQRT2]) }),
    diagrams: [
      encode({ dtype: "float64", shape: [4, 2], data: Float64Array.from([0, Infinity, 0, 1, 0, 1, 0, 1]) }),
      encode({ dtype: "float64", shape: [1, 2], data: Float64Array.from([1, Math.fround(Math.SQRT2)]) }),
    ],
    generators: [
      encode({ dtype: "int32", shape: [4, 4], data: Int32Array.from([0, 0, -1, -1, 1, 1, 0, 1, 2, 2, 1, 2, 3, 3, 2, 3]) }),
      encode({ dtype: "int32", shape: [1, 4], data: Int32Array.from([0, 3, 0, 2]) }),
    ],
    radius: 0,
    max_radius: 1.6,
    selected_bar: [],
    max_edges: 5000,
    show_balls: true,
    show_triangles: true,
    title: "<b>square</b>",
    width: 300,
    height: 300,
    ...over,
  };
}

const mount = (model: PageModel<FiltrationModel>) => mountView(widget, model);

recordCanvases();

describe("Filtration view", () => {
  it("moves the radius with the slider and reports the edges drawn", () => {
    const model = new PageModel(state());
    const { q } = mount(model);
    const slider = q<HTMLInputElement>("filtration-slider");
    expect(slider.max).toBe("1.6");
    slider.value = "1.2";
    slider.dispatchEvent(new Event("input"));
    expect(model.get("radius")).toBeCloseTo(1.2);
    expect(model.saved[model.saved.length - 1]).toEqual(["radius"]);
    const cloud = q<HTMLCanvasElement>("filtration-cloud");
    expect(cloud.dataset.edgesDrawn).toBe("4");
    expect(cloud.dataset.trianglesDrawn).toBe("0");
    expect(q("filtration-status").textContent).toContain("H0: 1 · H1: 1");
  });

  it("caps the edges drawn and says so", () => {
    const model = new PageModel(state({ max_edges: 3, radius: 1.5 }));
    const { q } = mount(model);
    expect(q<HTMLCanvasElement>("filtration-cloud").dataset.edgesDrawn).toBe("3");
    expect(q<HTMLCanvasElement>("filtration-cloud").dataset.edgesTotal).toBe("6");
    const cap = q<HTMLElement>("filtration-cap");
    expect(cap.hidden).toBe(false);
    expect(cap.textContent).toContain("3 shortest of the 6 edges");
  });

  it("jumps to a bar's birth when it is clicked, and clears on empty space", () => {
    const model = new PageModel(state({ radius: 0.2 }));
    const { q } = mount(model);
    const bars = q<HTMLCanvasElement>("filtration-bars");
    const plot = JSON.parse(bars.dataset.plot!);
    const x = plot.left + ((1.2 - plot.xlo) / (plot.xhi - plot.xlo)) * plot.plotW;
    bars.dispatchEvent(new MouseEvent("click", { clientX: x, clientY: plot.y[1][0] }));
    expect(model.get("selected_bar")).toEqual([1, 0]);
    expect(model.get("radius")).toBe(1);
    expect(q<HTMLCanvasElement>("filtration-cloud").dataset.edgesDrawn).toBe("4");
    bars.dispatchEvent(new MouseEvent("click", { clientX: x, clientY: plot.top + plot.plotH - 2 }));
    expect(model.get("selected_bar")).toEqual([]);
  });

  it("follows radius and projection set from Python", () => {
    const model = new PageModel(state());
    const { q, host } = mount(model);
    model.setFromPython("radius", 2);
    expect(q<HTMLCanvasElement>("filtration-cloud").dataset.edgesDrawn).toBe("6");
    expect(q("filtration-radius").textContent).toBe("r = 2");
    expect(q<HTMLElement>("filtration-projection").hidden).toBe(true);
    model.setFromPython("projection", "2-D view: PCA <i>x</i>");
    expect(q<HTMLElement>("filtration-projection").hidden).toBe(false);
    expect(host.querySelector("i")).toBeNull();
    expect(host.querySelector("b")).toBeNull();
    expect(q("filtration-title").textContent).toBe("<b>square</b>");
  });

  it("plays the sweep to the end of the slider, sending few updates", () => {
    let now = 0;
    const queue: FrameRequestCallback[] = [];
    vi.stubGlobal("requestAnimationFrame", (cb: FrameRequestCallback) => queue.push(cb));
    vi.stubGlobal("cancelAnimationFrame", () => undefined);
    const model = new PageModel(state());
    const { q } = mount(model);
    const play = q<HTMLButtonElement>("filtration-play");
    play.click();
    expect(play.getAttribute("aria-pressed")).toBe("true");
    for (let k = 0; k < 1000 && queue.length; k++) {
      now += 100;
      queue.shift()!(now);
    }
    expect(model.get("radius")).toBe(1.6);
    expect(play.getAttribute("aria-pressed")).toBe("false");
    expect(model.saved.length).toBeLessThan(120);
    vi.unstubAllGlobals();
  });

  it("removes every listener on cleanup", () => {
    const model = new PageModel(state());
    const { cleanup } = mount(model);
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });
});
