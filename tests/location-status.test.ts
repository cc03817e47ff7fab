// Spec "Location fix" and "Status": late and out-of-order fixes, batches, device health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let device: SimulatedDevice;

beforeAll(async () => {
  t = await startTestArc();
  device = new SimulatedDevice({ ...(await t.provisionDevice()), url: t.mqttUrl, reconnect: false });
  await device.connect();
});
afterAll(async () => {
  await device?.close({ force: true });
  await t?.close();
});

const current = async () => (await t.api('GET', `/api/devices/${device.deviceId}`)).body.device;

describe('location', () => {
  it('the current position is the fix with the newest device time, not the last received', async () => {
    const now = Date.now();
    await device.sendFix({ ts: now, lat: 53.65, lon: -3.01, acc: 5 });
    // A batch after a coverage gap: older fixes arriving late, in any order.
    await device.sendFixes([
      { ts: now - 60_000, lat: 53.6, lon: -3.0, acc: 10 },
      { ts: now - 120_000, lat: 53.59, lon: -2.99 },
      { ts: now - 30_000, lat: 53.61, lon: -3.02, src: 'wifi', floor: 3 } as any,
    ]);
    await t.arc.idle();
    expect((await current()).position).toEqual({ ts: now, lat: 53.65, lon: -3.01, acc: 5 });
    const [{ n }] = await t.sql`select count(*)::int as n from fixes where device_id = ${device.deviceId}`;
    expect(n).toBe(4);
    const [kept] = await t.sql`select extra from fixes where device_id = ${device.deviceId} and src = 'wifi'`;
    expect(kept.extra).toEqual({ floor: 3 });

    await device.sendFix({ ts: now + 1000, lat: 53.66, lon: -3.02 });
    await t.arc.idle();
    expect((await current()).position).toMatchObject({ ts: now + 1000, lat: 53.66, lon: -3.02, acc: null });
  });

  it('a position carried by an event is also stored as a fix', async () => {
    const ts = Date.now() + 5000;
    await device.sendEvent('checkin', { ts, lat: 53.7, lon: -3.05, acc: 12 });
    await t.arc.idle();
    const [fix] = await t.sql`select lat, lon, acc from fixes where device_id = ${device.deviceId} and ts = ${ts}`;
    expect(fix).toEqual({ lat: 53.7, lon: -3.05, acc: 12 });
    expect((await current()).position).toMatchObject({ lat: 53.7, lon: -3.05 });
  });
});

describe('status', () => {
  it('keeps the newest health and refreshes last seen with every message', async () => {
    const now = Date.now();
    await device.sendStatus({ ts: now, batt: 64, charging: true, rssi: -70, fw: '2.4.1' });
    await device.sendStatus({ ts: now - 60_000, batt: 99, charging: false, rssi: -50, fw: '2.4.0' });
    await t.arc.idle();
    const view = await current();
    expect(view.health).toEqual({ ts: now, batt: 64, charging: true, rssi: -70, fw: '2.4.1' });
    expect(view.connected).toBe(true);
    const seen = new Date(view.lastSeenAt).getTime();
    expect(Date.now() - seen).toBeLessThan(60_000);
  });
});

describe('live positions', () => {
  it('a console following a device gets each new position; one that does not follow gets none', async () => {
    const following = t.operatorSocket(t.adminToken);
    const other = t.operatorSocket(t.adminToken);
    await Promise.all([connected(following), connected(other)]);
    const seenByOther: unknown[] = [];
    other.on('device:moved', (m) => seenByOther.push(m));
    following.emit('device:follow', device.deviceId);
    following.emit('device:follow', '../not a device id');
    const moved = new Promise<any>((resolve) => following.on('device:moved', resolve));
    // Joining a room is asynchronous on the server: poll until the push arrives.
    const ts = Date.now() + 60_000;
    let got: any;
    for (let i = 0; i < 20 && !got; i++) {
      await device.sendFix({ ts: ts + i, lat: 53.7, lon: -3.1, acc: 4 });
      got = await Promise.race([moved, new Promise((r) => setTimeout(r, 100))]);
    }
    expect(got).toMatchObject({ deviceId: device.deviceId, position: { lat: 53.7, lon: -3.1, acc: 4 } });
    expect(seenByOther).toEqual([]);
  });
});
