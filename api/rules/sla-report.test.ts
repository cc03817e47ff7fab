import { describe, expect, it } from 'vitest';
import { slaReport, type ClassFigures, type SlaAlarm } from './sla-report.js';
import { NOW, PERIOD, SAMPLE_DAY, at, sampleAlarm } from './sla-sample-day.js';
import { ALARM_CLASSES, SLA_LINES, classOf } from './sla-targets.js';

/** The shares of a figures block as [within, counted, pending] per line, 10 s / 40 s / 60 s / 180 s. */
const shares = (f: ClassFigures) => f.shares.map((s) => [s.within, s.counted, s.pending]);
const met = (f: ClassFigures) => f.shares.map((s) => s.met);
const byName = (r: ReturnType<typeof slaReport>, name: string) =>
  name === 'overall' ? r.overall : r.classes.find((c) => c.alarmClass === name)!;

describe('the alarm classes', () => {
  it('cover priorities 1 to 5, each exactly once', () => {
    expect(ALARM_CLASSES.flatMap((c) => [...c.priorities]).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it.each([
    [1, 'emergency', 10],
    [2, 'urgent', 60],
    [3, 'urgent', 60],
    [4, 'routine', 60],
    [5, 'routine', 60],
  ])('priority %i is %s, a breach after %i s', (priority, name, breachAfterS) => {
    expect(classOf(priority)).toMatchObject({ name, breachAfterS });
  });

  it('the lines and their targets are BS 8484 80 % / 10 s, 98.5 % / 40 s and telecare 97.5 % / 60 s, 99 % / 180 s', () => {
    expect(SLA_LINES.map((l) => [l.withinS, l.targetPerMille])).toEqual([
      [10, 800],
      [40, 985],
      [60, 975],
      [180, 990],
    ]);
  });
});

describe('one alarm against each line, at the report time', () => {
  // One emergency alarm received at 0; `now` is ageS later. Each line: within, missed or pending.
  type V = 'within' | 'missed' | 'pending';
  it.each<[string, number | null, number, [V, V, V, V]]>([
    // description, accepted after (s) or null, age at now (s), verdict at 10 / 40 / 60 / 180 s
    ['accepted at once', 0, 1000, ['within', 'within', 'within', 'within']],
    ['accepted at exactly 10.000 s', 10, 1000, ['within', 'within', 'within', 'within']],
    ['accepted at 10.001 s', 10.001, 1000, ['missed', 'within', 'within', 'within']],
    ['accepted at exactly 40 s', 40, 1000, ['missed', 'within', 'within', 'within']],
    ['accepted at 40.001 s', 40.001, 1000, ['missed', 'missed', 'within', 'within']],
    ['accepted at exactly 60 s', 60, 1000, ['missed', 'missed', 'within', 'within']],
    ['accepted at exactly 180 s', 180, 1000, ['missed', 'missed', 'missed', 'within']],
    ['accepted at 180.001 s', 180.001, 1000, ['missed', 'missed', 'missed', 'missed']],
    ['accepted at 9 s, report taken at 9 s', 9, 9, ['within', 'within', 'within', 'within']],
    ['unaccepted, 5 s old', null, 5, ['pending', 'pending', 'pending', 'pending']],
    ['unaccepted, exactly 10.000 s old', null, 10, ['pending', 'pending', 'pending', 'pending']],
    ['unaccepted, 10.001 s old', null, 10.001, ['missed', 'pending', 'pending', 'pending']],
    ['unaccepted, 50 s old', null, 50, ['missed', 'missed', 'pending', 'pending']],
    ['unaccepted, exactly 180 s old', null, 180, ['missed', 'missed', 'missed', 'pending']],
    ['unaccepted, 181 s old', null, 181, ['missed', 'missed', 'missed', 'missed']],
    [
      'accepted at 30 s but the report is at 20 s: not yet accepted',
      30,
      20,
      ['missed', 'pending', 'pending', 'pending'],
    ],
  ])('%s', (_, acceptAfterS, ageS, expected) => {
    const alarm = sampleAlarm({ id: 'a', type: 'sos', priority: 1, receivedS: 0, acceptAfterS });
    const report = slaReport([alarm], PERIOD, at(ageS));
    const got = report.overall.shares.map((s): V => (s.pending ? 'pending' : s.within ? 'within' : 'missed'));
    expect(got).toEqual(expected);
    for (const s of report.overall.shares) expect(s.within + (s.counted - s.within) + s.pending).toBe(1);
    // The emergency breach line is the 10 s one.
    expect(report.breaches.length).toBe(expected[0] === 'missed' ? 1 : 0);
  });
});

describe('a worked day (sla-sample-day.ts)', () => {
  const report = slaReport(SAMPLE_DAY, PERIOD, NOW);

  it('names its period and report time, and tallies what it left out', () => {
    expect(report.period).toEqual({ from: '2025-03-10T00:00:00.000Z', to: '2025-03-11T00:00:00.000Z' });
    expect(report.asOf).toBe('2025-03-10T02:00:00.000Z');
    // u4 is on test, u5 is linked to e1; x1 and x2 are outside the period and not tallied at all.
    expect(report.excluded).toEqual({ test: 1, linked: 1 });
  });

  it.each<[string, number[], number, number, number, number, number[][], (boolean | null)[]]>([
    // class, priorities, alarms, accepted, unaccepted, resolved, [within, counted, pending] per line, met per line
    [
      'emergency',
      [1],
      6,
      4,
      2,
      4,
      [
        [2, 5, 1],
        [3, 5, 1],
        [4, 5, 1],
        [4, 5, 1],
      ],
      [false, false, false, false],
    ],
    [
      'urgent',
      [2, 3],
      3,
      3,
      0,
      2,
      [
        [0, 3, 0],
        [1, 3, 0],
        [2, 3, 0],
        [3, 3, 0],
      ],
      [false, false, false, true],
    ],
    [
      'routine',
      [4, 5],
      3,
      2,
      1,
      2,
      [
        [0, 3, 0],
        [1, 3, 0],
        [1, 3, 0],
        [2, 3, 0],
      ],
      [false, false, false, false],
    ],
    [
      'overall',
      [1, 2, 3, 4, 5],
      12,
      9,
      3,
      8,
      [
        [2, 11, 1],
        [5, 11, 1],
        [7, 11, 1],
        [9, 11, 1],
      ],
      [false, false, false, false],
    ],
  ])('%s: counts and shares', (name, priorities, alarms, accepted, unaccepted, resolved, lineCounts, lineMet) => {
    const f = byName(report, name);
    expect(f).toMatchObject({ priorities, alarms, accepted, unaccepted, resolved });
    expect(shares(f)).toEqual(lineCounts);
    expect(f.shares.map((s) => s.share)).toEqual(lineCounts.map(([w, c]) => w / c));
    expect(met(f)).toEqual(lineMet);
  });

  it.each([
    // class, accept median / p95, resolve median / p95 (nearest rank)
    ['emergency', 4, 10, 45, 4, 300, 900], // accept [4, 10, 12.5, 45]; resolve [120, 300, 600, 900]
    ['urgent', 3, 60, 61, 2, 400, 1000], // accept [30, 60, 61]; resolve [400, 1000]
    ['routine', 2, 20, 100, 2, 25, 200], // accept [20, 100]; resolve [25, 200]
    ['overall', 9, 30, 100, 8, 300, 1000], // accept [4, 10, 12.5, 20, 30, 45, 60, 61, 100]; resolve [25, 120, 200, 300, 400, 600, 900, 1000]
  ])(
    '%s: %i accepted, median %s s, p95 %s s; %i resolved, median %s s, p95 %s s',
    (name, aCount, aMedian, aP95, rCount, rMedian, rP95) => {
      const f = byName(report, name);
      expect(f.acceptSeconds).toEqual({ count: aCount, median: aMedian, p95: aP95 });
      expect(f.resolveSeconds).toEqual({ count: rCount, median: rMedian, p95: rP95 });
    },
  );

  it.each([
    [
      'emergency',
      { duress: 1, sos: 5 },
      { cancelled_by_wearer_verified: 1, false_accidental: 1, genuine_assistance: 1, genuine_police: 1 },
      2,
      4,
    ],
    ['urgent', { fall: 1, no_motion: 1, tamper: 1 }, { false_equipment: 1, genuine_ambulance: 1 }, 1, 2],
    ['routine', { 'battery.low': 3 }, { false_test: 1, none: 1 }, 1, 2],
    [
      'overall',
      { 'battery.low': 3, duress: 1, fall: 1, no_motion: 1, sos: 5, tamper: 1 },
      {
        cancelled_by_wearer_verified: 1,
        false_accidental: 1,
        false_equipment: 1,
        false_test: 1,
        genuine_ambulance: 1,
        genuine_assistance: 1,
        genuine_police: 1,
        none: 1,
      },
      4,
      8,
    ],
  ])('%s: by type, by closure code, false alarms', (name, byType, byClosureCode, falseCount, resolved) => {
    const f = byName(report, name);
    expect(f.byType).toEqual(byType);
    expect(Object.keys(f.byType)).toEqual(Object.keys(byType).sort());
    expect(f.byClosureCode).toEqual(byClosureCode);
    expect(f.falseAlarms).toEqual({ count: falseCount, resolved, rate: falseCount / resolved });
  });

  it('lists every breach in order of receipt: emergency past 10 s, the others past 60 s, pending ones not yet', () => {
    expect(report.breaches).toEqual([
      {
        alarmId: 'r3',
        alarmClass: 'routine',
        type: 'battery.low',
        priority: 4,
        receivedAt: '2025-03-10T00:00:00.000Z',
        targetS: 60,
        secondsToAccept: 100,
      },
      {
        alarmId: 'e3',
        alarmClass: 'emergency',
        type: 'duress',
        priority: 1,
        receivedAt: '2025-03-10T00:05:00.000Z',
        targetS: 10,
        secondsToAccept: 12.5,
      },
      {
        alarmId: 'e4',
        alarmClass: 'emergency',
        type: 'sos',
        priority: 1,
        receivedAt: '2025-03-10T00:06:40.000Z',
        targetS: 10,
        secondsToAccept: 45,
      },
      {
        alarmId: 'u3',
        alarmClass: 'urgent',
        type: 'no_motion',
        priority: 2,
        receivedAt: '2025-03-10T00:20:00.000Z',
        targetS: 60,
        secondsToAccept: 61,
      },
      {
        alarmId: 'r1',
        alarmClass: 'routine',
        type: 'battery.low',
        priority: 5,
        receivedAt: '2025-03-10T00:33:20.000Z',
        targetS: 60,
        secondsToAccept: 'unaccepted',
      },
      {
        alarmId: 'e6',
        alarmClass: 'emergency',
        type: 'sos',
        priority: 1,
        receivedAt: '2025-03-10T01:56:40.000Z',
        targetS: 10,
        secondsToAccept: 'unaccepted',
      },
    ]);
    expect(report.classes.map((c) => [c.alarmClass, c.breaches])).toEqual([
      ['emergency', 3],
      ['urgent', 1],
      ['routine', 2],
    ]);
    expect(report.overall.breaches).toBe(6);
  });

  it('is the same whatever order the alarms come in', () => {
    expect(slaReport([...SAMPLE_DAY].reverse(), PERIOD, NOW)).toEqual(report);
  });
});

describe('targets met, decided in whole numbers', () => {
  // `within` alarms accepted after 5 s (inside every line), `late` after 200 s (past every line).
  const alarms = (within: number, late: number): SlaAlarm[] => [
    ...Array.from({ length: within }, (_, i) =>
      sampleAlarm({ id: `w${i}`, type: 'sos', priority: 1, receivedS: i, acceptAfterS: 5 }),
    ),
    ...Array.from({ length: late }, (_, i) =>
      sampleAlarm({ id: `l${i}`, type: 'sos', priority: 1, receivedS: i, acceptAfterS: 200 }),
    ),
  ];
  it.each<[number, number, (boolean | null)[]]>([
    // within, late, met at 10 s (80 %) / 40 s (98.5 %) / 60 s (97.5 %) / 180 s (99 %)
    [8, 2, [true, false, false, false]], // exactly 80 %
    [7, 3, [false, false, false, false]],
    [197, 3, [true, true, true, false]], // exactly 98.5 %
    [196, 4, [true, false, true, false]], // 98 %
    [39, 1, [true, false, true, false]], // exactly 97.5 %
    [99, 1, [true, true, true, true]], // exactly 99 %
    [1, 0, [true, true, true, true]],
    [0, 1, [false, false, false, false]],
    [0, 0, [null, null, null, null]], // nothing counted: no verdict
  ])('%i within and %i late', (within, late, expected) => {
    const report = slaReport(alarms(within, late), PERIOD, NOW);
    expect(met(report.overall)).toEqual(expected);
    expect(report.overall.shares.map((s) => s.share)).toEqual(
      expected.map(() => (within + late ? within / (within + late) : null)),
    );
  });
});

describe('false alarms: verified false, or closed with a false closure code, over resolved alarms', () => {
  it.each<[string, 'genuine' | 'false' | null, string | null, boolean, number, number]>([
    // description, verified, closure code, resolved, false count, resolved count
    ['verified false, closed genuine', 'false', 'genuine_assistance', true, 1, 1],
    ['verified genuine, closed false_test', 'genuine', 'false_test', true, 1, 1],
    ['closed false_accidental, never verified', null, 'false_accidental', true, 1, 1],
    ['closed false_equipment', null, 'false_equipment', true, 1, 1],
    ['verified genuine, closed genuine_police', 'genuine', 'genuine_police', true, 0, 1],
    ['cancelled by the wearer, not verified false', null, 'cancelled_by_wearer_verified', true, 0, 1],
    ['cancelled by the wearer, verified false', 'false', 'cancelled_by_wearer_verified', true, 1, 1],
    ['verified false but not yet resolved', 'false', null, false, 0, 0],
  ])('%s', (_, verified, closureCode, resolved, count, resolvedCount) => {
    const alarm = sampleAlarm({
      id: 'a',
      type: 'sos',
      priority: 1,
      receivedS: 0,
      acceptAfterS: 5,
      resolveAfterS: resolved ? 60 : null,
      verified,
      closureCode,
    });
    const { falseAlarms } = slaReport([alarm], PERIOD, NOW).overall;
    expect(falseAlarms).toEqual({ count, resolved: resolvedCount, rate: resolvedCount ? count / resolvedCount : null });
  });

  it('a resolution stamped after the report time has not happened yet', () => {
    const alarm = sampleAlarm({
      id: 'a',
      type: 'sos',
      priority: 1,
      receivedS: 0,
      acceptAfterS: 5,
      resolveAfterS: 100,
      verified: 'false',
      closureCode: 'false_test',
    });
    const f = slaReport([alarm], PERIOD, at(99)).overall;
    expect(f).toMatchObject({
      resolved: 0,
      byClosureCode: {},
      falseAlarms: { count: 0, resolved: 0, rate: null },
      resolveSeconds: { count: 0, median: null, p95: null },
    });
  });
});

describe('what counts', () => {
  const empty = (f: ClassFigures) => {
    expect(f).toMatchObject({
      alarms: 0,
      accepted: 0,
      unaccepted: 0,
      resolved: 0,
      breaches: 0,
      byType: {},
      byClosureCode: {},
    });
    expect(f.shares.map((s) => [s.within, s.counted, s.pending, s.share, s.met])).toEqual(
      SLA_LINES.map(() => [0, 0, 0, null, null]),
    );
    expect(f.acceptSeconds).toEqual({ count: 0, median: null, p95: null });
    expect(f.resolveSeconds).toEqual({ count: 0, median: null, p95: null });
    expect(f.falseAlarms).toEqual({ count: 0, resolved: 0, rate: null });
  };

  it('an empty period gives zero counts and no shares, percentiles or rates', () => {
    const report = slaReport([], PERIOD, NOW);
    expect(report.excluded).toEqual({ test: 0, linked: 0 });
    expect(report.breaches).toEqual([]);
    [...report.classes, report.overall].forEach(empty);
  });

  it('test alarms count in no figure, however late', () => {
    const tests = [1, 3, 5].map((priority, i) =>
      sampleAlarm({
        id: `t${i}`,
        type: 'sos',
        priority,
        receivedS: i,
        isTest: true,
        acceptAfterS: i === 0 ? 500 : null,
        resolveAfterS: i === 0 ? 600 : null,
        closureCode: i === 0 ? 'false_test' : null,
      }),
    );
    const report = slaReport(tests, PERIOD, NOW);
    expect(report.excluded).toEqual({ test: 3, linked: 0 });
    expect(report.breaches).toEqual([]);
    [...report.classes, report.overall].forEach(empty);
  });

  it('linked alarms count in no figure; a test alarm that is also linked is tallied as test', () => {
    const report = slaReport(
      [
        sampleAlarm({ id: 'l1', type: 'fall', priority: 2, receivedS: 0, acceptAfterS: 0, linkedTo: 'p' }),
        sampleAlarm({ id: 'l2', type: 'sos', priority: 1, receivedS: 0, linkedTo: 'p', isTest: true }),
      ],
      PERIOD,
      NOW,
    );
    expect(report.excluded).toEqual({ test: 1, linked: 1 });
    empty(report.overall);
  });

  it('the period is [from, to): an alarm at from counts, one at to does not', () => {
    const report = slaReport(
      [
        sampleAlarm({ id: 'at-from', type: 'sos', priority: 1, receivedS: 0, acceptAfterS: 1 }),
        sampleAlarm({ id: 'before', type: 'sos', priority: 1, receivedS: -0.001, acceptAfterS: 1 }),
        sampleAlarm({ id: 'at-to', type: 'sos', priority: 1, receivedS: 3600, acceptAfterS: 1 }),
      ],
      { from: at(0), to: at(3600) },
      at(7200),
    );
    expect(report.overall.alarms).toBe(1);
    expect(report.overall.acceptSeconds.median).toBe(1);
  });

  it('times count from received_at: an alarm received before to and accepted after it still counts, at its real time', () => {
    const late = sampleAlarm({ id: 'late', type: 'sos', priority: 1, receivedS: 3599, acceptAfterS: 30 });
    const report = slaReport([late], { from: at(0), to: at(3600) }, at(7200));
    expect(report.overall.acceptSeconds.median).toBe(30);
    expect(report.breaches).toMatchObject([{ alarmId: 'late', secondsToAccept: 30 }]);
  });

  it('an alarm resolved with no acceptance is judged unaccepted', () => {
    const alarm = sampleAlarm({
      id: 'a',
      type: 'sos',
      priority: 1,
      receivedS: 0,
      resolveAfterS: 5,
      closureCode: 'false_test',
    });
    const report = slaReport([alarm], PERIOD, NOW);
    expect(report.overall).toMatchObject({ accepted: 0, unaccepted: 1, resolved: 1 });
    expect(report.breaches).toMatchObject([{ alarmId: 'a', secondsToAccept: 'unaccepted' }]);
  });
});
