// Location fixes: any number of devices' fixes stored in one round trip, and each device's current
// position kept as the fix with the newest device time, not the last one received (spec,
// "Location fix"). Column arrays (unnest) keep the statement the same size whatever the batch.
import type { Sql, TransactionSql } from 'postgres';
import type { Fix } from '../../protocol/device-payloads.js';
import { asReal } from './single-precision.js';

type FixToStore = Pick<Fix, 'ts' | 'lat' | 'lon'> & Partial<Omit<Fix, 'ts' | 'lat' | 'lon'>>;

export interface FixMessage {
  deviceId: string;
  fixes: FixToStore[];
  receivedAt: Date;
}

const KNOWN_FIELDS = new Set(['ts', 'lat', 'lon', 'acc', 'alt', 'speed', 'heading', 'batt', 'src']);

/** The fix's own id, if it has one fit to be a key (a string of 1..64 characters, as an event's). */
export function fixIdOf(fix: FixToStore): string | null {
  const id = (fix as Record<string, unknown>).id;
  return typeof id === 'string' && id.length >= 1 && id.length <= 64 ? id : null;
}

/** Unknown fields are ignored and kept (spec): they go to `extra`. Most fixes have none. An id used as the key is not repeated there. */
function extraOf(fix: FixToStore, keyed: boolean): string | null {
  let extra: Record<string, unknown> | null = null;
  for (const k in fix)
    if (!KNOWN_FIELDS.has(k) && !(keyed && k === 'id')) (extra ??= {})[k] = (fix as Record<string, unknown>)[k];
  return extra && JSON.stringify(extra);
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/**
 * Stores every fix of every message (a fix with an id once per device: a resend of it is
 * skipped, migration 020_fix_once) and moves each device's current position if this batch holds
 * a newer fix. Returns, per device, its open no-communication alarm if any (hearing from the
 * device clears that).
 */
export async function storeFixBatch(
  sql: Sql | TransactionSql,
  messages: FixMessage[],
): Promise<Map<string, string | null>> {
  const rows = {
    deviceId: [] as string[],
    ts: [] as number[],
    receivedAt: [] as string[],
    lat: [] as number[],
    lon: [] as number[],
    acc: [] as (number | null)[],
    alt: [] as (number | null)[],
    speed: [] as (number | null)[],
    heading: [] as (number | null)[],
    batt: [] as (number | null)[],
    src: [] as (string | null)[],
    extra: [] as (string | null)[],
    fixId: [] as (string | null)[],
  };
  // One row per device for the update: its newest fix and latest receive time.
  const devices = new Map<string, { fix: FixToStore; seen: Date }>();
  for (const m of messages) {
    const receivedAt = m.receivedAt.toISOString();
    for (const f of m.fixes) {
      rows.deviceId.push(m.deviceId);
      rows.ts.push(f.ts);
      rows.receivedAt.push(receivedAt);
      rows.lat.push(f.lat);
      rows.lon.push(f.lon);
      rows.acc.push(asReal(f.acc as number | undefined));
      rows.alt.push(asReal(f.alt as number | undefined));
      rows.speed.push(asReal(f.speed as number | undefined));
      rows.heading.push(asReal(f.heading as number | undefined));
      rows.batt.push(asReal(f.batt as number | undefined));
      rows.src.push(orNull(f.src as string | undefined));
      const fixId = fixIdOf(f);
      rows.fixId.push(fixId);
      rows.extra.push(extraOf(f, fixId !== null));
      const known = devices.get(m.deviceId);
      if (!known) devices.set(m.deviceId, { fix: f, seen: m.receivedAt });
      else {
        if (f.ts > known.fix.ts) known.fix = f;
        if (m.receivedAt > known.seen) known.seen = m.receivedAt;
      }
    }
  }
  const ids = [...devices.keys()];
  const newest = [...devices.values()];
  const updated = await sql<{ id: string; commAlarmId: string | null }[]>`
    with inserted as (
      insert into fixes (device_id, ts, received_at, lat, lon, acc, alt, speed, heading, batt, src, extra, device_fix_id)
      select device_id, ts, received_at, lat, lon, acc, alt, speed, heading, batt, src, extra::jsonb, device_fix_id
      from unnest(${rows.deviceId}::text[], ${rows.ts}::bigint[], ${rows.receivedAt}::timestamptz[],
                  ${rows.lat}::float8[], ${rows.lon}::float8[], ${rows.acc}::real[], ${rows.alt}::real[],
                  ${rows.speed}::real[], ${rows.heading}::real[], ${rows.batt}::real[], ${rows.src}::text[],
                  ${rows.extra}::text[], ${rows.fixId}::text[])
        as f(device_id, ts, received_at, lat, lon, acc, alt, speed, heading, batt, src, extra, device_fix_id)
      -- a resend of a fix with an id (in this batch or before) is the same fix: stored once
      on conflict (device_id, device_fix_id) where device_fix_id is not null do nothing
      returning 1
    )
    update devices d set
      last_seen_at = greatest(d.last_seen_at, v.seen),
      fix_lat = case when d.fix_ts is null or d.fix_ts < v.ts then v.lat else d.fix_lat end,
      fix_lon = case when d.fix_ts is null or d.fix_ts < v.ts then v.lon else d.fix_lon end,
      fix_acc = case when d.fix_ts is null or d.fix_ts < v.ts then v.acc else d.fix_acc end,
      fix_ts  = greatest(d.fix_ts, v.ts)
    from unnest(${ids}::text[], ${newest.map((n) => n.fix.ts)}::bigint[], ${newest.map((n) => n.fix.lat)}::float8[],
                ${newest.map((n) => n.fix.lon)}::float8[], ${newest.map((n) => asReal(n.fix.acc as number | undefined))}::real[],
                ${newest.map((n) => n.seen.toISOString())}::timestamptz[])
      as v(id, ts, lat, lon, acc, seen)
    where d.id = v.id
    returning d.id, d.comm_alarm_id`.execute(); // sent now: callers pipeline it (event-store)
  return new Map(updated.map((u) => [u.id, u.commAlarmId]));
}

/** One device's fixes (a message, or an event's position). */
export async function upsertFixes(
  sql: Sql | TransactionSql,
  deviceId: string,
  fixes: FixToStore[],
  receivedAt: Date,
): Promise<string | null> {
  return (await storeFixBatch(sql, [{ deviceId, fixes, receivedAt }])).get(deviceId) ?? null;
}
