import { describe, expect, it } from 'vitest';
import { Fix } from '../protocol/device-payloads.js';
import { SOUTHPORT, type Walker, distanceFromCentreM, fixOf, startWalk, stepWalk } from './town-walk.js';

const T0 = Date.UTC(2025, 10, 22, 9, 0, 0);

/** Walks `steps` steps of `dtS` seconds and returns every walker along the way, start included. */
function walk(seed: number, steps: number, dtS: number): Walker[] {
  const walkers = [startWalk(seed)];
  for (let i = 0; i < steps; i++) walkers.push(stepWalk(walkers[walkers.length - 1], dtS));
  return walkers;
}

describe('town walk', () => {
  it.each([
    { seed: 1, dtS: 30 },
    { seed: 2, dtS: 5 },
    { seed: 42, dtS: 300 },
    { seed: -7, dtS: 3600 },
  ])('stays within 2 km of Southport for a day (seed $seed, steps of $dtS s)', ({ seed, dtS }) => {
    const walkers = walk(seed, Math.ceil((24 * 3600) / dtS), dtS);
    for (const w of walkers) expect(distanceFromCentreM(w)).toBeLessThanOrEqual(2000);
    // It does get about: not stuck at the start.
    expect(Math.max(...walkers.map(distanceFromCentreM))).toBeGreaterThan(300);
  });

  it('produces fixes the protocol accepts, with gnss accuracy of 5 to 25 m', () => {
    walk(3, 500, 30).forEach((w, i) => {
      const fix = fixOf(w, T0 + i * 30_000);
      expect(Fix.safeParse(fix).success).toBe(true);
      expect(fix.src).toBe('gnss');
      expect(fix.acc).toBeGreaterThanOrEqual(5);
      expect(fix.acc).toBeLessThanOrEqual(25);
      expect(fix.heading).toBeLessThan(360);
      // The reported point lies within the stated accuracy of the true one.
      expect(distanceFromCentreM({ centre: w, lat: fix.lat, lon: fix.lon })).toBeLessThanOrEqual(fix.acc! + 0.5);
    });
  });

  it('moves at walking pace', () => {
    const walkers = walk(4, 200, 30);
    for (let i = 1; i < walkers.length; i++) {
      const metres = distanceFromCentreM({ centre: walkers[i - 1], lat: walkers[i].lat, lon: walkers[i].lon });
      expect(metres).toBeLessThanOrEqual(1.7 * 30 + 0.01); // 6 km/h at most
      expect(walkers[i].speedMps).toBeLessThanOrEqual(1.7);
    }
  });

  it('drains the battery slowly and never below zero', () => {
    const walkers = walk(5, 2000, 60);
    for (let i = 1; i < walkers.length; i++) expect(walkers[i].battPct).toBeLessThanOrEqual(walkers[i - 1].battPct);
    expect(walkers[0].battPct - walkers[10].battPct).toBeLessThan(5); // 10 minutes
    expect(walkers[walkers.length - 1].battPct).toBe(0);
  });

  it('is deterministic per seed', () => {
    expect(walk(9, 100, 30)).toEqual(walk(9, 100, 30));
    expect(walk(9, 100, 30)).not.toEqual(walk(10, 100, 30));
  });

  it('is pure: stepping the same walker twice gives the same result and leaves it unchanged', () => {
    const walker = stepWalk(startWalk(11), 60);
    const copy = structuredClone(walker);
    expect(stepWalk(walker, 30)).toEqual(stepWalk(walker, 30));
    expect(walker).toEqual(copy);
  });

  it('stays put when still (after a fall) while time and battery go on', () => {
    const before = stepWalk(startWalk(12), 60);
    const after = stepWalk(before, 600, { still: true });
    expect([after.lat, after.lon]).toEqual([before.lat, before.lon]);
    expect(after.speedMps).toBe(0);
    expect(after.battPct).toBeLessThan(before.battPct);
  });

  it('walks around another town when given its centre', () => {
    const centre = { lat: 51.5007, lon: -0.1246 };
    const w = stepWalk(startWalk(13, { centre, radiusM: 500 }), 3600);
    expect(distanceFromCentreM(w)).toBeLessThanOrEqual(500);
    expect(distanceFromCentreM({ centre: SOUTHPORT, lat: w.lat, lon: w.lon })).toBeGreaterThan(100_000);
  });
});
