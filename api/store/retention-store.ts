// The purges of the retention sweep (docs/reference/data-protection.md). Every cut-off is computed from the
// ARC's clock passed in, never PostgreSQL's now(). Each function deletes at most one batch.
import type { Sql, TransactionSql } from 'postgres';
import {
  ALARM_PURGE_BATCH,
  DEFAULT_RETENTION,
  PURGE_BATCH,
  STAFF_PRESENCE_DAYS,
  TRAIL_BEFORE_ALARM_MS,
} from '../rules/retention-rules.js';
import { recountSignalMonths } from './signal-month-store.js';

type Db = Sql | TransactionSql;

/** The wearer a fix belongs to (migration 012_device_wearer_history): stored while the device was theirs. */
const fixOwner = (sql: Db) =>
  sql`p.device_id = f.device_id and f.id > p.from_fix_id and (p.until_fix_id is null or f.id < p.until_fix_id)`;

/**
 * Fixes tied to an alarm of their device: received, or timed by the device, from an hour before the
 * alarm until it was resolved (still open: everything since). Both clocks, so that a device that
 * sent its trail late, or with a wrong clock, still keeps what the alarm detail shows.
 */
export const fixInAlarmTrail = (sql: Db) => sql`exists (
  select 1 from alarms a where a.device_id = f.device_id and (
    (f.received_at >= a.received_at - ${TRAIL_BEFORE_ALARM_MS / 1000} * interval '1 second'
      and (a.resolved_at is null or f.received_at <= a.resolved_at))
    or (f.ts >= (extract(epoch from a.received_at) * 1000)::bigint - ${TRAIL_BEFORE_ALARM_MS}
      and (a.resolved_at is null or f.ts <= (extract(epoch from a.resolved_at) * 1000)::bigint))))`;

/** Routine location history past its organisation's period. Returns how many went. */
export async function purgeRoutineFixes(sql: Db, now: Date, batch = PURGE_BATCH): Promise<number> {
  const rows = await sql`
    with shortest as (
      select least(${DEFAULT_RETENTION.locationDays}, (select min(location_retention_days) from organisations)) as days
    ), doomed as (
      select f.id from fixes f
      left join device_wearer_periods p on ${fixOwner(sql)}
      left join wearers w on w.id = p.wearer_id
      left join organisations o on o.id = w.organisation_id
      where f.received_at < ${now}::timestamptz - make_interval(days => (select days from shortest))
        and f.received_at < ${now}::timestamptz - make_interval(days => coalesce(o.location_retention_days, ${DEFAULT_RETENTION.locationDays}))
        and not ${fixInAlarmTrail(sql)}
      limit ${batch}
    )
    delete from fixes f using doomed d where f.id = d.id returning 1`;
  return rows.length;
}

/**
 * Device events that raised no alarm (check-ins, status, amber starts: they carry positions) go
 * with the routine location history, on the period of the device's organisation (the wearer's when
 * worn). An event of an alarm stays with the alarm.
 */
export async function purgeRoutineEvents(sql: Db, now: Date, batch = PURGE_BATCH): Promise<number> {
  const rows = await sql`
    with shortest as (
      select least(${DEFAULT_RETENTION.locationDays}, (select min(location_retention_days) from organisations)) as days
    ), doomed as (
      select e.id from events e
      join devices d on d.id = e.device_id
      left join organisations o on o.id = d.organisation_id
      where e.alarm_id is null
        and e.received_at < ${now}::timestamptz - make_interval(days => (select days from shortest))
        and e.received_at < ${now}::timestamptz - make_interval(days => coalesce(o.location_retention_days, ${DEFAULT_RETENTION.locationDays}))
      limit ${batch}
    )
    delete from events e using doomed d where e.id = d.id returning 1`;
  return rows.length;
}

/**
 * Resolved alarms past their organisation's period, with everything that is part of them: actions
 * (cascade), events, notifications; what points at them is let go. Their trail then falls to the
 * routine purge. Open alarms are never purged, however old. The period is that of the organisation
 * the alarm was raised in (alarms.organisation_id, migration 023), not the wearer's today: a
 * wearer who moves on leaves their alarms to the organisation that handled them. Their wearers'
 * months of the early-help signals rollup are counted again (api/store/signal-month-store.ts).
 */
