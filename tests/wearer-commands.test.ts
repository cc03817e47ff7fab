// Telling the wearer (spec "Commands", v1.1): `alarm.accepted` when an operator takes the alarm,
// `message` when the operator sends a short text; both through the real broker to a real MQTT
// client, and never after a duress activation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let ann: Awaited<ReturnType<TestArc['createUser']>>;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
  ann = await t.createUser('operator');
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

async function deviceFor(wearerFields: Record<string, unknown> = {}) {
  const wearer = await t.createWearer(wearerFields);
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId: wearer.id })),
    url: t.mqttUrl,
    reconnect: false,
  });
  devices.push(device);
  await device.connect();
  return device;
}

async function alarmOf(device: SimulatedDevice, eventKey: string): Promise<string> {
  await t.arc.idle();
  const [row] =
    await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${eventKey}`;
  return row.alarmId as string;
}

const commandsStored = async (deviceId: string) =>
  (
    await t.sql<
      { type: string }[]
    >`select body->>'type' as type from device_commands where device_id = ${deviceId} order by seq`
  ).map((r) => r.type);

const message = (alarmId: string, text: string) =>
  t.api('POST', `/api/alarms/${alarmId}/messages`, { text }, ann.token);

describe('telling the wearer', () => {
  it('an accepted SOS tells the device, once, for the event that raised it; a message reaches it and is audited', async () => {
    const device = await deviceFor();
    const sent = await device.sendEvent('sos');
    const alarmId = await alarmOf(device, sent.id);

    expect((await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, ann.token)).status).toBe(200);
    expect(await device.waitForCommand({ type: 'alarm.accepted' })).toMatchObject({ eventId: sent.id });
    // Accepting again changes nothing and tells the device nothing more.
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, ann.token);

    const reply = await message(alarmId, '  Help is on the way  ');
    expect(reply.status).toBe(200);
    const shown = await device.waitForCommand({ type: 'message' });
    expect(shown).toMatchObject({ text: 'Help is on the way' });
    expect(shown.eventId).toBeUndefined();

    await t.arc.idle();
    expect((await commandsStored(device.deviceId)).filter((c) => c === 'alarm.accepted')).toHaveLength(1);
    const [audited] =
      await t.sql`select actor, detail from audit_log where action = 'alarm.message_wearer' and target = ${alarmId}`;
    expect(audited).toMatchObject({ actor: ann.email, detail: { text: 'Help is on the way' } });
    const detail = (await t.api('GET', `/api/alarms/${alarmId}`, undefined, ann.token)).body;
    expect(detail.actions.map((a: { kind: string }) => a.kind)).toContain('message_wearer');
  });

  it('refuses an empty message, one over 160 characters, and one before the alarm is accepted', async () => {
    const device = await deviceFor();
    const sent = await device.sendEvent('sos');
    const alarmId = await alarmOf(device, sent.id);
    expect((await message(alarmId, 'Help is on the way')).body.error.code).toBe('ARC_ERR_ALARM_NOT_ACCEPTED');
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, ann.token);
    expect((await message(alarmId, '   ')).body.error.code).toBe('ARC_ERR_VALIDATION');
    expect((await message(alarmId, 'x'.repeat(161))).body.error.code).toBe('ARC_ERR_VALIDATION');
    expect((await message(alarmId, 'x'.repeat(160))).status).toBe(200);
    await t.arc.idle();
    expect((await commandsStored(device.deviceId)).filter((c) => c === 'message')).toHaveLength(1);
  });

  it('after a duress activation: no alarm.accepted, no message, not even for a later alarm of the same device', async () => {
    const device = await deviceFor({ safePin: '1212', duressPin: '3434' });
    const cancel = await device.sendEvent('sos.cancel', { pin: '3434' });
    await device.waitForCommand({ eventId: cancel.id });
    const duressId = await alarmOf(device, cancel.id);

    await t.api('POST', `/api/alarms/${duressId}/accept`, undefined, ann.token);
    expect((await message(duressId, 'Help is on the way')).body.error.code).toBe('ARC_ERR_ALARM_SILENT');

    // While the duress alarm is open, an SOS from the same device is silent too.
    const sos = await device.sendEvent('sos');
    const sosId = await alarmOf(device, sos.id);
    await t.api('POST', `/api/alarms/${sosId}/accept`, undefined, ann.token);
    expect((await message(sosId, 'Help is on the way')).body.error.code).toBe('ARC_ERR_ALARM_SILENT');

    // Resolving that SOS while the duress alarm is open tells the device nothing either.
    await t.api('POST', `/api/alarms/${sosId}/resolve`, { closureCode: 'false_accidental' }, ann.token);
    await t.arc.idle();
    const stored = await commandsStored(device.deviceId);
    expect(stored).not.toContain('alarm.closed');
    expect(stored).not.toContain('alarm.accepted');
    expect(stored).not.toContain('message');
    expect(device.commands.map((c) => c.type)).not.toContain('alarm.accepted');
    const [{ n }] =
      await t.sql`select count(*)::int as n from audit_log where action = 'alarm.message_wearer' and target in ${t.sql([duressId, sosId])}`;
    expect(n).toBe(0);
  });
});
