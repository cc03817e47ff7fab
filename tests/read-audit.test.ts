// Issue 12, item 8: staff looks at a wearer's record, an alarm's detail and device positions are
// audited (one row per request, not per item), and so is a carer's refused look at someone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let operator: Awaited<ReturnType<TestArc['createUser']>>;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
  operator = await t.createUser('operator');
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

const entries = (action: string, actor: string) =>
  t.sql<
    { target: string | null; detail: any }[]
  >`select target, detail from audit_log where action = ${action} and actor = ${actor} order by id`;

describe('staff looks', () => {
  it("reading a wearer's record is audited", async () => {
    const wearer = await t.createWearer({ name: 'Read Me', medicalNotes: 'insulin' });
    expect((await t.api('GET', `/api/wearers/${wearer.id}`, undefined, operator.token)).status).toBe(200);
    expect((await entries('wearer.viewed', operator.email)).map((e) => e.target)).toEqual([wearer.id]);
    const list = await t.api('GET', '/api/wearers', undefined, operator.token);
    const [listed] = await entries('wearers.listed', operator.email);
    expect(listed.detail.wearers).toBe(list.body.wearers.length);
  });

  it("reading an alarm's detail (trail, medical notes) is audited", async () => {
    const credentials = await t.provisionDevice();
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    const sent = await device.sendEvent('sos');
    await t.arc.idle();
    const [{ alarmId }] =
      await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
    expect((await t.api('GET', `/api/alarms/${alarmId}`, undefined, operator.token)).status).toBe(200);
    const [entry] = await entries('alarm.viewed', operator.email);
    expect(entry).toMatchObject({
      target: alarmId,
      detail: { wearerId: credentials.wearerId, deviceId: credentials.deviceId },
    });
  });

  it('device positions are audited once per list, and per device looked at', async () => {
    await Promise.all([t.provisionDevice(), t.provisionDevice(), t.provisionDevice()]);
    const list = await t.api('GET', '/api/devices', undefined, operator.token);
    expect(list.body.devices.length).toBeGreaterThanOrEqual(3);
    const lists = await entries('device.positions_viewed', operator.email);
    expect(lists).toHaveLength(1);
    expect(lists[0].detail.devices).toBe(list.body.devices.length);
    const one = list.body.devices[0].id;
    expect((await t.api('GET', `/api/devices/${one}`, undefined, operator.token)).status).toBe(200);
    expect((await entries('device.viewed', operator.email)).map((e) => e.target)).toEqual([one]);
  });

  it('following a device on the live feed is audited once per follow', async () => {
    const { deviceId } = await t.provisionDevice();
    const socket = t.operatorSocket(operator.token);
    await connected(socket);
    socket.emit('device:follow', deviceId);
    socket.emit('device:follow', deviceId); // already following: nothing new
    await expect
      .poll(async () => (await entries('device.followed', operator.email)).map((e) => e.target))
      .toEqual([deviceId]);
  });
});

describe('carers', () => {
  it("a carer's refused look at someone else's wearer is audited", async () => {
    const carer = await t.createUser('carer');
    const stranger = await t.createWearer({ name: 'Not Theirs' });
    for (const path of [`/api/my/wearers/${stranger.id}/trail`, `/api/my/wearers/${stranger.id}/zones`]) {
      expect((await t.api('GET', path, undefined, carer.token)).status).toBe(404);
    }
    const refused = await entries('carer.look_refused', carer.email);
    expect(refused.map((e) => e.target)).toEqual([stranger.id, stranger.id]);
  });
});
