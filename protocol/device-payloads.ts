// zod schemas for what devices send and receive (spec, "Location fix", "Status", "Commands").
// Location fixes and status messages are not alarms: an invalid one is rejected whole.
// Events have their own safety-first parser in device-event.ts.
import { z } from 'zod';
import {
  EARLIEST_PLAUSIBLE_TS,
  FIX_AHEAD_TOLERANCE_MS,
  MAX_CLOCK_AHEAD_MS,
  MAX_FIXES_PER_MESSAGE,
  MAX_MEASUREMENT,
  MAX_PAYLOAD_BYTES,
} from './payload-limits.js';
import { makeStorable } from './storable-text.js';

const DeviceTime = z.number().int().min(EARLIEST_PLAUSIBLE_TS);
const Measurement = z.number().min(-MAX_MEASUREMENT).max(MAX_MEASUREMENT);

export const FixSource = z.enum(['gnss', 'wifi', 'cell', 'manual']);

/** Unknown fields are ignored and kept (spec), hence loose objects. */
export const Fix = z.looseObject({
  ts: DeviceTime,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  acc: Measurement.min(0).optional(),
  alt: Measurement.optional(),
  speed: Measurement.min(0).optional(),
  heading: z.number().min(0).max(360).optional(),
  batt: z.number().min(0).max(100).optional(),
  src: FixSource.optional(),
});
export type Fix = z.infer<typeof Fix>;

/** One fix, or up to 100 of them after a gap in coverage. */
export const LocationPayload = z.union([Fix, z.array(Fix).min(1).max(MAX_FIXES_PER_MESSAGE)]);
export type LocationPayload = z.infer<typeof LocationPayload>;

const MAX_FW_LENGTH = 64;

export const Status = z.looseObject({
  ts: DeviceTime,
  batt: z.number().min(0).max(100).optional(),
  charging: z.boolean().optional(),
  rssi: Measurement.optional(),
  fw: z.string().max(MAX_FW_LENGTH).optional(),
});
export type Status = z.infer<typeof Status>;

export const CommandType = z.enum([
  'alarm.received',
  'alarm.closed',
  'session.ended',
  'locate',
  'config',
  'alarm.accepted',
  'message',
]);
export type CommandType = z.infer<typeof CommandType>;

export const Command = z.looseObject({
  id: z.string().min(1).max(64),
  type: CommandType,
  eventId: z.string().max(64).optional(),
  everyS: z.number().int().positive().optional(),
  forS: z.number().int().positive().optional(),
  /** `message` (spec v1.1): the operator's text, at most 160 characters. */
  text: z.string().max(160).optional(),
});
export type Command = z.infer<typeof Command>;

export type JsonParse =
  | {
      ok: true;
      value: unknown;
      /** Characters PostgreSQL cannot hold were replaced (storable-text.ts). */ textReplaced: boolean;
    }
  | { ok: false; reason: 'payload_too_large' | 'payload_not_json' };

/** Payloads are UTF-8 JSON of at most 16 KiB; what they hold is made storable here, at the edge. */
export function parseJsonPayload(payload: Buffer | Uint8Array): JsonParse {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'payload_too_large' };
  // A view of the same bytes, not a copy (Buffer.from(payload) would copy every message).
  const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'payload_not_json' };
  }
  const storable = makeStorable(value, text);
  return { ok: true, value: storable.value, textReplaced: storable.replaced };
}

// The intake's parsers. The zod schemas above are the rules and they decide, but nearly every
// message is a well-formed fix or status, and zod's union parse copies each one (1–2 % of the
// ARC's main thread at the ingest ceiling, plus the garbage; issue 5). So a hand-written check of
// exactly the same rules comes first and passes such a payload as it is; whatever it does not
// pass goes to zod, which accepts or rejects it and says why. device-payloads.test.ts holds the
// two to the same verdict on every rule.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// z.number() takes finite numbers only; .int() safe integers only.
const isNumberIn = (v: unknown, min = -Infinity, max = Infinity) =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const isOptionalNumberIn = (v: unknown, min?: number, max?: number) => v === undefined || isNumberIn(v, min, max);
const isDeviceTime = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= EARLIEST_PLAUSIBLE_TS;
const FIX_SOURCES: readonly unknown[] = FixSource.options;

