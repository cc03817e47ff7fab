// The carer REST routes against the whole ARC: own people only (another wearer is "not found",
// exactly like no wearer at all), the trail of a chosen span, safe zones (never exclusion zones,
// changed only where the wearer allows), notification preferences, and the audit of every look.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await t?.close();
});

const HOUR = 3600_000;

async function connectDevice(credentials: { deviceId: string; secret: string }): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({
    ...credentials,
    url: t.mqttUrl,
    reconnect: false,
    position: { lat: 53.6458, lon: -3.0101, acc: 8 },
  });
  devices.push(device);
  await device.connect();
  return device;
}
const deviceOf = async (wearerId: string) => connectDevice(await t.provisionDevice({ wearerId }));

async function carerOf(...wearerIds: string[]) {
  const carer = await t.createUser('carer');
  for (const wearerId of wearerIds)
    expect((await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId })).status).toBe(201);
  return carer;
}

const lastAudit = async (actorId: string) =>
  (await t.sql`select action, target, detail from audit_log where actor_id = ${actorId} order by id desc limit 1`)[0];

describe('own people only', () => {
  it('lists only linked people, without notes; another wearer is 404 exactly like one that does not exist', async () => {
    const mum = await t.createWearer({ name: 'Mum', notes: 'ARC only: key safe K4321Q' });
    const stranger = await t.createWearer({ name: 'Someone Else' });
    await t.api('PATCH', `/api/wearers/${stranger.id}`, { carersEditSafeZones: true });
    await t.api('POST', `/api/wearers/${stranger.id}/geofences`, {
      name: 'Their home',
      kind: 'safe',
      shape: { type: 'circle', lat: 53.7, lon: -2.9, radiusM: 200 },
    });
    await carerOf(stranger.id); // someone else's carer: never shown either
    const carer = await carerOf(mum.id);

    const list = await t.api('GET', '/api/my/wearers', undefined, carer.token);
    expect(list.status).toBe(200);
    expect(list.body.wearers).toEqual([
      {
        id: mum.id,
        name: 'Mum',
        lastSeenAt: null,
        batt: null,
        charging: null,
        position: null,
        alarm: { state: 'none', text: 'No alarm for Mum so far.', since: null, closedAt: null },
        zonesEditable: false,
      },
    ]);
    expect(JSON.stringify(list.body)).not.toContain('K4321Q'); // letters around it: digits alone can turn up in a timestamp

    const circle = { name: 'Mine now', shape: { type: 'circle', lat: 53.7, lon: -2.9, radiusM: 300 } };
    for (const id of [stranger.id, randomUUID()]) {
      const answers = [
        await t.api('GET', `/api/my/wearers/${id}/trail`, undefined, carer.token),
        await t.api('GET', `/api/my/wearers/${id}/zones`, undefined, carer.token),
        await t.api('POST', `/api/my/wearers/${id}/zones`, circle, carer.token),
        await t.api('PUT', `/api/my/wearers/${id}/zones/${randomUUID()}`, circle, carer.token),
        await t.api('DELETE', `/api/my/wearers/${id}/zones/${randomUUID()}`, undefined, carer.token),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ error: { code: 'ARC_ERR_WEARER_NOT_FOUND', message: 'No such wearer' } });
      }
    }
    const [theirZones] = await t.sql`select count(*)::int as n from geofences where wearer_id = ${stranger.id}`;
    expect(theirZones.n).toBe(1);

    // Staff use the operator API; the carer routes are for carers.
    for (const path of ['/api/my/wearers', `/api/my/wearers/${mum.id}/trail`, '/api/my/preferences']) {
      expect((await t.api('GET', path)).body.error.code).toBe('ARC_ERR_FORBIDDEN');
      expect((await t.api('GET', path, undefined, null)).body.error.code).toBe('ARC_ERR_AUTH_REQUIRED');
    }
  });
});

