// POST /api/devices/bulk: a fleet at once. The provisioning itself (ids, secrets, wearers, the
// audit entry) is api/handling/bulk-provisioning.ts.
import type { FastifyInstance } from 'fastify';
import { DeviceBatch, provisionDevicesAudited } from '../handling/bulk-provisioning.js';
import { deviceConnection } from './device-connection.js';
import { parseInput } from './parse-input.js';
import { ArcError } from '../errors.js';
import { organisationsOf } from '../store/tenancy-store.js';
import { actorOf, scopeOf } from './request-user.js';
import { organisationFilter } from './tenant-scope.js';
import type { RouteDeps } from './route-deps.js';

export { DeviceBatch };

export function bulkDeviceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/api/devices/bulk', { preHandler: deps.allow('administrator') }, async (request, reply) => {
    const parsed = parseInput(DeviceBatch, request.body);
    // As POST /api/devices: the organisation named (the tenant wall has checked it is the
    // caller's), else the caller's only one, else (serving all) the default organisation.
    if (parsed.organisationId && !(await organisationsOf(deps.sql, 'organisation', [parsed.organisationId])).size)
      throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
    const batch = {
      ...parsed,
      organisationId: organisationFilter(scopeOf(request), parsed.organisationId) ?? undefined,
    };
    const result = await provisionDevicesAudited(deps.sql, actorOf(request), batch);
    // The secrets are shown this once and stored only as slow hashes.
    return reply.status(201).send({
      devices: result.created.map((d) => ({
        id: d.deviceId,
        secret: d.secret,
        wearerId: d.wearerId,
        connection: deviceConnection(deps.config, d.deviceId, d.secret),
      })),
      skipped: result.skipped,
    });
  });
}
