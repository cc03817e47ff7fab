// The overnight insight rollup and the staff presence sample, run by the ARC's own clock with time
// injected (docs/guides/insight.md): closed days and nights are built by themselves, in batches, after
// local midnight, once across nodes; night-time activity away from home is counted from the fixes;
// staff on a console are counted minute by minute and set beside the operators needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightRollupPass } from '../api/clock/insight-rollup-sweep.js';
import { ROLLUP_LOCK } from '../api/store/insight-rollup.js';
import { recordPresenceMinute } from '../api/store/staff-presence-store.js';
import { ADMIN, connected, startTestArc, type TestArc } from './support/test-arc.js';

// Monday 2 March 2026, noon in London (UTC in winter): days before 28 February are closed.
let clock = new Date('2026-03-02T12:00:00Z');
let t: TestArc;
let walker = '';
let homebody = '';
const NIGHT = { from: 22, to: 6 };
const HOME = { lat: 51.5, lon: -0.1 };
const AWAY = { lat: 51.509, lon: -0.1 }; // 1 km north

/** Ticks until the rollup has nothing left to build at this time (a pass per tick, small batches). */
async function tickUntilSettled(ticks = 60): Promise<void> {
  for (let i = 0; i < ticks; i += 1) await t.arc.clock.tick();
}

async function fix(deviceId: string, iso: string, at: { lat: number; lon: number }, acc = 10): Promise<void> {
  await t.sql`insert into fixes (device_id, ts, received_at, lat, lon, acc) values (${deviceId}, ${Date.parse(iso)}, ${iso}, ${at.lat}, ${at.lon}, ${acc})`;
}

async function resolvedAlarm(deviceId: string, wearerId: string, iso: string, status = 'resolved'): Promise<void> {
  const received = new Date(iso);
  await t.sql`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, resolved_at)
    values (${deviceId}, ${wearerId}, 'sos', 1, ${status}, ${received}, ${new Date(received.getTime() + 8000)},
            ${status === 'resolved' ? new Date(received.getTime() + 300_000) : null})`;
}

beforeAll(async () => {
  t = await startTestArc({ ARC_INSIGHT_NIGHT_HOURS: '22-06' }, { now: () => clock });
  walker = (await t.createWearer({ name: 'Night Walker', profile: 'dementia' })).id;
  homebody = (await t.createWearer({ name: 'Homebody', profile: 'older_person' })).id;
  const noZone = (await t.createWearer({ name: 'No Zone Yet', profile: 'older_person' })).id;
  const devices: Record<string, string> = {};
  for (const [name, id] of Object.entries({ walker, homebody, noZone }))
    devices[name] = (await t.provisionDevice({ wearerId: id })).deviceId;
  for (const id of [walker, homebody]) {
    const res = await t.api('POST', `/api/wearers/${id}/geofences`, {
      name: 'Home',
      kind: 'safe',
      shape: { type: 'circle', ...HOME, radiusM: 150 },
    });
    expect(res.status).toBe(201);
  }
  // The walker: out at 23:30 and 01:30 on the nights of 20 and 24 February; out by day on the
  // 21st (not night-time); home at night on the 22nd; a vague fix (accuracy 2 km) on the 23rd.
  await fix(devices.walker, '2026-02-20T23:30:00Z', AWAY);
  await fix(devices.walker, '2026-02-21T01:30:00Z', AWAY);
  await fix(devices.walker, '2026-02-21T14:00:00Z', AWAY);
  await fix(devices.walker, '2026-02-22T23:30:00Z', HOME);
  await fix(devices.walker, '2026-02-23T23:30:00Z', AWAY, 2000);
  await fix(devices.walker, '2026-02-24T23:30:00Z', AWAY);
  // The night of 1 March is not closed yet at noon on 2 March.
  await fix(devices.walker, '2026-03-01T23:30:00Z', AWAY);
  await fix(devices.homebody, '2026-02-20T23:30:00Z', HOME);
  // Without a safe zone home is unknown: never away.
  await fix(devices.noZone, '2026-02-20T23:30:00Z', AWAY);
  await resolvedAlarm(devices.homebody, homebody, '2026-02-10T09:00:00Z');
  await resolvedAlarm(devices.homebody, homebody, '2026-02-20T09:00:00Z');
  // Still open: its day waits.
  await resolvedAlarm(devices.homebody, homebody, '2026-02-25T09:00:00Z', 'accepted');
});
afterAll(async () => {
  await t?.close();
});

const builtDays = async () =>
  (await t.sql<{ d: string }[]>`select to_char(local_date, 'YYYY-MM-DD') as d from insight_rollup_days order by 1`).map(
    (r) => r.d,
  );

