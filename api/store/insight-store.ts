// Reads for the insight views (docs/guides/insight.md): everything is counted in PostgreSQL, grouped
// to a few hundred rows, so a year of a large service answers quickly (bench/insight.ts). Test
// alarms and those linked to another (a repeat press of one incident) are not demand.
// An optional organisation narrows every read to its wearers' alarms.
import type { Sql, TransactionSql } from 'postgres';
import { PREVENTION_SIGNALS, type PreventionSignal } from '../rules/signal-rise.js';
import type { NightHours } from '../rules/night-away.js';
import { nightsAwayByMonth } from './night-away-store.js';
import { ensureRollups, rollupUnion, type DayScope } from './insight-rollup.js';
import { signalMonths, type MonthScope } from './signal-month-store.js';

export interface InsightScope {
  from: Date;
  to: Date;
  /** IANA zone hours of the week and months are counted in. */
  timeZone: string;
  organisationId?: string | null;
}

const orgFilter = (sql: Sql, organisationId: string | null | undefined) =>
  organisationId ? sql`and a.wearer_id in (select id from wearers where organisation_id = ${organisationId})` : sql``;

export interface HourOfWeekCount {
  /** ISO day of the week, 1 Monday … 7 Sunday, local. */
  day: number;
  hour: number;
  type: string;
  count: number;
}

export async function arrivalsByHourOfWeek(sql: Sql, scope: DayScope, now: Date): Promise<HourOfWeekCount[]> {
  const raw = await ensureRollups(sql, scope, now);
  return sql<HourOfWeekCount[]>`
    select extract(isodow from local_date)::int as day, local_hour::int as hour, type, sum(arrivals)::int as count
    from (${rollupUnion(sql, 'insight_hour_rollup', scope, raw)}) r
    group by 1, 2, 3 order by 1, 2, 3`;
}

/**
 * Chart buckets, seconds: bucket k holds edges[k−1] < x ≤ edges[k]; bucket 0 is "10 s or less",
 * the last "over 600 s".
 */
export const ACCEPT_EDGES_S = [10, 20, 40, 60, 120, 180, 300, 600] as const;
export const HANDLE_EDGES_S = [60, 120, 300, 600, 900, 1800, 3600, 7200] as const;

/** The rollups' fine buckets (api/db/migrations/017_insight.sql): upper bound of bucket b, seconds. */
const ACCEPT_STEP_S = 1;
const ACCEPT_OVER = 121;
const HANDLE_STEP_S = 30;
const HANDLE_OVER = 145;

export interface Distribution {
  count: number;
  /** Percentiles by nearest rank on the rollup's fine buckets: the bucket's upper bound (1 s for time to accept, 30 s for handling); null past the last bucket. */
  p50: number | null;
  p90: number | null;
  p95: number | null;
  max: number | null;
  /** Counts per chart bucket: up to edges[0], over edges[0] up to edges[1], …, over the last edge. */
  buckets: number[];
}

export interface TypeTimes {
  type: string;
  arrivals: number;
  toAccept: Distribution;
  handling: Distribution;
}

function distribution(
  fine: Map<number, number>,
  max: number | null,
  step: number,
  over: number,
  edges: readonly number[],
): Distribution {
  const count = [...fine.values()].reduce((a, b) => a + b, 0);
  const ordered = [...fine.entries()].sort((a, b) => a[0] - b[0]);
  const percentile = (p: number) => {
    if (count === 0) return null;
    const rank = Math.ceil((p * count) / 100);
    let seen = 0;
    for (const [bucket, n] of ordered) {
      seen += n;
      if (seen >= rank) return bucket >= over ? null : bucket * step;
    }
    return null;
  };
  const buckets = new Array(edges.length + 1).fill(0);
  for (const [bucket, n] of ordered) {
    const upper = bucket >= over ? Number.POSITIVE_INFINITY : bucket * step;
    const k = edges.findIndex((e) => upper <= e);
    buckets[k < 0 ? edges.length : k] += n;
  }
  return { count, p50: percentile(50), p90: percentile(90), p95: percentile(95), max, buckets };
}

