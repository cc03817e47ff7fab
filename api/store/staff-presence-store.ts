// Staff on a console, hour by hour (issue 17: the capacity view sets the operators needed beside
// those actually on shift). A sample each minute adds a minute to every user present; the
// sample's minute is kept, so nodes of a cluster taking the same sample add it once.
import type { Sql, TransactionSql } from 'postgres';

/** Adds `minute` to each user's hour, once. */
export async function recordPresenceMinute(
  tx: Sql | TransactionSql,
  userIds: readonly string[],
  minute: Date,
): Promise<void> {
  if (userIds.length === 0) return;
  const hour = new Date(Math.floor(minute.getTime() / 3600_000) * 3600_000);
  await tx`
    insert into staff_presence_hours (hour_start, user_id, minutes, last_minute)
    select ${hour}, u.id, 1, ${minute} from users u where u.id = any(${userIds as string[]}::uuid[])
    on conflict (hour_start, user_id) do update set minutes = least(60, staff_presence_hours.minutes + 1), last_minute = excluded.last_minute
    where staff_presence_hours.last_minute < excluded.last_minute`;
}

/**
 * Staff-minutes on a console per local hour of the week over whole local days [fromDate, toDate),
 * for the whole ARC (staff answer every organisation's alarms). Hours are UTC hours placed by
 * their start in the zone (a zone off the whole hour shifts them by its offset's minutes).
 */
export async function presenceByHourOfWeek(
  sql: Sql,
  scope: { fromDate: string; toDate: string; timeZone: string },
): Promise<{ day: number; hour: number; minutes: number }[]> {
  return sql<{ day: number; hour: number; minutes: number }[]>`
    select extract(isodow from hour_start at time zone ${scope.timeZone})::int as day, extract(hour from hour_start at time zone ${scope.timeZone})::int as hour,
           sum(minutes)::int as minutes
    from staff_presence_hours
    where hour_start >= (${scope.fromDate}::date::timestamp at time zone ${scope.timeZone}) and hour_start < (${scope.toDate}::date::timestamp at time zone ${scope.timeZone})
    group by 1, 2`;
}

/** The first hour with any presence recorded (null: none yet), so the view can say how far back staff were counted. */
export async function presenceRecordedSince(sql: Sql): Promise<Date | null> {
  const [row] = await sql<{ first: Date | null }[]>`select min(hour_start) as first from staff_presence_hours`;
  return row.first;
}
