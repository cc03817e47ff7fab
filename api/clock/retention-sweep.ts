// The retention sweep (docs/reference/data-protection.md): one of the clock's sweeps, so it runs by itself
// on every node, in its own transaction, one small batch of each kind per pass. It passes once a
// second while there is a backlog (a budget that leaves the intake its share of the machine), else
// once a minute (ARC time), so an idle purge costs the clock nothing.
// It never touches the intake's path: the intake inserts, this deletes old rows by index.
import { ALARM_PURGE_BATCH, PURGE_BATCH, purgeDue } from '../rules/retention-rules.js';
import {
  purgeExpiredAlarms,
  purgeExpiredAudit,
  purgeRoutineEvents,
  purgeRoutineFixes,
  purgeStaffPresence,
} from '../store/retention-store.js';
import type { ClockContext, ClockEffect, Sweep } from './deadline-clock.js';

export interface PurgeCounts {
  fixes: number;
  events: number;
  alarms: number;
  audit: number;
  /** Staff presence hours (Insight's staffing table) past STAFF_PRESENCE_DAYS. */
  presence: number;
  /** How long the pass took (its five statements and their transaction's share), in ms of wall time. */
  ms: number;
}

export function createRetentionSweep(onPurged: (counts: PurgeCounts) => void = () => {}): Sweep {
  let lastRun: { at: Date; backlog: boolean } | null = null;
  const sweep: Sweep = async (ctx: ClockContext): Promise<ClockEffect[]> => {
    const started = performance.now();
    // Alarms first: their trails become routine history in the same pass.
    const alarms = await purgeExpiredAlarms(ctx.tx, ctx.now);
    const fixes = await purgeRoutineFixes(ctx.tx, ctx.now);
    const events = await purgeRoutineEvents(ctx.tx, ctx.now);
    const audit = await purgeExpiredAudit(ctx.tx, ctx.now);
    const presence = await purgeStaffPresence(ctx.tx, ctx.now);
    lastRun = {
      at: ctx.now,
      backlog:
        fixes >= PURGE_BATCH ||
        events >= PURGE_BATCH ||
        audit >= PURGE_BATCH ||
        presence >= PURGE_BATCH ||
        alarms >= ALARM_PURGE_BATCH,
    };
    if (fixes + events + alarms + audit + presence > 0)
      onPurged({ fixes, events, alarms, audit, presence, ms: Math.round((performance.now() - started) * 10) / 10 });
    return []; // no alarm changes to publish
  };
  // Between passes the clock opens no transaction for it.
  sweep.due = (now) => purgeDue(lastRun, now);
  return sweep;
}
