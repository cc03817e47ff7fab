import { describe, expect, it } from 'vitest';
import { csvField, percent, slaReportCsv } from './sla-report-csv.js';
import { slaReport } from './sla-report.js';
import { NOW, PERIOD, SAMPLE_DAY, sampleAlarm } from './sla-sample-day.js';

describe('csvField: RFC 4180 quoting', () => {
  it.each<[string | number | null, string]>([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    [10.5, '10.5'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    ['dot.and-dash_ok', 'dot.and-dash_ok'],
  ])('%j → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('percent: cut, not rounded, to two decimals', () => {
  it.each<[number | null, string | null]>([
    [null, null],
    [0, '0.00'],
    [1, '100.00'],
    [0.8, '80.00'],
    [0.985, '98.50'],
    [197 / 200, '98.50'],
    [2 / 3, '66.66'],
    [0.984999, '98.49'], // would round to 98.50 and look like the 98.5 % target
    [2 / 11, '18.18'],
    [5 / 11, '45.45'],
    [7 / 11, '63.63'],
    [9 / 11, '81.81'],
  ])('%s → %s', (fraction, expected) => {
    expect(percent(fraction)).toBe(expected);
  });
});

describe('slaReportCsv', () => {
  const csv = slaReportCsv(slaReport(SAMPLE_DAY, PERIOD, NOW));
  const lines = csv.split('\r\n');

  it('ends every record with CRLF and has no bare LF', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has a header row, a row per class and overall, a blank line, then the breaches table', () => {
    const header = lines[0].split(',');
    expect(header.slice(0, 5)).toEqual(['class', 'priorities', 'alarms', 'accepted', 'resolved']);
    expect(header.slice(5, 11)).toEqual([
      'bs8484_10s_within',
      'bs8484_10s_counted',
      'bs8484_10s_pending',
      'bs8484_10s_percent',
      'bs8484_10s_target_percent',
      'bs8484_10s_met',
    ]);
    expect(header.slice(-7)).toEqual([
      'median_accept_s',
      'p95_accept_s',
      'median_resolve_s',
      'p95_resolve_s',
      'false_alarms',
      'false_alarm_rate_percent',
      'breaches',
    ]);
    for (const row of lines.slice(1, 5)) expect(row.split(',')).toHaveLength(header.length);
    expect(lines.slice(1, 5).map((l) => l.split(',')[0])).toEqual(['emergency', 'urgent', 'routine', 'overall']);
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe('alarm_id,class,type,priority,received_at,target_s,seconds_to_accept');
  });

  it.each([
    // the figures worked out in sla-report.test.ts, as the CSV shows them
    [
      1,
      'emergency,1,6,4,4,2,5,1,40.00,80.00,no,3,5,1,60.00,98.50,no,4,5,1,80.00,97.50,no,4,5,1,80.00,99.00,no,10,45,300,900,2,50.00,3',
    ],
    [
      2,
      'urgent,2-3,3,3,2,0,3,0,0.00,80.00,no,1,3,0,33.33,98.50,no,2,3,0,66.66,97.50,no,3,3,0,100.00,99.00,yes,60,61,400,1000,1,50.00,1',
    ],
    [
      3,
      'routine,4-5,3,2,2,0,3,0,0.00,80.00,no,1,3,0,33.33,98.50,no,1,3,0,33.33,97.50,no,2,3,0,66.66,99.00,no,20,100,25,200,1,50.00,2',
    ],
    [
      4,
      'overall,1-5,12,9,8,2,11,1,18.18,80.00,no,5,11,1,45.45,98.50,no,7,11,1,63.63,97.50,no,9,11,1,81.81,99.00,no,30,100,300,1000,4,50.00,6',
    ],
  ])('row %i', (index, expected) => {
    expect(lines[index]).toBe(expected);
  });

  it('lists the breaches in order of receipt, "unaccepted" for those never accepted', () => {
    expect(lines.slice(7)).toEqual([
      'r3,routine,battery.low,4,2025-03-10T00:00:00.000Z,60,100',
      'e3,emergency,duress,1,2025-03-10T00:05:00.000Z,10,12.5',
      'e4,emergency,sos,1,2025-03-10T00:06:40.000Z,10,45',
      'u3,urgent,no_motion,2,2025-03-10T00:20:00.000Z,60,61',
      'r1,routine,battery.low,5,2025-03-10T00:33:20.000Z,60,unaccepted',
      'e6,emergency,sos,1,2025-03-10T01:56:40.000Z,10,unaccepted',
      '',
    ]);
  });

  it('an empty period: zero counts, empty cells where there is no figure, an empty breaches table', () => {
    const empty = slaReportCsv(slaReport([], PERIOD, NOW)).split('\r\n');
    expect(empty[1]).toBe('emergency,1,0,0,0,0,0,0,,80.00,,0,0,0,,98.50,,0,0,0,,97.50,,0,0,0,,99.00,,,,,,0,,0');
    expect(empty.slice(5)).toEqual(['', 'alarm_id,class,type,priority,received_at,target_s,seconds_to_accept', '']);
  });

  it('quotes a field that needs it', () => {
    const odd = sampleAlarm({ id: 'q', type: 'odd, "quoted"\ntype', priority: 1, receivedS: 0, acceptAfterS: 20 });
    const text = slaReportCsv(slaReport([odd], PERIOD, NOW));
    expect(text).toContain('\r\nq,emergency,"odd, ""quoted""\ntype",1,2025-03-10T00:00:00.000Z,10,20\r\n');
  });
});
