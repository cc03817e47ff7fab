// Which months a review compares, and each wearer's counts laid out for api/rules/signal-rise.ts.
// Pure: months are "YYYY-MM" strings, so no clock or zone is needed here.
import { PREVENTION_SIGNALS, type PreventionSignal, type WearerSignals } from './signal-rise.js';

/** The month n months after (or before, n < 0) a "YYYY-MM". */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The months of the baseline, oldest first: the `count` months before the reviewed one. */
export function baselineMonths(reviewed: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(reviewed, i - count));
}

export interface WearerMonthCounts {
  wearerId: string;
  month: string;
  counts: Record<PreventionSignal, number>;
}

/**
 * Every wearer who existed before the reviewed month, with the baseline months since they joined
 * (a month they joined in counts as a whole month; a missing month is a month of zeros).
 */
export function wearerSignalHistories(
  rows: readonly WearerMonthCounts[],
  wearers: readonly { id: string; firstMonth: string }[],
  reviewed: string,
  baselineLength: number,
): WearerSignals[] {
  const byWearer = new Map<string, Map<string, Record<PreventionSignal, number>>>();
  for (const r of rows) {
    let months = byWearer.get(r.wearerId);
    if (!months) byWearer.set(r.wearerId, (months = new Map()));
    months.set(r.month, r.counts);
  }
  const months = baselineMonths(reviewed, baselineLength);
  return wearers.map((w) => {
    const own = months.filter((m) => m >= w.firstMonth);
    const counts = byWearer.get(w.id);
    return {
      wearerId: w.id,
      signals: PREVENTION_SIGNALS.map((signal: PreventionSignal) => ({
        signal,
        baseline: own.map((m) => counts?.get(m)?.[signal] ?? 0),
        current: counts?.get(reviewed)?.[signal] ?? 0,
      })),
    };
  });
}
