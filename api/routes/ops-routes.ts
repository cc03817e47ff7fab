// Health for load balancers and the metrics and audit log for supervisors.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listAudit } from '../store/audit-log.js';
import { parseInput } from './parse-input.js';
import type { RouteDeps } from './route-deps.js';

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
});

export function opsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/health/live', async () => ({ status: 'live' }));
  app.get('/health/ready', async (_request, reply) => {
    const database = await deps.databaseReady();
    // Cluster mode: without Redis this node still stores what its devices send, but its consoles
    // miss the other nodes' changes and commands miss devices on other nodes (README "Cluster").
    const redis = deps.redisReady?.();
    const ready = database && redis !== false;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      database: database ? 'up' : 'down',
      ...(redis !== undefined && { redis: redis ? 'up' : 'down' }),
    });
  });
  app.get('/api/console-config', { preHandler: deps.allow('administrator', 'supervisor', 'operator', 'carer') }, async () => ({
    mapTilesUrl: deps.config.ARC_MAP_TILES_URL === 'none' ? null : deps.config.ARC_MAP_TILES_URL,
    mapAttribution: deps.config.ARC_MAP_ATTRIBUTION,
    callUriTemplate: deps.config.ARC_CALL_URI_TEMPLATE,
    reverseGeocoding: deps.config.ARC_GEOCODER_URL !== undefined,
  }));
  app.get('/api/metrics', { preHandler: deps.allow('administrator', 'supervisor') }, async () => ({ metrics: deps.metrics.snapshot() }));
  app.get('/api/audit', { preHandler: deps.allow('administrator', 'supervisor') }, async (request) => {
    const { limit, before } = parseInput(AuditQuery, request.query);
    return { entries: await listAudit(deps.sql, limit, before) };
  });
}
