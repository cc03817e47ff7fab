import { describe, expect, it } from 'vitest';
import { AddressFailures, FREE_ATTEMPTS_PER_ADDRESS, MAX_WAIT_MS, loginWaitMs } from './login-throttle.js';

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
    [40, 0, 0, MAX_WAIT_MS],
  ])('%i failures, last at %s, asked at %i → wait %i ms', (failures, last, now, wait) => {
    expect(loginWaitMs(failures, last === null ? null : at(last), at(now))).toBe(wait);
  });
});

describe('AddressFailures', () => {
  it('slows an address down after its free attempts and forgives it after a success', () => {
    const addresses = new AddressFailures();
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS; i++) addresses.failed('10.0.0.1', at(i));
    expect(addresses.waitMs('10.0.0.1', at(FREE_ATTEMPTS_PER_ADDRESS))).toBeGreaterThan(0);
    expect(addresses.waitMs('10.0.0.2', at(FREE_ATTEMPTS_PER_ADDRESS))).toBe(0);
    addresses.succeeded('10.0.0.1');
    expect(addresses.waitMs('10.0.0.1', at(FREE_ATTEMPTS_PER_ADDRESS))).toBe(0);
  });

  it('a quiet hour starts the count again', () => {
    const addresses = new AddressFailures();
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS; i++) addresses.failed('a', at(0));
    addresses.failed('a', at(2 * 3600_000));
    expect(addresses.waitMs('a', at(2 * 3600_000))).toBe(0);
  });
});
