// The organisation's police URN end to end, through the real ARC: a wearer with no URN of their
// own in an organisation that has one gets police guidance quoting it, the console's URN and the
// "passed to police" action use it; the organisation's withdrawal blocks the police step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

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

async function deviceOf(wearerId: string) {
  const device = new SimulatedDevice({ ...(await t.provisionDevice({ wearerId })), url: t.mqttUrl, reconnect: false });
  devices.push(device);
  await device.connect();
  return device;
}

async function raise(device: SimulatedDevice) {
  const sent = await device.sendEvent('sos');
  await t.arc.idle();
  const [row] =
    await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
  return row.alarmId as string;
}

const detail = async (id: string) => (await t.api('GET', `/api/alarms/${id}`, undefined, operator.token)).body;
const passToPolice = (id: string) =>
  t.api('POST', `/api/alarms/${id}/actions`, { kind: 'passed_to_police', reference: 'CAD 0421' }, operator.token);

describe('the organisation’s URN on an alarm', () => {
  it('is quoted by the police step, shown to the operator and recorded when passed to police', async () => {
    const org = await t.api('POST', '/api/organisations', { name: 'Acme Housing', urn: 'ORG/123' });
    expect(org.status).toBe(201);
    // Domestic abuse: the plan goes to police first.
    const wearer = await t.createWearer({
      name: 'Vic',
      profile: 'domestic_abuse',
      organisationId: org.body.organisation.id,
      medicalNotes: 'Asthma',
    });
    const id = await raise(await deviceOf(wearer.id));

    const shown = await detail(id);
    expect(shown.plan.steps[0]).toMatchObject({ who: 'police', blocked: null });
    expect(shown.plan.steps[0].instruction).toContain('ORG/123');
    expect(shown.wearer).toMatchObject({
      urn: 'ORG/123',
      urnSource: 'organisation',
      policeWithdrawn: false,
      organisationName: 'Acme Housing',
      medicalNotes: 'Asthma',
    });

    await t.api('POST', `/api/alarms/${id}/accept`, undefined, operator.token);
    const passed = await passToPolice(id);
    expect(passed.status).toBe(200);
    const { actions } = await detail(id);
    expect(actions.at(-1)).toMatchObject({
      kind: 'passed_to_police',
      detail: { urn: 'ORG/123', reference: 'CAD 0421' },
    });
  });

  it('withdrawn for the organisation: the police step is blocked and passing to police refused, with the reason', async () => {
    const org = (await t.api('POST', '/api/organisations', { name: 'Withdrawn Ltd', urn: 'ORG/999' })).body
      .organisation;
    const wearer = await t.createWearer({ name: 'Val', profile: 'domestic_abuse', organisationId: org.id });
    const ownUrn = await t.createWearer({ name: 'Olive', profile: 'domestic_abuse', organisationId: org.id });
    await t.api('PUT', `/api/wearers/${ownUrn.id}/police`, { urn: 'OWN/1', policeWithdrawn: false });
    const [valsDevice, olivesDevice] = [await deviceOf(wearer.id), await deviceOf(ownUrn.id)];
    const id = await raise(valsDevice);
    await t.api('POST', `/api/alarms/${id}/accept`, undefined, operator.token);

    const withdrawal = await t.api('PATCH', `/api/organisations/${org.id}`, {
      policeWithdrawn: true,
      policeWithdrawnReason: 'Under review after false calls',
    });
    expect(withdrawal.status).toBe(200);
    const refused = await passToPolice(id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'ARC_ERR_ALARM_POLICE_WITHDRAWN',
      message: expect.stringContaining('Under review after false calls'),
    });
    const shown = await detail(id);
    expect(shown.plan.steps[0]).toMatchObject({
      who: 'police',
      blocked: { reason: expect.stringContaining('Under review after false calls') },
    });
    expect(shown.wearer).toMatchObject({
      urn: 'ORG/999',
      urnSource: 'organisation',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Under review after false calls',
    });

    // A wearer with a URN of their own is not held back by their organisation's withdrawal.
    const olives = await raise(olivesDevice);
    await t.api('POST', `/api/alarms/${olives}/accept`, undefined, operator.token);
    expect((await passToPolice(olives)).status).toBe(200);
    expect((await detail(olives)).actions.at(-1).detail.urn).toBe('OWN/1');

    // Reinstated: Val's alarm can go to police again, with the organisation's URN.
    await t.api('PATCH', `/api/organisations/${org.id}`, { policeWithdrawn: false });
    expect((await passToPolice(id)).status).toBe(200);
    expect((await detail(id)).actions.at(-1).detail.urn).toBe('ORG/999');
  });
});
