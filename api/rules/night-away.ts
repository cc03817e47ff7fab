// Night-time activity away from home (issue 17, prevention signal `night_away`): a fix taken in
// the night hours, wholly outside every one of the wearer's safe zones. Pure (STYLE habit 3): the
// zones, the fix, the zone's clock and the night hours are all passed in.
//
// - Judged on the fix's own time (when the position was taken), so a fix sent late after a gap
//   in coverage still belongs to its night.
// - "Away" uses the same accuracy rule as the geofence alarms (geofence-rules.ts sideOfFix): the
//   whole accuracy circle must be outside. A fix straddling an edge, or too vague to tell, is not
//   counted: the signal prompts a review, and a doubtful fix should not.
// - A wearer without a safe zone has no known home: none of their fixes is "away".
// - Active hours of a zone do not matter here: a zone drawn "at night only" still marks home.
// - A night is named by the local date it began on (22:00 on 3 March to 06:00 on 4 March is the
//   night of 3 March); a month counts the nights with at least one fix away.
import { addDays } from './local-dates.js';
import { dateTimeFormat } from './date-time-format.js';
import { sideOfFix, type GeofenceFix } from './geofence-rules.js';
import type { GeofenceShape } from './geofence-zone.js';

/** Local whole hours; the night runs from `from` (included) to `to` (excluded), wrapping midnight when to < from. */
export interface NightHours {
  from: number;
  to: number;
}

/** "22-06": the key the rollup rows are built under (another setting builds its own). */
export const nightHoursKey = (hours: NightHours) =>
  `${String(hours.from).padStart(2, '0')}-${String(hours.to).padStart(2, '0')}`;

/** The local date the night holding instant `ms` began on, or null when `ms` is not in the night hours. */
export function nightOf(ms: number, timeZone: string, hours: NightHours): string | null {
  // One cached formatter for the local date and hour: a night's build judges every fix of it.
  const parts = dateTimeFormat({
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  const hour = Number(part('hour'));
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  if (hours.from < hours.to) return hour >= hours.from && hour < hours.to ? date : null;
  if (hour >= hours.from) return date;
  if (hour < hours.to) return addDays(date, -1);
  return null;
}

/** Whether a fix is wholly outside every safe zone (false with no safe zone: home unknown). */
export function isAwayFromHome(fix: GeofenceFix, safeZones: readonly GeofenceShape[]): boolean {
  return safeZones.length > 0 && safeZones.every((shape) => sideOfFix(shape, fix) === 'outside');
}

/** The night a fix counts towards as "away at night", or null when it does not count. */
export function nightAwayOf(
  fix: GeofenceFix,
  safeZones: readonly GeofenceShape[],
  timeZone: string,
  hours: NightHours,
): string | null {
  const night = nightOf(fix.ts, timeZone, hours);
  return night !== null && isAwayFromHome(fix, safeZones) ? night : null;
}

export interface NightTally {
  /** Fixes taken in the night hours. */
  fixes: number;
  /** Of those, fixes wholly outside every safe zone. */
  away: number;
}

const QUARTER_HOUR_MS = 900_000;

/**
 * nightOf for one zone and night hours, remembering its answers: every zone's offset is a whole
 * number of quarter hours, so a local hour never turns inside a UTC quarter hour, and one answer
 * per quarter hour spares a formatter call per fix (a night's build judges ~10^6 fixes).
 */
export function nightClock(timeZone: string, hours: NightHours): (ms: number) => string | null {
  const byQuarter = new Map<number, string | null>();
  return (ms) => {
    const quarter = Math.floor(ms / QUARTER_HOUR_MS);
    let night = byQuarter.get(quarter);
    if (night === undefined) byQuarter.set(quarter, (night = nightOf(ms, timeZone, hours)));
    return night;
  };
}

/** One wearer's fixes tallied per night (only nights with at least one night-time fix appear); `nightOfFix` from nightClock. */
export function tallyNights(
  fixes: readonly GeofenceFix[],
  safeZones: readonly GeofenceShape[],
  nightOfFix: (ms: number) => string | null,
): Map<string, NightTally> {
  const nights = new Map<string, NightTally>();
  for (const fix of fixes) {
    const night = nightOfFix(fix.ts);
    if (night === null) continue;
    let tally = nights.get(night);
    if (!tally) nights.set(night, (tally = { fixes: 0, away: 0 }));
    tally.fixes += 1;
    if (isAwayFromHome(fix, safeZones)) tally.away += 1;
  }
  return nights;
}
