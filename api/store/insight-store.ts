// Reads for the insight views (README "Insight"): everything is counted in PostgreSQL, grouped
// to a few hundred rows, so a year of a large service answers quickly (bench/insight.ts). Test
// alarms and those linked to another (a repeat press of one incident) are not demand.
// An optional organisation narrows every read to its wearers' alarms.
import type { Sql } from 'postgres';
import { FALSE_CLOSURE_CODES } from '../rules/sla-targets.js';
import type { PreventionSignal } from '../rules/signal-rise.js';

export interface InsightScope {
  from: Date;
  to: Date;
  /** IANA zone hours of the week and months are counted in. */
  timeZone: string;
  organisationId?: string | null;
}

const orgFilter = (sql: Sql, organisationId: string | null | undefined) =>
  organisationId ? sql`and a.wearer_id in (select id from wearers where organisation_id = ${organisationId})` : sql``;

const demand = (sql: Sql, scope: InsightScope) =>
  sql`a.received_at >= ${scope.from} and a.received_at < ${scope.to} and not a.is_test and a.linked_to is null ${orgFilter(sql, scope.organisationId)}`;

export interface HourOfWeekCount {
  /** ISO day of the week, 1 Monday … 7 Sunday, local. */
  day: number;
  hour: number;
  type: string;
  count: number;
}

export async function arrivalsByHourOfWeek(sql: Sql, scope: InsightScope): Promise<HourOfWeekCount[]> {
  return sql<HourOfWeekCount[]>`
    select extract(isodow from a.received_at at time zone ${scope.timeZone})::int as day,
           extract(hour from a.received_at at time zone ${scope.timeZone})::int as hour,
           a.type, count(*)::int as count
    from alarms a where ${demand(sql, scope)}
    group by 1, 2, 3 order by 1, 2, 3`;
}

/**
 * Histogram edges, seconds. PostgreSQL's width_bucket puts x in bucket k when edges[k−1] ≤ x <
 * edges[k]: bucket 0 is "under 10 s", the last "600 s or more".
 */
export const ACCEPT_EDGES_S = [10, 20, 40, 60, 120, 180, 300, 600] as const;
export const HANDLE_EDGES_S = [60, 120, 300, 600, 900, 1800, 3600, 7200] as const;

export interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  max: number | null;
  /** Counts per bucket: under edges[0], edges[0] to under edges[1], …, the last edge or more. */
  buckets: number[];
}

export interface TypeTimes {
  type: string;
  arrivals: number;
  toAccept: Distribution;
  handling: Distribution;
}

/**
 * Time to accept (received → accepted) and handling time (accepted → resolved) by type, as
 * nearest-rank percentiles (percentile_disc, like the SLA report) and bucket counts.
 */
export async function responseTimes(sql: Sql, scope: InsightScope): Promise<TypeTimes[]> {
  const rows = await sql<
    {
      type: string;
      arrivals: number;
      acceptN: number;
      acceptP: (number | null)[] | null;
      acceptMax: number | null;
      handleN: number;
      handleP: (number | null)[] | null;
      handleMax: number | null;
    }[]
  >`
    with t as (
      select a.type,
             extract(epoch from a.accepted_at - a.received_at)::float8 as accept_s,
             extract(epoch from a.resolved_at - a.accepted_at)::float8 as handle_s
      from alarms a where ${demand(sql, scope)})
    select type, count(*)::int as arrivals,
           count(accept_s)::int as accept_n,
           percentile_disc(array[0.5, 0.9, 0.95]) within group (order by accept_s) as accept_p,
           max(accept_s) as accept_max,
           count(handle_s)::int as handle_n,
           percentile_disc(array[0.5, 0.9, 0.95]) within group (order by handle_s) as handle_p,
           max(handle_s) as handle_max
    from t group by type order by type`;
  const buckets = await sql<{ type: string; which: string; bucket: number; count: number }[]>`
    with t as (
      select a.type,
             extract(epoch from a.accepted_at - a.received_at)::float8 as accept_s,
             extract(epoch from a.resolved_at - a.accepted_at)::float8 as handle_s
      from alarms a where ${demand(sql, scope)})
    select type, 'accept' as which, width_bucket(accept_s, ${edgeArray(ACCEPT_EDGES_S)}::float8[]) as bucket, count(*)::int as count
    from t where accept_s is not null group by 1, 2, 3
    union all
    select type, 'handle', width_bucket(handle_s, ${edgeArray(HANDLE_EDGES_S)}::float8[]), count(*)::int
    from t where handle_s is not null group by 1, 2, 3`;
  const bucketsOf = (type: string, which: string, edges: readonly number[]) => {
    const counts = new Array(edges.length + 1).fill(0);
    for (const b of buckets) if (b.type === type && b.which === which) counts[b.bucket] += b.count;
    return counts;
  };
  return rows.map((r) => ({
    type: r.type,
    arrivals: r.arrivals,
    toAccept: { count: r.acceptN, p50: r.acceptP?.[0] ?? null, p90: r.acceptP?.[1] ?? null, p95: r.acceptP?.[2] ?? null, max: r.acceptMax, buckets: bucketsOf(r.type, 'accept', ACCEPT_EDGES_S) },
    handling: { count: r.handleN, p50: r.handleP?.[0] ?? null, p90: r.handleP?.[1] ?? null, p95: r.handleP?.[2] ?? null, max: r.handleMax, buckets: bucketsOf(r.type, 'handle', HANDLE_EDGES_S) },
  }));
}