describe('the overnight rollup', () => {
  it('builds closed days and nights by itself on the clock, so the views read prebuilt rows', async () => {
    expect(await builtDays()).toEqual([]);
    await tickUntilSettled();
    const days = await builtDays();
    // From the first alarm's day to the last closed day, except the day with an alarm still open.
    expect(days[0]).toBe('2026-02-10');
    expect(days.at(-1)).toBe('2026-02-27');
    expect(days).not.toContain('2026-02-25');
    expect(days).not.toContain('2026-02-28');
    const [hour] =
      await t.sql`select arrivals, within10 from insight_hour_rollup where local_date = '2026-02-20' and local_hour = 9`;
    expect(hour).toMatchObject({ arrivals: 1, within10: 1 });
    const nights =
      await t.sql`select to_char(night_date, 'YYYY-MM-DD') as night, wearer_id, night_fixes, away_fixes from insight_night_away order by 1`;
    expect(nights).toEqual([
      { night: '2026-02-20', wearerId: walker, nightFixes: 2, awayFixes: 2 },
      { night: '2026-02-24', wearerId: walker, nightFixes: 1, awayFixes: 1 },
    ]);
    const [builds] =
      await t.sql`select count(*)::int as n, count(completed_at)::int as done, to_char(max(night_date), 'YYYY-MM-DD') as newest from insight_night_builds`;
    expect(builds.n).toBe(builds.done);
    expect(builds.newest).toBe('2026-02-27');
  });

  it('builds the next day after local midnight, and nothing twice', async () => {
    const device = (await t.sql<{ id: string }[]>`select id from devices where wearer_id = ${homebody}`)[0].id;
    await resolvedAlarm(device, homebody, '2026-02-28T09:00:00Z');
    clock = new Date('2026-03-02T23:30:00Z');
    await tickUntilSettled(3);
    expect(await builtDays()).not.toContain('2026-02-28');
    clock = new Date('2026-03-03T00:05:00Z'); // local midnight has passed: 28 February is closed
    await tickUntilSettled(3);
    expect(await builtDays()).toContain('2026-02-28');
    const [counts] =
      await t.sql`select count(*)::int as rows, count(distinct (local_date, local_hour, organisation_id, type))::int as keys from insight_hour_rollup`;
    expect(counts.rows).toBe(counts.keys);
    const [night] = await t.sql`select count(*)::int as n from insight_night_away where night_date = '2026-03-01'`;
    expect(night.n).toBe(0); // the night of 1 March closes a day later
  });

  it('builds on one node at a time: a pass finding the lock held does nothing', async () => {
    const pass = await t.sql.begin(async (holder) => {
      await holder`select pg_advisory_xact_lock(${ROLLUP_LOCK})`;
      return t.sql.begin((other) =>
        insightRollupPass(other, { timeZone: 'Europe/London', night: NIGHT }, new Date('2026-03-10T12:00:00Z')),
      );
    });
    expect(pass).toEqual({ ran: false, days: [], night: null });
  });

  it('puts the nights away into the early-help review signals', async () => {
    t.adminToken = await t.login(ADMIN.email, ADMIN.password); // the clock moved past the session's life
    const res = await t.api('GET', `/api/insight/review/${walker}?month=2026-02`);
    expect(res.status).toBe(200);
    expect(res.body.months.at(-1)).toMatchObject({ month: '2026-02', night_away: 2 });
    const list = await t.api('GET', '/api/insight/review?month=2026-02');
    expect(list.body.nightsBuiltThrough).toBe('2026-02-28');
  });
});

describe('staff on shift', () => {
  it('counts staff on a console each minute, once however many nodes sample, beside the operators needed', async () => {
    clock = new Date('2026-03-09T10:00:00Z');
    t.adminToken = await t.login(ADMIN.email, ADMIN.password);
    const operator = await t.createUser('operator');
    const socket = t.operatorSocket(operator.token);
    await connected(socket);
    try {
      // Monday 9 March, 10:00 London: two minutes on a console (a second tick in a minute adds nothing).
      for (const at of ['2026-03-09T10:00:10Z', '2026-03-09T10:00:50Z', '2026-03-09T10:01:05Z']) {
        clock = new Date(at);
        await t.arc.clock.tick();
      }
      // Another node taking the same minute's sample adds nothing either.
      await recordPresenceMinute(t.sql, [operator.id], new Date('2026-03-09T10:01:00Z'));
      const [row] = await t.sql`select minutes from staff_presence_hours where user_id = ${operator.id}`;
      expect(row.minutes).toBe(2);
      const res = await t.api('GET', '/api/insight/staffing?weeks=1');
      expect(res.status).toBe(200);
      expect(new Date(res.body.staffRecordedSince).toISOString()).toBe('2026-03-09T10:00:00.000Z');
      const monday10 = res.body.rows.find((r: { day: number; hour: number }) => r.day === 1 && r.hour === 10);
      expect(monday10.staffOnShift).toBeCloseTo(2 / 60, 2);
      const monday11 = res.body.rows.find((r: { day: number; hour: number }) => r.day === 1 && r.hour === 11);
      expect(monday11.staffOnShift).toBe(0);
      const csv = await fetch(`${t.httpUrl}/api/insight/staffing?weeks=1&format=csv`, {
        headers: { authorization: `Bearer ${t.adminToken}` },
      });
      expect((await csv.text()).split('\r\n')[0]).toContain('operators_seen,staff_on_shift,within_10s');
    } finally {
      socket.disconnect();
    }
  });
});
