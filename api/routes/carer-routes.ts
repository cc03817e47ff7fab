// What a carer sees: only the people linked to them, with where and how they are. Every look at
// a wearer's position by a carer is audited.
import type { FastifyInstance } from 'fastify';
import { audit } from '../store/audit-log.js';
import { listCarerWearers } from '../store/carer-view-store.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

export function carerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/my/wearers', { preHandler: deps.allow('carer') }, async (request) => {
    const wearers = await listCarerWearers(deps.sql, request.user!.id);
    await audit(deps.sql, actorOf(request), 'carer.viewed_locations', null, { wearerIds: wearers.map((w) => w.id) });
    return { wearers };
  });
}
