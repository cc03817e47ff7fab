// Amber sessions ("expect me out in 45 minutes"): their due time is the durable deadline the
// clock watches.
import type { Sql, TransactionSql } from 'postgres';
import type { AmberChange } from '../rules/event-rules.js';

type Db = Sql | TransactionSql;

export async function hasOpenAmberSession(tx: Db, deviceId: string): Promise<boolean> {
  return (
    (await tx`select 1 from amber_sessions where device_id = ${deviceId} and ended_at is null`.execute()).length > 0
  );
}

/** Applies a session change; returns nothing: the session's own alarm, if any, is raised later. */
export async function applyAmberChange(
  tx: Db,
  deviceId: string,
  wearerId: string | null,
  eventKey: string,
  change: AmberChange,
  at: Date,
  raisedAlarmId: string | null,
): Promise<string | null> {
  switch (change.kind) {
    case 'start':
      // A new session replaces one still open: the wearer's latest word counts.
      await tx`update amber_sessions set ended_at = ${at}, end_reason = 'replaced' where device_id = ${deviceId} and ended_at is null`;
      await tx`insert into amber_sessions (device_id, wearer_id, start_event_key, note, started_at, due_at)
               values (${deviceId}, ${wearerId}, ${eventKey}, ${change.note}, ${at}, ${change.dueAt})`;
      return null;
    case 'extend':
      await tx`update amber_sessions set due_at = ${change.dueAt} where device_id = ${deviceId} and ended_at is null`;
      return null;
    case 'end':
      await tx`update amber_sessions set ended_at = ${at}, end_reason = ${change.reason}, alarm_id = coalesce(alarm_id, ${raisedAlarmId})
               where device_id = ${deviceId} and ended_at is null`;
      return null;
  }
}

export interface DueAmberSession {
  id: string;
  deviceId: string;
  wearerId: string | null;
  note: string | null;
  dueAt: Date;
  lat: number | null;
  lon: number | null;
  acc: number | null;
}

/** Sessions whose time ran out, locked for this transaction (another ARC process skips them). */
export async function lockDueAmberSessions(tx: TransactionSql, now: Date, limit = 50): Promise<DueAmberSession[]> {
  return tx<DueAmberSession[]>`
    select s.id, s.device_id, s.wearer_id, s.note, s.due_at, d.fix_lat as lat, d.fix_lon as lon, d.fix_acc as acc
    from amber_sessions s join devices d on d.id = s.device_id
    where s.ended_at is null and s.due_at <= ${now}
    order by s.due_at limit ${limit}
    for update of s skip locked`;
}

export async function expireAmberSession(
  tx: TransactionSql,
  sessionId: string,
  alarmId: string,
  at: Date,
): Promise<void> {
  await tx`update amber_sessions set ended_at = ${at}, end_reason = 'expired', alarm_id = ${alarmId} where id = ${sessionId}`;
}
