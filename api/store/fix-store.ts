// Location fixes: stored in one statement per message, and the device's current position kept
// as the fix with the newest device time, not the last one received (spec, "Location fix").
import type { Sql, TransactionSql } from 'postgres';
import type { Fix } from '../../protocol/device-payloads.js';

type FixToStore = Pick<Fix, 'ts' | 'lat' | 'lon'> & Partial<Omit<Fix, 'ts' | 'lat' | 'lon'>>;

const KNOWN_FIELDS = new Set(['ts', 'lat', 'lon', 'acc', 'alt', 'speed', 'heading', 'batt', 'src']);

/** Unknown fields are ignored and kept (spec): they go to `extra`. */
function extraOf(fix: FixToStore): Record<string, unknown> | null {
  const extra = Object.entries(fix).filter(([k]) => !KNOWN_FIELDS.has(k));
  return extra.length ? Object.fromEntries(extra) : null;
}

/** Returns the device's open no-communication alarm, if any: hearing from it clears that. */
export async function upsertFixes(sql: Sql | TransactionSql, deviceId: string, fixes: FixToStore[], receivedAt: Date): Promise<string | null> {
  const rows = fixes.map((f) => ({
    deviceId,
    ts: f.ts,
    receivedAt,
    lat: f.lat,
    lon: f.lon,
    acc: f.acc ?? null,
    alt: f.alt ?? null,
    speed: f.speed ?? null,
    heading: f.heading ?? null,
    batt: f.batt ?? null,
    src: f.src ?? null,
    extra: extraOf(f),
  }));
  const newest = fixes.reduce((a, b) => (b.ts > a.ts ? b : a));
  // One round trip: insert every fix (a data-modifying WITH always runs to completion), then
  // move the current position only if this batch holds a newer fix.
  const [device] = await sql<{ commAlarmId: string | null }[]>`
    with inserted as (insert into fixes ${sql(rows as never)} returning 1)
    update devices set
      last_seen_at = greatest(last_seen_at, ${receivedAt}),
      fix_lat = case when fix_ts is null or fix_ts < ${newest.ts} then ${newest.lat} else fix_lat end,
      fix_lon = case when fix_ts is null or fix_ts < ${newest.ts} then ${newest.lon} else fix_lon end,
      fix_acc = case when fix_ts is null or fix_ts < ${newest.ts} then ${(newest.acc ?? null) as number | null}::real else fix_acc end,
      fix_ts  = greatest(fix_ts, ${newest.ts})
    where id = ${deviceId}
    returning comm_alarm_id`;
  return device?.commAlarmId ?? null;
}
