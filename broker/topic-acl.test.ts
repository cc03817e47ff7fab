import { describe, expect, it } from 'vitest';
import { canPublish, canSubscribe } from './topic-acl.js';

describe('canPublish', () => {
  it.each([
    ['arc/v1/devices/dev-1/location', 'location'],
    ['arc/v1/devices/dev-1/events', 'events'],
    ['arc/v1/devices/dev-1/status', 'status'],
    ['arc/v1/devices/dev-1/commands', null],
    ['arc/v1/devices/dev-2/events', null],
    ['arc/v1/devices/+/events', null],
    ['arc/v1/devices/dev-1/events/extra', null],
    ['arc/v2/devices/dev-1/events', null],
    ['arc/v1/devices/dev-1/', null],
    ['arc/v1/devices//events', null],
    ['arc/v1/devices/dev-1/constructor', null],
    ['arc/v1/devices/dev-1/__proto__', null],
    ['Arc/v1/devices/dev-1/events', null],
    ['xarc/v1/devices/dev-1/events', null],
    ['arc/v1/devicesx/dev-1/events', null],
    ['arc/v1/devices/dev-1/events/', null],
    ['$SYS/broker', null],
    ['', null],
  ])('dev-1 → %s: %s', (topic, channel) => {
    expect(canPublish('dev-1', topic)).toBe(channel);
  });
});

describe('canSubscribe', () => {
  it.each([
    ['arc/v1/devices/dev-1/commands', true],
    ['arc/v1/devices/dev-2/commands', false],
    ['arc/v1/devices/+/commands', false],
    ['arc/v1/devices/dev-1/#', false],
    ['#', false],
    ['arc/v1/devices/dev-1/events', false],
    ['$SYS/#', false],
  ])('dev-1 → %s: %s', (topic, allowed) => {
    expect(canSubscribe('dev-1', topic)).toBe(allowed);
  });
});
