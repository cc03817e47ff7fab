import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, type LatLon } from './geofence-geometry.js';
import { ASSUMED_ACC_M, evaluateFix, sideOfFix, type GeofenceFix, type GeofenceState } from './geofence-rules.js';
import type { ActiveHours, GeofenceKind, GeofenceShape, GeofenceZone } from './geofence-zone.js';

const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;
const HOME: LatLon = [51.5, -0.1];
const offset = (north: number, east = 0): LatLon => [
  HOME[0] + north / M_PER_DEG,
  HOME[1] + east / (M_PER_DEG * Math.cos((HOME[0] * Math.PI) / 180)),
];

/** Circle of 200 m around HOME. */
const CIRCLE: GeofenceShape = { type: 'circle', lat: HOME[0], lon: HOME[1], radiusM: 200 };
/** 400 m × 400 m square centred on HOME: its edges are 200 m north, south, east and west. */
const SQUARE: GeofenceShape = {
  type: 'polygon',
  points: [offset(-200, -200), offset(-200, 200), offset(200, 200), offset(200, -200)] as [number, number][],
};

const zone = (
  kind: GeofenceKind,
  shape: GeofenceShape = CIRCLE,
  activeHours: ActiveHours | null = null,
  id = `${kind}-zone`,
): GeofenceZone => ({
  id,
  name: `${kind} ${shape.type}`,
  kind,
  shape,
  activeHours,
});

const WINTER_NOON = Date.parse('2025-01-15T12:00:00Z');
/** A fix `north` metres north of HOME (so `north` − 200 from the edge of both shapes). */
const fix = (north: number, acc: number | null = 10, ts = WINTER_NOON): GeofenceFix => ({
  ts,
  lat: offset(north)[0],
  lon: offset(north)[1],
  acc,
});
const state = (zoneId: string, inside: boolean, fixTs = WINTER_NOON - 60_000): GeofenceState => ({
  zoneId,
  inside,
  fixTs,
});
const run = (z: GeofenceZone, states: GeofenceState[], f: GeofenceFix, at = new Date(Math.max(f.ts, WINTER_NOON))) =>
  evaluateFix({ zones: [z], states, fix: f, at, timeZone: 'Europe/London' });

describe('sideOfFix: the whole accuracy circle must be on one side', () => {
  it.each([
    // north (edge at 200), acc, side
    [0, 10, 'inside'],
    [185, 10, 'inside'],
    [189.9, 10, 'inside'],
    [190.1, 10, null],
    [209.9, 10, null],
    [210.1, 10, 'outside'],
    [400, 10, 'outside'],
    [150, 60, null],
    [1000, 5000, null],
    [199.9, 0, 'inside'],
    [200.1, 0, 'outside'],
    // No accuracy given: taken as ASSUMED_ACC_M (25 m).
    [170, null, 'inside'],
    [180, null, null],
    [220, null, null],
    [230, null, 'outside'],
    // A negative accuracy cannot widen the decision band into something odd: read as 0.
    [201, -50, 'outside'],
  ] as const)('circle: %s m from the centre, accuracy %s m → %s', (north, acc, side) => {
    expect(sideOfFix(CIRCLE, fix(north, acc))).toBe(side);
  });

  it.each([
    [0, 10, 'inside'],
    [189.9, 10, 'inside'],
    [195, 10, null],
    [210.1, 10, 'outside'],
  ] as const)('polygon: %s m north of the centre, accuracy %s m → %s', (north, acc, side) => {
    expect(sideOfFix(SQUARE, fix(north, acc))).toBe(side);
  });

  it('the assumed accuracy is the 25 m the comment promises', () => {
    expect(ASSUMED_ACC_M).toBe(25);
  });
});

