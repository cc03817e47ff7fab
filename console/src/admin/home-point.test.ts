import { describe, expect, it } from 'vitest';
import { parseHomePoint } from './home-point.js';

describe('parseHomePoint: both coordinates or neither, each in range', () => {
  it.each([
    ['both', '53.6458', '-3.0101', { homeLat: 53.6458, homeLon: -3.0101 }],
    ['a decimal comma', '53,6458', '-3,0101', { homeLat: 53.6458, homeLon: -3.0101 }],
    ['spaces around', ' 0 ', ' 180 ', { homeLat: 0, homeLon: 180 }],
    ['neither: no home', '', ' ', { homeLat: null, homeLon: null }],
  ])('takes %s', (_why, lat, lon, home) => {
    expect(parseHomePoint(lat, lon)).toEqual({ ok: true, home });
  });

  it.each([
    ['only a latitude', '53.6', '', 'homeLon'],
    ['only a longitude', '', '-3', 'homeLat'],
    ['a latitude past the pole', '90.5', '0', 'homeLat'],
    ['a longitude past 180', '0', '-181', 'homeLon'],
    ['words', 'north', '0', 'homeLat'],
    ['two numbers in one field', '53.6 -3.0', '1', 'homeLat'],
    ['an exponent', '1e1', '0', 'homeLat'],
  ])('refuses %s, on the field at fault', (_why, lat, lon, field) => {
    const parsed = parseHomePoint(lat, lon);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.field).toBe(field);
  });
});
