// The overnight insight rollup (docs/guides/insight.md): a clock sweep, so it runs by itself on the
// ARC's clock. After local midnight (and hourly, and every tick while there is a backlog) it
// builds, in small batches, the rollups of closed days (api/store/insight-rollup.ts), the
// early-help review's alarm signals of closed months per wearer (api/store/signal-month-store.ts)
// and the night-time activity away from home from the fixes (api/store/night-away-store.ts), so
// the Insight view reads prebuilt rows. Every node runs it; a transaction-level advisory lock taken
// with try makes one node build at a time (the others skip the pass), and the built markers make
// a batch count once whichever node built it (cluster mode, ARC_REDIS_URL, needs nothing more).
import type { TransactionSql } from 'postgres';
import { rollupDue, type RollupRun } from '../rules/insight-schedule.js';
import { localDate } from '../rules/local-dates.js';
import type { NightHours } from '../rules/night-away.js';
import { buildNextRollupDays, closedBeforeDate, ROLLUP_LOCK } from '../store/insight-rollup.js';
import { buildNightBatch, nextNightToBuild } from '../store/night-away-store.js';
import { buildSignalBatch, nextSignalMonthToBuild } from '../store/signal-month-store.js';
import type { ClockContext, ClockEffect, Sweep } from './deadline-clock.js';

/** Closed days built per pass (a day is a few thousand alarms read by index). */
export const ROLLUP_DAYS_PER_PASS = 7;

export interface RollupPass {
  /** False when another node held the lock: nothing was done. */
  ran: boolean;
  days: string[];
  night: { date: string; wearers: number } | null;
  /** The month (YYYY-MM) a batch of wearers' signals was built for; absent when the pass did not run. */
  signals?: { month: string; wearers: number } | null;
}

/** One pass in the caller's transaction. */
export async function insightRollupPass(
  tx: TransactionSql,
  options: { timeZone: string; night: NightHours },
  now: Date,
): Promise<RollupPass> {
  const [{ locked }] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${ROLLUP_LOCK}) as locked`;
  if (!locked) return { ran: false, days: [], night: null };
  const days = await buildNextRollupDays(tx, options.timeZone, now, ROLLUP_DAYS_PER_PASS);
  const month = await nextSignalMonthToBuild(tx, options.timeZone, now);
  const signals = month
    ? { month: month.month, wearers: await buildSignalBatch(tx, options.timeZone, month.month, month.afterWearer, now) }
    : null;
  const scope = { timeZone: options.timeZone, hours: options.night };
  const next = await nextNightToBuild(tx, scope, closedBeforeDate(now, options.timeZone));
  const night = next
    ? { date: next.night, wearers: await buildNightBatch(tx, scope, next.night, next.afterWearer, now) }
    : null;
  return { ran: true, days, night, signals };
}

export function createInsightRollupSweep(
  options: { timeZone: string; night: NightHours },
  onPass: (pass: RollupPass) => void = () => {},
): Sweep {
  let last: RollupRun | null = null;
  const sweep: Sweep = async (ctx: ClockContext): Promise<ClockEffect[]> => {
    const pass = await insightRollupPass(ctx.tx, options, ctx.now);
    // A night or a month still has wearers to do, or more days may wait: the next tick goes on.
    const backlog =
      !pass.ran || pass.days.length === ROLLUP_DAYS_PER_PASS || pass.night !== null || Boolean(pass.signals);
    last = { at: ctx.now, localDate: localDate(ctx.now, options.timeZone), backlog };
    if (pass.days.length > 0 || pass.night || pass.signals) onPass(pass);
    return []; // no alarm changes
  };
  sweep.due = (now) => rollupDue(last, now, options.timeZone);
  return sweep;
}
