// What an operator action does to an alarm: pure (state, action, actor, time in; new state and
// the record to log, or a refusal with a reason, out). The operator side (raised → accepted →
// resolved) is kept apart from the wearer's condition (STYLE habit 5): actions never touch the
// condition, and the clock and devices never touch the operator side.
import type { ErrorCode } from '../errors.js';
import type { AlarmStatus } from '../domain/alarm-status.js';
import type { StaffRole } from '../domain/role.js';

/** The fixed list of closure codes; "genuine" ones need a note saying what was done. */
export const CLOSURE_CODES = {
  genuine_assistance: { label: 'Genuine: assistance given', genuine: true },
  genuine_police: { label: 'Genuine: police attended', genuine: true },
  genuine_ambulance: { label: 'Genuine: ambulance attended', genuine: true },
  false_accidental: { label: 'False: accidental activation', genuine: false },
  false_test: { label: 'False: test', genuine: false },
  false_equipment: { label: 'False: equipment fault', genuine: false },
  cancelled_by_wearer_verified: { label: 'Cancelled by wearer, verified', genuine: false },
} as const;
export type ClosureCode = keyof typeof CLOSURE_CODES;
export const CLOSURE_CODE_NAMES = Object.keys(CLOSURE_CODES) as [ClosureCode, ...ClosureCode[]];

/** Spec, "Commands": a `message` carries at most 160 characters. */
export const WEARER_MESSAGE_MAX = 160;

/**
 * Whether the device is told its alarm was taken (spec command `alarm.accepted`): only when the
 * alarm went from nobody's to someone's (accepted, or assigned by a supervisor), never when silent.
 */
export function tellsDeviceAccepted(before: AlarmState, record: { kind: string } | null): boolean {
  return (record?.kind === 'accept' || record?.kind === 'reassign') && before.owner === null && !before.silent;
}

export interface Person {
  id: string;
  name: string;
}
export interface ActingUser extends Person {
  role: StaffRole;
}

export interface AlarmState {
  status: AlarmStatus;
  owner: Person | null;
  verified: 'genuine' | 'false' | null;
  closureCode: ClosureCode | null;
  isTest: boolean;
  /**
   * A duress activation is behind this alarm, or still open on its device: nothing may reach the
   * device that a safe-PIN cancel would not show (spec, "Commands": no `alarm.accepted`, no `message`).
   */
  silent: boolean;
  /** Mandatory plan steps (numbered from 1) not logged yet; the shell fills it in before a resolve. */
  mandatoryStepsOpen: number[];
  /** What the ARC knows about the wearer that limits what may be done. */
  wearer: { urn: string | null; policeWithdrawn: boolean; policeWithdrawnReason: string | null } | null;
}

export type CallOutcome = 'answered' | 'no_answer' | 'voicemail' | 'engaged';

export type AlarmAction =
  | { kind: 'accept' }
  | { kind: 'reassign'; to: ActingUser }
  | { kind: 'note'; text: string }
  | { kind: 'called_wearer'; outcome: CallOutcome; note?: string }
  | { kind: 'called_contact'; contactName: string; contactId?: string; outcome: CallOutcome; note?: string }
  | { kind: 'passed_to_police'; urn?: string; reference?: string; note?: string }
  | { kind: 'passed_to_ambulance'; reference?: string; note?: string }
  | { kind: 'contact_notified'; contactName: string; how: string; note?: string }
  | { kind: 'verified'; verdict: 'genuine' | 'false'; note?: string }
  | { kind: 'resolve'; closureCode: ClosureCode; note?: string; override?: string }
  | { kind: 'annotate'; text: string }
  /** Spec command `message`: a short text for the wearer's device (at most 160 characters). */
  | { kind: 'message_wearer'; text: string };

export type ActionOutcome =
  | { ok: true; alarm: AlarmState; record: { kind: string; detail: Record<string, unknown> } | null; changed: boolean }
  | { ok: false; code: ErrorCode; message: string };

const refuse = (code: ErrorCode, message: string): ActionOutcome => ({ ok: false, code, message });
const isManager = (user: ActingUser) => user.role === 'supervisor' || user.role === 'administrator';

