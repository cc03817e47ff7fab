// The carer feed against the whole ARC: real devices over MQTT, real Socket.IO clients. A carer's
// socket hears about their own people only, in plain words, never about duress or test alarms,
// and stops hearing the moment a link is removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';
import { carerSocket, recordPushes, type CarerSocket } from './support/carer-socket.js';

let t: TestArc;
const sockets: CarerSocket[] = [];
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  for (const device of devices) await device.close({ force: true });
  await t?.close();
});

const HOME = { lat: 53.6458, lon: -3.0101, acc: 8 };

async function deviceOf(wearerId: string): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId })),
    url: t.mqttUrl,
    reconnect: false,
    position: HOME,
  });
  devices.push(device);
  await device.connect();
  return device;
}

async function carerOf(...wearerIds: string[]) {
  const carer = await t.createUser('carer');
  for (const wearerId of wearerIds)
    expect((await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId })).status).toBe(201);
  return carer;
}

async function liveSocket(token: string | null): Promise<CarerSocket> {
  const socket = carerSocket(t.httpUrl, token);
  sockets.push(socket);
  await connected(socket as never);
  return socket;
}

/** Waits for every push under way, then for the sockets to have read them. */
async function settled(): Promise<void> {
  await t.arc.idle();
  await new Promise((resolve) => setTimeout(resolve, 150));
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const moveTo = (device: SimulatedDevice, lat: number, lon: number) =>
  device.sendFix({ ts: Date.now(), lat, lon, acc: 10 });

describe('who may open the carer feed', () => {
  it('refuses a page without a session, staff of every role, and keeps carers off the operator feed', async () => {
    const refusal = (token: string | null) =>
      connected(carerSocket(t.httpUrl, token) as never).then(
        () => 'connected',
        (err) => err.code,
      );
    expect(await refusal(null)).toBe('ARC_ERR_AUTH_REQUIRED');
    expect(await refusal('not-a-session')).toBe('ARC_ERR_AUTH_REQUIRED');
    expect(await refusal(t.adminToken)).toBe('ARC_ERR_FORBIDDEN');
    for (const role of ['supervisor', 'operator'] as const)
      expect(await refusal((await t.createUser(role)).token)).toBe('ARC_ERR_FORBIDDEN');

    const carer = await carerOf();
    await expect(connected(t.operatorSocket(carer.token))).rejects.toMatchObject({ code: 'ARC_ERR_FORBIDDEN' });
    expect(await refusal(carer.token)).toBe('connected');
  });
});

describe('positions', () => {
  it("go to a person's own carers only; unlinking stops them at once, a new link starts them without a reconnect", async () => {
    const mum = await t.createWearer({ name: 'Mum' });
    const stranger = await t.createWearer({ name: 'Someone Else' });
    const mumsDevice = await deviceOf(mum.id);
    const strangersDevice = await deviceOf(stranger.id);
    const carer = await carerOf(mum.id);
    const otherCarer = await carerOf(stranger.id);
    const mine = recordPushes(await liveSocket(carer.token));
    const theirs = recordPushes(await liveSocket(otherCarer.token));

    await moveTo(strangersDevice, 53.7, -2.9);
    await moveTo(mumsDevice, 53.65, -3.02);
    await until(() => mine.length === 1 && theirs.length === 1, 'one move each');
    await settled();
    expect(mine).toEqual([
      {
        event: 'wearer:moved',
        wearerId: mum.id,
        payload: {
          wearerId: mum.id,
          position: { ts: expect.any(Number), lat: 53.65, lon: -3.02, acc: 10 },
          seenAt: expect.any(String),
        },
      },
    ]);
    expect(theirs.map((p) => p.wearerId)).toEqual([stranger.id]);
    expect(JSON.stringify(mine)).not.toContain(stranger.id);
    expect(JSON.stringify(mine)).not.toContain(strangersDevice.deviceId);

    // Unlinked: the socket stays open but hears nothing more of Mum.
    expect((await t.api('DELETE', '/api/carer-links', { carerId: carer.id, wearerId: mum.id })).status).toBe(200);
    await moveTo(mumsDevice, 53.66, -3.03);
    await settled();
    expect(mine).toHaveLength(1);

    // Linked again: the same socket hears of Mum again, and the live look is audited.
    expect((await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId: mum.id })).status).toBe(201);
    await moveTo(mumsDevice, 53.67, -3.04);
    await until(() => mine.length === 2, 'the move after linking again');
    expect(mine[1].payload.position).toMatchObject({ lat: 53.67, lon: -3.04 });
    const audits =
      await t.sql`select detail from audit_log where action = 'carer.viewed_locations' and actor_id = ${carer.id} order by id`;
    expect(audits.map((a) => a.detail)).toEqual([
      { wearerIds: [mum.id], view: 'live' },
      { wearerIds: [mum.id], view: 'live' },
    ]);
    expect(theirs.every((p) => p.wearerId === stranger.id)).toBe(true);
  });

  it('a disabled carer account hears nothing more', async () => {
    const dad = await t.createWearer({ name: 'Dad' });
    const device = await deviceOf(dad.id);
    const carer = await carerOf(dad.id);
    const pushes = recordPushes(await liveSocket(carer.token));
    await moveTo(device, 51.5, -0.12);
    await until(() => pushes.length === 1, 'a move');
    await t.sql`update users set disabled = true where id = ${carer.id}`;
    await moveTo(device, 51.51, -0.13);
    await settled();
    expect(pushes).toHaveLength(1);
  });
});

