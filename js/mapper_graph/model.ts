// Mirrors the synced traits of tda_widgets.widgets.mapper_graph.MapperGraphWidget.
import type { EncodedArray } from "../shared/codec";

export interface Detail {
  nodes: number;
  points: number;
  /** [class name, count], largest first. */
  classes: [string, number][];
  /** False when counts come from node class counts (shared members count twice). */
  exact: boolean;
  /** Number of distinct images in the selection. */
  images: number;
  /** The class filter the counts are narrowed to ("" or absent: all classes). */
  filter?: string;
}

/** A permutation test of Mapper purity (see MapperGraphWidget.purity_evidence); null = not finite. */
export interface PurityEvidence {
  name: string;
  /** Observed statistic (mean node purity). */
  statistic: number | null;
  /** Mean of the null sample ("chance") and its central `level` band. */
  null_mean: number | null;
  null_low: number | null;
  null_high: number | null;
  level: number;
  /** (k + 1) / (B + 1), and its Monte Carlo standard error. */
  p_value: number | null;
  mc_se: number | null;
  /** B, the number of label permutations. */
  n_permutations: number;
  /** z of the observed statistic against the null (or its difference from the null's median). */
  effect: number | null;
  /** "z", or "difference from the null median" when the null has no spread. */
  effect_name: string;
  alternative: string;
}

export interface MapperGraphModel {
  [key: string]: unknown;
  /** int64 (n,): members per node (set by Python). */
  sizes: EncodedArray | null;
  /** int32 (m, 2): node pairs (set by Python). */
  edges: EncodedArray | null;
  /** float64 (m,): Jaccard overlap per edge (set by Python). */
  edge_weights: EncodedArray | null;
  /** int64 (n, c) or null: class composition per node (set by Python). */
  class_counts: EncodedArray | null;
  /** c class names (set by Python). */
  class_names: string[];
  /** float64 (n,) or null: the value that colours nodes (set by Python). */
  node_values: EncodedArray | null;
  /** Legend title of node_values (set by Python). */
  value_name: string;
  /** "classes" (pies) or "values" (colour scale) (set by Python). */
  color_mode: "classes" | "values";
  /** float64 (n, 2) or null: positions (set by the view's layout and drags, or Python). */
  positions: EncodedArray | null;
  /** Seed of the force layout (set by Python). */
  layout_seed: number;
  /** Selected node ids (set by the view or Python). */
  selected_nodes: number[];
  /** int64: cloud indices of the selection (set by Python). */
  selected_indices: EncodedArray | null;
  /** Edges lighter than this are hidden (set by the view's slider or Python). */
  edge_threshold: number;
  /** Class search text; non-matching nodes dim (set by the view or Python). */
  class_filter: string;
  /** Summary of the selection for the detail panel (set by Python). */
  detail: Partial<Detail>;
  /** PNG sprite sheet of the selection's first images (set by Python). */
  thumbnails: DataView | ArrayBuffer | null;
  /** Image index of each sprite tile (set by Python). */
  thumbnail_indices: number[];
  /** [tile height, tile width, columns] (set by Python). */
  thumbnail_grid: number[];
  /** Most thumbnails sent (set by Python or the view's "more" button). */
  max_thumbnails: number;
  title: string;
  width: number;
  height: number;
  /** Draw the canvas at most `width` wide, narrower in a narrower box (js/shared/fit.ts). */
  fit_width?: boolean;
  /** The purity permutation test shown in the legend; {} for none (set by Python). */
  purity_evidence: Partial<PurityEvidence>;
}
