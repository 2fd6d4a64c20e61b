// Mirrors the synced traits of tda_widgets.widgets.persistence_diagram.PersistenceDiagramWidget.
import type { EncodedArray } from "../shared/codec";

export interface PersistenceDiagramModel {
  /** One (n_k, 2) float64 array per homology dimension k (set by Python). */
  diagrams: EncodedArray[];
  /** Selected points as [dim, index] pairs (set by the view or Python). */
  selected_points: [number, number][];
  /** Homology dimensions shown (set by the view's legend or Python). */
  visible_dims: number[];
  /** Title above the plot (set by Python). */
  title: string;
  /** Canvas size in CSS pixels (set by Python). */
  width: number;
  height: number;
}
