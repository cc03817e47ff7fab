// The audit you can read (issue 16, item 7): GET /api/audit filtered by who, about whom, what and
// when, paged, and as CSV; the looks at positions filterable like any action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let operator: Awaited<ReturnType<TestArc['createUser']>>;
let wearerId: string;
let otherId: string;

beforeAll(async () => {
  t = await startTestArc({}, { now: () => new Date('2026-11-23T14:00:00Z') });
  operator = await t.createUser('operator', 'olive.operator@test.arc');
  wearerId = (await t.createWearer({ name: 'Audited Ann' })).id;
  otherId = (await t.createWearer({ name: 'Other Otto' })).id;
  // Looks by the operator: the wearer's record, and the device list filtered to her.
  expect((await t.api('GET', `/api/wearers/${wearerId}`, undefined, operator.token)).status).toBe(200);
  expect((await t.api('GET', `/api/devices?wearerId=${wearerId}`, undefined, operator.token)).status).toBe(200);
  expect((await t.api('GET', `/api/wearers/${otherId}`, undefined, operator.token)).status).toBe(200);
  // Two old entries with times of their own.
  await t.sql`insert into audit_log (at, actor, action, target) values
    ('2026-01-10T09:00:00Z', 'old@test.arc', 'wearer.viewed', ${wearerId}),
    ('2026-02-10T09:00:00Z', 'old@test.arc', 'wearer.viewed', ${wearerId})`;
});
afterAll(async () => {
  await t?.close();
});

const get = async (query: string, token = t.adminToken) => t.api('GET', `/api/audit?${query}`, undefined, token);

describe('GET /api/audit filters', () => {
  it('by who, about whom and what', async () => {
    const mine = await get('actor=OLIVE.operator');
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.entries.map((e: any) => e.actor))).toEqual(new Set(['olive.operator@test.arc']));
    const aboutAnn = await get(`about=${wearerId}&actor=olive`);
    expect(aboutAnn.body.entries.map((e: any) => e.action).sort()).toEqual([
      'device.positions_viewed',
      'wearer.viewed',
    ]);
    const looks = await get(`action=wearer.viewed,device.positions_viewed&actor=olive`);
    expect(looks.body.entries.map((e: any) => e.target).sort()).toEqual([otherId, wearerId, wearerId].sort());
    // A % in the text is a character, not a wildcard.
    expect((await get('actor=%25')).body.entries).toEqual([]);
  });

  it('by when, and paged newest first', async () => {
    const january = await get(`from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&action=wearer.viewed`);
    expect(january.body.entries).toHaveLength(1);
    expect(january.body.entries[0].at).toBe('2026-01-10T09:00:00.000Z');
    const first = await get('actor=old@&limit=1');
    expect(first.body.entries[0].at).toBe('2026-02-10T09:00:00.000Z');
    expect(first.body.nextBefore).toBe(Number(first.body.entries[0].id));
    const second = await get(`actor=old@&limit=1&before=${first.body.nextBefore}`);
    expect(second.body.entries[0].at).toBe('2026-01-10T09:00:00.000Z');
    const third = await get(`actor=old@&limit=1&before=${second.body.nextBefore}`);
    expect(third.body).toEqual({ entries: [], nextBefore: null });
    expect((await get('from=yesterday')).status).toBe(400);
  });

  it('as CSV, itself audited; the actions there are; not for operators', async () => {
    const csv = await get(`format=csv&about=${wearerId}&actor=old@`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,detail');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual([
      '2026-02-10T09:00:00.000Z',
      '2026-01-10T09:00:00.000Z',
    ]);
    const [exported] = await t.sql`select detail from audit_log where action = 'audit.exported'`;
    expect(exported.detail).toMatchObject({ entries: 2, filter: { about: wearerId, actor: 'old@' } });
    const actions = await t.api('GET', '/api/audit/actions');
    expect(actions.body.actions).toEqual(
      expect.arrayContaining(['wearer.viewed', 'device.positions_viewed', 'audit.exported']),
    );
    expect(actions.body.actions).toEqual([...actions.body.actions].sort());
    expect((await get('', operator.token)).status).toBe(403);
    expect((await t.api('GET', '/api/audit/actions', undefined, operator.token)).status).toBe(403);
  });
});
