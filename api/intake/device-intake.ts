// The intake: what happens to each message a device publishes, as its steps:
// parse → decide → persist → acknowledge → notify (STYLE habit 1).
// The broker acknowledges (PUBACK) when the promise returned here resolves, so nothing is
// acknowledged that is not committed (spec guarantee 1); notification runs in afterAck.
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { EventWarning, parseDeviceEvent, type DeviceEvent } from '../../protocol/device-event.js';
import {
  checkFixTimes,
  checkStatusTime,
  fixesOf,
  parseJsonPayload,
  parseLocationPayload,
  parseStatus,
  plausibleFixTs,
} from '../../protocol/device-payloads.js';
import { translateOwnTracks } from '../../protocol/owntracks.js';
import type { Translation } from '../../protocol/translation.js';
import { isContentError } from '../db/content-error.js';
import type { DevicePublish } from '../../broker/mqtt-broker.js';
import { verifySecret } from '../auth/secret-hash.js';
import type { Metrics } from '../metrics.js';
import { decideEvent, type PinCheck } from '../rules/event-rules.js';
import { getEventContext, type EventContext } from '../store/device-store.js';
import { storeStatus, touchDevice } from '../store/device-health-store.js';
import { FIX_BATTERY_WATCH_BELOW, batteryWorthWatching, watchBattery } from '../handling/battery-watch.js';
import { clearSilence } from '../handling/device-heard.js';
import { takeDeviceEvent, type AlarmRaising, type Placed } from '../handling/raise-alarm.js';
import type { ZoneWatch } from '../handling/zone-watch.js';
import type { AlarmNotifier } from '../live/alarm-notifier.js';
import type { CommandDispatcher } from './command-dispatcher.js';
import { recordDeviceApp } from '../store/command-store.js';

export interface IntakeDeps {
  sql: Sql;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  alarms: AlarmNotifier;
  commands: CommandDispatcher;
  zones: ZoneWatch;
  /** The one path that raises an alarm (api/handling/raise-alarm.ts). */
  raising: AlarmRaising;
  /** After commit: a position was stored (consoles following the device keep the newest ts). */
  positionSeen(deviceId: string, position: { ts: number; lat: number; lon: number; acc: number | null }): void;
}

/** `rejected`: the message was refused for good (counted, logged, and for MQTT acknowledged); HTTP answers 4xx with it. */
export type IntakeResult = { afterAck?: () => void; rejected?: string } | void;

/** Where a message came from, for counting and logging its rejection. */
interface MessageSource {
  deviceId: string;
  channel: string;
}

/**
 * One intake for every protocol: a v1 message (or an OwnTracks one, channel `owntracks`, from the
 * broker or HTTP) by calling it; another app's message already translated at the edge
 * (protocol/osmand.ts) by `translated`. Both end in the same steps below.
 */
export interface DeviceIntake {
  (message: DevicePublish): Promise<IntakeResult>;
  translated(deviceId: string, source: string, translation: Translation): Promise<IntakeResult>;
  /** The device was heard through this app (null: our protocol): recorded when it changes (021_commands_apps_cannot_take.sql). */
  heardThrough(deviceId: string, app: DeviceApp | null): Promise<void>;
}

/** The apps whose messages are translated at the edge (devices.app). */
export type DeviceApp = 'owntracks' | 'osmand';

/** How often rejected messages may refresh a device's last-seen time. */
export const REJECT_TOUCH_EVERY_MS = 5_000;
/** How often the same rejection of one device is logged (every one is counted). */
export const REJECT_LOG_EVERY_MS = 5_000;

