// People and access: roles, sessions, throttled logins, secrets shown once, audit of every change,
// and 4xx-with-a-reason for every bad request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { ADMIN, connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;

beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  await t?.close();
});

describe('who may see what', () => {
  it('an anonymous request gets 401, not data', async () => {
    for (const path of ['/api/alarms', '/api/devices', '/api/wearers', '/api/audit', '/api/my/wearers']) {
      const response = await t.api('GET', path, undefined, null);
      expect(response.status, path).toBe(401);
      expect(response.body.error.code).toBe('ARC_ERR_AUTH_REQUIRED');
    }
    await expect(connected(t.operatorSocket(null))).rejects.toMatchObject({ code: 'ARC_ERR_AUTH_REQUIRED' });
  });

  it('a carer cannot open the operator feed or the operator API, and sees only their own people', async () => {
    const carer = await t.createUser('carer');
    await expect(connected(t.operatorSocket(carer.token))).rejects.toMatchObject({ code: 'ARC_ERR_FORBIDDEN' });
    expect((await t.api('GET', '/api/alarms', undefined, carer.token)).status).toBe(403);
    expect((await t.api('GET', '/api/devices', undefined, carer.token)).status).toBe(403);

    const mum = await t.createWearer({ name: 'Mum', notes: 'ARC-only note: key safe 1234' });
    const stranger = await t.createWearer({ name: 'Someone Else' });
    expect((await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId: mum.id })).status).toBe(201);
    const mine = await t.api('GET', '/api/my/wearers', undefined, carer.token);
    expect(mine.status).toBe(200);
    expect(mine.body.wearers.map((w: any) => w.name)).toEqual(['Mum']);
    expect(JSON.stringify(mine.body)).not.toContain('key safe');
    expect(JSON.stringify(mine.body)).not.toContain(stranger.id);
    const [audited] =
      await t.sql`select actor from audit_log where action = 'carer.viewed_locations' order by id desc limit 1`;
    expect(audited.actor).toBe(carer.email);
  });

  it('an operator reads but does not provision; only an administrator provisions', async () => {
    const operator = await t.createUser('operator');
    expect((await t.api('GET', '/api/devices', undefined, operator.token)).status).toBe(200);
    const refused = await t.api('POST', '/api/devices', { id: 'op-made' }, operator.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ARC_ERR_FORBIDDEN');
  });

  it('logging out ends the session', async () => {
    const operator = await t.createUser('operator');
    expect((await t.api('POST', '/api/auth/logout', undefined, operator.token)).status).toBe(200);
    expect((await t.api('GET', '/api/auth/me', undefined, operator.token)).status).toBe(401);
  });

  it('login sets an httpOnly SameSite cookie that works on its own', async () => {
    const response = await fetch(`${t.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/arc_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await fetch(`${t.httpUrl}/api/auth/me`, { headers: { cookie: cookie.split(';')[0] } });
    expect(me.status).toBe(200);
    expect((await me.json()).user.email).toBe(ADMIN.email);
  });
});

describe('logins', () => {
  it('repeated failures are slowed down, even with the right password', async () => {
    const user = await t.createUser('operator');
    for (let i = 0; i < 5; i++) {
      expect(
        (await t.api('POST', '/api/auth/login', { email: user.email, password: 'wrong-password!' }, null)).status,
      ).toBe(401);
    }
    const throttled = await t.api('POST', '/api/auth/login', { email: user.email, password: user.password }, null);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('ARC_ERR_AUTH_THROTTLED');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    const failures =
      await t.sql`select count(*)::int as n from audit_log where action = 'login.failed' and actor = ${user.email}`;
    expect(failures[0].n).toBeGreaterThanOrEqual(5);
  });

  it('passwords are stored only as slow hashes', async () => {
    const user = await t.createUser('supervisor');
    const [row] = await t.sql`select password_hash from users where id = ${user.id}`;
    expect(row.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/); // chosen by a person: the dear cost
    expect(row.passwordHash).not.toContain(user.password);
  });
});

describe('devices and wearers', () => {
  it('a device secret is shown once, stored hashed, and the PINs are never shown', async () => {
    // Eight digits: a four-digit PIN could turn up inside an id or a timestamp by chance.
    const wearer = await t.createWearer({ name: 'Pinned', safePin: '90817263', duressPin: '4321' });
    expect(wearer).toMatchObject({ hasSafePin: true, hasDuressPin: true });
    expect(JSON.stringify(wearer)).not.toContain('90817263');
    const created = await t.api('POST', '/api/devices', { id: 'secret-once', wearerId: wearer.id });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const [row] = await t.sql`select secret_hash from devices where id = 'secret-once'`;
    expect(row.secretHash).toMatch(/^sha256\$/); // 256 random bits: SHA-256, as the spec says
    const listed = await t.api('GET', '/api/devices/secret-once');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const device = new SimulatedDevice({
      deviceId: 'secret-once',
      secret: created.body.secret,
      url: t.mqttUrl,
      reconnect: false,
    });
    await device.connect();
    await device.close();
    const again = await t.api('POST', '/api/devices', { id: 'secret-once' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ARC_ERR_DEVICE_EXISTS');
  });

  it('a safe PIN may never equal the duress PIN, even when set one at a time', async () => {
    const wearer = await t.createWearer({ safePin: '1111', duressPin: '2222' });
    const same = await t.api('PATCH', `/api/wearers/${wearer.id}`, { safePin: '2222' });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toMatch(/differ/);
    expect((await t.api('PATCH', `/api/wearers/${wearer.id}`, { duressPin: '1111' })).status).toBe(400);
    expect((await t.api('PATCH', `/api/wearers/${wearer.id}`, { safePin: '3333' })).status).toBe(200);
  });

  it('bulk provisioning: only an administrator; each secret works once shown; existing ids are skipped; audited', async () => {
    const operator = await t.createUser('operator');
    expect((await t.api('POST', '/api/devices/bulk', { prefix: 'fleet', count: 3 }, operator.token)).status).toBe(403);
    const made = await t.api('POST', '/api/devices/bulk', { prefix: 'fleet', count: 3, digits: 3, wearers: true });
    expect(made.status).toBe(201);
    expect(made.body.devices.map((d: any) => d.id)).toEqual(['fleet-001', 'fleet-002', 'fleet-003']);
    // Each comes with its connection settings, as a single device does; a device connects with them.
    const { connection } = made.body.devices[1];
    expect(connection).toEqual({
      url: expect.stringMatching(/^mqtt:\/\//),
      clientId: 'fleet-002',
      username: 'fleet-002',
      password: made.body.devices[1].secret,
    });
    const device = new SimulatedDevice({
      deviceId: connection.username,
      secret: connection.password,
      url: t.mqttUrl,
      reconnect: false,
    });
    await device.connect();
    await device.close();
    const again = await t.api('POST', '/api/devices/bulk', { prefix: 'fleet', count: 4, digits: 3 });
    expect(again.body.devices.map((d: any) => d.id)).toEqual(['fleet-004']);
    expect(again.body.skipped).toEqual(['fleet-001', 'fleet-002', 'fleet-003']);
    const [entry] =
      await t.sql`select actor, target from audit_log where action = 'device.bulk_provisioned' order by id limit 1`;
    expect(entry).toEqual({ actor: ADMIN.email, target: 'fleet' });
  });

  it('every change is in the audit log: who, what, when', async () => {
    const wearer = await t.createWearer({ name: 'Audited' });
    await t.api('POST', '/api/devices', { id: 'audited-1', wearerId: wearer.id });
    await t.api('PATCH', '/api/devices/audited-1', { label: 'Pendant', heartbeatS: 120 });
    await t.api('POST', '/api/devices/audited-1/rotate-secret');
    await t.api('PATCH', `/api/wearers/${wearer.id}`, { notes: 'Lives alone', safePin: '5555' });
    const { body } = await t.api('GET', '/api/audit?limit=20');
    const actions = body.entries.map((e: any) => `${e.actor} ${e.action} ${e.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `${ADMIN.email} wearer.created ${wearer.id}`,
        `${ADMIN.email} device.provisioned audited-1`,
        `${ADMIN.email} device.updated audited-1`,
        `${ADMIN.email} device.secret_rotated audited-1`,
        `${ADMIN.email} wearer.updated ${wearer.id}`,
      ]),
    );
    const update = body.entries.find((e: any) => e.action === 'wearer.updated');
    expect(update.detail).toEqual({ notes: 'Lives alone', safePinChanged: true });
    expect(new Date(update.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('bad requests get a 4xx with a reason', () => {
  it.each([
    ['POST', '/api/devices', { id: 'x' }, 400, 'ARC_ERR_VALIDATION', /id/],
    ['POST', '/api/devices', { id: 'ok-id', heartbeatS: 'soon' }, 400, 'ARC_ERR_VALIDATION', /heartbeatS/],
    [
      'POST',
      '/api/devices',
      { id: 'ok-id-2', wearerId: '6f1c2a9e-4b1d-4c55-9a43-2f6f3f1d7a10' },
      404,
      'ARC_ERR_WEARER_NOT_FOUND',
      /wearer/,
    ],
    ['PATCH', '/api/devices/no-such-device', { label: 'x' }, 404, 'ARC_ERR_DEVICE_NOT_FOUND', /device/],
    ['GET', '/api/devices/a b', undefined, 400, 'ARC_ERR_VALIDATION', /id/],
    ['GET', '/api/alarms/not-a-uuid', undefined, 400, 'ARC_ERR_VALIDATION', /id/],
    ['POST', '/api/wearers', { name: '' }, 400, 'ARC_ERR_VALIDATION', /name/],
    [
      'POST',
      '/api/wearers',
      { name: 'Same Pins', safePin: '1234', duressPin: '1234' },
      400,
      'ARC_ERR_VALIDATION',
      /differ/,
    ],
    ['POST', '/api/wearers', { name: 'Bad Pin', safePin: '12' }, 400, 'ARC_ERR_VALIDATION', /PIN/],
    [
      'POST',
      '/api/users',
      { email: 'not-an-email', name: 'X', role: 'operator', password: 'long-enough-password' },
      400,
      'ARC_ERR_VALIDATION',
      /email/,
    ],
    [
      'POST',
      '/api/users',
      { email: 'a@b.c', name: 'X', role: 'god', password: 'long-enough-password' },
      400,
      'ARC_ERR_VALIDATION',
      /role/,
    ],
    ['POST', '/api/auth/login', { email: 'x' }, 400, 'ARC_ERR_VALIDATION', /password/],
    ['GET', '/api/nothing-here', undefined, 404, 'ARC_ERR_NOT_FOUND', /nothing-here/],
  ] as const)('%s %s %j → %i %s', async (method, path, body, status, code, reason) => {
    const response = await t.api(method, path, body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toMatch(reason);
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const response = await fetch(`${t.httpUrl}/api/wearers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.adminToken}` },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('ARC_ERR_VALIDATION');
  });

  it('health says ready when the database answers', async () => {
    expect((await t.api('GET', '/health/ready', undefined, null)).body).toEqual({ status: 'ready', database: 'up' });
  });
});
