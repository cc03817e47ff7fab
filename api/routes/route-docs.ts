// One entry per HTTP route, next to the routes: what it does, who may call it, and the zod schemas
// its handler parses (parseInput). api/openapi.ts builds the OpenAPI description from it;
// tests/openapi.test.ts fails when a registered route has no entry here (or an entry no route).
import type { z } from 'zod';
import * as alarmActionRoutes from './alarm-action-routes.js';
import * as alarmRoutes from './alarm-routes.js';
import * as authRoutes from './auth-routes.js';
import * as bulkDeviceRoutes from './bulk-device-routes.js';
import * as carerRoutes from './carer-routes.js';
import * as contactRoutes from './contact-routes.js';
import * as deviceRoutes from './device-routes.js';
import * as geofenceRoutes from './geofence-routes.js';
import * as handoverRoutes from './handover-routes.js';
import * as insightRoutes from './insight-routes.js';
import * as opsRoutes from './ops-routes.js';
import * as organisationRoutes from './organisation-routes.js';
import * as organisationSettingsRoutes from './organisation-settings-routes.js';
import * as placeRoutes from './place-routes.js';
import * as reportRoutes from './report-routes.js';
import * as responsePlanRoutes from './response-plan-routes.js';
import * as shiftRoutes from './shift-routes.js';
import * as subjectAccessRoutes from './subject-access-routes.js';
import * as userRoutes from './user-routes.js';
import * as wearerRoutes from './wearer-routes.js';
import { CarerPreferences, SafeZoneInput, TrailQuery } from '../live/carer-contract.js';
import { ResponsePlan } from '../rules/response-plan.js';
import { PoliceInput } from './police-input.js';

