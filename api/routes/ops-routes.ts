// Health for load balancers and the metrics and audit log for supervisors.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit, listAudit, listAuditActions, type AuditFilter } from '../store/audit-log.js';
import { csvTable } from '../rules/insight-csv.js';
import { actorOf, scopeOf } from './request-user.js';
import { parseInput } from './parse-input.js';
import type { RouteDeps } from './route-deps.js';

/** The most entries one CSV export holds (the newest that match); narrow the filter for more. */
export const AUDIT_CSV_MAX = 100_000;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
  actor: z.string().trim().max(200).optional(),
  about: z.string().trim().max(200).optional(),
  /** One action, or several separated by commas. */
  action: z.string().trim().max(2000).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

function auditFilter(q: z.infer<typeof AuditQuery>): AuditFilter {
  const actions = q.action
    ?.split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return {
    ...(q.actor && { actor: q.actor }),
    ...(q.about && { about: q.about }),
    ...(actions?.length && { actions }),
    ...(q.from && { from: new Date(q.from) }),
    ...(q.to && { to: new Date(q.to) }),
    ...(q.before !== undefined && { before: q.before }),
  };
}

export function opsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/health/ready', async (_request, reply) => {
    const database = await deps.databaseReady();
    // Cluster mode: without Redis this node still stores what its devices send, but its consoles
    // miss the other nodes' changes and commands miss devices on other nodes (docs/guides/cluster.md).
    const redis = deps.redisReady?.();
    const ready = database && redis !== false;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      database: database ? 'up' : 'down',
      ...(redis !== undefined && { redis: redis ? 'up' : 'down' }),
    });
  });
  app.get(
    '/api/console-config',
    { preHandler: deps.allow('administrator', 'supervisor', 'operator', 'carer', 'organisation_manager') },
    async () => ({
      mapTilesUrl: deps.config.ARC_MAP_TILES_URL === 'none' ? null : deps.config.ARC_MAP_TILES_URL,
      mapAttribution: deps.config.ARC_MAP_ATTRIBUTION,
      callUriTemplate: deps.config.ARC_CALL_URI_TEMPLATE,
      reverseGeocoding: deps.config.ARC_GEOCODER_URL !== undefined,
    }),
  );
  app.get('/api/metrics', { preHandler: deps.allow('administrator', 'supervisor') }, async () => ({
    metrics: deps.metrics.snapshot(),
  }));
  // Filtered and paged newest first (`nextBefore` asks for the next page); format=csv is the
  // whole selection as a file, itself audited (it may carry who looked at whom).
  // An organisation manager reads the entries about their own organisation (staff serving a set, theirs).
  const auditors = deps.allow('administrator', 'supervisor', 'organisation_manager');
  app.get('/api/audit', { preHandler: auditors }, async (request, reply) => {
    const query = parseInput(AuditQuery, request.query);
    const filter = { ...auditFilter(query), organisationIds: scopeOf(request).organisationIds };
    if (query.format === 'csv') {
      const entries = await listAudit(deps.sql, AUDIT_CSV_MAX, filter);
      await audit(deps.sql, actorOf(request), 'audit.exported', null, {
        filter: { ...query, format: undefined, limit: undefined },
        entries: entries.length,
      });
      const rows = entries.map(
        (e) => [e.id, e.at.toISOString(), e.actor, e.action, e.target, JSON.stringify(e.detail)] as const,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit_${deps.now().toISOString().slice(0, 10)}.csv"`)
        .send(csvTable(['id', 'at', 'actor', 'action', 'target', 'detail'], rows));
    }
    const entries = await listAudit(deps.sql, query.limit, filter);
    return { entries, nextBefore: entries.length === query.limit ? Number(entries.at(-1)!.id) : null };
  });
  app.get('/api/audit/actions', { preHandler: auditors }, async (request) => ({
    actions: await listAuditActions(deps.sql, scopeOf(request).organisationIds),
  }));
}
