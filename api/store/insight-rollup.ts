// The insight rollups (api/db/migrations/017_insight.sql): counts per local day and hour of
// closed days, built by the first read that needs them and kept, so a year reads ~10^5 small
// rows instead of every alarm. A day is closed two days after it ended when none of its alarms
// is still open (accept and resolve times are then final); other days are counted from the
// alarms on every read, by the very same SELECT, so the two paths cannot disagree.
import type { PendingQuery, Row, Sql, TransactionSql } from 'postgres';
import { addDays, localDate } from '../rules/local-dates.js';

/** Stands for "no organisation" in the rollups' keys. */
export const NO_ORGANISATION = '00000000-0000-0000-0000-000000000000';

/** Whole local days [fromDate, toDate), "YYYY-MM-DD", in a zone, for one organisation or all. */
export interface DayScope {
  fromDate: string;
  toDate: string;
  timeZone: string;
  organisationId?: string | null;
}

const DAY_MS = 86_400_000;

/** The alarms that are demand in [local midnight of from, local midnight of to), with what the rollups need. */
function demandRows(sql: Sql, timeZone: string, fromDate: string, toDate: string) {
  return sql`
    select (a.received_at at time zone ${timeZone}) as local, a.type,
           coalesce(w.organisation_id, ${NO_ORGANISATION}::uuid) as org, coalesce(w.profile, 'none') as profile,
           extract(epoch from a.accepted_at - a.received_at)::float8 as accept_s,
           extract(epoch from a.resolved_at - a.accepted_at)::float8 as handle_s, a.accepted_by
    from alarms a left join wearers w on w.id = a.wearer_id
    where a.received_at >= (${fromDate}::date::timestamp at time zone ${timeZone})
      and a.received_at < (${toDate}::date::timestamp at time zone ${timeZone})
      and not a.is_test and a.linked_to is null`;
}

type Maker = (sql: Sql, timeZone: string, fromDate: string, toDate: string) => PendingQuery<Row[]>;

const hourRows: Maker = (sql, tz, from, to) => sql`
  with d as (${demandRows(sql, tz, from, to)})
  select ${tz}::text as time_zone, local::date as local_date, extract(hour from local)::smallint as local_hour, org as organisation_id, type,
         count(*)::int as arrivals,
         count(*) filter (where accept_s <= 10)::int as within10,
         count(*) filter (where accept_s <= 40)::int as within40,
         count(*) filter (where accept_s <= 60)::int as within60,
         count(*) filter (where accept_s <= 180)::int as within180,
         count(handle_s)::int as handled, coalesce(sum(handle_s), 0)::float8 as handle_sum_s
  from d group by 2, 3, 4, 5`;

const profileRows: Maker = (sql, tz, from, to) => sql`
  with d as (${demandRows(sql, tz, from, to)})
  select ${tz}::text as time_zone, local::date as local_date, extract(hour from local)::smallint as local_hour, org as organisation_id, profile, count(*)::int as arrivals
  from d group by 2, 3, 4, 5`;

const operatorRows: Maker = (sql, tz, from, to) => sql`
  with d as (${demandRows(sql, tz, from, to)})
  select ${tz}::text as time_zone, local::date as local_date, extract(hour from local)::smallint as local_hour, org as organisation_id,
         count(distinct accepted_by)::int as operators
  from d group by 2, 3, 4`;

const timeRows: Maker = (sql, tz, from, to) => sql`
  with d as (${demandRows(sql, tz, from, to)}),
  b as (
    select local::date as local_date, org, type, 'accept' as measure, least(ceil(accept_s), 121)::int as bucket, count(*)::int as n, max(accept_s) as m
    from d where accept_s is not null group by 1, 2, 3, 4, 5
    union all
    select local::date, org, type, 'handle', least(ceil(handle_s / 30), 145)::int, count(*)::int, max(handle_s)
    from d where handle_s is not null group by 1, 2, 3, 4, 5)
  select ${tz}::text as time_zone, local_date, org as organisation_id, type, measure, jsonb_object_agg(bucket, n) as histogram, max(m)::float8 as max_s
  from b group by 2, 3, 4, 5`;

// Each maker selects the columns of its table in the table's order (time_zone first), so a built
// day is `insert … select *` and a read is `select * … union all select *`.
const TABLES = [
  { table: 'insight_hour_rollup', rows: hourRows },
  { table: 'insight_profile_rollup', rows: profileRows },
  { table: 'insight_operator_rollup', rows: operatorRows },
  { table: 'insight_time_rollup', rows: timeRows },
] as const;

/** Consecutive dates grouped into [from, to) runs. */
function runsOf(dates: readonly string[]): { from: string; to: string }[] {
  const runs: { from: string; to: string }[] = [];
  for (const d of [...dates].sort()) {
    const last = runs[runs.length - 1];
    if (last && last.to === d) last.to = addDays(d, 1);
    else runs.push({ from: d, to: addDays(d, 1) });
  }
  return runs;
}

