/**
 * Summary statistics for repeated timings. Every cell reports the median and the
 * p10/p90 spread of its repetitions; min and max are kept for the record.
 */

/**
 * @typedef {object} Summary
 * @property {number} median ns/op
 * @property {number} p10
 * @property {number} p90
 * @property {number} min
 * @property {number} max
 * @property {number} reps
 */

/**
 * Linear-interpolated quantile of sorted values.
 * @param {number[]} sorted ascending
 * @param {number} q in [0, 1]
 * @returns {number}
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * @param {number[]} samples ns/op of each repetition
 * @returns {Summary}
 */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p90: quantile(sorted, 0.9),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    reps: sorted.length,
  };
}

/**
 * Relative spread of a cell: (p90 - p10) / median.
 * @param {Summary} s
 * @returns {number}
 */
export function relativeSpread(s) {
  return s.median > 0 ? (s.p90 - s.p10) / s.median : 0;
}
