/**
 * The nearest-rank percentile: sort ascending, take the value at rank ⌈p/100 × n⌉ (1-based).
 * It is always one of the measured values, never an interpolation, so "95th percentile 38.2 s"
 * names a real alarm. The median is the 50th: for an even count that is the lower of the two
 * middle values, not their mean. No values, no percentile (null).
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  // p × n / 100 with whole p is exact in floating point, so the ceiling is the true rank.
  const rank = Math.ceil((p * sorted.length) / 100);
  return sorted[rank - 1];
}
