// GET /api/openapi.json and its browsable page GET /api/docs (api/openapi.ts). Built on first
// request, once every route is registered. Public: it describes the API, it holds no data.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildOpenApi, openApiHtml } from '../openapi.js';
import { ROUTE_DOCS } from './route-docs.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function openApiRoutes(app: FastifyInstance, routes: { method: string; url: string }[]): void {
  let document: Record<string, unknown> | null = null;
  const describe = () => (document ??= buildOpenApi({ version: VERSION, routes, docs: ROUTE_DOCS }));
  app.get('/api/openapi.json', async () => describe());
  app.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(openApiHtml(describe())));
}
