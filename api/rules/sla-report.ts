// The SLA report for a period: how quickly alarms were accepted and resolved, per alarm class and
// overall, against the BS 8484 and telecare lines (sla-targets.ts). Pure: alarms, the period and
// the report time `now` in; plain data out (times as ISO strings, so JSON and tests see the same).
//
// What counts:
// - Every time counts from received_at, the ARC's receive time, never the device clock.
// - Test-mode alarms (is_test) count in no figure; they are only tallied under `excluded`.
// - Linked alarms (linked_to set: a further alarm of a wearer whose earlier alarm an operator
//   already holds) count in no figure either. The incident was answered when the first alarm was
//   accepted; the linked one goes straight to that operator and is stored accepted at its receive
//   time (alarm-store.ts insertAlarm), so counting it would add a 0 s "answer" nobody gave and
//   flatter every share, and count one incident twice in the false alarm rate. They are tallied
//   under `excluded`. An alarm both test and linked is tallied as test. (A repeat of the same
//   kind is no new row at all: it is one more activation of the open alarm.)
// - An alarm's class follows its priority as stored (a repeat activation may have raised it).
// - An alarm is judged as it stands at `now`: an acceptance or resolution stamped after `now` has
//   not happened yet. The period chooses which alarms (received in [from, to)); their handling is
//   followed up to `now`, so an alarm received before `to` and accepted after it still counts.
import { nearestRank } from './sla-percentile.js';
import {
  ALARM_CLASSES,
  FALSE_CLOSURE_CODES,
  SLA_LINES,
  classOf,
  type AlarmClassName,
  type SlaLineId,
} from './sla-targets.js';

export interface SlaAlarm {
  id: string;
  type: string;
  priority: number;
  receivedAt: Date;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closureCode: string | null;
  verified: 'genuine' | 'false' | null;
  isTest: boolean;
  linkedTo: string | null;
}

export interface SlaShare {
  line: SlaLineId;
  standard: string;
  withinS: number;
  /** The target as a fraction (0.985 = 98.5 %). */
  target: number;
  /** Alarms accepted within the line. */
  within: number;
  /** Alarms judged against the line: accepted, or still unaccepted past it. */
  counted: number;
  /** Unaccepted alarms that have not yet reached the line: left out of within and counted. */
  pending: number;
  /** within / counted; null when nothing was counted. */
  share: number | null;
  /** share ≥ target; null when nothing was counted (no evidence either way). */
  met: boolean | null;
}

export interface SecondsSummary {
  /** How many alarms the figures are taken from. */
  count: number;
  median: number | null;
  p95: number | null;
}

export interface ClassFigures {
  alarmClass: AlarmClassName | 'overall';
  priorities: number[];
  /** The line a miss of which lists an alarm as a breach; null for overall (each class has its own). */
  breachAfterS: number | null;
  alarms: number;
  accepted: number;
  unaccepted: number;
  resolved: number;
  shares: SlaShare[];
  /** Received to accepted, over the alarms accepted by `now`. */
  acceptSeconds: SecondsSummary;
  /** Received to resolved, over the alarms resolved by `now`. */
  resolveSeconds: SecondsSummary;
  byType: Record<string, number>;
  /** Over resolved alarms; a resolved alarm without a code is under "none". */
  byClosureCode: Record<string, number>;
  /** False alarms over resolved alarms. */
  falseAlarms: { count: number; resolved: number; rate: number | null };
  breaches: number;
}

export interface SlaBreach {
  alarmId: string;
  alarmClass: AlarmClassName;
  type: string;
  priority: number;
  receivedAt: string;
  targetS: number;
  secondsToAccept: number | 'unaccepted';
}

export interface SlaReport {
  period: { from: string; to: string };
  asOf: string;
  excluded: { test: number; linked: number };
  classes: ClassFigures[];
  overall: ClassFigures;
  breaches: SlaBreach[];
}

/** One alarm as the report sees it at `now`: durations in ms from received_at. */
interface Judged {
  alarm: SlaAlarm;
  ageMs: number;
  acceptMs: number | null;
  resolveMs: number | null;
}

const happenedBy = (at: Date | null, now: Date) => (at !== null && at.getTime() <= now.getTime() ? at : null);

function judge(alarm: SlaAlarm, now: Date): Judged {
  const received = alarm.receivedAt.getTime();
  const accepted = happenedBy(alarm.acceptedAt, now);
  const resolved = happenedBy(alarm.resolvedAt, now);
  return {
    alarm,
    ageMs: now.getTime() - received,
    acceptMs: accepted && accepted.getTime() - received,
    resolveMs: resolved && resolved.getTime() - received,
  };
}

type Verdict = 'within' | 'missed' | 'pending';

/**
 * One alarm against one line of `withinS` seconds, at `now`:
 * - accepted after at most withinS seconds (exactly 10.000 s is within 10 s): within;
 * - accepted later: missed;
 * - not accepted, and more than withinS seconds old: missed, whatever happens next, since any
 *   acceptance from now on is already too late;
 * - not accepted, and at most withinS seconds old: pending. It could still be accepted in time,
 *   so counting it either way would be a guess; it is left out of the share until it is decided.
 *   At exactly withinS seconds old an acceptance this instant would still be within, so pending.
 * A resolution never stands in for a missing acceptance: operators accept before they can
 * resolve (alarm-lifecycle.ts), so an alarm resolved with no accepted_at is judged unaccepted.
 */