export interface RouteDoc {
  /** Who may call it (roles, "anyone", a device). */
  who: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** Keyed "METHOD /url" exactly as registered with fastify (`:param` in the URL). */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /api/openapi.json': { who: 'anyone', summary: 'This OpenAPI 3.1 description of the HTTP API' },
  'GET /api/docs': { who: 'anyone', summary: 'The OpenAPI description as a plain HTML page' },
  'POST /owntracks': {
    who: 'a device (HTTP Basic: device id and secret)',
    summary: 'OwnTracks in HTTP mode: one OwnTracks message, taken by the intake like an MQTT publish',
  },
  'GET /api/closure-codes': { who: 'staff', summary: '{closureCodes: [{code, label, genuine, noteRequired}]}' },
  'POST /api/alarms/:id/accept': { who: 'staff', summary: '→ {alarm}. See the alarm lifecycle' },
  'POST /api/alarms/:id/actions': {
    who: 'staff',
    summary: 'one of the actions {kind, …} → {alarm}',
    body: alarmActionRoutes.OperatorAction,
  },
  'POST /api/alarms/:id/resolve': {
    who: 'staff',
    summary:
      '{closureCode, note?, override?} → {alarm}. A genuine closure with mandatory plan steps not logged needs an override reason (audited)',
    body: alarmActionRoutes.Resolve,
  },
  'POST /api/alarms/:id/messages': {
    who: 'staff',
    summary:
      "{text} (1–160 characters) → {alarm}: the spec command `message` to the wearer's device; never while a duress alarm is open on it",
    body: alarmActionRoutes.WearerMessage,
  },
  'POST /api/alarms/flood-acknowledge': {
    who: 'managers',
    summary:
      '{alarmIds, closureCode, reason}: a flood of one shareable cause closed at once, each alarm accepted, resolved and audited on its own; SOS and duress are never grouped',
    body: alarmActionRoutes.FloodAcknowledge,
  },
  'POST /api/alarms/:id/access-info': {
    who: 'staff',
    summary:
      "the wearer's access information (key safe, door entry, pets, hazards), shown only on an open alarm; every showing audited",
    params: alarmRoutes.AlarmParams,
  },
  'GET /api/handover-notes': { who: 'staff', summary: '{notes}: shift handover notes of the last 24 hours' },
  'POST /api/handover-notes': {
    who: 'staff',
    summary: '{text} → 201 {note}: a handover note for the next shift (audited)',
    body: handoverRoutes.NewNote,
  },
  'GET /api/places/reverse': {
    who: 'staff',
    summary:
      '?lat&lon → the place in words from the configured reverse geocoder (ARC_GEOCODER_URL, cached), or null when none is configured',
    query: placeRoutes.ReverseQuery,
  },
  'GET /api/wearers/:id/export': {
    who: 'administrator, organisation manager',
    summary: 'subject access: everything held on the wearer, ?format=json|text, as a file (audited)',
    params: wearerRoutes.WearerParams,
    query: subjectAccessRoutes.ExportQuery,
  },
  'POST /api/wearers/:id/erase': {
    who: 'administrator',
    summary:
      '{confirmName}: erase the wearer at contract end, alarms kept anonymised for their retention period; refused while an alarm is open (audited)',
    params: wearerRoutes.WearerParams,
    body: subjectAccessRoutes.EraseInput,
  },
  'GET /api/audit/actions': {
    who: 'managers, organisation manager',
    summary: '{actions}: every action the audit log holds, sorted',
  },
  'POST /api/devices/:id/decommission': {
    who: 'administrator, organisation manager',
    summary: '{reason} → {device}: out of service for good; history kept, no supervision, no alarms (audited)',
    params: deviceRoutes.DeviceParams,
    body: deviceRoutes.Decommission,
  },
  'POST /api/alarms/:id/annotations': { who: 'staff', summary: '{text} → {alarm}', body: alarmActionRoutes.Annotation },
  'POST /api/alarms/:id/reassign': { who: 'managers', summary: '{userId} → {alarm}', body: alarmActionRoutes.Reassign },
  'GET /api/alarms': {
    who: 'staff, organisation manager (read-only)',
    summary:
      "every alarm not resolved, most urgent first, then oldest first → {alarms: [AlarmView]}; ?form=rows → {columns, rows}: the same alarms with each field name once (the console's snapshot, about half the bytes)",
    query: alarmRoutes.AlarmListQuery,
  },
  'GET /api/alarms/:id': {
    who: 'staff, organisation manager (read-only)',
    summary:
      '{alarm, actions, events, linkedAlarmIds, wearer, contacts, trail, plan, notifications}: the alarm, its history, the events on it, the alarms linked to it,…',
    params: alarmRoutes.AlarmParams,
  },
  'POST /api/auth/login': {
    who: 'anyone',
    summary:
      '{email, password} → {user, token, expiresAt}, and sets the cookie. Attempts are counted before the password is checked, in PostgreSQL, so parallel guesses…',
    body: authRoutes.Login,
  },
  'POST /api/auth/logout': { who: 'anyone', summary: 'ends the session of the token or cookie sent → {ok: true}' },
  'GET /api/auth/me': { who: 'staff, carer, organisation manager', summary: '{user}' },
  'POST /api/devices/bulk': {
    who: 'administrator',
    summary:
      'a fleet at once: {prefix, count (1..10000), first?, digits?, heartbeatS?, wearers?, safePin?, duressPin?, organisationId?} creates prefix-00001… (ids that exist are skipped)…',
    body: bulkDeviceRoutes.DeviceBatch,
  },
  'GET /api/my/wearers': { who: 'carer', summary: "The carer's wearers: last seen, battery, position, open alarm" },
  'GET /api/my/wearers/:id/trail': {
    who: 'carer',
    summary: "A wearer's fixes, oldest first (default the last 24 hours, at most 7 days)",
    query: TrailQuery,
  },
  'GET /api/my/wearers/:id/zones': { who: 'carer', summary: "A wearer's safe zones" },
  'POST /api/my/wearers/:id/zones': {
    who: 'carer',
    summary: 'Add a safe zone (when the wearer lets carers edit them)',
    body: SafeZoneInput,
  },
  'PUT /api/my/wearers/:id/zones/:zoneId': {
    who: 'carer',
    summary: 'Change a safe zone',
    params: carerRoutes.ZoneParams,
    body: SafeZoneInput,
  },
  'DELETE /api/my/wearers/:id/zones/:zoneId': {
    who: 'carer',
    summary: 'Delete a safe zone',
    params: carerRoutes.ZoneParams,
  },
  'GET /api/my/preferences': { who: 'carer', summary: "The carer's notification preferences" },
  'PUT /api/my/preferences': {
    who: 'carer',
    summary: "Set the carer's notification preferences",
    body: CarerPreferences,
  },
  'GET /api/wearers/:id/contacts': {
    who: 'staff, organisation manager',
    summary: '{contacts} in the order they are tried: position, name, relationship, phone, email, hours, carerId',
    params: contactRoutes.WearerParams,
  },
  'GET /api/contacts/:id': {
    who: 'staff, organisation manager',
    summary: '{contact}',
    params: contactRoutes.ContactParams,
  },
  'POST /api/wearers/:id/contacts': {
    who: 'managers, organisation manager',
    summary:
      '{name, relationship?, phone?, email?, hours?, carerId?, position?} → 201 {contact, contacts}. A phone or an email is required; phone is 6 to 20 digits and…',
    params: contactRoutes.WearerParams,
    body: contactRoutes.NewContact,
  },
  'PATCH /api/contacts/:id': {
    who: 'managers, organisation manager',
    summary: 'the same fields, all optional; position moves it → {contact, contacts}',
    params: contactRoutes.ContactParams,
    body: contactRoutes.ContactUpdate,
  },
  'DELETE /api/contacts/:id': {
    who: 'managers, organisation manager',
    summary: "→ {contacts}, renumbered. Refused (400) while the wearer's own plan names that position",
    params: contactRoutes.ContactParams,
  },
  'GET /api/devices': {
    who: 'staff, organisation manager',
    summary:
      "?wearerId= (optional) narrows to that wearer's devices; ?form=rows: {columns, rows} (the devices view) → {devices: [DeviceView]}: label, enabled, inUse, testUntil, testReason, testBy (who put it on test),…",
    query: deviceRoutes.DeviceListQuery,
  },
  'GET /api/devices/:id': {
    who: 'staff, organisation manager',
    summary: '{device: DeviceView}',
    params: deviceRoutes.DeviceParams,
  },
  'POST /api/devices': {
    who: 'administrator, organisation manager',
    summary:
      '{id, label?, wearerId?, heartbeatS? (10..86400, default 300)} → 201 {device, secret, connection: {url, clientId, username, password}, apps}. The secret is…',
    body: deviceRoutes.NewDevice,
  },
  'PATCH /api/devices/:id': {
    who: 'administrator, organisation manager',
    summary:
      '{label?, enabled?, inUse?, wearerId?, heartbeatS?} → {device}. enabled: false also drops its connection. inUse: false (off shift, not worn) stops the…',
    params: deviceRoutes.DeviceParams,
    body: deviceRoutes.DeviceUpdate,
  },
  'PUT /api/devices/:id/test-mode': {
    who: 'managers',
    summary: '{minutes (1..10080), reason (≥ 3 characters)} → {device}: on test until now + minutes',
    params: deviceRoutes.DeviceParams,
    body: deviceRoutes.TestMode,
  },
  'DELETE /api/devices/:id/test-mode': {
    who: 'managers',
    summary: '→ {device}: off test',
    params: deviceRoutes.DeviceParams,
  },
  'POST /api/devices/:id/rotate-secret': {
    who: 'administrator, organisation manager',
    summary:
      "→ {device, secret, connection, apps}, a new secret and a new Traccar Client identifier. The old ones stop working and the device's connection is dropped",
    params: deviceRoutes.DeviceParams,
  },
  'GET /api/wearers/:id/geofences': {
    who: 'staff, organisation manager',
    summary: '{geofences}: name, kind (safe, exclusion), shape, activeHours, enabled',
    params: geofenceRoutes.IdParams,
  },
  'POST /api/wearers/:id/geofences': {
    who: 'managers, organisation manager',
    summary:
      '{name, kind, shape, activeHours?, enabled? (default true)} → 201 {geofence}. Shapes and hours: see geofences',
    params: geofenceRoutes.IdParams,
    body: geofenceRoutes.NewGeofenceInput,
  },
  'PATCH /api/geofences/:id': {
    who: 'managers, organisation manager',
    summary: 'the same fields, all optional → {geofence}',
    params: geofenceRoutes.IdParams,
    body: geofenceRoutes.GeofenceUpdate,
  },
  'DELETE /api/geofences/:id': {
    who: 'managers, organisation manager',
    summary: '→ {ok: true}',
    params: geofenceRoutes.IdParams,
  },
  'GET /api/insight/arrivals': {
    who: 'managers',
    summary:
      '{cells: [{day, hour, type, count}]}: alarms by local ISO day (1 Monday) and hour over the last weeks × 7 days (1..104, default 12), today so far included.…',
    query: insightRoutes.Period,
  },
  'GET /api/insight/response-times': {
    who: 'managers',
    summary:
      '{types: [{type, arrivals, toAccept, handling}]}, each {count, p50, p90, p95, max, buckets} with acceptEdgesS and handleEdgesS',
    query: insightRoutes.Period,
  },
  'GET /api/insight/forecast': {
    who: 'managers',
    summary:
      '{available, method, params, bandShare, backtest, recent, hours: [{at, mean, low, high}]} from the last weeks (4..104) for horizonWeeks (1..8, default 2);…',
    query: insightRoutes.ForecastQuery,
  },
  'GET /api/insight/staffing': {
    who: 'managers',
    summary:
      '{meanHandleS, handlingMeasured, onConsoleNow, staffRecordedSince, whatIf, peakCheck, rows}: per hour of the week {arrivalsPerHour, erlangs, needed: {bs8484, tsa}, operatorsSeen, staffOnShift (staff on a console, whole ARC), achieved: {within10, within40, within60, within180}}',
    query: insightRoutes.StaffingQuery,
  },
  'GET /api/insight/review': {
    who: 'managers',
    summary:
      'the early-help review list of the month (default: last month): {month, rule, night, nightsBuiltThrough, entries: [{rank, wearerId, name, profile, score, rises, outcome}]}. Audited…',
    query: insightRoutes.ReviewQuery,
  },
  'GET /api/insight/review/:wearerId': {
    who: 'managers',
    summary:
      '{wearer, month, months: [{month, falls, sos, …}], rises}: the 13 months behind an entry. Audited (insight.wearer_signals.viewed)',
    params: insightRoutes.WearerParams,
    query: insightRoutes.ReviewQuery,
  },
  'POST /api/insight/review/:wearerId/outcome': {
    who: 'managers',
    summary:
      '{month, outcome: no_action\\|call_made\\|referred_early_help\\|plan_changed, note?} → 201 {outcome}, kept with the signals shown. Audited…',
    params: insightRoutes.WearerParams,
    body: insightRoutes.OutcomeBody,
  },
  'GET /health/live': { who: 'anyone', summary: '{status: "live"}' },
  'GET /health/ready': {
    who: 'anyone',
    summary: '200 {status: "ready", database: "up"}, or 503 {status: "not ready", database: "down"}',
  },
  'GET /api/console-config': {
    who: 'staff, carer, organisation manager',
    summary: '{mapTilesUrl (null for "none"), mapAttribution}',
  },
  'GET /api/metrics': { who: 'managers', summary: '{metrics}: the in-process counters (reset when the ARC restarts)' },
  'GET /api/audit': {
    who: 'managers, organisation manager',
    summary: '{entries}, newest first (limit 1..1000). Page back with before',
    query: opsRoutes.AuditQuery,
  },
  'GET /api/organisations': {
    who: 'staff, organisation manager',
    summary: '{organisations}: name, urn, policeWithdrawn, policeWithdrawnReason, wearerCount',
  },
  'GET /api/organisations/:id': {
    who: 'staff, organisation manager',
    summary: 'One organisation',
    params: organisationRoutes.OrganisationParams,
  },
  'POST /api/organisations': {
    who: 'managers',
    summary:
      "{name, urn?, policeWithdrawn?, policeWithdrawnReason?} → 201 {organisation}; the URN is kept exactly as issued, like a wearer's",
    body: organisationRoutes.NewOrganisation,
  },
  'PATCH /api/organisations/:id': {
    who: 'managers',
    summary: 'the same fields, all optional → {organisation}',
    params: organisationRoutes.OrganisationParams,
    body: organisationRoutes.OrganisationUpdate,
  },
  'GET /metrics': {
    who: 'Prometheus (bearer ARC_METRICS_TOKEN, or loopback)',
    summary: 'the metrics for Prometheus, text exposition format',
  },
  'GET /api/organisations/:id/settings': {
    who: 'managers',
    summary:
      "{settings: {organisationId, channels: {webhookUrl, webhookSecretSet, smsSender, emailSender}, defaultPlans: {profile: plan or null}}, arcDefaultPlans}: the organisation's own channels and default plans (null: the ARC's applies); never the secret",
    params: organisationSettingsRoutes.OrganisationParams,
  },
  'PATCH /api/organisations/:id/settings': {
    who: 'managers',
    summary:
      '{webhookUrl?, webhookSecret? (≥ 16, write-only), smsSender?, emailSender?}; "" or null clears; a webhookUrl needs a secret; clearing it clears the secret → {settings}',
    params: organisationSettingsRoutes.OrganisationParams,
    body: organisationSettingsRoutes.ChannelInput,
  },
  'PUT /api/organisations/:id/response-plans/:profile': {
    who: 'managers',
    summary:
      "a response plan {steps} → {settings}: the default for the organisation's wearers of that profile who have no plan of their own",
    params: organisationSettingsRoutes.PlanParams,
    body: ResponsePlan,
  },
  'DELETE /api/organisations/:id/response-plans/:profile': {
    who: 'managers',
    summary: "→ {settings}: the organisation's wearers of that profile go back to the ARC's default",
    params: organisationSettingsRoutes.PlanParams,
  },
  'GET /api/reports/sla': {
    who: 'managers, organisation manager',
    summary:
      'The SLA report (JSON or CSV) for today, this month, or from…to; organisationId narrows it to one organisation. JSON: {report, organisations: [{organisationId, organisationName, overall}]}',
    query: reportRoutes.SlaQuery,
  },
  'GET /api/reports/monthly-statistics': {
    who: 'managers, organisation manager',
    summary:
      'BS 8484 monthly alarm statistics per organisation (JSON or CSV): alarms by type, genuine / false / undecided, passed to police, response times and the SLA lines; month (YYYY-MM, ARC_REPORT_TIME_ZONE) defaults to this month',
    query: reportRoutes.MonthQuery,
  },
  'GET /api/reports/billing': {
    who: 'managers, organisation manager',
    summary:
      'Billing counts per organisation for a month (JSON or CSV): devices in service and heard from, alarms by outcome (closure code or open), test alarms apart',
    query: reportRoutes.MonthQuery,
  },
  'GET /api/response-plans/defaults': {
    who: 'staff, organisation manager',
    summary: '{defaults}: the default plan of each profile',
  },
  'GET /api/wearers/:id/response-plan': {
    who: 'staff, organisation manager',
    summary:
      "{plan, isDefault, planSource (wearer, organisation or arc), profile, warnings}: the wearer's plan, else their organisation's default for the profile, else the ARC's",
    params: responsePlanRoutes.WearerParams,
  },
  'PUT /api/wearers/:id/response-plan': {
    who: 'managers, organisation manager',
    summary:
      '{steps: [{who, how, waitS, contactPosition?, instruction?}]} → the same as GET. Refused, naming the step, when a step names a contact the wearer does not have',
    params: responsePlanRoutes.WearerParams,
    body: ResponsePlan,
  },
  'DELETE /api/wearers/:id/response-plan': {
    who: 'managers, organisation manager',
    summary: "back to the profile's default → the same as GET",
    params: responsePlanRoutes.WearerParams,
  },
  'GET /api/wearers/:id/police': {
    who: 'staff, organisation manager',
    summary:
      "{police: {urn, policeWithdrawn, policeWithdrawnReason, organisationId, organisationName, effective}}: the wearer's own values, and effective {urn, urnSource…",
    params: responsePlanRoutes.WearerParams,
  },
  'PUT /api/wearers/:id/police': {
    who: 'managers, organisation manager',
    summary:
      '{urn (≤ 64, one line, kept exactly as issued; "" or null = none), policeWithdrawn, policeWithdrawnReason (required when withdrawn)} → {police}',
    params: responsePlanRoutes.WearerParams,
    body: PoliceInput,
  },
  'GET /api/devices/:id/shift': {
    who: 'staff',
    summary: '{shift}: the open check-in shift, or null',
    params: shiftRoutes.DeviceParams,
  },
  'POST /api/devices/:id/shift': {
    who: 'staff',
    summary:
      '{intervalS (60..86400), graceS? (0..3600, default ARC_CHECKIN_GRACE_S), lengthS? (600..86400)} → 201 {shift}: intervalS, graceS, startedAt, startedBy,…',
    params: shiftRoutes.DeviceParams,
    body: shiftRoutes.NewShift,
  },
  'DELETE /api/devices/:id/shift': {
    who: 'staff',
    summary: '→ {shift}, ended; 404 ARC_ERR_NOT_FOUND when none is running',
    params: shiftRoutes.DeviceParams,
  },
  'GET /api/devices/:id/shift-pattern': {
    who: 'staff',
    summary: "{pattern}: {intervalS, lengthS, graceS} a wearer's check-in starts a shift with, or null",
    params: shiftRoutes.DeviceParams,
  },
  'PUT /api/devices/:id/shift-pattern': {
    who: 'administrator, supervisor',
    summary:
      '{intervalS (60..86400), lengthS (600..86400), graceS? (default ARC_CHECKIN_GRACE_S)} → {pattern}; the interval must be shorter than the shift',
    params: shiftRoutes.DeviceParams,
    body: shiftRoutes.PatternInput,
  },
  'DELETE /api/devices/:id/shift-pattern': {
    who: 'administrator, supervisor',
    summary: '→ {pattern: null}: shifts only through the API again',
    params: shiftRoutes.DeviceParams,
  },
  'GET /api/users': {
    who: "managers, organisation manager (their organisation's accounts)",
    summary: '{users}: id, email, name, role, disabled',
  },
  'GET /api/staff/on-console': {
    who: 'managers',
    summary:
      '{onConsole: [{userId, since, consoles}]}: staff with an operator console connected to this ARC process now (the supervisor view\'s "on shift")',
  },
  'POST /api/users': {
    who: 'administrator, organisation manager (carers only)',
    summary:
      '{email, name, role, password (≥ 12), organisationId?, servedOrganisationIds?} → 201 {user}. role is administrator, supervisor, operator, carer or organisation_manager (which needs organisationId); servedOrganisationIds: the organisations staff serve ([] all). A password on the list of common ones…',
    body: userRoutes.NewUser,
  },
  'GET /api/users/:id/export': {
    who: 'administrator, organisation manager (their carers only)',
    summary:
      'subject access for an account: the account, served organisations, sessions (times only), login addresses, carer links and preferences, handover notes, presence hours and the audit entries by or about them, as a JSON file (audited)',
    params: userRoutes.UserParams,
  },
  'PATCH /api/users/:id': {
    who: 'administrator, organisation manager (their carers only)',
    summary:
      "{name?, role?, disabled?, password?, organisationId?, servedOrganisationIds?} → {user}. Disabling, a new role or a new password ends the account's sessions and live connections at once. A carer…",
    params: userRoutes.UserParams,
    body: userRoutes.UserUpdate,
  },
  'GET /api/wearers': {
    who: 'staff, organisation manager',
    summary:
      '{wearers}, each with notes, medicalNotes, lowBatteryPercent, organisationId, hasSafePin, hasDuressPin and carersEditSafeZones. PINs are never shown',
  },
  'GET /api/wearers/:id': {
    who: 'staff, organisation manager',
    summary: '{wearer}',
    params: wearerRoutes.WearerParams,
  },
  'POST /api/wearers': {
    who: 'managers, organisation manager',
    summary:
      '{name, profile?, notes?, medicalNotes?, lowBatteryPercent? (1..99, default 20), organisationId?, safePin?, duressPin?, carersEditSafeZones?} → 201 {wearer}.…',
    body: wearerRoutes.WearerInput,
  },
  'PATCH /api/wearers/:id': {
    who: 'managers, organisation manager',
    summary:
      'the same fields, all optional. A PIN set to null is removed. A PIN equal to the other one, stored or sent, is refused',
    params: wearerRoutes.WearerParams,
    body: wearerRoutes.WearerUpdate,
  },
  'GET /api/wearers/:id/carers': {
    who: 'managers, organisation manager',
    summary: '{carers: [{id, name, email, disabled}]}: the carers linked to the wearer',
    params: wearerRoutes.WearerParams,
  },
  'POST /api/carer-links': {
    who: 'managers, organisation manager',
    summary: '{carerId, wearerId} → 201. carerId must be a user with role carer',
    body: wearerRoutes.CarerLink,
  },
  'DELETE /api/carer-links': {
    who: 'managers, organisation manager',
    summary: "body {carerId, wearerId} → {ok: true}. The carer's live pushes for that wearer stop at once",
    body: wearerRoutes.CarerLink,
  },
};
