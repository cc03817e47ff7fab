import { describe, expect, it } from 'vitest';
import { reportPeriod, type PeriodRequest } from './sla-period.js';

const d = (iso: string) => new Date(iso);
const NOW = d('2025-03-10T14:30:00.000Z');

describe('reportPeriod', () => {
  it.each<[string, PeriodRequest, Date, string, string]>([
    // description, request, now, from, to
    ['nothing given: today', {}, NOW, '2025-03-10T00:00:00.000Z', '2025-03-10T14:30:00.000Z'],
    ['today', { period: 'today' }, NOW, '2025-03-10T00:00:00.000Z', '2025-03-10T14:30:00.000Z'],
    ['month', { period: 'month' }, NOW, '2025-03-01T00:00:00.000Z', '2025-03-10T14:30:00.000Z'],
    [
      'month on the 1st',
      { period: 'month' },
      d('2025-03-01T00:00:01.000Z'),
      '2025-03-01T00:00:00.000Z',
      '2025-03-01T00:00:01.000Z',
    ],
    [
      'today at exactly UTC midnight is an empty period, not an error',
      { period: 'today' },
      d('2025-03-10T00:00:00.000Z'),
      '2025-03-10T00:00:00.000Z',
      '2025-03-10T00:00:00.000Z',
    ],
    [
      'from and to',
      { from: d('2025-02-01T00:00:00Z'), to: d('2025-03-01T00:00:00Z') },
      NOW,
      '2025-02-01T00:00:00.000Z',
      '2025-03-01T00:00:00.000Z',
    ],
    [
      'from only: to now',
      { from: d('2025-03-09T00:00:00Z') },
      NOW,
      '2025-03-09T00:00:00.000Z',
      '2025-03-10T14:30:00.000Z',
    ],
    [
      'to only: from today’s UTC midnight',
      { to: d('2025-03-10T12:00:00Z') },
      NOW,
      '2025-03-10T00:00:00.000Z',
      '2025-03-10T12:00:00.000Z',
    ],
    [
      '366 days is allowed',
      { from: d('2024-01-01T00:00:00Z'), to: d('2025-01-01T00:00:00Z') },
      NOW,
      '2024-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ],
  ])('%s', (_, request, now, from, to) => {
    const outcome = reportPeriod(request, now);
    expect(outcome).toEqual({ ok: true, period: { from: d(from), to: d(to) } });
  });

  it.each<[string, PeriodRequest, string]>([
    // description, request, field named in the reason
    ['period with from', { period: 'today', from: d('2025-03-01T00:00:00Z') }, 'period'],
    ['period with to', { period: 'month', to: d('2025-03-01T00:00:00Z') }, 'period'],
    ['from after to', { from: d('2025-03-02T00:00:00Z'), to: d('2025-03-01T00:00:00Z') }, 'from'],
    ['from equal to to', { from: d('2025-03-01T00:00:00Z'), to: d('2025-03-01T00:00:00Z') }, 'from'],
    ['from in the future, to defaulting to now', { from: d('2025-03-11T00:00:00Z') }, 'from'],
    ['to before today, from defaulting to today', { to: d('2025-03-09T00:00:00Z') }, 'from'],
    ['more than 366 days', { from: d('2024-01-01T00:00:00Z'), to: d('2025-01-01T00:00:00.001Z') }, 'to'],
  ])('refuses %s', (_, request, field) => {
    const outcome = reportPeriod(request, NOW);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reasons.map((r) => r.field)).toEqual([field]);
  });
});
