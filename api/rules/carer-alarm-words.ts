// How alarms are put to a carer: the kinds a carer may choose to hear about, and the one sentence
// the carer view shows for a person. Pure (STYLE habit 3): facts and `now` in, words out. The page
// imports the kinds and labels from here too.
import { dateTimeFormat } from './date-time-format.js';

/** What happened, as it fits in "an alarm for Mum (…)". The carer view uses the same words. */
export const REASONS: Record<string, string> = {
  sos: 'SOS button pressed',
  fall: 'a fall was detected',
  no_motion: 'no movement for a while',
  tamper: 'the alarm may have been removed or tampered with',
  'power.off': 'the alarm was switched off',
  'amber.expired': 'a safety timer ran out before they checked in safe',
  'checkin.missed': 'a check-in was missed',
  no_comm: 'the alarm has stopped reporting',
  'geofence.left': 'left a safe area',
  unrecognised: 'the alarm sent a signal we could not read',
};

/**
 * What a carer can ask to be told about. A duress alarm belongs to none: it is never told to a
 * carer (duress-PIN rule of the device protocol). Entering an exclusion zone counts as a call for
 * help and is never named: the zone may be near a perpetrator's address.
 */
export const CARER_ALARM_KINDS = ['help', 'missed_check', 'safe_zone', 'device', 'battery'] as const;
export type CarerAlarmKind = (typeof CARER_ALARM_KINDS)[number];

export const CARER_ALARM_KIND_LABELS: Record<CarerAlarmKind, string> = {
  help: 'Calls for help: SOS button, a fall, no movement',
  missed_check: 'A safety timer or a check-in missed',
  safe_zone: 'Leaving a safe zone',
  device: 'Problems with the alarm: switched off, stopped reporting, tampered with',
  battery: 'Low battery',
};

const KIND_OF_TYPE: Record<string, CarerAlarmKind> = {
  sos: 'help',
  fall: 'help',
  no_motion: 'help',
  'geofence.entered': 'help',
  'amber.expired': 'missed_check',
  'checkin.missed': 'missed_check',
  'geofence.left': 'safe_zone',
  tamper: 'device',
  'power.off': 'device',
  no_comm: 'device',
  unrecognised: 'device',
  'battery.low': 'battery',
};

/** The kind of an alarm type, or null for one never told to carers (duress). */
export function carerAlarmKind(alarmType: string): CarerAlarmKind | null {
  if (alarmType === 'duress') return null;
  return KIND_OF_TYPE[alarmType] ?? 'device';
}

/** The words in brackets after "an alarm for Mum", or null to say nothing more than "an alarm". */
export function carerAlarmReason(alarmType: string): string | null {
  if (alarmType === 'geofence.entered' || alarmType === 'duress') return null;
  if (alarmType === 'battery.low') return 'the alarm battery is low';
  return REASONS[alarmType] ?? REASONS.unrecognised;
}

/** The carer-visible alarms of one person: never duress, never a test (the caller filters). */
export interface CarerAlarmFacts {
  openCount: number;
  /** The oldest open alarm. */
  oldestOpen: { type: string; receivedAt: Date } | null;
  lastClosed: { type: string; resolvedAt: Date } | null;
}

export interface CarerAlarmStatus {
  state: 'open' | 'closed' | 'none';
  /** One plain sentence, ready to show. */
  text: string;
  /** When the oldest open alarm was received (ISO 8601), or null. */
  since: string | null;
  /** When the last closed alarm was resolved (ISO 8601), or null. */
  closedAt: string | null;
}

/** The ARC serves the UK (BS 8484): clock times are told in London time, as in carers' emails. */
export const CARER_TIME_ZONE = 'Europe/London';

function clockTime(at: Date, now: Date, timeZone: string): string {
  const time = dateTimeFormat({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);
  const day = (d: Date) => dateTimeFormat({ day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(d);
  if (day(at) === day(now)) return time;
  return `${time} on ${dateTimeFormat({ day: 'numeric', month: 'short', timeZone }).format(at)}`;
}

const bracketed = (type: string) => {
  const reason = carerAlarmReason(type);
  return reason ? ` (${reason})` : '';
};

/** "The alarm centre is dealing with an alarm for Mum (SOS button pressed) since 14:02." */
export function carerAlarmStatus(
  name: string,
  facts: CarerAlarmFacts,
  now: Date,
  timeZone = CARER_TIME_ZONE,
): CarerAlarmStatus {
  const closedAt = facts.lastClosed?.resolvedAt.toISOString() ?? null;
  if (facts.openCount > 0 && facts.oldestOpen) {
    const since = clockTime(facts.oldestOpen.receivedAt, now, timeZone);
    const text =
      facts.openCount === 1
        ? `The alarm centre is dealing with an alarm for ${name}${bracketed(facts.oldestOpen.type)} since ${since}.`
        : `The alarm centre is dealing with ${facts.openCount} alarms for ${name} since ${since}.`;
    return { state: 'open', text, since: facts.oldestOpen.receivedAt.toISOString(), closedAt };
  }
  if (facts.lastClosed) {
    const at = clockTime(facts.lastClosed.resolvedAt, now, timeZone);
    return {
      state: 'closed',
      text: `The last alarm for ${name}${bracketed(facts.lastClosed.type)} was closed at ${at}.`,
      since: null,
      closedAt,
    };
  }
  return { state: 'none', text: `No alarm for ${name} so far.`, since: null, closedAt: null };
}
