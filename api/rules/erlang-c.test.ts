import { describe, expect, it } from 'vitest';
import {
  erlangB,
  meanWait,
  offeredErlangs,
  operatorsNeeded,
  probabilityOfWaiting,
  serviceLevel,
  STAFFING_TARGETS,
} from './erlang-c.js';

/** Erlang C straight from its textbook form, with factorials: a second computation to check the recursion. */
function erlangCByFactorials(n: number, a: number): number {
  let sum = 0;
  let term = 1; // a^k / k!
  for (let k = 0; k < n; k += 1) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

describe('Erlang C against the published worked example', () => {
  // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
  // (callcentrehelper.com): 100 calls in 30 minutes, average handling time 3 minutes, target 80 %
  // answered within 20 s. Traffic intensity A = 100 × 180 / 1800 = 10 erlangs. With 11 agents it
  // gives P(wait) = 68.21 %, service level 39.0 % and an average speed of answer of 122.8 s;
  // 13 agents reach 79.6 % and 14 agents 88.8 %, so 14 are needed. Rechecked here by a
  // factorial-form computation (erlangCByFactorials) as well.
  const a = offeredErlangs(100, 1800, 180);
  it('has 10 erlangs of traffic', () => expect(a).toBe(10));

  it.each<[number, number, number, number]>([
    // agents, P(wait), service level (20 s), ASA (s)
    [11, 0.6821, 0.3896, 122.78],
    [12, 0.4494, 0.6402, 40.44],
    [13, 0.2853, 0.7956, 17.12],
    [14, 0.1741, 0.8884, 7.84],
    [15, 0.102, 0.9415, 3.67],
  ])('%i agents', (n, pw, sl, asa) => {
    expect(probabilityOfWaiting(n, a)).toBeCloseTo(pw, 4);
    expect(probabilityOfWaiting(n, a)).toBeCloseTo(erlangCByFactorials(n, a), 12);
    expect(serviceLevel(n, a, 180, 20)).toBeCloseTo(sl, 4);
    expect(meanWait(n, a, 180)).toBeCloseTo(asa, 2);
  });

  it('needs 14 agents for 80 % within 20 s', () => {
    expect(operatorsNeeded(a, 180, [{ withinS: 20, share: 0.8 }])).toBe(14);
  });
});

describe('Erlang B', () => {
  // Erlang B table (e.g. Wikipedia "Erlang (unit)", or any traffic table): 1 erlang on 1 line
  // blocks half the calls; 2 erlangs on 2 lines 2/5; 10 erlangs on 10 lines 0.2146.
  it.each<[number, number, number]>([
    [1, 1, 0.5],
    [2, 2, 0.4],
    [10, 10, 0.2146],
    [0, 5, 1],
  ])('%i lines, %f erlangs', (n, a, b) => expect(erlangB(n, a)).toBeCloseTo(b, 4));

  it('holds for hundreds of agents (no factorial overflow)', () => {
    const pw = probabilityOfWaiting(400, 380);
    expect(pw).toBeGreaterThan(0);
    expect(pw).toBeLessThan(1);
  });
});

describe('edges', () => {
  it('no traffic: nobody waits, nobody is needed', () => {
    expect(probabilityOfWaiting(0, 0)).toBe(0);
    expect(serviceLevel(0, 0, 60, 10)).toBe(1);
    expect(operatorsNeeded(0, 60, STAFFING_TARGETS[0].lines)).toBe(0);
  });
  it('as many operators as erlangs or fewer: everyone waits, forever', () => {
    expect(probabilityOfWaiting(3, 3)).toBe(1);
    expect(serviceLevel(2, 3, 60, 10)).toBe(0);
    expect(meanWait(3, 3, 60)).toBe(Number.POSITIVE_INFINITY);
  });
  it('refuses nonsense', () => {
    expect(() => erlangB(1.5, 1)).toThrow(RangeError);
    expect(() => offeredErlangs(1, 0, 1)).toThrow(RangeError);
  });
});

describe('the ARC targets', () => {
  // A quiet night hour: 2 alarms in the hour, 4 minutes each (A = 0.133 erlangs). One operator
  // answers 1 − 0.133·e^(−0.867·10/240) = 87.1 % within 10 s and 1 − 0.133·e^(−0.867·40/240) =
  // 88.5 % within 40 s: BS 8484's 98.5 % line needs a second operator. TSA's 99 % within 180 s
  // gives 1 − 0.133·e^(−0.65) = 93.0 % with one: two as well.
  const a = offeredErlangs(2, 3600, 240);
  it.each<[string, number]>([
    ['bs8484', 2],
    ['tsa', 2],
  ])('%s needs %i operators on a quiet night hour', (id, n) => {
    expect(serviceLevel(1, a, 240, 10)).toBeCloseTo(0.8714, 4);
    expect(operatorsNeeded(a, 240, STAFFING_TARGETS.find((t) => t.id === id)!.lines)).toBe(n);
  });

  it('BS 8484 is the harder of the two at a busy hour (30 alarms an hour, 5 minutes each)', () => {
    const busy = offeredErlangs(30, 3600, 300);
    const bs = operatorsNeeded(busy, 300, STAFFING_TARGETS[0].lines);
    const tsa = operatorsNeeded(busy, 300, STAFFING_TARGETS[1].lines);
    expect(bs).toBeGreaterThanOrEqual(tsa);
    // meets every line with bs, misses one with bs − 1
    expect(STAFFING_TARGETS[0].lines.every((l) => serviceLevel(bs, busy, 300, l.withinS) >= l.share)).toBe(true);
    expect(STAFFING_TARGETS[0].lines.every((l) => serviceLevel(bs - 1, busy, 300, l.withinS) >= l.share)).toBe(false);
  });
});
