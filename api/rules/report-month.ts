// Which instants a calendar month covers in a time zone, for the monthly reports (BS 8484 monthly
// alarm statistics, billing). Pure: the zone and the clock are passed in. A month runs from local
// midnight on its 1st to local midnight on the next 1st, so in Europe/London March is an hour
// shorter than 31 × 24 h and October an hour longer, and an alarm at 00:30 BST on 1 April is April's.
import { addMonths } from './review-months.js';

const MINUTE_MS = 60_000;

/** "YYYY-MM" of an instant in a zone. */
export function monthOf(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms. */
function offsetAt(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant of local midnight starting a "YYYY-MM-01" in a zone. The offset is read at the
 * guess and again at the answer: a change of offset between the two (a month starting just after
 * a clock change) is settled by the second reading. Zones that skip midnight itself (none in the
 * UK or EU) get the first instant after the gap.
 */
function localMidnight(month: string, timeZone: string): Date {
  const naive = Date.parse(`${month}-01T00:00:00Z`);
  let at = naive - offsetAt(new Date(naive), timeZone);
  const second = naive - offsetAt(new Date(at), timeZone);
  if (second !== at) at = Math.min(at, second);
  return new Date(Math.round(at / MINUTE_MS) * MINUTE_MS);
}

export interface MonthPeriod {
  month: string;
  timeZone: string;
  from: Date;
  to: Date;
  /** The month has ended at `now`: its figures will not change (but for late handling). */
  complete: boolean;
}

export type MonthOutcome = { ok: true; period: MonthPeriod } | { ok: false; reason: string };

/**
 * The month asked for, or by default the month `now` falls in (so far, in the zone). A month
 * that has not started at `now` is refused: its report would be empty and look like a quiet month.
 */
export function reportMonth(requested: string | undefined, now: Date, timeZone: string): MonthOutcome {
  const month = requested ?? monthOf(now, timeZone);
  const from = localMidnight(month, timeZone);
  const to = localMidnight(addMonths(month, 1), timeZone);
  if (from.getTime() > now.getTime()) return { ok: false, reason: `${month} has not started yet (${timeZone})` };
  return { ok: true, period: { month, timeZone, from, to, complete: to.getTime() <= now.getTime() } };
}
