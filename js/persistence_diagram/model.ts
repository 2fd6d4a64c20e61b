// Mirrors the synced traits of tda_widgets.widgets.persistence_diagram.PersistenceDiagramWidget.
import type { EncodedArray } from "../shared/codec";

export interface PersistenceDiagramModel {
  [key: string]: unknown;
  /** One (n_k, 2) float64 array per homology dimension k (set by Python). */
  diagrams: EncodedArray[];
  /** Optional second diagram drawn over the first, same layout (set by Python). */
  compare_diagrams: EncodedArray[];
  /** Per dimension, an (m, 2) int32 array of matched [first, second] indices, -1 = diagonal (set by Python). */
  matching: EncodedArray[];
  /** Names of the first and second diagram, for the legend and tooltip (set by Python). */
  names: string[];
  /** Selected points of the first diagram as [dim, index] pairs (set by the view or Python). */
  selected_points: [number, number][];
  /** Homology dimensions shown (set by the view's legend or Python). */
  visible_dims: number[];
  /** "diagram" (birth, death), "lifetime" (birth, persistence) or "barcode" (set by the view or Python). */
  mode: string;
  /** Title above the plot (set by Python). */
  title: string;
  /** "1,000 of 50,000 images, r = 3.21" when persistence ran on a subsample, else "" (set by Python). */
  subsample_note: string;
  /** Per diagram shown, its confidence set {c_alpha, alpha, method, n_boot, dim} or null (set by Python). */
  confidence: ({ c_alpha: number; alpha: number; method: string; n_boot: number; dim: number } | null)[];
  /** Canvas size in CSS pixels (set by Python). */
  width: number;
  height: number;
  /** Draw at most `width` wide, narrower in a narrower box (js/shared/fit.ts). */
  fit_width?: boolean;
}
