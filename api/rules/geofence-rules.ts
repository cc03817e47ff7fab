// What one location fix does to a wearer's geofences: pure, no I/O (STYLE habit 3). The shell
// loads the zones and this device's states, calls evaluateFix, saves the returned states and
// raises an alarm for every crossing with `alarm: true`, in one transaction.
//
// Rules (issue "Geofences"):
// - A safe zone raises on leaving it; an exclusion zone raises on entering it.
// - Hysteresis by accuracy, so drift at an edge does not flap: the wearer is inside only when the
//   whole accuracy circle of the fix is inside, outside only when it is wholly outside; a fix whose
//   circle straddles the edge leaves the state as it was.
// - A fix older than the one the state was last judged on is ignored (fixes arrive out of order
//   after a gap in coverage; the current position is the newest fix, not the last received).
// - Outside its active hours a zone still tracks the state, but a crossing raises no alarm.
import { isActiveAt, activeForMs, DEFAULT_TIME_ZONE } from './geofence-hours.js';
import { signedDistanceToCircle, signedDistanceToPolygon, type LatLon } from './geofence-geometry.js';
import type { GeofenceKind, GeofenceShape, GeofenceZone } from './geofence-zone.js';

/** What the ARC last concluded for one zone and one device: a row of `geofence_states`. */
export interface GeofenceState {
  zoneId: string;
  inside: boolean;
  /** Device time (ms) of the newest fix judged against this zone. */
  fixTs: number;
}

export interface GeofenceFix {
  /** Device time, ms since the epoch. */
  ts: number;
  lat: number;
  lon: number;
  /** Radius in metres of the accuracy circle; absent when the device did not say. */
  acc?: number | null;
}

export const CrossingCause = {
  /** The state flipped between two fixes. */
  crossed: 'crossed',
  /** The first fix judged against the zone found the wearer where a crossing would alarm. */
  firstFix: 'first_fix',
  /** The wearer was already where a crossing alarms when the zone's active hours began. */
  hoursBegan: 'hours_began',
} as const;
export type CrossingCause = (typeof CrossingCause)[keyof typeof CrossingCause];

export interface GeofenceCrossing {
  zoneId: string;
  zoneName: string;
  kind: GeofenceKind;
  crossing: 'left' | 'entered';
  /** Raise an alarm: the zone's kind alarms on this crossing and the zone is active. */
  alarm: boolean;
  cause: CrossingCause;
  /** Device time of the fix that showed it. */
  fixTs: number;
}

export interface FixEvaluation {
  /** The state of every zone after this fix whose state is known (feed it to the next fix). */
  states: GeofenceState[];
  crossings: GeofenceCrossing[];
}

export interface EvaluateFixInput {
  zones: readonly GeofenceZone[];
  states: readonly GeofenceState[];
  fix: GeofenceFix;
  /** The ARC's clock now. */
  at: Date;
  /** For zones whose active hours name no time zone. Defaults to Europe/London. */
  timeZone?: string;
}

/**
 * A fix without an accuracy is taken as a middling GNSS fix rather than a perfect point, so that
 * a device which never reports accuracy still cannot make a state flap on an edge.
 */
export const ASSUMED_ACC_M = 25;

/**
 * Wall-clock and real time part by the hour the clocks move at a DST change; this much slack keeps
 * that hour from looking like a new active period.
 */
const DST_SLACK_MS = 3600_000;

/** Where, for each kind, the wearer must be for an alarm (a crossing to there alarms). */
const ALARMING_SIDE: Record<GeofenceKind, 'inside' | 'outside'> = {
  safe: 'outside',
  exclusion: 'inside',
};

type Side = 'inside' | 'outside';
type Known = Side | 'unknown';

/**
 * Previous state → new state: what is reported. `reportIfAlarming` entries are reported only
 * when the new side is the zone's alarming side.
 *
 * The first fix establishes the state, and is reported as a crossing only when it finds the
 * wearer on the alarming side: a person who may wander and is already out when tracking starts
 * (or the zone is created or re-enabled) must be noticed, and so must a victim already inside an
 * exclusion zone. A first fix on the safe side says nothing.
 */
