// How long personal data is kept (docs/reference/data-protection.md). Each organisation sets its own
// periods (organisations.*_retention_days, same defaults as here); wearers without an
// organisation, and rows that belong to nobody yet, get these defaults.

export interface RetentionPeriods {
  /** Routine location history: fixes not tied to an alarm, device events that raised nothing. */
  locationDays: number;
  /** Alarms with their actions, events, notifications and trail (7 years, as records of care are commonly kept). */
  alarmDays: number;
  /** The audit log. */
  auditDays: number;
}

export const DEFAULT_RETENTION: RetentionPeriods = { locationDays: 90, alarmDays: 2557, auditDays: 2557 };

/** The bounds the organisation settings accept (the migration's checks say the same). */
export const RETENTION_BOUNDS = {
  locationDays: { min: 1, max: 3650 },
  alarmDays: { min: 365, max: 36500 },
  auditDays: { min: 365, max: 36500 },
} as const;

/**
 * A fix is part of an alarm's trail from an hour before the alarm (what the alarm detail shows,
 * api/store/alarm-detail-store.ts) until the alarm is resolved; open alarms keep everything since.
 */
export const TRAIL_BEFORE_ALARM_MS = 3600_000;

/** Rows deleted per statement: small enough that one purge never holds the clock up for long. */
export const PURGE_BATCH = 5000;
/** Alarms carry their actions, events and notifications with them: fewer per statement. */
export const ALARM_PURGE_BATCH = 500;

/** After a pass that found less than a full batch, the next pass waits this long (ARC time). */
export const PURGE_IDLE_MS = 60_000;

/** Whether the sweep should run now: right away while there is a backlog, else once a minute. */
export function purgeDue(lastRun: { at: Date; backlog: boolean } | null, now: Date): boolean {
  if (!lastRun || lastRun.backlog) return true;
  return now.getTime() - lastRun.at.getTime() >= PURGE_IDLE_MS || now < lastRun.at;
}