describe('evaluateFix: one fix against one zone (always active)', () => {
  it.each([
    // kind, state before, fix north, acc, state after, crossing, alarm, cause
    // Safe zone: alarm on leaving.
    ['safe', true, 100, 10, true, null, null, null],
    ['safe', true, 300, 10, false, 'left', true, 'crossed'],
    ['safe', false, 100, 10, true, 'entered', false, 'crossed'],
    ['safe', false, 300, 10, false, null, null, null],
    // Exclusion zone: alarm on entering.
    ['exclusion', false, 100, 10, true, 'entered', true, 'crossed'],
    ['exclusion', true, 300, 10, false, 'left', false, 'crossed'],
    ['exclusion', true, 100, 10, true, null, null, null],
    ['exclusion', false, 300, 10, false, null, null, null],
    // Straddling the edge keeps whatever was known.
    ['safe', true, 205, 10, true, null, null, null],
    ['safe', false, 195, 10, false, null, null, null],
    ['exclusion', true, 205, 10, true, null, null, null],
    ['exclusion', false, 195, 10, false, null, null, null],
    // First fix: establishes the state; reported only when on the alarming side.
    ['safe', null, 100, 10, true, null, null, null],
    ['safe', null, 300, 10, false, 'left', true, 'first_fix'],
    ['exclusion', null, 100, 10, true, 'entered', true, 'first_fix'],
    ['exclusion', null, 300, 10, false, null, null, null],
    // First fix on the edge: still unknown, no state saved.
    ['safe', null, 200, 10, null, null, null, null],
    ['exclusion', null, 200, 10, null, null, null, null],
  ] as const)(
    '%s zone, inside before %s, fix %s m (±%s) → inside %s, %s alarm %s (%s)',
    (kind, before, north, acc, after, crossing, alarm, cause) => {
      const z = zone(kind);
      const result = run(z, before === null ? [] : [state(z.id, before)], fix(north, acc));
      expect(result.states).toEqual(after === null ? [] : [{ zoneId: z.id, inside: after, fixTs: WINTER_NOON }]);
      expect(result.crossings).toEqual(
        crossing === null ? [] : [{ zoneId: z.id, zoneName: z.name, kind, crossing, alarm, cause, fixTs: WINTER_NOON }],
      );
    },
  );

  it.each(['safe', 'exclusion'] as const)('the same table holds for a polygon %s zone', (kind) => {
    const z = zone(kind, SQUARE);
    const leaving = run(z, [state(z.id, true)], fix(300));
    expect(leaving.crossings.map((c) => [c.crossing, c.alarm])).toEqual([['left', kind === 'safe']]);
    const entering = run(z, [state(z.id, false)], fix(100));
    expect(entering.crossings.map((c) => [c.crossing, c.alarm])).toEqual([['entered', kind === 'exclusion']]);
    const edge = run(z, [state(z.id, true)], fix(200, 15));
    expect(edge.crossings).toEqual([]);
    expect(edge.states[0].inside).toBe(true);
  });
});

/** Feeds fixes one by one, carrying the states, as the intake does for a batch. */
function track(z: GeofenceZone, fixes: GeofenceFix[], states: GeofenceState[] = [], at?: (f: GeofenceFix) => Date) {
  const crossings = [];
  for (const f of fixes) {
    const result = evaluateFix({
      zones: [z],
      states,
      fix: f,
      at: at?.(f) ?? new Date(f.ts),
      timeZone: 'Europe/London',
    });
    states = result.states;
    crossings.push(
      ...result.crossings.map((c) => `${c.crossing}${c.alarm ? '!' : ''}@${(c.fixTs - fixes[0].ts) / 60_000}`),
    );
  }
  return { crossings, states };
}
const minutes = (i: number) => WINTER_NOON + i * 60_000;

describe('drift at the edge does not flap', () => {
  it.each([
    // fixes as [north, acc], one a minute; crossings as crossing[!=alarm]@minute
    [
      'a safe zone: wander along the edge, then away, then back along the edge and home',
      'safe',
      [
        [150, 10],
        [195, 15],
        [205, 15],
        [198, 15],
        [210, 15],
        [202, 15],
        [260, 15],
        [205, 15],
        [190, 15],
        [195, 15],
        [150, 15],
      ],
      ['left!@6', 'entered@10'],
    ],
    [
      'a safe zone: a poor fix far out proves nothing',
      'safe',
      [
        [150, 10],
        [900, 1500],
        [150, 10],
      ],
      [],
    ],
    [
      'an exclusion zone: loitering at its edge raises once, on clearly entering',
      'exclusion',
      [
        [400, 10],
        [205, 10],
        [195, 10],
        [208, 10],
        [192, 10],
        [150, 10],
        [205, 10],
        [195, 10],
        [260, 10],
      ],
      ['entered!@5', 'left@8'],
    ],
    [
      'a device that never reports accuracy, drifting ±20 m on the edge',
      'safe',
      [
        [100, null],
        [180, null],
        [220, null],
        [185, null],
        [215, null],
        [240, null],
      ],
      ['left!@5'],
    ],
  ] as const)('%s', (_name, kind, path, expected) => {
    const fixes = path.map(([north, acc], i) => fix(north, acc, minutes(i)));
    expect(track(zone(kind), fixes).crossings).toEqual(expected);
  });
});

