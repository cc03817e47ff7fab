// The console contract: what the REST snapshot returns and what the Socket.IO feed pushes.
// The console and the tests import these types; nothing else defines them (STYLE, "The shape").
import { z } from 'zod';
import { AlarmStatus as AlarmStatuses } from '../domain/alarm-status.js';
// Types flow downward: the shapes shown are the core's (api/domain/) or the pure rules', which the
// store implements; nothing here comes from api/store/ or api/routes/ (eslint.config.js).
import type { AlarmDetail } from '../domain/alarm-detail.js';
import type { User, UserAccount } from '../domain/account.js';
import type { LinkedCarer, Wearer, WearerPolice } from '../domain/wearer.js';
import type { WearerProfile } from '../domain/wearer-profile.js';
import type { Organisation } from '../domain/organisation.js';
import type { Contact } from '../domain/contact.js';
import type { HandoverNote } from '../domain/handover-note.js';
import type { NotificationView } from '../notify/outbox.js';
import type { PlanProgress, PlanStep, ResponsePlan, StepGuidance } from '../rules/response-plan.js';
import type { ClosureCode } from '../rules/alarm-lifecycle.js';
import type { ShiftPattern } from '../rules/shift-rules.js';
import type { Geofence } from '../rules/geofence-zone.js';
import type { BillingCounts, MonthlyStatistics } from '../rules/organisation-reports.js';
import type { SlaReport } from '../rules/sla-report.js';

export const Position = z.object({ lat: z.number(), lon: z.number(), acc: z.number().nullable() });
export type Position = z.infer<typeof Position>;

/** The schema of the one AlarmStatus (api/domain/alarm-status.ts). */
export const AlarmStatus = z.enum(AlarmStatuses);

export const AlarmView = z.object({
  id: z.uuid(),
  type: z.string(),
  priority: z.number().int(),
  status: AlarmStatus,
  deviceId: z.string(),
  deviceLabel: z.string(),
  /** The organisation the alarm was raised in: which consoles hear of it (docs organisations.md). */
  organisationId: z.uuid(),
  wearerId: z.uuid().nullable(),
  wearerName: z.string().nullable(),
  /** The ARC's receive time (ISO 8601): ages and SLA figures count from it. */
  receivedAt: z.string(),
  position: Position.nullable(),
  /** The position in words from the wearer's home and zones ("320 m NE of Home"), offline; null: no position or no places. */
  place: z.string().nullable(),
  discreet: z.boolean(),
  /** Extra marks: `silent` for duress, `eventType` for an unrecognised event, `warnings`, `late`. */
  flags: z.record(z.string(), z.unknown()),
  /** The operator side: who holds it and when it was accepted and resolved. */
  owner: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  acceptedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closureCode: z.string().nullable(),
  /** The wearer's side, apart from the operator side: still active, or cleared (device heard again). */
  condition: z.enum(['active', 'cleared']),
  verified: z.enum(['genuine', 'false']).nullable(),
  cancelledByWearerAt: z.string().nullable(),
  isTest: z.boolean(),
  /** How many activations (e.g. repeated SOS presses) this alarm carries. */
  activations: z.number().int(),
  linkedTo: z.uuid().nullable(),
  /** When it must be accepted by; 1 = overdue (re-announced), 2 = supervisors notified. */
  acceptDueAt: z.string().nullable(),
  escalationLevel: z.number().int(),
  sessionNote: z.string().nullable(),
  planStep: z.number().int(),
  stepDueAt: z.string().nullable(),
});
export type AlarmView = z.infer<typeof AlarmView>;

/**
 * GET /api/alarms?form=rows, the console's snapshot (issue 14): the same alarms as one list of
 * field names and one array of values per alarm, so each name travels once, not once per alarm.
 * Nothing is left out (the queue, its filters and counts, the sound and the detail's first paint
 * all read the same AlarmView), and it is about half the bytes at thousands of open alarms.
 */
export interface AlarmRows {
  columns: string[];
  rows: unknown[][];
}
const ALARM_COLUMNS = Object.keys(AlarmView.shape) as (keyof AlarmView)[];

export function alarmRowsOf(alarms: readonly AlarmView[]): AlarmRows {
  return rowsOf(ALARM_COLUMNS, alarms);
}

function rowsOf<T>(columns: (keyof T & string)[], objects: readonly T[]): { columns: string[]; rows: unknown[][] } {
  return { columns, rows: objects.map((object) => columns.map((column) => object[column])) };
}

