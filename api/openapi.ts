// The OpenAPI 3.1 description of the HTTP API, built from the routes fastify registered and the
// zod schemas their handlers parse (api/routes/route-docs.ts), so it cannot drift from what is
// validated: z.toJSONSchema turns each schema into JSON Schema 2020-12, OpenAPI 3.1's dialect.
import { z } from 'zod';
import { ErrorCodes } from './errors.js';
import type { RouteDoc } from './routes/route-docs.js';

type JsonSchema = Record<string, unknown>;

/** A schema as the client must send it (io: input: defaults optional, coercions as their input). */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

/** Query and path parameters from an object schema; a parameter the schema does not name is a plain string. */
function parameters(where: 'path' | 'query', schema: z.ZodType | undefined, names: string[] = []): JsonSchema[] {
  const object = schema ? jsonSchema(schema) : {};
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  const all = [...new Set([...names, ...Object.keys(properties)])];
  return all.map((name) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: properties[name] ?? { type: 'string' },
  }));
}

export interface OpenApiOptions {
  version: string;
  routes: { method: string; url: string }[];
  docs: Record<string, RouteDoc>;
}

export function buildOpenApi({ version, routes, docs }: OpenApiOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { method, url } of routes) {
    const doc = docs[`${method} ${url}`];
    if (!doc) continue;
    const pathNames = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: JsonSchema = {
      summary: doc.summary,
      description: `Who: ${doc.who}`,
      operationId: `${method.toLowerCase()}${url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      tags: [url.split('/')[url.startsWith('/api/') ? 2 : 1] ?? 'root'],
      parameters: [...parameters('path', doc.params, pathNames), ...parameters('query', doc.query)],
      responses: {
        '200': { description: 'Done: the answer is JSON (see docs/reference/http-api.md)' },
        default: {
          description: 'An error: `{error: {code, message, details?}}`',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (doc.body)
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } };
    (paths[path] ??= {})[method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ArcAngel ARC HTTP API',
      version,
      description:
        'The HTTP API of the alarm-receiving centre. Staff log in (POST /api/auth/login) and send the token as a bearer token or the session cookie.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'arc_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { enum: Object.keys(ErrorCodes) }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The description as one plain HTML page: no script, no CDN, nothing the CSP would block. */
export function openApiHtml(document: JsonSchema): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, JsonSchema>>;
  let toc = '';
  let body = '';
  for (const path of Object.keys(paths).sort()) {
    for (const [method, op] of Object.entries(paths[path])) {
      const id = escape(String(op.operationId));
      toc += `<li><a href="#${id}"><code>${method.toUpperCase()} ${escape(path)}</code></a> ${escape(String(op.summary))}</li>\n`;
      const params = (op.parameters as JsonSchema[]).map(
        (p) =>
          `<li><code>${escape(String(p.name))}</code> (${p.in}${p.required ? ', required' : ''}): <code>${escape(JSON.stringify(p.schema))}</code></li>`,
      );
      const requestBody = op.requestBody as { content: { 'application/json': { schema: unknown } } } | undefined;
      body +=
        `<section id="${id}"><h2><code>${method.toUpperCase()} ${escape(path)}</code></h2>` +
        `<p>${escape(String(op.summary))}</p><p>${escape(String(op.description))}</p>` +
        (params.length ? `<h3>Parameters</h3><ul>${params.join('')}</ul>` : '') +
        (requestBody
          ? `<h3>JSON body</h3><pre>${escape(JSON.stringify(requestBody.content['application/json'].schema, null, 2))}</pre>`
          : '') +
        `</section>\n`;
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)} ${escape(info.version)}</title></head>
<body><h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>${escape(info.description)} The machine-readable description: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
<ul>
${toc}</ul>
${body}</body></html>
`;
}
