import { describe, expect, it } from 'vitest';
import { offeredErlangs, probabilityOfWaiting, serviceLevel } from './erlang-c.js';
import { simulateQueue } from './queue-simulation.js';

describe('the simulation agrees with Erlang C where Erlang C holds', () => {
  // The Call Centre Helper worked example (see erlang-c.test.ts): 100 calls per 30 min, 180 s
  // handling, 13 and 14 agents. One class, nobody gives up: M/M/N, Erlang C's own model.
  it.each([13, 14])('%i agents: share within 20 s and share that waited within 2.5 points', (agents) => {
    const a = offeredErlangs(100, 1800, 180);
    const result = simulateQueue({
      operators: agents,
      classes: [{ priority: 1, ratePerS: 100 / 1800 }],
      meanHandleS: 180,
      meanPatienceS: null,
      durationS: 200 * 3600,
      warmUpS: 3600,
      answerWithinS: [20],
      seed: 42,
    });
    expect(result.abandoned).toBe(0);
    expect(Math.abs(result.withinShare[0] - serviceLevel(agents, a, 180, 20))).toBeLessThan(0.025);
    expect(Math.abs(result.waitedShare - probabilityOfWaiting(agents, a))).toBeLessThan(0.025);
  });
});

describe('where Erlang C is blind', () => {
  const base = {
    operators: 3,
    classes: [
      { priority: 1, ratePerS: 4 / 3600 },
      { priority: 5, ratePerS: 26 / 3600 },
    ],
    meanHandleS: 300,
    durationS: 400 * 3600,
    warmUpS: 3600,
    answerWithinS: [10, 60],
    seed: 7,
  };

  it('answers the urgent class sooner than the routine one', () => {
    const result = simulateQueue({ ...base, meanPatienceS: null });
    const [urgent, routine] = result.byPriority;
    expect(urgent.withinShare[1]).toBeGreaterThan(routine.withinShare[1]);
  });

  it('callers who give up shorten the wait of those who stay: Erlang C is the cautious side', () => {
    const patient = simulateQueue({ ...base, meanPatienceS: null });
    const impatient = simulateQueue({ ...base, meanPatienceS: 60 });
    expect(impatient.abandoned).toBeGreaterThan(0);
    expect(impatient.meanWaitS).toBeLessThan(patient.meanWaitS);
  });

  it('is deterministic for a seed, and another seed differs', () => {
    const run = (seed: number) => simulateQueue({ ...base, meanPatienceS: 60, durationS: 10 * 3600, seed });
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });
});
