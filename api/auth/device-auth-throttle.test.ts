import { describe, expect, it } from 'vitest';
import {
  DEVICE_ADDRESS,
  DEVICE_AT_ADDRESS,
  createDeviceAuthThrottle,
  deviceCredentialKey,
} from './device-auth-throttle.js';
import { FORGIVE_AFTER_MS } from './login-throttle.js';

const at = (ms: number) => new Date(1_800_000_000_000 + ms);

describe('device credential throttle', () => {
  it('a credential failing at one address waits after a handful, doubling; not at another address', () => {
    const throttle = createDeviceAuthThrottle();
    for (let i = 1; i < DEVICE_AT_ADDRESS.free; i++) expect(throttle.failed('device:a', '10.0.0.1', at(0))).toBeNull();
    expect(throttle.failed('device:a', '10.0.0.1', at(0))).toEqual({ waitMs: 1000, reason: 'credential_throttled' });
    expect(throttle.credentialWaitMs('device:a', '10.0.0.1', at(400))).toBe(600);
    expect(throttle.credentialWaitMs('device:a', '10.0.0.2', at(400))).toBe(0);
    expect(throttle.credentialWaitMs('device:a', '10.0.0.1', at(1000))).toBe(0);
    expect(throttle.failed('device:a', '10.0.0.1', at(1000))).toEqual({ waitMs: 2000, reason: 'credential_throttled' });
  });

  it('a right credential forgives its mistakes at that address; an hour of quiet forgives too', () => {
    const throttle = createDeviceAuthThrottle();
    for (let i = 0; i < 10; i++) throttle.failed('device:a', 'x', at(0));
    throttle.succeeded('device:a', 'x');
    expect(throttle.credentialWaitMs('device:a', 'x', at(0))).toBe(0);
    for (let i = 0; i < 10; i++) throttle.failed('device:b', 'y', at(0));
    expect(throttle.credentialWaitMs('device:b', 'y', at(FORGIVE_AFTER_MS))).toBe(0);
    expect(throttle.failed('device:b', 'y', at(FORGIVE_AFTER_MS))).toBeNull();
  });

  it('an address failing with many credentials: its next failures are 429 too, never for long', () => {
    const throttle = createDeviceAuthThrottle();
    for (let i = 1; i < DEVICE_ADDRESS.free; i++) expect(throttle.failed(`device:d${i}`, 'nat', at(0))).toBeNull();
    expect(throttle.failed('device:another', 'nat', at(0))).toEqual({ waitMs: 1000, reason: 'address_throttled' });
    for (let i = 0; i < 50; i++) throttle.failed(`device:e${i}`, 'nat', at(0));
    expect(throttle.failed('device:last', 'nat', at(0))?.waitMs).toBe(DEVICE_ADDRESS.maxWaitMs);
    // the address never holds a credential before it is checked (a right one from there is taken)
    expect(throttle.credentialWaitMs('device:fresh', 'nat', at(0))).toBe(0);
  });

  it('keys a device credential by its id and the secret offered, without the secret itself: a wrong secret held never holds the right one', () => {
    const throttle = createDeviceAuthThrottle();
    const old = deviceCredentialKey('phone-1', 'the-old-secret');
    expect(old).not.toContain('the-old-secret');
    expect(deviceCredentialKey('phone-1', Buffer.from('the-old-secret'))).toBe(old);
    for (let i = 0; i < DEVICE_AT_ADDRESS.free; i++) throttle.failed(old, 'home', at(0));
    expect(throttle.credentialWaitMs(old, 'home', at(0))).toBeGreaterThan(0);
    expect(throttle.credentialWaitMs(deviceCredentialKey('phone-1', 'the-right-secret'), 'home', at(0))).toBe(0);
  });
});
