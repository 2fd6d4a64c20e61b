import { describe, expect, it } from "vitest";
import { encode } from "../shared/codec";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases } from "../shared/view_test";
import widget from "./index";
import type { LayerDistanceMatrixModel } from "./model";

function state(over: Partial<LayerDistanceMatrixModel> = {}): LayerDistanceMatrixModel {
  return {
    values: encode({ dtype: "float64", shape: [3, 3], data: Float64Array.from([0, 1, 3, 1, 0, 2, 3, 2, 0]) }),
    layers: ["a", "b", "<img src=x onerror=alert(1)>"],
    columns: ["a", "b", "<img src=x onerror=alert(1)>"],
    metric: "SW",
    values2: null,
    metric2: "",
    rank_correlation: null,
    show_second: false,
    selected_pair: [],
    noise: [],
    title: "<b>t</b>",
    cell_size: 20,
    ...over,
  };
}

const mount = (model: PageModel<LayerDistanceMatrixModel>) => mountView(widget, model);

recordCanvases();

describe("LayerDistanceMatrix view", () => {
  it("selects the clicked cell and moves it with the arrow keys", () => {
    const model = new PageModel(state());
    const { host } = mount(model);
    const canvas = host.querySelector<HTMLCanvasElement>("[data-testid='ldm-canvas']")!;
    const plot = JSON.parse(canvas.dataset.plot!);
    canvas.dispatchEvent(new MouseEvent("click", { clientX: plot.left + 2.5 * 20, clientY: plot.top + 1.5 * 20 }));
    expect(model.get("selected_pair")).toEqual([1, 2]);
    const root = host.querySelector<HTMLElement>(".tdaw-layer-distance-matrix")!;
    root.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", bubbles: true }));
    expect(model.get("selected_pair")).toEqual([1, 1]);
    expect(root.dataset.selected).toBe("1,1");
  });

  it("never inserts names as HTML", () => {
    const { host } = mount(new PageModel(state()));
    expect(host.querySelector("img")).toBeNull();
    expect(host.querySelector("b")).toBeNull();
    expect(host.querySelector("[data-testid='ldm-title']")!.textContent).toBe("<b>t</b>");
  });

  it("shows an empty state for an empty matrix, without throwing", () => {
    const model = new PageModel(state({ values: encode({ dtype: "float64", shape: [0, 0], data: new Float64Array(0) }), layers: [], columns: [] }));
    const { host } = mount(model);
    expect(host.querySelector<HTMLElement>("[data-testid='ldm-empty']")!.hidden).toBe(false);
    host.querySelector(".tdaw-layer-distance-matrix")!.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown" }));
    expect(model.get("selected_pair")).toEqual([]);
  });

  it("toggles to the second matrix and shows the rank correlation", () => {
    const model = new PageModel(state({
      values2: encode({ dtype: "float64", shape: [3, 3], data: Float64Array.from([0, 1, 9, 1, 0, 4, 9, 4, 0]) }),
      metric2: "1 - CKA",
      rank_correlation: 1,
    }));
    const { host } = mount(model);
    expect(host.querySelector("[data-testid='ldm-correlation']")!.textContent).toBe("Spearman ρ = 1");
    host.querySelector<HTMLButtonElement>("[data-testid='ldm-toggle-second']")!.click();
    expect(model.get("show_second")).toBe(true);
    const root = host.querySelector<HTMLElement>(".tdaw-layer-distance-matrix")!;
    expect(root.dataset.shown).toBe("second");
    expect(host.querySelector("[data-testid='ldm-toggle-second']")!.getAttribute("aria-pressed")).toBe("true");
  });

  it("follows selections set from Python and removes its listeners", () => {
    const model = new PageModel(state());
    const { host, cleanup } = mount(model);
    model.setFromPython("selected_pair", [2, 0]);
    expect(host.querySelector<HTMLElement>(".tdaw-layer-distance-matrix")!.dataset.selected).toBe("2,0");
    expect(host.querySelector("[data-testid='ldm-status']")!.textContent).toContain("<img src=x onerror=alert(1)> ↔ a");
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });

  it("writes names and ticks as DOM text (never HTML), marking the selected row and column", () => {
    const model = new PageModel(state({ selected_pair: [2, 0] }));
    const { host } = mount(model);
    const rows = [...host.querySelectorAll<HTMLElement>("[data-testid='ldm-row-label']")];
    // a shortened name keeps its full text as a tooltip
    expect(rows.map((e) => e.title || e.textContent)).toEqual(["a", "b", "<img src=x onerror=alert(1)>"]);
    expect(host.querySelectorAll("[data-testid='ldm-col-label']")).toHaveLength(3);
    expect(host.querySelector("[data-testid='ldm-metric-label']")!.textContent).toBe("SW");
    expect(host.querySelectorAll("[data-testid='ldm-tick-label']").length).toBeGreaterThan(1);
    expect(host.querySelector("img")).toBeNull();
    const marked = [...host.querySelectorAll<HTMLElement>(".tdaw-ldm-label-selected")].map((e) => e.title || e.textContent);
    expect(marked).toEqual(["<img src=x onerror=alert(1)>", "a"]);
    model.setFromPython("selected_pair", [1, 1]);
    expect([...host.querySelectorAll(".tdaw-ldm-label-selected")].map((e) => e.textContent)).toEqual(["b", "b"]);
  });

  it("redraws when JupyterLab switches theme, without waiting for a click", async () => {
    const model = new PageModel(state({ selected_pair: [0, 1] }));
    const { cleanup, q } = mount(model);
    const canvas = q<HTMLCanvasElement>("ldm-canvas");
    // how often this view's canvas was drawn (sized and given a context)
    const getContext = HTMLCanvasElement.prototype.getContext as unknown as { mock: { contexts: unknown[] } };
    const draws = (): number => getContext.mock.contexts.filter((c) => c === canvas).length;
    const before = draws();
    document.body.dataset.jpThemeName = "JupyterLab Dark";
    await new Promise((r) => setTimeout(r, 0));
    expect(draws()).toBeGreaterThan(before);
    cleanup();
    const after = draws();
    document.body.dataset.jpThemeName = "JupyterLab Light";
    await new Promise((r) => setTimeout(r, 0));
    expect(draws()).toBe(after);
    delete document.body.dataset.jpThemeName;
  });
});
