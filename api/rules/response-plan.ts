// Response plans: who the ARC contacts for an alarm, how, and how long it waits before the next
// step. Pure (STYLE habit 3): the plan, the alarm, the wearer, the contacts and `now` come in as
// values; what the console shows and what the clock does come out. The store keeps plans per
// wearer (null = the profile default below) and a copy on each alarm (alarms.plan).
import { z } from 'zod';
import type { WearerProfile } from '../domain/wearer-profile.js';
import { ContactHours } from '../domain/contact.js';
import { dateTimeFormat } from './date-time-format.js';

export const StepWho = ['wearer', 'contact', 'police', 'ambulance'] as const;
export type StepWho = (typeof StepWho)[number];

export const StepHow = ['operator_call', 'sms', 'email', 'webhook'] as const;
export type StepHow = (typeof StepHow)[number];

/** Messages the system sends itself; an operator call waits for the operator. */
export type AutomaticHow = Exclude<StepHow, 'operator_call'>;
export const isAutomatic = (how: StepHow): how is AutomaticHow => how !== 'operator_call';

/**
 * Which ways of reaching each party a plan may use.
 * - The ARC reaches the wearer through their device (a call back or listen-in), never by a
 *   message: it holds no phone number or inbox for the wearer.
 * - Police are passed an alarm by phone, quoting the URN the force issued (NPCC Police Response
 *   to Security Systems policy; BS 8484 lone-worker service); an ambulance is a 999 call.
 * - A contact can be called, texted, emailed, or sent to the organisation's webhook (the
 *   employer's or care provider's own system, which routes it to that person).
 */
export const HOW_FOR_WHO: Record<StepWho, readonly StepHow[]> = {
  wearer: ['operator_call'],
  contact: ['operator_call', 'sms', 'email', 'webhook'],
  police: ['operator_call'],
  ambulance: ['operator_call'],
};

export const MAX_WAIT_S = 3600;
export const MAX_STEPS = 20;

export const PlanStep = z
  .object({
    who: z.enum(StepWho),
    /** 1 = the wearer's first contact (contacts are kept in order); only for who = 'contact'. */
    contactPosition: z.number().int().min(1).max(100).optional(),
    how: z.enum(StepHow),
    /** How long to wait for this step before the next one (0 = move on at once). */
    waitS: z.number().int().min(0).max(MAX_WAIT_S),
    /** The plan author's own words for the operator, shown beside the generated instruction. */
    instruction: z.string().trim().min(1).max(500).optional(),
    /** Must be logged (done, or its message delivered) before a genuine alarm is resolved, or overridden with a reason. */
    mandatory: z.boolean().optional(),
  })
  .superRefine((step, ctx) => {
    if (step.who === 'contact' && step.contactPosition === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['contactPosition'],
        message: 'a contact step names the contact by position (1 = first)',
      });
    }
    if (step.who !== 'contact' && step.contactPosition !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['contactPosition'],
        message: `only a contact step has a contact position, not a ${step.who} step`,
      });
    }
    if (!HOW_FOR_WHO[step.who].includes(step.how)) {
      ctx.addIssue({
        code: 'custom',
        path: ['how'],
        message: `a ${step.who} step can only be ${HOW_FOR_WHO[step.who].join(' or ')}`,
      });
    }
  });
export type PlanStep = z.infer<typeof PlanStep>;

export const ResponsePlan = z.object({ steps: z.array(PlanStep).min(1).max(MAX_STEPS) });
export type ResponsePlan = z.infer<typeof ResponsePlan>;

const minutes = (n: number) => n * 60;

/**
 * The plan each profile gets until someone writes the wearer's own. Contact 1 is whoever is
 * first in the wearer's contact list (a manager, carer, parent or key holder).
 */
