// The app's link to the ARC: a device under protocol v1 over MQTT on WebSocket (/mqtt), with the
// browser build of the same mqtt package the simulator uses. Events and fixes go at QoS 1; a
// publish resolves on its PUBACK, which the ARC sends only once the message is stored (spec
// guarantee 1). The app publishes only while connected; what it could not send waits in its
// outbox (outbox.ts) and goes when the link is back.
import mqtt from 'mqtt';
import { DeviceChannel, deviceTopic } from '../../../protocol/device-topics.js';
import type { Pairing } from './pairing.js';

export type LinkState = 'online' | 'offline';

export interface ArcCommand {
  id: string;
  type: string;
  eventId?: string;
}

export interface DeviceLink {
  connected(): boolean;
  /** Resolves once the ARC has stored it; rejects when not acknowledged within `timeoutMs`. */
  publish(
    channel: 'events' | 'location' | 'status',
    payload: Record<string, unknown> | Record<string, unknown>[],
    timeoutMs?: number,
  ): Promise<void>;
  close(): void;
}

/** A publish not acknowledged by then is tried again from the outbox (the ARC takes an id once). */
const PUBLISH_TIMEOUT_MS = 15_000;

export function openDeviceLink(
  url: string,
  pairing: Pairing,
  on: {
    state(state: LinkState): void;
    command(command: ArcCommand): void;
    /** Each (re)connection: time to send what waits. */ connected(): void;
  },
): DeviceLink {
  const commands = deviceTopic(pairing.deviceId, DeviceChannel.commands);
  const client = mqtt.connect(url, {
    clientId: pairing.deviceId,
    username: pairing.deviceId,
    password: pairing.secret,
    protocolVersion: 4,
    // A persistent session (spec, "Connection"): commands sent while the phone was away still
    // arrive, and the ARC marks each delivered at its PUBACK instead of sending it again at every
    // reconnection (a clean session's PUBACK carries nothing the broker can match).
    clean: false,
    reconnectPeriod: 2000,
    // mqtt.js gives up for good at a refused CONNACK unless told otherwise: a phone refused once
    // ("server unavailable" while the ARC's database is away, or held by the credential throttle;
    // "not authorized" while the device is disabled) would never reconnect, and an SOS would wait
    // in the outbox until the page was reloaded. It keeps trying; the ARC's throttle makes a
    // refused phone's retries cheap (security.md, "Device credential guessing").
    reconnectOnConnackError: true,
    connectTimeout: 10_000,
  });
  client.on('connect', () => {
    on.state('online');
    client.subscribe(commands, { qos: 1 });
    on.connected();
  });
  for (const event of ['close', 'offline', 'error'] as const)
    client.on(event, () => on.state(client.connected ? 'online' : 'offline'));
  client.on('message', (topic, payload) => {
    if (topic !== commands) return;
    try {
      const command = JSON.parse(new TextDecoder().decode(payload)) as ArcCommand;
      if (command && typeof command.type === 'string') on.command(command);
    } catch {
      // not a command of ours: nothing to show
    }
  });
  return {
    connected: () => client.connected,
    async publish(channel, payload, timeoutMs = PUBLISH_TIMEOUT_MS) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error('not acknowledged')), timeoutMs)),
      );
      try {
        await Promise.race([
          client.publishAsync(deviceTopic(pairing.deviceId, channel), JSON.stringify(payload), { qos: 1 }),
          late,
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => void client.end(true),
  };
}
