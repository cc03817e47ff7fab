// The SLA report against a real PostgreSQL: the store reads the worked day of
// api/rules/sla-sample-day.ts back, and GET /api/reports/sla serves it as JSON and CSV to
// supervisors and administrators only, with a 400 and a reason for a bad period.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportRoutes } from '../api/routes/report-routes.js';
import type { SlaAlarm } from '../api/rules/sla-report.js';
import { NOW, PERIOD, SAMPLE_DAY } from '../api/rules/sla-sample-day.js';
import { alarmsForReport } from '../api/store/sla-store.js';
import type { Role } from '../api/store/user-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
let app: FastifyInstance;
/** Sample name (e1, u3, …) → the alarm's id in the database, and back. */
const idOf = new Map<string, string>();
const nameOf = new Map<string, string>();
let inject: RouteTestApp['inject'];

async function insertSample(a: SlaAlarm): Promise<void> {
  const status = a.resolvedAt ? 'resolved' : a.acceptedAt ? 'accepted' : 'raised';
  const [row] = await db.sql<{ id: string }[]>`
    insert into alarms (device_id, type, priority, status, received_at, accepted_at, resolved_at, closure_code, verified, is_test, linked_to)
    values ('sla-device', ${a.type}, ${a.priority}, ${status}, ${a.receivedAt}, ${a.acceptedAt}, ${a.resolvedAt}, ${a.closureCode},
            ${a.verified}, ${a.isTest}, ${a.linkedTo ? idOf.get(a.linkedTo)! : null})
    returning id`;
  idOf.set(a.id, row.id);
  nameOf.set(row.id, a.id);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await db.sql`insert into devices (id, secret_hash) values ('sla-device', 'not-used')`;
  for (const alarm of SAMPLE_DAY) await insertSample(alarm);
  ({ app, inject } = await buildRouteTestApp(db, [reportRoutes], { deps: { now: () => NOW } }));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const get = (query: string, role: Role | null = 'supervisor') => inject(role, 'GET', `/api/reports/sla${query}`);

describe('alarmsForReport', () => {
  it('reads every alarm received in [from, to), test and linked ones too, with the times as stored', async () => {
    const rows = await alarmsForReport(db.sql, PERIOD.from, PERIOD.to);
    const asNamed = rows.map(({ organisationId: _o, passedToPolice: _p, ...r }) => ({
      ...r,
      id: nameOf.get(r.id),
      linkedTo: r.linkedTo && nameOf.get(r.linkedTo),
    }));
    const inPeriod = SAMPLE_DAY.filter((a) => a.id !== 'x1' && a.id !== 'x2');
    expect(asNamed).toHaveLength(inPeriod.length);
    expect(asNamed).toEqual(expect.arrayContaining(inPeriod));
    expect(rows.every((r) => r.receivedAt instanceof Date)).toBe(true);
  });

  it('keeps the bounds: from is in, to is out', async () => {
    const x2 = SAMPLE_DAY.find((a) => a.id === 'x2')!;
    expect(
      (await alarmsForReport(db.sql, x2.receivedAt, new Date(x2.receivedAt.getTime() + 1))).map((r) =>
        nameOf.get(r.id),
      ),
    ).toEqual(['x2']);
    expect(await alarmsForReport(db.sql, new Date(x2.receivedAt.getTime() - 1000), x2.receivedAt)).toEqual([]);
  });
});

describe('GET /api/reports/sla', () => {
  it('by default reports today (UTC midnight to now) as JSON, with the hand-worked figures', async () => {
    const response = await get('');
    expect(response.statusCode).toBe(200);
    const { report } = response.json();
    expect(report.period).toEqual({ from: '2025-03-10T00:00:00.000Z', to: '2025-03-10T02:00:00.000Z' });
    expect(report.asOf).toBe('2025-03-10T02:00:00.000Z');
    expect(report.excluded).toEqual({ test: 1, linked: 1 });
    expect(report.overall).toMatchObject({ alarms: 12, accepted: 9, unaccepted: 3, resolved: 8, breaches: 6 });
    expect(report.overall.shares.map((s: any) => [s.line, s.within, s.counted, s.pending, s.met])).toEqual([
      ['bs8484_10s', 2, 11, 1, false],
      ['bs8484_40s', 5, 11, 1, false],
      ['telecare_60s', 7, 11, 1, false],
      ['telecare_180s', 9, 11, 1, false],
    ]);
    expect(report.overall.acceptSeconds).toEqual({ count: 9, median: 30, p95: 100 });
    expect(report.overall.falseAlarms).toEqual({ count: 4, resolved: 8, rate: 0.5 });
    expect(report.breaches.map((b: any) => [nameOf.get(b.alarmId), b.secondsToAccept])).toEqual([
      ['r3', 100],
      ['e3', 12.5],
      ['e4', 45],
      ['u3', 61],
      ['r1', 'unaccepted'],
      ['e6', 'unaccepted'],
    ]);
  });

  it('period=month runs from the 1st of the month; from/to pick any period', async () => {
    expect((await get('?period=month')).json().report.period).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-10T02:00:00.000Z',
    });
    const dayBefore = (await get('?from=2025-03-09&to=2025-03-10')).json().report;
    expect(dayBefore.period).toEqual({ from: '2025-03-09T00:00:00.000Z', to: '2025-03-10T00:00:00.000Z' });
    // x1, one second before the day, is the only alarm then.
    expect(dayBefore.overall).toMatchObject({ alarms: 1, accepted: 1 });
    const offset = (
      await get(`?from=${encodeURIComponent('2025-03-10T01:00:00+01:00')}&to=2025-03-10T00:05:00Z`)
    ).json().report;
    expect(offset.period.from).toBe('2025-03-10T00:00:00.000Z');
    expect(offset.overall.alarms).toBe(3); // r3 at 0, e1 at 100 s, e2 at 200 s
  });

  it('as CSV: text/csv, a file name naming the period, the class rows then the breaches', async () => {
    const response = await get('?from=2025-03-10T00:00:00Z&to=2025-03-11T00:00:00Z&format=csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="sla-report_2025-03-10T000000Z_2025-03-11T000000Z.csv"',
    );
    const lines = response.body.split('\r\n');
    expect(lines[1]).toBe(
      'emergency,1,6,4,4,2,5,1,40.00,80.00,no,3,5,1,60.00,98.50,no,4,5,1,80.00,97.50,no,4,5,1,80.00,99.00,no,10,45,300,900,2,50.00,3',
    );
    expect(lines[4]).toMatch(/^overall,1-5,12,9,8,/);
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe('alarm_id,class,type,priority,received_at,target_s,seconds_to_accept');
    expect(lines.slice(7, -1).map((l) => nameOf.get(l.split(',')[0]))).toEqual(['r3', 'e3', 'e4', 'u3', 'r1', 'e6']);
  });

  it.each([
    // query, field named in the reason
    ['?from=yesterday', 'from'],
    ['?from=2025-02-30', 'from'],
    ['?to=2025-03-10T12:00:00', 'to'], // no zone
    ['?from=2025-03-10T01:00:00Z&to=2025-03-10T00:00:00Z', 'from'],
    ['?from=2025-03-10&to=2025-03-10', 'from'],
    ['?from=2025-03-11', 'from'], // after now, to defaulting to now
    ['?period=week', 'period'],
    ['?period=today&from=2025-03-01', 'period'],
    ['?format=xml', 'format'],
    ['?from=2024-01-01&to=2025-03-01', 'to'], // more than 366 days
  ])('%s is a 400 naming %s', async (query, field) => {
    const response = await get(query);
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('ARC_ERR_VALIDATION');
    expect(error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(error.message).toContain(field);
  });

  it.each([
    [null, 401, 'ARC_ERR_AUTH_REQUIRED'],
    ['operator', 403, 'ARC_ERR_FORBIDDEN'],
    ['carer', 403, 'ARC_ERR_FORBIDDEN'],
    ['supervisor', 200, null],
    ['administrator', 200, null],
  ] as const)('%s gets %i', async (role, status, code) => {
    const response = await get('?format=csv', role);
    expect(response.statusCode).toBe(status);
    if (code) expect(response.json().error.code).toBe(code);
  });
});