/** The alarms of a rows answer as plain objects, to be parsed with AlarmView; [] for anything else. */
export const alarmObjectsOf = (body: unknown): unknown[] => objectsOfRows(body);

/** The objects of any rows answer (AlarmRows, DeviceRows); [] for anything else. */
export function objectsOfRows(body: unknown): unknown[] {
  const answer = body as Partial<AlarmRows> | null;
  if (!Array.isArray(answer?.columns) || !Array.isArray(answer.rows)) return [];
  const columns = answer.columns.filter((c): c is string => typeof c === 'string');
  if (columns.length !== answer.columns.length) return [];
  return answer.rows.map((row) =>
    Array.isArray(row) ? Object.fromEntries(columns.map((column, i) => [column, row[i]])) : null,
  );
}

export const DeviceView = z.object({
  id: z.string(),
  label: z.string(),
  enabled: z.boolean(),
  inUse: z.boolean(),
  /** On test until then: its alarms go to no contact and no police, and count in no SLA. */
  testUntil: z.string().nullable(),
  testReason: z.string().nullable(),
  /** Who put it on test (the account's name). */
  testBy: z.string().nullable(),
  heartbeatS: z.number().int(),
  wearerId: z.uuid().nullable(),
  wearerName: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  connected: z.boolean(),
  /** The deadline of the device's open amber session ("expect me out by"); null = none open. */
  amberUntil: z.string().nullable(),
  /** When the next check-in of the device's open lone-worker shift is due; null = no shift. */
  checkinDueAt: z.string().nullable(),
  /** Taken out of service (kept with its history): never supervised, never connected again. */
  decommissionedAt: z.string().nullable(),
  decommissionedReason: z.string().nullable(),
  /** The SIM's number, for a device that takes calls (click to call on the console). */
  simNumber: z.string().nullable(),
  /** The organisation the device belongs to (its wearer's when worn). */
  organisationId: z.uuid(),
  position: Position.extend({ ts: z.number() }).nullable(),
  health: z.object({
    ts: z.number().nullable(),
    batt: z.number().nullable(),
    charging: z.boolean().nullable(),
    rssi: z.number().nullable(),
    fw: z.string().nullable(),
  }),
});
export type DeviceView = z.infer<typeof DeviceView>;

/**
 * GET /api/devices?form=rows, the devices view's list (issue 14): as AlarmRows, each field name
 * once rather than once per device (a position and a health object stay objects in their cell).
 */
export interface DeviceRows {
  columns: string[];
  rows: unknown[][];
}
const DEVICE_COLUMNS = Object.keys(DeviceView.shape) as (keyof DeviceView)[];

export function deviceRowsOf(devices: readonly DeviceView[]): DeviceRows {
  return rowsOf(DEVICE_COLUMNS, devices);
}

/** The most device ids one `devices:follow` or `devices:unfollow` may carry; a page sends more in several. */
export const FOLLOW_BATCH_MAX = 5000;

/** A device's newest position, pushed to consoles that follow it. */
export const DeviceMoved = z.object({ deviceId: z.string(), position: Position.extend({ ts: z.number() }) });
export type DeviceMoved = z.infer<typeof DeviceMoved>;

