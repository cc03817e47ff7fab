import { describe, expect, it } from 'vitest';
import { checkinExpected, shiftCanEnd, shiftFromCheckin } from './shift-rules.js';

const T0 = new Date('2026-11-23T08:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const PATTERN = { intervalS: 1800, lengthS: 8 * 3600, graceS: 120 };

describe('a shift started by checking in', () => {
  it('starts when the device has a pattern and no shift ran recently', () => {
    expect(shiftFromCheckin({ pattern: PATTERN, lastEndedAt: null, at: T0 })).toEqual({
      intervalS: 1800,
      graceS: 120,
      dueAt: at(1800),
      plannedEndAt: at(8 * 3600),
    });
    expect(shiftFromCheckin({ pattern: PATTERN, lastEndedAt: at(-1800), at: T0 })).not.toBeNull();
  });

  it('does not start without a pattern', () => {
    expect(shiftFromCheckin({ pattern: null, lastEndedAt: null, at: T0 })).toBeNull();
  });

  it('takes a check-in within one interval of the last shift’s end as that shift’s, not a new one', () => {
    expect(shiftFromCheckin({ pattern: PATTERN, lastEndedAt: at(-1799), at: T0 })).toBeNull();
    expect(shiftFromCheckin({ pattern: PATTERN, lastEndedAt: at(-1), at: T0 })).toBeNull();
  });
});

describe('the end of a shift', () => {
  it('expects check-ins due before the planned end only', () => {
    expect(checkinExpected(at(100), null)).toBe(true);
    expect(checkinExpected(at(99), at(100))).toBe(true);
    expect(checkinExpected(at(100), at(100))).toBe(false);
  });

  it('ends past the planned end once nothing is owed: the next check-in falls after the end, or the missed one was raised', () => {
    const end = at(3600);
    expect(shiftCanEnd({ plannedEndAt: end, dueAt: at(4000), missedAlarmId: null }, at(3599))).toBe(false);
    expect(shiftCanEnd({ plannedEndAt: end, dueAt: at(4000), missedAlarmId: null }, at(3600))).toBe(true);
    // A check-in was due inside the shift and has not been raised yet: wait for the sweep.
    expect(shiftCanEnd({ plannedEndAt: end, dueAt: at(3500), missedAlarmId: null }, at(3700))).toBe(false);
    expect(shiftCanEnd({ plannedEndAt: end, dueAt: at(3500), missedAlarmId: 'a1' }, at(3700))).toBe(true);
    expect(shiftCanEnd({ plannedEndAt: null, dueAt: at(0), missedAlarmId: null }, at(99999))).toBe(false);
  });
});
