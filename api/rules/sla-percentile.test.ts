import { describe, expect, it } from 'vitest';
import { nearestRank } from './sla-percentile.js';

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('nearestRank: the value at rank ⌈p/100 × n⌉', () => {
  it.each<[string, number[], number, number | null]>([
    ['no values', [], 50, null],
    ['one value, median', [7], 50, 7],
    ['one value, 95th', [7], 95, 7],
    ['two values: the median is the lower one, not the mean', [2, 1], 50, 1],
    ['two values, 95th', [1, 2], 95, 2],
    ['three values, unsorted', [3, 1, 2], 50, 2],
    ['four values, median (rank 2)', [4, 10, 12.5, 45], 50, 10],
    ['1..20, 95th (rank 19)', upTo(20), 95, 19],
    ['1..21, 95th (rank ⌈19.95⌉ = 20)', upTo(21), 95, 20],
    ['1..100, 95th (rank 95)', upTo(100), 95, 95],
    ['1..100, 100th is the largest', upTo(100), 100, 100],
    ['duplicates', [5, 5, 5, 1], 50, 5],
  ])('%s', (_, values, p, expected) => {
    expect(nearestRank(values, p)).toBe(expected);
  });

  it('does not reorder what it is given', () => {
    const values = [3, 1, 2];
    nearestRank(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it.each([0, -1, 101, Number.NaN])('refuses percentile %s', (p) => {
    expect(() => nearestRank([1], p)).toThrow(RangeError);
  });
});
