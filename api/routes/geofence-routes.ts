// Geofences of a wearer: administrators and supervisors draw and change them, operators see them.
// Every change is audited with the zone as it became.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { audit } from '../store/audit-log.js';
import {
  deleteGeofence,
  insertGeofence,
  listGeofences,
  updateGeofence,
  type GeofenceChanges,
} from '../store/geofence-store.js';
import { getWearer } from '../store/wearer-store.js';
import { ActiveHours, GeofenceKind, GeofenceShape } from '../rules/geofence-zone.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

export const NewGeofenceInput = z.object({
  name: z.string().trim().min(1).max(200),
  kind: GeofenceKind,
  shape: GeofenceShape,
  activeHours: ActiveHours.nullable().default(null),
  enabled: z.boolean().default(true),
});
export const GeofenceUpdate = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  kind: GeofenceKind.optional(),
  shape: GeofenceShape.optional(),
  activeHours: ActiveHours.nullable().optional(),
  enabled: z.boolean().optional(),
});
export const IdParams = z.object({ id: z.uuid() });

const notFound = () => new ArcError('ARC_ERR_GEOFENCE_NOT_FOUND');

export function geofenceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  // Organisation managers too, for their own organisation's wearers (api/routes/tenant-scope.ts).
  const staff = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');
  const managers = deps.allow('administrator', 'supervisor', 'organisation_manager');

  async function requireWearer(wearerId: string) {
    if (!(await getWearer(sql, wearerId))) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
  }

  app.get('/api/wearers/:id/geofences', { preHandler: staff }, async (request) => {
    const { id } = parseInput(IdParams, request.params);
    await requireWearer(id);
    return { geofences: await listGeofences(sql, id) };
  });

  app.post('/api/wearers/:id/geofences', { preHandler: managers }, async (request, reply) => {
    const { id: wearerId } = parseInput(IdParams, request.params);
    const input = parseInput(NewGeofenceInput, request.body);
    await requireWearer(wearerId);
    const geofence = await inTransaction(sql, async (tx) => {
      const created = await insertGeofence(tx, wearerId, input);
      await audit(tx, actorOf(request), 'geofence.created', created.id, { wearerId, ...input });
      return created;
    });
    deps.zonesChanged?.();
    return reply.status(201).send({ geofence });
  });

  app.patch('/api/geofences/:id', { preHandler: managers }, async (request) => {
    const { id } = parseInput(IdParams, request.params);
    const changes: GeofenceChanges = parseInput(GeofenceUpdate, request.body);
    const geofence = await inTransaction(sql, async (tx) => {
      const updated = await updateGeofence(tx, id, changes);
      if (!updated) throw notFound();
      if (Object.keys(changes).length)
        await audit(tx, actorOf(request), 'geofence.updated', id, { wearerId: updated.wearerId, ...changes });
      return updated;
    });
    deps.zonesChanged?.();
    return { geofence };
  });

  app.delete('/api/geofences/:id', { preHandler: managers }, async (request) => {
    const { id } = parseInput(IdParams, request.params);
    await inTransaction(sql, async (tx) => {
      const geofence = await deleteGeofence(tx, id);
      if (!geofence) throw notFound();
      await audit(tx, actorOf(request), 'geofence.deleted', id, {
        wearerId: geofence.wearerId,
        name: geofence.name,
        kind: geofence.kind,
      });
    });
    deps.zonesChanged?.();
    return { ok: true };
  });
}
