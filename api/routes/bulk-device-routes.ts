// POST /api/devices/bulk: a fleet at once. The provisioning itself (ids, secrets, wearers, the
// audit entry) is api/handling/bulk-provisioning.ts.
import type { FastifyInstance } from 'fastify';
import { DeviceBatch, provisionDevicesAudited } from '../handling/bulk-provisioning.js';
import { deviceConnection } from './device-connection.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

export { DeviceBatch };

export function bulkDeviceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/api/devices/bulk', { preHandler: deps.allow('administrator') }, async (request, reply) => {
    const batch = parseInput(DeviceBatch, request.body);
    const result = await provisionDevicesAudited(deps.sql, actorOf(request), batch);
    // The secrets are shown this once and stored only as slow hashes.
    return reply.status(201).send({
      devices: result.created.map((d) => ({ id: d.deviceId, secret: d.secret, wearerId: d.wearerId, connection: deviceConnection(deps.config, d.deviceId, d.secret) })),
      skipped: result.skipped,
    });
  });
}
