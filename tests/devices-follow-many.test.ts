// Issue 14: the devices view at 10,000 devices loads its list in the compact rows form and follows
// them all in one `devices:follow` message (a page of ids), not one message per device. Each
// device followed is still audited as a look at positions, and a console held to some
// organisations still never follows another's device. Real ARC, real Socket.IO clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { FOLLOW_BATCH_MAX, objectsOfRows } from '../api/live/console-contract.js';
import { connected, nextEvent, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const devices: SimulatedDevice[] = [];
const PASSWORD = 'follow-many-password-1';

beforeAll(async () => {
  t = await startTestArc();
}, 120_000);
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

async function ok<T = any>(method: string, path: string, body?: unknown, token?: string | null): Promise<T> {
  const response = await t.api(method, path, body, token);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** An organisation with one wearer and one device, connected. */
async function organisationWithDevice(name: string) {
  const { organisation } = await ok('POST', '/api/organisations', { name });
  const { wearer } = await ok('POST', '/api/wearers', { name: `${name} Wearer`, organisationId: organisation.id });
  const deviceId = `many-${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
  const { secret } = await ok('POST', '/api/devices', { id: deviceId, wearerId: wearer.id });
  const device = new SimulatedDevice({ deviceId, secret, url: t.mqttUrl, reconnect: false });
  devices.push(device);
  await device.connect();
  return { orgId: organisation.id as string, deviceId, device };
}

async function staffServing(role: 'operator' | 'supervisor', servedOrganisationIds: string[]) {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@many.test`;
  await ok('POST', '/api/users', { email, name: `Many ${role}`, role, password: PASSWORD, servedOrganisationIds });
  return { email, token: await t.login(email, PASSWORD) };
}

const followed = (actor: string) =>
  t.sql<
    { target: string }[]
  >`select target from audit_log where action = 'device.followed' and actor = ${actor} order by target`.then((rows) =>
    rows.map((r) => r.target),
  );

describe('GET /api/devices?form=rows', () => {
  it('is the same devices as the plain form, each field name once', async () => {
    await Promise.all([t.provisionDevice(), t.provisionDevice()]);
    const plain = await ok<{ devices: unknown[] }>('GET', '/api/devices');
    const rows = await ok<{ columns: string[]; rows: unknown[][] }>('GET', '/api/devices?form=rows');
    expect(rows.columns).toContain('position');
    expect(rows.rows).toHaveLength(plain.devices.length);
    expect(objectsOfRows(rows)).toEqual(plain.devices);
  });

  it('is gzipped when large, for a client that takes gzip', async () => {
    await Promise.all(Array.from({ length: 150 }, () => t.provisionDevice()));
    const response = await fetch(`${t.httpUrl}/api/devices?form=rows`, {
      headers: { authorization: `Bearer ${t.adminToken}`, 'accept-encoding': 'gzip' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(objectsOfRows(await response.json()).length).toBeGreaterThanOrEqual(150);
  });
});

describe('devices:follow', () => {
  it('follows many devices in one message, audits each once, and pushes their moves until devices:unfollow', async () => {
    const operator = await staffServing('operator', []);
    const a = await organisationWithDevice('Follow-A');
    const b = await organisationWithDevice('Follow-B');
    const socket = t.operatorSocket(operator.token);
    try {
      await connected(socket);
      // Junk in the list is dropped; a repeat of an id is one follow.
      socket.emit('devices:follow', [a.deviceId, b.deviceId, a.deviceId, 42 as never, 'not a device id!']);
      await expect.poll(() => followed(operator.email)).toEqual([a.deviceId, b.deviceId].sort());
      const moved = nextEvent(socket, 'device:moved');
      await b.device.sendFix({ ts: Date.now(), lat: 53.6, lon: -3, acc: 5 });
      expect((await moved).deviceId).toBe(b.deviceId);
      // Following again is no new look; not a list, or too long a list, is ignored.
      socket.emit('devices:follow', [a.deviceId, b.deviceId]);
      socket.emit('devices:follow', a.deviceId as never);
      socket.emit(
        'devices:follow',
        Array.from({ length: FOLLOW_BATCH_MAX + 1 }, (_, i) => `over-${i}`),
      );
      socket.emit('devices:unfollow', [a.deviceId, b.deviceId]);
      const seen: string[] = [];
      socket.on('device:moved', (m) => seen.push(m.deviceId));
      await a.device.sendFix({ ts: Date.now(), lat: 53.61, lon: -3.01, acc: 5 });
      await t.arc.idle();
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toEqual([]);
      expect(await followed(operator.email)).toEqual([a.deviceId, b.deviceId].sort());
    } finally {
      socket.disconnect();
    }
  });

  it("a console held to one organisation follows only its devices: another's is neither pushed nor audited", async () => {
    const alpha = await organisationWithDevice('Scope-Alpha');
    const bravo = await organisationWithDevice('Scope-Bravo');
    const operator = await staffServing('operator', [alpha.orgId]);
    const socket = t.operatorSocket(operator.token);
    try {
      await connected(socket);
      const seen: string[] = [];
      socket.on('device:moved', (m) => seen.push(m.deviceId));
      // Both at once, as a devices view and an alarm detail open together: one follow, one audit row.
      socket.emit('devices:follow', [bravo.deviceId, alpha.deviceId]);
      socket.emit('device:follow', alpha.deviceId);
      socket.emit('device:follow', bravo.deviceId);
      await expect.poll(() => followed(operator.email)).toEqual([alpha.deviceId]);
      const alphaMoved = nextEvent(socket, 'device:moved');
      await bravo.device.sendFix({ ts: Date.now(), lat: 53.62, lon: -3.02, acc: 5 });
      await t.arc.idle();
      await alpha.device.sendFix({ ts: Date.now(), lat: 53.63, lon: -3.03, acc: 5 });
      // Bravo's fix went first: had it reached this console, it would be in `seen` before Alpha's.
      expect((await alphaMoved).deviceId).toBe(alpha.deviceId);
      expect(seen).toEqual([alpha.deviceId]);
      expect(await followed(operator.email)).toEqual([alpha.deviceId]);
      // Bravo's list is not Alpha's either.
      const rows = await ok('GET', '/api/devices?form=rows', undefined, operator.token);
      expect(JSON.stringify(rows)).not.toContain(bravo.deviceId);
    } finally {
      socket.disconnect();
    }
  });
});
