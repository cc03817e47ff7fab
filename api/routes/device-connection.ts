// What a device (or its installer) is given with a new secret: where to connect and as whom,
// the same for one device (POST /api/devices, rotate-secret) and for a fleet (POST /api/devices/bulk).
// A single device also gets ready-made settings for the phone apps (docs/guides/phone-apps.md).
import { deviceMqttUrl, osmandUrl, type Config } from '../config.js';
import { ownTracksConfigLink, ownTracksConfiguration } from '../../protocol/owntracks.js';
import type { PhoneAppSettings } from '../live/console-contract.js';

export interface DeviceConnection {
  url: string;
  clientId: string;
  username: string;
  password: string;
}

export const deviceConnection = (config: Config, deviceId: string, secret: string): DeviceConnection => ({
  url: deviceMqttUrl(config),
  clientId: deviceId,
  username: deviceId,
  password: secret,
});

/** The path OwnTracks posts to in HTTP mode (api/routes/owntracks-routes.ts). */
export const OWNTRACKS_HTTP_PATH = '/owntracks';

// The shape the console shows (DeviceCredentialsView); the contract defines it, this builds it.
export type { PhoneAppSettings };

export function phoneAppSettings(
  config: Config,
  deviceId: string,
  secret: string,
  osmandToken: string,
): PhoneAppSettings {
  const traccarUrl = osmandUrl(config);
  const httpUrl = new URL(OWNTRACKS_HTTP_PATH, config.ARC_PUBLIC_URL).toString();
  const mqtt = ownTracksConfiguration({ mode: 'mqtt', deviceId, secret, url: deviceMqttUrl(config) });
  const http = ownTracksConfiguration({ mode: 'http', deviceId, secret, url: httpUrl });
  return {
    traccarClient: traccarUrl
      ? { url: traccarUrl, identifier: osmandToken, link: `${traccarUrl}/?id=${encodeURIComponent(osmandToken)}` }
      : null,
    ownTracks: {
      mqtt: { configuration: mqtt, link: ownTracksConfigLink(mqtt) },
      http: { url: httpUrl, configuration: http, link: ownTracksConfigLink(http) },
    },
  };
}
