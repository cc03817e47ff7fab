// Which period an SLA report covers, from what the asker gave and the time `now`. Pure: the route
// parses the query (dates as instants), this decides the period or says why it cannot.

export type PeriodShortcut = 'today' | 'month';

export interface PeriodRequest {
  from?: Date;
  to?: Date;
  period?: PeriodShortcut;
}

export interface ReportPeriod {
  from: Date;
  to: Date;
}

export type PeriodOutcome =
  { ok: true; period: ReportPeriod } | { ok: false; reasons: { field: string; message: string }[] };

/** A year and a day: a yearly report fits, a request for every alarm ever does not. */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

const utcMidnight = (t: Date) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
const utcMonthStart = (t: Date) => new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1));

/**
 * - period=today: UTC midnight to now; period=month: the 1st of this month, UTC midnight, to now.
 * - from / to: each defaults on its own (from to today's UTC midnight, to to now).
 * - Nothing given: today.
 * A shortcut with from or to is refused rather than one silently winning. from ≥ to is refused
 * when the asker chose a bound; a shortcut asked for at exactly UTC midnight is an empty period,
 * which is a true (empty) report, not a mistake.
 */
export function reportPeriod(request: PeriodRequest, now: Date): PeriodOutcome {
  if (request.period && (request.from || request.to)) {
    return { ok: false, reasons: [{ field: 'period', message: 'give either period or from/to, not both' }] };
  }
  const from = request.period === 'month' ? utcMonthStart(now) : (request.from ?? utcMidnight(now));
  const to = request.to ?? now;
  const chosen = Boolean(request.from || request.to);
  if (chosen && from.getTime() >= to.getTime()) {
    return {
      ok: false,
      reasons: [{ field: 'from', message: `from (${from.toISOString()}) must be before to (${to.toISOString()})` }],
    };
  }
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    return { ok: false, reasons: [{ field: 'to', message: `a report covers at most ${MAX_PERIOD_DAYS} days` }] };
  }
  return { ok: true, period: { from, to } };
}