export const DEFAULT_PLANS: Record<WearerProfile, ResponsePlan> = {
  // Lone worker (BS 8484): the ARC first tries to reach the worker, then the employer, then
  // passes to police quoting the URN. A threat heard on the call goes straight to police.
  lone_worker: {
    steps: [
      {
        who: 'wearer',
        how: 'operator_call',
        waitS: 60,
        instruction: 'If you hear a threat or no answer, go to police at once.',
      },
      {
        who: 'contact',
        contactPosition: 1,
        how: 'operator_call',
        waitS: minutes(3),
        instruction: 'Ask the manager whether the worker is safe and where they should be.',
      },
      { who: 'police', how: 'operator_call', waitS: minutes(10) },
    ],
  },
  // Dementia / wandering: a calm call to the person, the carer told at once and then called,
  // then police for a missing vulnerable person (Herbert Protocol: give the form if held).
  dementia: {
    steps: [
      {
        who: 'wearer',
        how: 'operator_call',
        waitS: 60,
        instruction: 'Speak calmly; ask where they are and whether they are hurt.',
      },
      { who: 'contact', contactPosition: 1, how: 'sms', waitS: 0 },
      {
        who: 'contact',
        contactPosition: 1,
        how: 'operator_call',
        waitS: minutes(5),
        instruction: 'Ask the carer to go to the last known location.',
      },
      {
        who: 'police',
        how: 'operator_call',
        waitS: minutes(10),
        instruction: 'Report a missing vulnerable person; give the last location and the Herbert Protocol details.',
      },
    ],
  },
  // Domestic abuse: police with the URN first and nothing audible towards the wearer (the
  // abuser may be beside them); the support contact (an IDVA) is told afterwards.
  domestic_abuse: {
    steps: [
      {
        who: 'police',
        how: 'operator_call',
        waitS: minutes(5),
        instruction: 'Keep listening in silently and relay what you hear.',
      },
      {
        who: 'contact',
        contactPosition: 1,
        how: 'operator_call',
        waitS: minutes(10),
        instruction: 'Tell the support worker what happened; say nothing to anyone else.',
      },
    ],
  },
  // Older person at home (social alarm): speak through the unit, send the responder (key holder),
  // and call an ambulance if they are hurt or nobody can attend.
  older_person: {
    steps: [
      { who: 'wearer', how: 'operator_call', waitS: 60, instruction: 'Ask whether they have fallen or feel unwell.' },
      {
        who: 'contact',
        contactPosition: 1,
        how: 'operator_call',
        waitS: minutes(5),
        instruction: 'Ask the responder to attend and call back when there.',
      },
      {
        who: 'ambulance',
        how: 'operator_call',
        waitS: minutes(10),
        instruction: 'Give the medical notes and how to get in (key safe).',
      },
    ],
  },
  // Child: the parent is told at once by text, the child is called, the parent is called, and
  // police are told of a child at risk or missing.
  child: {
    steps: [
      { who: 'contact', contactPosition: 1, how: 'sms', waitS: 0 },
      { who: 'wearer', how: 'operator_call', waitS: 60 },
      {
        who: 'contact',
        contactPosition: 1,
        how: 'operator_call',
        waitS: minutes(3),
        instruction: 'Ask the parent whether they know where the child is.',
      },
      {
        who: 'police',
        how: 'operator_call',
        waitS: minutes(10),
        instruction: 'Report a child at risk or missing; give the last location.',
      },
    ],
  },
};

/** Where the plan in force comes from: the wearer's own, their organisation's default, the ARC's. */
export type PlanSource = 'wearer' | 'organisation' | 'arc';

/**
 * The wearer's own plan; without one (response_plan null), their organisation's default for
 * their profile; without that, the ARC's default for the profile.
 */
export function planFor(wearer: {
  profile: WearerProfile;
  responsePlan: ResponsePlan | null;
  organisationPlan?: ResponsePlan | null;
}): ResponsePlan {
  return planWithSource(wearer).plan;
}

