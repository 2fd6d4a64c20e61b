// Mirrors the synced traits of tda_widgets.widgets.layer_distance_matrix.LayerDistanceMatrixWidget.
import type { EncodedArray } from "../shared/codec";

export interface LayerDistanceMatrixModel {
  [key: string]: unknown;
  /** float64 (L, M): the first matrix (set by Python). */
  values: EncodedArray | null;
  /** Row names, L of them (set by Python). */
  layers: string[];
  /** Column names, M of them (set by Python). */
  columns: string[];
  /** Name of the first distance (set by Python). */
  metric: string;
  /** float64 (L, M) or null: the optional second matrix (set by Python). */
  values2: EncodedArray | null;
  /** Name of the second distance (set by Python). */
  metric2: string;
  /** Spearman correlation of the two matrices, or null (set by Python). */
  rank_correlation: number | null;
  /** Whether the second matrix is shown (set by the view's toggle or Python). */
  show_second: boolean;
  /** [row, column] of the selected cell, or [] (set by the view or Python). */
  selected_pair: number[];
  /** Per matrix (first, second), its noise floor or null: cells within it are hatched (set by Python). */
  noise: (NoiseRecord | null)[];
  /** Title above the heatmap (set by Python). */
  title: string;
  /** Side of a cell in CSS pixels (set by Python). */
  cell_size: number;
}

/** A noise floor of one matrix: bool within_noise, float64 p_values and floor, all (L, M). */
export interface NoiseRecord {
  within_noise: EncodedArray;
  p_values: EncodedArray;
  floor: EncodedArray;
  label: string;
}
