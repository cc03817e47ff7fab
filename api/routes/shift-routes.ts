// Lone-worker shifts: a manager (through the API) starts a shift with a check-in interval; each
// `checkin` from the device restarts the timer; a missed check-in past its grace raises an alarm.
// A device may also carry a shift pattern (interval, length, grace) agreed with the worker's
// manager: the worker then starts a shift from the device by checking in (shift-rules.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../../protocol/device-topics.js';
import { ArcError } from '../errors.js';
import { audit } from '../store/audit-log.js';
import { endShift, getShiftPattern, openShift, setShiftPattern, startShift } from '../store/shift-store.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';
import { insertCommand } from '../store/command-store.js';

/**
 * The device is told its pattern in a `config` command (`shift: {intervalS, lengthS, graceS}`, or
 * `null` when removed; a field of this ARC's own, the spec's config ends in "…"), so that the
 * lone-worker app can offer "Start shift" and show when the next check-in is due. A device that
 * does not know the field ignores it.
 */
const shiftConfig = (shift: { intervalS: number; lengthS: number; graceS: number } | null) => ({
  id: `c-${randomUUID()}`,
  type: 'config' as const,
  shift,
});

/**
 * The ARC ended the running shift early: a `config` with `shiftEndedAt` (ms, the ARC's clock; a
 * field of this ARC's own). The lone-worker app stops showing a shift it started before then.
 */
const shiftEndedConfig = (at: Date) => ({
  id: `c-${randomUUID()}`,
  type: 'config' as const,
  shiftEndedAt: at.getTime(),
});

/**
 * Staff started a shift (POST /api/devices/:id/shift): a `config` with `shiftStarted` (times in ms,
 * the ARC's clock; `plannedEndAt` null when it runs until ended), so the lone-worker app shows it
 * and moves its next check-in as the wearer checks in.
 */
const shiftStartedConfig = (shift: { startedAt: Date; dueAt: Date; plannedEndAt: Date | null; intervalS: number }) => ({
  id: `c-${randomUUID()}`,
  type: 'config' as const,
  shiftStarted: {
    startedAt: shift.startedAt.getTime(),
    dueAt: shift.dueAt.getTime(),
    plannedEndAt: shift.plannedEndAt?.getTime() ?? null,
    intervalS: shift.intervalS,
  },
});

export const DeviceParams = z.object({ id: z.string().regex(DEVICE_ID_PATTERN) });
const IntervalS = z
  .number()
  .int()
  .min(60, 'a check-in interval is at least 60 s')
  .max(86400, 'a check-in interval is at most a day');
const LengthS = z.number().int().min(600, 'a shift is at least 10 minutes').max(86400, 'a shift is at most a day');
const GraceS = z.number().int().min(0).max(3600);
export const NewShift = z.object({
  intervalS: IntervalS,
  graceS: GraceS.optional(),
  /** The shift ends by itself after this long; without it, it runs until ended here. */
  lengthS: LengthS.optional(),
});
export const PatternInput = z
  .object({ intervalS: IntervalS, lengthS: LengthS, graceS: GraceS.optional() })
  .refine((p) => p.intervalS < p.lengthS, {
    path: ['intervalS'],
    message: 'the check-in interval must be shorter than the shift',
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
    const shift = await inTransaction(deps.sql, async (tx) => {
      const started = await startShift(tx, {
        deviceId: id,
        wearerId: device.wearerId,
        intervalS: input.intervalS,
        graceS: input.graceS ?? deps.config.ARC_CHECKIN_GRACE_S,
        lengthS: input.lengthS,
        by: actor.name,
        at: deps.now(),
      });
      await audit(tx, actor, 'shift.started', id, {
        intervalS: started.intervalS,
        graceS: started.graceS,
        lengthS: input.lengthS ?? null,
      });
      await insertCommand(tx, id, shiftStartedConfig(started));
      return started;
    });
    deps.commandsQueued?.(id);
    return reply.status(201).send({ shift });
  });

  app.delete('/api/devices/:id/shift', { preHandler: staff }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    const now = deps.now();
    const shift = await inTransaction(deps.sql, async (tx) => {
      const ended = await endShift(tx, id, now);
      if (!ended) throw new ArcError('ARC_ERR_NOT_FOUND', 'This device has no shift running');
      await audit(tx, actorOf(request), 'shift.ended', id);
      // The phone reckons its shift from the pattern: told that it ended, its display stops.
      await insertCommand(tx, id, shiftEndedConfig(now));
      return ended;
    });
    deps.commandsQueued?.(id);
    return { shift };
  });

  // The pattern a wearer's check-in starts a shift with (administrators and supervisors).
  const managers = deps.allow('administrator', 'supervisor');

  app.get('/api/devices/:id/shift-pattern', { preHandler: staff }, async (request) => {
    const found = await getShiftPattern(deps.sql, parseInput(DeviceParams, request.params).id);
    if (!found) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
    return found;
  });

  app.put('/api/devices/:id/shift-pattern', { preHandler: managers }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    const input = parseInput(PatternInput, request.body);
    const pattern = { ...input, graceS: input.graceS ?? deps.config.ARC_CHECKIN_GRACE_S };
    await inTransaction(deps.sql, async (tx) => {
      if (!(await setShiftPattern(tx, id, pattern))) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
      await audit(tx, actorOf(request), 'shift.pattern_set', id, pattern);
      await insertCommand(tx, id, shiftConfig(pattern));
    });
    deps.commandsQueued?.(id);
    return { pattern };
  });

  app.delete('/api/devices/:id/shift-pattern', { preHandler: managers }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    await inTransaction(deps.sql, async (tx) => {
      if (!(await setShiftPattern(tx, id, null))) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
      await audit(tx, actorOf(request), 'shift.pattern_removed', id);
      await insertCommand(tx, id, shiftConfig(null));
    });
    deps.commandsQueued?.(id);
    return { pattern: null };
  });
}
