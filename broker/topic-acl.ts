// Who may publish and subscribe where (spec, "Topics"): a device publishes only to its own
// location, events and status topics and subscribes only to its own commands topic.
import { DeviceChannel, UPLINK_CHANNELS, deviceTopic, parseDeviceTopic } from '../protocol/device-topics.js';

/** The channel a device may publish this topic on, or null when it may not. */
export function canPublish(deviceId: string, topic: string): DeviceChannel | null {
  const parsed = parseDeviceTopic(topic);
  if (!parsed || parsed.deviceId !== deviceId) return null;
  return UPLINK_CHANNELS.includes(parsed.channel) ? parsed.channel : null;
}

/** Exactly its own commands topic: no wildcards, no other device, nothing else. */
export function canSubscribe(deviceId: string, topicFilter: string): boolean {
  return topicFilter === deviceTopic(deviceId, DeviceChannel.commands);
}
