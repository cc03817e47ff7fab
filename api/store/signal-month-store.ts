// The early-help review's alarm signals per wearer and local month (migration
// 024_insight_signal_months): built by the overnight rollup for closed months, a batch of
// wearers per pass, and read by the review together with the months not built (the current one),
// which are counted from the alarms on every read by the very same SELECT, so the two paths
// cannot disagree. Nights away are apart (api/store/night-away-store.ts): they come from fixes.
import type { Sql, TransactionSql } from 'postgres';
import { FALSE_CLOSURE_CODES } from '../rules/sla-targets.js';
import { addMonths } from '../rules/review-months.js';
import { localDate } from '../rules/local-dates.js';

type Db = Sql | TransactionSql;

/** Wearers per pass: a month of their alarms (a few each) read through the (wearer_id, received_at) index. */
export const SIGNAL_WEARER_BATCH = 1000;
/** Months back from the newest closed one that are built: the review's 13 and one to spare. */
export const SIGNAL_BACKFILL_MONTHS = 14;

export interface SignalMonthRow {
  wearerId: string;
  /** YYYY-MM, local. */
  month: string;
  falls: number;
  sos: number;
  noMotion: number;
  missedCheckins: number;
  falseAlarms: number;
  lowBattery: number;
  silentDevice: number;
}

/** "YYYY-MM" → the date of its first day. */
const firstDay = (month: string) => `${month}-01`;

/**
 * Per wearer and local month of [fromMonth, toMonth): falls, SOS (with duress), no-motion,
 * missed check-ins, false alarms (closure codes of api/rules/sla-targets.ts), low battery and
 * silent device (no_comm), from the alarms; test alarms count nothing. Selects the columns of
 * insight_signal_months in its order, so a build is `insert … select *`.
 */
function signalRows(sql: Db, timeZone: string, fromMonth: string, toMonth: string, wearerIds?: readonly string[]) {
  return sql`
    select ${timeZone}::text as time_zone, date_trunc('month', a.received_at at time zone ${timeZone})::date as month, a.wearer_id,
           count(*) filter (where a.type = 'fall')::int as falls,
           count(*) filter (where a.type in ('sos', 'duress'))::int as sos,
           count(*) filter (where a.type = 'no_motion')::int as no_motion,
           count(*) filter (where a.type = 'checkin.missed')::int as missed_checkins,
           count(*) filter (where a.closure_code = any(${FALSE_CLOSURE_CODES as string[]}))::int as false_alarms,
           count(*) filter (where a.type = 'battery.low')::int as low_battery,
           count(*) filter (where a.type = 'no_comm')::int as silent_device
    from alarms a
    ${
      // A join, so each wearer's month is an index range read (see nightsAwayByMonth).
      wearerIds ? sql`join unnest(${wearerIds as string[]}::uuid[]) as c(id) on c.id = a.wearer_id` : sql``
    }
    where a.wearer_id is not null and not a.is_test
      and a.received_at >= (${firstDay(fromMonth)}::date::timestamp at time zone ${timeZone})
      and a.received_at < (${firstDay(toMonth)}::date::timestamp at time zone ${timeZone})
    group by 2, 3`;
}

/** Consecutive months grouped into [from, to) runs. */
function runsOf(months: readonly string[]): { from: string; to: string }[] {
  const runs: { from: string; to: string }[] = [];
  for (const m of [...months].sort()) {
    const last = runs[runs.length - 1];
    if (last && last.to === m) last.to = addMonths(m, 1);
    else runs.push({ from: m, to: addMonths(m, 1) });
  }
  return runs;
}

export interface MonthScope {
  timeZone: string;
  /** YYYY-MM, first month read. */
  fromMonth: string;
  /** YYYY-MM, first month not read. */
  toMonth: string;
  /** Only wearers of this organisation (as they are now). */
  organisationId?: string | null;
}

/** The months of the scope completely built. */
export async function builtSignalMonths(sql: Db, scope: MonthScope): Promise<string[]> {
  const rows = await sql<{ m: string }[]>`
    select to_char(month, 'YYYY-MM') as m from insight_signal_builds
    where time_zone = ${scope.timeZone} and completed_at is not null
      and month >= ${firstDay(scope.fromMonth)}::date and month < ${firstDay(scope.toMonth)}::date`;
  return rows.map((r) => r.m);
}

/**
 * The signals per wearer and month of the scope (rows only where the wearer had an alarm): built
 * months from the rollup, the others counted from the alarms. Only these wearers when given.
 */
export async function signalMonths(
  sql: Sql,
  scope: MonthScope,
  wearerIds?: readonly string[],
): Promise<SignalMonthRow[]> {
  if (wearerIds && wearerIds.length === 0) return [];
  const built = await builtSignalMonths(sql, scope);
  const wanted: string[] = [];
  for (let m = scope.fromMonth; m < scope.toMonth; m = addMonths(m, 1)) if (!built.includes(m)) wanted.push(m);
  let union = sql`
    select s.* from insight_signal_months s
    ${wearerIds ? sql`join unnest(${wearerIds as string[]}::uuid[]) as c(id) on c.id = s.wearer_id` : sql``}
    where s.time_zone = ${scope.timeZone} and s.month = any(${built.map(firstDay)}::date[])`;
  for (const run of runsOf(wanted))
    union = sql`${union} union all select * from (${signalRows(sql, scope.timeZone, run.from, run.to, wearerIds)}) r`;
  return sql<SignalMonthRow[]>`
    select u.wearer_id, to_char(u.month, 'YYYY-MM') as month, u.falls, u.sos, u.no_motion, u.missed_checkins, u.false_alarms, u.low_battery, u.silent_device
    from (${union}) u
    ${scope.organisationId ? sql`where u.wearer_id in (select id from wearers where organisation_id = ${scope.organisationId})` : sql``}`;
}