export function applyAlarmAction(alarm: AlarmState, action: AlarmAction, actor: ActingUser): ActionOutcome {
  const done = (next: Partial<AlarmState>, detail: Record<string, unknown> = {}): ActionOutcome => ({
    ok: true,
    alarm: { ...alarm, ...next },
    record: { kind: action.kind, detail },
    changed: true,
  });

  // Annotation is the one thing a resolved alarm still takes.
  if (action.kind === 'annotate') return done({}, { text: action.text });
  if (alarm.status === 'resolved')
    return refuse('ARC_ERR_ALARM_RESOLVED', 'This alarm is resolved: it can only be annotated');

  if (action.kind === 'accept') {
    if (alarm.owner?.id === actor.id) return { ok: true, alarm, record: null, changed: false };
    if (alarm.owner) return refuse('ARC_ERR_ALARM_ALREADY_ACCEPTED', `Already accepted by ${alarm.owner.name}`);
    return done({ status: 'accepted', owner: { id: actor.id, name: actor.name } });
  }
  if (action.kind === 'reassign') {
    if (!isManager(actor))
      return refuse('ARC_ERR_FORBIDDEN', 'Only a supervisor or administrator can reassign an alarm');
    return done(
      { status: 'accepted', owner: { id: action.to.id, name: action.to.name } },
      { from: alarm.owner?.name ?? null, to: action.to.name, toId: action.to.id },
    );
  }

  // Everything else is done by whoever holds the alarm (or a supervisor stepping in).
  if (!alarm.owner) return refuse('ARC_ERR_ALARM_NOT_ACCEPTED', 'Accept the alarm before acting on it');
  if (alarm.owner.id !== actor.id && !isManager(actor)) {
    return refuse('ARC_ERR_ALARM_NOT_YOURS', `This alarm is held by ${alarm.owner.name}; a supervisor can reassign it`);
  }

  switch (action.kind) {
    case 'note':
      return done({}, { text: action.text });
    case 'called_wearer':
      return done({}, { outcome: action.outcome, note: action.note });
    case 'called_contact':
      if (alarm.isTest)
        return refuse('ARC_ERR_ALARM_TEST_MODE', 'This alarm is from a device on test: contacts are not involved');
      return done(
        {},
        { contactName: action.contactName, contactId: action.contactId, outcome: action.outcome, note: action.note },
      );
    case 'contact_notified':
      if (alarm.isTest)
        return refuse('ARC_ERR_ALARM_TEST_MODE', 'This alarm is from a device on test: contacts are not involved');
      return done({}, { contactName: action.contactName, how: action.how, note: action.note });
    case 'passed_to_police': {
      if (alarm.isTest)
        return refuse('ARC_ERR_ALARM_TEST_MODE', 'This alarm is from a device on test: police are not involved');
      if (alarm.wearer?.policeWithdrawn) {
        return refuse(
          'ARC_ERR_ALARM_POLICE_WITHDRAWN',
          `Police response withdrawn: ${alarm.wearer.policeWithdrawnReason ?? 'no reason recorded'}`,
        );
      }
      // The URN is passed exactly as the police issued it; the wearer's is the default.
      const urn = action.urn ?? alarm.wearer?.urn ?? null;
      if (!urn) return refuse('ARC_ERR_ALARM_NO_URN', 'This wearer has no police URN: give one, or call 999');
      return done({}, { urn, reference: action.reference, note: action.note });
    }
    case 'passed_to_ambulance':
      if (alarm.isTest) return refuse('ARC_ERR_ALARM_TEST_MODE', 'This alarm is from a device on test: no ambulance');
      return done({}, { reference: action.reference, note: action.note });
    case 'message_wearer':
      // Spec, "Commands": after a duress activation the device is sent nothing an onlooker could see.
      if (alarm.silent)
        return refuse('ARC_ERR_ALARM_SILENT', "A duress alarm is silent: nothing is sent to the wearer's device");
      if (action.text.length > WEARER_MESSAGE_MAX)
        return refuse('ARC_ERR_VALIDATION', `A message to the wearer is at most ${WEARER_MESSAGE_MAX} characters`);
      return done({}, { text: action.text });
    case 'verified':
      return done({ verified: action.verdict }, { verdict: action.verdict, note: action.note });
    case 'resolve': {
      const code = CLOSURE_CODES[action.closureCode];
      if (code.genuine && !action.note?.trim())
        return refuse('ARC_ERR_CLOSURE_NOTE_REQUIRED', 'A genuine alarm needs a note saying what was done');
      // A genuine alarm is closed only when the plan's mandatory steps were logged, or an
      // operator overrides them with a reason (kept on the alarm and in the audit log).
      const open = code.genuine ? alarm.mandatoryStepsOpen : [];
      const override = action.override?.trim();
      if (open.length && !override) {
        return refuse(
          'ARC_ERR_PLAN_STEPS_OPEN',
          `Mandatory plan step${open.length > 1 ? 's' : ''} ${open.join(', ')} not logged: log ${open.length > 1 ? 'them' : 'it'}, or give a reason to override`,
        );
      }
      return done(
        {
          status: 'resolved',
          closureCode: action.closureCode,
          verified: alarm.verified ?? (code.genuine ? 'genuine' : 'false'),
        },
        {
          closureCode: action.closureCode,
          note: action.note,
          ...(open.length ? { overrideReason: override, stepsOverridden: open } : {}),
        },
      );
    }
  }
}