/** What every console needs to draw maps; from GET /api/console-config. */
export const ConsoleConfig = z.object({
  mapTilesUrl: z.string().nullable(),
  mapAttribution: z.string(),
  callUriTemplate: z.string(),
  reverseGeocoding: z.boolean(),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfig>;

/** Socket.IO namespace for staff (administrator, supervisor, operator). */
export const OPERATOR_NAMESPACE = '/operator';

/** Events the server pushes on the operator namespace (`noun:past-tense`). */
export interface OperatorServerEvents {
  /** A followed device reported a newer position (see `device:follow`). */
  'device:moved': (moved: DeviceMoved) => void;
  'alarm:raised': (alarm: AlarmView) => void;
  'alarm:updated': (alarm: AlarmView) => void;
  /** Not accepted in time: every operator is told again, supervisors too. */
  'alarm:escalated': (alarm: AlarmView) => void;
}
/** What a console asks of the server: live positions of the devices it shows. */
export interface OperatorClientEvents {
  'device:follow': (deviceId: string) => void;
  'device:unfollow': (deviceId: string) => void;
  /**
   * The same for many devices in one message (the devices view: one per page of up to
   * FOLLOW_BATCH_MAX ids, not one per device); each device followed is audited as `device:follow`.
   */
  'devices:follow': (deviceIds: string[]) => void;
  'devices:unfollow': (deviceIds: string[]) => void;
}

// ---- REST payloads the console reads ------------------------------------------------------
// Types only: the core (api/domain/) and the pure rules define them and the store produces them;
// here they are named once for the console, as they arrive over JSON (a Date becomes its ISO string).

/** A value as JSON.parse gives it back. */
export type Json<T> = T extends Date ? string : T extends object ? { -readonly [K in keyof T]: Json<T[K]> } : T;

/** GET /api/handover-notes */
export type HandoverNoteView = Json<HandoverNote>;

/** GET /api/alarms/:id */
export type AlarmDetailView = Json<
  { alarm: AlarmView } & AlarmDetail & {
      /**
       * The response plan as guidance, `current` = the step under way, `progress` = what happened
       * to each step (done, sent, failed with the reason, skipped) and whether the plan is complete;
       * null = no plan.
       */
      plan: { steps: StepGuidance[]; current: number; progress: PlanProgress } | null;
      notifications: NotificationView[];
    }
>;
export type StepGuidanceView = Json<StepGuidance>;
/** GET /api/closure-codes */
export type ClosureCodeOption = { code: ClosureCode; label: string; genuine: boolean; noteRequired: boolean };
/** GET /api/auth/me, POST /api/auth/login */
export type UserView = User;
/** GET /api/users, POST /api/users, PATCH /api/users/:id */
export type UserAccountView = UserAccount;
/** GET /api/wearers */
export type WearerView = Wearer;
/** GET /api/wearers/:id/carers */
export type LinkedCarerView = LinkedCarer;
/** GET /api/wearers/:id/police, PUT /api/wearers/:id/police */
export type WearerPoliceView = WearerPolice;
/** GET /api/organisations */
export type OrganisationView = Json<Organisation>;
/** Ready-made settings for the phone apps (built by api/routes/device-connection.ts). */
export interface PhoneAppSettings {
  /** Traccar Client: null when the OsmAnd listener is off (ARC_OSMAND_PORT unset). */
  traccarClient: {
    url: string;
    identifier: string;
    /** Traccar Client reads this from a QR code (url + id). */ link: string;
  } | null;
  /** OwnTracks' own `configuration` message and the owntracks:/// link that imports it. */
  ownTracks: {
    mqtt: { configuration: Record<string, unknown>; link: string };
    http: { url: string; configuration: Record<string, unknown>; link: string };
  };
}

/** POST /api/devices, POST /api/devices/:id/rotate-secret: the secret, shown this once, and where to connect. */
export interface DeviceCredentialsView {
  device: DeviceView;
  secret: string;
  connection: { url: string; clientId: string; username: string; password: string };
  /** Ready-made settings for Traccar Client and OwnTracks (docs/guides/phone-apps.md). */
  apps: PhoneAppSettings;
}
/** GET /api/wearers/:id/geofences */
export type GeofenceView = Json<Geofence>;
/** GET /api/reports/sla */
export type SlaReportView = SlaReport;
/** GET /api/organisations/:id/settings (and the answer to every change of them). */
export interface OrganisationSettingsView {
  settings: {
    organisationId: string;
    channels: {
      webhookUrl: string | null;
      webhookSecretSet: boolean;
      smsSender: string | null;
      emailSender: string | null;
    };
    /** The organisation's own default per profile; null: the ARC's (arcDefaultPlans) applies. */
    defaultPlans: Record<WearerProfile, Json<ResponsePlan> | null>;
  };
  arcDefaultPlans?: Record<WearerProfile, Json<ResponsePlan>>;
}
/** GET /api/reports/monthly-statistics */
export type MonthlyStatisticsView = { report: Json<MonthlyStatistics> };
/** GET /api/reports/billing */
export type BillingCountsView = { report: Json<BillingCounts> };

// ---- Administration payloads -----------------------------------------------------------------
/** GET /api/wearers/:id/contacts */
export type ContactView = Json<Contact>;
/** GET /api/wearers/:id/response-plan */
/** planSource: the wearer's own plan, their organisation's default for the profile, or the ARC's. */
export type ResponsePlanView = {
  plan: Json<ResponsePlan>;
  isDefault: boolean;
  planSource: 'wearer' | 'organisation' | 'arc';
  profile: WearerProfile;
  warnings: string[];
};
export type PlanStepView = Json<PlanStep>;
/** GET/PUT /api/devices/:id/shift-pattern: what a wearer's check-in starts a shift with. */
export type ShiftPatternView = ShiftPattern;
