// The reports per organisation through the HTTP API on a real PostgreSQL: the BS 8484 monthly
// alarm statistics, the billing counts and the SLA report narrowed to one organisation, as JSON
// and CSV, with months that start and end at local midnight in ARC_REPORT_TIME_ZONE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let clock = new Date('2026-02-20T09:00:00Z');
const at = (iso: string) => new Date(iso);
const ids = { acme: '', bright: '', deviceAcme: '', deviceBright: '', deviceNone: '', deviceGone: '' };
// A name with a comma and quotes (CSV quoting) and one a spreadsheet would run as a formula.
const ACME = 'Acme, "Care" Ltd';
const BRIGHT = '=Bright Homes';

interface AlarmRow {
  deviceId: string;
  type: string;
  priority: number;
  receivedAt: Date;
  acceptedAfterS?: number;
  resolvedAfterS?: number;
  closureCode?: string;
  verified?: 'genuine' | 'false';
  isTest?: boolean;
  police?: boolean;
}

async function insertAlarm(a: AlarmRow): Promise<string> {
  const later = (s: number | undefined) => (s === undefined ? null : new Date(a.receivedAt.getTime() + s * 1000));
  const status = a.resolvedAfterS !== undefined ? 'resolved' : a.acceptedAfterS !== undefined ? 'accepted' : 'raised';
  const [row] = await t.sql<{ id: string }[]>`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, resolved_at, closure_code, verified, is_test)
    select ${a.deviceId}, d.wearer_id, ${a.type}, ${a.priority}, ${status}, ${a.receivedAt}, ${later(a.acceptedAfterS)}, ${later(a.resolvedAfterS)},
           ${a.closureCode ?? null}, ${a.verified ?? null}, ${a.isTest ?? false}
    from devices d where d.id = ${a.deviceId}
    returning id`;
  if (a.police) {
    await t.sql`insert into alarm_actions (alarm_id, at, actor, kind, detail) values (${row.id}, ${later(60)}, 'Op', 'passed_to_police', ${t.sql.json({ urn: 'X/1' })})`;
  }
  return row.id;
}

