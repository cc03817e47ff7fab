// Reads alarms as the console shows them (one query shape for the snapshot and the pushes).
import type { Sql, TransactionSql } from 'postgres';
import type { AlarmView } from '../live/console-contract.js';
import { placeWords, zonePlace, type NamedPlace } from '../rules/place-words.js';
import { inScope, type Scope } from './tenancy-store.js';

interface AlarmRow {
  id: string;
  type: string;
  priority: number;
  status: AlarmView['status'];
  deviceId: string;
  deviceLabel: string;
  organisationId: string;
  wearerId: string | null;
  wearerName: string | null;
  receivedAt: Date;
  lat: number | null;
  lon: number | null;
  acc: number | null;
  discreet: boolean;
  flags: Record<string, unknown>;
  ownerId: string | null;
  ownerName: string | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closureCode: string | null;
  condition: AlarmView['condition'];
  verified: AlarmView['verified'];
  cancelledByWearerAt: Date | null;
  isTest: boolean;
  activations: number;
  linkedTo: string | null;
  acceptDueAt: Date | null;
  escalationLevel: number;
  sessionNote: string | null;
  planStep: number;
  stepDueAt: Date | null;
  homeLat: number | null;
  homeLon: number | null;
  zones: { name: string; shape: Parameters<typeof zonePlace>[1] }[];
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The wearer's home and named zones, the places an operator can act on (as the detail's map). */
function placesOf(r: AlarmRow): NamedPlace[] {
  const places: NamedPlace[] =
    r.homeLat !== null && r.homeLon !== null ? [{ name: 'Home', lat: r.homeLat, lon: r.homeLon }] : [];
  for (const zone of r.zones) places.push(zonePlace(zone.name, zone.shape));
  return places;
}

const toView = (r: AlarmRow): AlarmView => ({
  id: r.id,
  type: r.type,
  priority: r.priority,
  status: r.status,
  deviceId: r.deviceId,
  deviceLabel: r.deviceLabel,
  organisationId: r.organisationId,
  wearerId: r.wearerId,
  wearerName: r.wearerName,
  receivedAt: r.receivedAt.toISOString(),
  position: r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon, acc: r.acc },
  place: r.lat === null || r.lon === null ? null : placeWords({ lat: r.lat, lon: r.lon }, placesOf(r)),
  discreet: r.discreet,
  flags: r.flags,
  owner: r.ownerId ? { id: r.ownerId, name: r.ownerName ?? '' } : null,
  acceptedAt: iso(r.acceptedAt),
  resolvedAt: iso(r.resolvedAt),
  closureCode: r.closureCode,
  condition: r.condition,
  verified: r.verified,
  cancelledByWearerAt: iso(r.cancelledByWearerAt),
  isTest: r.isTest,
  activations: r.activations,
  linkedTo: r.linkedTo,
  acceptDueAt: iso(r.acceptDueAt),
  escalationLevel: r.escalationLevel,
  sessionNote: r.sessionNote,
  planStep: r.planStep,
  stepDueAt: iso(r.stepDueAt),
});

const columns = (sql: Sql | TransactionSql) => sql`
  a.id, a.type, a.priority, a.status, a.device_id, d.label as device_label, a.organisation_id, a.wearer_id,
  w.name as wearer_name, a.received_at,
  -- An alarm raised without a position shows the device's last known one, as the alarm's map
  -- does (the queue said "no position" while the map showed one); both from one source.
  case when a.lat is null or a.lon is null then d.fix_lat else a.lat end as lat,
  case when a.lat is null or a.lon is null then d.fix_lon else a.lon end as lon,
  case when a.lat is null or a.lon is null then d.fix_acc else a.acc end as acc,
  a.discreet, a.flags,
  a.accepted_by as owner_id, u.name as owner_name, a.accepted_at, a.resolved_at, a.closure_code,
  a.condition, a.verified, a.cancelled_by_wearer_at, a.is_test, a.activations, a.linked_to,
  a.accept_due_at, a.escalation_level, a.session_note, a.plan_step, a.step_due_at,
  -- Where, in words, for the queue row ("320 m NE of Home"): the same places the detail uses.
  w.home_lat, w.home_lon,
  coalesce((select json_agg(json_build_object('name', g.name, 'shape', g.shape)) from geofences g where g.wearer_id = a.wearer_id), '[]') as zones
  from alarms a join devices d on d.id = a.device_id left join wearers w on w.id = a.wearer_id
  left join users u on u.id = a.accepted_by`;

export async function getAlarmView(sql: Sql | TransactionSql, alarmId: string): Promise<AlarmView | null> {
  const [row] = await sql<AlarmRow[]>`select ${columns(sql)} where a.id = ${alarmId}`;
  return row ? toView(row) : null;
}

/** Every open alarm, most urgent first, then longest waiting first. */
export async function listOpenAlarms(sql: Sql, scope: Scope): Promise<AlarmView[]> {
  const rows = await sql<AlarmRow[]>`
    select ${columns(sql)} where a.status <> 'resolved' and ${inScope(sql, scope, 'a.organisation_id')} order by a.priority, a.received_at`;
  return rows.map(toView);
}

export async function listAlarmsOfWearer(sql: Sql, wearerId: string, limit = 50): Promise<AlarmView[]> {
  const rows = await sql<AlarmRow[]>`
    select ${columns(sql)} where a.wearer_id = ${wearerId} order by a.received_at desc limit ${limit}`;
  return rows.map(toView);
}
