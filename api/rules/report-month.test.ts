import { describe, expect, it } from 'vitest';
import { monthOf, reportMonth } from './report-month.js';

const NOW = new Date('2026-11-15T12:00:00Z');

describe('reportMonth: local months as instants', () => {
  it.each<[string, string, string, string]>([
    // GMT all month: local midnight is UTC midnight.
    ['2026-01', 'Europe/London', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    // Clocks go forward on 29 March: April starts at 00:00 BST, 23:00 UTC the day before.
    ['2026-03', 'Europe/London', '2026-03-01T00:00:00.000Z', '2026-03-31T23:00:00.000Z'],
    // Clocks go back on 25 October: October starts in BST and ends in GMT.
    ['2026-10', 'Europe/London', '2026-09-30T23:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['2026-02', 'UTC', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    // East of UTC: Berlin's June starts at 22:00 UTC on 31 May.
    ['2026-06', 'Europe/Berlin', '2026-05-31T22:00:00.000Z', '2026-06-30T22:00:00.000Z'],
    // West of UTC, and across a year.
    ['2025-12', 'America/New_York', '2025-12-01T05:00:00.000Z', '2026-01-01T05:00:00.000Z'],
  ])('%s in %s is [%s, %s)', (month, zone, from, to) => {
    const outcome = reportMonth(month, NOW, zone);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect([outcome.period.from.toISOString(), outcome.period.to.toISOString()]).toEqual([from, to]);
    expect(outcome.period.complete).toBe(true);
  });

  it('defaults to the month now falls in locally, not yet complete', () => {
    // 23:30 UTC on 31 October is still October in London (GMT) but November in Berlin.
    const late = new Date('2026-10-31T23:30:00Z');
    expect(reportMonth(undefined, late, 'Europe/London')).toMatchObject({
      ok: true,
      period: { month: '2026-10', complete: false },
    });
    expect(reportMonth(undefined, late, 'Europe/Berlin')).toMatchObject({
      ok: true,
      period: { month: '2026-11', complete: false },
    });
  });

  it('a month is complete from the instant it ends', () => {
    const end = new Date('2026-11-01T00:00:00Z');
    expect(reportMonth('2026-10', end, 'Europe/London')).toMatchObject({ ok: true, period: { complete: true } });
    expect(reportMonth('2026-10', new Date(end.getTime() - 1), 'Europe/London')).toMatchObject({
      ok: true,
      period: { complete: false },
    });
  });

  it('refuses a month that has not started', () => {
    expect(reportMonth('2026-12', NOW, 'Europe/London')).toEqual({
      ok: false,
      reason: '2026-12 has not started yet (Europe/London)',
    });
  });

  it('monthOf reads the local month', () => {
    expect(monthOf(new Date('2026-03-31T23:30:00Z'), 'Europe/London')).toBe('2026-04');
    expect(monthOf(new Date('2026-03-31T23:30:00Z'), 'UTC')).toBe('2026-03');
  });
});
