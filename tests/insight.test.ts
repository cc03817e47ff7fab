// The insight routes against a real PostgreSQL with a seeded history: every Monday 09:00–10:00
// six alarms from organisation A's older people (so 6 an hour in that slot, handled in 300 s),
// and organisation B's wearers with planted monthly signals for the early-help review list.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insightRoutes } from '../api/routes/insight-routes.js';
import { closedBeforeDate } from '../api/store/insight-rollup.js';
import { buildNightBatch, nextNightToBuild } from '../api/store/night-away-store.js';
import { offeredErlangs, operatorsNeeded, STAFFING_TARGETS } from '../api/rules/erlang-c.js';
import type { Role } from '../api/store/user-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// A Monday morning; the default review month is February 2026 (London is on UTC in winter).
const NOW = new Date('2026-03-02T12:00:00Z');
let db: TestDatabase;
let app: FastifyInstance;
let t: RouteTestApp;
const ids: Record<string, string> = {};
let orgA = '';
let orgB = '';

async function wearer(name: string, profile: string, org: string): Promise<string> {
  const [row] = await db.sql<{ id: string }[]>`
    insert into wearers (name, profile, organisation_id, created_at) values (${name}, ${profile}, ${org}, '2025-01-01T00:00:00Z') returning id`;
  return row.id;
}

async function alarm(
  wearerId: string,
  type: string,
  at: string,
  acceptS: number | null = 5,
  handleS: number | null = 300,
  closure: string | null = null,
): Promise<void> {
  const received = new Date(at);
  const accepted = acceptS === null ? null : new Date(received.getTime() + acceptS * 1000);
  const resolved = accepted && handleS !== null ? new Date(accepted.getTime() + handleS * 1000) : null;
  await db.sql`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, accepted_by, resolved_at, closure_code)
    values ('insight-dev', ${wearerId}, ${type}, 2, ${resolved ? 'resolved' : accepted ? 'accepted' : 'raised'}, ${received}, ${accepted},
            ${accepted ? t.users.operator.id : null}, ${resolved}, ${closure})`;
}

