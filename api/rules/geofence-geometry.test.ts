import { describe, expect, it } from 'vitest';
import {
  EARTH_RADIUS_M,
  distanceM,
  openRing,
  pointInPolygon,
  polygonAreaM2,
  ringSelfIntersects,
  signedDistanceToCircle,
  signedDistanceToPolygon,
  type LatLon,
} from './geofence-geometry.js';

const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180; // 111 195.08 m

/** A point `north` and `east` metres from `origin`, on the local plane. */
const offset = (origin: LatLon, north: number, east: number): LatLon => [
  origin[0] + north / M_PER_DEG,
  origin[1] + east / (M_PER_DEG * Math.cos((origin[0] * Math.PI) / 180)),
];

const HOME: LatLon = [51.5, -0.1];
/** 200 m × 200 m square centred on HOME. */
const SQUARE: LatLon[] = [
  offset(HOME, -100, -100),
  offset(HOME, -100, 100),
  offset(HOME, 100, 100),
  offset(HOME, 100, -100),
];
/** An L: the square with its north-east quarter cut out. */
const ELL: LatLon[] = [
  offset(HOME, -100, -100),
  offset(HOME, -100, 100),
  offset(HOME, 0, 100),
  offset(HOME, 0, 0),
  offset(HOME, 100, 0),
  offset(HOME, 100, -100),
];
/** 2 km square straddling the antimeridian on the equator. */
const DATELINE: LatLon[] = [
  [-0.009, 179.991],
  [-0.009, -179.991],
  [0.009, -179.991],
  [0.009, 179.991],
];

describe('distanceM: great-circle distances we know', () => {
  it.each([
    ['the same point', [51.5, -0.1], [51.5, -0.1], 0, 0.001],
    ['1° of latitude anywhere', [51, -3], [52, -3], M_PER_DEG, 0.01],
    ['1° of longitude on the equator', [0, 10], [0, 11], M_PER_DEG, 0.01],
    // 2R·asin(cos 60° · sin 0.5°): a little under half a degree of the equator.
    ['1° of longitude at 60° N', [60, 0], [60, 1], 55_597.01, 0.1],
    ['equator to pole', [0, 0], [90, 0], (Math.PI / 2) * EARTH_RADIUS_M, 0.01],
    ['antipodes', [0, 0], [0, 180], Math.PI * EARTH_RADIUS_M, 0.01],
    ['across the antimeridian', [0, 179.999], [0, -179.999], 0.002 * M_PER_DEG, 0.01],
    // The textbook haversine figure for central London to central Paris.
    ['London to Paris', [51.5074, -0.1278], [48.8566, 2.3522], 343_556, 100],
    ['10 m north, the scale of a zone edge', HOME, offset(HOME, 10, 0), 10, 0.001],
  ] as const)('%s', (_name, a, b, expected, tolerance) => {
    expect(Math.abs(distanceM(a, b) - expected)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(distanceM(b, a) - expected)).toBeLessThanOrEqual(tolerance);
  });
});

describe('signedDistanceToCircle: negative inside, positive outside', () => {
  it.each([
    ['at the centre', 0, 0, -100],
    ['50 m north of the centre', 50, 0, -50],
    ['on the edge', 100, 0, 0],
    ['111 m east', 0, 111, 11],
    ['300 m south-west', -300 / Math.SQRT2, -300 / Math.SQRT2, 200],
  ] as const)('%s', (_name, north, east, expected) => {
    expect(signedDistanceToCircle(offset(HOME, north, east), HOME, 100)).toBeCloseTo(expected, 1);
  });
});

describe('signedDistanceToPolygon and pointInPolygon', () => {
  it.each([
    ['square: centre', SQUARE, 0, 0, -100],
    ['square: 50 m north of centre', SQUARE, 50, 0, -50],
    ['square: 10 m inside the west edge', SQUARE, 0, -90, -10],
    ['square: on the north edge', SQUARE, 100, 0, 0],
    ['square: 50 m beyond the north edge', SQUARE, 150, 0, 50],
    ['square: beyond the north-east corner', SQUARE, 150, 150, Math.hypot(50, 50)],
    ['L: in the cut-out notch, nearer the inner corner', ELL, 40, 30, 30],
    ['L: in the cut-out notch, 10 m from its west side', ELL, 60, 10, 10],
    ['L: in the arm', ELL, 50, -50, -50],
    ['L: in the foot', ELL, -50, 50, -50],
  ] as const)('%s', (_name, ring, north, east, expected) => {
    const point = offset(HOME, north, east);
    expect(signedDistanceToPolygon(point, ring)).toBeCloseTo(expected, 1);
    if (expected !== 0) expect(pointInPolygon(point, ring)).toBe(expected < 0);
  });

  it('a closed ring (first point repeated last) measures the same as the open ring', () => {
    const closed = [...SQUARE, SQUARE[0]];
    for (const [north, east] of [
      [0, 0],
      [150, 0],
      [-90, 95],
      [300, -300],
    ] as const) {
      const point = offset(HOME, north, east);
      expect(signedDistanceToPolygon(point, closed)).toBeCloseTo(signedDistanceToPolygon(point, SQUARE), 6);
      expect(pointInPolygon(point, closed)).toBe(pointInPolygon(point, SQUARE));
    }
  });

  it.each([
    ['inside, east of the antimeridian', [0, -179.995], true, -0.004 * M_PER_DEG],
    ['inside, west of the antimeridian', [0.005, 179.999], true, -0.004 * M_PER_DEG],
    ['outside, east', [0, -179.98], false, 0.011 * M_PER_DEG],
  ] as const)('a polygon across the antimeridian: %s', (_name, point, inside, expected) => {
    expect(pointInPolygon(point, DATELINE)).toBe(inside);
    expect(signedDistanceToPolygon(point, DATELINE)).toBeCloseTo(expected, 0);
  });
});

describe('polygon checks used where zones are drawn', () => {
  it.each([
    ['square', SQUARE, 40_000],
    ['L', ELL, 30_000],
    ['closed square', [...SQUARE, SQUARE[0]], 40_000],
    ['a line has none', [HOME, offset(HOME, 100, 0), offset(HOME, 200, 0)], 0],
  ] as const)('area of %s', (_name, ring, expected) => {
    expect(polygonAreaM2(ring)).toBeCloseTo(expected, -1);
  });

  it.each([
    ['square', SQUARE, false],
    ['L', ELL, false],
    ['triangle', SQUARE.slice(0, 3), false],
    ['bow tie', [SQUARE[0], SQUARE[1], SQUARE[3], SQUARE[2]], true],
    [
      'a ring that touches itself at a vertex',
      [
        offset(HOME, 0, 0),
        offset(HOME, 100, 0),
        offset(HOME, 100, 100),
        offset(HOME, 0, 0.0),
        offset(HOME, -100, 0),
        offset(HOME, -100, -100),
      ],
      true,
    ],
  ] as const)('self-intersection of %s: %s', (_name, ring, expected) => {
    expect(ringSelfIntersects(ring)).toBe(expected);
  });

  it('openRing drops only a closing vertex', () => {
    expect(openRing([...SQUARE, SQUARE[0]])).toEqual(SQUARE);
    expect(openRing(SQUARE)).toEqual(SQUARE);
  });
});
