// The carer's view of their own people: never operator notes, other wearers or other carers.
// Every read here starts from the carer's links; alarms a carer may see are never duress
// (flags.silent) and never from a device on test.
import type { Sql, TransactionSql } from 'postgres';
import { carerAlarmStatus, CARER_ALARM_KINDS, type CarerAlarmFacts } from '../rules/carer-alarm-words.js';
import type {
  CarerAlarmStatus,
  CarerPosition,
  CarerPreferences,
  CarerSafeZone,
  CarerWearer,
} from '../live/carer-contract.js';

/** The audit action of every look by a carer at a location (list, trail, zones, live), with the wearer ids. */
export const CARER_VIEWED_LOCATIONS = 'carer.viewed_locations';

/** The alarms a carer may know of: the condition is written once, here. */
const carerVisible = (sql: Sql) => sql`not a.is_test and not coalesce((a.flags->>'silent')::boolean, false)`;

/**
 * Which stored fixes belong to a wearer: those stored while one of their devices was theirs
 * (migration 012_device_wearer_history, device_wearer_periods), never another wearer's, before or after; a device
 * passed on keeps its earlier fixes with the person who had it (issue 12, item 9).
 */
const fixInPeriod = (sql: Sql) =>
  sql`f.device_id = p.device_id and f.id > p.from_fix_id and (p.until_fix_id is null or f.id < p.until_fix_id)`;

interface WearerRow {
  id: string;
  name: string;
  carersEditSafeZones: boolean;
  lastSeenAt: Date | null;
  batt: number | null;
  charging: boolean | null;
  fixTs: string | null;
  fixLat: number | null;
  fixLon: number | null;
  fixAcc: number | null;
}

export async function listCarerWearers(sql: Sql, carerId: string, now: Date): Promise<CarerWearer[]> {
  // Last seen and battery from the device heard from most recently; the position is the newest
  // fix (by device time, as the spec defines the current position) of any of their devices.
  const rows = await sql<WearerRow[]>`
    select w.id, w.name, w.carers_edit_safe_zones, d.last_seen_at, d.batt, d.charging,
           p.ts as fix_ts, p.lat as fix_lat, p.lon as fix_lon, p.acc as fix_acc
    from carer_links l
    join wearers w on w.id = l.wearer_id
    left join lateral (select * from devices d where d.wearer_id = w.id
                       order by d.last_seen_at desc nulls last limit 1) d on true
    left join lateral (select x.* from device_wearer_periods p
                       cross join lateral (select f.ts, f.lat, f.lon, f.acc from fixes f
                                           where ${fixInPeriod(sql)}
                                           order by f.ts desc limit 1) x
                       where p.wearer_id = w.id order by x.ts desc limit 1) p on true
    where l.carer_id = ${carerId}
    order by w.name, w.id`;
  const facts = await alarmFacts(
    sql,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
    batt: r.batt,
    charging: r.charging,
    position:
      r.fixTs === null || r.fixLat === null || r.fixLon === null
        ? null
        : { lat: r.fixLat, lon: r.fixLon, acc: r.fixAcc, ts: Number(r.fixTs) },
    alarm: carerAlarmStatus(r.name, facts.get(r.id) ?? NO_ALARMS, now),
    zonesEditable: r.carersEditSafeZones,
  }));
}

const NO_ALARMS: CarerAlarmFacts = { openCount: 0, oldestOpen: null, lastClosed: null };

async function alarmFacts(sql: Sql, wearerIds: string[]): Promise<Map<string, CarerAlarmFacts>> {
  if (!wearerIds.length) return new Map();
  const rows = await sql<
    {
      wearerId: string;
      openCount: number;
      openType: string | null;
      openSince: Date | null;
      closedType: string | null;
      closedAt: Date | null;
    }[]
  >`
    select w.id as wearer_id,
           (select count(*)::int from alarms a where a.wearer_id = w.id and a.status <> 'resolved' and ${carerVisible(sql)}) as open_count,
           o.type as open_type, o.received_at as open_since, c.type as closed_type, c.resolved_at as closed_at
    from unnest(${wearerIds}::uuid[]) as w(id)
    left join lateral (select a.type, a.received_at from alarms a
                       where a.wearer_id = w.id and a.status <> 'resolved' and ${carerVisible(sql)}
                       order by a.received_at limit 1) o on true
    left join lateral (select a.type, a.resolved_at from alarms a
                       where a.wearer_id = w.id and a.status = 'resolved' and ${carerVisible(sql)}
                       order by a.resolved_at desc limit 1) c on true`;
  return new Map(
    rows.map((r) => [
      r.wearerId,
      {
        openCount: r.openCount,
        oldestOpen: r.openType && r.openSince ? { type: r.openType, receivedAt: r.openSince } : null,
        lastClosed: r.closedType && r.closedAt ? { type: r.closedType, resolvedAt: r.closedAt } : null,
      },
    ]),
  );
}

