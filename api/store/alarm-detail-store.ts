// Everything an operator needs on one alarm: its history (events and actions in time order),
// the alarms linked to it, the wearer's profile for the ARC, and the trail around it.
import type { Sql } from 'postgres';
import { listAlarmActions } from './alarm-store.js';
import { listContacts } from './contact-store.js';
import { policeColumns, policeOf, type PoliceRow } from './organisation-store.js';
import type { AlarmDetail, AlarmEventEntry, TrailFix, WearerForOperator } from '../domain/alarm-detail.js';

// Defined in the core (api/domain/alarm-detail.ts); re-exported for the code that reads them from here.
export type { AlarmDetail, AlarmEventEntry, TrailFix, WearerForOperator };

interface WearerRow extends PoliceRow {
  id: string;
  name: string;
  profile: string;
  notes: string;
  medicalNotes: string;
  phone: string | null;
  homeLat: number | null;
  homeLon: number | null;
  hasAccessInfo: boolean;
}

async function wearerForOperator(sql: Sql, wearerId: string): Promise<WearerForOperator | null> {
  const [row] = await sql<WearerRow[]>`
    select w.id, w.name, w.profile, w.notes, w.medical_notes, w.phone, w.home_lat, w.home_lon, w.access_info <> '' as has_access_info, ${policeColumns(sql)}
    from wearers w left join organisations o on o.id = w.organisation_id where w.id = ${wearerId}`;
  if (!row) return null;
  const { urn, urnSource, policeWithdrawn, policeWithdrawnReason } = policeOf(row);
  return {
    id: row.id,
    name: row.name,
    profile: row.profile,
    notes: row.notes,
    medicalNotes: row.medicalNotes,
    urn,
    urnSource,
    policeWithdrawn,
    policeWithdrawnReason,
    organisationId: row.organisationId,
    organisationName: row.organisationName,
    phone: row.phone,
    homeLat: row.homeLat,
    homeLon: row.homeLon,
    hasAccessInfo: row.hasAccessInfo,
  };
}

export async function getAlarmDetail(
  sql: Sql,
  alarmId: string,
  wearerId: string | null,
  deviceId: string,
  receivedAt: Date,
): Promise<AlarmDetail> {
  const hourBefore = receivedAt.getTime() - 3600_000;
  const [actions, events, linked, wearer, trail, contacts, [device]] = await Promise.all([
    listAlarmActions(sql, alarmId),
    sql<
      AlarmEventEntry[]
    >`select event_key, type, ts, received_at, warnings from events where alarm_id = ${alarmId} order by id`,
    sql<{ id: string }[]>`select id from alarms where linked_to = ${alarmId} order by received_at`,
    wearerId ? wearerForOperator(sql, wearerId) : Promise.resolve(null),
    sql<TrailFix[]>`select ts, lat, lon, acc from (
                      select ts, lat, lon, acc from fixes where device_id = ${deviceId} and ts >= ${hourBefore}
                      order by ts desc limit 1000) recent order by ts`,
    wearerId ? listContacts(sql, wearerId) : Promise.resolve([]),
    sql<{ simNumber: string | null }[]>`select sim_number from devices where id = ${deviceId}`,
  ]);
  return {
    actions,
    events,
    linkedAlarmIds: linked.map((l) => l.id),
    wearer,
    contacts,
    trail,
    devicePhone: device?.simNumber ?? null,
  };
}