function verdict(j: Judged, withinS: number): Verdict {
  const limitMs = withinS * 1000;
  if (j.acceptMs !== null) return j.acceptMs <= limitMs ? 'within' : 'missed';
  return j.ageMs > limitMs ? 'missed' : 'pending';
}

const isFalseAlarm = (a: SlaAlarm) =>
  a.verified === 'false' ||
  (a.closureCode !== null && (FALSE_CLOSURE_CODES as readonly string[]).includes(a.closureCode));

function tally(keys: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  // Object.fromEntries defines own properties, so even a key like "__proto__" is kept as data.
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function summarise(ms: number[]): SecondsSummary {
  const seconds = ms.map((m) => m / 1000);
  return { count: seconds.length, median: nearestRank(seconds, 50), p95: nearestRank(seconds, 95) };
}

function share(judged: Judged[], line: (typeof SLA_LINES)[number]): SlaShare {
  const verdicts = judged.map((j) => verdict(j, line.withinS));
  const within = verdicts.filter((v) => v === 'within').length;
  const pending = verdicts.filter((v) => v === 'pending').length;
  const counted = judged.length - pending;
  return {
    line: line.id,
    standard: line.standard,
    withinS: line.withinS,
    target: line.targetPerMille / 1000,
    within,
    counted,
    pending,
    share: counted === 0 ? null : within / counted,
    // Integers only: within / counted ≥ perMille / 1000 ⇔ within × 1000 ≥ perMille × counted.
    met: counted === 0 ? null : within * 1000 >= line.targetPerMille * counted,
  };
}

/**
 * An alarm is a breach when its class's breach line is missed (accepted after it, or still
 * unaccepted past it at `now`). One not yet past the line is not a breach yet.
 */
function breachOf(j: Judged): SlaBreach | null {
  const alarmClass = classOf(j.alarm.priority);
  if (verdict(j, alarmClass.breachAfterS) !== 'missed') return null;
  return {
    alarmId: j.alarm.id,
    alarmClass: alarmClass.name,
    type: j.alarm.type,
    priority: j.alarm.priority,
    receivedAt: j.alarm.receivedAt.toISOString(),
    targetS: alarmClass.breachAfterS,
    secondsToAccept: j.acceptMs === null ? 'unaccepted' : j.acceptMs / 1000,
  };
}

function figures(
  alarmClass: ClassFigures['alarmClass'],
  priorities: readonly number[],
  breachAfterS: number | null,
  judged: Judged[],
  breaches: SlaBreach[],
): ClassFigures {
  const accepted = judged.filter((j) => j.acceptMs !== null);
  const resolved = judged.filter((j) => j.resolveMs !== null);
  const falseCount = resolved.filter((j) => isFalseAlarm(j.alarm)).length;
  return {
    alarmClass,
    priorities: [...priorities],
    breachAfterS,
    alarms: judged.length,
    accepted: accepted.length,
    unaccepted: judged.length - accepted.length,
    resolved: resolved.length,
    shares: SLA_LINES.map((line) => share(judged, line)),
    acceptSeconds: summarise(accepted.map((j) => j.acceptMs!)),
    resolveSeconds: summarise(resolved.map((j) => j.resolveMs!)),
    byType: tally(judged.map((j) => j.alarm.type)),
    byClosureCode: tally(resolved.map((j) => j.alarm.closureCode ?? 'none')),
    falseAlarms: {
      count: falseCount,
      resolved: resolved.length,
      rate: resolved.length === 0 ? null : falseCount / resolved.length,
    },
    breaches: breaches.length,
  };
}

export function slaReport(alarms: readonly SlaAlarm[], period: { from: Date; to: Date }, now: Date): SlaReport {
  const inPeriod = alarms.filter(
    (a) => a.receivedAt.getTime() >= period.from.getTime() && a.receivedAt.getTime() < period.to.getTime(),
  );
  const test = inPeriod.filter((a) => a.isTest).length;
  const linked = inPeriod.filter((a) => !a.isTest && a.linkedTo !== null).length;
  const judged = inPeriod.filter((a) => !a.isTest && a.linkedTo === null).map((a) => judge(a, now));

  const breaches = judged
    .map(breachOf)
    .filter((b): b is SlaBreach => b !== null)
    .sort((a, b) =>
      a.receivedAt < b.receivedAt
        ? -1
        : a.receivedAt > b.receivedAt
          ? 1
          : a.alarmId < b.alarmId
            ? -1
            : a.alarmId > b.alarmId
              ? 1
              : 0,
    );

  const classes = ALARM_CLASSES.map((c) =>
    figures(
      c.name,
      c.priorities,
      c.breachAfterS,
      judged.filter((j) => classOf(j.alarm.priority) === c),
      breaches.filter((b) => b.alarmClass === c.name),
    ),
  );
  const allPriorities = ALARM_CLASSES.flatMap((c) => [...c.priorities]).sort((a, b) => a - b);

  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    asOf: now.toISOString(),
    excluded: { test, linked },
    classes,
    overall: figures('overall', allPriorities, null, judged, breaches),
    breaches,
  };
}