/** The alarm sentence for one person, as pushed after an alarm of theirs changed. */
export async function wearerAlarmStatus(sql: Sql, wearerId: string, now: Date): Promise<CarerAlarmStatus | null> {
  const [wearer] = await sql<{ name: string }[]>`select name from wearers where id = ${wearerId}`;
  if (!wearer) return null;
  const facts = (await alarmFacts(sql, [wearerId])).get(wearerId) ?? NO_ALARMS;
  return carerAlarmStatus(wearer.name, facts, now);
}

/** Whether the carer may see this wearer: the one check in front of every per-wearer read. */
export async function isLinked(sql: Sql, carerId: string, wearerId: string): Promise<boolean> {
  const rows = await sql`select 1 from carer_links where carer_id = ${carerId} and wearer_id = ${wearerId}`;
  return rows.length === 1;
}

export async function linkedWearerIds(sql: Sql, carerId: string): Promise<string[]> {
  const rows = await sql<{ wearerId: string }[]>`select wearer_id from carer_links where carer_id = ${carerId}`;
  return rows.map((r) => r.wearerId);
}

/** The carers (active accounts) linked to a wearer now: whom a push for that wearer may reach. */
/** A carer given another role: their links go; resolves with the people they were linked to. */
export async function removeCarerLinksOf(sql: Sql | TransactionSql, carerId: string): Promise<string[]> {
  const rows = await sql<
    { wearerId: string }[]
  >`delete from carer_links where carer_id = ${carerId} returning wearer_id`;
  return rows.map((r) => r.wearerId).sort();
}

export async function linkedCarerIds(sql: Sql, wearerId: string): Promise<string[]> {
  const rows = await sql<{ carerId: string }[]>`
    select l.carer_id from carer_links l join users u on u.id = l.carer_id
    where l.wearer_id = ${wearerId} and u.role = 'carer' and not u.disabled`;
  return rows.map((r) => r.carerId);
}

export async function wearerOfDevice(sql: Sql, deviceId: string): Promise<string | null> {
  const [row] = await sql<{ wearerId: string | null }[]>`select wearer_id from devices where id = ${deviceId}`;
  return row?.wearerId ?? null;
}

/** Most points one trail answer carries (a fix every 15 s for 24 hours is 5,760). */
export const TRAIL_LIMIT = 10_000;

export async function wearerTrail(
  sql: Sql,
  wearerId: string,
  from: Date,
  to: Date,
): Promise<{ points: CarerPosition[]; truncated: boolean }> {
  const rows = await sql<{ ts: string; lat: number; lon: number; acc: number | null }[]>`
    select f.ts, f.lat, f.lon, f.acc from device_wearer_periods p join fixes f on ${fixInPeriod(sql)}
    where p.wearer_id = ${wearerId} and f.ts >= ${from.getTime()} and f.ts < ${to.getTime()}
    order by f.ts desc limit ${TRAIL_LIMIT + 1}`;
  const truncated = rows.length > TRAIL_LIMIT;
  const points = rows
    .slice(0, TRAIL_LIMIT)
    .reverse()
    .map((r) => ({ ts: Number(r.ts), lat: r.lat, lon: r.lon, acc: r.acc }));
  return { points, truncated };
}

export async function safeZonesEditable(sql: Sql, wearerId: string): Promise<boolean> {
  const [row] = await sql<
    { carersEditSafeZones: boolean }[]
  >`select carers_edit_safe_zones from wearers where id = ${wearerId}`;
  return row?.carersEditSafeZones ?? false;
}

/** Safe zones only: an exclusion zone can reveal a perpetrator's address. */
export async function listSafeZones(sql: Sql, wearerId: string): Promise<CarerSafeZone[]> {
  return sql<CarerSafeZone[]>`
    select id, name, shape, active_hours, enabled from geofences
    where wearer_id = ${wearerId} and kind = 'safe' order by created_at, id`;
}

/** The safe zone of this wearer with that id, if there is one (never an exclusion zone). */
export async function isSafeZoneOf(sql: Sql, wearerId: string, zoneId: string): Promise<boolean> {
  const rows = await sql`select 1 from geofences where id = ${zoneId} and wearer_id = ${wearerId} and kind = 'safe'`;
  return rows.length === 1;
}

/** Every kind, by email to the login address: what a carer gets before choosing. */
export const DEFAULT_CARER_PREFERENCES: CarerPreferences = {
  channel: 'email',
  phone: null,
  kinds: [...CARER_ALARM_KINDS],
};

export async function getCarerPreferences(sql: Sql, carerId: string): Promise<CarerPreferences> {
  const [row] = await sql<
    CarerPreferences[]
  >`select channel, phone, kinds from carer_preferences where carer_id = ${carerId}`;
  return row ? { channel: row.channel, phone: row.phone, kinds: row.kinds } : DEFAULT_CARER_PREFERENCES;
}

export async function saveCarerPreferences(
  sql: Sql,
  carerId: string,
  preferences: CarerPreferences,
  now: Date,
): Promise<void> {
  await sql`
    insert into carer_preferences (carer_id, channel, phone, kinds, updated_at)
    values (${carerId}, ${preferences.channel}, ${preferences.phone}, ${preferences.kinds}::text[], ${now})
    on conflict (carer_id) do update set channel = excluded.channel, phone = excluded.phone,
      kinds = excluded.kinds, updated_at = excluded.updated_at`;
}
