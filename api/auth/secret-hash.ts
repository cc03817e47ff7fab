// One-way hashes of secrets. Passwords and PINs, which people choose, get a slow hash: scrypt from
// node:crypto, format scrypt$N$r$p$salt$hash (base64url). Device secrets are 256 random bits the
// ARC generated, and the spec ("Connection") stores them under SHA-256: no number of guesses finds
// one, so a work factor adds nothing, and a whole fleet reconnects within seconds after a restart.
// Format: sha256$hash (base64url).
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

type Params = { readonly N: number; readonly r: number; readonly p: number };

/** Passwords and PINs: people chose them, so every guess must cost. 16 MiB, ≈ 50 ms of a core here. */
const GUESSABLE_SECRET: Params = { N: 1 << 14, r: 8, p: 1 };

const KEY_LENGTH = 32;
const FAST_SCHEME = 'sha256';

function scrypt(secret: string | Buffer, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

async function hashWith(secret: string | Buffer, params: Params): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A password or PIN. */
export function hashSecret(secret: string | Buffer): Promise<string> {
  return hashWith(secret, GUESSABLE_SECRET);
}

/**
 * A device secret from generateSecret (never one a person typed). Earlier versions stored device
 * secrets under scrypt; verifySecret still reads those, and the device authenticator replaces
 * each with this hash at the device's next successful connect.
 */
export function hashDeviceSecret(secret: string | Buffer): string {
  return `${FAST_SCHEME}$${createHash('sha256').update(secret).digest('base64url')}`;
}

/** Whether a stored hash is already the device-secret hash of today (not an earlier scrypt one). */
export function isDeviceSecretHash(stored: string): boolean {
  return stored.startsWith(`${FAST_SCHEME}$`);
}

export async function verifySecret(secret: string | Buffer, stored: string): Promise<boolean> {
  if (isDeviceSecretHash(stored)) {
    const expected = Buffer.from(stored.slice(FAST_SCHEME.length + 1), 'base64url');
    const actual = createHash('sha256').update(secret).digest();
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random secret for a device or a generated password: 32 bytes, URL-safe. */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
