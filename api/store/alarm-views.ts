// Reads alarms as the console shows them (one query shape for the snapshot and the pushes).
import type { Sql } from 'postgres';
import type { AlarmView } from '../live/console-contract.js';

interface AlarmRow {
  id: string;
  type: string;
  priority: number;
  status: AlarmView['status'];
  deviceId: string;
  deviceLabel: string;
  wearerId: string | null;
  wearerName: string | null;
  receivedAt: Date;
  lat: number | null;
  lon: number | null;
  acc: number | null;
  discreet: boolean;
  flags: Record<string, unknown>;
}

const toView = (r: AlarmRow): AlarmView => ({
  id: r.id,
  type: r.type,
  priority: r.priority,
  status: r.status,
  deviceId: r.deviceId,
  deviceLabel: r.deviceLabel,
  wearerId: r.wearerId,
  wearerName: r.wearerName,
  receivedAt: r.receivedAt.toISOString(),
  position: r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon, acc: r.acc },
  discreet: r.discreet,
  flags: r.flags,
});

const columns = (sql: Sql) => sql`
  a.id, a.type, a.priority, a.status, a.device_id, d.label as device_label, a.wearer_id,
  w.name as wearer_name, a.received_at, a.lat, a.lon, a.acc, a.discreet, a.flags
  from alarms a join devices d on d.id = a.device_id left join wearers w on w.id = a.wearer_id`;

export async function getAlarmView(sql: Sql, alarmId: string): Promise<AlarmView | null> {
  const [row] = await sql<AlarmRow[]>`select ${columns(sql)} where a.id = ${alarmId}`;
  return row ? toView(row) : null;
}

/** Every open alarm, most urgent first, then longest waiting first. */
export async function listOpenAlarms(sql: Sql): Promise<AlarmView[]> {
  const rows = await sql<AlarmRow[]>`
    select ${columns(sql)} where a.status <> 'resolved' order by a.priority, a.received_at`;
  return rows.map(toView);
}
