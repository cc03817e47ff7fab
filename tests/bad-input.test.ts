// Spec "Events are parsed safety first" and guarantee 4: bad input from one device is rejected
// with a log line and a metric, is never stored half-way, and never stops the ARC serving others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { deviceTopic } from '../protocol/device-topics.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let noisy: SimulatedDevice;
let wellBehaved: SimulatedDevice;

beforeAll(async () => {
  t = await startTestArc();
  noisy = new SimulatedDevice({ ...(await t.provisionDevice()), url: t.mqttUrl, reconnect: false });
  wellBehaved = new SimulatedDevice({ ...(await t.provisionDevice()), url: t.mqttUrl, reconnect: false });
  await noisy.connect();
  await wellBehaved.connect();
});
afterAll(async () => {
  await noisy?.close({ force: true });
  await wellBehaved?.close({ force: true });
  await t?.close();
});

const rowsOf = async (table: 'events' | 'fixes' | 'alarms', deviceId: string) =>
  (await t.sql`select count(*)::int as n from ${t.sql(table)} where device_id = ${deviceId}`)[0].n as number;

/** The well-behaved device still gets its SOS through, answered. */
async function wellBehavedStillWorks() {
  const sent = await wellBehaved.sendEvent('sos');
  const reply = await wellBehaved.waitForCommand({ eventId: sent.id });
  expect(reply.type).toBe('alarm.received');
}

function rejectionLogged(reason: string) {
  return t.logs.some(
    (l) => l.msg === 'device message rejected' && l.reason === reason && l.deviceId === noisy.deviceId,
  );
}

describe('rejected whole, with a log line and a metric', () => {
  it.each([
    ['payload_not_json', 'events', '{"type": "sos", '],
    ['payload_not_json', 'location', 'not json at all'],
    [
      'payload_too_large',
      'events',
      JSON.stringify({ id: randomUUID(), ts: Date.now(), type: 'sos', pad: 'x'.repeat(17 * 1024) }),
    ],
    ['event_type_missing', 'events', JSON.stringify({ id: randomUUID(), ts: Date.now() })],
    ['event_type_missing', 'events', JSON.stringify({ id: randomUUID(), ts: Date.now(), type: 42 })],
    ['event_not_object', 'events', '[1, 2, 3]'],
    ['fix_invalid', 'location', JSON.stringify({ ts: Date.now(), lat: 200, lon: 0 })],
    ['fix_invalid', 'location', JSON.stringify({ ts: Date.now(), lat: 53.6, lon: -3.0, acc: -1 })],
    [
      'fix_invalid',
      'location',
      JSON.stringify([
        { ts: Date.now(), lat: 53.6, lon: -3.0 },
        { ts: Date.now(), lon: -3.0 },
      ]),
    ],
    [
      'fix_invalid',
      'location',
      JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ ts: Date.now() - i, lat: 53.6, lon: -3.0 }))),
    ],
    ['status_invalid', 'status', JSON.stringify({ batt: 50 })],
    ['status_invalid', 'status', JSON.stringify({ ts: Date.now(), batt: 150 })],
  ] as const)('%s on %s', async (reason, channel, payload) => {
    const before = t.arc.metrics.get(`intake_rejected{channel="${channel}",reason="${reason}"}`);
    await noisy.publishRaw(deviceTopic(noisy.deviceId, channel), payload, 1);
    await t.arc.idle();
    expect(t.arc.metrics.get(`intake_rejected{channel="${channel}",reason="${reason}"}`)).toBe(before + 1);
    expect(rejectionLogged(reason)).toBe(true);
    expect(await rowsOf('events', noisy.deviceId)).toBe(0);
    expect(await rowsOf('fixes', noisy.deviceId)).toBe(0);
    expect(await rowsOf('alarms', noisy.deviceId)).toBe(0);
    // A rejected message is still a sign of life.
    const [device] = await t.sql`select last_seen_at from devices where id = ${noisy.deviceId}`;
    expect(device.lastSeenAt).not.toBeNull();
    expect(noisy.connected).toBe(true);
    await wellBehavedStillWorks();
  });

  it('a flood of the same bad message is counted in full but logged once every few seconds', async () => {
    const topic = deviceTopic(noisy.deviceId, 'status');
    const metric = 'intake_rejected{channel="status",reason="status_invalid"}';
    const lines = () =>
      t.logs.filter(
        (l) => l.msg === 'device message rejected' && l.deviceId === noisy.deviceId && l.channel === 'status',
      ).length;
    const [countBefore, linesBefore] = [t.arc.metrics.get(metric), lines()];
    for (let i = 0; i < 60; i++) await noisy.publishRaw(topic, JSON.stringify({ batt: i }), 1);
    await t.arc.idle();
    expect(t.arc.metrics.get(metric)).toBe(countBefore + 60);
    // The it.each above logged this reason moments ago: at most one more line, not sixty.
    expect(lines() - linesBefore).toBeLessThanOrEqual(1);
    await wellBehavedStillWorks();
  });
});

