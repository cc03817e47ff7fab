// Subject access and erasure (issue 16, item 6): everything held on one wearer as JSON and as
// text, and on an account (staff, carers) as JSON; erasure at contract end keeping their alarms
// anonymised; administrators only, audited, refused while an alarm is open. Time is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let clock = Date.parse('2026-11-23T14:00:00Z');
const now = () => new Date(clock);
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc({}, { now });
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

/** A wearer with a device, a contact, a zone, positions and one resolved alarm (with actions). */
async function wearerWithHistory(name: string) {
  const wearer = await t.createWearer({
    name,
    notes: 'Key safe code 4321',
    medicalNotes: 'Type 1 diabetes',
    safePin: '2468',
  });
  const credentials = await t.provisionDevice({ wearerId: wearer.id });
  expect(
    (
      await t.api('POST', `/api/wearers/${wearer.id}/contacts`, {
        name: 'Carol',
        relationship: 'daughter',
        phone: '07700 900123',
      })
    ).status,
  ).toBe(201);
  const zone = { name: 'Home', kind: 'safe', shape: { type: 'circle', lat: 51.5, lon: -0.12, radiusM: 200 } };
  expect((await t.api('POST', `/api/wearers/${wearer.id}/geofences`, zone)).status).toBe(201);
  const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, now: () => clock });
  devices.push(device);
  await device.connect();
  await device.sendFix({ ts: clock - 60_000, lat: 51.501, lon: -0.121 });
  await device.sendEvent('sos');
  await t.arc.idle();
  const [alarm] = await t.sql<{ id: string }[]>`select id from alarms where wearer_id = ${wearer.id}`;
  return { wearer, device, alarmId: alarm.id };
}

async function resolve(alarmId: string) {
  expect((await t.api('POST', `/api/alarms/${alarmId}/accept`)).status).toBe(200);
  expect(
    (
      await t.api('POST', `/api/alarms/${alarmId}/actions`, {
        kind: 'called_contact',
        contactName: 'Carol (daughter)',
        outcome: 'answered',
      })
    ).status,
  ).toBe(200);
  const resolved = await t.api('POST', `/api/alarms/${alarmId}/resolve`, {
    closureCode: 'genuine_ambulance',
    note: 'Ambulance took Grace to hospital',
  });
  expect(resolved.status).toBe(200);
}

