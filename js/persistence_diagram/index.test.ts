import { describe, expect, it } from "vitest";
import { encode } from "../shared/codec";
import { PageModel } from "../shared/page_model";
import { mountView, recordCanvases } from "../shared/view_test";
import widget from "./index";
import type { PersistenceDiagramModel } from "./model";

function state(over: Partial<PersistenceDiagramModel> = {}): PersistenceDiagramModel {
  return {
    diagrams: [
      encode({ dtype: "float64", shape: [2, 2], data: Float64Array.from([0, Infinity, 0, 0.3]) }),
      encode({ dtype: "float64", shape: [1, 2], data: Float64Array.from([0.4, 1.1]) }),
    ],
    compare_diagrams: [],
    matching: [],
    names: [],
    selected_points: [],
    visible_dims: [0, 1],
    mode: "diagram",
    title: "conv1",
    subsample_note: "",
    confidence: [],
    width: 200,
    height: 200,
    ...over,
  };
}

recordCanvases();

describe("PersistenceDiagram view: the subsample note", () => {
  it("is hidden when persistence used every point", () => {
    const { q } = mountView(widget, new PageModel(state()));
    expect(q("pd-subsample").hidden).toBe(true);
    expect(q("pd-subsample").textContent).toBe("");
    expect(q("pd-title").textContent).toBe("conv1");
  });

  it("shows Python's note under the title, as text, and follows its changes", () => {
    const model = new PageModel(state({ subsample_note: "1,000 of 50,000 images, r = 3.21" }));
    const { host, q } = mountView(widget, model);
    const note = q("pd-subsample");
    expect(note.hidden).toBe(false);
    expect(note.textContent).toBe("1,000 of 50,000 images, r = 3.21");
    expect(note.title).toMatch(/covering radius/);
    // directly below the title, above the toolbar
    expect(q("pd-title").nextElementSibling).toBe(note);
    // a new pair of diagrams: the note follows; a name is never inserted as HTML
    model.setFromPython("subsample_note", "<b>a</b>: 1,000 of 20,000 images, r = 0.5 · b: 1,000 of 20,000 images");
    expect(note.textContent).toBe("<b>a</b>: 1,000 of 20,000 images, r = 0.5 · b: 1,000 of 20,000 images");
    expect(host.querySelector("b")).toBeNull();
    // each layer's note is one box, so lines break between them first
    const parts = [...note.querySelectorAll(".tdaw-pd-subsample-part")].map((e) => e.textContent);
    expect(parts).toEqual(["<b>a</b>: 1,000 of 20,000 images, r = 0.5", "b: 1,000 of 20,000 images"]);
    model.setFromPython("subsample_note", "");
    expect(note.hidden).toBe(true);
  });

  it("stops listening on cleanup", () => {
    const model = new PageModel(state({ subsample_note: "1,000 of 2,000 images" }));
    const { cleanup } = mountView(widget, model);
    cleanup();
    expect(model.listenerCount()).toBe(0);
  });
});
