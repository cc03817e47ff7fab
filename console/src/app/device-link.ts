// The app's link to the ARC: a device under protocol v1 over MQTT on WebSocket (/mqtt), with the
// browser build of the same mqtt package the simulator uses. Events and fixes go at QoS 1; a
// publish resolves on its PUBACK, which the ARC sends only once the message is stored (spec
// guarantee 1). While the link is down mqtt.js keeps QoS 1 publishes and sends them on
// reconnecting, within this page's life (an offline queue that survives a closed app is not built).
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
  /** Resolves once the ARC has stored it. */
  publish(channel: 'events' | 'location', payload: Record<string, unknown>): Promise<void>;
  close(): void;
}

export function openDeviceLink(
  url: string,
  pairing: Pairing,
  on: { state(state: LinkState): void; command(command: ArcCommand): void },
): DeviceLink {
  const commands = deviceTopic(pairing.deviceId, DeviceChannel.commands);
  const client = mqtt.connect(url, {
    clientId: pairing.deviceId,
    username: pairing.deviceId,
    password: pairing.secret,
    protocolVersion: 4,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  client.on('connect', () => {
    on.state('online');
    client.subscribe(commands, { qos: 1 });
  });
  for (const event of ['close', 'offline', 'error'] as const) client.on(event, () => on.state(client.connected ? 'online' : 'offline'));
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
    async publish(channel, payload) {
      await client.publishAsync(deviceTopic(pairing.deviceId, channel), JSON.stringify(payload), { qos: 1 });
    },
    close: () => void client.end(true),
  };
}
