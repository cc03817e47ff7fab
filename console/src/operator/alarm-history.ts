// An alarm's history in words: every device event and every action (operators' and the ARC's
// own), in time order. Pure.
import type { AlarmDetailView } from '../../../api/live/console-contract.js';

export interface HistoryEntry {
  at: string;
  who: string;
  what: string;
}

const OUTCOME_WORDS: Record<string, string> = {
  answered: 'answered',
  no_answer: 'no answer',
  voicemail: 'voicemail',
  engaged: 'engaged',
};

const text = (value: unknown) =>
  typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
const withNote = (line: string, note: unknown) => (typeof note === 'string' && note ? `${line}: “${note}”` : line);

export function actionText(kind: string, detail: Record<string, unknown>, closureLabels: Map<string, string>): string {
  switch (kind) {
    case 'accept':
      return 'Accepted';
    case 'reassign':
      return `Reassigned from ${text(detail.from) || 'nobody'} to ${text(detail.to)}`;
    case 'note':
      return `Note: ${text(detail.text)}`;
    case 'annotate':
      return `Annotation: ${text(detail.text)}`;
    case 'called_wearer':
      return withNote(`Called the wearer: ${OUTCOME_WORDS[text(detail.outcome)] ?? text(detail.outcome)}`, detail.note);
    case 'called_contact':
      return withNote(
        `Called ${text(detail.contactName)}: ${OUTCOME_WORDS[text(detail.outcome)] ?? text(detail.outcome)}`,
        detail.note,
      );
    case 'contact_notified':
      return withNote(`Told ${text(detail.contactName)} by ${text(detail.how)}`, detail.note);
    case 'message_wearer':
      return `Told the wearer: “${text(detail.text)}”`;
    case 'passed_to_police':
      return withNote(
        `Passed to police (URN ${text(detail.urn)}${detail.reference ? `, reference ${text(detail.reference)}` : ''})`,
        detail.note,
      );
    case 'passed_to_ambulance':
      return withNote(
        `Passed to ambulance${detail.reference ? ` (reference ${text(detail.reference)})` : ''}`,
        detail.note,
      );
    case 'verified':
      return withNote(`Verified ${text(detail.verdict)}`, detail.note);
    case 'resolve':
      return withNote(
        `Resolved: ${closureLabels.get(text(detail.closureCode)) ?? text(detail.closureCode)}`,
        detail.note,
      );
    case 'escalated.overdue':
      return 'Overdue: not accepted in time, announced again';
    case 'escalated.supervisors':
      return 'Still not accepted: supervisors told';
    case 'condition.cleared':
      return `Condition cleared (${text(detail.reason)})`;
    case 'step.automatic':
      return `Plan step ${Number(detail.step) + 1}: ${text(detail.channel)} to ${text(detail.contactName)}`;
    case 'step.skipped':
      return `Plan step ${Number(detail.step) + 1} skipped: ${text(detail.reason)}`;
    case 'step.overdue':
      return `Plan step ${Number(detail.step) + 1} overdue`;
    case 'carers.notified':
      return `Carers told (${text(detail.count)})`;
    default: {
      const parts = Object.entries(detail).map(([k, v]) => `${k}: ${text(v)}`);
      return parts.length ? `${kind} (${parts.join(', ')})` : kind;
    }
  }
}

export function alarmHistory(detail: AlarmDetailView, closureLabels: Map<string, string>): HistoryEntry[] {
  const entries: HistoryEntry[] = [
    ...detail.events.map((e) => ({
      at: e.receivedAt,
      who: 'Device',
      what: `Event ${e.type}${e.warnings.length ? ` (warnings: ${e.warnings.join(', ')})` : ''}`,
    })),
    ...detail.actions.map((a) => ({ at: a.at, who: a.actor, what: actionText(a.kind, a.detail, closureLabels) })),
  ];
  // Stable: at equal times, events (the cause) stay before actions.
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e.at) - Date.parse(b.e.at) || a.i - b.i)
    .map(({ e }) => e);
}
