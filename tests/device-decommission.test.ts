// Devices come and go: a decommissioned device is kept with its history, but never supervised,
// never raises an alarm and never connects again; the decommission is audited and final.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { provisionDevices } from '../device-sim/provision.js';
import { decommissionDevices } from '../device-sim/decommission.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';

let clock = Date.parse('2026-11-23T14:00:00Z');
const now = () => new Date(clock);
let t: TestArc;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc({ ARC_NO_COMM_GRACE_S: '60' }, { now });
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

async function connectDevice(credentials: { deviceId: string; secret: string }) {
  const d = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, now: () => clock });
  devices.push(d);
  await d.connect();
  return d;
}

const alarmTypes = async (deviceId: string) =>
  (await t.sql<{ type: string }[]>`select type from alarms where device_id = ${deviceId} order by received_at`).map(
    (a) => a.type,
  );

describe('decommissioning a device', () => {
  it('stops supervision and connection, keeps the history, audits it, and cannot be undone', async () => {
    const wearer = await t.createWearer({ name: 'Gone Gary' });
    const kept = await t.provisionDevice({ wearerId: wearer.id });
    const gone = await t.provisionDevice({ wearerId: wearer.id });
    const keptDevice = await connectDevice(kept);
    const goneDevice = await connectDevice(gone);
    await keptDevice.sendStatus({ batt: 80 });
    await goneDevice.sendStatus({ batt: 80 });
    await goneDevice.sendEvent('sos');
    await goneDevice.sendEvent('amber.start', { durationS: 3600 });
    await t.arc.idle();
    const closed = new Promise<void>((resolve) => goneDevice.once('close', () => resolve()));

    const refused = await t.api('POST', `/api/devices/${gone.deviceId}/decommission`, { reason: '' });
    expect(refused.body.error.code).toBe('ARC_ERR_VALIDATION');
    const done = await t.api('POST', `/api/devices/${gone.deviceId}/decommission`, {
      reason: 'Returned broken, replaced',
    });
    expect(done.status).toBe(200);
    expect(done.body.device).toMatchObject({
      enabled: false,
      inUse: false,
      decommissionedAt: now().toISOString(),
      decommissionedReason: 'Returned broken, replaced',
      amberUntil: null,
    });
    await closed; // dropped at once
    const [audited] =
      await t.sql`select detail from audit_log where action = 'device.decommissioned' and target = ${gone.deviceId}`;
    expect(audited.detail).toMatchObject({ reason: 'Returned broken, replaced', wearerId: wearer.id });

    // Not listed any more (unless asked), its history still there.
    const listed = (await t.api('GET', '/api/devices')).body.devices.map((d: { id: string }) => d.id);
    expect(listed).toContain(kept.deviceId);
    expect(listed).not.toContain(gone.deviceId);
    expect(
      (await t.api('GET', '/api/devices?decommissioned=include')).body.devices.map((d: { id: string }) => d.id),
    ).toContain(gone.deviceId);
    expect((await t.api('GET', `/api/devices/${gone.deviceId}`)).body.device.decommissionedAt).not.toBeNull();
    expect(await alarmTypes(gone.deviceId)).toEqual(['sos']);
    const [{ n }] = await t.sql`select count(*)::int as n from events where device_id = ${gone.deviceId}`;
    expect(n).toBe(2);

    // It cannot connect again, and no amount of silence raises anything for it.
    const again = new SimulatedDevice({ ...gone, url: t.mqttUrl, reconnect: false });
    await expect(again.connect()).rejects.toThrow();
    await again.close({ force: true });
    await keptDevice.close({ force: true });
    clock += 2 * 3600_000;
    await t.arc.clock.tick();
    await t.arc.idle();
    expect(await alarmTypes(gone.deviceId)).toEqual(['sos']); // no "no communication", no amber expiry
    expect(await alarmTypes(kept.deviceId)).toEqual(['no_comm']); // the one in service is still watched

    // Final: no changes, no second decommission, no new secret.
    expect((await t.api('PATCH', `/api/devices/${gone.deviceId}`, { enabled: true })).body.error.code).toBe(
      'ARC_ERR_DEVICE_DECOMMISSIONED',
    );
    expect(
      (await t.api('POST', `/api/devices/${gone.deviceId}/decommission`, { reason: 'again' })).body.error.code,
    ).toBe('ARC_ERR_DEVICE_DECOMMISSIONED');
    expect((await t.api('POST', `/api/devices/${gone.deviceId}/rotate-secret`)).body.error.code).toBe(
      'ARC_ERR_DEVICE_DECOMMISSIONED',
    );
    expect((await t.api('POST', '/api/devices/nope-404/decommission', { reason: 'not there' })).body.error.code).toBe(
      'ARC_ERR_DEVICE_NOT_FOUND',
    );
  });

  it('is for administrators only', async () => {
    const supervisor = await t.createUser('supervisor');
    const credentials = await t.provisionDevice();
    const response = await t.api(
      'POST',
      `/api/devices/${credentials.deviceId}/decommission`,
      { reason: 'Not mine to do' },
      supervisor.token,
    );
    expect(response.status).toBe(403);
  });

  it('the simulator removes what it provisioned', async () => {
    const admin = { api: t.httpUrl, email: ADMIN.email, password: ADMIN.password };
    const provisioned = await provisionDevices({
      ...admin,
      deviceIds: ['simgone-0001', 'simgone-0002'],
      known: new Map(),
    });
    expect(provisioned.created).toBe(2);
    const removed = await decommissionDevices({
      ...admin,
      deviceIds: ['simgone-0001', 'simgone-0002', 'simgone-0404'],
    });
    expect(removed).toEqual({ removed: ['simgone-0001', 'simgone-0002', 'simgone-0404'], failures: [] });
    const rows = await t.sql`select id, decommissioned_reason from devices where id like 'simgone-%' order by id`;
    expect(rows.map((r) => [r.id, r.decommissionedReason])).toEqual([
      ['simgone-0001', 'removed by the device simulator (--decommission)'],
      ['simgone-0002', 'removed by the device simulator (--decommission)'],
    ]);
    // Again: already out of service, nothing fails.
    expect((await decommissionDevices({ ...admin, deviceIds: ['simgone-0001'] })).failures).toEqual([]);
  });
});
