// What a device (or its installer) is given with a new secret: where to connect and as whom,
// the same for one device (POST /api/devices, rotate-secret) and for a fleet (POST /api/devices/bulk).
// A single device also gets ready-made settings for the phone apps (README, "Devices").
import { deviceMqttUrl, osmandUrl, type Config } from '../config.js';
import { ownTracksConfigLink, ownTracksConfiguration } from '../../protocol/owntracks.js';

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

export interface PhoneAppSettings {
  /** Traccar Client: null when the OsmAnd listener is off (ARC_OSMAND_PORT unset). */
  traccarClient: { url: string; identifier: string; /** Traccar Client reads this from a QR code (url + id). */ link: string } | null;
  /** OwnTracks' own `configuration` message and the owntracks:/// link that imports it. */
  ownTracks: {
    mqtt: { configuration: Record<string, unknown>; link: string };
    http: { url: string; configuration: Record<string, unknown>; link: string };
  };
}

export function phoneAppSettings(config: Config, deviceId: string, secret: string, osmandToken: string): PhoneAppSettings {
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
