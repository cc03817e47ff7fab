// Log in (cookie and token), log out, who am I. Attempts are counted before the password is
// checked, per account and per address (auth/login-throttle.ts); every attempt that is heard costs
// one slow hash, whether the account exists, is disabled or not (issue 12, items 2 and 3); both
// successes and failures are audited.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { ACCOUNT, ADDRESS, KNOWN_ADDRESS } from '../auth/login-throttle.js';
import { SESSION_COOKIE, tokenFrom, userForToken } from '../auth/session-token.js';
import { generateSecret, hashSecret, verifySecret } from '../auth/secret-hash.js';
import { audit } from '../store/audit-log.js';
import { deleteSession, findUserByEmail, insertSession } from '../store/user-store.js';
import {
  accountKey,
  addressKey,
  clearLoginAttempts,
  isKnownAddress,
  knownAddressKey,
  refundLoginAttempt,
  rememberAddress,
  reserveLoginAttempt,
} from '../store/login-throttle-store.js';
import { inTransaction } from '../store/in-transaction.js';
import { parseInput } from './parse-input.js';
import type { RouteDeps } from './route-deps.js';

export const Login = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) });

/** A uuid no account has: an unknown email's lookups cost what a real one's do. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

export function authRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  // Checked against when there is no account: an unknown email costs what a wrong password does.
  let dummyHash: Promise<string> | null = null;
  const throttled = (waitMs: number) =>
    new ArcError('ARC_ERR_AUTH_THROTTLED', undefined, { retryAfterS: Math.ceil(waitMs / 1000) });

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = parseInput(Login, request.body);
    const now = deps.now();
    const ip = request.ip;
    const user = await findUserByEmail(sql, email);
    // The owner at an address they have logged in from has a bucket of their own there, and is
    // not held by the address's: an attacker elsewhere, or a colleague's attacker behind the same
    // NAT, does not lock them out.
    // Asked for unknown emails too (of no account), so both take the same queries.
    const known = (await isKnownAddress(sql, user?.id ?? NO_ACCOUNT, ip)) && user !== null;
    const accountBucket = known ? knownAddressKey(email, ip) : accountKey(email);
    const accountWait = await reserveLoginAttempt(sql, accountBucket, known ? KNOWN_ADDRESS : ACCOUNT, now);
    if (accountWait > 0) throw throttled(accountWait);
    if (!known) {
      const addressWait = await reserveLoginAttempt(sql, addressKey(ip), ADDRESS, now);
      if (addressWait > 0) throw throttled(addressWait);
    }
    dummyHash ??= hashSecret(generateSecret());
    const matches = await verifySecret(password, user?.passwordHash ?? (await dummyHash));
    deps.metrics.increment('login_password_checks');
    if (!user || user.disabled || !matches) {
      await audit(sql, { id: user?.id ?? null, name: email }, 'login.failed', user?.id ?? null, { ip });
      throw new ArcError('ARC_ERR_AUTH_INVALID');
    }
    await clearLoginAttempts(sql, [accountBucket]);
    if (!known) await refundLoginAttempt(sql, addressKey(ip));
    await rememberAddress(sql, user.id, ip, now);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + deps.config.ARC_SESSION_HOURS * 3600_000);
    await inTransaction(sql, async (tx) => {
      await insertSession(tx, user.id, token, expiresAt);
      await audit(tx, { id: user.id, name: user.email }, 'login', user.id, { ip });
    });
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.config.ARC_COOKIE_SECURE,
      // A lifetime, not a date: the browser counts it on its own clock, which need not be ours.
      maxAge: deps.config.ARC_SESSION_HOURS * 3600,
    });
    const { id, name, role } = user;
    return { user: { id, email: user.email, name, role }, token, expiresAt: expiresAt.toISOString() };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = tokenFrom(request.headers);
    const user = await userForToken(sql, token, deps.now());
    if (token) await deleteSession(sql, token);
    if (user) await audit(sql, { id: user.id, name: user.email }, 'logout', user.id);
    // Consoles and carers' pages opened with this session stop receiving now.
    if (token) deps.sessionEnded();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get(
    '/api/auth/me',
    { preHandler: deps.allow('administrator', 'supervisor', 'operator', 'carer', 'organisation_manager') },
    async (request) => ({
      user: request.user,
    }),
  );
}
