// Linking of the exported explorer page: what the Python ActivationExplorer does with
// traits, done here between in-memory models, over layers precomputed by Python.
import { at, decode, type EncodedArray } from "../shared/codec";
import type { PageModel } from "../shared/page_model";

type Model = PageModel<Record<string, unknown>>;

export interface ExplorerSpec {
  /** Ids of the views in PageSpec.views. */
  matrix: string;
  diagram: string;
  mapper: string;
  layers: string[];
  /** Per layer: one (n_k, 2) diagram per dimension. */
  diagrams: EncodedArray[][];
  /** Per layer: one (n_k, 4) generator array per dimension (cloud indices, -1 = none). */
  generators: EncodedArray[][];
  /** "i,j" -> per dimension (m, 2) matched rows (dimensions not precomputed are empty). */
  matchings: Record<string, EncodedArray[]>;
  /** Per layer: the Mapper view's data traits for that layer. */
  mappers: Record<string, unknown>[];
  /** Per layer: image index of each cloud point. */
  image_index: EncodedArray[];
  /** Per image: a data: URL of its thumbnail, and its caption (shown as text). */
  thumbnails: string[];
  captions: string[];
  max_gallery: number;
  /** Per layer: "1,000 of 50,000 images, r = 3.21" when its persistence ran on a subsample, else "". */
  subsample_notes?: string[];
  /**
   * Per layer: its confidence set as the diagram's `confidence` trait takes it (the record
   * Python's explorer draws on that layer's diagram); null or absent: confidence sets off.
   */
  confidence?: (Record<string, unknown> | null)[] | null;
  /** The selection on screen when the page was made: the page opens showing it. */
  initial?: { images: number[]; heading: string; nodes: number[]; points: number[][] };
}

function ints(enc: EncodedArray): number[] {
  const arr = decode(enc);
  return Array.from({ length: arr.data.length }, (_, k) => at(arr, k));
}

/** The gallery element of the page (created if missing). */
function gallery(): HTMLElement {
  let g = document.querySelector<HTMLElement>("[data-testid='gallery']");
  if (!g) {
    g = document.createElement("div");
    g.dataset.testid = "gallery";
    g.className = "tdaw-gallery";
    document.body.appendChild(g);
  }
  return g;
}

export function showImages(spec: ExplorerSpec, images: number[], heading: string): void {
  const g = gallery();
  g.replaceChildren();
  g.dataset.images = JSON.stringify(images);
  const title = document.createElement("div");
  title.className = "tdaw-gallery-title";
  const shown = images.slice(0, spec.max_gallery);
  title.textContent = images.length
    ? `${heading}: ${images.length} image${images.length === 1 ? "" : "s"}${shown.length < images.length ? ` (showing ${shown.length})` : ""}`
    : "Select a diagram point or Mapper nodes to see images here.";
  g.appendChild(title);
  for (const i of shown) {
    const fig = document.createElement("figure");
    const img = document.createElement("img");
    img.src = spec.thumbnails[i] ?? "";
    img.alt = spec.captions[i] ?? `image ${i}`;
    const cap = document.createElement("figcaption");
    cap.textContent = `#${i} ${spec.captions[i] ?? ""}`;
    fig.append(img, cap);
    g.appendChild(fig);
  }
}

/**
 * The `confidence` trait of the diagram showing layers i and j: each layer's own record
 * (the first layer's alone when i === j); [] when the page has no confidence sets.
 */
export function pairConfidence(spec: ExplorerSpec, i: number, j: number): (Record<string, unknown> | null)[] {
  const records = spec.confidence;
  if (!records) return [];
  return (i === j ? [i] : [i, j]).map((k) => records[k] ?? null);
}

