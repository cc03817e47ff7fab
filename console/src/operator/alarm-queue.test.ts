// The queue's order kept incrementally (issue 14) must be the order a full sort gives, whatever
// arrives, changes and goes.
import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../../api/live/console-contract.js';
import { applyAlarm, orderedAlarms, resortOne, type AlarmQueue } from './alarm-queue.js';
import { waitingAlarms, waitingForAccept } from './alarm-attention.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const ann = { id: 'u', name: 'Ann' };

/** A small deterministic random source, so a failure can be rerun. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function randomAlarm(next: () => number, id: string): AlarmView {
  const held = next() < 0.3;
  return {
    id,
    priority: 1 + Math.floor(next() * 5),
    status: next() < 0.1 ? 'resolved' : held ? 'accepted' : 'raised',
    owner: held ? ann : null,
    // Few distinct times: ties are broken by the id.
    receivedAt: new Date(T0 + Math.floor(next() * 20) * 1000).toISOString(),
  } as AlarmView;
}

describe('resortOne: the order kept by binary search', () => {
  it.each([1, 2, 3])('matches a full sort after a thousand random pushes (seed %i)', (seed) => {
    const next = random(seed);
    const queue: AlarmQueue = new Map();
    const sorted: AlarmView[] = [];
    for (let i = 0; i < 1000; i++) {
      const pushed = randomAlarm(next, `a${Math.floor(next() * 150)}`);
      const before = queue.get(pushed.id);
      applyAlarm(queue, pushed);
      resortOne(sorted, before, queue.get(pushed.id));
      if (i % 97 === 0) expect(sorted).toEqual(orderedAlarms(queue));
    }
    expect(sorted).toEqual(orderedAlarms(queue));
    expect(sorted.length).toBe(queue.size);
  });

  it('gives the alarms nobody holds in the arrivals order (waitingAlarms) when filtered', () => {
    const next = random(7);
    const queue: AlarmQueue = new Map();
    for (let i = 0; i < 300; i++) applyAlarm(queue, randomAlarm(next, `b${String(i).padStart(3, '0')}`));
    expect(
      orderedAlarms(queue)
        .filter(waitingForAccept)
        .map((a) => a.id),
    ).toEqual(waitingAlarms(queue.values()).map((a) => a.id));
  });
});
