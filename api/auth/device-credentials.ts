// Device authentication: the stored secret is a slow hash (spec), so a fleet reconnecting after
// an outage would cost tens of milliseconds of CPU per device. Once a secret has been verified
// the slow way, a keyed fast digest of it is remembered in memory for that stored hash only:
// a rotated secret (a new hash) or a restart forgets it. Disabled devices are refused every time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sql } from 'postgres';
import { getDeviceCredentials } from '../store/device-store.js';
import { verifySecret } from './secret-hash.js';

export function createDeviceAuthenticator(sql: Sql): (deviceId: string, secret: Buffer) => Promise<boolean> {
  const key = randomBytes(32);
  const verified = new Map<string, { secretHash: string; digest: Buffer }>();
  const digestOf = (secret: Buffer) => createHmac('sha256', key).update(secret).digest();

  return async (deviceId, secret) => {
    const credentials = await getDeviceCredentials(sql, deviceId);
    if (!credentials || !credentials.enabled) return false;
    const known = verified.get(deviceId);
    if (known && known.secretHash === credentials.secretHash) return timingSafeEqual(known.digest, digestOf(secret));
    if (!(await verifySecret(secret, credentials.secretHash))) return false;
    verified.set(deviceId, { secretHash: credentials.secretHash, digest: digestOf(secret) });
    return true;
  };
}
