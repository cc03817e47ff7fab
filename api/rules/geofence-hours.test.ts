import { describe, expect, it } from 'vitest';
import { activeForMs, isActiveAt, localSecondOfDay } from './geofence-hours.js';

const ms = (iso: string) => Date.parse(iso);
const NIGHT = { from: '22:00', to: '07:00' };
const OFFICE = { from: '09:00', to: '17:30' };

describe('localSecondOfDay: the wall clock of the zone', () => {
  it.each([
    ['winter London is UTC', '2025-01-15T21:59:30Z', 'Europe/London', '21:59:30'],
    ['summer London is UTC+1', '2025-07-15T21:59:30Z', 'Europe/London', '22:59:30'],
    ['midnight is 00, not 24', '2025-07-15T23:00:00Z', 'Europe/London', '00:00:00'],
    ['New York in winter is UTC-5', '2025-01-15T03:00:00Z', 'America/New_York', '22:00:00'],
    ['just after the clocks go forward (01:00 GMT → 02:00 BST)', '2025-03-30T01:00:00Z', 'Europe/London', '02:00:00'],
    ['the first 01:30 of the night the clocks go back', '2025-10-26T00:30:00Z', 'Europe/London', '01:30:00'],
    ['the second 01:30 of that night', '2025-10-26T01:30:00Z', 'Europe/London', '01:30:00'],
  ])('%s', (_name, iso, timeZone, clock) => {
    const [h, m, s] = clock.split(':').map(Number);
    expect(localSecondOfDay(ms(iso), timeZone)).toBe(h * 3600 + m * 60 + s);
  });
});

describe('isActiveAt: from included, to excluded, wrapping midnight', () => {
  it.each([
    // hours, instant, active
    [null, '2025-01-15T12:00:00Z', true],
    [NIGHT, '2025-01-15T21:59:59Z', false],
    [NIGHT, '2025-01-15T22:00:00Z', true],
    [NIGHT, '2025-01-15T23:59:59Z', true],
    [NIGHT, '2025-01-16T00:00:00Z', true],
    [NIGHT, '2025-01-16T06:59:59Z', true],
    [NIGHT, '2025-01-16T07:00:00Z', false],
    [NIGHT, '2025-01-16T12:00:00Z', false],
    // British Summer Time: 22:00 local is 21:00 UTC, 07:00 local is 06:00 UTC.
    [NIGHT, '2025-07-15T20:59:59Z', false],
    [NIGHT, '2025-07-15T21:00:00Z', true],
    [NIGHT, '2025-07-16T05:59:59Z', true],
    [NIGHT, '2025-07-16T06:00:00Z', false],
    [OFFICE, '2025-01-15T08:59:59Z', false],
    [OFFICE, '2025-01-15T09:00:00Z', true],
    [OFFICE, '2025-01-15T17:29:59Z', true],
    [OFFICE, '2025-01-15T17:30:00Z', false],
    [OFFICE, '2025-01-15T23:00:00Z', false],
    // A zone with its own time zone: 09:00 in New York is 14:00 UTC in winter.
    [{ ...OFFICE, timeZone: 'America/New_York' }, '2025-01-15T13:59:59Z', false],
    [{ ...OFFICE, timeZone: 'America/New_York' }, '2025-01-15T14:00:00Z', true],
    // Equal ends cannot be saved; read as all day, should one ever arrive.
    [{ from: '08:00', to: '08:00' }, '2025-01-15T03:00:00Z', true],
  ] as const)('%j at %s → %s', (hours, iso, active) => {
    expect(isActiveAt(hours, ms(iso))).toBe(active);
  });

  it('takes the default time zone from the caller when the zone names none', () => {
    expect(isActiveAt(OFFICE, ms('2025-01-15T14:00:00Z'), 'America/New_York')).toBe(true);
    expect(isActiveAt(OFFICE, ms('2025-01-15T13:59:59Z'), 'America/New_York')).toBe(false);
  });
});

describe('activeForMs: how long the active period has been running', () => {
  it.each([
    [null, '2025-01-15T12:00:00Z', Infinity],
    [NIGHT, '2025-01-15T12:00:00Z', null],
    [NIGHT, '2025-01-15T22:00:00Z', 0],
    [NIGHT, '2025-01-15T22:05:00.250Z', 5 * 60_000 + 250],
    [NIGHT, '2025-01-16T03:00:00Z', 5 * 3600_000],
    [NIGHT, '2025-07-15T21:30:00Z', 30 * 60_000],
    [OFFICE, '2025-01-15T10:15:00Z', 75 * 60_000],
  ] as const)('%j at %s → %s', (hours, iso, expected) => {
    expect(activeForMs(hours, ms(iso))).toBe(expected);
  });
});