export function planWithSource(wearer: {
  profile: WearerProfile;
  responsePlan: ResponsePlan | null;
  organisationPlan?: ResponsePlan | null;
}): {
  plan: ResponsePlan;
  source: PlanSource;
} {
  if (wearer.responsePlan) return { plan: wearer.responsePlan, source: 'wearer' };
  if (wearer.organisationPlan) return { plan: wearer.organisationPlan, source: 'organisation' };
  return { plan: DEFAULT_PLANS[wearer.profile], source: 'arc' };
}

/** Steps (numbered from 1, as people count) naming a contact position the wearer does not have. */
export function missingContacts(plan: ResponsePlan, contactCount: number): { step: number; contactPosition: number }[] {
  return plan.steps.flatMap((s, i) =>
    s.contactPosition !== undefined && s.contactPosition > contactCount
      ? [{ step: i + 1, contactPosition: s.contactPosition }]
      : [],
  );
}

/** The step after this one, or null at the end of the plan. */
export function nextStep(plan: ResponsePlan, stepIndex: number): number | null {
  return stepIndex + 1 < plan.steps.length ? stepIndex + 1 : null;
}

export interface AlarmForPlan {
  type: string;
  /** Raised covertly (sos.discreet): nothing audible towards the wearer. */
  discreet: boolean;
  /** From a device on test: no contact, no police, no ambulance. */
  isTest: boolean;
}

export interface WearerForPlan {
  name: string;
  /** domestic_abuse: every call to the wearer is silent, whatever the alarm says. */
  profile?: WearerProfile;
  /** The URN in force: the wearer's own, else their organisation's (api/rules/police-urn.ts). */
  urn: string | null;
  /** The organisation's name when the URN in force is the organisation's, not the wearer's own. */
  urnOrganisation?: string | null;
  policeWithdrawn: boolean;
  policeWithdrawnReason: string | null;
  /** The wearer's own phone, if recorded. */
  phone?: string | null;
  /** The SIM number of the alarm's device, if it takes calls. */
  devicePhone?: string | null;
}

// Defined in the core (api/domain/contact.ts); re-exported for the code that reads it from here.
export { ContactHours };

export interface PlanContact {
  /** Order in which contacts are tried; contactPosition N is the Nth contact in this order. */
  position: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
  /** When they may be called (Europe/London local time, may wrap midnight); null = any time. */
  hours: ContactHours | null;
  /** Set when the contact is a carer with an ARC account. */
  carerId?: string | null;
}

export interface GuidanceContact {
  position: number;
  name: string;
  relationship: string;
  phone: string | null;
  email: string | null;
  hours: ContactHours | null;
}

export interface StepGuidance {
  index: number;
  /** The plan's flag: must be logged before a genuine alarm is resolved (or overridden with a reason). */
  mandatory: boolean;
  who: StepWho;
  how: StepHow;
  automatic: boolean;
  /** What to do, in plain words. */
  instruction: string;
  /** The plan author's own instruction for this step, if any. */
  note: string | null;
  contact: GuidanceContact | null;
  /** Why the step must not be done as written; alternative = the next contact who can be called. */
  blocked: null | { reason: string; alternative: GuidanceContact | null };
  doNotCallAudibly: boolean;
  /** The numbers this step calls, first choice first (click to call on the console). */
  callNumbers: { label: string; number: string }[];
}

export interface PlanContext {
  plan: ResponsePlan;
  alarm: AlarmForPlan;
  wearer: WearerForPlan;
  contacts: readonly PlanContact[];
  now: Date;
  /** Where contact hours are read; the ARC runs on UK time. */
  timeZone?: string;
  /** The organisation's webhook (ARC_WEBHOOK_URL); webhook steps are blocked without one. */
  webhookUrl?: string | null;
}

export const LONDON = 'Europe/London';
export const TEST_MODE_REASON = 'test mode: no contact, no police';
export const TEST_MODE_AMBULANCE_REASON = 'test mode: no ambulance';
export const DURESS_REASON = 'duress alarm: never call the wearer';