describe('fixes out of order', () => {
  it.each([
    // state before (inside, fixTs minute), fix (north, minute), state after, crossings
    ['an older fix outside is ignored', [true, 10], [300, 5], [true, 10], []],
    ['an older fix inside is ignored', [false, 10], [100, 5], [false, 10], []],
    ['a fix of the same time is judged', [true, 10], [300, 10], [false, 10], ['left']],
    ['a newer fix is judged', [true, 10], [300, 11], [false, 11], ['left']],
    ['a newer fix on the edge keeps the side but moves the time on', [true, 10], [200, 11], [true, 11], []],
  ] as const)('%s', (_name, [insideBefore, tsBefore], [north, ts], [insideAfter, tsAfter], crossings) => {
    const z = zone('safe');
    const result = run(
      z,
      [state(z.id, insideBefore, minutes(tsBefore))],
      fix(north, 10, minutes(ts)),
      new Date(minutes(20)),
    );
    expect(result.states).toEqual([state(z.id, insideAfter, minutes(tsAfter))]);
    expect(result.crossings.map((c) => c.crossing)).toEqual(crossings);
  });

  it('a batch delivered newest first leaves the newest judgement standing', () => {
    const z = zone('safe');
    const { states, crossings } = track(
      z,
      [fix(300, 10, minutes(3)), fix(100, 10, minutes(2)), fix(100, 10, minutes(1))],
      [state(z.id, true, minutes(0))],
      () => new Date(minutes(4)),
    );
    expect(states).toEqual([state(z.id, false, minutes(3))]);
    expect(crossings).toEqual(['left!@0']);
  });
});

describe('active hours', () => {
  const NIGHT: ActiveHours = { from: '22:00', to: '07:00' };
  const at = (iso: string) => Date.parse(iso);

  it.each([
    // kind, state before, fix north, fix time (UTC), alarm
    ['safe', true, 300, '2025-01-15T21:59:00Z', false],
    ['safe', true, 300, '2025-01-15T22:00:00Z', true],
    ['safe', true, 300, '2025-01-16T03:00:00Z', true],
    ['safe', true, 300, '2025-01-16T06:59:00Z', true],
    ['safe', true, 300, '2025-01-16T07:00:00Z', false],
    // 22:00 British Summer Time is 21:00 UTC.
    ['safe', true, 300, '2025-07-15T20:59:00Z', false],
    ['safe', true, 300, '2025-07-15T21:00:00Z', true],
    ['exclusion', false, 100, '2025-01-15T12:00:00Z', false],
    ['exclusion', false, 100, '2025-01-15T23:00:00Z', true],
    ['safe', null, 300, '2025-01-15T12:00:00Z', false],
    ['safe', null, 300, '2025-01-15T23:00:00Z', true],
  ] as const)('night-only %s zone, inside before %s, fix %s m at %s → alarm %s', (kind, before, north, iso, alarm) => {
    const z = zone(kind, CIRCLE, NIGHT);
    const f = fix(north, 10, at(iso));
    const result = evaluateFix({
      zones: [z],
      states: before === null ? [] : [state(z.id, before, f.ts - 60_000)],
      fix: f,
      at: new Date(f.ts),
      timeZone: 'Europe/London',
    });
    expect(result.crossings.map((c) => c.alarm)).toEqual([alarm]);
    expect(result.states[0].inside).toBe(north < 200);
  });

  it('a zone whose hours name their own time zone is judged on that clock', () => {
    const z = zone('safe', CIRCLE, { ...NIGHT, timeZone: 'America/New_York' });
    // 23:00 in London is 18:00 in New York: not night there.
    const f = fix(300, 10, at('2025-01-15T23:00:00Z'));
    expect(
      evaluateFix({ zones: [z], states: [state(z.id, true)], fix: f, at: new Date(f.ts) }).crossings[0].alarm,
    ).toBe(false);
  });

  it('judges the hours when the fix was taken, not when it arrived', () => {
    const z = zone('safe', CIRCLE, NIGHT);
    const taken = at('2025-01-16T06:55:00Z');
    const late = evaluateFix({
      zones: [z],
      states: [state(z.id, true, taken - 60_000)],
      fix: fix(300, 10, taken),
      at: new Date(at('2025-01-16T07:30:00Z')),
    });
    expect(late.crossings[0]).toMatchObject({ crossing: 'left', alarm: true });
  });

  it('never later than now: a device clock running fast cannot move a crossing into the hours', () => {
    const z = zone('safe', CIRCLE, NIGHT);
    const claimed = at('2025-01-15T22:10:00Z');
    const result = evaluateFix({
      zones: [z],
      states: [state(z.id, true, claimed - 60_000)],
      fix: fix(300, 10, claimed),
      at: new Date(at('2025-01-15T21:50:00Z')),
    });
    expect(result.crossings[0]).toMatchObject({ crossing: 'left', alarm: false });
  });

  it.each([
    // a night of fixes for a night-only safe zone: [north, UTC time]; crossings as crossing[!]@minutes after the first fix
    [
      'slipped out before the night began: raised when it begins, once',
      'safe',
      [
        [100, '2025-01-15T21:50:00Z'],
        [300, '2025-01-15T21:55:00Z'],
        [300, '2025-01-15T22:00:00Z'],
        [300, '2025-01-15T22:05:00Z'],
        [100, '2025-01-15T22:10:00Z'],
      ],
      ['left@5', 'left!@10', 'entered@20'],
    ],
    [
      'on the edge as the night begins: the known side still counts',
      'safe',
      [
        [300, '2025-01-15T21:55:00Z'],
        [205, '2025-01-15T22:01:00Z'],
        [300, '2025-01-15T22:05:00Z'],
      ],
      ['left@0', 'left!@6'],
    ],
    [
      'out at the end of one night and still out (no fixes) at the start of the next: raised again',
      'safe',
      [
        [300, '2025-01-16T06:50:00Z'],
        [300, '2025-01-16T22:30:00Z'],
        [300, '2025-01-16T22:35:00Z'],
      ],
      ['left!@0', 'left!@940'],
    ],
    [
      'out all day with fixes: raised once at 22:00',
      'safe',
      [
        [300, '2025-01-15T07:10:00Z'],
        [300, '2025-01-15T15:00:00Z'],
        [300, '2025-01-15T21:59:00Z'],
        [300, '2025-01-15T22:00:30Z'],
        [300, '2025-01-16T01:00:00Z'],
      ],
      ['left@0', 'left!@890.5'],
    ],
    [
      'home all evening: nothing',
      'safe',
      [
        [100, '2025-01-15T21:00:00Z'],
        [100, '2025-01-15T22:30:00Z'],
        [100, '2025-01-16T03:00:00Z'],
      ],
      [],
    ],
    [
      'went into an exclusion zone in the afternoon, still there at night',
      'exclusion',
      [
        [300, '2025-01-15T16:00:00Z'],
        [100, '2025-01-15T16:10:00Z'],
        [100, '2025-01-15T22:15:00Z'],
      ],
      ['entered@10', 'entered!@375'],
    ],
    [
      'across the night the clocks go back, out the whole time: raised once',
      'safe',
      [
        [300, '2025-10-25T20:30:00Z'],
        [300, '2025-10-25T21:00:00Z'],
        [300, '2025-10-26T00:30:00Z'],
        [300, '2025-10-26T01:30:00Z'],
        [300, '2025-10-26T02:30:00Z'],
      ],
      ['left@0', 'left!@30'],
    ],
  ] as const)('%s', (_name, kind, path, expected) => {
    const z = zone(kind, CIRCLE, NIGHT);
    const fixes = path.map(([north, iso]) => fix(north, 10, at(iso)));
    expect(track(z, fixes).crossings).toEqual(expected);
  });
});

