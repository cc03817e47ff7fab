// Seeded, realistic monthly signal counts for many wearers, with planted rising cases: the
// ground truth the review list (api/rules/signal-rise.ts) is tuned and tested on.
//
// Realism: each wearer has their own usual rate per signal (most near zero, a few high: a gamma
// spread across people), and months vary more than a Poisson would (a gamma month-to-month
// factor: a bad-weather month, a holiday). Planted cases: the last month's rate of one signal is
// multiplied by `plantedFactor` (a person starting to fall, to wander at night).
import { PREVENTION_SIGNALS, type PreventionSignal, type WearerSignals } from '../api/rules/signal-rise.js';
import { gammaMeanOne, poisson, seededRandom } from '../api/rules/seeded-random.js';

/** Population mean events per wearer per month, by signal. */
export const SIGNAL_MEAN_PER_MONTH: Record<PreventionSignal, number> = {
  falls: 0.3,
  sos: 0.2,
  no_motion: 0.15,
  night_away: 0.5,
  missed_checkins: 0.4,
  false_alarms: 0.6,
  low_battery: 0.8,
  silent_device: 0.3,
};

export interface SyntheticWearers {
  wearers: WearerSignals[];
  /** Wearer id → the signal planted to rise in the last month. */
  planted: Map<string, PreventionSignal>;
}

export function syntheticWearers(options: {
  count: number;
  months: number;
  /** The latest months reviewed, in which a planted signal has risen. */
  reviewMonths: number;
  plantedShare: number;
  plantedFactor: number;
  seed: number;
}): SyntheticWearers {
  const random = seededRandom(options.seed);
  const planted = new Map<string, PreventionSignal>();
  const wearers: WearerSignals[] = [];
  for (let w = 0; w < options.count; w += 1) {
    const wearerId = `w${String(w).padStart(6, '0')}`;
    const rising =
      random() < options.plantedShare ? PREVENTION_SIGNALS[Math.floor(random() * PREVENTION_SIGNALS.length)] : null;
    if (rising) planted.set(wearerId, rising);
    const signals = PREVENTION_SIGNALS.map((signal) => {
      // People differ: shape 0.7 gives many near zero and a long tail.
      let rate = SIGNAL_MEAN_PER_MONTH[signal] * gammaMeanOne(random, 0.7);
      // A planted wearer's rising signal starts from a level where a rise can be seen at all.
      if (signal === rising) rate = Math.max(rate, 0.5);
      const counts = Array.from({ length: options.months }, (_, m) => {
        const reviewed = m >= options.months - options.reviewMonths;
        const factor = reviewed && signal === rising ? options.plantedFactor : 1;
        return poisson(random, rate * factor * gammaMeanOne(random, 8));
      });
      const cut = options.months - options.reviewMonths;
      return {
        signal,
        baseline: counts.slice(0, cut),
        current: counts.slice(cut).reduce((a, b) => a + b, 0),
        currentMonths: options.reviewMonths,
      };
    });
    wearers.push({ wearerId, signals });
  }
  return { wearers, planted };
}
