// zod schemas for what devices send and receive (spec, "Location fix", "Status", "Commands").
// Location fixes and status messages are not alarms: an invalid one is rejected whole.
// Events have their own safety-first parser in device-event.ts.
import { z } from 'zod';
import { EARLIEST_PLAUSIBLE_TS, MAX_FIXES_PER_MESSAGE, MAX_PAYLOAD_BYTES } from './payload-limits.js';

const DeviceTime = z.number().int().min(EARLIEST_PLAUSIBLE_TS);

export const FixSource = z.enum(['gnss', 'wifi', 'cell', 'manual']);

/** Unknown fields are ignored and kept (spec), hence loose objects. */
export const Fix = z.looseObject({
  ts: DeviceTime,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  acc: z.number().min(0).optional(),
  alt: z.number().optional(),
  speed: z.number().min(0).optional(),
  heading: z.number().min(0).max(360).optional(),
  batt: z.number().min(0).max(100).optional(),
  src: FixSource.optional(),
});
export type Fix = z.infer<typeof Fix>;

/** One fix, or up to 100 of them after a gap in coverage. */
export const LocationPayload = z.union([Fix, z.array(Fix).min(1).max(MAX_FIXES_PER_MESSAGE)]);
export type LocationPayload = z.infer<typeof LocationPayload>;

export const Status = z.looseObject({
  ts: DeviceTime,
  batt: z.number().min(0).max(100).optional(),
  charging: z.boolean().optional(),
  rssi: z.number().optional(),
  fw: z.string().max(64).optional(),
});
export type Status = z.infer<typeof Status>;

export const CommandType = z.enum(['alarm.received', 'alarm.closed', 'session.ended', 'locate', 'config']);
export type CommandType = z.infer<typeof CommandType>;

export const Command = z.looseObject({
  id: z.string().min(1).max(64),
  type: CommandType,
  eventId: z.string().max(64).optional(),
  everyS: z.number().int().positive().optional(),
  forS: z.number().int().positive().optional(),
});
export type Command = z.infer<typeof Command>;

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: 'payload_too_large' | 'payload_not_json' };

/** Payloads are UTF-8 JSON of at most 16 KiB. */
export function parseJsonPayload(payload: Buffer | Uint8Array): JsonParse {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'payload_too_large' };
  try {
    return { ok: true, value: JSON.parse(Buffer.from(payload).toString('utf8')) };
  } catch {
    return { ok: false, reason: 'payload_not_json' };
  }
}

/** Fixes of a location payload as a list, whatever shape it came in. */
export function fixesOf(payload: LocationPayload): Fix[] {
  return Array.isArray(payload) ? payload : [payload];
}
