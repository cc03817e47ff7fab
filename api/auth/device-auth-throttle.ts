// Wrong device credentials at the HTTP doors (OwnTracks' POST /owntracks, Traccar Client's
// identifier on the OsmAnd port) are slowed as staff logins are, by the same rule (loginWaitMs,
// login-throttle.ts) on the ARC's clock. Only failures are counted: a phone posting every minute
// with the right secret costs nothing here.
//
// Two buckets, and a safety rule between them:
// - the credential presented at an address (a device id with the secret offered, deviceCredentialKey;
//   or the hash of an OsmAnd identifier): once it waits, a request presenting it from there is
//   refused (429, or MQTT's "server unavailable") before it is checked. A misconfigured phone
//   hammering with an old secret stops costing a lookup each time. The secret is part of the key so
//   that nobody holds the device's RIGHT secret: not an attacker naming its id, not the wearer's old
//   phone left running with the old secret at home, where the new phone shares its address.
// - the address: a wrong credential from an address that keeps failing, whatever it names, is a
//   429 too. But a right one from that address is still checked and taken: phones behind a mobile
//   carrier's shared address must not lose an SOS to someone else's misconfigured phone there.
// Held in memory, per node: device secrets are 256 random bits, so this is about noise and load,
// not guessing (a staff password is guessable; its throttle is in PostgreSQL, shared by nodes).
import { createHash } from 'node:crypto';
import { ArcError } from '../errors.js';
import { FORGIVE_AFTER_MS, loginWaitMs, type ThrottleRule } from './login-throttle.js';

/** The credential named at one address: a handful of mistakes, then doubling waits up to 5 minutes. */
export const DEVICE_AT_ADDRESS: ThrottleRule = { free: 5, maxWaitMs: 5 * 60 * 1000 };
/** An address failing with many credentials: generous (a carrier's shared address), and short. */
export const DEVICE_ADDRESS: ThrottleRule = { free: 20, maxWaitMs: 60 * 1000 };
/** Buckets kept at most; past it the oldest half is forgotten (a flood of addresses cannot grow memory). */
const MAX_BUCKETS = 100_000;

/** The bucket key of a device id and the secret offered with it (hashed: no secret is kept in memory). */
export const deviceCredentialKey = (deviceId: string, secret: Buffer | string) =>
  `device:${deviceId}:${createHash('sha256').update(secret).digest('base64url').slice(0, 22)}`;

export type ThrottleReason = 'credential_throttled' | 'address_throttled';

export interface DeviceAuthThrottle {
  /** Before checking: how long this credential at this address must still wait (0: check it). */
  credentialWaitMs(credential: string, address: string, now: Date): number;
  /** A wrong credential: counted for it and for the address; says how long to wait if it must now, and why. */
  failed(credential: string, address: string, now: Date): { waitMs: number; reason: ThrottleReason } | null;
  /** A right credential: its past mistakes at this address are forgiven. */
  succeeded(credential: string, address: string): void;
}

interface Bucket {
  attempts: number;
  lastAt: Date;
}

export function createDeviceAuthThrottle(): DeviceAuthThrottle {
  const buckets = new Map<string, Bucket>();
  const credentialKey = (credential: string, address: string) => `c\u0000${credential}\u0000${address}`;
  const addressKey = (address: string) => `a\u0000${address}`;

  const waitOf = (key: string, rule: ThrottleRule, now: Date) => {
    const bucket = buckets.get(key);
    return bucket ? loginWaitMs(bucket.attempts, bucket.lastAt, now, rule) : 0;
  };

  function count(key: string, now: Date): void {
    const bucket = buckets.get(key);
    if (bucket && now.getTime() - bucket.lastAt.getTime() < FORGIVE_AFTER_MS) {
      bucket.attempts++;
      if (now > bucket.lastAt) bucket.lastAt = now;
      return;
    }
    if (!bucket && buckets.size >= MAX_BUCKETS) {
      let drop = MAX_BUCKETS / 2;
      for (const k of buckets.keys()) {
        buckets.delete(k);
        if (--drop === 0) break;
      }
    }
    buckets.set(key, { attempts: 1, lastAt: now });
  }

  return {
    credentialWaitMs: (credential, address, now) => waitOf(credentialKey(credential, address), DEVICE_AT_ADDRESS, now),
    failed(credential, address, now) {
      count(credentialKey(credential, address), now);
      count(addressKey(address), now);
      // The wait that follows this failure (the next attempt's), or the address's.
      const credentialWait = waitOf(credentialKey(credential, address), DEVICE_AT_ADDRESS, now);
      if (credentialWait > 0) return { waitMs: credentialWait, reason: 'credential_throttled' };
      const addressWait = waitOf(addressKey(address), DEVICE_ADDRESS, now);
      return addressWait > 0 ? { waitMs: addressWait, reason: 'address_throttled' } : null;
    },
    succeeded(credential, address) {
      buckets.delete(credentialKey(credential, address));
    },
  };
}

/** The 429 a throttled request gets: why, and when to try again (also as Retry-After). */
export const deviceAuthThrottled = (waitMs: number, reason: ThrottleReason) =>
  new ArcError('ARC_ERR_DEVICE_AUTH_THROTTLED', undefined, {
    reason,
    retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)),
  });
