// Retention (issue 16, item 5): the clock's retention sweep purges routine location history after
// the organisation's period (default 90 days), keeps positions that are part of an alarm's trail,
// purges resolved alarms and the audit after theirs, and staff presence after what Insight reads,
// in batches, with time injected. The rows are written with times in the past of the ARC's
// (fixed) clock, as years of use would leave them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PURGE_BATCH, STAFF_PRESENCE_DAYS } from '../api/rules/retention-rules.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const NOW = Date.parse('2026-11-23T14:00:00Z');
let clock = NOW;
const now = () => new Date(clock);
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000);

beforeAll(async () => {
  t = await startTestArc({}, { now });
});
afterAll(async () => {
  await t?.close();
});

/** One pass of the clock a minute on (after a pass with no backlog, the sweep waits a minute). */
async function sweep() {
  clock += 61_000;
  await t.arc.clock.tick();
}

async function addFix(deviceId: string, receivedAt: Date, ts = receivedAt.getTime()) {
  const [row] = await t.sql<{ id: string }[]>`
    insert into fixes (device_id, ts, received_at, lat, lon) values (${deviceId}, ${ts}, ${receivedAt}, 51.5, -0.1) returning id`;
  return row.id;
}
const fixesLeft = async (ids: string[]) =>
  (await t.sql<{ id: string }[]>`select id from fixes where id = any(${ids}::bigint[]) order by id`).map((r) => r.id);

async function addAlarm(deviceId: string, wearerId: string | null, receivedAt: Date, resolvedAt: Date | null) {
  const [row] = await t.sql<{ id: string }[]>`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, resolved_at, closure_code)
    values (${deviceId}, ${wearerId}, 'sos', 1, ${resolvedAt ? 'resolved' : 'accepted'}, ${receivedAt}, ${resolvedAt}, ${resolvedAt ? 'false_alarm' : null})
    returning id`;
  return row.id;
}

describe('routine location history', () => {
  it('goes after 90 days by default; the trail of an alarm stays with it, open or resolved', async () => {
    const device = await t.provisionDevice();
    const old = await addFix(device.deviceId, daysAgo(91));
    const recent = await addFix(device.deviceId, daysAgo(89));
    // A resolved alarm 200 days ago: its trail runs from an hour before until it was resolved.
    const alarmAt = daysAgo(200);
    await addAlarm(device.deviceId, device.wearerId, alarmAt, new Date(alarmAt.getTime() + 30 * 60_000));
    const beforeTrail = await addFix(device.deviceId, new Date(alarmAt.getTime() - 2 * 3600_000));
    const inTrail = await addFix(device.deviceId, new Date(alarmAt.getTime() - 30 * 60_000));
    const duringAlarm = await addFix(device.deviceId, new Date(alarmAt.getTime() + 20 * 60_000));
    // Sent late (received after the closure) but timed by the device within the alarm: kept.
    const sentLate = await addFix(
      device.deviceId,
      new Date(alarmAt.getTime() + 5 * 3600_000),
      alarmAt.getTime() + 10 * 60_000,
    );
    const afterClosure = await addFix(device.deviceId, new Date(alarmAt.getTime() + 3600_000));
    // An alarm still open after 120 days keeps every fix since.
    const other = await t.provisionDevice();
    const openAt = daysAgo(120);
    await addAlarm(other.deviceId, other.wearerId, openAt, null);
    const sinceOpen = await addFix(other.deviceId, daysAgo(110));
    const beforeOpen = await addFix(other.deviceId, daysAgo(121));

    await sweep();
    expect(
      await fixesLeft([old, recent, beforeTrail, inTrail, duringAlarm, sentLate, afterClosure, sinceOpen, beforeOpen]),
    ).toEqual([recent, inTrail, duringAlarm, sentLate, sinceOpen].sort((a, b) => Number(a) - Number(b)));
  });

  it("follows the wearer's organisation's period, and the wearer who had the device at the time", async () => {
    const org = (await t.api('POST', '/api/organisations', { name: 'Short Keepers' })).body.organisation;
    expect((await t.api('PATCH', `/api/organisations/${org.id}`, { locationRetentionDays: 30 })).status).toBe(200);
    const kept = await t.createWearer(); // no organisation: 90 days
    const short = await t.createWearer({ organisationId: org.id });
    const device = await t.provisionDevice({ wearerId: kept.id });
    const keptFix = await addFix(device.deviceId, daysAgo(45));
    // The device goes to a wearer of the organisation that keeps 30 days: the earlier fixes stay
    // the first wearer's, and keep their 90 days.
    expect((await t.api('PATCH', `/api/devices/${device.deviceId}`, { wearerId: short.id })).status).toBe(200);
    const shortFix = await addFix(device.deviceId, daysAgo(45));
    const shortRecent = await addFix(device.deviceId, daysAgo(29));

    await sweep();
    expect(await fixesLeft([keptFix, shortFix, shortRecent])).toEqual([keptFix, shortRecent]);
  });

  it(`deletes in batches of ${PURGE_BATCH} a pass, so a backlog goes over several passes, a second apart`, async () => {
    const device = await t.provisionDevice();
    await t.sql`insert into fixes (device_id, ts, received_at, lat, lon)
                select ${device.deviceId}, ${daysAgo(100).getTime()}::bigint + n, ${daysAgo(100)}, 51.5, -0.1 from generate_series(1, ${2 * PURGE_BATCH + 400}) n`;
    const left = async () =>
      (await t.sql<{ n: number }[]>`select count(*)::int as n from fixes where device_id = ${device.deviceId}`)[0].n;
    await sweep();
    expect(await left()).toBe(PURGE_BATCH + 400);
    // With a backlog, the next tick a quarter of a second on does nothing; a second on, a pass.
    clock += 250;
    await t.arc.clock.tick();
    expect(await left()).toBe(PURGE_BATCH + 400);
    clock += 1000;
    await t.arc.clock.tick();
    expect(await left()).toBe(400);
    await sweep();
    expect(await left()).toBe(0);
  });

  it('device events that raised no alarm go with the location history; an alarm keeps its events', async () => {
    const device = await t.provisionDevice();
    const alarmId = await addAlarm(device.deviceId, device.wearerId, daysAgo(300), daysAgo(300));
    await t.sql`insert into events (device_id, event_key, type, ts, received_at, payload, alarm_id) values
      (${device.deviceId}, 'routine-old', 'checkin', 1, ${daysAgo(91)}, '{}', null),
      (${device.deviceId}, 'routine-new', 'checkin', 2, ${daysAgo(10)}, '{}', null),
      (${device.deviceId}, 'sos-old', 'sos', 3, ${daysAgo(300)}, '{}', ${alarmId})`;
    await sweep();
    const keys = (
      await t.sql<{ eventKey: string }[]>`select event_key from events where device_id = ${device.deviceId} order by id`
    ).map((r) => r.eventKey);
    expect(keys).toEqual(['routine-new', 'sos-old']);
  });
});