beforeAll(async () => {
  t = await startTestArc({ ARC_REPORT_TIME_ZONE: 'Europe/London' }, { now: () => clock });
  ids.acme = (await t.api('POST', '/api/organisations', { name: ACME })).body.organisation.id;
  ids.bright = (await t.api('POST', '/api/organisations', { name: BRIGHT })).body.organisation.id;
  // Provisioned in February: in service all of March.
  ids.deviceAcme = (
    await t.provisionDevice({ wearerId: (await t.createWearer({ organisationId: ids.acme })).id })
  ).deviceId;
  ids.deviceBright = (
    await t.provisionDevice({ wearerId: (await t.createWearer({ organisationId: ids.bright })).id })
  ).deviceId;
  ids.deviceNone = (await t.provisionDevice()).deviceId;
  ids.deviceGone = (
    await t.provisionDevice({ wearerId: (await t.createWearer({ organisationId: ids.acme })).id })
  ).deviceId;
  // Sessions end when idle: log in again after moving the clock.
  clock = at('2026-02-25T09:00:00Z');
  t.adminToken = await t.login(ADMIN.email, ADMIN.password);
  expect(
    (await t.api('POST', `/api/devices/${ids.deviceGone}/decommission`, { reason: 'lost in February' })).status,
  ).toBe(200);

  await insertAlarm({
    deviceId: ids.deviceAcme,
    type: 'sos',
    priority: 1,
    receivedAt: at('2026-03-05T10:00:00Z'),
    acceptedAfterS: 8,
    resolvedAfterS: 600,
    closureCode: 'genuine_police',
    verified: 'genuine',
  });
  // 22:59:59 UTC on 31 March is 23:59:59 BST: still March in London.
  await insertAlarm({
    deviceId: ids.deviceAcme,
    type: 'sos',
    priority: 1,
    receivedAt: at('2026-03-31T22:59:59Z'),
    acceptedAfterS: 30,
    resolvedAfterS: 120,
    closureCode: 'false_accidental',
    verified: 'false',
  });
  // 23:30 UTC on 31 March is 00:30 BST on 1 April: April's, not March's.
  await insertAlarm({
    deviceId: ids.deviceAcme,
    type: 'fall',
    priority: 2,
    receivedAt: at('2026-03-31T23:30:00Z'),
    acceptedAfterS: 20,
  });
  await insertAlarm({
    deviceId: ids.deviceAcme,
    type: 'sos',
    priority: 1,
    receivedAt: at('2026-03-06T10:00:00Z'),
    isTest: true,
    acceptedAfterS: 5,
    resolvedAfterS: 50,
    closureCode: 'false_test',
    verified: 'false',
  });
  await insertAlarm({
    deviceId: ids.deviceBright,
    type: 'sos',
    priority: 1,
    receivedAt: at('2026-03-10T10:00:00Z'),
    acceptedAfterS: 5,
    resolvedAfterS: 900,
    closureCode: 'genuine_assistance',
    verified: 'genuine',
    police: true,
  });
  await insertAlarm({
    deviceId: ids.deviceNone,
    type: 'battery_low',
    priority: 4,
    receivedAt: at('2026-03-12T10:00:00Z'),
  });
  // Only Acme's device was heard from in March.
  await t.sql`insert into events (device_id, event_key, type, ts, received_at, payload) values (${ids.deviceAcme}, 'e-1', 'status', 1, ${at('2026-03-03T08:00:00Z')}, '{}')`;
  clock = at('2026-04-15T12:00:00Z');
  t.adminToken = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/reports/monthly-statistics', () => {
  it('counts March per organisation in London time: by type, genuine or false, police, response times', async () => {
    const response = await t.api('GET', '/api/reports/monthly-statistics?month=2026-03');
    expect(response.status).toBe(200);
    const { report } = response.body;
    expect(report.period).toEqual({
      month: '2026-03',
      timeZone: 'Europe/London',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-31T23:00:00.000Z',
      complete: true,
    });
    expect(
      report.organisations.map((o: any) => [
        o.organisationName,
        o.alarms,
        o.excluded.test,
        o.byType,
        o.verified,
        o.passedToPolice,
      ]),
    ).toEqual([
      [BRIGHT, 1, 0, { sos: 1 }, { genuine: 1, false: 0, undecided: 0 }, 1],
      [ACME, 2, 1, { sos: 2 }, { genuine: 1, false: 1, undecided: 0 }, 1],
      ['Default organisation', 1, 0, { battery_low: 1 }, { genuine: 0, false: 0, undecided: 1 }, 0],
    ]);
    const acme = report.organisations.find((o: any) => o.organisationId === ids.acme);
    expect(acme.acceptSeconds).toEqual({ count: 2, median: 8, p95: 30 });
    expect(acme.shares.map((s: any) => [s.line, s.within, s.counted])).toEqual([
      ['bs8484_10s', 1, 2],
      ['bs8484_40s', 2, 2],
      ['telecare_60s', 2, 2],
      ['telecare_180s', 2, 2],
    ]);
    expect(report.total).toMatchObject({
      alarms: 4,
      passedToPolice: 2,
      verified: { genuine: 2, false: 1, undecided: 1 },
      excluded: { test: 1, linked: 0 },
    });
  });

  it('puts the alarm at 00:30 BST on 1 April in April, and this month is not complete', async () => {
    const { report } = (await t.api('GET', '/api/reports/monthly-statistics')).body;
    expect(report.period).toMatchObject({ month: '2026-04', from: '2026-03-31T23:00:00.000Z', complete: false });
    expect(report.total.byType).toEqual({ fall: 1 });
  });

  it('narrows to one organisation, without "no organisation"', async () => {
    const { report } = (
      await t.api('GET', `/api/reports/monthly-statistics?month=2026-03&organisationId=${ids.bright}`)
    ).body;
    expect(report.organisations.map((o: any) => o.organisationName)).toEqual([BRIGHT]);
    expect(report.total.alarms).toBe(1);
  });

  it('as CSV: quoted names, formulas defused, a row per organisation and a total, then types', async () => {
    const response = await t.api('GET', '/api/reports/monthly-statistics?month=2026-03&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="alarm-statistics_2026-03.csv"');
    const lines = (response.body as string).split('\r\n');
    expect(lines[0]).toMatch(
      /^organisation_id,organisation,month,time_zone,alarms,test_excluded,linked_excluded,genuine,false,undecided,passed_to_police,/,
    );
    expect(lines[1]).toMatch(new RegExp(`^${ids.bright},'=Bright Homes,2026-03,Europe/London,1,0,0,1,0,0,1,`));
    expect(lines[2]).toMatch(new RegExp(`^${ids.acme},"Acme, ""Care"" Ltd",2026-03,Europe/London,2,1,0,1,1,0,1,`));
    expect(lines[3]).toMatch(/^[0-9a-f-]{36},Default organisation,2026-03,Europe\/London,1,0,0,0,0,1,0,/);
    expect(lines[4]).toMatch(/^total,Total,2026-03,Europe\/London,4,1,0,2,1,1,2,/);
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe('organisation_id,organisation,type,alarms');
    expect(lines).toContain(`${ids.acme},"Acme, ""Care"" Ltd",sos,2`);
  });

  it('refuses a bad or future month, an unknown organisation, operators and strangers, with reasons', async () => {
    const bad = await t.api('GET', '/api/reports/monthly-statistics?month=2026-13');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'ARC_ERR_VALIDATION']);
    const future = await t.api('GET', '/api/reports/monthly-statistics?month=2026-05');
    expect([future.status, future.body.error.code]).toEqual([400, 'ARC_ERR_VALIDATION']);
    expect(future.body.error.message).toContain('2026-05 has not started yet (Europe/London)');
    const unknown = await t.api(
      'GET',
      '/api/reports/monthly-statistics?organisationId=00000000-0000-4000-8000-000000000000',
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ARC_ERR_ORGANISATION_NOT_FOUND']);
    const operator = await t.createUser('operator');
    expect((await t.api('GET', '/api/reports/monthly-statistics', undefined, operator.token)).status).toBe(403);
    expect((await t.api('GET', '/api/reports/billing', undefined, operator.token)).status).toBe(403);
    expect((await t.api('GET', '/api/reports/billing', undefined, null)).status).toBe(401);
    const supervisor = await t.createUser('supervisor');
    expect((await t.api('GET', '/api/reports/billing?month=2026-03', undefined, supervisor.token)).status).toBe(200);
  });
});

