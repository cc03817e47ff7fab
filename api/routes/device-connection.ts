// What a device (or its installer) is given with a new secret: where to connect and as whom,
// the same for one device (POST /api/devices, rotate-secret) and for a fleet (POST /api/devices/bulk).
import { deviceMqttUrl, type Config } from '../config.js';

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