/** Exactly the rules of `Fix`. */
export function isFix(v: unknown): v is Fix {
  return (
    isObject(v) &&
    isDeviceTime(v.ts) &&
    isNumberIn(v.lat, -90, 90) &&
    isNumberIn(v.lon, -180, 180) &&
    isOptionalNumberIn(v.acc, 0, MAX_MEASUREMENT) &&
    isOptionalNumberIn(v.alt, -MAX_MEASUREMENT, MAX_MEASUREMENT) &&
    isOptionalNumberIn(v.speed, 0, MAX_MEASUREMENT) &&
    isOptionalNumberIn(v.heading, 0, 360) &&
    isOptionalNumberIn(v.batt, 0, 100) &&
    (v.src === undefined || FIX_SOURCES.includes(v.src))
  );
}

/** Exactly the rules of `LocationPayload`. */
export function isLocationPayload(v: unknown): v is LocationPayload {
  return isFix(v) || (Array.isArray(v) && v.length >= 1 && v.length <= MAX_FIXES_PER_MESSAGE && v.every(isFix));
}

/** Exactly the rules of `Status`. */
export function isStatus(v: unknown): v is Status {
  return (
    isObject(v) &&
    isDeviceTime(v.ts) &&
    isOptionalNumberIn(v.batt, 0, 100) &&
    (v.charging === undefined || typeof v.charging === 'boolean') &&
    isOptionalNumberIn(v.rssi, -MAX_MEASUREMENT, MAX_MEASUREMENT) &&
    // zod measures strings in code points (an emoji is one): count them only when the units overflow.
    (v.fw === undefined ||
      (typeof v.fw === 'string' && (v.fw.length <= MAX_FW_LENGTH || [...v.fw].length <= MAX_FW_LENGTH)))
  );
}

export function parseLocationPayload(value: unknown): z.ZodSafeParseResult<LocationPayload> {
  return isLocationPayload(value) ? { success: true, data: value } : LocationPayload.safeParse(value);
}

export function parseStatus(value: unknown): z.ZodSafeParseResult<Status> {
  return isStatus(value) ? { success: true, data: value } : Status.safeParse(value);
}

/** Fixes of a location payload as a list, whatever shape it came in. */
export function fixesOf(payload: LocationPayload): Fix[] {
  return Array.isArray(payload) ? payload : [payload];
}

export type DeviceTimeCheck =
  | { ok: true; /** How many fixes were taken at the receive time. */ heldBack: number }
  | { ok: false; reason: 'ts_too_far_ahead' };

/**
 * The spec's rule for device times, applied to fixes as to events: a time more than
 * MAX_CLOCK_AHEAD_MS ahead of the receive time is impossible, and such a fix is invalid (the
 * whole message is rejected, as for any invalid fix). A fix ahead by less, but more than
 * FIX_AHEAD_TOLERANCE_MS, is taken at the receive time, its own time kept as `deviceTs`: the
 * current position is the newest plausible fix. Changes the fixes in place.
 */
export function checkFixTimes(fixes: Fix[], receivedAtMs: number): DeviceTimeCheck {
  let heldBack = 0;
  for (const fix of fixes)
    if (fix.ts > receivedAtMs + MAX_CLOCK_AHEAD_MS) return { ok: false, reason: 'ts_too_far_ahead' };
  for (const fix of fixes) {
    if (fix.ts <= receivedAtMs + FIX_AHEAD_TOLERANCE_MS) continue;
    fix.deviceTs = fix.ts;
    fix.ts = receivedAtMs;
    heldBack++;
  }
  return { ok: true, heldBack };
}

/** The same rule for a status message: newest status wins by device time, so one dated ahead would stick. */
export function checkStatusTime(status: Status, receivedAtMs: number): DeviceTimeCheck {
  if (status.ts > receivedAtMs + MAX_CLOCK_AHEAD_MS) return { ok: false, reason: 'ts_too_far_ahead' };
  if (status.ts <= receivedAtMs + FIX_AHEAD_TOLERANCE_MS) return { ok: true, heldBack: 0 };
  status.ts = receivedAtMs;
  return { ok: true, heldBack: 1 };
}

/** An event's position is stored as a fix at the event's time, held to the same rule. */
export function plausibleFixTs(ts: number, receivedAtMs: number): number {
  return ts > receivedAtMs + FIX_AHEAD_TOLERANCE_MS ? receivedAtMs : ts;
}
