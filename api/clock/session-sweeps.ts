// Amber sessions that ran out and lone-worker check-ins that were missed raise their alarms;
// shifts past their planned end close once nothing is owed in them.
import { firedLate, missedCheckinDueAt } from '../rules/deadline-rules.js';
import { raiseSystemAlarm, type Placed } from '../handling/raise-alarm.js';
import { expireAmberSession, lockDueAmberSessions } from '../store/amber-store.js';
import { closeShift, lockMissedCheckins, lockShiftsPastEnd, markCheckinMissed } from '../store/shift-store.js';
import { shiftCanEnd } from '../rules/shift-rules.js';
import { audit } from '../store/audit-log.js';
import { SYSTEM_ACTOR } from '../domain/actor.js';
import type { ClockContext, ClockEffect } from './deadline-clock.js';

const effectOf = (placed: Placed): ClockEffect =>
  'raised' in placed ? { change: 'raised', alarmId: placed.raised } : { change: 'updated', alarmId: placed.updated };
const alarmIdOf = (placed: Placed) => ('raised' in placed ? placed.raised : placed.updated);
const positionOf = (r: { lat: number | null; lon: number | null; acc: number | null }) =>
  r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon, acc: r.acc };

/** "Expect me out in 45 minutes" and the wearer did not say they were out: raise, with the note. */
export async function expireAmberSessions(ctx: ClockContext): Promise<ClockEffect[]> {
  const effects: ClockEffect[] = [];
  for (const session of await lockDueAmberSessions(ctx.tx, ctx.now)) {
    const placed = await raiseSystemAlarm(ctx.tx, ctx.raising, {
      deviceId: session.deviceId,
      wearerId: session.wearerId,
      type: 'amber.expired',
      at: ctx.now,
      position: positionOf(session),
      flags: { dueAt: session.dueAt.toISOString(), ...(firedLate(session.dueAt, ctx.now) && { late: true }) },
      sessionNote: session.note,
    });
    await expireAmberSession(ctx.tx, session.id, alarmIdOf(placed), ctx.now);
    effects.push(effectOf(placed));
  }
  return effects;
}

export async function raiseMissedCheckins(ctx: ClockContext): Promise<ClockEffect[]> {
  const effects: ClockEffect[] = [];
  for (const shift of await lockMissedCheckins(ctx.tx, ctx.now)) {
    const dueAt = missedCheckinDueAt(shift.dueAt, shift.graceS);
    const placed = await raiseSystemAlarm(ctx.tx, ctx.raising, {
      deviceId: shift.deviceId,
      wearerId: shift.wearerId,
      type: 'checkin.missed',
      at: ctx.now,
      position: positionOf(shift),
      flags: {
        checkinDueAt: shift.dueAt.toISOString(),
        intervalS: shift.intervalS,
        ...(firedLate(dueAt, ctx.now) && { late: true }),
      },
    });
    await markCheckinMissed(ctx.tx, shift.id, alarmIdOf(placed));
    effects.push(effectOf(placed));
  }
  return effects;
}

/** Shifts past their planned end close (at that end) once their last check-in is settled. */
export async function endFinishedShifts(ctx: ClockContext): Promise<ClockEffect[]> {
  for (const shift of await lockShiftsPastEnd(ctx.tx, ctx.now)) {
    if (!shiftCanEnd(shift, ctx.now)) continue;
    await closeShift(ctx.tx, shift.id, shift.plannedEndAt!);
    await audit(ctx.tx, SYSTEM_ACTOR, 'shift.ended', shift.deviceId, {
      plannedEndAt: shift.plannedEndAt!.toISOString(),
      startedBy: shift.startedBy,
    });
  }
  return []; // no alarm changes
}
