import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../../api/live/console-contract.js';
import { shouldSound, waitingAlarms } from './alarm-attention.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const alarm = (over: Partial<AlarmView>): AlarmView =>
  ({
    id: 'a',
    priority: 1,
    status: 'raised',
    owner: null,
    receivedAt: new Date(T0).toISOString(),
    ...over,
  }) as AlarmView;
const ann = { id: 'u', name: 'Ann' };

describe('shouldSound: an unaccepted alarm keeps sounding by priority', () => {
  it.each<[string, AlarmView[], boolean, number, boolean]>([
    ['nothing open', [], true, 60_000, false],
    ['a P1 waiting, 9 s since the last sound', [alarm({})], true, 9_000, false],
    ['a P1 waiting, 10 s since', [alarm({})], true, 10_000, true],
    ['a P1 waiting, 10 minutes since', [alarm({})], true, 600_000, true],
    ['a P5 waiting, 60 s since', [alarm({ priority: 5 })], true, 60_000, false],
    ['a P5 waiting, 120 s since', [alarm({ priority: 5 })], true, 120_000, true],
    ['a P1 accepted', [alarm({ status: 'accepted', owner: ann })], true, 600_000, false],
    [
      'a P5 waiting beside an accepted P1: the P5 interval',
      [alarm({ status: 'accepted', owner: ann }), alarm({ id: 'b', priority: 5 })],
      true,
      30_000,
      false,
    ],
    ['connection lost, 30 s since', [], false, 30_000, true],
    ['connection lost, 10 s since', [], false, 10_000, false],
  ])('%s', (_name, alarms, connected, since, expected) => {
    expect(shouldSound({ alarms, connected, lastSoundAt: T0, now: T0 + since })).toBe(expected);
  });
});

describe('waitingAlarms', () => {
  it('lists the unaccepted, most urgent then oldest', () => {
    const later = new Date(T0 + 1000).toISOString();
    const list = waitingAlarms([
      alarm({ id: 'p3', priority: 3 }),
      alarm({ id: 'p1-late', receivedAt: later }),
      alarm({ id: 'held', owner: ann, status: 'accepted' }),
      alarm({ id: 'p1' }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['p1', 'p1-late', 'p3']);
  });
});
