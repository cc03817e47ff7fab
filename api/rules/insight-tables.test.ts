// The small pure pieces of the insight views: CSV cells, months, and the staffing plan's sums.
import { describe, expect, it } from 'vitest';
import { offeredErlangs, operatorsNeeded, STAFFING_TARGETS } from './erlang-c.js';
import { csvTable } from './insight-csv.js';
import { addDays, localDate } from './local-dates.js';
import { addMonths, baselineMonths, wearerSignalHistories } from './review-months.js';
import { staffingPlan } from './staffing-plan.js';

describe('csvTable', () => {
  it('quotes per RFC 4180 and defuses cells a spreadsheet would run (OWASP CSV injection)', () => {
    expect(
      csvTable(
        ['name', 'n'],
        [
          ['=HYPERLINK("x")', 1],
          ['Smith, Jo', null],
          ['-1', -1],
          ['@home', 2],
        ],
      ),
    ).toBe('name,n\r\n"\'=HYPERLINK(""x"")",1\r\n"Smith, Jo",\r\n\'-1,-1\r\n\'@home,2\r\n');
  });
});

describe('months and days', () => {
  it.each<[string, number, string]>([
    ['2026-02', -1, '2026-01'],
    ['2026-01', -1, '2025-12'],
    ['2025-12', 1, '2026-01'],
    ['2026-02', -12, '2025-02'],
  ])('%s %+d months is %s', (month, n, want) => expect(addMonths(month, n)).toBe(want));

  it('the baseline is the months before, oldest first', () => {
    expect(baselineMonths('2026-02', 3)).toEqual(['2025-11', '2025-12', '2026-01']);
  });

  it('a local date follows the zone, across midnight and summer time', () => {
    expect(localDate(new Date('2026-06-30T23:30:00Z'), 'Europe/London')).toBe('2026-07-01');
    expect(localDate(new Date('2026-06-30T23:30:00Z'), 'UTC')).toBe('2026-06-30');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('a wearer is judged only on the months since they joined; a month with nothing is zeros', () => {
    const counts = {
      falls: 2,
      sos: 0,
      no_motion: 0,
      night_away: 0,
      missed_checkins: 0,
      false_alarms: 0,
      low_battery: 0,
      silent_device: 0,
    };
    const [h] = wearerSignalHistories(
      [
        { wearerId: 'w', month: '2026-02', counts: { ...counts, falls: 7 } },
        { wearerId: 'w', month: '2025-12', counts },
      ],
      [{ id: 'w', firstMonth: '2025-11' }],
      '2026-02',
      12,
    );
    const falls = h.signals.find((s) => s.signal === 'falls')!;
    expect(falls.baseline).toEqual([0, 2, 0]);
    expect(falls.current).toBe(7);
  });
});

describe('staffingPlan', () => {
  it('turns counts over weeks into rates, erlangs and operators per hour of the week', () => {
    const plan = staffingPlan({
      slots: [
        { day: 2, hour: 19, arrivals: 40, within10: 30, within40: 38, within60: 40, within180: 40, operatorHours: 8 },
      ],
      weeks: 4,
      meanHandleS: 360,
      extraPerHour: new Map([['2-19', 2]]),
    });
    expect(plan.rows).toHaveLength(168);
    const row = plan.rows.find((r) => r.day === 2 && r.hour === 19)!;
    // 40 alarms over 4 weeks = 10 an hour, plus 2 from the what-if: 12 an hour, 1.2 erlangs.
    expect(row.arrivalsPerHour).toBe(12);
    expect(row.erlangs).toBeCloseTo(offeredErlangs(12, 3600, 360), 12);
    expect(row.needed).toEqual({
      bs8484: operatorsNeeded(1.2, 360, STAFFING_TARGETS[0].lines),
      tsa: operatorsNeeded(1.2, 360, STAFFING_TARGETS[1].lines),
    });
    expect(row.operatorsSeen).toBe(2);
    expect(row.achieved).toEqual({ within10: 0.75, within40: 0.95, within60: 1, within180: 1 });
    expect(plan.peakCheck).toMatchObject({ day: 2, hour: 19, operators: row.needed.bs8484 });
    expect(plan.rows.find((r) => r.day === 1 && r.hour === 0)).toMatchObject({
      arrivalsPerHour: 0,
      needed: { bs8484: 0, tsa: 0 },
      achieved: null,
    });
  });

  it('simulates the busiest hour with its own mix of priorities, the urgent answered first', () => {
    const plan = staffingPlan({
      slots: [
        { day: 6, hour: 20, arrivals: 200, within10: 0, within40: 0, within60: 0, within180: 0, operatorHours: 0 },
      ],
      weeks: 4,
      meanHandleS: 300,
      priorityMix: new Map([
        [
          '6-20',
          [
            { priority: 1, arrivals: 40 },
            { priority: 5, arrivals: 160 },
          ],
        ],
      ]),
    });
    const [urgent, routine] = plan.peakCheck!.simulated.byPriority;
    expect([urgent.priority, routine.priority]).toEqual([1, 5]);
    expect(urgent.within10).toBeGreaterThanOrEqual(routine.within10);
  });
});
