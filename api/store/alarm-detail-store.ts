// Everything an operator needs on one alarm: its history (events and actions in time order),
// the alarms linked to it, the wearer's profile for the ARC, and the trail around it.
import type { Sql } from 'postgres';
import { listAlarmActions, type AlarmActionEntry } from './alarm-store.js';
import { listContacts, type Contact } from './contact-store.js';

export interface AlarmEventEntry {
  eventKey: string;
  type: string;
  ts: string;
  receivedAt: Date;
  warnings: string[];
}

export interface WearerForOperator {
  id: string;
  name: string;
  profile: string;
  notes: string;
  medicalNotes: string;
  urn: string | null;
  policeWithdrawn: boolean;
  policeWithdrawnReason: string | null;
}

export interface TrailFix {
  ts: string;
  lat: number;
  lon: number;
  acc: number | null;
}

export interface AlarmDetail {
  actions: AlarmActionEntry[];
  events: AlarmEventEntry[];
  linkedAlarmIds: string[];
  wearer: WearerForOperator | null;
  /** The wearer's contacts in the order they are tried (tel: links on the console). */
  contacts: Contact[];
  /** Fixes from an hour before the alarm until now (at most 1,000, newest last). */
  trail: TrailFix[];
}

export async function getAlarmDetail(sql: Sql, alarmId: string, wearerId: string | null, deviceId: string, receivedAt: Date): Promise<AlarmDetail> {
  const hourBefore = receivedAt.getTime() - 3600_000;
  const [actions, events, linked, wearers, trail, contacts] = await Promise.all([
    listAlarmActions(sql, alarmId),
    sql<AlarmEventEntry[]>`select event_key, type, ts, received_at, warnings from events where alarm_id = ${alarmId} order by id`,
    sql<{ id: string }[]>`select id from alarms where linked_to = ${alarmId} order by received_at`,
    wearerId
      ? sql<WearerForOperator[]>`select id, name, profile, notes, medical_notes, urn, police_withdrawn, police_withdrawn_reason
                                 from wearers where id = ${wearerId}`
      : Promise.resolve([]),
    sql<TrailFix[]>`select ts, lat, lon, acc from (
                      select ts, lat, lon, acc from fixes where device_id = ${deviceId} and ts >= ${hourBefore}
                      order by ts desc limit 1000) recent order by ts`,
    wearerId ? listContacts(sql, wearerId) : Promise.resolve([]),
  ]);
  return { actions, events, linkedAlarmIds: linked.map((l) => l.id), wearer: wearers[0] ?? null, contacts, trail };
}
