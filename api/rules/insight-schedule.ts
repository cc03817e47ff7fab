// When the overnight insight rollup and the staff presence sample run (api/clock/). Pure: the
// last run and the ARC's clock are passed in.
import { localDate } from './local-dates.js';

/** With nothing left to build, the rollup looks again this often (ARC time): a day whose last open alarm was resolved becomes buildable. */
export const ROLLUP_RECHECK_MS = 3600_000;

export interface RollupRun {
  at: Date;
  /** The local date of that run, in the insight zone. */
  localDate: string;
  /** The run left work (a full batch, or another node held the lock): run again next tick. */
  backlog: boolean;
}

/**
 * Whether the overnight rollup should run: at once after a start, every tick while there is a
 * backlog, right after local midnight (a new day closes), and otherwise hourly.
 */
export function rollupDue(last: RollupRun | null, now: Date, timeZone: string): boolean {
  if (!last || last.backlog) return true;
  if (now < last.at) return true; // the clock was set back: start afresh
  return localDate(now, timeZone) !== last.localDate || now.getTime() - last.at.getTime() >= ROLLUP_RECHECK_MS;
}

const MINUTE_MS = 60_000;

/** The ARC-time minute a presence sample counts for. */
export const minuteOf = (now: Date) => new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);

/** A presence sample is due once in each minute of ARC time. */
export function presenceDue(lastMinute: Date | null, now: Date): boolean {
  return lastMinute === null || minuteOf(now).getTime() !== lastMinute.getTime();
}
