// Lone-worker shifts with a check-in interval: due_at is the durable deadline the clock watches.
import type { Sql, TransactionSql } from 'postgres';
import { shiftFromCheckin, type ShiftPattern } from '../rules/shift-rules.js';
import { inTransaction } from './in-transaction.js';

type Db = Sql | TransactionSql;

export interface Shift {
  id: string;
  deviceId: string;
  intervalS: number;
  graceS: number;
  startedAt: Date;
  lastCheckinAt: Date;
  dueAt: Date;
  /** When it is meant to end by itself; null = until ended through the API. */
  plannedEndAt: Date | null;
  /** A user's email, or `wearer` for a shift started by checking in. */
  startedBy: string;
  endedAt: Date | null;
  missedAlarmId: string | null;
}

const columns = (sql: Db) =>
  sql`id, device_id, interval_s, grace_s, started_at, started_by, last_checkin_at, due_at, planned_end_at, ended_at, missed_alarm_id`;

export const STARTED_BY_WEARER = 'wearer';

/** Starts a shift (ending any open one): the first check-in is due one interval from now. */
export async function startShift(
  sql: Sql,
  s: {
    deviceId: string;
    wearerId: string | null;
    intervalS: number;
    graceS: number;
    lengthS?: number;
    by: string;
    at: Date;
  },
): Promise<Shift> {
  const plannedEndAt = s.lengthS === undefined ? null : new Date(s.at.getTime() + s.lengthS * 1000);
  return inTransaction(sql, async (tx) => {
    await tx`update checkin_shifts set ended_at = ${s.at} where device_id = ${s.deviceId} and ended_at is null`;
    const [row] = await tx<Shift[]>`
      insert into checkin_shifts (device_id, wearer_id, interval_s, grace_s, started_at, started_by, last_checkin_at, due_at, planned_end_at)
      values (${s.deviceId}, ${s.wearerId}, ${s.intervalS}, ${s.graceS}, ${s.at}, ${s.by}, ${s.at},
              ${new Date(s.at.getTime() + s.intervalS * 1000)}, ${plannedEndAt})
      returning ${columns(tx)}`;
    return row;
  });
}

export async function endShift(sql: Db, deviceId: string, at: Date): Promise<Shift | null> {
  const [row] = await sql<
    Shift[]
  >`update checkin_shifts set ended_at = ${at} where device_id = ${deviceId} and ended_at is null returning ${columns(sql)}`;
  return row ?? null;
}

export async function openShift(sql: Db, deviceId: string): Promise<Shift | null> {
  const [row] = await sql<
    Shift[]
  >`select ${columns(sql)} from checkin_shifts where device_id = ${deviceId} and ended_at is null`;
  return row ?? null;
}

/**
 * "I'm OK": the next check-in is due one interval from now, and a missed one is behind us.
 * With no shift running, a device with a shift pattern starts one (shift-rules.ts); the shift
 * started is returned.
 */
export async function recordCheckin(tx: Db, deviceId: string, at: Date): Promise<Shift | null> {
  const running =
    await tx`update checkin_shifts set last_checkin_at = ${at}, due_at = ${at}::timestamptz + make_interval(secs => interval_s),
             missed_alarm_id = null
           where device_id = ${deviceId} and ended_at is null returning id`;
  if (running.length) return null;
  const [device] = await tx<(PatternRow & { wearerId: string | null; lastEndedAt: Date | null })[]>`
    select d.wearer_id, d.shift_interval_s, d.shift_length_s, d.shift_grace_s,
           (select max(ended_at) from checkin_shifts where device_id = d.id) as last_ended_at
    from devices d where d.id = ${deviceId}`;
  if (!device) return null;
  const start = shiftFromCheckin({ pattern: patternOf(device), lastEndedAt: device.lastEndedAt, at });
  if (!start) return null;
  const [row] = await tx<Shift[]>`
    insert into checkin_shifts (device_id, wearer_id, interval_s, grace_s, started_at, started_by, last_checkin_at, due_at, planned_end_at)
    values (${deviceId}, ${device.wearerId}, ${start.intervalS}, ${start.graceS}, ${at}, ${STARTED_BY_WEARER}, ${at}, ${start.dueAt}, ${start.plannedEndAt})
    on conflict (device_id) where ended_at is null do nothing
    returning ${columns(tx)}`;
  return row ?? null;
}

/** The device's shift pattern (null = shifts only through the API). */
export async function setShiftPattern(sql: Db, deviceId: string, pattern: ShiftPattern | null): Promise<boolean> {
  const rows =
    await sql`update devices set shift_interval_s = ${pattern?.intervalS ?? null}, shift_length_s = ${pattern?.lengthS ?? null},
                           shift_grace_s = ${pattern?.graceS ?? null}
                         where id = ${deviceId} returning id`;
  return rows.length === 1;
}

interface PatternRow {
  shiftIntervalS: number | null;
  shiftLengthS: number | null;
  shiftGraceS: number | null;
}

const patternOf = (row: PatternRow): ShiftPattern | null =>
  row.shiftIntervalS === null || row.shiftLengthS === null || row.shiftGraceS === null
    ? null
    : { intervalS: row.shiftIntervalS, lengthS: row.shiftLengthS, graceS: row.shiftGraceS };

/** null = no such device; `pattern` null = shifts only through the API. */
export async function getShiftPattern(sql: Db, deviceId: string): Promise<{ pattern: ShiftPattern | null } | null> {
  const [row] = await sql<
    PatternRow[]
  >`select shift_interval_s, shift_length_s, shift_grace_s from devices where id = ${deviceId}`;
  return row ? { pattern: patternOf(row) } : null;
}

/** Shifts past their planned end, locked; the caller closes those with nothing owed. */
export async function lockShiftsPastEnd(tx: TransactionSql, now: Date, limit = 100): Promise<Shift[]> {
  return tx<Shift[]>`select ${columns(tx)} from checkin_shifts
                     where ended_at is null and planned_end_at <= ${now}
                     order by planned_end_at limit ${limit} for update skip locked`;
}

export async function closeShift(tx: TransactionSql, shiftId: string, at: Date): Promise<void> {
  await tx`update checkin_shifts set ended_at = ${at} where id = ${shiftId} and ended_at is null`;
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
      -- (shift-rules.ts checkinExpected) a check-in due after the planned end was never owed
      and (s.planned_end_at is null or s.due_at < s.planned_end_at)
    order by s.due_at limit ${limit}
    for update of s skip locked`;
}

export async function markCheckinMissed(tx: TransactionSql, shiftId: string, alarmId: string): Promise<void> {
  await tx`update checkin_shifts set missed_alarm_id = ${alarmId} where id = ${shiftId}`;
}