/**
 * The newest month closed at `now`: the one before the local month of `now`. It closes at local
 * midnight after its last day, not two days on as the day rollups do (those wait for late accepts
 * and resolves): a month's signals change only through an alarm of it still open, and a month with
 * one waits (nextSignalMonthToBuild). So the review reads the month just ended from the rollup
 * from its first night on.
 */
export function newestClosedMonth(now: Date, timeZone: string): string {
  return addMonths(localDate(now, timeZone).slice(0, 7), -1);
}

/**
 * The month whose build goes on next, and the last wearer done in it: a month under way first,
 * else the newest closed month not built, with no alarm of it still open (its closure code is
 * not final), from the first alarm's month and at most SIGNAL_BACKFILL_MONTHS back. Null when
 * every such month is built.
 */
export async function nextSignalMonthToBuild(
  tx: Db,
  timeZone: string,
  now: Date,
): Promise<{ month: string; afterWearer: string | null } | null> {
  const newest = newestClosedMonth(now, timeZone);
  const [going] = await tx<{ month: string; afterWearer: string | null }[]>`
    select to_char(month, 'YYYY-MM') as month, after_wearer from insight_signal_builds
    where time_zone = ${timeZone} and completed_at is null and month <= ${firstDay(newest)}::date
    order by month desc limit 1`;
  if (going) return going;
  const oldest = addMonths(newest, 1 - SIGNAL_BACKFILL_MONTHS);
  const [row] = await tx<{ month: string }[]>`
    with first as (select date_trunc('month', min(received_at) at time zone ${timeZone})::date as m from alarms)
    select to_char(s, 'YYYY-MM') as month
    from first, generate_series(${firstDay(newest)}::date, greatest(first.m, ${firstDay(oldest)}::date), interval '-1 month') s
    where first.m is not null
      and not exists (select 1 from insight_signal_builds b where b.time_zone = ${timeZone} and b.month = s::date and b.completed_at is not null)
      and not exists (select 1 from alarms a where a.status <> 'resolved'
                      and a.received_at >= (s::date::timestamp at time zone ${timeZone})
                      and a.received_at < ((s::date + interval '1 month')::timestamp at time zone ${timeZone}))
    order by s desc limit 1`;
  return row ? { month: row.month, afterWearer: null } : null;
}

/**
 * Counts one month for the next batch of wearers (in id order after `afterWearer`) into the
 * rollup; the month is marked complete when the batch was the last. Returns the wearers done.
 * The caller holds ROLLUP_LOCK.
 */
export async function buildSignalBatch(
  tx: Db,
  timeZone: string,
  month: string,
  afterWearer: string | null,
  now: Date,
): Promise<number> {
  const ids = (
    await tx<{ id: string }[]>`
      select id from wearers ${afterWearer ? tx`where id > ${afterWearer}` : tx``} order by id limit ${SIGNAL_WEARER_BATCH}`
  ).map((r) => r.id);
  if (ids.length > 0) await upsertSignalRows(tx, timeZone, month, ids);
  const complete = ids.length < SIGNAL_WEARER_BATCH;
  await tx`
    insert into insight_signal_builds (time_zone, month, after_wearer, completed_at)
    values (${timeZone}, ${firstDay(month)}, ${ids.at(-1) ?? afterWearer}, ${complete ? now : null})
    on conflict (time_zone, month) do update set after_wearer = excluded.after_wearer, completed_at = excluded.completed_at`;
  return ids.length;
}

async function upsertSignalRows(tx: Db, timeZone: string, month: string, wearerIds: readonly string[]): Promise<void> {
  await tx`
    insert into insight_signal_months select * from (${signalRows(tx, timeZone, month, addMonths(month, 1), wearerIds)}) r
    on conflict (time_zone, month, wearer_id) do update set
      falls = excluded.falls, sos = excluded.sos, no_motion = excluded.no_motion, missed_checkins = excluded.missed_checkins,
      false_alarms = excluded.false_alarms, low_battery = excluded.low_battery, silent_device = excluded.silent_device`;
}

/**
 * After alarms are deleted (the retention sweep), counts their wearers' months again wherever a
 * month's build has begun, so the rollup holds what the alarms still say (and a month whose
 * alarms are all gone holds nothing of them).
 */
export async function recountSignalMonths(
  tx: Db,
  deleted: readonly { wearerId: string; receivedAt: Date }[],
): Promise<void> {
  if (deleted.length === 0) return;
  const touched = await tx<{ timeZone: string; month: string; wearerId: string }[]>`
    select distinct b.time_zone, to_char(b.month, 'YYYY-MM') as month, d.wearer_id
    from unnest(${deleted.map((d) => d.wearerId)}::uuid[], ${deleted.map((d) => d.receivedAt.toISOString())}::timestamptz[]) as d(wearer_id, received_at)
    join insight_signal_builds b on b.month = date_trunc('month', d.received_at at time zone b.time_zone)::date`;
  const groups = new Map<string, { timeZone: string; month: string; wearers: string[] }>();
  for (const t of touched) {
    const key = `${t.timeZone}|${t.month}`;
    const g = groups.get(key) ?? { timeZone: t.timeZone, month: t.month, wearers: [] };
    g.wearers.push(t.wearerId);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    await tx`delete from insight_signal_months where time_zone = ${g.timeZone} and month = ${firstDay(g.month)}::date and wearer_id = any(${g.wearers}::uuid[])`;
    await upsertSignalRows(tx, g.timeZone, g.month, g.wearers);
  }
}