describe('subject access export', () => {
  it('holds everything on the wearer, as JSON and as text; administrators only; audited', async () => {
    const { wearer, alarmId } = await wearerWithHistory('Grace Export');
    const other = await wearerWithHistory('Someone Else');
    // Someone looked at the alarm: the export says who.
    const operator = await t.createUser('operator');
    expect((await t.api('GET', `/api/alarms/${alarmId}`, undefined, operator.token)).status).toBe(200);

    const json = await t.api('GET', `/api/wearers/${wearer.id}/export`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="wearer-${wearer.id}-2026-11-23.json"`);
    const data = json.body;
    expect(data.wearer).toMatchObject({
      name: 'Grace Export',
      notes: 'Key safe code 4321',
      medicalNotes: 'Type 1 diabetes',
      hasSafePin: true,
    });
    expect(JSON.stringify(data)).not.toContain('safePinHash');
    expect(data.contacts.map((c: any) => c.phone)).toEqual(['07700 900123']);
    expect(data.zones.map((z: any) => z.name)).toEqual(['Home']);
    expect(data.devices).toHaveLength(1);
    expect(data.positions.some((p: any) => p.lat === 51.501)).toBe(true);
    expect(data.alarms.map((a: any) => a.id)).toEqual([alarmId]);
    expect(data.events.map((e: any) => e.type)).toEqual(['sos']);
    expect(data.audit.some((a: any) => a.action === 'alarm.viewed' && a.actor === operator.email)).toBe(true);
    // Nothing of anyone else.
    expect(JSON.stringify(data)).not.toContain(other.wearer.id);
    expect(JSON.stringify(data)).not.toContain(other.alarmId);

    const text = await t.api('GET', `/api/wearers/${wearer.id}/export?format=text`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toContain('text/plain');
    expect(text.body).toContain('Everything the alarm receiving centre holds on Grace Export');
    expect(text.body).toContain('07700 900123');
    expect(text.body).toContain('action: alarm.viewed');

    const supervisor = await t.createUser('supervisor');
    expect((await t.api('GET', `/api/wearers/${wearer.id}/export`, undefined, supervisor.token)).status).toBe(403);
    const audited =
      await t.sql`select actor, detail from audit_log where action = 'wearer.exported' and target = ${wearer.id} order by id`;
    expect(audited.map((a) => a.detail.format)).toEqual(['json', 'text']);
    expect((await t.api('GET', '/api/wearers/00000000-0000-4000-8000-000000000000/export')).status).toBe(404);
  });
});

describe('subject access export of an account', () => {
  it('holds what the ARC keeps on a member of staff and nothing of anyone else; no hashes; administrators only; audited', async () => {
    const operator = await t.createUser('operator');
    const colleague = await t.createUser('operator');
    expect(
      (await t.api('POST', '/api/handover-notes', { text: 'Lift at Elm Court out of order' }, operator.token)).status,
    ).toBe(201);
    expect((await t.api('PATCH', `/api/users/${operator.id}`, { name: 'Olive Operator' })).status).toBe(200);
    const hour = new Date(Math.floor(clock / 3600_000) * 3600_000);
    for (const userId of [operator.id, colleague.id])
      await t.sql`insert into staff_presence_hours (hour_start, user_id, minutes, last_minute)
                  values (${hour}, ${userId}, 42, ${hour})`;

    const response = await t.api('GET', `/api/users/${operator.id}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="account-${operator.id}-2026-11-23.json"`,
    );
    const data = response.body;
    expect(data.account).toMatchObject({
      id: operator.id,
      email: operator.email,
      name: 'Olive Operator',
      role: 'operator',
    });
    expect(data.sessions).toHaveLength(1);
    expect(data.loginAddresses).toHaveLength(1);
    expect(data.handoverNotes.map((n: any) => n.text)).toEqual(['Lift at Elm Court out of order']);
    expect(data.presence.map((p: any) => p.minutes)).toEqual([42]);
    const actions = data.audit.map((a: any) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'user.updated']));
    // Never a secret, and nothing of the colleague.
    const text = JSON.stringify(data);
    for (const secret of ['passwordHash', 'password_hash', 'tokenHash', 'token_hash', operator.token])
      expect(text).not.toContain(secret);
    expect(text).not.toContain(colleague.id);
    expect(text).not.toContain(colleague.email);

    expect((await t.api('GET', `/api/users/${operator.id}/export`, undefined, colleague.token)).status).toBe(403);
    expect((await t.api('GET', '/api/users/00000000-0000-4000-8000-000000000000/export')).status).toBe(404);
    const audited =
      await t.sql`select detail from audit_log where action = 'user.exported' and target = ${operator.id}`;
    expect(audited.map((a) => a.detail)).toEqual([{ auditEntries: data.audit.length, presenceHours: 1 }]);
  });
});

describe('subject access export of the insight counts', () => {
  it("holds their nights away from home and their alarms counted by month, and nobody else's", async () => {
    const { wearer } = await wearerWithHistory('Nora Nights');
    const other = await wearerWithHistory('Otto Other');
    for (const w of [wearer.id, other.wearer.id]) {
      await t.sql`
        insert into insight_night_away (time_zone, night_hours, night_date, wearer_id, organisation_id, night_fixes, away_fixes)
        values ('Europe/London', '22-06', '2026-10-03', ${w}, '00000000-0000-0000-0000-000000000000', 4, ${w === wearer.id ? 3 : 1})`;
      await t.sql`
        insert into insight_signal_months (time_zone, month, wearer_id, falls, sos, no_motion, missed_checkins, false_alarms, low_battery, silent_device)
        values ('Europe/London', '2026-10-01', ${w}, ${w === wearer.id ? 2 : 7}, 1, 0, 0, 0, 0, 0)`;
    }
    const data = (await t.api('GET', `/api/wearers/${wearer.id}/export`)).body;
    expect(data.nightsAway).toEqual([
      { night: '2026-10-03', nightHours: '22-06', timeZone: 'Europe/London', nightFixes: 4, awayFixes: 3 },
    ]);
    expect(data.signalMonths).toEqual([
      {
        month: '2026-10',
        timeZone: 'Europe/London',
        falls: 2,
        sos: 1,
        noMotion: 0,
        missedCheckins: 0,
        falseAlarms: 0,
        lowBattery: 0,
        silentDevice: 0,
      },
    ]);
    const text = (await t.api('GET', `/api/wearers/${wearer.id}/export?format=text`)).body;
    expect(text).toContain('Nights away from home (1)');
    expect(text).toContain('night: 2026-10-03');
    expect(text).toContain('away fixes: 3');
    expect(text).toContain('Alarms counted by month (1)');
  });
});

describe('erasure at contract end', () => {
  it('is refused while the wearer has an open alarm, and for anyone but an administrator', async () => {
    const { wearer } = await wearerWithHistory('Open Olive');
    const refused = await t.api('POST', `/api/wearers/${wearer.id}/erase`, { confirmName: 'Open Olive' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ARC_ERR_WEARER_OPEN_ALARM');
    const supervisor = await t.createUser('supervisor');
    expect(
      (await t.api('POST', `/api/wearers/${wearer.id}/erase`, { confirmName: 'Open Olive' }, supervisor.token)).status,
    ).toBe(403);
    // The name typed again, or nothing happens.
    expect((await t.api('POST', `/api/wearers/${wearer.id}/erase`, { confirmName: 'Olive' })).status).toBe(400);
    expect(await t.sql`select 1 from wearers where id = ${wearer.id}`).toHaveLength(1);
    expect(await t.sql`select 1 from audit_log where action = 'wearer.erased' and target = ${wearer.id}`).toHaveLength(
      0,
    );
  });

  it('deletes what identifies them and keeps the alarm anonymised for the statistics, in one go', async () => {
    const { wearer, device, alarmId } = await wearerWithHistory('Grace Erased');
    await resolve(alarmId);
    clock += 3600_000;
    const erased = await t.api('POST', `/api/wearers/${wearer.id}/erase`, { confirmName: 'Grace Erased' });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toMatchObject({ alarmsAnonymised: 1, devicesReleased: [device.deviceId] });
    expect(erased.body.erased.positionsDeleted).toBeGreaterThan(0);

    expect(await t.sql`select 1 from wearers where id = ${wearer.id}`).toHaveLength(0);
    expect(await t.sql`select 1 from contacts where wearer_id = ${wearer.id}`).toHaveLength(0);
    expect(await t.sql`select 1 from geofences where wearer_id = ${wearer.id}`).toHaveLength(0);
    expect(await t.sql`select 1 from fixes where device_id = ${device.deviceId}`).toHaveLength(0);
    expect(await t.sql`select 1 from events where alarm_id = ${alarmId}`).toHaveLength(0);
    expect(await t.sql`select 1 from notifications where alarm_id = ${alarmId}`).toHaveLength(0);
    const [dev] = await t.sql`select wearer_id, fix_lat from devices where id = ${device.deviceId}`;
    expect(dev).toMatchObject({ wearerId: null, fixLat: null });

    const [alarm] = await t.sql`select * from alarms where id = ${alarmId}`;
    expect(alarm).toMatchObject({
      wearerId: null,
      type: 'sos',
      status: 'resolved',
      closureCode: 'genuine_ambulance',
      verified: 'genuine',
      lat: null,
      lon: null,
      resolutionNote: null,
      plan: null,
    });
    expect(alarm.acceptedAt).not.toBeNull();
    expect(alarm.flags).toEqual({ erased: true });
    const actions = await t.sql`select kind, detail from alarm_actions where alarm_id = ${alarmId}`;
    expect(actions.length).toBeGreaterThan(0);
    expect(JSON.stringify(actions)).not.toContain('Carol');

    // The audit keeps who did what to this id, not what it noted of them.
    const entries = await t.sql`select action, detail from audit_log where target = ${wearer.id} order by id`;
    expect(JSON.stringify(entries)).not.toContain('Grace Erased');
    expect(entries.at(-1)).toMatchObject({ action: 'wearer.erased', detail: { alarmsAnonymised: 1 } });
    expect((await t.api('GET', `/api/wearers/${wearer.id}`)).status).toBe(404);
  });
});
