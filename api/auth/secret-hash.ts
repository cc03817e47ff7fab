// Slow hashes for passwords, device secrets and PINs: scrypt from node:crypto (spec, "Connection":
// "stored only as a slow hash (argon2id or scrypt)"). Format: scrypt$N$r$p$salt$hash (base64url).
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

type Params = { readonly N: number; readonly r: number; readonly p: number };

/** Passwords and PINs: people chose them, so every guess must cost. 16 MiB, ≈ 50 ms of a core here. */
const GUESSABLE_SECRET: Params = { N: 1 << 14, r: 8, p: 1 };

/**
 * Device secrets: 32 random bytes the ARC generated (generateSecret), so no number of guesses
 * finds one and the work factor adds nothing to their safety; the spec still asks for a slow hash.
 * Every device CONNECT to a freshly started ARC pays it: at 2^14 a fleet of 10,000 took three
 * minutes to come back after a restart (issue 5), and an SOS from a device not yet back waits.
 * 4 MiB, ≈ 9 ms of a core here: the same fleet is back in well under a minute.
 */
const DEVICE_SECRET: Params = { N: 1 << 12, r: 8, p: 1 };
const KEY_LENGTH = 32;

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

/** A device secret from generateSecret (never one a person typed). */
export function hashDeviceSecret(secret: string | Buffer): Promise<string> {
  return hashWith(secret, DEVICE_SECRET);
}

export async function verifySecret(secret: string | Buffer, stored: string): Promise<boolean> {
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
