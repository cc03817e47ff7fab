// The carer's view of their own people: never operator notes, other wearers or other carers.
import type { Sql } from 'postgres';

export interface CarerWearerView {
  id: string;
  name: string;
  lastSeenAt: string | null;
  batt: number | null;
  position: { lat: number; lon: number; acc: number | null; ts: number } | null;
  openAlarmSince: string | null;
}

interface Row {
  id: string;
  name: string;
  lastSeenAt: Date | null;
  batt: number | null;
  fixTs: string | null;
  fixLat: number | null;
  fixLon: number | null;
  fixAcc: number | null;
  openAlarmSince: Date | null;
}

export async function listCarerWearers(sql: Sql, carerId: string): Promise<CarerWearerView[]> {
  // A wearer's current device is the one heard from most recently.
  const rows = await sql<Row[]>`
    select w.id, w.name, d.last_seen_at, d.batt, d.fix_ts, d.fix_lat, d.fix_lon, d.fix_acc,
           (select min(a.received_at) from alarms a where a.wearer_id = w.id and a.status <> 'resolved'
              and not coalesce((a.flags->>'silent')::boolean, false)) as open_alarm_since
    from carer_links l
    join wearers w on w.id = l.wearer_id
    left join lateral (select * from devices d where d.wearer_id = w.id
                       order by d.last_seen_at desc nulls last limit 1) d on true
    where l.carer_id = ${carerId}
    order by w.name`;
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
    batt: r.batt,
    position:
      r.fixTs === null || r.fixLat === null || r.fixLon === null
        ? null
        : { lat: r.fixLat, lon: r.fixLon, acc: r.fixAcc, ts: Number(r.fixTs) },
    openAlarmSince: r.openAlarmSince?.toISOString() ?? null,
  }));
}