describe('where and how they are', () => {
  it('shows the newest position, last seen and battery, and the trail of the last 24 hours or a chosen span, each look audited', async () => {
    const dad = await t.createWearer({ name: 'Dad' });
    const device = await deviceOf(dad.id);
    const carer = await carerOf(dad.id);
    const now = Date.now();
    // Store-and-forward: the newest fix is the position, whatever the order of arrival.
    await device.sendFixes([
      { ts: now - 2 * HOUR, lat: 53.61, lon: -3.01, acc: 12 },
      { ts: now - 60_000, lat: 53.63, lon: -3.03, acc: 9 },
      { ts: now - 26 * HOUR, lat: 53.6, lon: -3.0, acc: 20 },
      { ts: now - HOUR, lat: 53.62, lon: -3.02, acc: 10 },
    ]);
    await device.sendStatus({ batt: 54, charging: false });
    await t.arc.idle();

    const [listed] = (await t.api('GET', '/api/my/wearers', undefined, carer.token)).body.wearers;
    expect(listed).toMatchObject({
      batt: 54,
      charging: false,
      position: { ts: now - 60_000, lat: 53.63, lon: -3.03, acc: 9 },
    });
    expect(Date.now() - Date.parse(listed.lastSeenAt)).toBeLessThan(60_000);
    expect(await lastAudit(carer.id)).toEqual({
      action: 'carer.viewed_locations',
      target: dad.id,
      detail: { wearerIds: [dad.id], view: 'list' },
    });

    const day = await t.api('GET', `/api/my/wearers/${dad.id}/trail`, undefined, carer.token);
    expect(day.status).toBe(200);
    expect(day.body.points.map((p: any) => p.lat)).toEqual([53.61, 53.62, 53.63]);
    expect(Date.parse(day.body.to) - Date.parse(day.body.from)).toBe(24 * HOUR);
    expect(day.body.truncated).toBe(false);
    const audited = await lastAudit(carer.id);
    expect(audited).toMatchObject({
      action: 'carer.viewed_locations',
      target: dad.id,
      detail: { wearerIds: [dad.id], view: 'trail', points: 3 },
    });

    const from = new Date(now - 27 * HOUR).toISOString();
    const to = new Date(now - 90 * 60_000).toISOString();
    const span = await t.api(
      'GET',
      `/api/my/wearers/${dad.id}/trail?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      undefined,
      carer.token,
    );
    expect(span.body.points.map((p: any) => p.lat)).toEqual([53.6, 53.61]);

    const backwards = await t.api(
      'GET',
      `/api/my/wearers/${dad.id}/trail?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
      undefined,
      carer.token,
    );
    expect(backwards.body.error.code).toBe('ARC_ERR_VALIDATION');
    const tooLong = await t.api(
      'GET',
      `/api/my/wearers/${dad.id}/trail?from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z`,
      undefined,
      carer.token,
    );
    expect(tooLong.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect((await t.api('GET', `/api/my/wearers/${dad.id}/trail?from=yesterday`, undefined, carer.token)).status).toBe(
      400,
    );
  });

  it("never shows where a device's previous wearer went", async () => {
    const previous = await t.createWearer({ name: 'Previous Wearer' });
    const gran = await t.createWearer({ name: 'Gran' });
    const credentials = await t.provisionDevice({ wearerId: previous.id });
    const device = await connectDevice(credentials);
    await device.sendFix({ ts: Date.now() - 10 * 60_000, lat: 51.5, lon: -0.12, acc: 5 });
    await t.arc.idle();
    expect((await t.api('PATCH', `/api/devices/${credentials.deviceId}`, { wearerId: gran.id })).status).toBe(200);
    const carer = await carerOf(gran.id);

    const before = (await t.api('GET', '/api/my/wearers', undefined, carer.token)).body.wearers[0];
    expect(before.position).toBeNull();
    expect((await t.api('GET', `/api/my/wearers/${gran.id}/trail`, undefined, carer.token)).body.points).toEqual([]);

    await device.sendFix({ ts: Date.now(), lat: 53.65, lon: -3.0, acc: 7 });
    await t.arc.idle();
    const after = (await t.api('GET', '/api/my/wearers', undefined, carer.token)).body.wearers[0];
    expect(after.position).toMatchObject({ lat: 53.65, lon: -3.0 });
    const trail = (await t.api('GET', `/api/my/wearers/${gran.id}/trail`, undefined, carer.token)).body.points;
    expect(trail.map((p: any) => p.lat)).toEqual([53.65]);
  });

  it("keeps a device's earlier fixes with the wearer who had it, after it moves to another (issue 12)", async () => {
    const first = await t.createWearer({ name: 'First Holder' });
    const second = await t.createWearer({ name: 'Second Holder' });
    const credentials = await t.provisionDevice({ wearerId: first.id });
    const device = await connectDevice(credentials);
    const firstCarer = await carerOf(first.id);
    const secondCarer = await carerOf(second.id);
    const now = Date.now();
    await device.sendFixes([
      { ts: now - 30 * 60_000, lat: 51.5, lon: -0.12, acc: 5 },
      { ts: now - 20 * 60_000, lat: 51.51, lon: -0.13, acc: 5 },
    ]);
    await t.arc.idle();
    expect((await t.api('PATCH', `/api/devices/${credentials.deviceId}`, { wearerId: second.id })).status).toBe(200);
    await device.sendFix({ ts: now - 10 * 60_000, lat: 53.65, lon: -3.0, acc: 7 });
    await t.arc.idle();
    // And back again: a third period, the first wearer's once more.
    expect((await t.api('PATCH', `/api/devices/${credentials.deviceId}`, { wearerId: first.id })).status).toBe(200);
    await device.sendFix({ ts: now - 60_000, lat: 51.52, lon: -0.14, acc: 5 });
    await t.arc.idle();

    const trailOf = async (wearerId: string, token: string) =>
      (await t.api('GET', `/api/my/wearers/${wearerId}/trail`, undefined, token)).body.points.map((p: any) => p.lat);
    expect(await trailOf(first.id, firstCarer.token)).toEqual([51.5, 51.51, 51.52]);
    expect(await trailOf(second.id, secondCarer.token)).toEqual([53.65]);
    // The second holder's carers keep their person's last position from that device.
    const [secondListed] = (await t.api('GET', '/api/my/wearers', undefined, secondCarer.token)).body.wearers;
    expect(secondListed.position).toMatchObject({ lat: 53.65 });
    const [firstListed] = (await t.api('GET', '/api/my/wearers', undefined, firstCarer.token)).body.wearers;
    expect(firstListed.position).toMatchObject({ lat: 51.52 });
  });
});

describe('safe zones', () => {
  const home = { name: 'Home', shape: { type: 'circle', lat: 53.6458, lon: -3.0101, radiusM: 150 } };

  it('shows safe zones only, never an exclusion zone; changes them only where the wearer allows', async () => {
    const mum = await t.createWearer({ name: 'Mum' });
    const made = async (body: unknown) => (await t.api('POST', `/api/wearers/${mum.id}/geofences`, body)).body.geofence;
    const safe = await made({ ...home, kind: 'safe' });
    const exclusion = await made({
      name: 'Near his address',
      kind: 'exclusion',
      shape: { type: 'circle', lat: 53.41, lon: -2.98, radiusM: 500 },
    });
    const carer = await carerOf(mum.id);

    const zones = await t.api('GET', `/api/my/wearers/${mum.id}/zones`, undefined, carer.token);
    expect(zones.body).toEqual({
      wearerId: mum.id,
      editable: false,
      zones: [{ id: safe.id, name: 'Home', shape: home.shape, activeHours: null, enabled: true }],
    });
    expect(JSON.stringify(zones.body)).not.toContain('53.41');
    expect(await lastAudit(carer.id)).toMatchObject({
      action: 'carer.viewed_locations',
      detail: { wearerIds: [mum.id], view: 'zones' },
    });

    const changed = { name: 'Home and garden', shape: { type: 'circle', lat: 53.6458, lon: -3.0101, radiusM: 250 } };
    const refused = await t.api('PUT', `/api/my/wearers/${mum.id}/zones/${safe.id}`, changed, carer.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({
      code: 'ARC_ERR_FORBIDDEN',
      message: "This person's settings do not let carers change safe zones",
    });
    expect((await t.api('POST', `/api/my/wearers/${mum.id}/zones`, home, carer.token)).status).toBe(403);

    // An administrator agrees it with the wearer.
    const allowed = await t.api('PATCH', `/api/wearers/${mum.id}`, { carersEditSafeZones: true });
    expect(allowed.body.wearer.carersEditSafeZones).toBe(true);
    expect((await t.api('GET', `/api/my/wearers/${mum.id}/zones`, undefined, carer.token)).body.editable).toBe(true);

    const updated = await t.api('PUT', `/api/my/wearers/${mum.id}/zones/${safe.id}`, changed, carer.token);
    expect(updated.status).toBe(200);
    expect(updated.body.zone).toEqual({ id: safe.id, ...changed, activeHours: null, enabled: true });

    // An exclusion zone is as unknown to a carer as another wearer's zone, and one cannot be made.
    for (const answer of [
      await t.api('PUT', `/api/my/wearers/${mum.id}/zones/${exclusion.id}`, changed, carer.token),
      await t.api('DELETE', `/api/my/wearers/${mum.id}/zones/${exclusion.id}`, undefined, carer.token),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('ARC_ERR_GEOFENCE_NOT_FOUND');
    }
    const created = await t.api(
      'POST',
      `/api/my/wearers/${mum.id}/zones`,
      { name: 'Day centre', kind: 'exclusion', shape: { type: 'circle', lat: 53.64, lon: -3.0, radiusM: 80 } },
      carer.token,
    );
    expect(created.status).toBe(201);
    const bad = await t.api(
      'POST',
      `/api/my/wearers/${mum.id}/zones`,
      { name: 'Tiny', shape: { type: 'circle', lat: 53.64, lon: -3.0, radiusM: 2 } },
      carer.token,
    );
    expect(bad.body.error.details).toEqual([{ field: 'shape.radiusM', message: 'a circle radius is at least 10 m' }]);
    expect((await t.api('DELETE', `/api/my/wearers/${mum.id}/zones/${safe.id}`, undefined, carer.token)).status).toBe(
      200,
    );

    const stored = await t.sql`select name, kind from geofences where wearer_id = ${mum.id} order by created_at`;
    expect(stored.map((g) => [g.name, g.kind])).toEqual([
      ['Near his address', 'exclusion'],
      ['Day centre', 'safe'],
    ]);
    const actions =
      await t.sql`select action, detail->>'by' as by from audit_log where actor_id = ${carer.id} and action like 'geofence.%' order by id`;
    expect(actions.map((a) => [a.action, a.by])).toEqual([
      ['geofence.updated', 'carer'],
      ['geofence.created', 'carer'],
      ['geofence.deleted', 'carer'],
    ]);
  });
});

describe('notification preferences', () => {
  it('start as every kind by email; a carer chooses kinds and a text message, and is told accordingly', async () => {
    const mum = await t.createWearer({ name: 'Mum' });
    const device = await deviceOf(mum.id);
    const texted = await carerOf(mum.id);
    const emailed = await carerOf(mum.id);

    const defaults = await t.api('GET', '/api/my/preferences', undefined, texted.token);
    expect(defaults.body).toEqual({
      email: texted.email,
      preferences: { channel: 'email', phone: null, kinds: ['help', 'missed_check', 'safe_zone', 'device', 'battery'] },
    });

    const noPhone = await t.api(
      'PUT',
      '/api/my/preferences',
      { channel: 'sms', phone: null, kinds: ['help'] },
      texted.token,
    );
    expect(noPhone.body.error.details).toEqual([{ field: 'phone', message: 'a text message needs a phone number' }]);
    const unknownKind = await t.api(
      'PUT',
      '/api/my/preferences',
      { channel: 'email', phone: null, kinds: ['duress'] },
      texted.token,
    );
    expect(unknownKind.status).toBe(400);

    const saved = await t.api(
      'PUT',
      '/api/my/preferences',
      { channel: 'sms', phone: '+44 7700 900123', kinds: ['help'] },
      texted.token,
    );
    expect(saved.body.preferences).toEqual({ channel: 'sms', phone: '+44 7700 900123', kinds: ['help'] });
    expect((await t.api('GET', '/api/my/preferences', undefined, texted.token)).body.preferences).toEqual(
      saved.body.preferences,
    );
    expect(await lastAudit(texted.id)).toMatchObject({ action: 'carer.preferences_updated' });

    await device.sendEvent('sos');
    await device.sendEvent('battery.low');
    await t.arc.idle();
    const told = await t.sql`
      select n.channel, n.recipient, a.type from notifications n join alarms a on a.id = n.alarm_id
      where a.wearer_id = ${mum.id} and n.audience = 'carer' order by n.id`;
    // The order among carers is not part of the contract.
    expect(told.map((n) => [n.type, n.channel, n.recipient]).sort()).toEqual(
      [
        ['sos', 'sms', '+44 7700 900123'],
        ['sos', 'email', emailed.email],
        ['battery.low', 'email', emailed.email],
      ].sort(),
    );
  });
});
