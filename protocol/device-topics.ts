// The topic grammar of device protocol v1 (docs/device-protocol.md, "Topics").
// broker/, api/ and device-sim/ all import it, so the grammar lives in exactly one place.

/** A device id: 3 to 64 characters of A-Z a-z 0-9 _ - (spec, "Connection"). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;

export const TOPIC_ROOT = 'arc/v1/devices';

export const DeviceChannel = {
  location: 'location',
  events: 'events',
  status: 'status',
  commands: 'commands',
} as const;
export type DeviceChannel = (typeof DeviceChannel)[keyof typeof DeviceChannel];

/** Channels a device publishes on; `commands` flows the other way. */
export const UPLINK_CHANNELS: readonly DeviceChannel[] = ['location', 'events', 'status'];

export function isDeviceId(value: string): boolean {
  return DEVICE_ID_PATTERN.test(value);
}

export function deviceTopic(deviceId: string, channel: DeviceChannel): string {
  return `${TOPIC_ROOT}/${deviceId}/${channel}`;
}

export interface DeviceTopic {
  deviceId: string;
  channel: DeviceChannel;
}

// Every message a device publishes passes here (the broker's ACL), hence these built once.
const ROOT_PREFIX = `${TOPIC_ROOT}/`;
const CHANNELS: ReadonlySet<string> = new Set(Object.values(DeviceChannel));

/** Splits `arc/v1/devices/{id}/{channel}`; anything else (wildcards included) is null. */
export function parseDeviceTopic(topic: string): DeviceTopic | null {
  if (!topic.startsWith(ROOT_PREFIX)) return null;
  const parts = topic.split('/');
  if (parts.length !== 5) return null;
  const [, , , deviceId, channel] = parts;
  if (!isDeviceId(deviceId)) return null;
  if (!CHANNELS.has(channel)) return null;
  return { deviceId, channel: channel as DeviceChannel };
}
