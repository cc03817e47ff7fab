// Night-time activity away from home, rolled up from the fixes (api/rules/night-away.ts decides
// each fix; this reads and writes). One night is built in small batches of wearers, so that a
// pass of the overnight rollup never holds the clock up for long at 10,000 devices: each batch
// reads only its wearers' fixes of that night, through the (device_id, ts) index.
import type { Sql, TransactionSql } from 'postgres';
import { addDays } from '../rules/local-dates.js';
import { nightClock, nightHoursKey, tallyNights, type NightHours } from '../rules/night-away.js';
import type { GeofenceShape } from '../rules/geofence-zone.js';
import { NO_ORGANISATION } from './insight-rollup.js';

type Db = Sql | TransactionSql;

export interface NightScope {
  timeZone: string;
  hours: NightHours;
}

/** Wearers per pass: their zones and a night of their fixes (a fix every few minutes) fit one small read. */
export const NIGHT_WEARER_BATCH = 200;
/** Nights before the newest closed one that are built at all: the review's year and its month. */
export const NIGHT_BACKFILL_DAYS = 400;

/**
 * The newest closed night (before `closedBefore`) not completely built, and the last wearer done
 * in it, from the oldest fix any device holds onwards; null when every such night is built.
 */
export async function nextNightToBuild(
  tx: Db,
  scope: NightScope,
  closedBefore: string,
): Promise<{ night: string; afterWearer: string | null } | null> {
  // A night under way goes on first (the cheap case: most passes).
  const [going] = await tx<{ night: string; afterWearer: string | null }[]>`
    select to_char(night_date, 'YYYY-MM-DD') as night, after_wearer from insight_night_builds
    where time_zone = ${scope.timeZone} and night_hours = ${nightHoursKey(scope.hours)} and completed_at is null and night_date < ${closedBefore}::date
    order by night_date desc limit 1`;
  if (going) return going;
  // Without a safe zone anywhere no fix can be away from home: nothing to build.
  const [zones] = await tx<
    { any: boolean }[]
  >`select exists (select 1 from geofences where kind = 'safe' and enabled) as any`;
  if (!zones.any) return null;
  // The oldest fix, device by device through the (device_id, ts) index: no scan of the fixes.
  const [first] = await tx<{ ms: string | null }[]>`
    select min(f.ts) as ms from devices d, lateral (select ts from fixes where device_id = d.id order by ts limit 1) f`;
  if (first.ms === null) return null;
  const oldest = new Date(Number(first.ms)).toISOString().slice(0, 10);
  const earliest = [addDays(oldest, -1), addDays(closedBefore, -NIGHT_BACKFILL_DAYS)].sort()[1];
  const [row] = await tx<{ night: string; afterWearer: string | null }[]>`
    select to_char(d, 'YYYY-MM-DD') as night, b.after_wearer
    from generate_series(${closedBefore}::date - 1, ${earliest}::date, interval '-1 day') d
    left join insight_night_builds b on b.time_zone = ${scope.timeZone} and b.night_hours = ${nightHoursKey(scope.hours)} and b.night_date = d::date
    where b.completed_at is null
    order by d desc limit 1`;
  return row ?? null;
}

/** [start, end) of a night as epoch ms: from its start hour on its date to its end hour (the next day when it wraps). */
async function nightBounds(tx: Db, scope: NightScope, night: string): Promise<{ startMs: number; endMs: number }> {
  const endDate = scope.hours.from < scope.hours.to ? night : addDays(night, 1);
  const [row] = await tx<{ startMs: number; endMs: number }[]>`
    select (extract(epoch from (${night}::date + make_interval(hours => ${scope.hours.from}))::timestamp at time zone ${scope.timeZone}) * 1000)::float8 as start_ms,
           (extract(epoch from (${endDate}::date + make_interval(hours => ${scope.hours.to}))::timestamp at time zone ${scope.timeZone}) * 1000)::float8 as end_ms`;
  return row;
}

/**
 * Builds the night for the next batch of wearers who have an enabled safe zone (home is known),
 * judged against their zones as they are now. Returns how many wearers it did; the night is
 * marked complete when the batch was the last.
 */