describe('several zones at once', () => {
  it('judges each zone on its own, keeps their order, and forgets states of zones no longer given', () => {
    const home = zone('safe', CIRCLE, null, 'home');
    const far: GeofenceShape = { type: 'circle', lat: offset(1000)[0], lon: HOME[1], radiusM: 300 };
    const perpetrator = zone('exclusion', far, null, 'perpetrator');
    const states = [state('home', true), state('perpetrator', false), state('deleted-zone', true)];
    const result = evaluateFix({ zones: [home, perpetrator], states, fix: fix(800, 20), at: new Date(WINTER_NOON) });
    expect(result.states).toEqual([
      { zoneId: 'home', inside: false, fixTs: WINTER_NOON },
      { zoneId: 'perpetrator', inside: true, fixTs: WINTER_NOON },
    ]);
    expect(result.crossings.map((c) => [c.zoneId, c.crossing, c.alarm])).toEqual([
      ['home', 'left', true],
      ['perpetrator', 'entered', true],
    ]);
  });

  it('no zones, nothing to do', () => {
    expect(evaluateFix({ zones: [], states: [], fix: fix(0), at: new Date(WINTER_NOON) })).toEqual({
      states: [],
      crossings: [],
    });
  });

  it('a duplicate fix (delivered twice) raises once', () => {
    const z = zone('exclusion');
    const first = run(z, [state(z.id, false)], fix(100));
    const again = run(z, first.states, fix(100));
    expect(first.crossings).toHaveLength(1);
    expect(again.crossings).toEqual([]);
    expect(again.states).toEqual(first.states);
  });
});