const months = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const d = new Date(`${from}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + i);
    return d.toISOString().slice(0, 7);
  });

beforeAll(async () => {
  db = await createTestDatabase();
  t = await buildRouteTestApp(db, [insightRoutes], { deps: { now: () => NOW } });
  app = t.app;
  [{ id: orgA }, { id: orgB }] = await db.sql<
    { id: string }[]
  >`insert into organisations (name) values ('Housing A'), ('Care B') returning id`;
  await db.sql`insert into devices (id, secret_hash) values ('insight-dev', 'not-used')`;
  const older: string[] = [];
  for (let i = 0; i < 20; i += 1) older.push(await wearer(`Older ${i}`, 'older_person', orgA));
  // Twelve Mondays, 2025-12-15 … 2026-03-02 (today), 09:00, 09:10 … 09:50; the i-th answered in
  // 5(i+1) s. The days before 2026-02-28 are read from the rollups, except 2026-02-23, which has
  // an alarm still open (the test alarm below), and the last two days: those are read from the alarms.
  for (let week = 0; week < 12; week += 1) {
    const monday = new Date(Date.parse('2025-12-15T09:00:00Z') + week * 7 * 86_400_000);
    for (let i = 0; i < 6; i += 1)
      await alarm(
        older[(week + i) % 20],
        'sos',
        new Date(monday.getTime() + i * 600_000).toISOString(),
        5 * (i + 1),
        300,
      );
  }
  // A test alarm and a linked repeat in the slot are not demand.
  await db.sql`
    insert into alarms (device_id, wearer_id, type, priority, received_at, is_test)
    values ('insight-dev', ${older[0]}, 'sos', 1, '2026-02-23T09:05:00Z', true)`;
  await db.sql`
    insert into alarms (device_id, wearer_id, type, priority, received_at, linked_to)
    select 'insight-dev', wearer_id, 'sos', 1, received_at + interval '20 seconds', id from alarms
    where received_at = '2026-02-23T09:00:00Z'`;

  ids.rising = await wearer('Rising Falls', 'dementia', orgB);
  ids.steady = await wearer('Steady Falls', 'dementia', orgB);
  ids.night = await wearer('Night Walker', 'dementia', orgB);
  ids.quiet = await wearer('Quiet', 'dementia', orgB);
  for (const m of months('2025-02', 12)) {
    await alarm(ids.rising, 'fall', `${m}-10T12:00:00Z`);
    for (let i = 0; i < 3; i += 1) await alarm(ids.steady, 'fall', `${m}-1${i}T12:00:00Z`);
    // Safe-zone alarms are not the night signal (it is counted from the fixes): these count nothing.
    for (let i = 0; i < 6; i += 1) await alarm(ids.night, 'geofence.left', `${m}-1${i}T23:30:00Z`);
  }
  for (let i = 0; i < 9; i += 1) await alarm(ids.rising, 'fall', `2026-02-1${i}T12:00:00Z`);
  for (let i = 0; i < 3; i += 1) await alarm(ids.steady, 'fall', `2026-02-1${i}T12:00:00Z`);
  // The night walker's fixes: home is a 150 m safe zone. In February, every afternoon of the 10th
  // to 19th out 1 km (day: not night-time activity), and on six nights out at 23:30 and 00:30;
  // on two more nights at home. Then the nights are rolled up as the overnight sweep does.
  await db.sql`insert into devices (id, secret_hash, wearer_id) values ('night-dev', 'not-used', ${ids.night})`;
  await db.sql`insert into geofences (wearer_id, name, kind, shape) values (${ids.night}, 'Home', 'safe', ${db.sql.json({ type: 'circle', lat: 51.5, lon: -0.1, radiusM: 150 })})`;
  const fixAt = (iso: string, away: boolean) => db.sql`
    insert into fixes (device_id, ts, received_at, lat, lon, acc) values ('night-dev', ${Date.parse(iso)}, ${iso}, ${away ? 51.509 : 51.5}, -0.1, 10)`;
  for (let i = 0; i < 10; i += 1) await fixAt(`2026-02-1${i}T14:00:00Z`, true);
  for (let i = 0; i < 6; i += 1) {
    await fixAt(`2026-02-1${i}T23:30:00Z`, true);
    await fixAt(`2026-02-1${i + 1}T00:30:00Z`, true);
  }
  for (const d of ['2026-02-17', '2026-02-18']) await fixAt(`${d}T23:30:00Z`, false);
  const scope = { timeZone: 'Europe/London', hours: { from: 22, to: 6 } };
  for (
    let next = await nextNightToBuild(db.sql, scope, closedBeforeDate(NOW, scope.timeZone));
    next;
    next = await nextNightToBuild(db.sql, scope, closedBeforeDate(NOW, scope.timeZone))
  ) {
    await buildNightBatch(db.sql, scope, next.night, next.afterWearer, NOW);
  }
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const get = (url: string, role: Role | null = 'supervisor') => t.inject(role, 'GET', url);

describe('who may see insight', () => {
  const urls = [
    '/api/insight/arrivals',
    '/api/insight/response-times',
    '/api/insight/forecast',
    '/api/insight/staffing',
    '/api/insight/review',
  ];
  it.each(urls)('%s: supervisors and administrators only; carers and operators are refused', async (url) => {
    expect((await get(url, null)).statusCode).toBe(401);
    for (const role of ['carer', 'operator'] as const) {
      const res = await get(url, role);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('ARC_ERR_FORBIDDEN');
    }
    expect((await get(url, 'administrator')).statusCode).toBe(200);
  });
  it("a carer cannot record a review outcome or read a wearer's signals", async () => {
    expect(
      (
        await t.inject('carer', 'POST', `/api/insight/review/${ids.rising}/outcome`, {
          month: '2026-02',
          outcome: 'call_made',
        })
      ).statusCode,
    ).toBe(403);
    expect((await get(`/api/insight/review/${ids.rising}`, 'carer')).statusCode).toBe(403);
  });
});

describe('capacity', () => {
  it('counts arrivals by local hour of the week, by type, for one organisation', async () => {
    const res = await get(`/api/insight/arrivals?organisationId=${orgA}`);
    expect(res.json().cells).toEqual([{ day: 1, hour: 9, type: 'sos', count: 72 }]);
    // Read from both paths: closed days from the rollups, the open day and the last two from the alarms.
    const built = (
      await db.sql<{ d: string }[]>`select to_char(local_date, 'YYYY-MM-DD') as d from insight_rollup_days order by 1`
    ).map((r) => r.d);
    expect(built).toContain('2026-02-16');
    expect(built).not.toContain('2026-02-23');
    expect(built).not.toContain('2026-02-28');
    expect(built.at(-1)).toBe('2026-02-27');
    // A second read (all from the rollups now built) gives the same.
    expect((await get(`/api/insight/arrivals?organisationId=${orgA}`)).json().cells).toEqual([
      { day: 1, hour: 9, type: 'sos', count: 72 },
    ]);
    const csv = await get(`/api/insight/arrivals?organisationId=${orgA}&format=csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body).toBe('day,hour,type,alarms\r\n1,9,sos,72\r\n');
  });

  it('gives time to accept and handling time as distributions', async () => {
    const [sos] = (await get(`/api/insight/response-times?organisationId=${orgA}`)).json().types;
    // 12 each of 5, 10 … 30 s: nearest rank 36 of 72 is 15 s, rank 65 is 30 s. Buckets: up to
    // 10 s (5, 10), over 10 up to 20 (15, 20), over 20 up to 40 (25, 30).
    expect(sos.toAccept).toMatchObject({
      count: 72,
      p50: 15,
      p90: 30,
      p95: 30,
      max: 30,
      buckets: [24, 24, 24, 0, 0, 0, 0, 0, 0],
    });
    expect(sos.handling).toMatchObject({ count: 72, p50: 300, max: 300 });
    expect(sos.handling.buckets[2]).toBe(72); // 300 s: over 120 up to 300
    const csv = (await get(`/api/insight/response-times?organisationId=${orgA}&format=csv`)).body.split('\r\n');
    expect(csv[1]).toBe('sos,time_to_accept,72,15,30,30,30,24,24,24,0,0,0,0,0,0');
  });

  it('needs operators by Erlang C from the measured rate and handling time, beside those seen and the level achieved', async () => {
    const body = (await get(`/api/insight/staffing?organisationId=${orgA}`)).json();
    expect(body.meanHandleS).toBe(300);
    expect(body.rows).toHaveLength(168);
    const monday9 = body.rows.find((r: { day: number; hour: number }) => r.day === 1 && r.hour === 9);
    const a = offeredErlangs(6, 3600, 300);
    expect(monday9).toMatchObject({ arrivalsPerHour: 6, erlangs: 0.5, operatorsSeen: 1 });
    expect(monday9.needed).toEqual({
      bs8484: operatorsNeeded(a, 300, STAFFING_TARGETS[0].lines),
      tsa: operatorsNeeded(a, 300, STAFFING_TARGETS[1].lines),
    });
    expect(monday9.needed).toEqual({ bs8484: 3, tsa: 3 });
    expect(monday9.achieved.within10).toBeCloseTo(1 / 3, 6);
    expect(monday9.achieved.within40).toBe(1);
    const quiet = body.rows.find((r: { day: number; hour: number }) => r.day === 3 && r.hour === 3);
    expect(quiet).toMatchObject({ arrivalsPerHour: 0, needed: { bs8484: 0, tsa: 0 }, achieved: null });
    expect(body.peakCheck).toMatchObject({ day: 1, hour: 9, operators: 3 });
    expect(body.peakCheck.simulated.within10).toBeGreaterThan(0.9);
    // Every alarm in the slot is an SOS: one class, priority 1.
    expect(body.peakCheck.simulated.byPriority.map((p: { priority: number }) => p.priority)).toEqual([1]);
  });

  it("what if 10 more older people: half again the slot's alarms, one more operator", async () => {
    const body = (await get(`/api/insight/staffing?organisationId=${orgA}&addDevices=10&profile=older_person`)).json();
    expect(body.whatIf).toEqual({
      profile: 'older_person',
      addDevices: 10,
      wearersOfProfile: 20,
      extraAlarmsPerWeek: 3,
    });
    const monday9 = body.rows.find((r: { day: number; hour: number }) => r.day === 1 && r.hour === 9);
    expect(monday9).toMatchObject({
      arrivalsPerHour: 9,
      needed: { bs8484: 4, tsa: 4 },
      neededBefore: { bs8484: 3, tsa: 3 },
    });
    const csv = (
      await get(`/api/insight/staffing?organisationId=${orgA}&addDevices=10&profile=older_person&format=csv`)
    ).body.split('\r\n');
    expect(csv[0]).toBe(
      'day,hour,alarms_per_hour,erlangs,needed_bs8484,needed_tsa,needed_bs8484_now,needed_tsa_now,operators_seen,staff_on_shift,within_10s,within_40s,within_60s,within_180s',
    );
    // No console presence was ever recorded here: staff on shift is blank, not zero.
    expect(csv[10]).toBe('1,9,9,0.75,4,4,3,3,1,,0.3333,1,1,1');
  });

  it('refuses a what-if without a profile, or for a profile with nobody to learn from', async () => {
    expect((await get('/api/insight/staffing?addDevices=5')).statusCode).toBe(400);
    const res = await get(`/api/insight/staffing?organisationId=${orgA}&addDevices=5&profile=child`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/no wearers of profile child/);
  });

  it('forecasts the coming weeks with a band and says how it did on held-back weeks', async () => {
    const body = (await get(`/api/insight/forecast?organisationId=${orgA}`)).json();
    expect(body.available).toBe(true);
    expect(body.method).toBe('holt_winters_additive_168h');
    expect(body.hours).toHaveLength(2 * 168);
    // Monday 12:00 is step 1; next Monday 09:00 is the busy hour, 10:00 is not.
    expect(body.hours[165]).toMatchObject({ at: '2026-03-09T09:00:00.000Z' });
    expect(body.hours[165].mean).toBeGreaterThan(4);
    expect(body.hours[166].mean).toBeLessThan(1);
    expect(body.hours[165].high).toBeGreaterThanOrEqual(body.hours[165].mean);
    expect(body.backtest.heldBackWeeks).toBe(2);
    expect(body.recent).toHaveLength(2 * 168);
    const csv = (await get(`/api/insight/forecast?organisationId=${orgA}&format=csv`)).body.split('\r\n');
    expect(csv[0]).toBe('hour_utc,forecast_alarms,band_low,band_high');
    expect(csv).toHaveLength(2 * 168 + 2);
  });

  it('says when there is too little history for a forecast', async () => {
    expect((await get('/api/insight/forecast?weeks=3')).statusCode).toBe(400);
  });
});