export async function buildNightBatch(
  tx: Db,
  scope: NightScope,
  night: string,
  afterWearer: string | null,
  now: Date,
): Promise<number> {
  const key = nightHoursKey(scope.hours);
  const zones = await tx<{ wearerId: string; organisationId: string; shape: GeofenceShape }[]>`
    with batch as (
      select distinct wearer_id from geofences
      where kind = 'safe' and enabled ${afterWearer ? tx`and wearer_id > ${afterWearer}` : tx``}
      order by wearer_id limit ${NIGHT_WEARER_BATCH})
    select g.wearer_id, coalesce(w.organisation_id, ${NO_ORGANISATION}::uuid) as organisation_id, g.shape
    from batch b join geofences g on g.wearer_id = b.wearer_id and g.kind = 'safe' and g.enabled
    join wearers w on w.id = b.wearer_id`;
  const wearers = new Map<string, { organisationId: string; shapes: GeofenceShape[] }>();
  for (const z of zones) {
    const w = wearers.get(z.wearerId) ?? { organisationId: z.organisationId, shapes: [] };
    w.shapes.push(z.shape);
    wearers.set(z.wearerId, w);
  }
  const ids = [...wearers.keys()].sort();
  if (ids.length > 0) {
    const { startMs, endMs } = await nightBounds(tx, scope, night);
    // Each fix belongs to the wearer who had the device when it was stored (device_wearer_periods).
    const fixes = await tx<{ wearerId: string; ts: string; lat: number; lon: number; acc: number | null }[]>`
      select p.wearer_id, f.ts, f.lat, f.lon, f.acc
      from device_wearer_periods p
      join fixes f on f.device_id = p.device_id and f.id > p.from_fix_id and (p.until_fix_id is null or f.id < p.until_fix_id)
      where p.wearer_id = any(${ids}::uuid[]) and f.ts >= ${Math.round(startMs)}::bigint and f.ts < ${Math.round(endMs)}::bigint`;
    const byWearer = new Map<string, { ts: number; lat: number; lon: number; acc: number | null }[]>();
    for (const f of fixes) {
      const list = byWearer.get(f.wearerId) ?? [];
      list.push({ ts: Number(f.ts), lat: f.lat, lon: f.lon, acc: f.acc });
      byWearer.set(f.wearerId, list);
    }
    const rows: { wearer_id: string; organisation_id: string; night_fixes: number; away_fixes: number }[] = [];
    const clock = nightClock(scope.timeZone, scope.hours);
    for (const [wearerId, list] of byWearer) {
      const w = wearers.get(wearerId)!;
      // The pure rule re-checks each fix's night (the SQL bounds are the same hours, to the second).
      const tally = tallyNights(list, w.shapes, clock).get(night);
      if (tally && tally.away > 0)
        rows.push({
          wearer_id: wearerId,
          organisation_id: w.organisationId,
          night_fixes: tally.fixes,
          away_fixes: tally.away,
        });
    }
    if (rows.length > 0) {
      await tx`
        insert into insight_night_away (time_zone, night_hours, night_date, wearer_id, organisation_id, night_fixes, away_fixes)
        select ${scope.timeZone}, ${key}, ${night}::date, r.wearer_id, r.organisation_id, r.night_fixes, r.away_fixes
        from jsonb_to_recordset(${tx.json(rows as never)}) as r(wearer_id uuid, organisation_id uuid, night_fixes int, away_fixes int)
        on conflict (time_zone, night_hours, night_date, wearer_id) do update
          set night_fixes = excluded.night_fixes, away_fixes = excluded.away_fixes, organisation_id = excluded.organisation_id`;
    }
  }
  const complete = ids.length < NIGHT_WEARER_BATCH;
  await tx`
    insert into insight_night_builds (time_zone, night_hours, night_date, after_wearer, completed_at)
    values (${scope.timeZone}, ${key}, ${night}, ${ids.at(-1) ?? afterWearer}, ${complete ? now : null})
    on conflict (time_zone, night_hours, night_date) do update set after_wearer = excluded.after_wearer, completed_at = excluded.completed_at`;
  return ids.length;
}

/** Nights away per wearer and month (the night's date's month), from the built nights. */
export async function nightsAwayByMonth(
  sql: Sql,
  scope: NightScope & { fromDate: string; toDate: string; organisationId?: string | null },
  wearerIds?: readonly string[],
): Promise<{ wearerId: string; month: string; nights: number }[]> {
  if (wearerIds && wearerIds.length === 0) return [];
  return sql<{ wearerId: string; month: string; nights: number }[]>`
    select n.wearer_id, to_char(n.night_date, 'YYYY-MM') as month, count(*)::int as nights
    from insight_night_away n
    ${
      // A join, not "= any(array)": a range of nights tested against a long array element by
      // element costs rows × wearers (seconds for the review's baseline at 10,000 wearers).
      wearerIds ? sql`join unnest(${wearerIds as string[]}::uuid[]) as c(id) on c.id = n.wearer_id` : sql``
    }
    where n.time_zone = ${scope.timeZone} and n.night_hours = ${nightHoursKey(scope.hours)}
      and n.night_date >= ${scope.fromDate}::date and n.night_date < ${scope.toDate}::date and n.away_fixes > 0
      ${scope.organisationId ? sql`and n.wearer_id in (select id from wearers where organisation_id = ${scope.organisationId})` : sql``}
    group by 1, 2`;
}

/** The newest night completely built (the review says how far its night figures reach). */
export async function nightsBuiltThrough(sql: Sql, scope: NightScope): Promise<string | null> {
  const [row] = await sql<{ d: string | null }[]>`
    select to_char(max(night_date), 'YYYY-MM-DD') as d from insight_night_builds
    where time_zone = ${scope.timeZone} and night_hours = ${nightHoursKey(scope.hours)} and completed_at is not null`;
  return row.d;
}
