// Staff presence, sampled once a minute of ARC time (docs/guides/insight.md): who is on a console now,
// all nodes together (the operator feed's presence), added to their hour. The capacity view sets
// these staff-hours beside the operators needed.
import { minuteOf, presenceDue } from '../rules/insight-schedule.js';
import { recordPresenceMinute } from '../store/staff-presence-store.js';
import type { ClockContext, ClockEffect, Sweep } from './deadline-clock.js';

export function createPresenceSweep(onConsole: () => Promise<{ userId: string }[]>): Sweep {
  let lastMinute: Date | null = null;
  const sweep: Sweep = async (ctx: ClockContext): Promise<ClockEffect[]> => {
    const minute = minuteOf(ctx.now);
    lastMinute = minute;
    const present = [...new Set((await onConsole()).map((p) => p.userId))];
    await recordPresenceMinute(ctx.tx, present, minute);
    return [];
  };
  sweep.due = (now) => presenceDue(lastMinute, now);
  return sweep;
}
