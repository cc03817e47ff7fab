// Lone-worker shifts started from the device. The protocol has no "start shift" event, so the
// pattern (check-in interval and shift length) is agreed with the worker's manager and kept on
// the device; the worker starts a shift by checking in when none is running. Pure: the device's
// pattern, its last shift and the time come in; what to do comes out.

export interface ShiftPattern {
  intervalS: number;
  lengthS: number;
  /** How late a check-in may be before the missed-check-in alarm. */
  graceS: number;
}

export interface ShiftStart {
  intervalS: number;
  graceS: number;
  /** First check-in due one interval after the starting check-in. */
  dueAt: Date;
  plannedEndAt: Date;
}

const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

/**
 * A check-in while no shift is running starts one, if the device has a pattern. A check-in
 * within one interval of the end of the last shift is the late "I'm OK" of that shift, not the
 * start of another: a worker going home must not be put back under supervision by it.
 */
export function shiftFromCheckin(input: {
  pattern: ShiftPattern | null;
  lastEndedAt: Date | null;
  at: Date;
}): ShiftStart | null {
  const { pattern, lastEndedAt, at } = input;
  if (!pattern) return null;
  if (lastEndedAt && at.getTime() < plus(lastEndedAt, pattern.intervalS).getTime()) return null;
  return {
    intervalS: pattern.intervalS,
    graceS: pattern.graceS,
    dueAt: plus(at, pattern.intervalS),
    plannedEndAt: plus(at, pattern.lengthS),
  };
}

/** A check-in falling due at or after the shift's planned end is not expected: the shift is over. */
export function checkinExpected(dueAt: Date, plannedEndAt: Date | null): boolean {
  return plannedEndAt === null || dueAt.getTime() < plannedEndAt.getTime();
}

/**
 * A shift past its planned end is closed once nothing is owed inside it: its last check-in was
 * made (the next one falls after the end) or its missed check-in has raised its alarm.
 */
export function shiftCanEnd(
  shift: { plannedEndAt: Date | null; dueAt: Date; missedAlarmId: string | null },
  now: Date,
): boolean {
  if (!shift.plannedEndAt || now.getTime() < shift.plannedEndAt.getTime()) return false;
  return shift.missedAlarmId !== null || !checkinExpected(shift.dueAt, shift.plannedEndAt);
}
