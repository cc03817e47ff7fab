// The safety-first event parser (spec, "Events are parsed safety first"): a person pressing a
// button matters more than a tidy payload. Only a missing or non-string `type` rejects an
// event; every other defect is repaired or dropped and reported as a warning.
import { createHash } from 'node:crypto';
import {
  EARLIEST_PLAUSIBLE_TS,
  MAX_CLOCK_AHEAD_MS,
  MAX_EVENT_ID_LENGTH,
  MAX_MEASUREMENT,
  MAX_NOTE_LENGTH,
} from './payload-limits.js';

export const KNOWN_EVENT_TYPES = [
  'sos',
  'sos.cancel',
  'fall',
  'no_motion',
  'amber.start',
  'amber.extend',
  'amber.end',
  'checkin',
  'battery.low',
  'tamper',
  'power.off',
  'test',
] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

export function isKnownEventType(type: string): type is KnownEventType {
  return (KNOWN_EVENT_TYPES as readonly string[]).includes(type);
}

/** Warnings are protocol defects the ARC repaired; they are stored with the event and counted. */
export const EventWarning = {
  idMissing: 'id_missing',
  idInvalid: 'id_invalid',
  tsMissing: 'ts_missing',
  tsInvalid: 'ts_invalid',
  positionInvalid: 'position_invalid',
  accInvalid: 'acc_invalid',
  battInvalid: 'batt_invalid',
  discreetInvalid: 'discreet_invalid',
  pinInvalid: 'pin_invalid',
  secondsInvalid: 'seconds_invalid',
  durationInvalid: 'duration_s_invalid',
  noteInvalid: 'note_invalid',
  /** Characters PostgreSQL cannot hold (NUL, unpaired surrogates) were replaced with U+FFFD. */
  textReplaced: 'text_replaced',
  /** The payload could not be stored as sent: the event was stored with its id, type and time alone. */
  payloadUnstorable: 'payload_unstorable',
} as const;
export type EventWarning = (typeof EventWarning)[keyof typeof EventWarning];

export interface DeviceEvent {
  /** The idempotency key: the device's `id`, or one derived from device, ts and type. */
  id: string;
  type: string;
  known: boolean;
  /** Device time, or the ARC's receive time when the device's was missing or impossible. */
  ts: number;
  lat?: number;
  lon?: number;
  acc?: number;
  batt?: number;
  discreet?: boolean;
  pin?: string;
  seconds?: number;
  durationS?: number;
  note?: string;
  /** The payload as sent: unknown fields are kept. */
  raw: Record<string, unknown>;
}

export type EventParse =
  | { ok: true; event: DeviceEvent; warnings: EventWarning[] }
  | { ok: false; reason: 'event_not_object' | 'event_type_missing' };

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function derivedId(parts: unknown[]): string {
  // Deterministic, so a resend of the same id-less event is still the same event.
  return 'derived-' + createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

export function parseDeviceEvent(value: unknown, deviceId: string, receivedAt: number): EventParse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'event_not_object' };
  }
  const raw = value as Record<string, unknown>;
  if (typeof raw.type !== 'string' || raw.type.length === 0) return { ok: false, reason: 'event_type_missing' };

  const warnings: EventWarning[] = [];
  const type = raw.type;
  const event: DeviceEvent = { id: '', type, known: isKnownEventType(type), ts: receivedAt, raw };

  if (raw.ts === undefined) warnings.push(EventWarning.tsMissing);
  else if (
    Number.isInteger(raw.ts) &&
    (raw.ts as number) >= EARLIEST_PLAUSIBLE_TS &&
    (raw.ts as number) <= receivedAt + MAX_CLOCK_AHEAD_MS
  ) {
    event.ts = raw.ts as number;
  } else warnings.push(EventWarning.tsInvalid);

  if (typeof raw.id === 'string' && raw.id.length > 0 && raw.id.length <= MAX_EVENT_ID_LENGTH) {
    event.id = raw.id;
  } else if (raw.id === undefined) {
    warnings.push(EventWarning.idMissing);
    // With a ts, a resend is recognised; without one there is nothing to tell a resend from a
    // new press, so each is taken (a duplicate is better than a lost alarm).
    event.id = derivedId(raw.ts === undefined ? [deviceId, type, 'received', receivedAt] : [deviceId, raw.ts, type]);
  } else {
    warnings.push(EventWarning.idInvalid);
    event.id = derivedId([deviceId, raw.id]);
  }

  if (raw.lat !== undefined || raw.lon !== undefined) {
    const { lat, lon } = raw;
    if (isFiniteNumber(lat) && isFiniteNumber(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      event.lat = lat;
      event.lon = lon;
    } else warnings.push(EventWarning.positionInvalid);
  }
  optional(
    raw.acc,
    (v) => isFiniteNumber(v) && v >= 0 && v <= MAX_MEASUREMENT,
    EventWarning.accInvalid,
    (v) => (event.acc = v as number),
  );
  optional(
    raw.batt,
    (v) => isFiniteNumber(v) && v >= 0 && v <= 100,
    EventWarning.battInvalid,
    (v) => (event.batt = v as number),
  );
  optional(
    raw.discreet,
    (v) => typeof v === 'boolean',
    EventWarning.discreetInvalid,
    (v) => (event.discreet = v as boolean),
  );
  optional(
    raw.pin,
    (v) => typeof v === 'string' && v.length <= 64,
    EventWarning.pinInvalid,
    (v) => (event.pin = v as string),
  );
  optional(
    raw.seconds,
    (v) => Number.isInteger(v) && (v as number) >= 0,
    EventWarning.secondsInvalid,
    (v) => (event.seconds = v as number),
  );
  optional(
    raw.durationS,
    (v) => Number.isInteger(v) && (v as number) >= 60 && (v as number) <= 86400,
    EventWarning.durationInvalid,
    (v) => (event.durationS = v as number),
  );
  optional(
    raw.note,
    (v) => typeof v === 'string' && v.length <= MAX_NOTE_LENGTH,
    EventWarning.noteInvalid,
    (v) => (event.note = v as string),
  );

  return { ok: true, event, warnings };

  function optional(v: unknown, valid: (v: unknown) => boolean, warning: EventWarning, keep: (v: unknown) => void) {
    if (v === undefined) return;
    if (valid(v)) keep(v);
    else warnings.push(warning);
  }
}