export async function purgeExpiredAlarms(sql: Db, now: Date, batch = ALARM_PURGE_BATCH): Promise<number> {
  const doomed = await sql<{ id: string; wearerId: string | null; receivedAt: Date }[]>`
    select a.id, a.wearer_id, a.received_at from alarms a
    left join organisations o on o.id = a.organisation_id
    where a.status = 'resolved'
      and a.received_at < ${now}::timestamptz - make_interval(days => least(${DEFAULT_RETENTION.alarmDays}, (select min(alarm_retention_days) from organisations)))
      and a.received_at < ${now}::timestamptz - make_interval(days => coalesce(o.alarm_retention_days, ${DEFAULT_RETENTION.alarmDays}))
    limit ${batch}
    for update of a skip locked`;
  if (doomed.length === 0) return 0;
  const ids = doomed.map((d) => d.id);
  await sql`update alarms set linked_to = null where linked_to = any(${ids}::uuid[])`;
  await sql`update devices set comm_alarm_id = null where comm_alarm_id = any(${ids}::uuid[])`;
  await sql`update amber_sessions set alarm_id = null where alarm_id = any(${ids}::uuid[])`;
  await sql`update checkin_shifts set missed_alarm_id = null where missed_alarm_id = any(${ids}::uuid[])`;
  await sql`delete from events where alarm_id = any(${ids}::uuid[])`;
  await sql`delete from notifications where alarm_id = any(${ids}::uuid[])`;
  await sql`delete from alarms where id = any(${ids}::uuid[])`;
  await recountSignalMonths(
    sql,
    doomed.flatMap((d) => (d.wearerId ? [{ wearerId: d.wearerId, receivedAt: d.receivedAt }] : [])),
  );
  return ids.length;
}

/**
 * Audit entries past their period (docs/reference/data-protection.md, "For how long"). An entry
 * about an organisation's people or things (audit_log.organisation_id, 023_tenancy.sql) goes
 * after that organisation's own period; an ARC-wide entry (a staff login, an ARC setting) after
 * the longest period any organisation set, or the default if longer, so nothing an organisation
 * may need is purged before it wants it gone.
 */
export async function purgeExpiredAudit(sql: Db, now: Date, batch = PURGE_BATCH): Promise<number> {
  // audit_log.at is stamped by PostgreSQL (the column's default), not by the ARC: an entry goes
  // only once it is past the period on both clocks, so an ARC whose clock runs years ahead of the
  // database's (tests/clock-skew.test.ts) never destroys the evidence early. The first bound is
  // the shortest period of all, so the index on `at` narrows the scan before each entry's own.
  const rows = await sql`
    with periods as (
      select greatest(${DEFAULT_RETENTION.auditDays}, (select max(audit_retention_days) from organisations)) as longest,
             least(${DEFAULT_RETENTION.auditDays}, (select min(audit_retention_days) from organisations)) as shortest
    ), doomed as (
      select l.id from audit_log l
      cross join periods p
      left join organisations o on o.id = l.organisation_id
      where l.at < ${now}::timestamptz - make_interval(days => p.shortest)
        and l.at < ${now}::timestamptz - make_interval(days => coalesce(o.audit_retention_days, p.longest))
        and l.at < now() - make_interval(days => coalesce(o.audit_retention_days, p.longest))
      order by l.at limit ${batch}
    )
    delete from audit_log l using doomed d where l.id = d.id returning 1`;
  return rows.length;
}

/** Staff presence hours older than Insight can look back (STAFF_PRESENCE_DAYS), by the primary key's hour. */
export async function purgeStaffPresence(sql: Db, now: Date, batch = PURGE_BATCH): Promise<number> {
  const rows = await sql`
    with doomed as (
      select hour_start, user_id from staff_presence_hours
      where hour_start < ${now}::timestamptz - make_interval(days => ${STAFF_PRESENCE_DAYS})
      order by hour_start limit ${batch}
    )
    delete from staff_presence_hours s using doomed d
    where s.hour_start = d.hour_start and s.user_id = d.user_id returning 1`;
  return rows.length;
}