describe('GET /api/reports/billing', () => {
  it('counts devices in service and heard, and alarms by outcome, per organisation', async () => {
    const { report } = (await t.api('GET', '/api/reports/billing?month=2026-03')).body;
    const rows = report.organisations.map((o: any) => [
      o.organisationName,
      o.devicesInService,
      o.devicesHeard,
      o.alarms,
      o.testAlarms,
    ]);
    // Acme's second device was decommissioned in February: not billed for March.
    expect(rows).toEqual([
      [BRIGHT, 1, 0, 1, 0],
      [ACME, 1, 1, 2, 1],
      ['Default organisation', 1, 0, 1, 0],
    ]);
    const acme = report.organisations.find((o: any) => o.organisationId === ids.acme);
    expect(acme.byOutcome).toMatchObject({ genuine_police: 1, false_accidental: 1, false_test: 0, open: 0 });
    expect(report.organisations[2].byOutcome.open).toBe(1);
    expect(report.total).toMatchObject({ devicesInService: 3, devicesHeard: 1, alarms: 4, testAlarms: 1 });
  });

  it('bills the decommissioned device in February, the month it was still in service', async () => {
    const { report } = (await t.api('GET', `/api/reports/billing?month=2026-02&organisationId=${ids.acme}`)).body;
    expect(report.organisations).toHaveLength(1);
    expect(report.organisations[0]).toMatchObject({ devicesInService: 2, alarms: 0 });
  });

  it('as CSV with every outcome as a column', async () => {
    const response = await t.api('GET', `/api/reports/billing?month=2026-03&format=csv&organisationId=${ids.acme}`);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="billing_2026-03_${ids.acme}.csv"`);
    const [header, acme, total] = (response.body as string).split('\r\n');
    expect(header).toBe(
      'organisation_id,organisation,month,time_zone,devices_in_service,devices_heard,alarms,test_alarms,outcome_genuine_assistance,outcome_genuine_police,outcome_genuine_ambulance,outcome_false_accidental,outcome_false_test,outcome_false_equipment,outcome_cancelled_by_wearer_verified,outcome_open',
    );
    expect(acme).toBe(`${ids.acme},"Acme, ""Care"" Ltd",2026-03,Europe/London,1,1,2,1,0,1,0,1,0,0,0,0`);
    expect(total).toBe('total,Total,2026-03,Europe/London,1,1,2,1,0,1,0,1,0,0,0,0');
  });
});

describe('GET /api/reports/sla per organisation', () => {
  it('narrows the report to one organisation and shows each organisation beside the whole', async () => {
    const whole = (await t.api('GET', '/api/reports/sla?from=2026-03-01&to=2026-04-01')).body;
    expect(whole.report.overall.alarms).toBe(5);
    expect(whole.organisations.map((o: any) => [o.organisationName, o.overall.alarms])).toEqual([
      [BRIGHT, 1],
      [ACME, 3],
      ['Default organisation', 1],
    ]);
    const bright = (await t.api('GET', `/api/reports/sla?from=2026-03-01&to=2026-04-01&organisationId=${ids.bright}`))
      .body;
    expect(bright.report.overall).toMatchObject({ alarms: 1, accepted: 1 });
    expect(bright.organisations.map((o: any) => o.organisationName)).toEqual([BRIGHT]);
    const csv = await t.api(
      'GET',
      `/api/reports/sla?from=2026-03-01&to=2026-04-01&organisationId=${ids.bright}&format=csv`,
    );
    expect(csv.headers.get('content-disposition')).toContain(`sla-report_${ids.bright}_`);
  });
});