const TRANSITIONS: Record<
  `${Known}→${Side}`,
  { crossing: 'left' | 'entered'; cause: CrossingCause; reportIfAlarming: boolean } | null
> = {
  'unknown→inside': { crossing: 'entered', cause: CrossingCause.firstFix, reportIfAlarming: true },
  'unknown→outside': { crossing: 'left', cause: CrossingCause.firstFix, reportIfAlarming: true },
  'outside→inside': { crossing: 'entered', cause: CrossingCause.crossed, reportIfAlarming: false },
  'inside→outside': { crossing: 'left', cause: CrossingCause.crossed, reportIfAlarming: false },
  'inside→inside': null,
  'outside→outside': null,
};

function signedDistanceM(shape: GeofenceShape, point: LatLon): number {
  return shape.type === 'circle'
    ? signedDistanceToCircle(point, [shape.lat, shape.lon], shape.radiusM)
    : signedDistanceToPolygon(point, shape.points as LatLon[]);
}

/** Which side the whole accuracy circle is on, or null when it straddles the edge. */
export function sideOfFix(shape: GeofenceShape, fix: GeofenceFix): Side | null {
  const acc = Math.max(0, fix.acc ?? ASSUMED_ACC_M);
  const d = signedDistanceM(shape, [fix.lat, fix.lon]);
  if (d + acc < 0) return 'inside';
  if (d - acc > 0) return 'outside';
  return null;
}

export function evaluateFix(input: EvaluateFixInput): FixEvaluation {
  const { zones, fix } = input;
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const nowMs = input.at.getTime();
  // Active hours are judged when the fix was taken (a fix stored through a gap in coverage tells
  // of its own moment), but never later than now: a device clock running fast cannot move a
  // crossing into the future.
  const judgedAt = (ts: number) => Math.min(ts, nowMs);
  const previous = new Map(input.states.map((s) => [s.zoneId, s]));
  const states: GeofenceState[] = [];
  const crossings: GeofenceCrossing[] = [];

  for (const zone of zones) {
    const before = previous.get(zone.id);
    if (before && fix.ts < before.fixTs) {
      states.push(before);
      continue;
    }
    const seen = sideOfFix(zone.shape, fix);
    const side: Side | null = seen ?? (before ? (before.inside ? 'inside' : 'outside') : null);
    if (side === null) continue; // straddling the edge with no state yet: still unknown
    states.push({ zoneId: zone.id, inside: side === 'inside', fixTs: fix.ts });

    const alarming = side === ALARMING_SIDE[zone.kind];
    const t = judgedAt(fix.ts);
    const from: Known = before ? (before.inside ? 'inside' : 'outside') : 'unknown';
    const transition = TRANSITIONS[`${from}→${side}`];
    const report = (crossing: 'left' | 'entered', cause: CrossingCause, alarm: boolean) =>
      crossings.push({ zoneId: zone.id, zoneName: zone.name, kind: zone.kind, crossing, alarm, cause, fixTs: fix.ts });

    if (transition) {
      if (!transition.reportIfAlarming || alarming)
        report(transition.crossing, transition.cause, alarming && isActiveAt(zone.activeHours, t, timeZone));
      continue;
    }
    // No crossing. But a wearer who went out (or in) while the zone was not active, and is still
    // there when its active hours begin, must raise then: the night-only safe zone of someone who
    // slipped out at 21:55 must not stay silent all night.
    if (!alarming || !before) continue;
    const activeFor = activeForMs(zone.activeHours, t, timeZone);
    if (activeFor === null || activeFor === Infinity) continue;
    const last = judgedAt(before.fixTs);
    const periodBeganSinceLastFix =
      !isActiveAt(zone.activeHours, last, timeZone) || t - last > activeFor + DST_SLACK_MS;
    if (periodBeganSinceLastFix) report(side === 'inside' ? 'entered' : 'left', CrossingCause.hoursBegan, true);
  }
  return { states, crossings };
}