export function createDeviceIntake(deps: IntakeDeps): DeviceIntake {
  const { sql, logger, metrics } = deps;

  /** When each device's rejected messages last refreshed its last-seen time. */
  const lastRejectTouch = new Map<string, number>();
  /** Per device, channel and reason: when it was last logged, and how many went unlogged since. */
  const rejectionsLogged = new Map<string, { at: number; unlogged: number }>();

  /**
   * One line per device, channel and reason every few seconds, with the count left out: a device
   * flooding thousands of bad messages a second would otherwise spend the ARC's time (and the
   * log's space) on identical lines, slowing the alarms of the others (guarantee 4, issue 5's
   * garbage flood). The metric counts every one.
   */
  function logRejection(message: MessageSource, reason: string, now: number, detail: unknown): void {
    const key = `${message.deviceId}\u0000${message.channel}\u0000${reason}`;
    const seen = rejectionsLogged.get(key);
    if (seen && now - seen.at < REJECT_LOG_EVERY_MS) {
      seen.unlogged++;
      return;
    }
    if (rejectionsLogged.size > 100_000) rejectionsLogged.clear();
    rejectionsLogged.set(key, { at: now, unlogged: 0 });
    const alsoRejected = seen?.unlogged ? { sameSinceLastLine: seen.unlogged } : {};
    logger.warn(
      { deviceId: message.deviceId, channel: message.channel, reason, detail, ...alsoRejected },
      'device message rejected',
    );
  }

  /**
   * Bad input is logged, counted, and acknowledged: resending it would not make it better. It is
   * a sign of life too, but a device flooding garbage must not turn each message into a database
   * write that slows everyone else (guarantee 4): last-seen is refreshed at most every few seconds.
   */
  async function reject(
    message: MessageSource,
    reason: string,
    receivedAt: Date,
    detail?: unknown,
  ): Promise<IntakeResult> {
    metrics.increment('intake_rejected', { channel: message.channel, reason });
    logRejection(message, reason, receivedAt.getTime(), detail);
    return { ...(await touchSometimes(message.deviceId, receivedAt)), rejected: reason };
  }

  /** A sign of life that stores nothing: last-seen refreshed at most every REJECT_TOUCH_EVERY_MS. */
  async function touchSometimes(deviceId: string, receivedAt: Date): Promise<IntakeResult> {
    const last = lastRejectTouch.get(deviceId);
    if (last !== undefined && receivedAt.getTime() - last < REJECT_TOUCH_EVERY_MS) return;
    if (lastRejectTouch.size > 100_000) lastRejectTouch.clear();
    lastRejectTouch.set(deviceId, receivedAt.getTime());
    return heard(deviceId, await touchDevice(sql, deviceId, receivedAt), receivedAt, []);
  }

  /**
   * After commit: push alarm changes, and if the device had gone silent, clear that alarm now
   * that it is heard again.
   */
  function heard(
    deviceId: string,
    commAlarmId: string | null,
    at: Date,
    placed: (Placed | null)[],
    committedAt?: number,
  ): IntakeResult {
    if (!commAlarmId && placed.every((p) => !p)) return;
    return {
      afterAck: () => {
        for (const p of placed) {
          if (p && 'raised' in p) deps.alarms.raised(p.raised, committedAt);
          else if (p) deps.alarms.updated(p.updated, committedAt);
        }
        if (commAlarmId) {
          clearSilence(sql, deviceId, commAlarmId, at).then(
            (cleared) => cleared && deps.alarms.updated(commAlarmId),
            (err) =>
              logger.error(
                { err, deviceId },
                'could not clear a no-communication alarm; the clock will not raise another',
              ),
          );
        }
      },
    };
  }

  const battery = (deviceId: string, reading: { batt?: number; charging?: boolean }, at: Date) =>
    watchBattery(sql, deviceId, { batt: reading.batt, charging: reading.charging }, at, deps.raising);

  async function intake(message: DevicePublish): Promise<IntakeResult> {
    const receivedAt = deps.now();
    // The latency histogram runs on the monotonic clock: the ARC's clock (deps.now) may be a test's.
    const arrived = performance.now();
    metrics.increment('intake_messages', { channel: message.channel });
    // OwnTracks posts an empty payload when a friend is deleted (booklet, "HTTP"): nothing to read.
    if (message.channel === 'owntracks' && message.payload.byteLength === 0)
      return translated(message.deviceId, 'owntracks', translateOwnTracks(null));
    const json = parseJsonPayload(message.payload);
    if (!json.ok) return reject(message, json.reason, receivedAt);
    if (json.textReplaced) {
      metrics.increment('intake_text_replaced', { channel: message.channel });
      logRejection(
        message,
        'text_replaced',
        receivedAt.getTime(),
        'characters PostgreSQL cannot hold were replaced with U+FFFD; the message is taken',
      );
    }
    try {
      return await take(message, json.value, json.textReplaced, receivedAt, arrived);
    } catch (err) {
      // Refused for its content: a resend would be refused again, and until it is acknowledged
      // the device's next alarm waits behind it (guarantee 4). Anything else (the database is
      // down) is thrown on: no PUBACK, and the device resends.
      if (!isContentError(err)) throw err;
      logger.error(
        { err, deviceId: message.deviceId, channel: message.channel },
        'device message refused by the database for its content: rejected and acknowledged',
      );
      return reject(message, 'unstorable', receivedAt, { sqlState: err.code, message: err.message });
    }
  }

  /**
   * Another protocol's message, translated at the edge: each of our payloads it amounts to goes
   * through the intake above, as if the device had published it on that channel (the same rules,
   * store, acknowledgement after commit). A message the translation could not read is rejected
   * like a bad v1 message: counted and logged per device, nothing stored. Translations hold one
   * payload (protocol/osmand.ts merges a batch of positions into one), so nothing is half-stored.
   */
  /** What each device was last recorded as speaking (this node's view; written only on a change). */
  const appOf = new Map<string, DeviceApp | null>();
  async function heardThrough(deviceId: string, app: DeviceApp | null): Promise<void> {
    if (appOf.has(deviceId) && appOf.get(deviceId) === app) return;
    if (appOf.size > 100_000) appOf.clear();
    await recordDeviceApp(sql, deviceId, app);
    appOf.set(deviceId, app);
  }

  async function translated(deviceId: string, source: string, translation: Translation): Promise<IntakeResult> {
    const receivedAt = deps.now();
    if (source === 'owntracks' || source === 'osmand') await heardThrough(deviceId, source);
    if (!translation.ok) {
      metrics.increment('intake_messages', { channel: source });
      return reject({ deviceId, channel: source }, translation.reason, receivedAt);
    }
    if (translation.messages.length === 0) {
      metrics.increment('intake_foreign_ignored', { source, type: translation.ignored ?? 'none' });
      return touchSometimes(deviceId, receivedAt);
    }
    const results: IntakeResult[] = [];
    for (const part of translation.messages) {
      const result = await intake({
        deviceId,
        channel: part.channel,
        payload: Buffer.from(JSON.stringify(part.value)),
        qos: 1,
      });
      results.push(result);
      if (result?.rejected) break;
    }
    const rejected = results.find((r) => r?.rejected)?.rejected;
    return { afterAck: () => results.forEach((r) => r?.afterAck?.()), ...(rejected && { rejected }) };
  }

  return Object.assign(intake, { translated, heardThrough });

  async function take(
    message: DevicePublish,
    value: unknown,
    textReplaced: boolean,
    receivedAt: Date,
    arrived: number,
  ): Promise<IntakeResult> {
    const { deviceId } = message;
    switch (message.channel) {
      case 'owntracks':
        return translated(deviceId, 'owntracks', translateOwnTracks(value));
      case 'events':
        return takeEvent(deviceId, value, textReplaced, receivedAt, message, arrived);
      case 'location': {
        const parsed = parseLocationPayload(value);
        if (!parsed.success) return reject(message, 'fix_invalid', receivedAt, parsed.error.issues.slice(0, 5));
        const fixes = fixesOf(parsed.data);
        const times = checkFixTimes(fixes, receivedAt.getTime());
        if (!times.ok) return reject(message, 'fix_invalid', receivedAt, times.reason);
        if (times.heldBack) metrics.increment('intake_fix_held_back', {}, times.heldBack);
        const stored = await deps.zones.storeFixes(deviceId, fixes, receivedAt);
        const newest = fixes.reduce((a, b) => (b.ts > a.ts ? b : a));
        const low =
          newest.batt !== undefined && newest.batt < FIX_BATTERY_WATCH_BELOW
            ? await battery(deviceId, newest, receivedAt)
            : null;
        const after = heard(deviceId, stored.commAlarmId, receivedAt, [...stored.placed, low]);
        return {
          afterAck: () => {
            after?.afterAck?.();
            deps.positionSeen(deviceId, { ts: newest.ts, lat: newest.lat, lon: newest.lon, acc: newest.acc ?? null });
          },
        };
      }
      case 'status': {
        const parsed = parseStatus(value);
        if (!parsed.success) return reject(message, 'status_invalid', receivedAt, parsed.error.issues.slice(0, 5));
        const time = checkStatusTime(parsed.data, receivedAt.getTime());
        if (!time.ok) return reject(message, 'status_invalid', receivedAt, time.reason);
        const stored = await storeStatus(sql, deviceId, parsed.data, receivedAt);
        const low = batteryWorthWatching(parsed.data, stored.batteryLowRaised)
          ? await battery(deviceId, parsed.data, receivedAt)
          : null;
        return heard(deviceId, stored.commAlarmId, receivedAt, [low]);
      }
      default:
        return reject(message, 'channel_not_accepted', receivedAt);
    }
  }

  async function takeEvent(
    deviceId: string,
    value: unknown,
    textReplaced: boolean,
    receivedAt: Date,
    message: DevicePublish,
    arrived: number,
  ): Promise<IntakeResult> {
    // parse: safety first; only a missing type rejects an event
    const parsed = parseDeviceEvent(value, deviceId, receivedAt.getTime());
    if (!parsed.ok) return reject(message, parsed.reason, receivedAt);
    const { event, warnings } = parsed;
    if (textReplaced) warnings.push(EventWarning.textReplaced);
    for (const warning of warnings) metrics.increment('intake_event_warnings', { warning });
    if (warnings.length)
      logger.warn({ deviceId, eventId: event.id, type: event.type, warnings }, 'event taken with protocol warnings');

    // decide (the rule is pure; it runs inside the raise transaction, against what is known then)
    const context = await getEventContext(sql, deviceId);
    const pin = await checkPin(event, context);

    // persist
    const store = (e: DeviceEvent, w: EventWarning[], wearerId = context.wearerId) =>
      takeDeviceEvent(sql, deps.raising, {
        deviceId,
        wearerId,
        event: e,
        warnings: w,
        receivedAt,
        decide: (known) => decideEvent(e, pin, known, receivedAt),
      });
    let stored;
    try {
      stored = await store(event, warnings);
    } catch (err) {
      if (!isContentError(err)) throw err;
      // Something in the payload the database refuses that the edge did not foresee. An SOS is
      // still an SOS: store the event with its id, type and time alone (spec, "Events are parsed
      // safety first"); if even that is refused, the caller rejects it.
      logger.error(
        { err, deviceId, eventId: event.id, type: event.type },
        'event refused by the database for its content: storing its id, type and time alone',
      );
      metrics.increment('intake_event_warnings', { warning: EventWarning.payloadUnstorable });
      const bare: DeviceEvent = {
        id: event.id,
        type: event.type,
        known: event.known,
        ts: event.ts,
        raw: { id: event.id, type: event.type, ts: event.ts },
      };
      // The device's wearer is read again: one erased or changed meanwhile refuses the first
      // attempt too (a foreign key), and the alarm must still be stored.
      const now = await getEventContext(sql, deviceId);
      stored = await store(bare, [...warnings, EventWarning.payloadUnstorable], now.wearerId);
    }
    // Outcome labels are a closed set (not the device's event type, which may be anything).
    metrics.increment('intake_events', {
      outcome: stored.duplicate ? 'duplicate' : stored.raised ? 'raised' : stored.updated.length ? 'updated' : 'stored',
    });
    if (stored.duplicate) {
      metrics.increment('intake_event_duplicates');
      logger.info({ deviceId, eventId: event.id, alarmId: stored.alarmId }, 'event already stored: not raised again');
      // The reply may still be waiting for this device; it goes when the device can take it.
      const after = heard(deviceId, stored.commAlarmId, receivedAt, []);
      return { afterAck: () => (after?.afterAck?.(), deps.commands.flush(deviceId)) };
    }
    logger.info(
      { deviceId, eventId: event.id, type: event.type, raised: stored.raised, updated: stored.updated },
      'event stored',
    );
    const committedAt = performance.now();
    if (stored.raised || stored.updated.length) metrics.observeAlarmLatency('stored', (committedAt - arrived) / 1000);

    // acknowledge (by resolving), then notify
    const after = heard(
      deviceId,
      stored.commAlarmId,
      receivedAt,
      [stored.raised ? { raised: stored.raised } : null, ...stored.updated.map((updated) => ({ updated }))],
      committedAt,
    );
    return {
      afterAck: () => {
        after?.afterAck?.();
        if (stored.commands.length) deps.commands.flush(deviceId);
        if (event.lat !== undefined && event.lon !== undefined) {
          deps.positionSeen(deviceId, {
            ts: plausibleFixTs(event.ts, receivedAt.getTime()),
            lat: event.lat,
            lon: event.lon,
            acc: event.acc ?? null,
          });
        }
      },
    };
  }
}

/** Compares the PIN of an amber.end or sos.cancel with the wearer's; both hashes are always checked. */
async function checkPin(event: DeviceEvent, context: EventContext): Promise<PinCheck> {
  if (event.type !== 'amber.end' && event.type !== 'sos.cancel') return 'not_required';
  if (!context.safePinHash && !context.duressPinHash) return 'not_required';
  if (event.pin === undefined) return 'missing';
  const [duress, safe] = await Promise.all([
    context.duressPinHash ? verifySecret(event.pin, context.duressPinHash) : false,
    context.safePinHash ? verifySecret(event.pin, context.safePinHash) : false,
  ]);
  return duress ? 'duress' : safe ? 'safe' : 'wrong';
}
