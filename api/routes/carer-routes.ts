// What a carer sees and sets: only the people linked to them, with where and how they are, their
// trail, their safe zones (changed only where the wearer's settings allow), and the carer's own
// notification preferences. A person not linked to the carer is "not found", whether they exist
// or not. Every answer carrying a location is audited (`carer.viewed_locations`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { audit } from '../store/audit-log.js';
import { deleteGeofence, insertGeofence, updateGeofence } from '../store/geofence-store.js';
import {
  CARER_VIEWED_LOCATIONS,
  getCarerPreferences,
  isLinked,
  isSafeZoneOf,
  listCarerWearers,
  listSafeZones,
  safeZonesEditable,
  saveCarerPreferences,
  wearerTrail,
} from '../store/carer-view-store.js';
import { CarerPreferences, SafeZoneInput, TrailQuery, type CarerSafeZone } from '../live/carer-contract.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

const WearerParams = z.object({ id: z.uuid() });
export const ZoneParams = z.object({ id: z.uuid(), zoneId: z.uuid() });

const DAY_MS = 24 * 3600_000;
/** The longest trail one request may ask for. */
const MAX_TRAIL_MS = 7 * DAY_MS;

const zoneOf = (g: CarerSafeZone): CarerSafeZone => ({
  id: g.id,
  name: g.name,
  shape: g.shape,
  activeHours: g.activeHours,
  enabled: g.enabled,
});

export function carerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  const carer = deps.allow('carer');

  /** The wearer of the URL, if linked to this carer; else 404, the same as for no such wearer. */
  async function linkedWearer(request: FastifyRequest): Promise<string> {
    const { id } = parseInput(WearerParams, request.params);
    if (!(await isLinked(sql, request.user!.id, id))) {
      // A carer trying someone else's person is worth knowing about (a mistyped link, or worse).
      await audit(sql, actorOf(request), 'carer.look_refused', id, {
        url: request.routeOptions.url,
        method: request.method,
      });
      throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    }
    return id;
  }

  async function editableZones(request: FastifyRequest): Promise<string> {
    const wearerId = await linkedWearer(request);
    if (!(await safeZonesEditable(sql, wearerId))) {
      throw new ArcError('ARC_ERR_FORBIDDEN', "This person's settings do not let carers change safe zones");
    }
    return wearerId;
  }

  const viewed = (request: FastifyRequest, wearerIds: string[], detail: Record<string, unknown>) =>
    audit(sql, actorOf(request), CARER_VIEWED_LOCATIONS, wearerIds.length === 1 ? wearerIds[0] : null, {
      wearerIds,
      ...detail,
    });

  app.get('/api/my/wearers', { preHandler: carer }, async (request) => {
    const wearers = await listCarerWearers(sql, request.user!.id, deps.now());
    await viewed(
      request,
      wearers.map((w) => w.id),
      { view: 'list' },
    );
    return { wearers };
  });

  app.get('/api/my/wearers/:id/trail', { preHandler: carer }, async (request) => {
    const wearerId = await linkedWearer(request);
    const query = parseInput(TrailQuery, request.query);
    const to = query.to ?? (query.from ? new Date(query.from.getTime() + DAY_MS) : deps.now());
    const from = query.from ?? new Date(to.getTime() - DAY_MS);
    if (to.getTime() - from.getTime() > MAX_TRAIL_MS || from >= to) {
      throw new ArcError('ARC_ERR_VALIDATION', 'A trail covers at most 7 days, from before to', [
        { field: 'from', message: 'at most 7 days before to' },
      ]);
    }
    const trail = await wearerTrail(sql, wearerId, from, to);
    await viewed(request, [wearerId], {
      view: 'trail',
      from: from.toISOString(),
      to: to.toISOString(),
      points: trail.points.length,
    });
    return { wearerId, from: from.toISOString(), to: to.toISOString(), ...trail };
  });

  app.get('/api/my/wearers/:id/zones', { preHandler: carer }, async (request) => {
    const wearerId = await linkedWearer(request);
    const [editable, zones] = await Promise.all([safeZonesEditable(sql, wearerId), listSafeZones(sql, wearerId)]);
    await viewed(request, [wearerId], { view: 'zones' });
    return { wearerId, editable, zones };
  });

  app.post('/api/my/wearers/:id/zones', { preHandler: carer }, async (request, reply) => {
    const wearerId = await editableZones(request);
    const input = parseInput(SafeZoneInput, request.body);
    const zone = await inTransaction(sql, async (tx) => {
      const created = await insertGeofence(tx, wearerId, { ...input, kind: 'safe' });
      await audit(tx, actorOf(request), 'geofence.created', created.id, {
        wearerId,
        by: 'carer',
        kind: 'safe',
        ...input,
      });
      return created;
    });
    deps.zonesChanged?.();
    return reply.status(201).send({ zone: zoneOf(zone) });
  });

  app.put('/api/my/wearers/:id/zones/:zoneId', { preHandler: carer }, async (request) => {
    const wearerId = await editableZones(request);
    const { zoneId } = parseInput(ZoneParams, request.params);
    const input = parseInput(SafeZoneInput, request.body);
    // An exclusion zone of this wearer is as unknown to a carer as another wearer's zone.
    if (!(await isSafeZoneOf(sql, wearerId, zoneId))) throw new ArcError('ARC_ERR_GEOFENCE_NOT_FOUND');
    const zone = await inTransaction(sql, async (tx) => {
      const updated = await updateGeofence(tx, zoneId, input);
      if (!updated) throw new ArcError('ARC_ERR_GEOFENCE_NOT_FOUND');
      await audit(tx, actorOf(request), 'geofence.updated', zoneId, { wearerId, by: 'carer', ...input });
      return updated;
    });
    deps.zonesChanged?.();
    return { zone: zoneOf(zone) };
  });

  app.delete('/api/my/wearers/:id/zones/:zoneId', { preHandler: carer }, async (request) => {
    const wearerId = await editableZones(request);
    const { zoneId } = parseInput(ZoneParams, request.params);
    if (!(await isSafeZoneOf(sql, wearerId, zoneId))) throw new ArcError('ARC_ERR_GEOFENCE_NOT_FOUND');
    await inTransaction(sql, async (tx) => {
      const zone = await deleteGeofence(tx, zoneId);
      if (!zone) throw new ArcError('ARC_ERR_GEOFENCE_NOT_FOUND');
      await audit(tx, actorOf(request), 'geofence.deleted', zoneId, {
        wearerId,
        by: 'carer',
        name: zone.name,
        kind: zone.kind,
      });
    });
    deps.zonesChanged?.();
    return { ok: true };
  });

  app.get('/api/my/preferences', { preHandler: carer }, async (request) => ({
    email: request.user!.email,
    preferences: await getCarerPreferences(sql, request.user!.id),
  }));

  app.put('/api/my/preferences', { preHandler: carer }, async (request) => {
    const preferences = parseInput(CarerPreferences, request.body);
    await inTransaction(sql, async (tx) => {
      await saveCarerPreferences(tx, request.user!.id, preferences, deps.now());
      await audit(tx, actorOf(request), 'carer.preferences_updated', request.user!.id, preferences);
    });
    return { email: request.user!.email, preferences };
  });
}
