// The early-help review list: which wearers' signals rose beyond their own usual level. Pure
// (STYLE habit 3). It prompts a person to look; it decides nothing about anyone.
//
// The rule, per wearer and signal: the usual level is the mean monthly count over the baseline
// months (the wearer's own, not a population norm: one person's three falls a month is their
// normal, another's first fall is news). The latest month is flagged when all three hold:
//  - at least MIN_COUNT events (one or two is noise whatever the baseline),
//  - at least RISE_FACTOR times the usual level,
//  - so unlikely given the baseline that chance is a poor explanation: P(X ≥ count) below
//    P_THRESHOLD, where X is what the baseline predicts for the months reviewed. A plain Poisson
//    at the baseline mean takes a few months' mean as the truth and flags far too many (a wearer
//    with 0, 0, 1 … who has 3 in a month); here the rate is itself uncertain (a gamma with shape
//    baseline count + ½ over the baseline months, Jeffreys' prior), so X is negative binomial:
//    the posterior predictive of a Poisson–gamma model. Short or sparse baselines ask for more.
// A baseline of zero still needs MIN_COUNT and RISE_FACTOR × FLOOR_PER_MONTH. Wearers with
// fewer than MIN_BASELINE_MONTHS of history are not assessed.
// The thresholds were tuned on bench/synthetic-wearers.ts (docs/guides/insight.md).

export const PREVENTION_SIGNALS = [
  'falls',
  'sos',
  'no_motion',
  'night_away',
  'missed_checkins',
  'false_alarms',
  'low_battery',
  'silent_device',
] as const;
export type PreventionSignal = (typeof PREVENTION_SIGNALS)[number];

export const RISE_RULE = {
  minCount: 3,
  riseFactor: 2,
  pThreshold: 0.0001,
  floorPerMonth: 0.25,
  minBaselineMonths: 3,
} as const;
export type RiseRule = { [K in keyof typeof RISE_RULE]: number };

/** P(X ≥ k) for X ~ Poisson(mean), summed from the lower side for k small, which it always is here. */
export function poissonUpperTail(k: number, mean: number): number {
  if (k <= 0) return 1;
  let term = Math.exp(-mean);
  let below = term;
  for (let i = 1; i < k; i += 1) {
    term *= mean / i;
    below += term;
  }
  return Math.max(0, 1 - below);
}

export interface SignalHistory {
  signal: PreventionSignal;
  /** Counts of the baseline months, oldest first. */
  baseline: readonly number[];
  /** Count over the months under review (the latest `currentMonths`, 1 unless said). */
  current: number;
  currentMonths?: number;
}

export interface SignalRise {
  signal: PreventionSignal;
  current: number;
  usualPerMonth: number;
  /** current / what the usual level predicts for the months reviewed (usual floored, see floorPerMonth). */
  ratio: number;
  /** P(X ≥ current) given the baseline (negative binomial, see above). */
  pValue: number;
  /** −log10 p: the ranking key; higher is more surprising. */
  score: number;
}

/**
 * P(X ≥ k) for X negative binomial with shape r and success probability q: the number of events
 * in M months when the rate is gamma(r, n) after n baseline months (q = n / (n + M)).
 */
export function negativeBinomialUpperTail(k: number, r: number, q: number): number {
  if (k <= 0) return 1;
  let term = q ** r;
  let below = term;
  for (let i = 0; i < k - 1; i += 1) {
    term *= ((r + i) / (i + 1)) * (1 - q);
    below += term;
  }
  return Math.max(0, 1 - below);
}

/** The rise of one signal, or null when it is not a rise by the rule. */
export function signalRise(history: SignalHistory, rule: RiseRule = RISE_RULE): SignalRise | null {
  if (history.baseline.length < rule.minBaselineMonths) return null;
  const usual = history.baseline.reduce((s, v) => s + v, 0) / history.baseline.length;
  const months = history.currentMonths ?? 1;
  const expected = Math.max(usual, rule.floorPerMonth) * months;
  const { current } = history;
  if (current < rule.minCount || current < rule.riseFactor * expected) return null;
  const n = history.baseline.length;
  const pValue = negativeBinomialUpperTail(current, usual * n + 0.5, n / (n + months));
  if (pValue >= rule.pThreshold) return null;
  return {
    signal: history.signal,
    current,
    usualPerMonth: usual,
    ratio: current / expected,
    pValue,
    score: -Math.log10(Math.max(pValue, 1e-300)),
  };
}

export interface WearerSignals {
  wearerId: string;
  signals: readonly SignalHistory[];
}

export interface ReviewCandidate {
  wearerId: string;
  rises: SignalRise[];
  /** The wearer's strongest rise: the list's order. */
  score: number;
}

/** The review list: every wearer with at least one rise, most surprising first (ties by id). */
export function reviewList(wearers: readonly WearerSignals[], rule: RiseRule = RISE_RULE): ReviewCandidate[] {
  const list: ReviewCandidate[] = [];
  for (const w of wearers) {
    const rises = w.signals.map((s) => signalRise(s, rule)).filter((r): r is SignalRise => r !== null);
    if (rises.length === 0) continue;
    rises.sort((a, b) => b.score - a.score);
    list.push({ wearerId: w.wearerId, rises, score: rises[0].score });
  }
  return list.sort((a, b) => b.score - a.score || a.wearerId.localeCompare(b.wearerId));
}
