// The demand forecast: alarms per hour for the coming weeks, with a band. Pure (STYLE habit 3).
//
// Method: Holt-Winters additive (level + trend + a 168-hour seasonal pattern), the recursions of
// Hyndman & Athanasopoulos, "Forecasting: Principles and Practice" (3rd ed.), §8.3:
//   ℓt = α(yt − s(t−m)) + (1 − α)(ℓ(t−1) + b(t−1))
//   bt = β(ℓt − ℓ(t−1)) + (1 − β)b(t−1)
//   st = γ(yt − ℓ(t−1) − b(t−1)) + (1 − γ)s(t−m)
//   ŷ(t+h|t) = ℓt + h·bt + s(t+h−m(k+1))
// Why: an ARC's alarms follow the week (the hour of the day and the day of the week both
// matter: evenings, weekend nights), so the season is 168 hours, not 24; the level and trend
// follow the service as it grows. Additive because hourly counts are small and often zero
// (a multiplicative season divides by them). α, β, γ are chosen from a small grid by the
// smallest one-step error on the history.
//
// The band is honest in that it comes from how wrong the method was on the data: the last
// weeks are held back, forecast from what came before, and the errors (scaled by √forecast,
// since counts vary like a Poisson) give the band's quantiles. The first held-back week sets
// the band, the second checks it (coverage); the reader sees both and the error against the
// seasonal-naive forecast (same hour last week) as a yardstick.

export const HOURS_PER_WEEK = 168;

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
}

export interface HoltWintersFit {
  params: HoltWintersParams;
  level: number;
  trend: number;
  /** The seasonal terms for the m steps after the last observation, in order. */
  season: number[];
  /** Sum of squared one-step errors over the history after the first season. */
  sse: number;
}

const PARAM_GRID = {
  alpha: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2],
  beta: [0, 0.0001, 0.001],
  gamma: [0.02, 0.05, 0.1, 0.2, 0.3],
};

/**
 * Runs the recursions over y with season length m. Initial state (a classical start): level =
 * mean of the first season, trend = (mean of season 2 − mean of season 1) / m, seasonal terms =
 * the first season's values less the trend line through that mean. Needs at least two seasons.
 */
export function holtWinters(y: readonly number[], m: number, params: HoltWintersParams): HoltWintersFit {
  if (y.length < 2 * m) throw new RangeError(`Holt-Winters needs two seasons (${2 * m} values), got ${y.length}`);
  const { alpha, beta, gamma } = params;
  const mean = (from: number) => y.slice(from, from + m).reduce((s, v) => s + v, 0) / m;
  const first = mean(0);
  let level = first;
  let trend = (mean(m) - first) / m;
  // The mean stands for the middle of the first season: the seasonal terms are measured from
  // the trend line through it, and the level is stepped to the season's last hour.
  const season = y.slice(0, m).map((v, i) => v - (first + trend * (i - (m - 1) / 2)));
  level += trend * ((m - 1) / 2);
  let sse = 0;
  for (let t = m; t < y.length; t += 1) {
    const s = season[t % m];
    const forecast = level + trend + s;
    sse += (y[t] - forecast) ** 2;
    const previousLevel = level;
    const previousTrend = trend;
    level = alpha * (y[t] - s) + (1 - alpha) * (previousLevel + previousTrend);
    trend = beta * (level - previousLevel) + (1 - beta) * previousTrend;
    season[t % m] = gamma * (y[t] - previousLevel - previousTrend) + (1 - gamma) * s;
  }
  const next = y.length % m;
  return { params, level, trend, season: [...season.slice(next), ...season.slice(0, next)], sse };
}

/** h-step forecasts from a fit (h = 1 … horizon). */
export function holtWintersForecast(fit: HoltWintersFit, horizon: number): number[] {
  const m = fit.season.length;
  return Array.from({ length: horizon }, (_, i) => fit.level + (i + 1) * fit.trend + fit.season[i % m]);
}

/** The grid point with the smallest one-step squared error. */
export function fitHoltWinters(y: readonly number[], m: number): HoltWintersFit {
  let best: HoltWintersFit | null = null;
  for (const alpha of PARAM_GRID.alpha)
    for (const beta of PARAM_GRID.beta)
      for (const gamma of PARAM_GRID.gamma) {
        const fit = holtWinters(y, m, { alpha, beta, gamma });
        if (!best || fit.sse < best.sse) best = fit;
      }
  return best!;
}

