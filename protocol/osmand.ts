// The OsmAnd protocol as Traccar Client speaks it (https://www.traccar.org/osmand/), turned into
// protocol v1, pure. Two shapes: query or form fields (`id`, `lat`, `lon`, `timestamp`, `speed`
// in knots, `bearing`, `altitude`, `accuracy`, `batt`, `alarm`; the older clients and OsmAnd),
// and the JSON body of Traccar Client 9+ (`{"location": {...}, "device_id": ...}`, speed in m/s,
// battery level 0..1, an SOS as `extras.alarm`). Field by field as traccar's
// OsmAndProtocolDecoder reads them.
import { createHash } from 'node:crypto';
import { isFiniteNumber, type TranslatedMessage, type Translation } from './translation.js';

/** traccar's UnitsConverter: one knot is 1852 m per hour. */
const KNOT_TO_MS = 1852 / 3600;
/** Traccar Client sends one position a request; a batch (flutter_background_geolocation's batchSync) at most this. */
const MAX_LOCATIONS = 100;

/** Traccar's alarm names (Position.ALARM_*) that have a protocol v1 event of their own. */
const ALARM_EVENT_TYPES: Record<string, string> = {
  sos: 'sos',
  fallDown: 'fall',
  lowBattery: 'battery.low',
  lowPower: 'battery.low',
  tampering: 'tamper',
  removing: 'tamper',
  powerOff: 'power.off',
  powerCut: 'power.off',
};

export interface OsmAndRequest {
  /** Query string and form fields together (a form field wins over the same query field). */
  fields: Record<string, string>;
  /** The JSON body, when the request had one. */
  json?: unknown;
}

export type OsmAndTranslation = Translation & { identifier: string | null };

/** An alarm's event type: ours where one fits, else `osmand.<name>` (raised as unrecognised: safety first). */
export function osmandEventType(alarm: string): string {
  return ALARM_EVENT_TYPES[alarm] ?? `osmand.${alarm.slice(0, 40)}`;
}

/**
 * The event id of an alarm: derived from device, time and type, so a retry of the same alarm
 * (Traccar Client resends until it gets a 200) is the same event and one alarm.
 */
export function osmandEventId(deviceId: string, ts: number, type: string): string {
  return (
    'osmand-' +
    createHash('sha256')
      .update(JSON.stringify([deviceId, ts, type]))
      .digest('hex')
      .slice(0, 40)
  );
}

/**
 * The id of a position: its time and place, so a resend of the same position (Traccar Client
 * resends what it believes failed) is stored once per device (migration 020_fix_once).
 */
export function osmandFixId(ts: number, lat: number, lon: number): string {
  return `osmand-${ts}-${lat}-${lon}`;
}

/** The identifier the request carries: `device_id` of the JSON body, else `id` or `deviceid` of its fields. */
export function readOsmAndIdentifier(request: OsmAndRequest): string | null {
  const json = request.json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const id = (json as Record<string, unknown>).device_id;
    if (typeof id === 'string' && id.length > 0) return id;
  }
  return request.fields.id || request.fields.deviceid || null;
}

/** What the request amounts to for the device its identifier named; `receivedAt` stands in for a missing time, as in traccar. */
export function translateOsmAnd(request: OsmAndRequest, deviceId: string, receivedAt: number): Translation {
  if (request.json !== undefined) return translateJson(request.json, deviceId, receivedAt);
  return translateReading(readFields(request.fields), deviceId, receivedAt);
}

/** One position report in our units; `null` where the request did not say. */
interface Reading {
  ts: number | 'invalid' | null;
  lat: number | null;
  lon: number | null;
  acc?: number;
  alt?: number;
  speed?: number;
  heading?: number;
  batt?: number;
  charging?: boolean;
  alarm?: string;
  /** A field was present but not a number where one was needed. */
  bad?: string;
}

function numberField(value: string | undefined): number | undefined | 'bad' {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : 'bad';
}

/** traccar: an integer below 2^31 is seconds, else milliseconds; else ISO 8601 or "yyyy-MM-dd HH:mm:ss" (UTC here). */
export function parseOsmAndTime(value: string): number | 'invalid' {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    return n < 2 ** 31 ? n * 1000 : n;
  }
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? value.replace(' ', 'T') + 'Z' : value;
  if (!text.includes('T')) return 'invalid';
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : 'invalid';
}

function readFields(fields: Record<string, string>): Reading {
  const reading: Reading = { ts: fields.timestamp ? parseOsmAndTime(fields.timestamp) : null, lat: null, lon: null };
  const take = (name: string, keep: (n: number) => void) => {
    const n = numberField(fields[name]);
    if (n === 'bad') reading.bad ??= name;
    else if (n !== undefined) keep(n);
  };
  take('lat', (n) => (reading.lat = n));
  take('lon', (n) => (reading.lon = n));
  if (fields.location) {
    const [lat, lon] = fields.location.split(',').map(Number);
    if (Number.isFinite(lat) && Number.isFinite(lon)) [reading.lat, reading.lon] = [lat, lon];
    else reading.bad ??= 'location';
  }
  take('accuracy', (n) => (reading.acc = n));
  take('altitude', (n) => (reading.alt = n));
  take('speed', (n) => (reading.speed = n * KNOT_TO_MS));
  take('bearing', (n) => (reading.heading = n));
  take('heading', (n) => (reading.heading = n));
  take('batt', (n) => (reading.batt = n));
  if (fields.charge === 'true' || fields.charge === 'false') reading.charging = fields.charge === 'true';
  if (fields.alarm) reading.alarm = fields.alarm;
  return reading;
}

