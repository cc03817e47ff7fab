// Where an alarm or a fleet crosses organisations (issue 16, item 2; docs/guides/organisations.md):
// an alarm is given only to a colleague who serves its organisation, and bulk provisioning puts a
// fleet in the organisation named (within the caller's), else the caller's only one, else the
// default organisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const devices: SimulatedDevice[] = [];
let alpha: string;
let beta: string;

beforeAll(async () => {
  t = await startTestArc();
  alpha = (await t.api('POST', '/api/organisations', { name: 'Alpha Housing' })).body.organisation.id;
  beta = (await t.api('POST', '/api/organisations', { name: 'Beta Council' })).body.organisation.id;
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

/** A staff account serving the organisations given (none: all). */
async function staff(role: 'administrator' | 'operator', served: string[]) {
  const user = await t.createUser(role);
  expect((await t.api('PATCH', `/api/users/${user.id}`, { servedOrganisationIds: served })).status).toBe(200);
  return user;
}

describe('reassigning an alarm', () => {
  it("refuses a colleague who does not serve the alarm's organisation, with a reason", async () => {
    const wearer = await t.createWearer({ organisationId: alpha });
    const device = new SimulatedDevice({
      ...(await t.provisionDevice({ wearerId: wearer.id })),
      url: t.mqttUrl,
      reconnect: false,
    });
    devices.push(device);
    await device.connect();
    const sent = await device.sendEvent('sos');
    await t.arc.idle();
    const [{ alarmId, organisationId }] = await t.sql<{ alarmId: string; organisationId: string }[]>`
      select e.alarm_id, a.organisation_id from events e join alarms a on a.id = e.alarm_id where e.device_id = ${device.deviceId} and e.event_key = ${sent.id}`;
    expect(organisationId).toBe(alpha);

    const betaOnly = await staff('operator', [beta]);
    const refused = await t.api('POST', `/api/alarms/${alarmId}/reassign`, { userId: betaOnly.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'ARC_ERR_REASSIGN_OTHER_ORGANISATION',
      message: expect.stringContaining('does not serve'),
    });
    const [unchanged] = await t.sql<
      { acceptedBy: string | null }[]
    >`select accepted_by from alarms where id = ${alarmId}`;
    expect(unchanged.acceptedBy).toBeNull();

    // Serving the alarm's organisation (among others), or every organisation: given.
    const alphaToo = await staff('operator', [beta, alpha]);
    expect((await t.api('POST', `/api/alarms/${alarmId}/reassign`, { userId: alphaToo.id })).body.alarm.owner.id).toBe(
      alphaToo.id,
    );
    const everyone = await staff('operator', []);
    expect((await t.api('POST', `/api/alarms/${alarmId}/reassign`, { userId: everyone.id })).body.alarm.owner.id).toBe(
      everyone.id,
    );
  });
});

describe('bulk provisioning', () => {
  const orgOf = async (prefix: string) =>
    t.sql<{ device: string; wearer: string | null }[]>`
      select d.organisation_id as device, w.organisation_id as wearer from devices d left join wearers w on w.id = d.wearer_id
      where d.id like ${prefix + '-%'} order by d.id`;

  it('puts the fleet and its wearers in the organisation named', async () => {
    const made = await t.api('POST', '/api/devices/bulk', {
      prefix: 'beta-fleet',
      count: 2,
      wearers: true,
      organisationId: beta,
    });
    expect(made.status).toBe(201);
    expect(await orgOf('beta-fleet')).toEqual([
      { device: beta, wearer: beta },
      { device: beta, wearer: beta },
    ]);
    // Unworn devices too.
    expect(
      (await t.api('POST', '/api/devices/bulk', { prefix: 'beta-spare', count: 1, organisationId: beta })).status,
    ).toBe(201);
    expect(await orgOf('beta-spare')).toEqual([{ device: beta, wearer: null }]);
  });

  it('without one: the default organisation for staff serving all, the only one for staff serving one', async () => {
    const [{ id: fallback }] = await t.sql<{ id: string }[]>`select id from organisations where is_default`;
    expect((await t.api('POST', '/api/devices/bulk', { prefix: 'plain-fleet', count: 1, wearers: true })).status).toBe(
      201,
    );
    expect(await orgOf('plain-fleet')).toEqual([{ device: fallback, wearer: fallback }]);

    const alphaAdmin = await staff('administrator', [alpha]);
    expect(
      (await t.api('POST', '/api/devices/bulk', { prefix: 'alpha-fleet', count: 1, wearers: true }, alphaAdmin.token))
        .status,
    ).toBe(201);
    expect(await orgOf('alpha-fleet')).toEqual([{ device: alpha, wearer: alpha }]);
  });

  it("refuses an organisation outside the caller's, or none at all, and creates nothing", async () => {
    const alphaAdmin = await staff('administrator', [alpha]);
    const outside = await t.api(
      'POST',
      '/api/devices/bulk',
      { prefix: 'sneaky-fleet', count: 1, wearers: true, organisationId: beta },
      alphaAdmin.token,
    );
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('ARC_ERR_ORGANISATION_NOT_FOUND');
    const missing = await t.api('POST', '/api/devices/bulk', {
      prefix: 'ghost-fleet',
      count: 1,
      organisationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(404);
    expect(await orgOf('sneaky-fleet')).toEqual([]);
    expect(await orgOf('ghost-fleet')).toEqual([]);
    // Serving two organisations and naming neither: asked to choose.
    const both = await staff('administrator', [alpha, beta]);
    const unnamed = await t.api('POST', '/api/devices/bulk', { prefix: 'which-fleet', count: 1 }, both.token);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.code).toBe('ARC_ERR_VALIDATION');
  });
});