/** Same hour last week, repeated: the yardstick every seasonal method must beat. */
export function seasonalNaive(y: readonly number[], m: number, horizon: number): number[] {
  const last = y.slice(y.length - m);
  return Array.from({ length: horizon }, (_, i) => last[i % m]);
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

const scaleOf = (forecast: number) => Math.sqrt(Math.max(forecast, 0.25));

/** The band around a forecast from scaled error quantiles, in whole alarms, never below zero. */
function bandOf(mean: number, low: number, high: number): [number, number] {
  return [Math.max(0, Math.floor(mean + low * scaleOf(mean))), Math.max(0, Math.ceil(mean + high * scaleOf(mean)))];
}

export interface ForecastHour {
  /** Hours after the end of the history (1 = the first hour forecast). */
  step: number;
  mean: number;
  low: number;
  high: number;
}

export interface DemandForecast {
  method: 'holt_winters_additive_168h';
  params: HoltWintersParams;
  /** The central share of outcomes the band is meant to hold (0.8 = 10th to 90th percentile). */
  bandShare: number;
  hours: ForecastHour[];
  backtest: {
    heldBackWeeks: number;
    /** Mean absolute error per hour over the held-back weeks. */
    meanAbsError: number;
    /** The same for "same hour last week": the method earns its place only if it is lower. */
    seasonalNaiveMeanAbsError: number;
    /** Share of the last held-back week's hours inside a band set from the week before it. */
    bandCoverage: number;
    actualTotal: number;
    forecastTotal: number;
  };
}

export type ForecastResult =
  { ok: true; forecast: DemandForecast } | { ok: false; reason: string; weeksOfHistory: number };

/**
 * Forecasts `horizon` hours after an hourly history. Needs four whole weeks: two to start the
 * season, two to hold back and judge it.
 */
export function forecastDemand(history: readonly number[], horizon: number, bandShare = 0.8): ForecastResult {
  const m = HOURS_PER_WEEK;
  const heldBackWeeks = 2;
  const weeks = history.length / m;
  if (history.length < (2 + heldBackWeeks) * m) {
    return {
      ok: false,
      reason: `a forecast needs ${2 + heldBackWeeks} weeks of history; there are ${weeks.toFixed(1)}`,
      weeksOfHistory: weeks,
    };
  }
  const cut = history.length - heldBackWeeks * m;
  const training = history.slice(0, cut);
  const heldBack = history.slice(cut);
  const backFit = fitHoltWinters(training, m);
  const backForecast = holtWintersForecast(backFit, heldBack.length);
  const naive = seasonalNaive(training, m, heldBack.length);
  const scaled = heldBack.map((actual, i) => (actual - backForecast[i]) / scaleOf(backForecast[i]));

  const tail = (1 - bandShare) / 2;
  const sortedFirstWeek = scaled.slice(0, m).sort((a, b) => a - b);
  const checkLow = quantile(sortedFirstWeek, tail);
  const checkHigh = quantile(sortedFirstWeek, 1 - tail);
  // Judged as the reader sees the band: whole alarms (a count is 0, 1, 2 …, so the band is
  // widened outward to whole numbers), never below zero.
  const inside = heldBack.slice(m).filter((actual, i) => {
    const [lo, hi] = bandOf(Math.max(0, backForecast[m + i]), checkLow, checkHigh);
    return actual >= lo && actual <= hi;
  }).length;

  const sortedAll = [...scaled].sort((a, b) => a - b);
  const low = quantile(sortedAll, tail);
  const high = quantile(sortedAll, 1 - tail);
  const fit = fitHoltWinters(history, m);
  const hours = holtWintersForecast(fit, horizon).map((raw, i) => {
    const mean = Math.max(0, raw);
    const [lo, hi] = bandOf(mean, low, high);
    return { step: i + 1, mean, low: lo, high: hi };
  });
  const mae = (forecast: number[]) =>
    heldBack.reduce((s, actual, i) => s + Math.abs(actual - forecast[i]), 0) / heldBack.length;
  return {
    ok: true,
    forecast: {
      method: 'holt_winters_additive_168h',
      params: fit.params,
      bandShare,
      hours,
      backtest: {
        heldBackWeeks,
        meanAbsError: mae(backForecast.map((f) => Math.max(0, f))),
        seasonalNaiveMeanAbsError: mae(naive),
        bandCoverage: inside / m,
        actualTotal: heldBack.reduce((s, v) => s + v, 0),
        forecastTotal: backForecast.reduce((s, v) => s + Math.max(0, v), 0),
      },
    },
  };
}