export function linkExplorer(spec: ExplorerSpec, models: Record<string, Model>): void {
  const find = (id: string): Model => {
    const m = models[id];
    if (!m) throw new Error(`explorer: the view ${id} is missing`);
    return m;
  };
  const matrix = find(spec.matrix);
  const diagram = find(spec.diagram);
  const mapper = find(spec.mapper);
  const imageIndex = spec.image_index.map(ints);
  let pair: [number, number] = [0, 0];
  let followed: Set<number> | null = null;
  let internal = false; // true while the linking itself changes a selection

  const cloudOfImages = (layer: number, images: Set<number>): number[] =>
    (imageIndex[layer] ?? []).flatMap((img, k) => (images.has(img) ? [k] : []));

  /** Select the nodes of layer j's Mapper graph that hold any followed image. */
  function highlight(j: number): void {
    const nodes: number[] = [];
    if (followed) {
      const points = new Set(cloudOfImages(j, followed));
      const offsets = ints(mapper.get("member_offsets") as EncodedArray);
      const members = ints(mapper.get("members") as EncodedArray);
      for (let n = 0; n + 1 < offsets.length; n++) {
        for (let k = offsets[n] ?? 0; k < (offsets[n + 1] ?? 0); k++) {
          if (points.has(members[k] ?? -1)) {
            nodes.push(n);
            break;
          }
        }
      }
    }
    internal = true;
    try {
      mapper.setFromPython("selected_nodes", nodes);
    } finally {
      internal = false;
    }
  }

  function showLayers(i: number, j: number): void {
    pair = [i, j];
    diagram.setFromPython("names", [spec.layers[i] ?? "", spec.layers[j] ?? ""]);
    diagram.setFromPython("selected_points", []);
    // cleared before the new diagrams, set after them: a band is never drawn over
    // another layer's diagram, not even between the two updates
    diagram.setFromPython("confidence", []);
    diagram.setFromPython("matching", spec.matchings[`${i},${j}`] ?? []);
    diagram.setFromPython("compare_diagrams", i === j ? [] : (spec.diagrams[j] ?? []));
    diagram.setFromPython("diagrams", spec.diagrams[i] ?? []);
    diagram.setFromPython(
      "title",
      i === j ? `${spec.layers[i]}` : `${spec.layers[i]} (filled) vs ${spec.layers[j]} (hollow)`,
    );
    diagram.setFromPython("confidence", pairConfidence(spec, i, j));
    const notes = spec.subsample_notes ?? [];
    diagram.setFromPython(
      "subsample_note",
      i === j
        ? (notes[i] ?? "")
        : [i, j]
            .filter((k) => notes[k])
            .map((k) => `${spec.layers[k]}: ${notes[k]}`)
            .join(" · "),
    );
    for (const [key, value] of Object.entries(spec.mappers[j] ?? {})) mapper.setFromPython(key, value);
    highlight(j);
    document.body.dataset.layers = JSON.stringify([spec.layers[i], spec.layers[j]]);
  }

  matrix.on("change:selected_pair", () => {
    const p = (matrix.get("selected_pair") as number[]) ?? [];
    if (p.length === 2) showLayers(p[0] as number, p[1] as number);
  });

  diagram.on("change:selected_points", () => {
    const sel = (diagram.get("selected_points") as number[][]) ?? [];
    const gens = spec.generators[pair[0]] ?? [];
    const images = new Set<number>();
    for (const [dim, i] of sel) {
      const g = gens[dim as number];
      if (!g) continue;
      const rows = ints(g);
      for (let c = 0; c < 4; c++) {
        const v = rows[(i as number) * 4 + c] ?? -1;
        if (v >= 0) images.add((imageIndex[pair[0]] ?? [])[v] ?? -1);
      }
    }
    images.delete(-1);
    followed = images.size ? images : null;
    showImages(spec, [...images].sort((a, b) => a - b), `Feature of ${spec.layers[pair[0]]}`);
    highlight(pair[1]);
  });

  mapper.on("change:selected_nodes", () => {
    if (internal) return;
    const nodes = (mapper.get("selected_nodes") as number[]) ?? [];
    const offsets = ints(mapper.get("member_offsets") as EncodedArray);
    const members = ints(mapper.get("members") as EncodedArray);
    const images = new Set<number>();
    for (const n of nodes) {
      for (let k = offsets[n] ?? 0; k < (offsets[n + 1] ?? 0); k++) images.add((imageIndex[pair[1]] ?? [])[members[k] ?? 0] ?? -1);
    }
    images.delete(-1);
    followed = images.size ? images : null;
    showImages(spec, [...images].sort((a, b) => a - b), `Mapper nodes of ${spec.layers[pair[1]]}`);
  });

  const initial = (matrix.get("selected_pair") as number[]) ?? [];
  if (initial.length === 2) showLayers(initial[0] as number, initial[1] as number);
  // the page opens as the screen was: the gallery's images, the Mapper's rings, the points
  const sel = spec.initial;
  if (sel && sel.images.length) {
    if (sel.points.length) diagram.setFromPython("selected_points", sel.points);
    followed = new Set(sel.images);
    internal = true;
    try {
      mapper.setFromPython("selected_nodes", sel.nodes);
    } finally {
      internal = false;
    }
    showImages(spec, sel.images, sel.heading);
  } else {
    showImages(spec, [], "");
  }
}