describe('staff presence', () => {
  it(`goes after ${STAFF_PRESENCE_DAYS} days (as far back as Insight's staffing table looks, and a week), for every member of staff`, async () => {
    const operator = await t.createUser('operator');
    const supervisor = await t.createUser('supervisor');
    const hourOf = (date: Date) => new Date(Math.floor(date.getTime() / 3600_000) * 3600_000);
    const old = hourOf(daysAgo(STAFF_PRESENCE_DAYS + 1));
    const kept = hourOf(daysAgo(STAFF_PRESENCE_DAYS - 1));
    for (const userId of [operator.id, supervisor.id])
      await t.sql`insert into staff_presence_hours (hour_start, user_id, minutes, last_minute) values
        (${old}, ${userId}, 60, ${old}), (${kept}, ${userId}, 45, ${kept})`;
    await sweep();
    const left = await t.sql<{ userId: string; hourStart: Date }[]>`
      select user_id, hour_start from staff_presence_hours
      where user_id in (${operator.id}, ${supervisor.id}) order by user_id, hour_start`;
    expect(left.map((r) => r.hourStart.getTime())).toEqual([kept.getTime(), kept.getTime()]);
  });
});

describe('alarms and the audit', () => {
  it('resolved alarms go after 7 years with their actions, events and notifications; open ones never', async () => {
    const device = await t.provisionDevice();
    const expired = await addAlarm(device.deviceId, device.wearerId, daysAgo(2558), daysAgo(2558));
    const kept = await addAlarm(device.deviceId, device.wearerId, daysAgo(2550), daysAgo(2550));
    const openForever = await addAlarm(device.deviceId, device.wearerId, daysAgo(3000), null);
    // Resolved within the period of the open alarm's device, not this one's.
    await t.sql`update alarms set device_id = ${(await t.provisionDevice()).deviceId} where id = ${openForever}`;
    await t.sql`insert into alarm_actions (alarm_id, at, actor, kind) values (${expired}, ${daysAgo(2558)}, 'x', 'accepted')`;
    await t.sql`insert into notifications (alarm_id, channel, recipient, audience, body, created_at, next_attempt_at)
                values (${expired}, 'sms', '+447700900000', 'contact', 'help', ${daysAgo(2558)}, ${daysAgo(2558)})`;
    await t.sql`insert into events (device_id, event_key, type, ts, received_at, payload, alarm_id)
                values (${device.deviceId}, 'sos-expired', 'sos', 1, ${daysAgo(2558)}, '{}', ${expired})`;
    await t.sql`update alarms set linked_to = ${expired} where id = ${kept}`;
    const trailFix = await addFix(device.deviceId, daysAgo(2558));

    await sweep();
    const left = (
      await t.sql<{ id: string }[]>`select id from alarms where id in (${expired}, ${kept}, ${openForever})`
    )
      .map((r) => r.id)
      .sort();
    expect(left).toEqual([kept, openForever].sort());
    expect(await t.sql`select 1 from alarm_actions where alarm_id = ${expired}`).toHaveLength(0);
    expect(await t.sql`select 1 from notifications where recipient = '+447700900000'`).toHaveLength(0);
    expect(await t.sql`select 1 from events where event_key = 'sos-expired'`).toHaveLength(0);
    // Its trail is routine history now, and went in the same pass.
    expect(await fixesLeft([trailFix])).toEqual([]);
  });

  it("an organisation's alarm period applies to its wearers' alarms", async () => {
    const org = (await t.api('POST', '/api/organisations', { name: 'Two Year Keepers' })).body.organisation;
    expect((await t.api('PATCH', `/api/organisations/${org.id}`, { alarmRetentionDays: 730 })).status).toBe(200);
    const wearer = await t.createWearer({ organisationId: org.id });
    const device = await t.provisionDevice({ wearerId: wearer.id });
    const expired = await addAlarm(device.deviceId, wearer.id, daysAgo(731), daysAgo(731));
    const kept = await addAlarm(device.deviceId, wearer.id, daysAgo(700), daysAgo(700));
    await sweep();
    expect(
      (await t.sql<{ id: string }[]>`select id from alarms where id in (${expired}, ${kept})`).map((r) => r.id),
    ).toEqual([kept]);
  });

  it('an alarm keeps the period of the organisation it was raised in after its wearer moves', async () => {
    const brief = (await t.api('POST', '/api/organisations', { name: 'One Year Keepers' })).body.organisation;
    expect((await t.api('PATCH', `/api/organisations/${brief.id}`, { alarmRetentionDays: 365 })).status).toBe(200);
    const long = (await t.api('POST', '/api/organisations', { name: 'Ten Year Keepers' })).body.organisation;
    expect((await t.api('PATCH', `/api/organisations/${long.id}`, { alarmRetentionDays: 3650 })).status).toBe(200);
    // Raised 400 days ago while each wearer was in their first organisation (the trigger stamps it).
    const leaver = await t.createWearer({ organisationId: brief.id });
    const leaverDevice = await t.provisionDevice({ wearerId: leaver.id });
    const raisedInBrief = await addAlarm(leaverDevice.deviceId, leaver.id, daysAgo(400), daysAgo(400));
    const joiner = await t.createWearer({ organisationId: long.id });
    const joinerDevice = await t.provisionDevice({ wearerId: joiner.id });
    const raisedInLong = await addAlarm(joinerDevice.deviceId, joiner.id, daysAgo(400), daysAgo(400));
    // Then each moves to the other organisation; their alarms stay where they were raised.
    expect((await t.api('PATCH', `/api/wearers/${leaver.id}`, { organisationId: long.id })).status).toBe(200);
    expect((await t.api('PATCH', `/api/wearers/${joiner.id}`, { organisationId: brief.id })).status).toBe(200);
    const owners = await t.sql<
      { id: string; organisationId: string }[]
    >`select id, organisation_id from alarms where id in (${raisedInBrief}, ${raisedInLong})`;
    expect(Object.fromEntries(owners.map((r) => [r.id, r.organisationId]))).toEqual({
      [raisedInBrief]: brief.id,
      [raisedInLong]: long.id,
    });

    await sweep();
    // One year for the alarm raised in the one-year organisation (its wearer now keeps ten);
    // ten years for the one raised in the ten-year organisation (its wearer now keeps one).
    expect(
      (await t.sql<{ id: string }[]>`select id from alarms where id in (${raisedInBrief}, ${raisedInLong})`).map(
        (r) => r.id,
      ),
    ).toEqual([raisedInLong]);
  });

  it('an ARC-wide audit entry goes after the longest period any organisation set (7 years by default)', async () => {
    await t.sql`insert into audit_log (at, actor, action, target) values
      (${daysAgo(2558)}, 'old@test.arc', 'retention.test', 'old'), (${daysAgo(2500)}, 'new@test.arc', 'retention.test', 'new')`;
    await sweep();
    expect(
      (await t.sql<{ target: string }[]>`select target from audit_log where action = 'retention.test'`).map(
        (r) => r.target,
      ),
    ).toEqual(['new']);
    // An organisation that keeps its audit 10 years holds everything for 10 years.
    await t.sql`insert into audit_log (at, actor, action, target) values (${daysAgo(3000)}, 'x', 'retention.test', 'ten')`;
    expect(
      (await t.api('POST', '/api/organisations', { name: 'Ten Year Audit', auditRetentionDays: 3650 })).status,
    ).toBe(201);
    await sweep();
    expect(
      (await t.sql<{ target: string }[]>`select target from audit_log where action = 'retention.test' order by at`).map(
        (r) => r.target,
      ),
    ).toEqual(['ten', 'new']);
  });

  it("an organisation's own entries go after its own period; ARC-wide ones keep the longest", async () => {
    const oneYear = (await t.api('POST', '/api/organisations', { name: 'One Year Audit', auditRetentionDays: 365 }))
      .body.organisation;
    await t.sql`insert into audit_log (at, actor, action, target, organisation_id) values
      (${daysAgo(400)}, 'x', 'retention.own', 'theirs, past a year', ${oneYear.id}),
      (${daysAgo(300)}, 'x', 'retention.own', 'theirs, within a year', ${oneYear.id}),
      (${daysAgo(400)}, 'x', 'retention.own', 'ARC-wide', null)`;
    await t.sql`update audit_log set organisation_id = null where action = 'retention.own' and target = 'ARC-wide'`;
    await sweep();
    expect(
      (
        await t.sql<
          { target: string }[]
        >`select target from audit_log where action = 'retention.own' order by at, target`
      ).map((r) => r.target),
    ).toEqual(['ARC-wide', 'theirs, within a year']);
  });

  it("is never purged on the ARC's clock alone: entries are stamped by PostgreSQL's", async () => {
    // Stamped by PostgreSQL (the column's default), with the ARC's clock eleven years on: kept,
    // since the database's clock says it is new.
    await t.sql`insert into audit_log (actor, action, target) values ('x', 'retention.skew', 'stamped now')`;
    clock += 4000 * 86_400_000;
    try {
      await sweep();
    } finally {
      clock -= 4000 * 86_400_000;
    }
    expect(await t.sql`select 1 from audit_log where action = 'retention.skew'`).toHaveLength(1);
  });
});