function translateJson(json: unknown, deviceId: string, receivedAt: number): Translation {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, reason: 'osmand_json_not_object' };
  const location = (json as Record<string, unknown>).location;
  const locations = Array.isArray(location) ? location : [location];
  if (locations.length === 0 || locations.length > MAX_LOCATIONS)
    return { ok: false, reason: 'osmand_location_missing' };
  const messages: TranslatedMessage[] = [];
  const fixes: Record<string, unknown>[] = [];
  for (const one of locations) {
    if (typeof one !== 'object' || one === null) return { ok: false, reason: 'osmand_location_missing' };
    const result = translateReading(readJsonLocation(one as Record<string, unknown>), deviceId, receivedAt);
    if (!result.ok) return result;
    for (const message of result.messages)
      message.channel === 'location' ? fixes.push(message.value as Record<string, unknown>) : messages.push(message);
  }
  // A batch's positions are one location payload, taken or rejected whole: nothing half-stored.
  if (fixes.length) messages.push({ channel: 'location', value: fixes.length === 1 ? fixes[0] : fixes });
  return { ok: true, messages };
}

function readJsonLocation(location: Record<string, unknown>): Reading {
  const reading: Reading = {
    ts:
      typeof location.timestamp === 'string'
        ? parseOsmAndTime(location.timestamp)
        : location.timestamp === undefined
          ? null
          : 'invalid',
    lat: null,
    lon: null,
  };
  const coords = location.coords as Record<string, unknown> | undefined;
  if (coords && typeof coords === 'object') {
    if (coords.latitude !== undefined || coords.longitude !== undefined) {
      if (isFiniteNumber(coords.latitude) && isFiniteNumber(coords.longitude))
        [reading.lat, reading.lon] = [coords.latitude, coords.longitude];
      else reading.bad = 'coords';
    }
    // The location SDK reports an unknown speed, heading or accuracy as -1.
    if (isFiniteNumber(coords.accuracy) && coords.accuracy >= 0) reading.acc = coords.accuracy;
    if (isFiniteNumber(coords.altitude)) reading.alt = coords.altitude;
    if (isFiniteNumber(coords.speed) && coords.speed >= 0) reading.speed = coords.speed;
    if (isFiniteNumber(coords.heading) && coords.heading >= 0) reading.heading = coords.heading;
  }
  const battery = location.battery as Record<string, unknown> | undefined;
  if (battery && typeof battery === 'object') {
    // level is 0..1, or -1 when unknown (simulators)
    if (isFiniteNumber(battery.level) && battery.level >= 0 && battery.level <= 1)
      reading.batt = Math.round(battery.level * 100);
    if (typeof battery.is_charging === 'boolean') reading.charging = battery.is_charging;
  }
  const extras = location.extras as Record<string, unknown> | undefined;
  if (extras && typeof extras === 'object' && typeof extras.alarm === 'string' && extras.alarm)
    reading.alarm = extras.alarm;
  return reading;
}

function translateReading(reading: Reading, deviceId: string, receivedAt: number): Translation {
  if (reading.bad) return { ok: false, reason: `osmand_${reading.bad}_invalid` };
  if (reading.ts === 'invalid') return { ok: false, reason: 'osmand_timestamp_invalid' };
  if ((reading.lat === null) !== (reading.lon === null)) return { ok: false, reason: 'osmand_position_incomplete' };
  const ts = reading.ts ?? receivedAt;
  const position = reading.lat !== null && reading.lon !== null ? { lat: reading.lat, lon: reading.lon } : null;

  if (reading.alarm) {
    // An alarm is an event (safety first: it is taken even without a position); its position is
    // stored with it as a fix (spec, "Events").
    const type = osmandEventType(reading.alarm);
    const event: Record<string, unknown> = {
      id: osmandEventId(deviceId, ts, type),
      type,
      ts,
      osmandAlarm: reading.alarm,
    };
    if (position) Object.assign(event, position, reading.acc !== undefined && { acc: reading.acc });
    if (reading.batt !== undefined) event.batt = reading.batt;
    return { ok: true, messages: [{ channel: 'events', value: event }] };
  }
  if (position) {
    const fix: Record<string, unknown> = { id: osmandFixId(ts, position.lat, position.lon), ts, ...position };
    for (const key of ['acc', 'alt', 'speed', 'heading', 'batt'] as const)
      if (reading[key] !== undefined) fix[key] = reading[key];
    return { ok: true, messages: [{ channel: 'location', value: fix }] };
  }
  // No position (traccar takes these too): a sign of life, with the battery if it came.
  const status: Record<string, unknown> = { ts };
  if (reading.batt !== undefined) status.batt = reading.batt;
  if (reading.charging !== undefined) status.charging = reading.charging;
  return { ok: true, messages: [{ channel: 'status', value: status }] };
}
