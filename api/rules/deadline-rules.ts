// What a deadline does when it falls due: pure (the alarm or session and the time in, the
// decision out). The clock (api/clock/) finds what is due in PostgreSQL and applies these.
import type { AcceptDeadline } from '../config.js';
import type { AlarmStatus } from '../domain/alarm-status.js';

/** A deadline met this long after it fell due fired late (the ARC was down or overloaded). */
export const LATE_AFTER_MS = 5_000;

export function firedLate(dueAt: Date, now: Date): boolean {
  return now.getTime() - dueAt.getTime() > LATE_AFTER_MS;
}

export interface UnacceptedAlarm {
  status: AlarmStatus;
  priority: number;
  receivedAt: Date;
  escalationLevel: number;
  isTest: boolean;
}

export interface Escalation {
  /** 1: overdue, re-announced to every operator and shown to supervisors; 2: supervisors notified. */
  level: 1 | 2;
  dueAt: Date;
  late: boolean;
  notifySupervisors: boolean;
}

/**
 * BS 8484 asks that 80 % of alarms are answered within 10 s and 98.5 % within 40 s: an alarm not
 * accepted by its first deadline is overdue; by its second, supervisors are called in. Both count
 * from the ARC's receive time. A test alarm is shown overdue but calls in nobody.
 */
export function nextEscalation(
  alarm: UnacceptedAlarm,
  deadlines: Record<number, AcceptDeadline>,
  now: Date,
): Escalation | null {
  if (alarm.status !== 'raised' || alarm.escalationLevel >= 2) return null;
  const deadline = deadlines[alarm.priority];
  const level = (alarm.escalationLevel + 1) as 1 | 2;
  const dueAt = new Date(alarm.receivedAt.getTime() + 1000 * (level === 1 ? deadline.overdueS : deadline.supervisorsS));
  if (dueAt > now) return null;
  return { level, dueAt, late: firedLate(dueAt, now), notifySupervisors: level === 2 && !alarm.isTest };
}

/** A device is silent once its heartbeat interval and the grace have passed since it was heard. */
export function silenceDueAt(lastSeenAt: Date, heartbeatS: number, graceS: number): Date {
  return new Date(lastSeenAt.getTime() + 1000 * (heartbeatS + graceS));
}

/** A missed check-in raises its alarm once the grace after its due time has passed too. */
export function missedCheckinDueAt(dueAt: Date, graceS: number): Date {
  return new Date(dueAt.getTime() + 1000 * graceS);
}

export type BatteryDecision = 'raise' | 'reset' | null;

/**
 * Low battery: raised once per charge cycle. The cycle ends when the device charges or comes back
 * 10 points above the threshold (so a level wavering at the threshold does not raise again).
 */
export function batteryDecision(b: {
  batt: number | undefined;
  charging: boolean | undefined;
  thresholdPercent: number;
  raisedThisCycle: boolean;
}): BatteryDecision {
  if (b.raisedThisCycle) {
    if (b.charging === true || (b.batt !== undefined && b.batt >= b.thresholdPercent + 10)) return 'reset';
    return null;
  }
  if (b.charging === true || b.batt === undefined) return null;
  return b.batt < b.thresholdPercent ? 'raise' : null;
}
