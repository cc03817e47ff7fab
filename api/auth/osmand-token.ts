// The identifier Traccar Client sends (OsmAnd protocol): it has no password, so the identifier
// itself is the credential, a per-device secret issued at provisioning, never the device id.
// 256 random bits: a fast SHA-256 is as safe as a slow hash against guessing, and lets a
// request find its device through an index without knowing the device first.
import { createHash } from 'node:crypto';
import { generateSecret } from './secret-hash.js';

export const generateOsmAndToken = (): string => generateSecret(32);

export const hashOsmAndToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
