// Everything an operator reads on one alarm besides the alarm itself: its history, the alarms
// linked to it, the wearer as the ARC sees them, their contacts and the trail around it. The store
// reads it (api/store/alarm-detail-store.ts); the console contract shows it (AlarmDetailView).
import type { Contact } from './contact.js';
import type { UrnSource } from './police.js';

/** One entry of an alarm's action history (accepted, called, note, resolved, ...). */
export interface AlarmActionEntry {
  id: string;
  at: Date;
  actor: string;
  kind: string;
  detail: Record<string, unknown>;
}

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
  /** The police details in force: the wearer's own URN, else their organisation's. */
  urn: string | null;
  urnSource: UrnSource | null;
  policeWithdrawn: boolean;
  policeWithdrawnReason: string | null;
  organisationId: string | null;
  organisationName: string | null;
  phone: string | null;
  homeLat: number | null;
  homeLon: number | null;
  /** Access information is held (shown on request, audited: POST /api/alarms/:id/access-info). */
  hasAccessInfo: boolean;
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
  /** The SIM number of the alarm's device, if it takes calls. */
  devicePhone: string | null;
}
