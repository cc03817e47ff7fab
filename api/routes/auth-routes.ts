// Log in (cookie and token), log out, who am I. Failed logins are slowed down per account and
// per address; both successes and failures are audited.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { AddressFailures, loginWaitMs } from '../auth/login-throttle.js';
import { SESSION_COOKIE, tokenFrom, userForToken } from '../auth/session-token.js';
import { verifySecret } from '../auth/secret-hash.js';
import { audit } from '../store/audit-log.js';
import {
  clearLoginFailures,
  deleteSession,
  findUserByEmail,
  insertSession,
  recordLoginFailure,
} from '../store/user-store.js';
import { parseInput } from './parse-input.js';
import type { RouteDeps } from './route-deps.js';

const Login = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) });

export function authRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  const addresses = new AddressFailures();
  const throttled = (waitMs: number) =>
    new ArcError('ARC_ERR_AUTH_THROTTLED', undefined, { retryAfterS: Math.ceil(waitMs / 1000) });

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = parseInput(Login, request.body);
    const now = deps.now();
    const addressWait = addresses.waitMs(request.ip, now);
    if (addressWait > 0) throw throttled(addressWait);
    const user = await findUserByEmail(sql, email);
    if (user) {
      const accountWait = loginWaitMs(user.failedLogins, user.lastFailedLoginAt, now);
      if (accountWait > 0) throw throttled(accountWait);
    }
    const ok = user !== null && !user.disabled && (await verifySecret(password, user.passwordHash));
    if (!ok || !user) {
      addresses.failed(request.ip, now);
      if (user) await recordLoginFailure(sql, user.id, now);
      await audit(sql, { id: user?.id ?? null, name: email }, 'login.failed', user?.id ?? null, { ip: request.ip });
      throw new ArcError('ARC_ERR_AUTH_INVALID');
    }
    addresses.succeeded(request.ip);
    await clearLoginFailures(sql, user.id);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + deps.config.ARC_SESSION_HOURS * 3600_000);
    await insertSession(sql, user.id, token, expiresAt);
    await audit(sql, { id: user.id, name: user.email }, 'login', user.id, { ip: request.ip });
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

  app.get('/api/auth/me', { preHandler: deps.allow('administrator', 'supervisor', 'operator', 'carer') }, async (request) => ({
    user: request.user,
  }));
}
