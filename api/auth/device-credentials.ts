// Device authentication at every MQTT CONNECT. Device secrets are stored under SHA-256 (spec,
// "Connection"), so checking one costs microseconds and a fleet reconnecting after a restart is
// back within seconds (issue 15: 10,000 devices took 30–66 s under scrypt). A device whose secret
// is still under an earlier version's scrypt hash is checked the slow way once, and its hash is
// replaced at that successful connect. Disabled devices are refused every time.
import type { Sql } from 'postgres';
import { getDeviceCredentials, replaceSecretHash } from '../store/device-store.js';
import { hashDeviceSecret, isDeviceSecretHash, verifySecret } from './secret-hash.js';

export function createDeviceAuthenticator(sql: Sql): (deviceId: string, secret: Buffer) => Promise<boolean> {
  return async (deviceId, secret) => {
    const credentials = await getDeviceCredentials(sql, deviceId);
    if (!credentials || !credentials.enabled) return false;
    if (!(await verifySecret(secret, credentials.secretHash))) return false;
    if (!isDeviceSecretHash(credentials.secretHash)) {
      await replaceSecretHash(sql, deviceId, credentials.secretHash, hashDeviceSecret(secret));
    }
    return true;
  };
}
