import { describe, expect, it } from 'vitest';
import { floodGroups, type FloodCandidate } from './alarm-flood.js';

const T0 = Date.parse('2026-12-04T02:00:00Z');
const alarm = (id: string, type: string, minute: number, status = 'raised'): FloodCandidate => ({
  id,
  type,
  status,
  receivedAt: new Date(T0 + minute * 60_000).toISOString(),
});

describe('floodGroups', () => {
  it.each<[string, FloodCandidate[], string[][]]>([
    ['nothing open', [], []],
    ['two silent devices are not a flood', [alarm('a', 'no_comm', 0), alarm('b', 'no_comm', 1)], []],
    [
      'three silent devices within minutes',
      [alarm('a', 'no_comm', 0), alarm('b', 'no_comm', 1), alarm('c', 'no_comm', 3)],
      [['a', 'b', 'c']],
    ],
    [
      'a gap over five minutes splits',
      [
        alarm('a', 'no_comm', 0),
        alarm('b', 'no_comm', 1),
        alarm('c', 'no_comm', 2),
        alarm('d', 'no_comm', 9),
        alarm('e', 'no_comm', 10),
      ],
      [['a', 'b', 'c']],
    ],
    [
      'SOS is never grouped',
      [alarm('a', 'sos', 0), alarm('b', 'sos', 0), alarm('c', 'sos', 0), alarm('d', 'sos', 1)],
      [],
    ],
    [
      'duress and falls neither',
      [
        alarm('a', 'duress', 0),
        alarm('b', 'duress', 0),
        alarm('c', 'fall', 0),
        alarm('d', 'fall', 0),
        alarm('e', 'fall', 0),
      ],
      [],
    ],
    [
      'accepted alarms are being handled: left out',
      [alarm('a', 'no_comm', 0), alarm('b', 'no_comm', 1, 'accepted'), alarm('c', 'no_comm', 2)],
      [],
    ],
    [
      'two causes, two groups, the larger first',
      [
        alarm('a', 'power.off', 0),
        alarm('b', 'power.off', 0),
        alarm('c', 'power.off', 0),
        alarm('d', 'no_comm', 3),
        alarm('e', 'no_comm', 3),
        alarm('f', 'no_comm', 4),
        alarm('g', 'no_comm', 4),
      ],
      [
        ['d', 'e', 'f', 'g'],
        ['a', 'b', 'c'],
      ],
    ],
  ])('%s', (_name, alarms, expected) => {
    expect(floodGroups(alarms).map((g) => g.alarmIds)).toEqual(expected);
  });
});