function localMinutes(now: Date, timeZone: string): number {
  const parts = dateTimeFormat({ timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return part('hour') * 60 + part('minute');
}
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `now` is inside the hours (from inclusive, to exclusive; from > to wraps midnight; from = to is all day). */
export function withinHours(hours: ContactHours | null, now: Date, timeZone: string = LONDON): boolean {
  if (!hours) return true;
  const t = localMinutes(now, timeZone);
  const from = toMinutes(hours.from);
  const to = toMinutes(hours.to);
  if (from === to) return true;
  return from < to ? t >= from && t < to : t >= from || t < to;
}

const hoursText = (hours: ContactHours) => `${hours.from}–${hours.to}`;

function stepAt(plan: ResponsePlan, stepIndex: number): PlanStep {
  const step = plan.steps[stepIndex];
  if (!Number.isInteger(stepIndex) || !step)
    throw new RangeError(`no step ${stepIndex} in a plan of ${plan.steps.length}`);
  return step;
}

const ordered = (contacts: readonly PlanContact[]) => [...contacts].sort((a, b) => a.position - b.position);

const shown = (c: PlanContact): GuidanceContact => ({
  position: c.position,
  name: c.name,
  relationship: c.relationship,
  phone: c.phone,
  email: c.email,
  hours: c.hours,
});

/** Why this contact cannot be called now, or null if they can. */
function cannotCall(contact: PlanContact, now: Date, timeZone: string): string | null {
  if (!contact.phone) return `${contact.name} has no phone number`;
  if (!withinHours(contact.hours, now, timeZone)) return `${contact.name} can be called ${hoursText(contact.hours!)}`;
  return null;
}

/** The next contact after `skip` in order (wrapping round) who can be called now. */
function nextCallable(list: PlanContact[], skip: number, now: Date, timeZone: string): PlanContact | null {
  const start = skip >= 0 ? skip + 1 : 0;
  for (let i = 0; i < list.length; i++) {
    const candidate = list[(start + i) % list.length];
    if (list.indexOf(candidate) !== skip && cannotCall(candidate, now, timeZone) === null) return candidate;
  }
  return null;
}

/** The wearer's numbers: the device first (it is on them), then their own phone. */
function wearerNumbers(wearer: WearerForPlan): { label: string; number: string }[] {
  return [
    ...(wearer.devicePhone ? [{ label: 'device', number: wearer.devicePhone }] : []),
    ...(wearer.phone ? [{ label: 'phone', number: wearer.phone }] : []),
  ];
}
function wearerNumbersText(wearer: WearerForPlan): string {
  const device = wearer.devicePhone ? `their device (${wearer.devicePhone})` : 'their device';
  return wearer.phone ? `${device}, or their phone ${wearer.phone}` : device;
}

/** What the operator does about the police: the line used by police steps and duress. */
function policeLine(wearer: WearerForPlan): string {
  if (wearer.policeWithdrawn)
    return `Do not call police: response withdrawn (${wearer.policeWithdrawnReason ?? 'no reason recorded'}). Go to the next step`;
  // The URN is quoted exactly as the force issued it.
  if (wearer.urn && wearer.urnOrganisation)
    return `Pass to police quoting URN ${wearer.urn} (issued to ${wearer.urnOrganisation})`;
  if (wearer.urn) return `Pass to police quoting URN ${wearer.urn}`;
  return `Call 999 for police: ${wearer.name} has no URN`;
}

/** What the console shows for one step of the plan. */
export function stepGuidance(input: PlanContext & { stepIndex: number }): StepGuidance {
  const { plan, stepIndex, alarm, wearer } = input;
  const timeZone = input.timeZone ?? LONDON;
  const step = stepAt(plan, stepIndex);
  const base = {
    index: stepIndex,
    mandatory: step.mandatory === true,
    who: step.who,
    how: step.how,
    automatic: isAutomatic(step.how),
    note: step.instruction ?? null,
    contact: null,
    blocked: null,
    doNotCallAudibly: false,
    callNumbers: [] as { label: string; number: string }[],
  };
  const blocked = (reason: string, alternative: GuidanceContact | null = null) => ({ reason, alternative });

  switch (step.who) {
    case 'wearer': {
      // Duress (a PIN entered under threat): the caller may be the abuser; never call back.
      if (alarm.type === 'duress') {
        return {
          ...base,
          doNotCallAudibly: true,
          blocked: blocked(DURESS_REASON),
          instruction: `Do not call ${wearer.name}: duress alarm. ${policeLine(wearer)}`,
        };
      }
      // sos.discreet (spec): "do not call back audibly"; the domestic-abuse profile always.
      if (alarm.discreet || wearer.profile === 'domestic_abuse') {
        return {
          ...base,
          doNotCallAudibly: true,
          callNumbers: wearerNumbers(wearer),
          instruction: `Do not call ${wearer.name} audibly: send a silent check or listen in`,
        };
      }
      return {
        ...base,
        instruction: `Call ${wearer.name} on ${wearerNumbersText(wearer)}`,
        callNumbers: wearerNumbers(wearer),
      };
    }
    case 'police':
      if (alarm.isTest)
        return {
          ...base,
          blocked: blocked(TEST_MODE_REASON),
          instruction: 'Do not call police: the device is on test',
        };
      if (wearer.policeWithdrawn) {
        return {
          ...base,
          blocked: blocked(`Police response withdrawn: ${wearer.policeWithdrawnReason ?? 'no reason recorded'}`),
          instruction: policeLine(wearer),
        };
      }
      return { ...base, instruction: policeLine(wearer) };
    case 'ambulance':
      if (alarm.isTest)
        return {
          ...base,
          blocked: blocked(TEST_MODE_AMBULANCE_REASON),
          instruction: 'Do not call an ambulance: the device is on test',
        };
      return { ...base, instruction: `Call 999 for an ambulance to ${wearer.name}` };
    case 'contact':
      return contactGuidance(input, step, base, timeZone);
  }
}

function contactGuidance(
  input: PlanContext & { stepIndex: number },
  step: PlanStep,
  base: Omit<StepGuidance, 'instruction'>,
  timeZone: string,
): StepGuidance {
  const { alarm, now } = input;
  const list = ordered(input.contacts);
  const at = step.contactPosition! - 1;
  const contact = list[at] ?? null;
  const withContact = { ...base, contact: contact && shown(contact) };

  if (alarm.isTest) {
    return {
      ...withContact,
      blocked: { reason: TEST_MODE_REASON, alternative: null },
      instruction: `Do not contact ${contact?.name ?? 'anyone'}: the device is on test`,
    };
  }

  if (step.how === 'operator_call') {
    const reason = contact ? cannotCall(contact, now, timeZone) : `No contact at position ${step.contactPosition}`;
    if (reason === null)
      return {
        ...withContact,
        instruction: `Call ${contact!.name} on ${contact!.phone}`,
        callNumbers: [{ label: contact!.name, number: contact!.phone! }],
      };
    const alternative = nextCallable(list, contact ? at : -1, now, timeZone);
    return {
      ...withContact,
      callNumbers: alternative?.phone ? [{ label: alternative.name, number: alternative.phone }] : [],
      blocked: { reason, alternative: alternative && shown(alternative) },
      instruction: alternative
        ? `${reason}: call ${alternative.name} on ${alternative.phone} instead`
        : `${reason}, and no other contact can be called now: go to the next step`,
    };
  }

  // Messages go out at any hour: they ask nothing of the contact at once, and the hours a
  // contact gave are when they can be called.
  const cannotSend = (reason: string) => ({
    ...withContact,
    blocked: { reason, alternative: null },
    instruction: `${reason}: the system skips this step`,
  });
  if (!contact) return cannotSend(`No contact at position ${step.contactPosition}`);
  switch (step.how) {
    case 'sms':
      return contact.phone
        ? { ...withContact, instruction: `The system texts ${contact.name} on ${contact.phone}` }
        : cannotSend(`${contact.name} has no phone number`);
    case 'email':
      return contact.email
        ? { ...withContact, instruction: `The system emails ${contact.name} at ${contact.email}` }
        : cannotSend(`${contact.name} has no email address`);
    case 'webhook':
      return input.webhookUrl
        ? { ...withContact, instruction: `The system sends the alarm to the organisation's system for ${contact.name}` }
        : cannotSend('No organisation webhook is configured');
  }
}

export interface AutomaticAction {
  stepIndex: number;
  channel: AutomaticHow;
  /** A phone number, an email address, or the webhook URL. */
  recipient: string;
  audience: 'contact' | 'carer' | 'organisation';
  contactPosition: number;
  contactName: string;
}

export interface StepEntry {
  index: number;
  /** When this step's wait runs out (alarms.step_due_at). */
  dueAt: Date;
  runAutomatic: AutomaticAction | null;
  /** An automatic step that cannot run (test mode, no number, no webhook): recorded, passed at once. */
  skipped: { reason: string } | null;
}

/** Where a new alarm starts: a duress alarm goes to police first (never the wearer). */
export function startStep(plan: ResponsePlan, alarm: Pick<AlarmForPlan, 'type'>): number {
  if (alarm.type !== 'duress') return 0;
  const police = plan.steps.findIndex((s) => s.who === 'police');
  if (police >= 0) return police;
  const other = plan.steps.findIndex((s) => s.who !== 'wearer');
  return other >= 0 ? other : 0;
}

/** Reaching a step (at raise, or after the previous one): automatic steps run at once. */
export function reachStep(input: PlanContext & { stepIndex: number }): StepEntry {
  const step = stepAt(input.plan, input.stepIndex);
  const after = (s: number) => new Date(input.now.getTime() + s * 1000);
  if (!isAutomatic(step.how))
    return { index: input.stepIndex, dueAt: after(step.waitS), runAutomatic: null, skipped: null };

  const guidance = stepGuidance(input);
  if (guidance.blocked)
    return {
      index: input.stepIndex,
      dueAt: input.now,
      runAutomatic: null,
      skipped: { reason: guidance.blocked.reason },
    };
  const contact = ordered(input.contacts)[step.contactPosition! - 1];
  const recipient = step.how === 'sms' ? contact.phone! : step.how === 'email' ? contact.email! : input.webhookUrl!;
  const audience = step.how === 'webhook' ? 'organisation' : contact.carerId ? 'carer' : 'contact';
  return {
    index: input.stepIndex,
    dueAt: after(step.waitS),
    runAutomatic: {
      stepIndex: input.stepIndex,
      channel: step.how,
      recipient,
      audience,
      contactPosition: step.contactPosition!,
      contactName: contact.name,
    },
    skipped: null,
  };
}

export interface StepDecision {
  /** The step's wait has run out: the console marks it overdue. */
  overdue: boolean;
  /** The step the alarm moves to now, or null (stay: an operator step, or the end of the plan). */
  advanceTo: number | null;
  /** When the step moved to falls due. */
  nextDueAt: Date | null;
  /** The message to send for the step moved to. */
  runAutomatic: AutomaticAction | null;
  /** The step moved to is automatic but cannot run: record why; it is passed on the next sweep. */
  skipped: { reason: string } | null;
}

/**
 * What the clock does with the current step. An operator step whose wait has passed is overdue
 * and stays until the operator records the outcome (then the shell advances with nextStep and
 * reachStep). An automatic step ran when it was reached; when its wait passes, the plan moves on.
 */
export function stepDecision(input: PlanContext & { stepIndex: number; stepDueAt: Date }): StepDecision {
  const step = stepAt(input.plan, input.stepIndex);
  const nothing = { advanceTo: null, nextDueAt: null, runAutomatic: null, skipped: null };
  if (input.now.getTime() < input.stepDueAt.getTime()) return { overdue: false, ...nothing };
  if (!isAutomatic(step.how)) return { overdue: true, ...nothing };
  const next = nextStep(input.plan, input.stepIndex);
  if (next === null) return { overdue: true, ...nothing };
  const entry = reachStep({ ...input, stepIndex: next });
  return {
    overdue: true,
    advanceTo: next,
    nextDueAt: entry.dueAt,
    runAutomatic: entry.runAutomatic,
    skipped: entry.skipped,
  };
}

// ---- Progress: what happened to each step ------------------------------------------------------
// A step is done only when it happened: an operator logged its outcome, or its message was
// delivered. A message that failed is failed (with the reason), a step passed over is skipped.

/** What the alarm's history says about a step (alarm_actions step.done / step.skipped). */
export interface StepRecord {
  step: number;
  kind: 'done' | 'skipped';
  reason?: string;
}

/** An automatic message sent for a step (the notifications outbox). */
export interface StepMessage {
  step: number;
  status: 'pending' | 'delivered' | 'failed';
  error: string | null;
}

export type StepState = 'done' | 'sent' | 'sending' | 'failed' | 'skipped' | 'todo' | 'not_done';

export interface StepProgress {
  state: StepState;
  /** The step the plan is on now (only while the plan runs and the alarm is open). */
  current: boolean;
  /** Why: the skip's reason, the message's error. */
  reason: string | null;
  /** What to do instead, for a failed message: the plan offers the next step. */
  offer: string | null;
}

export interface PlanProgress {
  steps: StepProgress[];
  /** Every step has an outcome (done, sent, failed or skipped), or the last one was logged. */
  complete: boolean;
  /** Mandatory steps (numbered from 1) not logged: they block resolving a genuine alarm. */
  mandatoryOpen: number[];
}

const FINAL: ReadonlySet<StepState> = new Set(['done', 'sent', 'failed', 'skipped']);
const LOGGED: ReadonlySet<StepState> = new Set(['done', 'sent']);

/** What the operator is offered after a message failed: call that contact, else the next step. */
function offerAfterFailure(guidance: readonly StepGuidance[], index: number): string {
  const step = guidance[index];
  if (step?.contact?.phone && step.how !== 'operator_call')
    return `Call ${step.contact.name} on ${step.contact.phone} instead`;
  const next = guidance[index + 1];
  return next ? `Go on to step ${index + 2}: ${next.instruction}` : 'No step follows: decide who to tell and log it';
}

export function planProgress(input: {
  guidance: readonly StepGuidance[];
  /** alarms.plan_step */
  current: number;
  /** The operator logged the outcome of the last step (alarms.flags.planComplete). */
  finished: boolean;
  resolved: boolean;
  records: readonly StepRecord[];
  messages: readonly StepMessage[];
}): PlanProgress {
  const { guidance, current } = input;
  const steps = guidance.map((step, i): StepProgress => {
    const isCurrent = i === current && !input.finished && !input.resolved;
    const at = (state: StepState, reason: string | null = null, offer: string | null = null): StepProgress => ({
      state,
      current: isCurrent,
      reason,
      offer,
    });
    const skipped = input.records.find((r) => r.step === i && r.kind === 'skipped');
    if (skipped) return at('skipped', skipped.reason ?? null);
    const messages = input.messages.filter((m) => m.step === i);
    if (step.automatic && messages.length) {
      if (messages.some((m) => m.status === 'delivered')) return at('sent');
      if (messages.some((m) => m.status === 'pending'))
        return at('sending', messages.find((m) => m.error)?.error ?? null);
      return at('failed', messages.find((m) => m.error)?.error ?? 'not delivered', offerAfterFailure(guidance, i));
    }
    if (input.records.some((r) => r.step === i && r.kind === 'done')) return at('done');
    // A step before the current one was passed by a logged outcome (alarms from before step.done was recorded).
    if (i < current || (i === current && input.finished)) return at('done');
    return at(input.resolved ? 'not_done' : 'todo');
  });
  const complete = input.finished || (steps.length > 0 && steps.every((s) => FINAL.has(s.state)));
  const mandatoryOpen = guidance.flatMap((step, i) => (step.mandatory && !LOGGED.has(steps[i].state) ? [i + 1] : []));
  return { steps, complete, mandatoryOpen };
}
