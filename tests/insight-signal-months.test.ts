// The early-help review's monthly signals rollup (README "Insight"; api/store/signal-month-store.ts):
// the ARC's own clock builds closed months per wearer, once, after local midnight; a month with an
// alarm still open waits; the review reads the same figures from the rollup as from the alarms,
// and the current month from the alarms, so today's alarms count. Erasure takes a wearer's rows
// with them; the retention sweep's purge counts a wearer's months again. Time is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredAlarms } from '../api/store/retention-store.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';

// 30 June 2025, 23:30 in London (summer time, UTC+1): June closes at local midnight (23:00 UTC).
let clock = new Date('2025-06-30T22:30:00Z');
let t: TestArc;
let ada = '';
let ben = '';
let adaDevice = '';
let benDevice = '';
let benOpenAlarm = '';

async function alarm(
  deviceId: string,
  wearerId: string,
  type: string,
  iso: string,
  options: { open?: boolean; closure?: string; test?: boolean } = {},
): Promise<string> {
  const received = new Date(iso);
  const [row] = await t.sql<{ id: string }[]>`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, resolved_at, closure_code, is_test)
    values (${deviceId}, ${wearerId}, ${type}, 1, ${options.open ? 'accepted' : 'resolved'}, ${received}, ${new Date(received.getTime() + 8000)},
            ${options.open ? null : new Date(received.getTime() + 300_000)}, ${options.closure ?? null}, ${options.test ?? false})
    returning id`;
  return row.id;
}

/** Ticks the clock a few times at this time (each tick one pass: a batch of wearers of one month). */
async function ticks(n = 20): Promise<void> {
  for (let i = 0; i < n; i += 1) await t.arc.clock.tick();
}

const builtMonths = async () =>
  (
    await t.sql<
      { m: string }[]
    >`select to_char(month, 'YYYY-MM') as m from insight_signal_builds where completed_at is not null order by 1`
  ).map((r) => r.m);
const rowsOf = (wearerId: string) =>
  t.sql`select to_char(month, 'YYYY-MM') as month, falls, sos, no_motion, missed_checkins, false_alarms, low_battery, silent_device
        from insight_signal_months where wearer_id = ${wearerId} order by month`;
const page = async (wearerId: string, month: string) => {
  t.adminToken = await t.login(ADMIN.email, ADMIN.password); // the clock moves past sessions' life
  const res = await t.api('GET', `/api/insight/review/${wearerId}?month=${month}`);
  expect(res.status).toBe(200);
  return res.body.months as Record<string, string | number>[];
};

beforeAll(async () => {
  t = await startTestArc({ ARC_INSIGHT_TIME_ZONE: 'Europe/London' }, { now: () => clock });
  ada = (await t.createWearer({ name: 'Ada Signals', profile: 'older_person' })).id;
  ben = (await t.createWearer({ name: 'Ben Signals', profile: 'older_person' })).id;
  adaDevice = (await t.provisionDevice({ wearerId: ada })).deviceId;
  benDevice = (await t.provisionDevice({ wearerId: ben })).deviceId;
  await alarm(adaDevice, ada, 'fall', '2025-03-14T10:00:00Z');
  await alarm(adaDevice, ada, 'fall', '2025-04-02T10:00:00Z');
  await alarm(adaDevice, ada, 'battery.low', '2025-04-03T10:00:00Z');
  await alarm(adaDevice, ada, 'sos', '2025-06-03T10:00:00Z', { closure: 'false_accidental' });
  await alarm(adaDevice, ada, 'fall', '2025-06-10T10:00:00Z');
  // 23:30 on 30 June, London time: June.
  await alarm(adaDevice, ada, 'fall', '2025-06-30T22:30:00Z');
  // 00:30 on 1 July, London time (still 30 June in UTC): July.
  await alarm(adaDevice, ada, 'fall', '2025-06-30T23:30:00Z');
  // A test alarm counts nothing.
  await alarm(adaDevice, ada, 'fall', '2025-06-11T10:00:00Z', { test: true });
  await alarm(benDevice, ben, 'no_comm', '2025-04-20T10:00:00Z');
  // Still open: May waits.
  benOpenAlarm = await alarm(benDevice, ben, 'sos', '2025-05-05T10:00:00Z', { open: true });
  await alarm(benDevice, ben, 'sos', '2025-05-20T10:00:00Z');
});
afterAll(async () => {
  await t?.close();
});