describe('early-help review list', () => {
  it('lists the wearers whose signals rose beyond their own usual level, with the data behind it, and audits the view', async () => {
    const before = await db.sql`select count(*)::int as n from audit_log where action = 'insight.review_list.viewed'`;
    const body = (await get(`/api/insight/review?organisationId=${orgB}`)).json();
    expect(body.month).toBe('2026-02');
    const named = body.entries.map((e: { name: string }) => e.name);
    expect(named.sort()).toEqual(['Night Walker', 'Rising Falls']);
    const rising = body.entries.find((e: { name: string }) => e.name === 'Rising Falls');
    expect(rising.rises).toEqual([expect.objectContaining({ signal: 'falls', count: 9, usualPerMonth: 1, ratio: 9 })]);
    const night = body.entries.find((e: { name: string }) => e.name === 'Night Walker');
    // Six nights away in February, counted from the fixes; the afternoons away and the safe-zone
    // alarms at night (six a month, as usual) are not counted; the nights at home neither.
    const nights =
      await db.sql`select to_char(night_date, 'YYYY-MM-DD') as night, night_fixes, away_fixes from insight_night_away where wearer_id = ${ids.night} order by 1`;
    expect(nights).toEqual(
      ['10', '11', '12', '13', '14', '15'].map((d) => ({ night: `2026-02-${d}`, nightFixes: 2, awayFixes: 2 })),
    );
    expect(body.nightsBuiltThrough).toBe('2026-02-27');
    expect(night.rises).toEqual([expect.objectContaining({ signal: 'night_away', count: 6, usualPerMonth: 0 })]);
    expect(body.entries[0].score).toBeGreaterThanOrEqual(body.entries[1].score);
    const after = await db.sql`select count(*)::int as n from audit_log where action = 'insight.review_list.viewed'`;
    expect(after[0].n).toBe(before[0].n + 1);
  });

  it('shows one wearer month by month (audited), and the CSV', async () => {
    const body = (await get(`/api/insight/review/${ids.rising}?month=2026-02`)).json();
    expect(body.months).toHaveLength(13);
    expect(body.months[12]).toMatchObject({ month: '2026-02', falls: 9 });
    expect(body.months[0]).toMatchObject({ month: '2025-02', falls: 1 });
    const [audit] =
      await db.sql`select target from audit_log where action = 'insight.wearer_signals.viewed' order by id desc limit 1`;
    expect(audit.target).toBe(ids.rising);
    const csv = (await get(`/api/insight/review/${ids.rising}?month=2026-02&format=csv`)).body.split('\r\n');
    expect(csv[0]).toBe('month,falls,sos,no_motion,night_away,missed_checkins,false_alarms,low_battery,silent_device');
    expect(csv[13]).toBe('2026-02,9,0,0,0,0,0,0,0');
  });

  it("records a reviewer's outcome with what they were shown, audited, and the list shows it", async () => {
    const res = await t.inject('supervisor', 'POST', `/api/insight/review/${ids.rising}/outcome`, {
      month: '2026-02',
      outcome: 'referred_early_help',
      note: 'Spoke to daughter; OT referral',
    });
    expect(res.statusCode).toBe(201);
    const [row] =
      await db.sql`select outcome, note, shown, reviewer from early_help_reviews where wearer_id = ${ids.rising}`;
    expect(row).toMatchObject({
      outcome: 'referred_early_help',
      note: 'Spoke to daughter; OT referral',
      reviewer: t.users.supervisor.email,
    });
    expect(row.shown[0]).toMatchObject({ signal: 'falls', current: 9 });
    const [audit] =
      await db.sql`select actor, detail from audit_log where action = 'insight.review_outcome.recorded' and target = ${ids.rising}`;
    expect(audit.actor).toBe(t.users.supervisor.email);
    const entry = (await get(`/api/insight/review?organisationId=${orgB}`))
      .json()
      .entries.find((e: { name: string }) => e.name === 'Rising Falls');
    expect(entry.outcome).toMatchObject({ outcome: 'referred_early_help' });
    const csv = (await get(`/api/insight/review?organisationId=${orgB}&format=csv`)).body;
    expect(csv).toContain(',referred_early_help,');
  });

  it('refuses an outcome it does not know', async () => {
    const res = await t.inject('supervisor', 'POST', `/api/insight/review/${ids.rising}/outcome`, {
      month: '2026-02',
      outcome: 'sectioned',
    });
    expect(res.statusCode).toBe(400);
  });
});
