// Erlang C: how many operators a stream of alarms needs. Pure (STYLE habit 3).
//
// The model (M/M/N): alarms arrive at random (Poisson) at a steady rate, handling times are
// exponential, N operators take them first come first served and nobody gives up. A is the
// offered traffic in erlangs: arrivals per second × mean handling time in seconds.
//   P(wait)        = C(N, A)                           (Erlang C)
//   P(wait ≤ t)    = 1 − C(N, A) · e^(−(N − A)·t / h)  (service level for an answer time t)
// It ignores callers who give up and the priority order; api/rules/queue-simulation.ts checks it
// against a simulation that has both.

/** Offered traffic in erlangs: alarms in a period × mean handling time, over the period's length. */
export function offeredErlangs(arrivals: number, periodS: number, meanHandleS: number): number {
  if (!(periodS > 0)) throw new RangeError(`period must be positive, got ${periodS}`);
  if (arrivals < 0 || meanHandleS < 0) throw new RangeError('arrivals and handling time must not be negative');
  return (arrivals * meanHandleS) / periodS;
}

/**
 * Erlang B by the stable recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)): no factorials,
 * no powers, so it holds for hundreds of operators.
 */
export function erlangB(agents: number, erlangs: number): number {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, got ${agents}`);
  let b = 1;
  for (let k = 1; k <= agents; k += 1) b = (erlangs * b) / (k + erlangs * b);
  return b;
}

/**
 * Erlang C, the probability that an alarm waits for an operator: C = N·B / (N − A·(1 − B)).
 * With N ≤ A the queue grows without end: every alarm waits (1).
 */
export function probabilityOfWaiting(agents: number, erlangs: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return 1;
  const b = erlangB(agents, erlangs);
  return (agents * b) / (agents - erlangs * (1 - b));
}

/** The share of alarms answered within answerS seconds. */
export function serviceLevel(agents: number, erlangs: number, meanHandleS: number, answerS: number): number {
  if (erlangs <= 0) return 1;
  if (agents <= erlangs) return 0;
  const pw = probabilityOfWaiting(agents, erlangs);
  return 1 - pw * Math.exp((-(agents - erlangs) * answerS) / meanHandleS);
}

/** Mean wait over all alarms (the ASA): C · h / (N − A). */
export function meanWait(agents: number, erlangs: number, meanHandleS: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return Number.POSITIVE_INFINITY;
  return (probabilityOfWaiting(agents, erlangs) * meanHandleS) / (agents - erlangs);
}

/** One answer-time line: `share` of alarms answered within `withinS` seconds. */
export interface AnswerTarget {
  withinS: number;
  share: number;
}

/** The targets the ARC is held to (api/rules/sla-targets.ts has the same lines for the SLA report). */
export const STAFFING_TARGETS: { id: string; name: string; lines: AnswerTarget[] }[] = [
  // BS 8484: 80 % of activations answered within 10 s and 98.5 % within 40 s.
  {
    id: 'bs8484',
    name: 'BS 8484',
    lines: [
      { withinS: 10, share: 0.8 },
      { withinS: 40, share: 0.985 },
    ],
  },
  // TSA Telecare Code of Practice: 97.5 % within 60 s and 99 % within 180 s.
  {
    id: 'tsa',
    name: 'TSA telecare',
    lines: [
      { withinS: 60, share: 0.975 },
      { withinS: 180, share: 0.99 },
    ],
  },
];

/**
 * The fewest operators that meet every line of a target. No traffic needs nobody by the formula;
 * whoever staffs the centre still decides the floor (a centre is never left empty).
 */
export function operatorsNeeded(erlangs: number, meanHandleS: number, lines: readonly AnswerTarget[]): number {
  if (erlangs <= 0) return 0;
  // Fewer than A operators never meet anything; the service level rises with N, so the first
  // N that meets every line is the answer. 10 000 is a guard, not a limit anyone will reach.
  for (let n = Math.max(1, Math.floor(erlangs) + 1); n < 10_000; n += 1) {
    if (lines.every((line) => serviceLevel(n, erlangs, meanHandleS, line.withinS) >= line.share)) return n;
  }
  throw new RangeError(`no staffing under 10 000 meets the target for ${erlangs} erlangs`);
}
