// The geofence API on a small Fastify app of its own (the routes, the one error handler and the
// role guard of the ARC) over a real PostgreSQL: who may do what, 4xx with reasons for bad
// shapes, and an audit entry for every change.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { buildRouteTestApp, type RouteTestApp } from './support/route-test-app.js';
import { geofenceRoutes } from '../api/routes/geofence-routes.js';
import type { Role } from '../api/store/user-store.js';
import { insertWearer } from '../api/store/wearer-store.js';

let db: TestDatabase;
let app: FastifyInstance;
let tokens: Record<Role, string>;
let inject: RouteTestApp['inject'];
let wearerId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ app, tokens, inject } = await buildRouteTestApp(db, [geofenceRoutes], {
    email: (role) => `${role}@geofence.test`,
  }));
  wearerId = (await insertWearer(db.sql, { name: 'Ada', profile: 'dementia' })).id;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  role: Role | null = 'administrator',
) {
  const response = await inject(role, method, url, body);
  return { status: response.statusCode, body: response.json() };
}

const HOME_CIRCLE = { type: 'circle', lat: 53.6458, lon: -3.0101, radiusM: 250 };
const SQUARE = {
  type: 'polygon',
  points: [
    [53.65, -3.02],
    [53.65, -3.01],
    [53.655, -3.01],
    [53.655, -3.02],
  ],
};
const newZone = (extra: Record<string, unknown> = {}) => ({ name: 'Home', kind: 'safe', shape: HOME_CIRCLE, ...extra });

const lastAudit = async () =>
  (await db.sql`select actor, action, target, detail from audit_log order by id desc limit 1`)[0];

describe('drawing zones', () => {
  it('creates a circle and a night-only polygon, lists them, and audits both', async () => {
    const created = await api('POST', `/api/wearers/${wearerId}/geofences`, newZone());
    expect(created.status).toBe(201);
    expect(created.body.geofence).toMatchObject({
      wearerId,
      name: 'Home',
      kind: 'safe',
      shape: HOME_CIRCLE,
      activeHours: null,
      enabled: true,
    });
    expect(await lastAudit()).toMatchObject({
      actor: 'administrator@geofence.test',
      action: 'geofence.created',
      target: created.body.geofence.id,
      detail: { wearerId, name: 'Home', shape: HOME_CIRCLE },
    });

    const night = { from: '22:00', to: '07:00' };
    const polygon = await api(
      'POST',
      `/api/wearers/${wearerId}/geofences`,
      { name: 'His street', kind: 'exclusion', shape: SQUARE, activeHours: night },
      'supervisor',
    );
    expect(polygon.status).toBe(201);
    expect(polygon.body.geofence).toMatchObject({ kind: 'exclusion', shape: SQUARE, activeHours: night });

    const listed = await api('GET', `/api/wearers/${wearerId}/geofences`, undefined, 'operator');
    expect(listed.status).toBe(200);
    expect(listed.body.geofences.map((g: { name: string }) => g.name)).toEqual(['Home', 'His street']);
  });

  it('changes and deletes a zone, auditing each change', async () => {
    const { body } = await api('POST', `/api/wearers/${wearerId}/geofences`, newZone({ name: 'Day centre' }));
    const id = body.geofence.id;
    const patched = await api(
      'PATCH',
      `/api/geofences/${id}`,
      { activeHours: { from: '09:00', to: '17:00' }, shape: { ...HOME_CIRCLE, radiusM: 400 } },
      'supervisor',
    );
    expect(patched.status).toBe(200);
    expect(patched.body.geofence).toMatchObject({
      name: 'Day centre',
      activeHours: { from: '09:00', to: '17:00' },
      shape: { radiusM: 400 },
    });
    expect(await lastAudit()).toMatchObject({
      action: 'geofence.updated',
      target: id,
      detail: { wearerId, shape: { radiusM: 400 } },
    });

    const cleared = await api('PATCH', `/api/geofences/${id}`, { activeHours: null });
    expect(cleared.body.geofence.activeHours).toBeNull();

    expect(await api('DELETE', `/api/geofences/${id}`)).toEqual({ status: 200, body: { ok: true } });
    expect(await lastAudit()).toMatchObject({
      action: 'geofence.deleted',
      target: id,
      detail: { wearerId, name: 'Day centre' },
    });
    expect((await api('DELETE', `/api/geofences/${id}`)).body.error.code).toBe('ARC_ERR_GEOFENCE_NOT_FOUND');
    expect((await api('PATCH', `/api/geofences/${id}`, { name: 'x' })).body.error).toMatchObject({
      code: 'ARC_ERR_GEOFENCE_NOT_FOUND',
      message: 'No such geofence',
    });
  });
});

