// Lone-worker shifts: a manager (through the API) starts a shift with a check-in interval; each
// `checkin` from the device restarts the timer; a missed check-in past its grace raises an alarm.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../../protocol/device-topics.js';
import { ArcError } from '../errors.js';
import { audit } from '../store/audit-log.js';
import { endShift, openShift, startShift } from '../store/shift-store.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

const DeviceParams = z.object({ id: z.string().regex(DEVICE_ID_PATTERN) });
const NewShift = z.object({
  intervalS: z.number().int().min(60).max(86400),
  graceS: z.number().int().min(0).max(3600).optional(),
});

export function shiftRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const staff = deps.allow('administrator', 'supervisor', 'operator');

  app.get('/api/devices/:id/shift', { preHandler: staff }, async (request) => ({
    shift: await openShift(deps.sql, parseInput(DeviceParams, request.params).id),
  }));

  app.post('/api/devices/:id/shift', { preHandler: staff }, async (request, reply) => {
    const { id } = parseInput(DeviceParams, request.params);
    const input = parseInput(NewShift, request.body);
    const [device] = await deps.sql<{ wearerId: string | null }[]>`select wearer_id from devices where id = ${id}`;
    if (!device) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
    const actor = actorOf(request);
    const shift = await startShift(deps.sql, {
      deviceId: id,
      wearerId: device.wearerId,
      intervalS: input.intervalS,
      graceS: input.graceS ?? deps.config.ARC_CHECKIN_GRACE_S,
      by: actor.name,
      at: deps.now(),
    });
    await audit(deps.sql, actor, 'shift.started', id, { intervalS: shift.intervalS, graceS: shift.graceS });
    return reply.status(201).send({ shift });
  });

  app.delete('/api/devices/:id/shift', { preHandler: staff }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    const shift = await endShift(deps.sql, id, deps.now());
    if (!shift) throw new ArcError('ARC_ERR_NOT_FOUND', 'This device has no shift running');
    await audit(deps.sql, actorOf(request), 'shift.ended', id);
    return { shift };
  });
}
