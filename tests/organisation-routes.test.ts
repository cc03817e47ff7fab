// Organisations over HTTP against a real PostgreSQL: the URN kept exactly as issued (the same rules
// as a wearer's), a withdrawal needs its reason, names are unique, roles, the audit; and a
// wearer's police details with those in force (their own URN, else their organisation's).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisationRoutes } from '../api/routes/organisation-routes.js';
import { responsePlanRoutes } from '../api/routes/response-plan-routes.js';
import { wearerRoutes } from '../api/routes/wearer-routes.js';
import { stepGuidance } from '../api/rules/response-plan.js';
import { getResponseContext } from '../api/store/response-plan-store.js';
import type { Role } from '../api/store/user-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
let app: FastifyInstance;
let inject: RouteTestApp['inject'];
let supervisorEmail: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const built = await buildRouteTestApp(db, [organisationRoutes, wearerRoutes, responsePlanRoutes]);
  ({ app, inject } = built);
  supervisorEmail = built.users.supervisor.email;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  body?: unknown,
  role: Role | null = 'supervisor',
) {
  const response = await inject(role, method, url, body);
  return { status: response.statusCode, body: response.json() };
}

let named = 0;
const uniqueName = (base = 'Organisation') => `${base} ${++named}`;
const create = async (fields: Record<string, unknown> = {}) => {
  const response = await api('POST', '/api/organisations', { name: uniqueName(), ...fields });
  expect(response.status).toBe(201);
  return response.body.organisation;
};

