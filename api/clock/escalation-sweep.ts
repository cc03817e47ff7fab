// Accept deadlines: an alarm nobody accepted in time is escalated (BS 8484), one level per tick.
import { nextEscalation } from '../rules/deadline-rules.js';
import { markEscalated, recordAlarmAction } from '../store/alarm-store.js';
import type { ClockContext, ClockEffect } from './deadline-clock.js';
import { ARC_ACTOR } from '../domain/actor.js';

export async function escalateUnaccepted(ctx: ClockContext): Promise<ClockEffect[]> {
  const { tx, now } = ctx;
  const candidates = await tx<
    { id: string; status: 'raised'; priority: number; receivedAt: Date; escalationLevel: number; isTest: boolean }[]
  >`
    select id, status, priority, received_at, escalation_level, is_test from alarms
    where status = 'raised' and escalation_level < 2 and accept_due_at <= ${now}
    order by priority, received_at limit 200
    for update skip locked`;
  const effects: ClockEffect[] = [];
  for (const alarm of candidates) {
    const escalation = nextEscalation(alarm, ctx.deadlines, now);
    if (!escalation) continue;
    await markEscalated(tx, alarm.id, escalation.level, now, escalation.late);
    await recordAlarmAction(
      tx,
      alarm.id,
      ARC_ACTOR,
      escalation.level === 1 ? 'escalated.overdue' : 'escalated.supervisors',
      {
        dueAt: escalation.dueAt.toISOString(),
        late: escalation.late,
      },
      now,
    );
    if (escalation.notifySupervisors) await ctx.notifySupervisors(tx, alarm.id, now);
    effects.push({ change: 'escalated', alarmId: alarm.id });
  }
  return effects;
}