/** Time to accept (received → accepted) and handling time (accepted → resolved) by type. */
export async function responseTimes(sql: Sql, scope: DayScope, now: Date): Promise<TypeTimes[]> {
  const raw = await ensureRollups(sql, scope, now);
  const [arrivals, hist] = await Promise.all([
    sql<{ type: string; arrivals: number }[]>`
      select type, sum(arrivals)::int as arrivals from (${rollupUnion(sql, 'insight_hour_rollup', scope, raw)}) r group by 1 order by 1`,
    sql<{ type: string; measure: 'accept' | 'handle'; histogram: Record<string, number>; maxS: number }[]>`
      select type, measure, histogram, max_s from (${rollupUnion(sql, 'insight_time_rollup', scope, raw)}) r`,
  ]);
  const fine = new Map<string, { counts: Map<number, number>; max: number | null }>();
  for (const h of hist) {
    const key = `${h.type}|${h.measure}`;
    let f = fine.get(key);
    if (!f) fine.set(key, (f = { counts: new Map(), max: null }));
    for (const [bucket, n] of Object.entries(h.histogram))
      f.counts.set(Number(bucket), (f.counts.get(Number(bucket)) ?? 0) + n);
    f.max = Math.max(f.max ?? 0, h.maxS);
  }
  const of = (type: string, measure: string) =>
    fine.get(`${type}|${measure}`) ?? { counts: new Map<number, number>(), max: null };
  return arrivals.map((a) => ({
    type: a.type,
    arrivals: a.arrivals,
    toAccept: distribution(
      of(a.type, 'accept').counts,
      of(a.type, 'accept').max,
      ACCEPT_STEP_S,
      ACCEPT_OVER,
      ACCEPT_EDGES_S,
    ),
    handling: distribution(
      of(a.type, 'handle').counts,
      of(a.type, 'handle').max,
      HANDLE_STEP_S,
      HANDLE_OVER,
      HANDLE_EDGES_S,
    ),
  }));
}

/** Alarms per whole UTC hour from `from` (an hour boundary) to `to`, zeros included. */
export async function hourlyArrivals(
  sql: Sql,
  scope: { from: Date; to: Date; organisationId?: string | null },
): Promise<number[]> {
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
  /** Sum over the slot's hours of the operators who accepted an alarm in that hour (per organisation). */
  operatorHours: number;
}

/** Per hour of the week: arrivals, answers within each target line, and operators seen working; and the mean handling time. */
export async function staffingSlots(
  sql: Sql,
  scope: DayScope,
  now: Date,
): Promise<{ slots: StaffingSlot[]; meanHandleS: number | null }> {
  const raw = await ensureRollups(sql, scope, now);
  const [slots, operators, handle] = await Promise.all([
    sql<Omit<StaffingSlot, 'operatorHours'>[]>`
      select extract(isodow from local_date)::int as day, local_hour::int as hour, sum(arrivals)::int as arrivals,
             sum(within10)::int as within10, sum(within40)::int as within40, sum(within60)::int as within60, sum(within180)::int as within180
      from (${rollupUnion(sql, 'insight_hour_rollup', scope, raw)}) r group by 1, 2`,
    sql<{ day: number; hour: number; operatorHours: number }[]>`
      select extract(isodow from local_date)::int as day, local_hour::int as hour, sum(operators)::int as operator_hours
      from (${rollupUnion(sql, 'insight_operator_rollup', scope, raw)}) r group by 1, 2`,
    sql<{ mean: number | null }[]>`
      select (sum(handle_sum_s) / nullif(sum(handled), 0))::float8 as mean from (${rollupUnion(sql, 'insight_hour_rollup', scope, raw)}) r`,
  ]);
  const ops = new Map(operators.map((o) => [`${o.day}-${o.hour}`, o.operatorHours]));
  return {
    slots: slots
      .map((s) => ({ ...s, operatorHours: ops.get(`${s.day}-${s.hour}`) ?? 0 }))
      .sort((a, b) => a.day - b.day || a.hour - b.hour),
    meanHandleS: handle[0].mean,
  };
}

