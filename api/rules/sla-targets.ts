// What the SLA report measures against: the response lines of the standards, the alarm classes
// (one table, read top to bottom) and which closure codes mean "false alarm".
import type { ClosureCode } from './alarm-lifecycle.js';

/**
 * The response-time lines. A share is met when within / counted ≥ target; targets are held in
 * per mille so that test is done in integers (197 of 200 is exactly 98.5 %, not a float near it).
 * Every line applies to every class: the report shows how each class fares against each standard.
 */
export const SLA_LINES = [
  // BS 8484: the ARC answers 80 % of alarm activations within 10 s …
  { id: 'bs8484_10s', standard: 'BS 8484', withinS: 10, targetPerMille: 800 },
  // … and 98.5 % within 40 s.
  { id: 'bs8484_40s', standard: 'BS 8484', withinS: 40, targetPerMille: 985 },
  // TSA Telecare Code of Practice: 97.5 % of alarm calls answered within 60 s …
  { id: 'telecare_60s', standard: 'TSA telecare', withinS: 60, targetPerMille: 975 },
  // … and 99 % within 180 s.
  { id: 'telecare_180s', standard: 'TSA telecare', withinS: 180, targetPerMille: 990 },
] as const;
export type SlaLine = (typeof SLA_LINES)[number];
export type SlaLineId = SlaLine['id'];

/**
 * Alarm classes by priority (1 most urgent). breachAfterS is the one line whose miss puts an
 * alarm on the breach list:
 * - emergency (SOS, duress): BS 8484's 10 s answer line, the line the standard sets for a
 *   lone-worker activation.
 * - urgent and routine: the 60 s telecare line (TSA), the first line a telecare ARC is held to;
 *   BS 8484's 10 s line is reported for them as a share but a miss is not listed one by one.
 *   Note this is stricter than the ARC's own overdue deadlines for priorities 4–5
 *   (ARC_ACCEPT_DEADLINES, 120 s / 300 s by default): a battery-low alarm left 61 s is listed.
 */
export const ALARM_CLASSES = [
  { name: 'emergency', priorities: [1], breachAfterS: 10 },
  { name: 'urgent', priorities: [2, 3], breachAfterS: 60 },
  { name: 'routine', priorities: [4, 5], breachAfterS: 60 },
] as const;
export type AlarmClass = (typeof ALARM_CLASSES)[number];
export type AlarmClassName = AlarmClass['name'];

export function classOf(priority: number): AlarmClass {
  const found = ALARM_CLASSES.find((c) => (c.priorities as readonly number[]).includes(priority));
  // The alarms table checks priority between 1 and 5, and the table above covers all five.
  if (!found) throw new Error(`No alarm class for priority ${priority}`);
  return found;
}

/** Closure codes that say the alarm was false. A wearer's verified cancellation is not one of them. */
export const FALSE_CLOSURE_CODES: readonly ClosureCode[] = ['false_accidental', 'false_test', 'false_equipment'];
