// A wearer's contacts over HTTP against a real PostgreSQL: kept in order, validated with reasons,
// written by supervisors and administrators only, read by operators, every change audited.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactRoutes } from '../api/routes/contact-routes.js';
import { responsePlanRoutes } from '../api/routes/response-plan-routes.js';
import type { Role } from '../api/store/user-store.js';
import { insertWearer } from '../api/store/wearer-store.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

let db: TestDatabase;
let app: FastifyInstance;
let carerId: string;
let addUser: RouteTestApp['addUser'];
let inject: RouteTestApp['inject'];

beforeAll(async () => {
  db = await createTestDatabase();
  const built = await buildRouteTestApp(db, [contactRoutes, responsePlanRoutes]);
  ({ app, addUser, inject } = built);
  carerId = built.users.carer.id;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  role: Role = 'supervisor',
) {
  const response = await inject(role, method, url, body);
  return { status: response.statusCode, body: response.json() };
}

const newWearer = async (name = 'Wendy') => (await insertWearer(db.sql, { name, profile: 'lone_worker' })).id;
const names = (contacts: { name: string; position: number }[]) => contacts.map((c) => `${c.position}:${c.name}`);
const ALICE = { name: 'Alice', relationship: 'manager', phone: '07700 900123' };

describe('adding and listing contacts', () => {
  it('adds in order, at the end by default or at a position, and lists them in order', async () => {
    const wearer = await newWearer();
    const first = await api('POST', `/api/wearers/${wearer}/contacts`, ALICE);
    expect(first.status).toBe(201);
    expect(first.body.contact).toMatchObject({
      ...ALICE,
      wearerId: wearer,
      position: 1,
      email: null,
      hours: null,
      carerId: null,
    });
    await api('POST', `/api/wearers/${wearer}/contacts`, {
      name: 'Bob',
      phone: '+44 7700 900456',
      hours: { from: '20:00', to: '08:00' },
    });
    const carol = await api('POST', `/api/wearers/${wearer}/contacts`, {
      name: 'Carol',
      email: 'carol@example.org',
      position: 1,
    });
    expect(names(carol.body.contacts)).toEqual(['1:Carol', '2:Alice', '3:Bob']);
    const beyond = await api('POST', `/api/wearers/${wearer}/contacts`, {
      name: 'Dan',
      phone: '0161 496 0000',
      position: 99,
    });
    expect(beyond.body.contact.position).toBe(4);

    const listed = await api('GET', `/api/wearers/${wearer}/contacts`, undefined, 'operator');
    expect(listed.status).toBe(200);
    expect(names(listed.body.contacts)).toEqual(['1:Carol', '2:Alice', '3:Bob', '4:Dan']);
    expect(listed.body.contacts[2].hours).toEqual({ from: '20:00', to: '08:00' });
  });

  it('a carer can be a contact: their name and email fill the gaps', async () => {
    const wearer = await newWearer();
    const added = await api('POST', `/api/wearers/${wearer}/contacts`, {
      carerId,
      phone: '07700 900999',
      relationship: 'carer',
    });
    expect(added.status).toBe(201);
    expect(added.body.contact).toMatchObject({
      carerId,
      name: 'A carer',
      email: expect.stringMatching(/^carer-.*@test\.arc$/),
    });
  });

  it.each([
    ['no name', { phone: '07700 900123' }, 'name'],
    ['neither phone nor email', { name: 'Nobody' }, 'phone'],
    ['a phone with letters', { name: 'X', phone: '07700 CALL ME' }, 'phone'],
    ['a phone too short', { name: 'X', phone: '12345' }, 'phone'],
    ['a phone too long', { name: 'X', phone: '0'.repeat(21) }, 'phone'],
    ['a plus in the middle', { name: 'X', phone: '0770+0900123' }, 'phone'],
    ['a bad email', { name: 'X', email: 'not-an-email' }, 'email'],
    ['hours not HH:MM', { name: 'X', phone: '07700 900123', hours: { from: '8:00', to: '20:00' } }, 'hours.from'],
    ['hours past midnight', { name: 'X', phone: '07700 900123', hours: { from: '08:00', to: '24:00' } }, 'hours.to'],
    ['hours from = to', { name: 'X', phone: '07700 900123', hours: { from: '08:00', to: '08:00' } }, 'hours'],
    ['position 0', { name: 'X', phone: '07700 900123', position: 0 }, 'position'],
    ['a carer id that is not a uuid', { name: 'X', phone: '07700 900123', carerId: 'carol' }, 'carerId'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const wearer = await newWearer();
    const response = await api('POST', `/api/wearers/${wearer}/contacts`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('refuses a carer id that is not a carer, and an unknown wearer', async () => {
    const wearer = await newWearer();
    const operator = await addUser('operator');
    const notCarer = await api('POST', `/api/wearers/${wearer}/contacts`, { ...ALICE, carerId: operator.id });
    expect(notCarer.status).toBe(404);
    expect(notCarer.body.error.code).toBe('ARC_ERR_USER_NOT_FOUND');
    const noWearer = await api('POST', `/api/wearers/${randomUUID()}/contacts`, ALICE);
    expect(noWearer.body.error.code).toBe('ARC_ERR_WEARER_NOT_FOUND');
    expect((await api('GET', `/api/wearers/${randomUUID()}/contacts`)).body.error.code).toBe(
      'ARC_ERR_WEARER_NOT_FOUND',
    );
  });
});

describe('changing, reordering and removing contacts', () => {
  async function threeContacts() {
    const wearer = await newWearer();
    const ids: string[] = [];
    for (const name of ['Alice', 'Bob', 'Carol'])
      ids.push((await api('POST', `/api/wearers/${wearer}/contacts`, { name, phone: '07700 900123' })).body.contact.id);
    return { wearer, ids };
  }

  it.each([
    ['first to last', 0, 3, ['1:Bob', '2:Carol', '3:Alice']],
    ['last to first', 2, 1, ['1:Carol', '2:Alice', '3:Bob']],
    ['middle to first', 1, 1, ['1:Bob', '2:Alice', '3:Carol']],
    ['first to middle', 0, 2, ['1:Bob', '2:Alice', '3:Carol']],
    ['past the end means last', 0, 50, ['1:Bob', '2:Carol', '3:Alice']],
    ['to where it is', 1, 2, ['1:Alice', '2:Bob', '3:Carol']],
  ])('moves %s', async (_name, which, position, expected) => {
    const { wearer, ids } = await threeContacts();
    const moved = await api('PATCH', `/api/contacts/${ids[which]}`, { position });
    expect(moved.status).toBe(200);
    expect(names(moved.body.contacts)).toEqual(expected);
    expect(names((await api('GET', `/api/wearers/${wearer}/contacts`)).body.contacts)).toEqual(expected);
  });

  it('changes fields, clears hours, and still needs a way to reach them', async () => {
    const { ids } = await threeContacts();
    const changed = await api('PATCH', `/api/contacts/${ids[0]}`, {
      email: 'alice@example.org',
      hours: { from: '08:00', to: '20:00' },
      relationship: 'sister',
    });
    expect(changed.body.contact).toMatchObject({
      name: 'Alice',
      phone: '07700 900123',
      email: 'alice@example.org',
      hours: { from: '08:00', to: '20:00' },
      relationship: 'sister',
    });
    expect((await api('PATCH', `/api/contacts/${ids[0]}`, { hours: null, phone: null })).body.contact).toMatchObject({
      hours: null,
      phone: null,
    });
    const unreachable = await api('PATCH', `/api/contacts/${ids[0]}`, { email: null });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.message).toMatch(/phone number or an email/);
    expect((await api('GET', `/api/contacts/${ids[0]}`, undefined, 'operator')).body.contact.email).toBe(
      'alice@example.org',
    );
  });

  it('removes a contact and closes the gap', async () => {
    const { ids } = await threeContacts();
    const removed = await api('DELETE', `/api/contacts/${ids[0]}`);
    expect(removed.status).toBe(200);
    expect(names(removed.body.contacts)).toEqual(['1:Bob', '2:Carol']);
    expect((await api('DELETE', `/api/contacts/${ids[0]}`)).status).toBe(404);
    expect((await api('PATCH', `/api/contacts/${ids[0]}`, { name: 'Ghost' })).body.error.code).toBe(
      'ARC_ERR_CONTACT_NOT_FOUND',
    );
  });

  it('will not remove a contact the wearer’s own plan still needs', async () => {
    const { wearer, ids } = await threeContacts();
    const plan = { steps: [{ who: 'contact', contactPosition: 3, how: 'operator_call', waitS: 60 }] };
    expect((await api('PUT', `/api/wearers/${wearer}/response-plan`, plan)).status).toBe(200);
    const refused = await api('DELETE', `/api/contacts/${ids[0]}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/step 1 names contact 3/);
    expect((await api('GET', `/api/wearers/${wearer}/contacts`)).body.contacts).toHaveLength(3);
    // Back on the profile default, it may go.
    await api('DELETE', `/api/wearers/${wearer}/response-plan`);
    expect((await api('DELETE', `/api/contacts/${ids[0]}`)).status).toBe(200);
  });

  it('reorders safely when two editors move contacts at once', async () => {
    const { wearer, ids } = await threeContacts();
    await Promise.all([
      api('PATCH', `/api/contacts/${ids[0]}`, { position: 3 }),
      api('PATCH', `/api/contacts/${ids[2]}`, { position: 1 }),
    ]);
    const positions = (await api('GET', `/api/wearers/${wearer}/contacts`)).body.contacts.map(
      (c: { position: number }) => c.position,
    );
    expect(positions).toEqual([1, 2, 3]);
  });
});

describe('who may do what, and the audit', () => {
  it.each([
    ['operator', 'GET', 200],
    ['operator', 'POST', 403],
    ['operator', 'PATCH', 403],
    ['operator', 'DELETE', 403],
    ['carer', 'GET', 403],
    ['administrator', 'POST', 201],
    ['supervisor', 'PATCH', 200],
  ] as const)('%s %s → %i', async (role, method, status) => {
    const wearer = await newWearer();
    const contact = (await api('POST', `/api/wearers/${wearer}/contacts`, ALICE)).body.contact;
    const url =
      method === 'GET' || method === 'POST' ? `/api/wearers/${wearer}/contacts` : `/api/contacts/${contact.id}`;
    const response = await api(
      method,
      url,
      method === 'GET' || method === 'DELETE' ? undefined : method === 'POST' ? ALICE : { name: 'Alicia' },
      role,
    );
    expect(response.status).toBe(status);
  });

  it('refuses without a session', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/wearers/${randomUUID()}/contacts` });
    expect(response.statusCode).toBe(401);
  });

  it('audits every change against the wearer', async () => {
    const wearer = await newWearer();
    const contact = (await api('POST', `/api/wearers/${wearer}/contacts`, ALICE)).body.contact;
    await api('PATCH', `/api/contacts/${contact.id}`, { name: 'Alicia' });
    await api('DELETE', `/api/contacts/${contact.id}`);
    const rows = await db.sql`select action, detail from audit_log where target = ${wearer} order by id`;
    expect(rows.map((r) => r.action)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
    expect(rows[1].detail).toMatchObject({ contactId: contact.id, name: 'Alicia' });
  });
});
