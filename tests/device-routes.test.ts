// Devices over HTTP against a real PostgreSQL: the connection settings a phone app is given with
// each new secret, and the device list's open amber session and check-in shift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../api/config.js';
import { verifySecret } from '../api/auth/secret-hash.js';
import { deviceRoutes } from '../api/routes/device-routes.js';
import { shiftRoutes } from '../api/routes/shift-routes.js';
import { applyAmberChange } from '../api/store/amber-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
let withTls: RouteTestApp;
let withUrl: RouteTestApp;
let plain: RouteTestApp;
const clock = Date.parse('2026-11-23T09:00:00Z');
const now = () => new Date(clock);

beforeAll(async () => {
  db = await createTestDatabase();
  const tls = { ARC_TLS_CERT_FILE: '/etc/arc/cert.pem', ARC_TLS_KEY_FILE: '/etc/arc/key.pem' };
  withTls = await buildRouteTestApp(db, [deviceRoutes, shiftRoutes], {
    deps: { now, config: loadConfig({ ARC_PUBLIC_URL: 'https://arc.example.org', ...tls }) },
  });
  withUrl = await buildRouteTestApp(db, [deviceRoutes], {
    deps: { config: loadConfig({ ARC_DEVICE_MQTT_URL: 'wss://devices.example.org/mqtt', ...tls }) },
  });
  plain = await buildRouteTestApp(db, [deviceRoutes], {
    deps: { config: loadConfig({ ARC_PUBLIC_URL: 'http://arc.internal:8080', ARC_MQTT_PORT: '11883' }) },
  });
});
afterAll(async () => {
  for (const built of [withTls, withUrl, plain]) await built?.app.close();
  await db?.drop();
});

async function api(built: RouteTestApp, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) {
  const response = await built.inject('administrator', method, url, body);
  return { status: response.statusCode, body: response.json() };
}

let counter = 0;
const newId = () => `phone-${++counter}`;