describe('creating and listing organisations', () => {
  it('creates one with no URN and police response available by default', async () => {
    const response = await api('POST', '/api/organisations', { name: '  Acme Housing  ' });
    expect(response.status).toBe(201);
    expect(response.body.organisation).toEqual({
      id: expect.any(String),
      name: 'Acme Housing',
      urn: null,
      policeWithdrawn: false,
      policeWithdrawnReason: null,
      createdAt: expect.any(String),
      wearerCount: 0,
      // docs/reference/data-protection.md: the default retention periods.
      locationRetentionDays: 90,
      alarmRetentionDays: 2557,
      auditRetentionDays: 2557,
    });
  });

  it.each([
    ['kept exactly as issued', 'wmp/2024/ 000123 a', 'wmp/2024/ 000123 a'],
    ['surrounding spaces trimmed', '  ORG/123  ', 'ORG/123'],
    ['blank means none', '   ', null],
    ['none', null, null],
    ['64 characters', 'U'.repeat(64), 'U'.repeat(64)],
  ])('a URN: %s', async (_name, urn, stored) => {
    const organisation = await create({ urn });
    expect(organisation.urn).toBe(stored);
    const [row] = await db.sql`select urn from organisations where id = ${organisation.id}`;
    expect(row.urn).toBe(stored);
  });

  it.each([
    ['no name', {}, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a URN of 65 characters', { name: 'X', urn: 'U'.repeat(65) }, 'urn'],
    ['a URN over two lines', { name: 'X', urn: 'ORG-1\nORG-2' }, 'urn'],
    ['a URN that is a number', { name: 'X', urn: 123 }, 'urn'],
    ['withdrawn without a reason', { name: 'X', urn: 'ORG-1', policeWithdrawn: true }, 'policeWithdrawnReason'],
    [
      'withdrawn with a blank reason',
      { name: 'X', policeWithdrawn: true, policeWithdrawnReason: '  ' },
      'policeWithdrawnReason',
    ],
    [
      'a reason of 1001 characters',
      { name: 'X', policeWithdrawn: true, policeWithdrawnReason: 'r'.repeat(1001) },
      'policeWithdrawnReason',
    ],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const response = await api('POST', '/api/organisations', body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('keeps a withdrawal with its reason; a reason without the flag is not kept', async () => {
    expect(
      await create({ urn: 'ORG-9', policeWithdrawn: true, policeWithdrawnReason: 'Repeated false calls' }),
    ).toMatchObject({
      policeWithdrawn: true,
      policeWithdrawnReason: 'Repeated false calls',
    });
    expect(await create({ policeWithdrawn: false, policeWithdrawnReason: 'stale' })).toMatchObject({
      policeWithdrawn: false,
      policeWithdrawnReason: null,
    });
  });

  it('refuses a name that is taken', async () => {
    const name = uniqueName('Twice');
    await create({ name });
    const again = await api('POST', '/api/organisations', { name });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ARC_ERR_ORGANISATION_EXISTS');
  });

  it('lists them by name with how many wearers each has; one can be read alone', async () => {
    const organisation = await create({ name: uniqueName('Listed') });
    for (const name of ['One', 'Two']) await api('POST', '/api/wearers', { name, organisationId: organisation.id });
    const listed = await api('GET', '/api/organisations', undefined, 'operator');
    expect(listed.status).toBe(200);
    const names = listed.body.organisations.map((o: { name: string }) => o.name);
    expect(names).toEqual([...names].sort());
    expect(listed.body.organisations.find((o: { id: string }) => o.id === organisation.id).wearerCount).toBe(2);
    const one = await api('GET', `/api/organisations/${organisation.id}`, undefined, 'operator');
    expect(one.body.organisation).toMatchObject({ id: organisation.id, wearerCount: 2 });
    expect((await api('GET', `/api/organisations/${randomUUID()}`)).body.error.code).toBe(
      'ARC_ERR_ORGANISATION_NOT_FOUND',
    );
  });
});

describe('changing an organisation', () => {
  it('changes the name and the URN, and keeps what is not named', async () => {
    const organisation = await create({ urn: 'ORG-1' });
    const name = uniqueName('Renamed');
    const renamed = await api('PATCH', `/api/organisations/${organisation.id}`, { name });
    expect(renamed.status).toBe(200);
    expect(renamed.body.organisation).toMatchObject({ name, urn: 'ORG-1' });
    expect(
      (await api('PATCH', `/api/organisations/${organisation.id}`, { urn: ' ORG/2 b ' })).body.organisation,
    ).toMatchObject({ name, urn: 'ORG/2 b' });
    expect((await api('PATCH', `/api/organisations/${organisation.id}`, { urn: '' })).body.organisation.urn).toBeNull();
    expect((await api('PATCH', `/api/organisations/${organisation.id}`, {})).body.organisation).toMatchObject({
      name,
      urn: null,
    });
  });

  it('a withdrawal needs a reason, given now or kept; reinstating clears it', async () => {
    const organisation = await create({ urn: 'ORG-1' });
    const url = `/api/organisations/${organisation.id}`;
    const refused = await api('PATCH', url, { policeWithdrawn: true });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ field: 'policeWithdrawnReason' })]);
    const withdrawn = await api('PATCH', url, { policeWithdrawn: true, policeWithdrawnReason: 'Under review' });
    expect(withdrawn.body.organisation).toMatchObject({ policeWithdrawn: true, policeWithdrawnReason: 'Under review' });
    expect((await api('PATCH', url, { urn: 'ORG-2' })).body.organisation).toMatchObject({
      urn: 'ORG-2',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Under review',
    });
    expect(
      (await api('PATCH', url, { policeWithdrawnReason: 'Review in December' })).body.organisation
        .policeWithdrawnReason,
    ).toBe('Review in December');
    expect((await api('PATCH', url, { policeWithdrawnReason: null })).status).toBe(400);
    const reinstated = await api('PATCH', url, { policeWithdrawn: false });
    expect(reinstated.body.organisation).toMatchObject({ policeWithdrawn: false, policeWithdrawnReason: null });
  });

  it.each([
    ['a URN of 65 characters', { urn: 'U'.repeat(65) }, 'urn'],
    ['a blank name', { name: '' }, 'name'],
    ['a flag that is not a boolean', { policeWithdrawn: 'yes' }, 'policeWithdrawn'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const organisation = await create();
    const response = await api('PATCH', `/api/organisations/${organisation.id}`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses another organisation’s name, an unknown id and a bad id', async () => {
    const [first, second] = [await create(), await create()];
    const clash = await api('PATCH', `/api/organisations/${second.id}`, { name: first.name });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('ARC_ERR_ORGANISATION_EXISTS');
    const missing = await api('PATCH', `/api/organisations/${randomUUID()}`, { urn: 'X' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ARC_ERR_ORGANISATION_NOT_FOUND');
    expect((await api('PATCH', '/api/organisations/acme', { urn: 'X' })).status).toBe(400);
  });
});

describe('who may do what, and the audit', () => {
  it.each([
    ['operator', 'GET', 200],
    ['operator', 'POST', 403],
    ['operator', 'PATCH', 403],
    ['carer', 'GET', 403],
    [null, 'GET', 401],
    ['administrator', 'POST', 201],
    ['administrator', 'PATCH', 200],
    ['supervisor', 'PATCH', 200],
  ] as const)('%s %s → %i', async (role, method, status) => {
    const organisation = await create();
    const url = method === 'PATCH' ? `/api/organisations/${organisation.id}` : '/api/organisations';
    const body = method === 'GET' ? undefined : method === 'POST' ? { name: uniqueName() } : { urn: 'ORG-7' };
    expect((await api(method, url, body, role)).status).toBe(status);
  });

  it('audits creation and every change with the details before and after', async () => {
    const organisation = await create({ urn: 'ORG-1' });
    await api('PATCH', `/api/organisations/${organisation.id}`, {
      policeWithdrawn: true,
      policeWithdrawnReason: 'Misuse',
    });
    const rows =
      await db.sql`select actor, action, detail from audit_log where target = ${organisation.id} order by id`;
    expect(rows.map((r) => r.action)).toEqual(['organisation.created', 'organisation.updated']);
    expect(rows[0]).toMatchObject({
      actor: supervisorEmail,
      detail: { name: organisation.name, urn: 'ORG-1', policeWithdrawn: false, policeWithdrawnReason: null },
    });
    const retention = { locationRetentionDays: 90, alarmRetentionDays: 2557, auditRetentionDays: 2557 };
    expect(rows[1].detail).toEqual({
      before: {
        name: organisation.name,
        urn: 'ORG-1',
        policeWithdrawn: false,
        policeWithdrawnReason: null,
        ...retention,
      },
      after: {
        name: organisation.name,
        urn: 'ORG-1',
        policeWithdrawn: true,
        policeWithdrawnReason: 'Misuse',
        ...retention,
      },
    });
  });
});

describe("a wearer's police details and those in force", () => {
  it('no URN of their own: the organisation’s is in force, and the plan quotes it', async () => {
    const organisation = await create({ name: uniqueName('Acme Housing'), urn: 'ORG/123' });
    const wearer = (await api('POST', '/api/wearers', { name: 'Wendy', organisationId: organisation.id })).body.wearer;
    const police = await api('GET', `/api/wearers/${wearer.id}/police`, undefined, 'operator');
    expect(police.status).toBe(200);
    expect(police.body).toEqual({
      police: {
        urn: null,
        policeWithdrawn: false,
        policeWithdrawnReason: null,
        organisationId: organisation.id,
        organisationName: organisation.name,
        effective: { urn: 'ORG/123', urnSource: 'organisation', policeWithdrawn: false, policeWithdrawnReason: null },
      },
    });
    const context = (await getResponseContext(db.sql, wearer.id))!;
    const police0 = stepGuidance({
      ...context,
      plan: { steps: [{ who: 'police', how: 'operator_call', waitS: 60 }] },
      stepIndex: 0,
      alarm: { type: 'sos', discreet: false, isTest: false },
      now: new Date(),
      webhookUrl: null,
    });
    expect(police0.instruction).toBe(`Pass to police quoting URN ORG/123 (issued to ${organisation.name})`);
  });

  it('their own URN wins; their own withdrawal stops police whoever’s URN; PUT answers with both', async () => {
    const organisation = await create({ urn: 'ORG/456' });
    const wearer = (await api('POST', '/api/wearers', { name: 'Wendy', organisationId: organisation.id })).body.wearer;
    const own = await api('PUT', `/api/wearers/${wearer.id}/police`, {
      urn: 'MERS/2026/ab-001',
      policeWithdrawn: false,
    });
    expect(own.body.police).toMatchObject({
      urn: 'MERS/2026/ab-001',
      organisationName: organisation.name,
      effective: { urn: 'MERS/2026/ab-001', urnSource: 'wearer', policeWithdrawn: false },
    });
    const withdrawn = await api('PUT', `/api/wearers/${wearer.id}/police`, {
      urn: null,
      policeWithdrawn: true,
      policeWithdrawnReason: 'Wearer’s request',
    });
    expect(withdrawn.body.police.effective).toEqual({
      urn: 'ORG/456',
      urnSource: 'organisation',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Wearer’s request',
    });
  });

  it('the organisation withdrawn: withdrawn for its wearers without a URN of their own', async () => {
    const organisation = await create({
      urn: 'ORG/789',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Organisation under review',
    });
    const without = (await api('POST', '/api/wearers', { name: 'Without', organisationId: organisation.id })).body
      .wearer;
    const withOwn = (await api('POST', '/api/wearers', { name: 'With', organisationId: organisation.id })).body.wearer;
    await api('PUT', `/api/wearers/${withOwn.id}/police`, { urn: 'OWN-1', policeWithdrawn: false });
    expect((await api('GET', `/api/wearers/${without.id}/police`)).body.police.effective).toMatchObject({
      policeWithdrawn: true,
      policeWithdrawnReason: 'Organisation under review',
    });
    expect((await api('GET', `/api/wearers/${withOwn.id}/police`)).body.police.effective).toMatchObject({
      urn: 'OWN-1',
      policeWithdrawn: false,
    });
    expect((await getResponseContext(db.sql, without.id))!.wearer).toMatchObject({
      urn: 'ORG/789',
      policeWithdrawn: true,
    });
  });

  it("none named: the default organisation's (023_tenancy), with no URN of its own, so only their own", async () => {
    const wearer = (await api('POST', '/api/wearers', { name: 'Alone' })).body.wearer;
    const [defaultOrg] = await db.sql<
      { id: string; name: string }[]
    >`select id, name from organisations where is_default`;
    expect((await api('GET', `/api/wearers/${wearer.id}/police`)).body.police).toEqual({
      urn: null,
      policeWithdrawn: false,
      policeWithdrawnReason: null,
      organisationId: defaultOrg.id,
      organisationName: defaultOrg.name,
      effective: { urn: null, urnSource: null, policeWithdrawn: false, policeWithdrawnReason: null },
    });
  });
});
