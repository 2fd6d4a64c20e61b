// Tick values (d3-array) and number labels (d3-format) shared by the views.
import { formatLocale } from "d3-format";

export { ticks } from "d3-array";

// d3's default locale writes U+2212 for minus; labels and tooltips here keep ASCII "-"
// (what Python prints, and what the tests and screen readers read).
const locale = formatLocale({ decimal: ".", thousands: ",", grouping: [3], currency: ["", ""], minus: "-" });

/** `digits` significant digits, trailing zeros trimmed: 0.123456 -> "0.1235", 1200.4 -> "1200". */
export function significant(digits: number): (v: number) => string {
  return locale.format(`.${digits}~r`);
}

/** Scientific notation with `decimals` digits after the point: 1e-6 -> "1.00e-6" (decimals 2). */
export function scientific(decimals: number): (v: number) => string {
  return locale.format(`.${decimals}e`);
}

/** Fixed-point with `decimals` digits: 0.5 -> "0.50" (decimals 2). */
export function fixed(decimals: number): (v: number) => string {
  return locale.format(`.${decimals}f`);
}

const sig4 = significant(4);
const sci2 = scientific(2);

/** A short label for a tick or tooltip value (4 significant digits; e-notation below 1e-3 or from 1e5). */
export function formatNumber(v: number): string {
  if (v === Infinity) return "∞";
  if (v === -Infinity) return "-∞";
  if (Number.isNaN(v)) return "NaN";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? sci2(v) : sig4(v);
}
