import { describe, expect, it } from 'vitest';
import { minuteOf, presenceDue, ROLLUP_RECHECK_MS, rollupDue } from './insight-schedule.js';

const LONDON = 'Europe/London';
const run = (iso: string, backlog = false) => ({
  at: new Date(iso),
  localDate: new Date(iso).toISOString().slice(0, 10),
  backlog,
});

describe('rollupDue: after a start, while there is a backlog, after local midnight, else hourly', () => {
  it.each([
    ['never run', null, '2026-01-15T10:00:00Z', true],
    ['a backlog', run('2026-01-15T10:00:00Z', true), '2026-01-15T10:00:01Z', true],
    ['done, a minute later', run('2026-01-15T10:00:00Z'), '2026-01-15T10:01:00Z', false],
    ['done, just under an hour later', run('2026-01-15T10:00:00Z'), '2026-01-15T10:59:59Z', false],
    [
      'done, an hour later',
      run('2026-01-15T10:00:00Z'),
      new Date(Date.parse('2026-01-15T10:00:00Z') + ROLLUP_RECHECK_MS).toISOString(),
      true,
    ],
    ['done at 23:59, past local midnight', run('2026-01-15T23:59:00Z'), '2026-01-16T00:00:30Z', true],
    ['the clock set back', run('2026-01-15T10:00:00Z'), '2026-01-15T09:00:00Z', true],
  ])('%s', (_name, last, now, expected) => {
    expect(rollupDue(last, new Date(now), LONDON)).toBe(expected);
  });

  it("midnight is the zone's: in New York the date turns at 05:00 UTC", () => {
    const last = { at: new Date('2026-01-16T04:30:00Z'), localDate: '2026-01-15', backlog: false };
    expect(rollupDue(last, new Date('2026-01-16T04:59:00Z'), 'America/New_York')).toBe(false);
    expect(rollupDue(last, new Date('2026-01-16T05:00:30Z'), 'America/New_York')).toBe(true);
  });
});

describe('presenceDue: once per minute of ARC time', () => {
  it.each([
    [null, '2026-01-15T10:00:10Z', true],
    ['2026-01-15T10:00:00Z', '2026-01-15T10:00:59Z', false],
    ['2026-01-15T10:00:00Z', '2026-01-15T10:01:00Z', true],
    ['2026-01-15T10:00:00Z', '2026-01-15T09:59:00Z', true],
  ])('last %s, now %s → %s', (last, now, expected) => {
    expect(presenceDue(last ? new Date(last) : null, new Date(now))).toBe(expected);
  });
  it('counts a sample for the minute it falls in', () => {
    expect(minuteOf(new Date('2026-01-15T10:00:59.999Z')).toISOString()).toBe('2026-01-15T10:00:00.000Z');
  });
});