describe('the monthly signals rollup', () => {
  let juneLive: Record<string, string | number>[] = [];

  it('builds closed months on the clock; a month with an alarm still open waits, and June waits for local midnight', async () => {
    juneLive = await page(ada, '2025-06'); // before any build: all counted from the alarms
    expect(juneLive.at(-1)).toMatchObject({ month: '2025-06', falls: 2, sos: 1, false_alarms: 1 });
    await ticks();
    expect(await builtMonths()).toEqual(['2025-03', '2025-04']);
    expect(await rowsOf(ada)).toEqual([
      {
        month: '2025-03',
        falls: 1,
        sos: 0,
        noMotion: 0,
        missedCheckins: 0,
        falseAlarms: 0,
        lowBattery: 0,
        silentDevice: 0,
      },
      {
        month: '2025-04',
        falls: 1,
        sos: 0,
        noMotion: 0,
        missedCheckins: 0,
        falseAlarms: 0,
        lowBattery: 1,
        silentDevice: 0,
      },
    ]);
    clock = new Date('2025-06-30T23:45:00Z'); // 00:45 on 1 July in London: June is closed
    await ticks();
    expect(await builtMonths()).toEqual(['2025-03', '2025-04', '2025-06']);
    // The alarm at 00:30 on 1 July, London time, is July's, not June's.
    expect((await rowsOf(ada)).at(-1)).toMatchObject({ month: '2025-06', falls: 2, sos: 1, falseAlarms: 1 });
  });

  it('gives the review the same figures from the rollup as from the alarms, and counts the current month from the alarms', async () => {
    expect(await page(ada, '2025-06')).toEqual(juneLive);
    // An alarm today (1 July, London time) counts at once in the current month.
    await alarm(adaDevice, ada, 'fall', '2025-06-30T23:40:00Z');
    const july = await page(ada, '2025-07');
    expect(july.at(-1)).toMatchObject({ month: '2025-07', falls: 2 });
    expect(july.find((m) => m.month === '2025-06')).toEqual(juneLive.at(-1));
  });

  it('builds each month once: more passes, and an hour on, change nothing', async () => {
    const before = await t.sql`select * from insight_signal_months order by month, wearer_id`;
    const builds = await t.sql`select * from insight_signal_builds order by month`;
    clock = new Date('2025-07-01T00:50:00Z');
    await ticks();
    expect(await t.sql`select * from insight_signal_months order by month, wearer_id`).toEqual(before);
    expect(await t.sql`select * from insight_signal_builds order by month`).toEqual(builds);
    const [keys] =
      await t.sql`select count(*)::int as rows, count(distinct (time_zone, month, wearer_id))::int as keys from insight_signal_months`;
    expect(keys.rows).toBe(keys.keys);
  });

  it('builds the waiting month once its last open alarm is resolved', async () => {
    await t.sql`update alarms set status = 'resolved', resolved_at = ${clock}, closure_code = 'false_equipment' where id = ${benOpenAlarm}`;
    clock = new Date('2025-07-01T01:55:00Z'); // the hourly look again
    await ticks();
    expect(await builtMonths()).toEqual(['2025-03', '2025-04', '2025-05', '2025-06']);
    expect(await rowsOf(ben)).toEqual([
      {
        month: '2025-04',
        falls: 0,
        sos: 0,
        noMotion: 0,
        missedCheckins: 0,
        falseAlarms: 0,
        lowBattery: 0,
        silentDevice: 1,
      },
      {
        month: '2025-05',
        falls: 0,
        sos: 2,
        noMotion: 0,
        missedCheckins: 0,
        falseAlarms: 1,
        lowBattery: 0,
        silentDevice: 0,
      },
    ]);
  });

  it("counts a wearer's months again when the retention sweep purges alarms of theirs", async () => {
    // Ben's organisation keeps alarms a year: on 10 May 2026, those before 10 May 2025 go.
    const [org] = await t.sql<
      { id: string }[]
    >`insert into organisations (name, alarm_retention_days) values ('Short Keep', 365) returning id`;
    await t.sql`update wearers set organisation_id = ${org.id} where id = ${ben}`;
    // An alarm keeps the period of the organisation it was raised in: Ben's were raised there.
    await t.sql`update alarms set organisation_id = ${org.id} where wearer_id = ${ben}`;
    let purged = 0;
    for (let n = -1; n !== 0; purged += n) n = await purgeExpiredAlarms(t.sql, new Date('2026-05-10T00:00:00Z'));
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await rowsOf(ben)).toEqual([
      {
        month: '2025-05',
        falls: 0,
        sos: 1,
        noMotion: 0,
        missedCheckins: 0,
        falseAlarms: 0,
        lowBattery: 0,
        silentDevice: 0,
      },
    ]);
    // Ada is in no organisation (the default period, seven years): hers stay.
    expect(await rowsOf(ada)).toHaveLength(3);
  });

  it('goes with the wearer when they are erased', async () => {
    t.adminToken = await t.login(ADMIN.email, ADMIN.password);
    expect((await rowsOf(ada)).length).toBeGreaterThan(0);
    const erased = await t.api('POST', `/api/wearers/${ada}/erase`, { confirmName: 'Ada Signals' });
    expect(erased.status).toBe(200);
    expect(await rowsOf(ada)).toEqual([]);
    expect((await rowsOf(ben)).length).toBe(1);
  });
});