describe("an organisation's retention settings", () => {
  it('have documented defaults, are validated, audited, and changed by administrators only', async () => {
    const created = await t.api('POST', '/api/organisations', { name: 'Default Keepers' });
    expect(created.body.organisation).toMatchObject({
      locationRetentionDays: 90,
      alarmRetentionDays: 2557,
      auditRetentionDays: 2557,
    });
    const id = created.body.organisation.id;
    for (const body of [
      { locationRetentionDays: 0 },
      { alarmRetentionDays: 364 },
      { auditRetentionDays: 40000 },
      { locationRetentionDays: 1.5 },
    ]) {
      const refused = await t.api('PATCH', `/api/organisations/${id}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('ARC_ERR_VALIDATION');
    }
    const supervisor = await t.createUser('supervisor');
    expect(
      (await t.api('PATCH', `/api/organisations/${id}`, { locationRetentionDays: 30 }, supervisor.token)).status,
    ).toBe(403);
    // A supervisor still changes the police details.
    expect((await t.api('PATCH', `/api/organisations/${id}`, { urn: 'URN-1' }, supervisor.token)).status).toBe(200);
    const changed = await t.api('PATCH', `/api/organisations/${id}`, { locationRetentionDays: 30 });
    expect(changed.body.organisation).toMatchObject({ locationRetentionDays: 30, alarmRetentionDays: 2557 });
    const [entry] =
      await t.sql`select detail from audit_log where action = 'organisation.updated' and target = ${id} order by id desc limit 1`;
    expect(entry.detail.before.locationRetentionDays).toBe(90);
    expect(entry.detail.after.locationRetentionDays).toBe(30);
  });
});
