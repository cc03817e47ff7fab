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
    // OwnTracks: its own user level only (booklet "Topics": owntracks/user/device[/kind])
    ['owntracks/dev-1/phone', 'owntracks'],
    ['owntracks/dev-1/phone/event', 'owntracks'],
    ['owntracks/dev-1/phone/status', 'owntracks'],
    ['owntracks/dev-2/phone', null],
    ['owntracks/dev-10/phone', null],
    ['owntracks/dev/phone', null],
    ['owntracks/dev-1', null],
    ['owntracks/dev-1/', null],
    ['owntracks/dev-1//event', null],
    ['owntracks/dev-1/+', null],
    ['owntracks/dev-1/#', null],
    ['owntracks/+/phone', null],
    ['owntracks/dev-1/phone/event/extra', null],
    ['OwnTracks/dev-1/phone', null],
    ['owntracks//dev-1/phone', null],
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
    // OwnTracks takes remote commands on its own cmd topic; friends' topics stay closed
    ['owntracks/dev-1/phone/cmd', true],
    ['owntracks/dev-1/pixel/cmd', true],
    ['owntracks/dev-2/phone/cmd', false],
    ['owntracks/dev-1/+/cmd', false],
    ['owntracks/dev-1/#', false],
    ['owntracks/+/+/cmd', false],
    ['owntracks/dev-1/phone', false],
    ['owntracks/dev-1/phone/event', false],
    ['owntracks/+/+', false],
  ])('dev-1 → %s: %s', (topic, allowed) => {
    expect(canSubscribe('dev-1', topic)).toBe(allowed);
  });
});