const edgeArray = (edges: readonly number[]) => `{${edges.join(',')}}`;

/** Alarms per whole UTC hour from `from` (an hour boundary) to `to`, zeros included. */
export async function hourlyArrivals(sql: Sql, scope: Omit<InsightScope, 'timeZone'>): Promise<number[]> {
  const rows = await sql<{ count: number }[]>`
    with counts as (
      select date_trunc('hour', a.received_at) as hour, count(*)::int as n
      from alarms a
      where a.received_at >= ${scope.from} and a.received_at < ${scope.to} and not a.is_test and a.linked_to is null ${orgFilter(sql, scope.organisationId)}
      group by 1)
    select coalesce(c.n, 0)::int as count
    from generate_series(${scope.from}::timestamptz, ${scope.to}::timestamptz - interval '1 hour', interval '1 hour') as s(hour)
    left join counts c on c.hour = s.hour
    order by s.hour`;
  return rows.map((r) => r.count);
}

export interface StaffingSlot {
  day: number;
  hour: number;
  arrivals: number;
  /** Alarms in the slot that were accepted within 10, 40, 60, 180 s. */
  within10: number;
  within40: number;
  within60: number;
  within180: number;
  /** Sum over the slot's hours of the operators who accepted an alarm in that hour. */
  operatorHours: number;
}

/** Per hour of the week: arrivals, answers within each target line, and operators seen working. */
export async function staffingSlots(sql: Sql, scope: InsightScope): Promise<StaffingSlot[]> {
  return sql<StaffingSlot[]>`
    with t as (
      select a.received_at at time zone ${scope.timeZone} as local,
             extract(epoch from a.accepted_at - a.received_at) as accept_s, a.accepted_by
      from alarms a where ${demand(sql, scope)}),
    by_hour as (
      select date_trunc('hour', local) as hour, count(distinct accepted_by)::int as operators
      from t group by 1)
    select s.day, s.hour, s.arrivals, s.within10, s.within40, s.within60, s.within180, coalesce(o.operator_hours, 0)::int as operator_hours
    from (
      select extract(isodow from local)::int as day, extract(hour from local)::int as hour, count(*)::int as arrivals,
             count(*) filter (where accept_s <= 10)::int as within10,
             count(*) filter (where accept_s <= 40)::int as within40,
             count(*) filter (where accept_s <= 60)::int as within60,
             count(*) filter (where accept_s <= 180)::int as within180
      from t group by 1, 2) s
    left join (
      select extract(isodow from hour)::int as day, extract(hour from hour)::int as hour, sum(operators)::int as operator_hours
      from by_hour group by 1, 2) o on o.day = s.day and o.hour = s.hour
    order by 1, 2`;
}

/** Mean handling time (accept → resolve), seconds, over the scope; null without any. */
export async function meanHandlingS(sql: Sql, scope: InsightScope): Promise<number | null> {
  const [row] = await sql<{ mean: number | null }[]>`
    select avg(extract(epoch from a.resolved_at - a.accepted_at))::float8 as mean
    from alarms a where ${demand(sql, scope)} and a.accepted_at is not null and a.resolved_at is not null`;
  return row.mean;
}

/** Arrivals per hour of the week from wearers of one profile, and how many such wearers there are now. */
export async function profileDemand(sql: Sql, scope: InsightScope, profile: string): Promise<{ wearers: number; slots: { day: number; hour: number; arrivals: number }[] }> {
  const [count] = await sql<{ n: number }[]>`
    select count(*)::int as n from wearers where profile = ${profile}
    ${scope.organisationId ? sql`and organisation_id = ${scope.organisationId}` : sql``}`;
  const slots = await sql<{ day: number; hour: number; arrivals: number }[]>`
    select extract(isodow from a.received_at at time zone ${scope.timeZone})::int as day,
           extract(hour from a.received_at at time zone ${scope.timeZone})::int as hour, count(*)::int as arrivals
    from alarms a join wearers w on w.id = a.wearer_id
    where ${demand(sql, scope)} and w.profile = ${profile}
    group by 1, 2`;
  return { wearers: count.n, slots };
}

export interface MonthlySignals {
  wearerId: string;
  /** YYYY-MM, local. */
  month: string;
  counts: Record<PreventionSignal, number>;
}