function datesIn(fromDate: string, toDate: string): string[] {
  const dates: string[] = [];
  for (let d = fromDate; d < toDate; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/**
 * Builds the rollups of the scope's closed days not built yet, and returns the runs of days that
 * are not (and so are read from the alarms). One builder at a time (an advisory lock); a day
 * another reader built meanwhile is skipped.
 */
export async function ensureRollups(sql: Sql, scope: DayScope, now: Date): Promise<{ from: string; to: string }[]> {
  const { timeZone } = scope;
  const closedBefore = closedBeforeDate(now, timeZone);
  const open = await sql<{ d: string }[]>`
    select distinct to_char(received_at at time zone ${timeZone}, 'YYYY-MM-DD') as d from alarms where status <> 'resolved'`;
  const openDays = new Set(open.map((o) => o.d));
  const wanted = datesIn(scope.fromDate, scope.toDate);
  const built = async () =>
    new Set(
      (
        await sql<{ d: string }[]>`
          select to_char(local_date, 'YYYY-MM-DD') as d from insight_rollup_days
          where time_zone = ${timeZone} and local_date >= ${scope.fromDate}::date and local_date < ${scope.toDate}::date`
      ).map((r) => r.d),
    );
  let done = await built();
  const toBuild = wanted.filter((d) => d < closedBefore && !openDays.has(d) && !done.has(d));
  if (toBuild.length > 0) {
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${ROLLUP_LOCK})`;
      await buildDays(tx, timeZone, toBuild, now);
    });
    done = await built();
  }
  return runsOf(wanted.filter((d) => !done.has(d)));
}

/** The advisory lock every rollup builder holds: the readers above and the overnight sweep. */
export const ROLLUP_LOCK = 1_716_017_017;

/** Builds the rollups of these days, skipping any built meanwhile. The caller holds ROLLUP_LOCK. */
async function buildDays(tx: TransactionSql, timeZone: string, dates: readonly string[], now: Date): Promise<string[]> {
  const already = new Set(
    (
      await tx<
        { d: string }[]
      >`select to_char(local_date, 'YYYY-MM-DD') as d from insight_rollup_days where time_zone = ${timeZone} and local_date = any(${dates as string[]}::date[])`
    ).map((r) => r.d),
  );
  const fresh = dates.filter((d) => !already.has(d));
  for (const run of runsOf(fresh)) {
    for (const t of TABLES) {
      await tx`insert into ${tx(t.table)} select * from (${t.rows(tx as unknown as Sql, timeZone, run.from, run.to)}) r`;
    }
    await tx`insert into insight_rollup_days (time_zone, local_date, built_at)
             select ${timeZone}, d::date, ${now} from generate_series(${run.from}::date, ${run.to}::date - 1, interval '1 day') d`;
  }
  return fresh;
}

/** Days back from the newest closed one that the overnight rollup builds: the longest period a view reads (104 weeks). */
export const ROLLUP_BACKFILL_DAYS = 735;

/**
 * The overnight rollup's share (api/clock/insight-rollup-sweep.ts): builds up to `limit` closed
 * days not built yet, newest first, back to the first alarm. A day with an alarm still open
 * waits. The caller holds ROLLUP_LOCK. Returns the days built.
 */
export async function buildNextRollupDays(
  tx: TransactionSql,
  timeZone: string,
  now: Date,
  limit: number,
): Promise<string[]> {
  const closedBefore = closedBeforeDate(now, timeZone);
  const due = await tx<{ d: string }[]>`
    with first as (select (min(received_at) at time zone ${timeZone})::date as d from alarms)
    select to_char(s, 'YYYY-MM-DD') as d
    from first, generate_series(${closedBefore}::date - 1, greatest(first.d, ${closedBefore}::date - ${ROLLUP_BACKFILL_DAYS}::int), interval '-1 day') s
    where first.d is not null
      and not exists (select 1 from insight_rollup_days r where r.time_zone = ${timeZone} and r.local_date = s::date)
      and not exists (select 1 from alarms a where a.status <> 'resolved'
                      and a.received_at >= (s::date::timestamp at time zone ${timeZone}) and a.received_at < ((s::date + 1)::timestamp at time zone ${timeZone}))
    order by s desc limit ${limit}`;
  return due.length
    ? buildDays(
        tx,
        timeZone,
        due.map((r) => r.d),
        now,
      )
    : [];
}

/** Days before this local date are closed: two days past, so late accepts and resolves are in. */
export function closedBeforeDate(now: Date, timeZone: string): string {
  return localDate(new Date(now.getTime() - 2 * DAY_MS), timeZone);
}

/**
 * Rows of one rollup over the scope: the built days from the table, the others from the alarms,
 * with the organisation filter applied to both.
 */
export function rollupUnion(
  sql: Sql,
  which: (typeof TABLES)[number]['table'],
  scope: DayScope,
  rawRuns: readonly { from: string; to: string }[],
) {
  const t = TABLES.find((x) => x.table === which)!;
  const org = scope.organisationId ? sql`where organisation_id = ${scope.organisationId}` : sql``;
  let union = sql`
    select * from ${sql(t.table)}
    where time_zone = ${scope.timeZone} and local_date >= ${scope.fromDate}::date and local_date < ${scope.toDate}::date`;
  for (const run of rawRuns)
    union = sql`${union} union all select * from (${t.rows(sql, scope.timeZone, run.from, run.to)}) r`;
  return sql`select * from (${union}) u ${org}`;
}