describe('who may do what', () => {
  it.each([
    // role, method, expected status (201/200 allowed, 403 forbidden, 401 not logged in)
    ['administrator', 'POST', 201],
    ['supervisor', 'POST', 201],
    ['operator', 'POST', 403],
    ['carer', 'POST', 403],
    [null, 'POST', 401],
    ['operator', 'GET', 200],
    ['carer', 'GET', 403],
    [null, 'GET', 401],
  ] as const)('%s %s → %s', async (role, method, status) => {
    const response = await api(
      method,
      `/api/wearers/${wearerId}/geofences`,
      method === 'POST' ? newZone() : undefined,
      role,
    );
    expect(response.status).toBe(status);
  });

  it.each([
    ['operator', 403],
    ['carer', 403],
    [null, 401],
  ] as const)('%s may not change or delete a zone (%s)', async (role, status) => {
    const { body } = await api('POST', `/api/wearers/${wearerId}/geofences`, newZone());
    expect((await api('PATCH', `/api/geofences/${body.geofence.id}`, { name: 'x' }, role)).status).toBe(status);
    expect((await api('DELETE', `/api/geofences/${body.geofence.id}`, undefined, role)).status).toBe(status);
  });
});

describe('bad input is a 4xx that says why', () => {
  const tooMany = Array.from({ length: 201 }, (_, i) => [
    53.6 + 0.001 * Math.cos((i / 201) * 2 * Math.PI),
    -3 + 0.001 * Math.sin((i / 201) * 2 * Math.PI),
  ]);
  it.each([
    // what is wrong, body, field named in details, reason in the message
    ['no shape', { name: 'Home', kind: 'safe' }, 'shape', /a shape is \{type:"circle"/],
    ['an unknown shape type', newZone({ shape: { type: 'hexagon' } }), 'shape.type', /or \{type:"polygon"/],
    ['an unknown kind', newZone({ kind: 'danger' }), 'kind', /safe.*exclusion/],
    ['an empty name', newZone({ name: '  ' }), 'name', /name: /],
    ['a radius under 10 m', newZone({ shape: { ...HOME_CIRCLE, radiusM: 5 } }), 'shape.radiusM', /at least 10 m/],
    [
      'a radius over 50 km',
      newZone({ shape: { ...HOME_CIRCLE, radiusM: 50_001 } }),
      'shape.radiusM',
      /at most 50 000 m/,
    ],
    ['a latitude of 91', newZone({ shape: { ...HOME_CIRCLE, lat: 91 } }), 'shape.lat', /90/],
    ['a radius as text', newZone({ shape: { ...HOME_CIRCLE, radiusM: '200' } }), 'shape.radiusM', /number/],
    [
      'a polygon of 2 points',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [53.61, -3],
          ],
        },
      }),
      'shape.points',
      /at least 3 points/,
    ],
    [
      'a polygon of 201 points',
      newZone({ shape: { type: 'polygon', points: tooMany } }),
      'shape.points',
      /at most 200 points/,
    ],
    [
      'a triangle closed into 3 points',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [53.61, -3],
            [53.6, -3],
          ],
        },
      }),
      'shape.points',
      /at least 3 distinct points/,
    ],
    [
      'a point repeated',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [53.61, -3],
            [53.61, -3],
            [53.6, -3.01],
          ],
        },
      }),
      'shape.points',
      /repeats the one before/,
    ],
    [
      'a point that is not a pair',
      newZone({ shape: { type: 'polygon', points: [[53.6, -3], [53.61], [53.6, -3.01]] } }),
      'shape.points.1',
      /shape\.points\.1/,
    ],
    [
      'a longitude of 181 in a polygon',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [53.61, 181],
            [53.6, -3.01],
          ],
        },
      }),
      'shape.points.1.1',
      /180/,
    ],
    [
      'a bow tie',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [53.61, -2.99],
            [53.6, -2.99],
            [53.61, -3],
          ],
        },
      }),
      'shape.points',
      /edges cross/,
    ],
    [
      'a polygon with no area',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [53.61, -3],
            [53.62, -3],
          ],
        },
      }),
      'shape.points',
      /enclose at least 100 m²/,
    ],
    [
      'a polygon spanning 200 km',
      newZone({
        shape: {
          type: 'polygon',
          points: [
            [53.6, -3],
            [55.4, -3],
            [55.4, -2.9],
          ],
        },
      }),
      'shape.points',
      /within 100 km of the first/,
    ],
    ['hours that are not HH:MM', newZone({ activeHours: { from: '10pm', to: '07:00' } }), 'activeHours.from', /HH:MM/],
    ['hours of 24:00', newZone({ activeHours: { from: '22:00', to: '24:00' } }), 'activeHours.to', /00:00 to 23:59/],
    [
      'hours that start when they end',
      newZone({ activeHours: { from: '08:00', to: '08:00' } }),
      'activeHours.to',
      /must differ/,
    ],
    [
      'an unknown time zone',
      newZone({ activeHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Atlantis' } }),
      'activeHours.timeZone',
      /not a time zone/,
    ],
  ] as const)('%s', async (_name, body, field, reason) => {
    const response = await api('POST', `/api/wearers/${wearerId}/geofences`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(response.body.error.message).toMatch(/^The request is not valid: /);
    expect(response.body.error.message).toMatch(reason);
  });

  it.each([
    ['a wearer id that is not a uuid', 'POST', '/api/wearers/nobody/geofences', newZone(), 400, 'ARC_ERR_VALIDATION'],
    [
      'a wearer that does not exist',
      'POST',
      '/api/wearers/00000000-0000-4000-8000-000000000000/geofences',
      newZone(),
      404,
      'ARC_ERR_WEARER_NOT_FOUND',
    ],
    [
      'listing for a wearer that does not exist',
      'GET',
      '/api/wearers/00000000-0000-4000-8000-000000000000/geofences',
      undefined,
      404,
      'ARC_ERR_WEARER_NOT_FOUND',
    ],
    ['a geofence id that is not a uuid', 'PATCH', '/api/geofences/home', { name: 'x' }, 400, 'ARC_ERR_VALIDATION'],
    [
      'a bad shape in a change',
      'PATCH',
      '/api/geofences/00000000-0000-4000-8000-000000000000',
      { shape: { type: 'circle' } },
      400,
      'ARC_ERR_VALIDATION',
    ],
    ['a body that is not JSON', 'POST', `/api/wearers/WEARER/geofences`, '{"name":', 400, 'ARC_ERR_VALIDATION'],
  ] as const)('%s', async (_name, method, url, body, status, code) => {
    const response =
      typeof body === 'string'
        ? await app
            .inject({
              method,
              url: url.replace('WEARER', wearerId),
              headers: { authorization: `Bearer ${tokens.administrator}`, 'content-type': 'application/json' },
              payload: body,
            })
            .then((r) => ({ status: r.statusCode, body: r.json() }))
        : await api(method, url.replace('WEARER', wearerId), body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it('a refused change changes nothing and audits nothing', async () => {
    const { body } = await api('POST', `/api/wearers/${wearerId}/geofences`, newZone({ name: 'Unchanged' }));
    const before = await lastAudit();
    expect(
      (
        await api('PATCH', `/api/geofences/${body.geofence.id}`, {
          name: 'Changed',
          shape: { ...HOME_CIRCLE, radiusM: 1 },
        })
      ).status,
    ).toBe(400);
    expect(await lastAudit()).toEqual(before);
    const listed = await api('GET', `/api/wearers/${wearerId}/geofences`);
    expect(listed.body.geofences.find((g: { id: string }) => g.id === body.geofence.id).name).toBe('Unchanged');
  });
});