/**
 * Per wearer and local month, the prevention signals, all from the alarms the ARC raised:
 * falls, SOS (with duress), no-motion; night_away: leaving a safe zone (geofence.left, which the
 * intake raises from the fixes) during the night hours; missed check-ins; false alarms (closure
 * codes of api/rules/sla-targets.ts); low battery; silent device (no_comm).
 */
export async function monthlySignals(sql: Sql, scope: InsightScope, night: { from: number; to: number }, wearerId?: string): Promise<MonthlySignals[]> {
  const nightHour =
    night.from > night.to
      ? sql`(extract(hour from a.received_at at time zone ${scope.timeZone}) >= ${night.from} or extract(hour from a.received_at at time zone ${scope.timeZone}) < ${night.to})`
      : sql`(extract(hour from a.received_at at time zone ${scope.timeZone}) >= ${night.from} and extract(hour from a.received_at at time zone ${scope.timeZone}) < ${night.to})`;
  const rows = await sql<({ wearerId: string; month: string } & Record<string, number>)[]>`
    select a.wearer_id, to_char(a.received_at at time zone ${scope.timeZone}, 'YYYY-MM') as month,
           count(*) filter (where a.type = 'fall')::int as falls,
           count(*) filter (where a.type in ('sos', 'duress'))::int as sos,
           count(*) filter (where a.type = 'no_motion')::int as no_motion,
           count(*) filter (where a.type = 'geofence.left' and ${nightHour})::int as night_away,
           count(*) filter (where a.type = 'checkin.missed')::int as missed_checkins,
           count(*) filter (where a.closure_code = any(${FALSE_CLOSURE_CODES as string[]}))::int as false_alarms,
           count(*) filter (where a.type = 'battery.low')::int as low_battery,
           count(*) filter (where a.type = 'no_comm')::int as silent_device
    from alarms a
    where a.wearer_id is not null and a.received_at >= ${scope.from} and a.received_at < ${scope.to} and not a.is_test
      ${wearerId ? sql`and a.wearer_id = ${wearerId}` : sql``}
      ${orgFilter(sql, scope.organisationId)}
    group by 1, 2`;
  return rows.map((r) => ({
    wearerId: r.wearerId,
    month: r.month,
    counts: {
      falls: r.falls,
      sos: r.sos,
      no_motion: r.noMotion,
      night_away: r.nightAway,
      missed_checkins: r.missedCheckins,
      false_alarms: r.falseAlarms,
      low_battery: r.lowBattery,
      silent_device: r.silentDevice,
    },
  }));
}

export interface ReviewWearer {
  id: string;
  name: string;
  profile: string;
  organisationId: string | null;
  createdAt: Date;
}

export async function wearersByIds(sql: Sql, ids: readonly string[]): Promise<ReviewWearer[]> {
  if (ids.length === 0) return [];
  return sql<ReviewWearer[]>`select id, name, profile, organisation_id, created_at from wearers where id = any(${ids as string[]}::uuid[])`;
}

/** Wearers who existed before `before` (the ones a review month can be judged for), by organisation. */
export async function wearersCreatedBefore(sql: Sql, before: Date, organisationId?: string | null): Promise<{ id: string; createdAt: Date }[]> {
  return sql<{ id: string; createdAt: Date }[]>`
    select id, created_at from wearers where created_at < ${before}
    ${organisationId ? sql`and organisation_id = ${organisationId}` : sql``}`;
}

export type ReviewOutcome = 'no_action' | 'call_made' | 'referred_early_help' | 'plan_changed';

export interface ReviewRecord {
  id: string;
  wearerId: string;
  month: string;
  outcome: ReviewOutcome;
  note: string;
  reviewer: string;
  reviewedAt: Date;
}

export async function insertReviewOutcome(
  sql: Sql,
  input: { wearerId: string; month: string; outcome: ReviewOutcome; note: string; shown: unknown; reviewedBy: string | null; reviewer: string; at: Date },
): Promise<ReviewRecord> {
  const [row] = await sql<ReviewRecord[]>`
    insert into early_help_reviews (wearer_id, month, outcome, note, shown, reviewed_by, reviewer, reviewed_at)
    values (${input.wearerId}, ${`${input.month}-01`}, ${input.outcome}, ${input.note}, ${sql.json(input.shown as never)}, ${input.reviewedBy}, ${input.reviewer}, ${input.at})
    returning id, wearer_id, to_char(month, 'YYYY-MM') as month, outcome, note, reviewer, reviewed_at`;
  return row;
}

/** The latest outcome per wearer for a review month. */
export async function outcomesForMonth(sql: Sql, month: string): Promise<ReviewRecord[]> {
  return sql<ReviewRecord[]>`
    select distinct on (wearer_id) id, wearer_id, to_char(month, 'YYYY-MM') as month, outcome, note, reviewer, reviewed_at
    from early_help_reviews where month = ${`${month}-01`}
    order by wearer_id, reviewed_at desc, id desc`;
}
