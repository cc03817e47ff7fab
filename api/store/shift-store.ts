// Lone-worker shifts with a check-in interval: due_at is the durable deadline the clock watches.
import type { Sql, TransactionSql } from 'postgres';

type Db = Sql | TransactionSql;

export interface Shift {
  id: string;
  deviceId: string;
  intervalS: number;
  graceS: number;
  startedAt: Date;
  lastCheckinAt: Date;
  dueAt: Date;
  endedAt: Date | null;
  missedAlarmId: string | null;
}

const columns = (sql: Db) => sql`id, device_id, interval_s, grace_s, started_at, last_checkin_at, due_at, ended_at, missed_alarm_id`;

/** Starts a shift (ending any open one): the first check-in is due one interval from now. */
export async function startShift(sql: Sql, s: { deviceId: string; wearerId: string | null; intervalS: number; graceS: number; by: string; at: Date }): Promise<Shift> {
  return sql.begin(async (tx) => {
    await tx`update checkin_shifts set ended_at = ${s.at} where device_id = ${s.deviceId} and ended_at is null`;
    const [row] = await tx<Shift[]>`
      insert into checkin_shifts (device_id, wearer_id, interval_s, grace_s, started_at, started_by, last_checkin_at, due_at)
      values (${s.deviceId}, ${s.wearerId}, ${s.intervalS}, ${s.graceS}, ${s.at}, ${s.by}, ${s.at},
              ${new Date(s.at.getTime() + s.intervalS * 1000)})
      returning ${columns(tx)}`;
    return row;
  });
}

export async function endShift(sql: Db, deviceId: string, at: Date): Promise<Shift | null> {
  const [row] = await sql<Shift[]>`update checkin_shifts set ended_at = ${at} where device_id = ${deviceId} and ended_at is null returning ${columns(sql)}`;
  return row ?? null;
}

export async function openShift(sql: Db, deviceId: string): Promise<Shift | null> {
  const [row] = await sql<Shift[]>`select ${columns(sql)} from checkin_shifts where device_id = ${deviceId} and ended_at is null`;
  return row ?? null;
}

/** "I'm OK": the next check-in is due one interval from now, and a missed one is behind us. */
export async function recordCheckin(tx: Db, deviceId: string, at: Date): Promise<void> {
  await tx`update checkin_shifts set last_checkin_at = ${at}, due_at = ${at}::timestamptz + make_interval(secs => interval_s),
             missed_alarm_id = null
           where device_id = ${deviceId} and ended_at is null`;
}

export interface DueShift {
  id: string;
  deviceId: string;
  wearerId: string | null;
  dueAt: Date;
  graceS: number;
  intervalS: number;
  lat: number | null;
  lon: number | null;
  acc: number | null;
}

/** Shifts whose check-in is overdue beyond their grace and not yet alarmed, locked. */
export async function lockMissedCheckins(tx: TransactionSql, now: Date, limit = 50): Promise<DueShift[]> {
  return tx<DueShift[]>`
    select s.id, s.device_id, s.wearer_id, s.due_at, s.grace_s, s.interval_s, d.fix_lat as lat, d.fix_lon as lon, d.fix_acc as acc
    from checkin_shifts s join devices d on d.id = s.device_id
    where s.ended_at is null and s.missed_alarm_id is null
      and s.due_at + make_interval(secs => s.grace_s) <= ${now}
    order by s.due_at limit ${limit}
    for update of s skip locked`;
}

export async function markCheckinMissed(tx: TransactionSql, shiftId: string, alarmId: string): Promise<void> {
  await tx`update checkin_shifts set missed_alarm_id = ${alarmId} where id = ${shiftId}`;
}