describe('alarms', () => {
  it('are told in plain words as they are raised and closed; duress and test alarms never reach a carer', async () => {
    const mum = await t.createWearer({
      name: 'Nan',
      notes: 'ARC only: key safe K4321Q',
      safePin: '1234',
      duressPin: '9876',
    });
    const pendant = await deviceOf(mum.id);
    const watch = await deviceOf(mum.id);
    const carer = await carerOf(mum.id);
    const pushes = recordPushes(await liveSocket(carer.token));
    const alarmPushes = () => pushes.filter((p) => p.event === 'wearer:alarm');
    const listed = async () => (await t.api('GET', '/api/my/wearers', undefined, carer.token)).body.wearers[0];

    // Duress: the wearer "cancelled" with the duress PIN. Silent to the carer, who may be the danger.
    await pendant.sendEvent('sos.cancel', { pin: '9876' });
    // On test: an alarm that is not one.
    expect(
      (await t.api('PUT', `/api/devices/${pendant.deviceId}/test-mode`, { minutes: 10, reason: 'Annual test' })).status,
    ).toBe(200);
    await pendant.sendEvent('fall');
    await settled();
    const open = await t.sql`select type, is_test, flags from alarms where wearer_id = ${mum.id} order by received_at`;
    expect(open.map((a) => a.type)).toEqual(['duress', 'fall']);
    expect(alarmPushes()).toEqual([]);
    expect((await listed()).alarm).toEqual({
      state: 'none',
      text: 'No alarm for Nan so far.',
      since: null,
      closedAt: null,
    });

    // A real SOS from the other device: one alarm, in plain words.
    await watch.sendEvent('sos');
    await until(() => alarmPushes().length === 1, 'the SOS');
    const raised = alarmPushes()[0].payload;
    expect(raised).toEqual({
      wearerId: mum.id,
      alarm: {
        state: 'open',
        text: expect.stringMatching(
          /^The alarm centre is dealing with an alarm for Nan \(SOS button pressed\) since \d\d:\d\d\.$/,
        ),
        since: expect.any(String),
        closedAt: null,
      },
    });
    expect((await listed()).alarm).toEqual(raised.alarm);

    const [sos] = await t.sql`select id from alarms where wearer_id = ${mum.id} and type = 'sos'`;
    expect((await t.api('POST', `/api/alarms/${sos.id}/accept`)).status).toBe(200);
    await until(() => alarmPushes().length === 2, 'the accept');
    expect(alarmPushes()[1].payload.alarm.state).toBe('open');
    expect((await t.api('POST', `/api/alarms/${sos.id}/resolve`, { closureCode: 'false_accidental' })).status).toBe(
      200,
    );
    await until(() => alarmPushes().length === 3, 'the resolve');
    const closed = alarmPushes()[2].payload.alarm;
    expect(closed).toEqual({
      state: 'closed',
      text: expect.stringMatching(/^The last alarm for Nan \(SOS button pressed\) was closed at \d\d:\d\d\.$/),
      since: null,
      closedAt: expect.any(String),
    });
    expect((await listed()).alarm).toEqual(closed);

    // Resolving the duress alarm and the test alarm tells the carer nothing either.
    for (const alarm of await t.sql`select id from alarms where wearer_id = ${mum.id} and type <> 'sos'`) {
      await t.api('POST', `/api/alarms/${alarm.id}/accept`);
      await t.api('POST', `/api/alarms/${alarm.id}/resolve`, { closureCode: 'false_test' });
    }
    await settled();
    expect(alarmPushes()).toHaveLength(3);
    const everything = JSON.stringify([pushes, await listed()]);
    for (const secret of [
      'duress',
      'Duress',
      'fall',
      // Letters around it: a bare 4321 turns up inside a millisecond timestamp by chance.
      'K4321Q',
      'test',
      'false_accidental',
      pendant.deviceId,
      watch.deviceId,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
