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

/** The furthest back Insight looks (its `weeks`, api/routes/insight-routes.ts). */
export const INSIGHT_MAX_WEEKS = 104;

/**
 * Staff presence (the minutes each member of staff had a console open, per hour, for Insight's
 * staffing table) is kept as far back as that table can look, and a week more, then purged. One
 * period for the whole ARC: staff answer every organisation's alarms.
 */
export const STAFF_PRESENCE_DAYS = INSIGHT_MAX_WEEKS * 7 + 7;

/**
 * A fix is part of an alarm's trail from an hour before the alarm (what the alarm detail shows,
 * api/store/alarm-detail-store.ts) until the alarm is resolved; open alarms keep everything since.
 */
export const TRAIL_BEFORE_ALARM_MS = 3600_000;

/**
 * Rows deleted per statement. Measured during tracking (docs/guides/benchmarks.md, "The retention
 * purge during tracking"): passes of 5,000 every tick took up to a second of PostgreSQL's CPU at a
 * time and tripled the alarm latency on a busy 2-core machine; small passes, spaced, leave room.
 */
export const PURGE_BATCH = 1000;
/** Alarms carry their actions, events and notifications with them: fewer per statement. */
export const ALARM_PURGE_BATCH = 100;

/**
 * While there is a backlog, a pass a second (ARC time): at most 1,000 fixes a second, three times
 * what 10,000 devices send at a fix every 30 s, so a steady ARC still purges faster than it fills.
 */
export const PURGE_BACKLOG_GAP_MS = 1000;
/** After a pass that found less than a full batch, the next pass waits this long (ARC time). */
export const PURGE_IDLE_MS = 60_000;

/** Whether the sweep should run now: a pass a second while there is a backlog, else once a minute. */
export function purgeDue(lastRun: { at: Date; backlog: boolean } | null, now: Date): boolean {
  if (!lastRun) return true;
  const since = now.getTime() - lastRun.at.getTime();
  return since >= (lastRun.backlog ? PURGE_BACKLOG_GAP_MS : PURGE_IDLE_MS) || now < lastRun.at;
}
