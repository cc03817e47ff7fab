import { describe, expect, it } from 'vitest';
import {
  bearingDeg,
  compassPoint,
  distanceBetweenM,
  distanceText,
  placeWords,
  zonePlace,
  type NamedPlace,
} from './place-words.js';

// Southport: one degree of latitude is ~111.2 km; of longitude at 53.65° N, ~65.9 km.
const HOME: NamedPlace = { name: 'Home', lat: 53.6458, lon: -3.0101 };
const north = (m: number) => ({ lat: HOME.lat + m / 111_195, lon: HOME.lon });
const east = (m: number) => ({ lat: HOME.lat, lon: HOME.lon + m / (111_195 * Math.cos((HOME.lat * Math.PI) / 180)) });
const northEast = (m: number) => ({ lat: north(m / Math.SQRT2).lat, lon: east(m / Math.SQRT2).lon });

describe('distance and direction', () => {
  it('measures metres on the ground', () => {
    expect(distanceBetweenM(HOME, north(1000))).toBeCloseTo(1000, -0.5);
    expect(distanceBetweenM(HOME, east(320))).toBeCloseTo(320, -0.5);
  });
  it.each([
    [north(500), 'N'],
    [east(500), 'E'],
    [northEast(500), 'NE'],
    [{ lat: HOME.lat - 0.004, lon: HOME.lon - 0.0068 }, 'SW'],
  ])('%o is %s of home', (to, point) => {
    expect(compassPoint(bearingDeg(HOME, to))).toBe(point);
  });
  it.each([
    [4, '10 m'],
    [318, '320 m'],
    [999, '1.0 km'],
    [1234, '1.2 km'],
    [23_456, '23 km'],
  ])('%d m reads "%s"', (m, words) => expect(distanceText(m)).toBe(words));
});

describe('placeWords', () => {
  const school = zonePlace('School', { type: 'circle', lat: north(2000).lat, lon: HOME.lon, radiusM: 150 });
  it.each<[string, { lat: number; lon: number }, readonly NamedPlace[], string | null]>([
    ['no places known', north(100), [], null],
    ['320 m NE of home', northEast(320), [HOME], '320 m NE of Home'],
    ['at home', north(10), [HOME], 'at Home'],
    ['inside a zone', north(1950), [HOME, school], 'in School'],
    ['nearer the school than home', north(1700), [HOME, school], '300 m S of School'],
    ['nearer home', north(600), [HOME, school], '600 m N of Home'],
  ])('%s', (_name, position, places, words) => {
    expect(placeWords(position, places)).toBe(words);
  });
  it('takes a polygon zone at the centre of its corners', () => {
    const park = zonePlace('Park', {
      type: 'polygon',
      points: [
        [53.65, -3.01],
        [53.652, -3.01],
        [53.652, -3.006],
        [53.65, -3.006],
      ],
    });
    expect(park).toEqual({ name: 'Park', lat: 53.651, lon: -3.008 });
  });
});
