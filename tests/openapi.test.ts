// The OpenAPI description stays true: every route fastify registered is in it (a new route without
// an entry in api/routes/route-docs.ts fails here), with the zod schemas its handler parses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../api/routes/route-docs.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  await t?.close();
});

/** Every route but the console's static files (the @fastify/static wildcard). */
const apiRoutes = () => t.arc.routes.filter((r) => r.url !== '/*' && r.url !== '/');

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with info and paths', async () => {
    const { status, body } = await t.api('GET', '/api/openapi.json', undefined, null);
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\.1\.\d+$/);
    expect(body.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(body.paths).length).toBeGreaterThan(40);
    for (const operations of Object.values<Record<string, any>>(body.paths)) {
      for (const operation of Object.values(operations)) expect(operation.responses).toBeDefined();
    }
  });

  it('holds every registered route, and route-docs names no route that does not exist', async () => {
    const { body } = await t.api('GET', '/api/openapi.json', undefined, null);
    const routes = apiRoutes();
    expect(routes.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThan(60);
    const undocumented = routes.filter((r) => !ROUTE_DOCS[`${r.method} ${r.url}`]).map((r) => `${r.method} ${r.url}`);
    expect(undocumented).toEqual([]);
    const missing = routes
      .filter((r) => !body.paths[r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
    const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(ROUTE_DOCS).filter((key) => !registered.has(key))).toEqual([]);
  });

  it('describes bodies, queries and path parameters from the zod schemas the routes parse', async () => {
    const { body } = await t.api('GET', '/api/openapi.json', undefined, null);
    const login = body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { email: expect.any(Object), password: expect.any(Object) },
    });
    const audit = body.paths['/api/audit'].get;
    expect(audit.parameters.map((p: any) => [p.name, p.in])).toEqual(
      expect.arrayContaining([
        ['limit', 'query'],
        ['before', 'query'],
      ]),
    );
    const device = body.paths['/api/devices/{id}'].patch;
    expect(device.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    expect(body.components.schemas.Error.properties.error.properties.code.enum).toContain('ARC_ERR_VALIDATION');
  });

  it('has a browsable plain HTML page listing every path', async () => {
    const response = await fetch(`${t.httpUrl}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('/api/openapi.json');
    expect(html).toContain('POST /api/alarms/{id}/accept');
    expect(html).toContain('GET /api/devices/{id}');
  });
});