describe('connection settings with a new secret', () => {
  it('provisioning gives the broker address, the device id as client id and username, and the secret as password', async () => {
    const id = newId();
    const created = await api(withTls, 'POST', '/api/devices', { id });
    expect(created.status).toBe(201);
    expect(created.body.connection).toEqual({
      url: 'mqtts://arc.example.org:8883',
      clientId: id,
      username: id,
      password: created.body.secret,
    });
    const [row] = await db.sql`select secret_hash from devices where id = ${id}`;
    expect(await verifySecret(created.body.connection.password, row.secretHash)).toBe(true);
  });

  it('rotating the secret gives the new one, and the old one no longer works', async () => {
    const id = newId();
    const created = await api(withTls, 'POST', '/api/devices', { id });
    const rotated = await api(withTls, 'POST', `/api/devices/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.connection).toEqual({
      url: 'mqtts://arc.example.org:8883',
      clientId: id,
      username: id,
      password: rotated.body.secret,
    });
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const [row] = await db.sql`select secret_hash from devices where id = ${id}`;
    expect(await verifySecret(rotated.body.secret, row.secretHash)).toBe(true);
    expect(await verifySecret(created.body.secret, row.secretHash)).toBe(false);
  });

  it('ARC_DEVICE_MQTT_URL is given as set; without TLS the plain MQTT port of the public host', async () => {
    const id = newId();
    expect((await api(withUrl, 'POST', '/api/devices', { id })).body.connection.url).toBe(
      'wss://devices.example.org/mqtt',
    );
    expect((await api(withUrl, 'POST', `/api/devices/${id}/rotate-secret`)).body.connection.url).toBe(
      'wss://devices.example.org/mqtt',
    );
    expect((await api(plain, 'POST', '/api/devices', { id: newId() })).body.connection.url).toBe(
      'mqtt://arc.internal:11883',
    );
  });

  it('is never shown again: not in the device list or the audit log', async () => {
    const id = newId();
    const { body } = await api(withTls, 'POST', '/api/devices', { id });
    const listed = await api(withTls, 'GET', '/api/devices');
    expect(JSON.stringify(listed.body)).not.toContain(body.secret);
    expect(JSON.stringify(listed.body)).not.toContain('connection');
    const audit = await db.sql`select detail::text as text from audit_log where target = ${id}`;
    expect(audit.some((r) => r.text.includes(body.secret))).toBe(false);
  });
});

describe('the device list: open amber session and check-in shift', () => {
  const viewOf = async (id: string) => (await api(withTls, 'GET', `/api/devices/${id}`)).body.device;
  const listed = async (id: string) =>
    (await api(withTls, 'GET', '/api/devices')).body.devices.filter((d: { id: string }) => d.id === id);

  it('both null for a device with neither', async () => {
    const id = newId();
    await api(withTls, 'POST', '/api/devices', { id });
    expect(await viewOf(id)).toMatchObject({ amberUntil: null, checkinDueAt: null });
  });

  it('shows the deadline of the open amber session and the next check-in due, and drops them once ended', async () => {
    const id = newId();
    await api(withTls, 'POST', '/api/devices', { id });
    const at = now();
    // An ended session and an ended shift before the open ones: history is not shown, nor doubled.
    await applyAmberChange(
      db.sql,
      id,
      null,
      'amber-old',
      { kind: 'start', dueAt: new Date(clock + 600_000), note: null },
      at,
      null,
    );
    await applyAmberChange(db.sql, id, null, 'amber-old', { kind: 'end', reason: 'safe_pin' }, at, null);
    await applyAmberChange(
      db.sql,
      id,
      null,
      'amber-1',
      { kind: 'start', dueAt: new Date(clock + 45 * 60_000), note: 'Visiting 12 Acacia Avenue' },
      at,
      null,
    );
    expect((await api(withTls, 'POST', `/api/devices/${id}/shift`, { intervalS: 3600 })).status).toBe(201);
    await api(withTls, 'DELETE', `/api/devices/${id}/shift`);
    expect((await api(withTls, 'POST', `/api/devices/${id}/shift`, { intervalS: 1800 })).status).toBe(201);

    const expected = { amberUntil: '2026-11-23T09:45:00.000Z', checkinDueAt: '2026-11-23T09:30:00.000Z' };
    expect(await viewOf(id)).toMatchObject(expected);
    const rows = await listed(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(expected);

    await applyAmberChange(db.sql, id, null, 'amber-1', { kind: 'end', reason: 'safe_pin' }, now(), null);
    expect(await viewOf(id)).toMatchObject({ amberUntil: null, checkinDueAt: '2026-11-23T09:30:00.000Z' });
    await api(withTls, 'DELETE', `/api/devices/${id}/shift`);
    expect(await viewOf(id)).toMatchObject({ amberUntil: null, checkinDueAt: null });
    expect(await listed(id)).toHaveLength(1);
  });

  it('lists every device once, whatever their sessions', async () => {
    const before = (await api(withTls, 'GET', '/api/devices')).body.devices.length;
    const ids = [newId(), newId(), newId()];
    for (const id of ids) await api(withTls, 'POST', '/api/devices', { id });
    await applyAmberChange(
      db.sql,
      ids[0],
      null,
      'a',
      { kind: 'start', dueAt: new Date(clock + 60_000), note: null },
      now(),
      null,
    );
    await api(withTls, 'POST', `/api/devices/${ids[1]}/shift`, { intervalS: 600 });
    const devices = (await api(withTls, 'GET', '/api/devices')).body.devices;
    expect(devices).toHaveLength(before + 3);
    expect(new Set(devices.map((d: { id: string }) => d.id)).size).toBe(devices.length);
    const byId = Object.fromEntries(
      devices.map((d: { id: string; amberUntil: string | null; checkinDueAt: string | null }) => [
        d.id,
        [d.amberUntil, d.checkinDueAt],
      ]),
    );
    expect(byId[ids[0]]).toEqual(['2026-11-23T09:01:00.000Z', null]);
    expect(byId[ids[1]]).toEqual([null, '2026-11-23T09:10:00.000Z']);
    expect(byId[ids[2]]).toEqual([null, null]);
  });

  it('narrows the list to one wearer’s devices with ?wearerId=, and refuses a wearer id that is not one', async () => {
    const [wearer] = await db.sql<{ id: string }[]>`insert into wearers (name) values ('Wendy Narrowed') returning id`;
    const [hers, other] = [newId(), newId()];
    await api(withTls, 'POST', '/api/devices', { id: hers, wearerId: wearer.id });
    await api(withTls, 'POST', '/api/devices', { id: other });
    const listed = (await api(withTls, 'GET', `/api/devices?wearerId=${wearer.id}`)).body.devices;
    expect(listed.map((d: { id: string }) => d.id)).toEqual([hers]);
    const refused = await api(withTls, 'GET', '/api/devices?wearerId=not-a-uuid');
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('ARC_ERR_VALIDATION');
  });
});
