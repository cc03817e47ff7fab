import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS, isFinalFailure, nextAttemptDelayMs } from './retry-schedule.js';

describe('nextAttemptDelayMs', () => {
  it.each([
    [0, 5_000],
    [1, 5_000],
    [2, 15_000],
    [3, 45_000],
    [4, 135_000],
    [5, 405_000],
    [6, MAX_DELAY_MS],
    [7, MAX_DELAY_MS],
    [50, MAX_DELAY_MS],
    [10_000, MAX_DELAY_MS],
  ])('after %i failed attempts waits %i ms', (attempts, delay) => {
    expect(nextAttemptDelayMs(attempts)).toBe(delay);
  });

  it('never waits less after more failures', () => {
    for (let attempts = 1; attempts < 60; attempts++) {
      expect(nextAttemptDelayMs(attempts + 1)).toBeGreaterThanOrEqual(nextAttemptDelayMs(attempts));
    }
  });
});

describe('isFinalFailure', () => {
  it.each([
    [1, 1, true],
    [1, 8, false],
    [7, 8, false],
    [8, 8, true],
    [9, 8, true],
  ])('%i attempts of %i allowed → final %s', (attempts, max, final) => {
    expect(isFinalFailure(attempts, max)).toBe(final);
  });
});
