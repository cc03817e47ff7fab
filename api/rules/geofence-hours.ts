// Active hours of a zone, judged on the local wall clock of its time zone with the Intl API the
// runtime already has (no time-zone library). Pure: the instant is always passed in.
import type { ActiveHours } from './geofence-zone.js';
import { dateTimeFormat } from './date-time-format.js';

export const DEFAULT_TIME_ZONE = 'Europe/London';

const DAY_S = 86_400;
// hourCycle h23: midnight is 00, never 24 (`hour12: false` gives 24 in some engines).
const formatterFor = (timeZone: string) =>
  dateTimeFormat({ timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Seconds since local midnight on the wall clock of `timeZone` at instant `ms`. */
export function localSecondOfDay(ms: number, timeZone: string): number {
  let seconds = 0;
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type === 'hour') seconds += Number(part.value) * 3600;
    else if (part.type === 'minute') seconds += Number(part.value) * 60;
    else if (part.type === 'second') seconds += Number(part.value);
  }
  return seconds;
}

const secondOfClock = (hhmm: string) => Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60;

/**
 * How long, in wall-clock milliseconds, the zone's active period containing instant `ms` has been
 * running; `null` when the zone is not active then, `Infinity` when it is always active.
 * Wall-clock time is what a carer means by "night only"; across a DST change the figure is off by
 * the hour the clocks moved, which callers allow for.
 */
export function activeForMs(hours: ActiveHours | null, ms: number, defaultTimeZone = DEFAULT_TIME_ZONE): number | null {
  if (!hours) return Infinity;
  const from = secondOfClock(hours.from);
  const to = secondOfClock(hours.to);
  // Equal ends are refused where zones are drawn; should one get here, read it as all day.
  if (from === to) return Infinity;
  const now = localSecondOfDay(ms, hours.timeZone ?? defaultTimeZone);
  const active = from < to ? from <= now && now < to : now >= from || now < to;
  if (!active) return null;
  return ((((now - from) % DAY_S) + DAY_S) % DAY_S) * 1000 + (((ms % 1000) + 1000) % 1000);
}

/** Whether the zone raises alarms at instant `ms`. */
export function isActiveAt(hours: ActiveHours | null, ms: number, defaultTimeZone = DEFAULT_TIME_ZONE): boolean {
  return activeForMs(hours, ms, defaultTimeZone) !== null;
}
