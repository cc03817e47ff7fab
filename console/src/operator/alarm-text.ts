// How an alarm reads on the console: its type in words, who, its state, its deadline, and the
// marks an operator must not miss. Pure; the page puts these strings in as text only.
import type { AlarmView } from '../../../api/live/console-contract.js';
import { durationText } from '../shared/format.js';

/** Alarm types (api/rules/event-rules.ts and the clock's sweeps) in an operator's words. */
const TYPE_WORDS: Record<string, string> = {
  sos: 'SOS',
  duress: 'Duress (silent)',
  fall: 'Fall',
  no_motion: 'No motion',
  tamper: 'Tamper',
  'power.off': 'Power off',
  'battery.low': 'Low battery',
  'amber.expired': 'Amber session expired',
  no_comm: 'Device silent',
  'checkin.missed': 'Missed check-in',
  'geofence.left': 'Left safe zone',
  'geofence.entered': 'Entered exclusion zone',
};

export function alarmTypeText(alarm: AlarmView): string {
  if (alarm.type === 'unrecognised') {
    const eventType = alarm.flags.eventType;
    return typeof eventType === 'string' && eventType ? `Unrecognised event: ${eventType}` : 'Unrecognised event';
  }
  // A type newer than this page still shows, as the ARC named it.
  return Object.hasOwn(TYPE_WORDS, alarm.type) ? TYPE_WORDS[alarm.type] : alarm.type;
}

export function wearerText(alarm: AlarmView): string {
  return alarm.wearerName ?? `Unassigned device ${alarm.deviceId}`;
}

export function statusText(alarm: AlarmView): string {
  return alarm.status === 'accepted' ? 'Accepted' : alarm.status === 'resolved' ? 'Resolved' : 'New';
}

export function ownerText(alarm: AlarmView): string {
  return alarm.owner?.name ?? '—';
}

/** The accept deadline counting down ("0:08 left"), then how late it is; "—" once accepted. */
export function deadlineText(alarm: AlarmView, now: number): string {
  if (alarm.status !== 'raised' || !alarm.acceptDueAt) return '—';
  const left = Date.parse(alarm.acceptDueAt) - now;
  return left >= 0 ? `${durationText(left + 999)} left` : `late ${durationText(-left)}`;
}

export type MarkKind = 'overdue' | 'duress' | 'discreet' | 'test' | 'cancelled' | 'info' | 'warning';
export interface Mark {
  kind: MarkKind;
  text: string;
}

/** The marks that change how an operator responds, most important first. */
export function alarmMarks(alarm: AlarmView): Mark[] {
  const marks: Mark[] = [];
  // BS 8484: an alarm not accepted in time is re-announced (level 1), then supervisors are told (2).
  if (alarm.status === 'raised' && alarm.escalationLevel >= 2)
    marks.push({ kind: 'overdue', text: 'Overdue: supervisors told' });
  else if (alarm.status === 'raised' && alarm.escalationLevel >= 1) marks.push({ kind: 'overdue', text: 'Overdue' });
  // Spec, "PINs": nothing about a duress alarm may reach the device or the person holding it.
  if (alarm.type === 'duress' || alarm.flags.silent === true)
    marks.push({ kind: 'duress', text: 'Duress: act silently' });
  // Spec, `sos.discreet`: the wearer raised it covertly.
  if (alarm.discreet) marks.push({ kind: 'discreet', text: 'Do not call back audibly' });
  if (alarm.isTest) marks.push({ kind: 'test', text: 'Test' });
  if (alarm.cancelledByWearerAt) marks.push({ kind: 'cancelled', text: 'Cancelled by wearer' });
  if (typeof alarm.flags.stepOverdue === 'number') marks.push({ kind: 'overdue', text: 'Plan step overdue' });
  if (alarm.sessionNote) marks.push({ kind: 'info', text: 'Amber session' });
  if (alarm.activations > 1) marks.push({ kind: 'info', text: `${alarm.activations} activations` });
  if (alarm.condition === 'cleared') marks.push({ kind: 'info', text: 'Cleared' });
  if (alarm.flags.late === true) marks.push({ kind: 'info', text: 'Raised late' });
  const warnings = alarm.flags.warnings;
  if (Array.isArray(warnings) && warnings.length > 0)
    marks.push({ kind: 'warning', text: `Device data: ${warnings.join(', ')}` });
  return marks;
}
