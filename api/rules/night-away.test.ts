import { describe, expect, it } from 'vitest';
import { EARTH_RADIUS_M, type LatLon } from './geofence-geometry.js';
import type { GeofenceShape } from './geofence-zone.js';
import { isAwayFromHome, nightAwayOf, nightClock, nightHoursKey, nightOf, tallyNights } from './night-away.js';

const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;
const HOME: LatLon = [51.5, -0.1];
const north = (m: number): LatLon => [HOME[0] + m / M_PER_DEG, HOME[1]];
/** Home: 200 m around HOME. A second safe zone 5 km north (a day centre). */
const HOME_ZONE: GeofenceShape = { type: 'circle', lat: HOME[0], lon: HOME[1], radiusM: 200 };
const DAY_CENTRE: GeofenceShape = { type: 'circle', lat: north(5000)[0], lon: north(5000)[1], radiusM: 300 };
const NIGHT = { from: 22, to: 6 };
const LONDON = 'Europe/London';
const at = (iso: string, metresNorth: number, acc: number | null = 10) => ({
  ts: Date.parse(iso),
  lat: north(metresNorth)[0],
  lon: north(metresNorth)[1],
  acc,
});

describe('nightOf: the local night an instant falls in, named by the date it began', () => {
  it.each([
    // London in winter is UTC.
    ['2026-01-14T21:59:59Z', NIGHT, LONDON, null],
    ['2026-01-14T22:00:00Z', NIGHT, LONDON, '2026-01-14'],
    ['2026-01-14T23:59:00Z', NIGHT, LONDON, '2026-01-14'],
    ['2026-01-15T00:30:00Z', NIGHT, LONDON, '2026-01-14'],
    ['2026-01-15T05:59:59Z', NIGHT, LONDON, '2026-01-14'],
    ['2026-01-15T06:00:00Z', NIGHT, LONDON, null],
    ['2026-01-15T12:00:00Z', NIGHT, LONDON, null],
    // Summer: 22:00 in London is 21:00 UTC, and 05:30 local is 04:30 UTC.
    ['2026-07-14T21:00:00Z', NIGHT, LONDON, '2026-07-14'],
    ['2026-07-14T20:59:00Z', NIGHT, LONDON, null],
    ['2026-07-15T04:30:00Z', NIGHT, LONDON, '2026-07-14'],
    ['2026-07-15T05:00:00Z', NIGHT, LONDON, null],
    // A night that does not wrap midnight: 00–05.
    ['2026-01-15T00:00:00Z', { from: 0, to: 5 }, LONDON, '2026-01-15'],
    ['2026-01-14T23:00:00Z', { from: 0, to: 5 }, LONDON, null],
    // Another zone: 23:00 in New York is 04:00 UTC the next day.
    ['2026-01-15T04:00:00Z', NIGHT, 'America/New_York', '2026-01-14'],
    // The night the clocks go forward (29 March 2026, 01:00 → 02:00): still one night.
    ['2026-03-29T01:30:00Z', NIGHT, LONDON, '2026-03-28'],
  ])('%s with %o in %s → %s', (iso, hours, zone, expected) => {
    expect(nightOf(Date.parse(iso), zone, hours)).toBe(expected);
  });

  it('nightClock gives the same answers, remembered per quarter hour (India is UTC+05:30)', () => {
    const clock = nightClock('Asia/Kolkata', NIGHT);
    for (let ms = Date.parse('2026-01-14T15:00:00Z'); ms < Date.parse('2026-01-15T02:00:00Z'); ms += 7 * 60_000) {
      expect(clock(ms)).toBe(nightOf(ms, 'Asia/Kolkata', NIGHT));
    }
    // 22:00 in Kolkata is 16:30 UTC: the turn falls inside a UTC hour, on a quarter hour.
    expect(clock(Date.parse('2026-01-14T16:29:59Z'))).toBeNull();
    expect(clock(Date.parse('2026-01-14T16:30:00Z'))).toBe('2026-01-14');
  });

  it('keys the rollups by the hours', () => {
    expect(nightHoursKey(NIGHT)).toBe('22-06');
    expect(nightHoursKey({ from: 0, to: 5 })).toBe('00-05');
  });
});

describe('isAwayFromHome: wholly outside every safe zone', () => {
  it.each([
    ['at home', 0, 10, [HOME_ZONE], false],
    ['1 km away', 1000, 10, [HOME_ZONE], true],
    ['just out, but the accuracy circle reaches back in', 230, 50, [HOME_ZONE], false],
    ['just out, accuracy circle wholly out', 230, 20, [HOME_ZONE], true],
    ['no accuracy given: 25 m assumed', 220, null, [HOME_ZONE], false],
    ['inside another safe zone (the day centre)', 5000, 10, [HOME_ZONE, DAY_CENTRE], false],
    ['outside both', 2500, 10, [HOME_ZONE, DAY_CENTRE], true],
    ['no safe zone: home unknown, never away', 1000, 10, [], false],
  ] as const)('%s', (_name, metres, acc, zones, expected) => {
    expect(isAwayFromHome(at('2026-01-14T23:00:00Z', metres, acc), zones)).toBe(expected);
  });
});

describe('nightAwayOf and tallyNights', () => {
  it('counts a fix only when it is both at night and away', () => {
    expect(nightAwayOf(at('2026-01-14T23:00:00Z', 1000), [HOME_ZONE], LONDON, NIGHT)).toBe('2026-01-14');
    expect(nightAwayOf(at('2026-01-14T14:00:00Z', 1000), [HOME_ZONE], LONDON, NIGHT)).toBeNull();
    expect(nightAwayOf(at('2026-01-14T23:00:00Z', 0), [HOME_ZONE], LONDON, NIGHT)).toBeNull();
  });

  it("tallies one wearer's fixes per night: night fixes and how many were away", () => {
    const fixes = [
      at('2026-01-14T14:00:00Z', 3000), // day: not tallied
      at('2026-01-14T22:30:00Z', 0),
      at('2026-01-14T23:30:00Z', 800),
      at('2026-01-15T02:00:00Z', 900), // after midnight: the same night
      at('2026-01-15T23:00:00Z', 0),
    ];
    expect(Object.fromEntries(tallyNights(fixes, [HOME_ZONE], nightClock(LONDON, NIGHT)))).toEqual({
      '2026-01-14': { fixes: 3, away: 2 },
      '2026-01-15': { fixes: 1, away: 0 },
    });
  });
});
