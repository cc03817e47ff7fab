// Issue 12, items 2 and 3: the login throttle counts attempts before checking the password, so
// parallel guesses get no more tries than serial ones; a burst of failures does not lock a whole
// control room (one NAT address) out; every attempt that is heard costs one slow hash.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, ADDRESS } from '../api/auth/login-throttle.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let clock = new Date('2031-03-04T10:00:00Z');

beforeAll(async () => {
  // 500 parallel connections from one address: more than the default per-address cap.
  t = await startTestArc({ ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '2000' }, { now: () => clock });
});
afterAll(async () => {
  await t?.close();
});

const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
const checks = () => t.arc.metrics.get('login_password_checks');

/** A login sent from a loopback address of our choosing (127.0.0.0/8 is all ours), so tests can be "elsewhere". */
function loginFrom(
  localAddress: string,
  email: string,
  password: string,
): Promise<{ status: number; body: any; retryAfter: number }> {
  const url = new URL('/api/auth/login', t.httpUrl);
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            body: JSON.parse(text),
            retryAfter: Number(response.headers['retry-after'] ?? 0),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('parallel guesses', () => {
  it('500 parallel logins to one account, the right password 250th: at most the free attempts are checked, and the right one waits', async () => {
    const victim = await t.createUser('administrator'); // has logged in from 127.0.0.1
    const before = checks();
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        loginFrom('127.0.0.5', victim.email, i === 249 ? victim.password : `guess-${i}-wrong-password`),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(
      ACCOUNT.free,
    );
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(500 - ACCOUNT.free);
    expect(checks() - before).toBeLessThanOrEqual(ACCOUNT.free);
    expect(answers.filter((a) => a.status === 429).every((a) => a.retryAfter > 0)).toBe(true);
    // The owner, at the address they always log in from, is not locked out by guesses from elsewhere.
    expect((await loginFrom('127.0.0.1', victim.email, victim.password)).status).toBe(200);
    // From the guessers' side, the right password is heard again once the wait is over.
    advance(ACCOUNT.maxWaitMs);
    expect((await loginFrom('127.0.0.5', victim.email, victim.password)).status).toBe(200);
  });

  it('guesses spread over many accounts from one address are slowed, but colleagues behind that address still log in', async () => {
    advance(2 * 3600_000);
    const colleague = await t.createUser('operator'); // logged in from 127.0.0.1 before
    const before = checks();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => loginFrom('127.0.0.1', `nobody-${i}@test.arc`, 'spray-password-1')),
    );
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(ADDRESS.free);
    expect(checks() - before).toBeLessThanOrEqual(ADDRESS.free);
    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    // The address's wait is short, whatever the burst.
    expect(Math.max(...throttled.map((a) => a.retryAfter))).toBeLessThanOrEqual(ADDRESS.maxWaitMs / 1000);
    // Another member of staff, same address, right password: in at once.
    expect((await loginFrom('127.0.0.1', colleague.email, colleague.password)).status).toBe(200);
    // One who has never logged in from here waits at most the address's short wait.
    advance(ADDRESS.maxWaitMs);
    const fresh = await t.api('POST', '/api/users', {
      email: 'newcomer@test.arc',
      name: 'New',
      role: 'operator',
      password: 'newcomer-password-long',
    });
    expect(fresh.status).toBe(201);
    expect((await loginFrom('127.0.0.1', 'newcomer@test.arc', 'newcomer-password-long')).status).toBe(200);
  });
});

describe('every attempt costs the same', () => {
  it('an unknown email, a disabled account and a wrong password each cost one slow hash', async () => {
    advance(2 * 3600_000);
    const disabled = await t.createUser('operator');
    expect((await t.api('PATCH', `/api/users/${disabled.id}`, { disabled: true })).status).toBe(200);
    const known = await t.createUser('operator');
    for (const [email, password] of [
      ['nobody-at-all@test.arc', 'some-password-here'],
      [disabled.email, disabled.password],
      [known.email, 'not-their-password'],
    ]) {
      const before = checks();
      const answer = await loginFrom('127.0.0.7', email, password);
      expect(answer.status, email).toBe(401);
      expect(answer.body.error.code).toBe('ARC_ERR_AUTH_INVALID');
      expect(checks() - before, email).toBe(1);
    }
  });
});
