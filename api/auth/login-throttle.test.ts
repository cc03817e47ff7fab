import { describe, expect, it } from 'vitest';
import { ACCOUNT, ADDRESS, FORGIVE_AFTER_MS, loginWaitMs } from './login-throttle.js';

const at = (ms: number) => new Date(1_800_000_000_000 + ms);

describe('loginWaitMs', () => {
  it.each([
    [0, null, 0, 0],
    [4, 0, 0, 0],
    [5, 0, 0, 1000],
    [5, 0, 400, 600],
    [5, 0, 1000, 0],
    [6, 0, 0, 2000],
    [9, 0, 0, 16000],
    [40, 0, 0, ACCOUNT.maxWaitMs],
    [5000, 0, 0, ACCOUNT.maxWaitMs],
    [40, 0, FORGIVE_AFTER_MS, 0],
  ])('%i attempts, last at %s, asked at %i → wait %i ms', (attempts, last, now, wait) => {
    expect(loginWaitMs(attempts, last === null ? null : at(last), at(now))).toBe(wait);
  });

  it('an address shared by a whole control room gets many more attempts, and never a long wait', () => {
    expect(loginWaitMs(ADDRESS.free - 1, at(0), at(0), ADDRESS)).toBe(0);
    expect(loginWaitMs(10_000, at(0), at(0), ADDRESS)).toBe(60_000);
  });
});