/** Arrivals per hour of the week from wearers of one profile, and how many such wearers there are now. */
export async function profileDemand(
  sql: Sql,
  scope: DayScope,
  now: Date,
  profile: string,
): Promise<{ wearers: number; slots: { day: number; hour: number; arrivals: number }[] }> {
  const raw = await ensureRollups(sql, scope, now);
  const [count] = await sql<{ n: number }[]>`
    select count(*)::int as n from wearers where profile = ${profile}
    ${scope.organisationId ? sql`and organisation_id = ${scope.organisationId}` : sql``}`;
  const slots = await sql<{ day: number; hour: number; arrivals: number }[]>`
    select extract(isodow from local_date)::int as day, local_hour::int as hour, sum(arrivals)::int as arrivals
    from (${rollupUnion(sql, 'insight_profile_rollup', scope, raw)}) r
    where profile = ${profile}
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
 * Per wearer and local month of [fromMonth, toMonth), the prevention signals: falls, SOS (with
 * duress), no-motion, missed check-ins, false alarms, low battery and silent device from the
 * alarms the ARC raised (api/store/signal-month-store.ts: closed months from the overnight
 * rollup, the others counted from the alarms); night_away from the fixes: the nights with a fix
 * taken in the night hours wholly outside every safe zone (api/rules/night-away.ts), as the
 * overnight rollup built them (api/store/night-away-store.ts; nights not built yet count nothing).
 */
export async function monthlySignals(
  sql: Sql,
  scope: MonthScope,
  night: NightHours,
  wearerIds?: readonly string[],
): Promise<MonthlySignals[]> {
  if (wearerIds && wearerIds.length === 0) return [];
  const [rows, nights] = await Promise.all([
    signalMonths(sql, scope, wearerIds),
    nightsAwayByMonth(
      sql,
      {
        timeZone: scope.timeZone,
        hours: night,
        fromDate: `${scope.fromMonth}-01`,
        toDate: `${scope.toMonth}-01`,
        organisationId: scope.organisationId,
      },
      wearerIds,
    ),
  ]);
  const byKey = new Map<string, MonthlySignals>();
  for (const r of rows) {
    byKey.set(`${r.wearerId}|${r.month}`, {
      wearerId: r.wearerId,
      month: r.month,
      counts: {
        falls: r.falls,
        sos: r.sos,
        no_motion: r.noMotion,
        night_away: 0,
        missed_checkins: r.missedCheckins,
        false_alarms: r.falseAlarms,
        low_battery: r.lowBattery,
        silent_device: r.silentDevice,
      },
    });
  }
  for (const n of nights) {
    const key = `${n.wearerId}|${n.month}`;
    let entry = byKey.get(key);
    if (!entry) {
      const zero = Object.fromEntries(PREVENTION_SIGNALS.map((signal) => [signal, 0])) as Record<
        PreventionSignal,
        number
      >;
      byKey.set(key, (entry = { wearerId: n.wearerId, month: n.month, counts: zero }));
    }
    entry.counts.night_away = n.nights;
  }
  return [...byKey.values()];
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
  return sql<
    ReviewWearer[]
  >`select id, name, profile, organisation_id, created_at from wearers where id = any(${ids as string[]}::uuid[])`;
}

/** Of these wearers, those who existed before `before` (the ones a review month can be judged for), by organisation. */
export async function wearersCreatedBefore(
  sql: Sql,
  ids: readonly string[],
  before: Date,
  organisationId?: string | null,
): Promise<{ id: string; createdAt: Date }[]> {
  if (ids.length === 0) return [];
  return sql<{ id: string; createdAt: Date }[]>`
    select id, created_at from wearers where id = any(${ids as string[]}::uuid[]) and created_at < ${before}
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
  sql: Sql | TransactionSql,
  input: {
    wearerId: string;
    month: string;
    outcome: ReviewOutcome;
    note: string;
    shown: unknown;
    reviewedBy: string | null;
    reviewer: string;
    at: Date;
  },
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
