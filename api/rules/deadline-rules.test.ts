import { describe, expect, it } from 'vitest';
import {
  batteryDecision,
  firedLate,
  missedCheckinDueAt,
  nextEscalation,
  silenceDueAt,
  type UnacceptedAlarm,
} from './deadline-rules.js';
import { loadConfig } from '../config.js';

const deadlines = loadConfig({}).ARC_ACCEPT_DEADLINES;
const T0 = new Date('2026-11-23T14:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);
const alarm = (over: Partial<UnacceptedAlarm> = {}): UnacceptedAlarm => ({
  status: 'raised',
  priority: 1,
  receivedAt: T0,
  escalationLevel: 0,
  isTest: false,
  ...over,
});

describe('nextEscalation (BS 8484: 10 s, then 40 s, for the highest priority)', () => {
  it.each([
    ['not yet overdue', alarm(), 9.999, null],
    ['overdue at 10 s', alarm(), 10, { level: 1, late: false, notifySupervisors: false }],
    ['supervisors not before 40 s', alarm({ escalationLevel: 1 }), 39, null],
    ['supervisors at 40 s', alarm({ escalationLevel: 1 }), 40, { level: 2, late: false, notifySupervisors: true }],
    ['nothing after level 2', alarm({ escalationLevel: 2 }), 4000, null],
    ['accepted in time: nothing', alarm({ status: 'accepted' }), 60, null],
    ['resolved: nothing', alarm({ status: 'resolved' }), 60, null],
    [
      'a test alarm calls in no supervisor',
      alarm({ escalationLevel: 1, isTest: true }),
      40,
      { level: 2, notifySupervisors: false },
    ],
    ['priority 3: overdue at 60 s', alarm({ priority: 3 }), 59, null],
    ['priority 3 at 60 s', alarm({ priority: 3 }), 60, { level: 1 }],
    ['found long after (a restart): late', alarm(), 300, { level: 1, late: true }],
  ] as const)('%s', (_name, a, seconds, expected) => {
    const result = nextEscalation(a, deadlines, at(seconds));
    if (expected === null) expect(result).toBeNull();
    else expect(result).toMatchObject(expected);
  });

  it('a restarted ARC escalates one level at a time, each once', () => {
    const first = nextEscalation(alarm(), deadlines, at(600))!;
    expect(first).toMatchObject({ level: 1, dueAt: at(10) });
    const second = nextEscalation(alarm({ escalationLevel: first.level }), deadlines, at(600))!;
    expect(second).toMatchObject({ level: 2, dueAt: at(40), late: true });
    expect(nextEscalation(alarm({ escalationLevel: second.level }), deadlines, at(600))).toBeNull();
  });
});

describe('other deadlines', () => {
  it('silence: heartbeat plus grace after last heard', () => {
    expect(silenceDueAt(T0, 300, 120)).toEqual(at(420));
  });
  it('missed check-in: grace after due', () => {
    expect(missedCheckinDueAt(T0, 120)).toEqual(at(120));
  });
  it('late means more than 5 s after due', () => {
    expect(firedLate(T0, at(5))).toBe(false);
    expect(firedLate(T0, at(5.001))).toBe(true);
  });
});

describe('batteryDecision: once per charge cycle', () => {
  it.each([
    [{ batt: 19, charging: false, raisedThisCycle: false }, 'raise'],
    [{ batt: 20, charging: false, raisedThisCycle: false }, null],
    [{ batt: 5, charging: true, raisedThisCycle: false }, null],
    [{ batt: undefined, charging: false, raisedThisCycle: false }, null],
    [{ batt: 12, charging: false, raisedThisCycle: true }, null],
    [{ batt: 25, charging: false, raisedThisCycle: true }, null],
    [{ batt: 30, charging: false, raisedThisCycle: true }, 'reset'],
    [{ batt: 12, charging: true, raisedThisCycle: true }, 'reset'],
  ] as const)('%j → %s', (b, expected) => {
    expect(batteryDecision({ ...b, thresholdPercent: 20 })).toBe(expected);
  });
});
