// Pairing the lone-worker app: the settings a new device secret comes with (the provisioning
// page's text and QR code: {url, clientId, username, password}, api/routes/device-connection.ts)
// become this phone's device identity. Pure, so the rules are tested without a browser.
import { isDeviceId } from '../../../protocol/device-topics.js';

export interface Pairing {
  deviceId: string;
  secret: string;
}

export type PairingParse = { ok: true; pairing: Pairing } | { ok: false; reason: string };

export function parsePairing(text: string): PairingParse {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return {
      ok: false,
      reason: 'These are not the settings from the provisioning page (paste all of them, braces included).',
    };
  }
  if (typeof value !== 'object' || value === null)
    return { ok: false, reason: 'These are not the settings from the provisioning page.' };
  const { clientId, username, password } = value as Record<string, unknown>;
  if (typeof username !== 'string' || !isDeviceId(username))
    return { ok: false, reason: 'The settings name no device.' };
  // Device protocol, "Connection": the client id is the device id, and so is the username.
  if (clientId !== undefined && clientId !== username)
    return { ok: false, reason: 'The client id and the username differ: these are not one device\u2019s settings.' };
  if (typeof password !== 'string' || password.length === 0)
    return { ok: false, reason: 'The settings hold no secret.' };
  return { ok: true, pairing: { deviceId: username, secret: password } };
}

/** Where the app's MQTT goes: the ARC that served it, MQTT over WebSocket at /mqtt. */
export function brokerUrlFor(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
}