describe('an alarm is taken even from an untidy payload', () => {
  it('an SOS with a latitude of 200 raises its alarm without a position, flagged', async () => {
    const device = new SimulatedDevice({
      ...(await t.provisionDevice()),
      url: t.mqttUrl,
      reconnect: false,
      position: null,
    });
    await device.connect();
    const sent = await device.sendEvent('sos', { lat: 200, lon: -3.0, acc: -5 });
    await device.waitForCommand({ eventId: sent.id });
    const [alarm] = await t.sql`select type, lat, lon, flags from alarms where device_id = ${device.deviceId}`;
    expect(alarm).toMatchObject({ type: 'sos', lat: null, lon: null });
    expect(alarm.flags.warnings).toEqual(expect.arrayContaining(['position_invalid', 'acc_invalid']));
    await device.close();
  });

  it('an SOS without an id or a ts is taken with a derived id and the receive time, and a resend is the same event', async () => {
    const credentials = await t.provisionDevice();
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    await device.connect();
    const payload = JSON.stringify({ type: 'sos', ts: 1763800000000, lat: 53.6, lon: -3.0 });
    await device.sendRawEvent(payload);
    await device.sendRawEvent(payload);
    const noTs = JSON.stringify({ type: 'fall' });
    const before = Date.now();
    await device.sendRawEvent(noTs);
    await t.arc.idle();
    const events =
      await t.sql`select event_key, type, ts, warnings, alarm_id from events where device_id = ${credentials.deviceId} order by id`;
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ type: 'sos', ts: '1763800000000', warnings: ['id_missing'] });
    expect(events[0].eventKey).toMatch(/^derived-/);
    expect(events[0].alarmId).not.toBeNull();
    expect(events[1].warnings).toEqual(expect.arrayContaining(['ts_missing', 'id_missing']));
    expect(Number(events[1].ts)).toBeGreaterThanOrEqual(before - 1000);
    expect(t.arc.metrics.get('intake_event_warnings{warning="id_missing"}')).toBeGreaterThanOrEqual(2);
    await device.close();
  });

  it('an event type this ARC does not know reaches an operator as an unrecognised event of middle priority', async () => {
    const device = new SimulatedDevice({ ...(await t.provisionDevice()), url: t.mqttUrl, reconnect: false });
    await device.connect();
    const socket = t.operatorSocket(t.adminToken);
    const raised = new Promise<any>((resolve) =>
      socket.on('alarm:raised', (a) => a.deviceId === device.deviceId && resolve(a)),
    );
    // Connected (and in its rooms) before the event: a push to a console not yet there is not sent.
    await connected(socket);
    await device.sendEvent('heart_rate.high', { bpm: 190 });
    const alarm = await raised;
    expect(alarm).toMatchObject({ type: 'unrecognised', priority: 3, flags: { eventType: 'heart_rate.high' } });
    // Unknown fields are kept.
    const [event] = await t.sql`select payload from events where device_id = ${device.deviceId}`;
    expect(event.payload.bpm).toBe(190);
    await device.close();
  });
});
