// Mirrors the synced traits of tda_widgets.widgets.filtration.FiltrationWidget.
import type { EncodedArray } from "../shared/codec";

export interface FiltrationModel {
  [key: string]: unknown;
  /** float64 (n, d): the cloud (set by Python). */
  points: EncodedArray;
  /** float64 (n, 2): drawn coordinates, the points or their PCA projection (set by Python). */
  xy: EncodedArray;
  /** How xy was made from points; "" for 2-D clouds (set by Python). */
  projection: string;
  /** int32 (m, 2): every pair at distance <= max_radius, shortest first (set by Python). */
  edges: EncodedArray;
  /** float32 (m,): the edges' lengths, ascending (set by Python). */
  edge_lengths: EncodedArray;
  /** One float64 (n_k, 2) diagram per homology dimension (set by Python). */
  diagrams: EncodedArray[];
  /** One int32 (n_k, 4) array per dimension: birth-edge and death-edge vertices, -1 = none (set by Python). */
  generators: EncodedArray[];
  /** Current scale r (set by the view's slider, play button, bar clicks, or Python). */
  radius: number;
  /** Upper end of the slider (set by Python). */
  max_radius: number;
  /** [dim, index] of the clicked bar, or [] (set by the view or Python). */
  selected_bar: number[];
  /** Most edges drawn at once, the shortest first (set by Python). */
  max_edges: number;
  /** Draw the discs of radius r/2 (set by the view's checkbox or Python). */
  show_balls: boolean;
  /** Draw the Rips triangles (set by the view's checkbox or Python). */
  show_triangles: boolean;
  /** Title above the views (set by Python). */
  title: string;
  /** Size of each plot in CSS pixels (set by Python). */
  width: number;
  height: number;
}
