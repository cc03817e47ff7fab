// OwnTracks (https://owntracks.org/booklet/tech/json/) turned into protocol v1, pure: the same
// JSON arrives over MQTT (topic owntracks/<device-id>/<anything>) and over HTTP (POST). Only
// positions are of use to an ARC: `location` and `transition` carry one; the other types
// (lwt, status, card, waypoint(s), steps, beacon, cmd, …) are accepted and ignored. OwnTracks
// has no alarm button: nothing here raises an alarm (docs/guides/devices.md).
import { isFiniteNumber, type Translation } from './translation.js';

/** The `_type`s the apps send that carry nothing the ARC stores (booklet, "Types"). */
const IGNORED_TYPES = new Set([
  'lwt',
  'status',
  'card',
  'waypoint',
  'waypoints',
  'steps',
  'beacon',
  'cmd',
  'configuration',
  'request',
  'dump',
]);

/** Booklet: `vel` is km/h; protocol v1's `speed` is m/s. */
const KMH_TO_MS = 1 / 3.6;

/**
 * The id of a position: its time and place, so a resend (OwnTracks keeps its queue until the
 * broker or the endpoint took it) is stored once per device (migration 020_fix_once). Plain text,
 * no hash: the console may import this module.
 */
export function ownTracksFixId(tstS: number, lat: number, lon: number): string {
  return `ot-${tstS}-${lat}-${lon}`;
}

/**
 * One OwnTracks message (already parsed JSON, or null for an empty payload) → our payloads.
 * `tst` is seconds since the epoch (booklet); ours are milliseconds.
 */
export function translateOwnTracks(json: unknown): Translation {
  // HTTP mode POSTs a zero-length body when a friend is deleted (booklet, "HTTP"): nothing to do.
  if (json === null) return { ok: true, messages: [], ignored: 'empty' };
  if (typeof json !== 'object' || Array.isArray(json)) return { ok: false, reason: 'owntracks_not_object' };
  const message = json as Record<string, unknown>;
  const type = message._type;
  if (typeof type !== 'string') return { ok: false, reason: 'owntracks_type_missing' };
  if (type === 'encrypted') return { ok: false, reason: 'owntracks_encrypted_not_supported' };
  if (IGNORED_TYPES.has(type)) return { ok: true, messages: [], ignored: type };
  if (type !== 'location' && type !== 'transition') return { ok: false, reason: 'owntracks_type_unknown' };

  const { lat, lon, tst } = message;
  if (!isFiniteNumber(lat) || !isFiniteNumber(lon)) return { ok: false, reason: 'owntracks_position_missing' };
  if (!Number.isSafeInteger(tst)) return { ok: false, reason: 'owntracks_tst_missing' };
  const fix: Record<string, unknown> = {
    id: ownTracksFixId(tst as number, lat, lon),
    ts: (tst as number) * 1000,
    lat,
    lon,
  };
  // Optional readings: iOS reports an unknown speed or course as -1 (booklet, "_type=location");
  // such a value is left out rather than refusing the position.
  if (isFiniteNumber(message.acc) && message.acc >= 0) fix.acc = message.acc;
  if (type === 'location') {
    if (isFiniteNumber(message.alt)) fix.alt = message.alt;
    if (isFiniteNumber(message.vel) && message.vel >= 0) fix.speed = message.vel * KMH_TO_MS;
    if (isFiniteNumber(message.cog) && message.cog >= 0 && message.cog <= 360) fix.heading = message.cog;
    if (isFiniteNumber(message.batt) && message.batt >= 0 && message.batt <= 100) fix.batt = message.batt;
  }
  return { ok: true, messages: [{ channel: 'location', value: fix }] };
}

/** What OwnTracks understands as a request for a position now (booklet, "_type=cmd"). */
export const OWNTRACKS_REPORT_LOCATION = { _type: 'cmd', action: 'reportLocation' } as const;

/**
 * Our command as OwnTracks takes it, or null where it has none: only `locate` (a position now)
 * has one, `reportLocation`. The others (alarm.received, alarm.accepted, alarm.closed,
 * session.ended, message, config) have nothing in OwnTracks that would show or obey them: its
 * remote commands (booklet, "_type=cmd") are reportLocation, dump, status, waypoints,
 * setWaypoints, clearWaypoints and setConfiguration, none of which tells the wearer anything.
 * The ARC's `locate` asks for tracking (`everyS`, `forS`); OwnTracks gives one position.
 */
export function ownTracksCommand(command: { type: string }): typeof OWNTRACKS_REPORT_LOCATION | null {
  return command.type === 'locate' ? OWNTRACKS_REPORT_LOCATION : null;
}

/** The topic OwnTracks over MQTT takes commands on: its publish topic + `/cmd` (booklet, "Topics"). */
export const ownTracksCommandTopic = (deviceId: string) => `owntracks/${deviceId}/phone/cmd`;

export interface OwnTracksSettings {
  /** `mqtt` (mode 0) or `http` (mode 3). */
  mode: 'mqtt' | 'http';
  deviceId: string;
  secret: string;
  /** MQTT: the broker's URL (mqtt:// or mqtts://); HTTP: the endpoint's URL. */
  url: string;
}

/**
 * The `configuration` message the apps import (booklet, "Configuration file" and "URL config"),
 * so that nobody types the secret. MQTT: publishes on owntracks/<device-id>/phone, the only
 * owntracks topic this device may use; HTTP: Basic auth as the device id and secret.
 */
export function ownTracksConfiguration(settings: OwnTracksSettings): Record<string, unknown> {
  const common = {
    _type: 'configuration',
    username: settings.deviceId,
    password: settings.secret,
    deviceId: 'phone',
    tid: settings.deviceId.slice(-2).toUpperCase(),
    auth: true,
    pubExtendedData: true,
  };
  // HTTP: the answer to each POST may carry a reportLocation request (cmd must be on for the
  // app to obey it; OwnTracks for Android obeys it over MQTT only). MQTT: the app subscribes to
  // its subTopic alone when that is not the default (OwnTracks for Android,
  // MqttConnectionConfiguration): here its own cmd topic, the one owntracks topic this device
  // may subscribe to (broker/topic-acl.ts). No friends: other devices' positions are not shared.
  if (settings.mode === 'http') return { ...common, mode: 3, url: settings.url, cmd: true };
  const url = new URL(settings.url);
  const tls = url.protocol === 'mqtts:' || url.protocol === 'wss:';
  const ws = url.protocol === 'ws:' || url.protocol === 'wss:';
  return {
    ...common,
    mode: 0,
    host: url.hostname,
    port: Number(url.port || (ws ? (tls ? 443 : 80) : tls ? 8883 : 1883)),
    tls,
    ws,
    clientId: settings.deviceId,
    pubTopicBase: `owntracks/${settings.deviceId}/phone`,
    sub: true,
    subTopic: ownTracksCommandTopic(settings.deviceId),
    cmd: true,
  };
}

/** The link both apps open to import a configuration (booklet, "URL config"). */
export function ownTracksConfigLink(configuration: Record<string, unknown>): string {
  // btoa, not Buffer: the console imports this too. Encode UTF-8 first (btoa takes Latin-1).
  const bytes = new TextEncoder().encode(JSON.stringify(configuration));
  return `owntracks:///config?inline=${btoa(String.fromCharCode(...bytes))}`;
}
