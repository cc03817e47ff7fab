// The carer contract: what the carer REST routes return and what the /carer Socket.IO feed
// pushes. The carer page and the tests import these types; nothing else defines them. A carer
// sees only the people linked to them, never operator notes, alarm details beyond plain words,
// duress or test alarms, exclusion zones, other wearers or other carers.
import { z } from 'zod';
import { CARER_ALARM_KINDS } from '../rules/carer-alarm-words.js';
import { ActiveHours, GeofenceShape } from '../rules/geofence-zone.js';
import { Position } from './console-contract.js';

/** Socket.IO for carers: its own engine path (the operator feed's server is its own) and namespace. */
export const CARER_SOCKET_PATH = '/carer-socket.io';
export const CARER_NAMESPACE = '/carer';

export const CarerPosition = Position.extend({ ts: z.number() });
export type CarerPosition = z.infer<typeof CarerPosition>;

export const CarerAlarmStatus = z.object({
  state: z.enum(['open', 'closed', 'none']),
  /** "The alarm centre is dealing with an alarm for Mum (SOS button pressed) since 14:02." */
  text: z.string(),
  since: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type CarerAlarmStatus = z.infer<typeof CarerAlarmStatus>;

/** One of the carer's people, from GET /api/my/wearers. */
export const CarerWearer = z.object({
  id: z.uuid(),
  name: z.string(),
  lastSeenAt: z.string().nullable(),
  batt: z.number().nullable(),
  charging: z.boolean().nullable(),
  position: CarerPosition.nullable(),
  alarm: CarerAlarmStatus,
  /** The wearer's settings let carers add, change and delete safe zones. */
  zonesEditable: z.boolean(),
});
export type CarerWearer = z.infer<typeof CarerWearer>;

export const TrailQuery = z
  .object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() })
  .transform(({ from, to }, ctx) => {
    const end = to ? new Date(to) : null;
    const start = from ? new Date(from) : null;
    if (start && end && start >= end)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
    return { from: start, to: end };
  });

/** GET /api/my/wearers/:id/trail: a chosen span (default the last 24 hours), oldest first. */
export const CarerTrail = z.object({
  wearerId: z.uuid(),
  from: z.string(),
  to: z.string(),
  points: z.array(CarerPosition),
  /** More fixes than one answer carries: the newest are kept. */
  truncated: z.boolean(),
});
export type CarerTrail = z.infer<typeof CarerTrail>;

/** A safe zone as a carer sees it (exclusion zones are never shown to carers). */
export const CarerSafeZone = z.object({
  id: z.uuid(),
  name: z.string(),
  shape: GeofenceShape,
  activeHours: ActiveHours.nullable(),
  enabled: z.boolean(),
});
export type CarerSafeZone = z.infer<typeof CarerSafeZone>;

export const CarerZones = z.object({ wearerId: z.uuid(), editable: z.boolean(), zones: z.array(CarerSafeZone) });
export type CarerZones = z.infer<typeof CarerZones>;

/** POST and PUT bodies for a safe zone; the kind is always "safe". */
export const SafeZoneInput = z.object({
  name: z.string().trim().min(1).max(200),
  shape: GeofenceShape,
  activeHours: ActiveHours.nullable().default(null),
  enabled: z.boolean().default(true),
});
export type SafeZoneInput = z.infer<typeof SafeZoneInput>;

const Phone = z
  .string()
  .trim()
  .min(6, 'a phone number is 6 to 20 characters')
  .max(20, 'a phone number is 6 to 20 characters')
  .regex(/^\+?[0-9][0-9 ]*$/, 'a phone number is digits and spaces, with an optional leading +');

/** GET and PUT /api/my/preferences: which alarms the carer is told about, and how. */
export const CarerPreferences = z
  .object({
    channel: z.enum(['email', 'sms']),
    phone: Phone.nullable(),
    kinds: z.array(z.enum(CARER_ALARM_KINDS)).max(CARER_ALARM_KINDS.length),
  })
  .refine((p) => p.channel !== 'sms' || p.phone !== null, {
    path: ['phone'],
    message: 'a text message needs a phone number',
  })
  .transform((p) => ({ ...p, kinds: CARER_ALARM_KINDS.filter((k) => p.kinds.includes(k)) }));
export type CarerPreferences = z.infer<typeof CarerPreferences>;

/** A person's newest position, pushed to their carers. */
export const WearerMoved = z.object({ wearerId: z.uuid(), position: CarerPosition, seenAt: z.string() });
export type WearerMoved = z.infer<typeof WearerMoved>;

/** A person's alarm status changed (raised, accepted, resolved): the sentence as it now reads. */
export const WearerAlarm = z.object({ wearerId: z.uuid(), alarm: CarerAlarmStatus });
export type WearerAlarm = z.infer<typeof WearerAlarm>;

/** Events the server pushes on the carer namespace, only to the carers linked to that person. */
export interface CarerServerEvents {
  'wearer:moved': (moved: WearerMoved) => void;
  'wearer:alarm': (alarm: WearerAlarm) => void;
}
/** A carer's page asks nothing over the socket: its rooms are decided by the server. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CarerClientEvents {}
