// Wearers over HTTP against a real PostgreSQL: medical notes and the low-battery level (defaults,
// limits, kept by a PATCH that does not name them, never shown to carers or put in the audit
// log), the organisation a wearer belongs to, and the carers linked to a wearer.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carerRoutes } from '../api/routes/carer-routes.js';
import { organisationRoutes } from '../api/routes/organisation-routes.js';
import { wearerRoutes } from '../api/routes/wearer-routes.js';
import type { Role } from '../api/store/user-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
let app: FastifyInstance;
let inject: RouteTestApp['inject'];
let addUser: RouteTestApp['addUser'];

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app, inject, addUser } = await buildRouteTestApp(db, [wearerRoutes, organisationRoutes, carerRoutes]));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  role: Role | null = 'supervisor',
) {
  const response = await inject(role, method, url, body);
  return { status: response.statusCode, body: response.json() };
}

const newWearer = async (fields: Record<string, unknown> = {}) =>
  (await api('POST', '/api/wearers', { name: 'Wendy', ...fields })).body.wearer;
const newOrganisation = async (name: string) => (await api('POST', '/api/organisations', { name })).body.organisation;

describe('medical notes and the low-battery level', () => {
  it('default to none and 20 %, in the default organisation', async () => {
    const created = await api('POST', '/api/wearers', { name: 'Wendy' });
    expect(created.status).toBe(201);
    const [defaultOrg] = await db.sql<{ id: string }[]>`select id from organisations where is_default`;
    expect(created.body.wearer).toMatchObject({
      medicalNotes: '',
      lowBatteryPercent: 20,
      organisationId: defaultOrg.id,
    });
  });

  it('are stored as given, read back by staff, and kept by a PATCH that does not name them', async () => {
    const wearer = await newWearer({ medicalNotes: 'Type 1 diabetic; insulin in the fridge', lowBatteryPercent: 35 });
    expect(wearer).toMatchObject({ medicalNotes: 'Type 1 diabetic; insulin in the fridge', lowBatteryPercent: 35 });
    const renamed = await api('PATCH', `/api/wearers/${wearer.id}`, { name: 'Wendy W.' });
    expect(renamed.body.wearer).toMatchObject({
      name: 'Wendy W.',
      medicalNotes: 'Type 1 diabetic; insulin in the fridge',
      lowBatteryPercent: 35,
    });
    const changed = await api('PATCH', `/api/wearers/${wearer.id}`, { medicalNotes: '', lowBatteryPercent: 10 });
    expect(changed.body.wearer).toMatchObject({ medicalNotes: '', lowBatteryPercent: 10 });
    const read = await api('GET', `/api/wearers/${wearer.id}`, undefined, 'operator');
    expect(read.body.wearer).toMatchObject({ medicalNotes: '', lowBatteryPercent: 10 });
    const [row] = await db.sql`select medical_notes, low_battery_percent from wearers where id = ${wearer.id}`;
    expect(row).toEqual({ medicalNotes: '', lowBatteryPercent: 10 });
    expect(
      (await api('GET', '/api/wearers', undefined, 'operator')).body.wearers.find(
        (w: { id: string }) => w.id === wearer.id,
      ),
    ).toMatchObject({ lowBatteryPercent: 10 });
  });

  it.each([
    ['medical notes over 5000 characters', { medicalNotes: 'x'.repeat(5001) }, 'medicalNotes'],
    ['medical notes that are not text', { medicalNotes: 42 }, 'medicalNotes'],
    ['a low-battery level of 0', { lowBatteryPercent: 0 }, 'lowBatteryPercent'],
    ['a low-battery level of 100', { lowBatteryPercent: 100 }, 'lowBatteryPercent'],
    ['a low-battery level with a fraction', { lowBatteryPercent: 20.5 }, 'lowBatteryPercent'],
    ['a low-battery level as text', { lowBatteryPercent: '20' }, 'lowBatteryPercent'],
    ['an organisation id that is not a uuid', { organisationId: 'acme' }, 'organisationId'],
  ])('refuses %s with a 400 naming the field, on POST and PATCH', async (_name, fields, field) => {
    const created = await api('POST', '/api/wearers', { name: 'Refused', ...fields });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(created.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    const wearer = await newWearer();
    const patched = await api('PATCH', `/api/wearers/${wearer.id}`, fields);
    expect(patched.status).toBe(400);
    expect(patched.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('accepts the limits: 1 %, 99 % and 5000 characters', async () => {
    expect(
      (await api('POST', '/api/wearers', { name: 'Low', lowBatteryPercent: 1, medicalNotes: 'x'.repeat(5000) })).status,
    ).toBe(201);
    expect((await api('POST', '/api/wearers', { name: 'High', lowBatteryPercent: 99 })).status).toBe(201);
  });

  it('the audit log says medical notes changed, never what they say', async () => {
    const wearer = await newWearer({ medicalNotes: 'Epilepsy' });
    await api('PATCH', `/api/wearers/${wearer.id}`, {
      medicalNotes: 'Epilepsy; carries rescue medication',
      lowBatteryPercent: 30,
    });
    const rows = await db.sql`select action, detail from audit_log where target = ${wearer.id} order by id`;
    expect(rows.map((r) => r.action)).toEqual(['wearer.created', 'wearer.updated']);
    expect(rows[1].detail).toEqual({ lowBatteryPercent: 30, medicalNotesChanged: true });
    expect(JSON.stringify(rows)).not.toContain('Epilepsy');
  });

  it('a carer never sees them', async () => {
    const wearer = await newWearer({ name: 'Mum', medicalNotes: 'Dementia; allergic to penicillin' });
    const carer = await addUser('carer');
    expect((await api('POST', '/api/carer-links', { carerId: carer.id, wearerId: wearer.id })).status).toBe(201);
    const mine = await app.inject({
      method: 'GET',
      url: '/api/my/wearers',
      headers: { authorization: `Bearer ${carer.token}` },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().wearers.map((w: { name: string }) => w.name)).toEqual(['Mum']);
    expect(mine.body).not.toContain('penicillin');
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/api/wearers/${wearer.id}`,
          headers: { authorization: `Bearer ${carer.token}` },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('the organisation of a wearer', () => {
  it('is set on POST, changed on PATCH, back to the default organisation when cleared, and audited', async () => {
    const [defaultOrg] = await db.sql<{ id: string }[]>`select id from organisations where is_default`;
    const acme = await newOrganisation('Acme Housing');
    const other = await newOrganisation('Other Care Ltd');
    const wearer = await newWearer({ organisationId: acme.id });
    expect(wearer.organisationId).toBe(acme.id);
    expect(
      (await api('PATCH', `/api/wearers/${wearer.id}`, { organisationId: other.id })).body.wearer.organisationId,
    ).toBe(other.id);
    expect((await api('PATCH', `/api/wearers/${wearer.id}`, { name: 'Kept' })).body.wearer.organisationId).toBe(
      other.id,
    );
    expect((await api('PATCH', `/api/wearers/${wearer.id}`, { organisationId: null })).body.wearer.organisationId).toBe(
      defaultOrg.id,
    );
    const rows = await db.sql`select action, detail from audit_log where target = ${wearer.id} order by id`;
    expect(rows.map((r) => r.detail.organisationId)).toEqual([acme.id, other.id, undefined, null]);
  });

  it('must exist', async () => {
    const created = await api('POST', '/api/wearers', { name: 'Nowhere', organisationId: randomUUID() });
    expect(created.status).toBe(404);
    expect(created.body.error.code).toBe('ARC_ERR_ORGANISATION_NOT_FOUND');
    const wearer = await newWearer();
    const patched = await api('PATCH', `/api/wearers/${wearer.id}`, {
      organisationId: randomUUID(),
      name: 'Not renamed',
    });
    expect(patched.status).toBe(404);
    expect(patched.body.error.code).toBe('ARC_ERR_ORGANISATION_NOT_FOUND');
    expect((await api('GET', `/api/wearers/${wearer.id}`)).body.wearer.name).toBe('Wendy');
  });
});

describe('GET /api/wearers/:id/carers', () => {
  it('lists the carers linked to the wearer, by name, a disabled account marked so', async () => {
    const wearer = await newWearer();
    const [first, second, notLinked] = [await addUser('carer'), await addUser('carer'), await addUser('carer')];
    await db.sql`update users set name = 'Zed Carer', disabled = true where id = ${first.id}`;
    await db.sql`update users set name = 'Amy Carer' where id = ${second.id}`;
    for (const carer of [first, second])
      await api('POST', '/api/carer-links', { carerId: carer.id, wearerId: wearer.id });
    const listed = await api('GET', `/api/wearers/${wearer.id}/carers`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      carers: [
        { id: second.id, name: 'Amy Carer', email: second.email, disabled: false },
        { id: first.id, name: 'Zed Carer', email: first.email, disabled: true },
      ],
    });
    expect(JSON.stringify(listed.body)).not.toContain(notLinked.id);

    await api('DELETE', '/api/carer-links', { carerId: second.id, wearerId: wearer.id });
    expect(
      (await api('GET', `/api/wearers/${wearer.id}/carers`, undefined, 'administrator')).body.carers.map(
        (c: { id: string }) => c.id,
      ),
    ).toEqual([first.id]);
  });

  it('is empty for a wearer with none; 404 for no wearer; 400 for a bad id', async () => {
    const wearer = await newWearer();
    expect((await api('GET', `/api/wearers/${wearer.id}/carers`)).body).toEqual({ carers: [] });
    const missing = await api('GET', `/api/wearers/${randomUUID()}/carers`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ARC_ERR_WEARER_NOT_FOUND');
    const bad = await api('GET', '/api/wearers/not-a-uuid/carers');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it.each([
    ['administrator', 200],
    ['supervisor', 200],
    ['operator', 403],
    ['carer', 403],
    [null, 401],
  ] as const)('%s → %i', async (role, status) => {
    const wearer = await newWearer();
    expect((await api('GET', `/api/wearers/${wearer.id}/carers`, undefined, role)).status).toBe(status);
  });
});
