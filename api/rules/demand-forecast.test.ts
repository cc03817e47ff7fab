import { describe, expect, it } from 'vitest';
import {
  fitHoltWinters,
  forecastDemand,
  HOURS_PER_WEEK,
  holtWinters,
  holtWintersForecast,
  seasonalNaive,
} from './demand-forecast.js';
import { poisson, seededRandom } from './seeded-random.js';

describe('Holt-Winters additive recursions (FPP3 §8.3), worked by hand', () => {
  // Season m = 2, y = 1, 3, 2, 4, 5 and α = β = γ = 0.5.
  // Start: means 2 and 3 → trend (3 − 2)/2 = 0.5; seasonal terms from the trend line through the
  // first mean (1.75 at i = 0, 2.25 at i = 1): −0.75, +0.75; level stepped to i = 1: 2.25.
  // t=2 (y 2): forecast 2.25 + 0.5 − 0.75 = 2 (exact); ℓ 2.75, b 0.5, s0 −0.75.
  // t=3 (y 4): forecast 2.75 + 0.5 + 0.75 = 4 (exact); ℓ 3.25, b 0.5, s1 0.75.
  // t=4 (y 5): forecast 3.25 + 0.5 − 0.75 = 3 (error 2, SSE 4);
  //   ℓ = 0.5(5 + 0.75) + 0.5(3.25 + 0.5) = 4.75; b = 0.5(4.75 − 3.25) + 0.5·0.5 = 1;
  //   s0 = 0.5(5 − 3.25 − 0.5) + 0.5(−0.75) = 0.25.
  // Forecasts: h=1 uses s1: 4.75 + 1 + 0.75 = 6.5; h=2 uses s0: 4.75 + 2 + 0.25 = 7.
  const fit = holtWinters([1, 3, 2, 4, 5], 2, { alpha: 0.5, beta: 0.5, gamma: 0.5 });
  it.each<[string, number, number]>([
    ['level', fit.level, 4.75],
    ['trend', fit.trend, 1],
    ['next season term', fit.season[0], 0.75],
    ['season term after', fit.season[1], 0.25],
    ['SSE', fit.sse, 4],
    ['h=1', holtWintersForecast(fit, 2)[0], 6.5],
    ['h=2', holtWintersForecast(fit, 2)[1], 7],
  ])('%s', (_, got, want) => expect(got).toBeCloseTo(want, 12));

  it('needs two seasons', () =>
    expect(() => holtWinters([1, 2, 3], 2, { alpha: 0.1, beta: 0, gamma: 0.1 })).toThrow(RangeError));
});

describe('a series the model describes exactly is forecast exactly', () => {
  const weekly = (t: number) =>
    3 + 2 * Math.sin((2 * Math.PI * (t % HOURS_PER_WEEK)) / 24) + (t % HOURS_PER_WEEK > 120 ? 1.5 : 0);
  it.each<[string, (t: number) => number]>([
    ['level + season', weekly],
    ['level + trend + season', (t) => weekly(t) + 0.002 * t],
  ])('%s', (_, series) => {
    const y = Array.from({ length: 6 * HOURS_PER_WEEK }, (_, t) => series(t));
    const fit = fitHoltWinters(y, HOURS_PER_WEEK);
    const ahead = holtWintersForecast(fit, HOURS_PER_WEEK);
    ahead.forEach((f, i) => expect(f).toBeCloseTo(series(y.length + i), 6));
  });
});

/** Seeded hourly counts with a weekly pattern (busy evenings, busier weekend nights) and growth. */
function syntheticHistory(weeks: number, seed: number, growthPerWeek = 0.01): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: weeks * HOURS_PER_WEEK }, (_, t) => {
    const hour = t % 24;
    const day = Math.floor((t % HOURS_PER_WEEK) / 24);
    const daily = 2 + 3 * Math.exp(-(((hour - 19) / 3) ** 2)) + 1.5 * Math.exp(-(((hour - 9) / 2) ** 2));
    const weekend = day >= 5 ? 1.4 : 1;
    return poisson(random, daily * weekend * (1 + growthPerWeek * (t / HOURS_PER_WEEK)));
  });
}

describe('forecastDemand on seeded history', () => {
  const history = syntheticHistory(26, 17);
  const result = forecastDemand(history, 2 * HOURS_PER_WEEK);
  if (!result.ok) throw new Error(result.reason);
  const { forecast } = result;

  it('beats "same hour last week" on the held-back weeks', () => {
    expect(forecast.backtest.meanAbsError).toBeLessThan(forecast.backtest.seasonalNaiveMeanAbsError);
  });
  it('gets the held-back total within 10 %', () => {
    expect(
      Math.abs(forecast.backtest.forecastTotal - forecast.backtest.actualTotal) / forecast.backtest.actualTotal,
    ).toBeLessThan(0.1);
  });
  it('an 80 % band holds roughly 80 % of the week it was not set on', () => {
    expect(forecast.backtest.bandCoverage).toBeGreaterThan(0.65);
    expect(forecast.backtest.bandCoverage).toBeLessThan(0.95);
  });
  it('forecasts every hour asked for, never below zero, the band around the mean', () => {
    expect(forecast.hours).toHaveLength(2 * HOURS_PER_WEEK);
    for (const h of forecast.hours) {
      expect(h.low).toBeGreaterThanOrEqual(0);
      expect(h.low).toBeLessThanOrEqual(h.mean + 1e-9);
      expect(h.high).toBeGreaterThanOrEqual(h.mean - 1e-9);
    }
  });
  it('keeps the weekly shape: Saturday 19:00 busier than Tuesday 03:00', () => {
    // history ends on a week boundary, so step 1 is hour 0 of day 0
    const at = (day: number, hour: number) => forecast.hours[day * 24 + hour].mean;
    expect(at(5, 19)).toBeGreaterThan(2 * at(1, 3));
  });
  it('is deterministic', () => expect(forecastDemand(history, 10)).toEqual(forecastDemand(history, 10)));
});

describe('too little history', () => {
  it('says how much there is and how much it needs', () => {
    const result = forecastDemand(new Array(3 * HOURS_PER_WEEK).fill(1), 24);
    expect(result).toEqual({
      ok: false,
      reason: 'a forecast needs 4 weeks of history; there are 3.0',
      weeksOfHistory: 3,
    });
  });
});

describe('seasonalNaive', () => {
  it('repeats the last season', () => expect(seasonalNaive([1, 2, 3, 4, 5], 2, 3)).toEqual([4, 5, 4]));
});
