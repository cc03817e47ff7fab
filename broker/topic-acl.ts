// Who may publish and subscribe where (spec, "Topics"): a device publishes only to its own
// location, events and status topics and subscribes only to its own commands topic. A phone
// running OwnTracks publishes on owntracks/<user>/<device>[/<kind>]; it is taken only where
// <user> is the device's own id, so one device can never speak for another there either.
import { DeviceChannel, UPLINK_CHANNELS, deviceTopic, parseDeviceTopic } from '../protocol/device-topics.js';

/** Ours, or an OwnTracks message (translated by the intake, protocol/owntracks.ts). */
export type PublishChannel = DeviceChannel | 'owntracks';

const OWNTRACKS_ROOT = 'owntracks/';
/** owntracks/<user>/<device> and one level below it (event, status, step, cmd, …; booklet "Topics"). */
const OWNTRACKS_MAX_LEVELS = 4;
/** A level of our own choosing: no wildcards, no empty level, nothing odd (MQTT forbids wildcards in a publish anyway). */
const OWNTRACKS_LEVEL = /^[A-Za-z0-9_.-]{1,64}$/;

/** The channel a device may publish this topic on, or null when it may not. */
export function canPublish(deviceId: string, topic: string): PublishChannel | null {
  if (topic.startsWith(OWNTRACKS_ROOT)) return canPublishOwnTracks(deviceId, topic);
  const parsed = parseDeviceTopic(topic);
  if (!parsed || parsed.deviceId !== deviceId) return null;
  return UPLINK_CHANNELS.includes(parsed.channel) ? parsed.channel : null;
}

function canPublishOwnTracks(deviceId: string, topic: string): 'owntracks' | null {
  const levels = topic.split('/');
  if (levels.length < 3 || levels.length > OWNTRACKS_MAX_LEVELS) return null;
  if (levels[1] !== deviceId) return null;
  return levels.slice(2).every((level) => OWNTRACKS_LEVEL.test(level)) ? 'owntracks' : null;
}

/** Exactly its own commands topic, or its own OwnTracks cmd topic: no wildcards, no other device, nothing else. */
export function canSubscribe(deviceId: string, topicFilter: string): boolean {
  return (
    topicFilter === deviceTopic(deviceId, DeviceChannel.commands) || isOwnTracksCommandTopic(deviceId, topicFilter)
  );
}

/**
 * owntracks/<device-id>/<its device name>/cmd: where OwnTracks takes remote commands (booklet,
 * "Topics"). Only the ARC publishes there; the device may subscribe to it.
 */
export function isOwnTracksCommandTopic(deviceId: string, topic: string): boolean {
  const levels = topic.split('/');
  return (
    levels.length === 4 &&
    levels[0] === 'owntracks' &&
    levels[1] === deviceId &&
    OWNTRACKS_LEVEL.test(levels[2]) &&
    levels[3] === 'cmd'
  );
}
