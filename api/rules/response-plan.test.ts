import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLANS,
  DURESS_REASON,
  ResponsePlan,
  TEST_MODE_AMBULANCE_REASON,
  TEST_MODE_REASON,
  nextStep,
  planFor,
  planWithSource,
  planProgress,
  reachStep,
  startStep,
  stepDecision,
  stepGuidance,
  withinHours,
  type PlanContact,
  type PlanContext,
  type PlanStep,
  type StepMessage,
  type StepRecord,
  type StepState,
  type WearerForPlan,
} from './response-plan.js';

// Winter: London = UTC. Summer: London = UTC + 1 (BST).
const NOON = new Date('2025-01-15T12:00:00Z');
const NIGHT = new Date('2025-01-15T23:00:00Z');
const at = (iso: string) => new Date(iso);

const ALICE: PlanContact = {
  position: 1,
  name: 'Alice',
  relationship: 'manager',
  phone: '07700 900123',
  email: 'alice@example.org',
  hours: null,
  carerId: null,
};
const CAROL: PlanContact = {
  position: 2,
  name: 'Carol',
  relationship: 'daughter',
  phone: '07700 900456',
  email: null,
  hours: { from: '08:00', to: '20:00' },
  carerId: 'carer-1',
};
const DAVE: PlanContact = {
  position: 3,
  name: 'Dave',
  relationship: 'night warden',
  phone: '+44 7700 900789',
  email: null,
  hours: { from: '20:00', to: '08:00' },
};
const EVE: PlanContact = {
  position: 4,
  name: 'Eve',
  relationship: 'friend',
  phone: null,
  email: 'eve@example.org',
  hours: null,
};
const CONTACTS = [DAVE, ALICE, EVE, CAROL]; // deliberately out of order: position decides

const WEARER: WearerForPlan = {
  name: 'Wendy',
  profile: 'lone_worker',
  urn: 'NW-1234-5678',
  policeWithdrawn: false,
  policeWithdrawnReason: null,
};
const SOS = { type: 'sos', discreet: false, isTest: false };

const plan = (...steps: PlanStep[]): ResponsePlan => ({ steps });
const call = (who: PlanStep['who'], extra: Partial<PlanStep> = {}): PlanStep => ({
  who,
  how: 'operator_call',
  waitS: 60,
  ...extra,
});
const toContact = (contactPosition: number, how: PlanStep['how'] = 'operator_call', waitS = 60): PlanStep => ({
  who: 'contact',
  contactPosition,
  how,
  waitS,
});

const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  plan: plan(call('wearer')),
  alarm: SOS,
  wearer: WEARER,
  contacts: CONTACTS,
  now: NOON,
  webhookUrl: 'https://hooks.example.org/arc',
  ...overrides,
});

describe('ResponsePlan: what a plan may say', () => {
  it.each([
    ['one operator call', { steps: [call('wearer')] }],
    [
      'every party',
      {
        steps: [
          call('wearer'),
          toContact(1),
          toContact(2, 'sms', 0),
          toContact(1, 'email', 0),
          toContact(1, 'webhook', 0),
          call('police'),
          call('ambulance'),
        ],
      },
    ],
    ['the longest wait', { steps: [call('police', { waitS: 3600 })] }],
    ['twenty steps', { steps: Array.from({ length: 20 }, () => call('wearer')) }],
    ['an instruction', { steps: [call('police', { instruction: 'Quote the URN slowly.' })] }],
  ])('accepts %s', (_name, value) => {
    expect(ResponsePlan.safeParse(value).success).toBe(true);
  });

  it.each([
    ['no steps', { steps: [] }, 'steps'],
    ['no steps field', {}, 'steps'],
    ['21 steps', { steps: Array.from({ length: 21 }, () => call('wearer')) }, 'steps'],
    ['a negative wait', { steps: [call('wearer', { waitS: -1 })] }, 'steps.0.waitS'],
    ['a wait over an hour', { steps: [call('wearer', { waitS: 3601 })] }, 'steps.0.waitS'],
    ['a fractional wait', { steps: [call('wearer', { waitS: 1.5 })] }, 'steps.0.waitS'],
    ['an unknown party', { steps: [{ who: 'neighbour', how: 'operator_call', waitS: 0 }] }, 'steps.0.who'],
    ['an unknown way', { steps: [{ who: 'wearer', how: 'pigeon', waitS: 0 }] }, 'steps.0.how'],
    [
      'a contact step without a position',
      { steps: [call('wearer'), { who: 'contact', how: 'sms', waitS: 0 }] },
      'steps.1.contactPosition',
    ],
    ['position 0', { steps: [toContact(0)] }, 'steps.0.contactPosition'],
    ['a police step with a position', { steps: [call('police', { contactPosition: 1 })] }, 'steps.0.contactPosition'],
    ['texting the police', { steps: [{ who: 'police', how: 'sms', waitS: 0 }] }, 'steps.0.how'],
    ['emailing the ambulance service', { steps: [{ who: 'ambulance', how: 'email', waitS: 0 }] }, 'steps.0.how'],
    ['texting the wearer', { steps: [{ who: 'wearer', how: 'sms', waitS: 0 }] }, 'steps.0.how'],
    ['a webhook to the wearer', { steps: [{ who: 'wearer', how: 'webhook', waitS: 0 }] }, 'steps.0.how'],
    ['an empty instruction', { steps: [call('wearer', { instruction: '  ' })] }, 'steps.0.instruction'],
    [
      'an instruction of 501 characters',
      { steps: [call('wearer', { instruction: 'x'.repeat(501) })] },
      'steps.0.instruction',
    ],
  ])('rejects %s at %s', (_name, value, path) => {
    const parsed = ResponsePlan.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('DEFAULT_PLANS: one sensible plan per profile', () => {
  it.each(Object.entries(DEFAULT_PLANS))('%s is a valid plan', (_profile, value) => {
    expect(ResponsePlan.parse(value)).toEqual(value);
  });

  const shape = (profile: keyof typeof DEFAULT_PLANS) =>
    DEFAULT_PLANS[profile].steps.map((s) => `${s.who}${s.contactPosition ?? ''}:${s.how}`);
  it.each([
    ['lone_worker', ['wearer:operator_call', 'contact1:operator_call', 'police:operator_call']],
    ['dementia', ['wearer:operator_call', 'contact1:sms', 'contact1:operator_call', 'police:operator_call']],
    ['domestic_abuse', ['police:operator_call', 'contact1:operator_call']],
    ['older_person', ['wearer:operator_call', 'contact1:operator_call', 'ambulance:operator_call']],
    ['child', ['contact1:sms', 'wearer:operator_call', 'contact1:operator_call', 'police:operator_call']],
  ] as const)('%s: %j', (profile, steps) => {
    expect(shape(profile)).toEqual(steps);
  });

  it('domestic abuse never calls the wearer', () => {
    expect(DEFAULT_PLANS.domestic_abuse.steps.some((s) => s.who === 'wearer')).toBe(false);
  });
});

describe('planFor and nextStep', () => {
  const own = plan(call('police'));
  it.each([
    ['dementia', null, DEFAULT_PLANS.dementia],
    ['child', null, DEFAULT_PLANS.child],
    ['dementia', own, own],
  ] as const)('%s with own plan %j → the right plan', (profile, responsePlan, expected) => {
    expect(planFor({ profile, responsePlan })).toBe(expected);
  });

  const theirs = plan(call('wearer'), call('police'));
  it.each([
    ['own plan beats the organisation default', own, theirs, own, 'wearer'],
    ['organisation default without an own plan', null, theirs, theirs, 'organisation'],
    ["the ARC's default without either", null, null, DEFAULT_PLANS.dementia, 'arc'],
  ] as const)('%s', (_name, responsePlan, organisationPlan, expected, source) => {
    expect(planWithSource({ profile: 'dementia', responsePlan, organisationPlan })).toEqual({ plan: expected, source });
  });

  const three = plan(call('wearer'), toContact(1), call('police'));
  it.each([
    [0, 1],
    [1, 2],
    [2, null],
  ])('after step %i comes %s', (index, expected) => {
    expect(nextStep(three, index)).toBe(expected);
  });
});

describe('withinHours: Europe/London local time, wrapping midnight', () => {
  const DAY = { from: '08:00', to: '20:00' };
  const OVERNIGHT = { from: '20:00', to: '08:00' };
  it.each([
    [null, '2025-01-15T03:00:00Z', true],
    [DAY, '2025-01-15T07:59:00Z', false],
    [DAY, '2025-01-15T08:00:00Z', true],
    [DAY, '2025-01-15T19:59:00Z', true],
    [DAY, '2025-01-15T20:00:00Z', false],
    [OVERNIGHT, '2025-01-15T20:00:00Z', true],
    [OVERNIGHT, '2025-01-15T23:59:00Z', true],
    [OVERNIGHT, '2025-01-16T00:00:00Z', true],
    [OVERNIGHT, '2025-01-16T07:59:00Z', true],
    [OVERNIGHT, '2025-01-16T08:00:00Z', false],
    [OVERNIGHT, '2025-01-15T12:00:00Z', false],
    // British Summer Time: 07:30 UTC is 08:30 in London; 19:30 UTC is 20:30.
    [DAY, '2025-07-15T07:30:00Z', true],
    [DAY, '2025-07-15T19:30:00Z', false],
    [OVERNIGHT, '2025-07-15T19:30:00Z', true],
    // from = to: all day
    [{ from: '09:00', to: '09:00' }, '2025-01-15T03:00:00Z', true],
  ] as const)('%j at %s → %s', (hours, iso, expected) => {
    expect(withinHours(hours, at(iso))).toBe(expected);
  });

  it('reads another time zone when told', () => {
    expect(withinHours(DAY, at('2025-01-15T07:30:00Z'), 'Europe/Paris')).toBe(true);
  });
});

describe('stepGuidance: what the console shows', () => {
  const guide = (step: PlanStep, overrides: Partial<PlanContext> = {}) =>
    stepGuidance({ ...context({ plan: plan(step), ...overrides }), stepIndex: 0 });

  it.each([
    // name, step, overrides, instruction, blocked reason, doNotCallAudibly
    ['call the wearer', call('wearer'), {}, 'Call Wendy on their device', null, false],
    [
      'discreet SOS: no audible call',
      call('wearer'),
      { alarm: { ...SOS, discreet: true } },
      'Do not call Wendy audibly: send a silent check or listen in',
      null,
      true,
    ],
    [
      'domestic-abuse profile: never audible',
      call('wearer'),
      { wearer: { ...WEARER, profile: 'domestic_abuse' } },
      'Do not call Wendy audibly: send a silent check or listen in',
      null,
      true,
    ],
    [
      'duress: go to police',
      call('wearer'),
      { alarm: { ...SOS, type: 'duress' } },
      'Do not call Wendy: duress alarm. Pass to police quoting URN NW-1234-5678',
      DURESS_REASON,
      true,
    ],
    [
      'duress with police withdrawn',
      call('wearer'),
      {
        alarm: { ...SOS, type: 'duress' },
        wearer: { ...WEARER, policeWithdrawn: true, policeWithdrawnReason: 'three false alarms in 12 months' },
      },
      'Do not call Wendy: duress alarm. Do not call police: response withdrawn (three false alarms in 12 months). Go to the next step',
      DURESS_REASON,
      true,
    ],
    [
      'test mode still calls the wearer',
      call('wearer'),
      { alarm: { ...SOS, isTest: true } },
      'Call Wendy on their device',
      null,
      false,
    ],
    ['police with URN', call('police'), {}, 'Pass to police quoting URN NW-1234-5678', null, false],
    [
      'URN exactly as issued',
      call('police'),
      { wearer: { ...WEARER, urn: 'wmp/2024/ 000123 a' } },
      'Pass to police quoting URN wmp/2024/ 000123 a',
      null,
      false,
    ],
    [
      'police without URN',
      call('police'),
      { wearer: { ...WEARER, urn: null } },
      'Call 999 for police: Wendy has no URN',
      null,
      false,
    ],
    [
      'police with the organisation’s URN',
      call('police'),
      { wearer: { ...WEARER, urn: 'ORG/123', urnOrganisation: 'Acme Housing' } },
      'Pass to police quoting URN ORG/123 (issued to Acme Housing)',
      null,
      false,
    ],
    [
      'police withdrawn',
      call('police'),
      { wearer: { ...WEARER, policeWithdrawn: true, policeWithdrawnReason: 'three false alarms in 12 months' } },
      'Do not call police: response withdrawn (three false alarms in 12 months). Go to the next step',
      'Police response withdrawn: three false alarms in 12 months',
      false,
    ],
    [
      'police on test',
      call('police'),
      { alarm: { ...SOS, isTest: true } },
      'Do not call police: the device is on test',
      TEST_MODE_REASON,
      false,
    ],
    ['ambulance', call('ambulance'), {}, 'Call 999 for an ambulance to Wendy', null, false],
    [
      'ambulance on test',
      call('ambulance'),
      { alarm: { ...SOS, isTest: true } },
      'Do not call an ambulance: the device is on test',
      TEST_MODE_AMBULANCE_REASON,
      false,
    ],
    ['call the first contact', toContact(1), {}, 'Call Alice on 07700 900123', null, false],
    ['call a contact within hours', toContact(2), {}, 'Call Carol on 07700 900456', null, false],
    [
      'a contact outside hours → the next who can be called',
      toContact(2),
      { now: NIGHT },
      'Carol can be called 08:00–20:00: call Dave on +44 7700 900789 instead',
      'Carol can be called 08:00–20:00',
      false,
    ],
    [
      'the next available wraps round the list',
      toContact(3),
      {},
      'Dave can be called 20:00–08:00: call Alice on 07700 900123 instead',
      'Dave can be called 20:00–08:00',
      false,
    ],
    [
      'a contact with no phone',
      toContact(4),
      {},
      'Eve has no phone number: call Alice on 07700 900123 instead',
      'Eve has no phone number',
      false,
    ],
    [
      'no contact at that position',
      toContact(9),
      {},
      'No contact at position 9: call Alice on 07700 900123 instead',
      'No contact at position 9',
      false,
    ],
    [
      'nobody callable',
      toContact(1),
      { contacts: [{ ...CAROL, position: 1 }], now: NIGHT },
      'Carol can be called 08:00–20:00, and no other contact can be called now: go to the next step',
      'Carol can be called 08:00–20:00',
      false,
    ],
    [
      'contact on test',
      toContact(1),
      { alarm: { ...SOS, isTest: true } },
      'Do not contact Alice: the device is on test',
      TEST_MODE_REASON,
      false,
    ],
    ['sms', toContact(2, 'sms'), { now: NIGHT }, 'The system texts Carol on 07700 900456', null, false],
    [
      'sms to a contact with no phone',
      toContact(4, 'sms'),
      {},
      'Eve has no phone number: the system skips this step',
      'Eve has no phone number',
      false,
    ],
    ['email', toContact(4, 'email'), {}, 'The system emails Eve at eve@example.org', null, false],
    [
      'email to a contact with no address',
      toContact(2, 'email'),
      {},
      'Carol has no email address: the system skips this step',
      'Carol has no email address',
      false,
    ],
    [
      'webhook',
      toContact(1, 'webhook'),
      {},
      "The system sends the alarm to the organisation's system for Alice",
      null,
      false,
    ],
    [
      'webhook not configured',
      toContact(1, 'webhook'),
      { webhookUrl: null },
      'No organisation webhook is configured: the system skips this step',
      'No organisation webhook is configured',
      false,
    ],
    [
      'sms to a missing contact',
      toContact(7, 'sms'),
      {},
      'No contact at position 7: the system skips this step',
      'No contact at position 7',
      false,
    ],
    [
      'sms on test',
      toContact(1, 'sms'),
      { alarm: { ...SOS, isTest: true } },
      'Do not contact Alice: the device is on test',
      TEST_MODE_REASON,
      false,
    ],
  ] as [string, PlanStep, Partial<PlanContext>, string, string | null, boolean][])(
    '%s',
    (_name, step, overrides, instruction, reason, silent) => {
      const g = guide(step, overrides);
      expect(g.instruction).toBe(instruction);
      expect(g.blocked?.reason ?? null).toBe(reason);
      expect(g.doNotCallAudibly).toBe(silent);
      expect(g.automatic).toBe(step.how !== 'operator_call');
      expect(g).toMatchObject({ index: 0, who: step.who, how: step.how });
    },
  );

  it('shows the planned contact and the alternative the guidance points to', () => {
    const g = guide(toContact(2), { now: NIGHT });
    expect(g.contact).toEqual({
      position: 2,
      name: 'Carol',
      relationship: 'daughter',
      phone: '07700 900456',
      email: null,
      hours: { from: '08:00', to: '20:00' },
    });
    expect(g.blocked?.alternative).toMatchObject({ position: 3, name: 'Dave', phone: '+44 7700 900789' });
  });

  it('has no contact for a step that is not a contact step, and the note is the plan author’s', () => {
    const g = guide(call('police', { instruction: 'Ask for the duty inspector.' }));
    expect(g.contact).toBeNull();
    expect(g.note).toBe('Ask for the duty inspector.');
    expect(guide(call('police')).note).toBeNull();
  });

  it('contact hours follow British Summer Time', () => {
    // 07:30 UTC in July is 08:30 in London: Carol can be called.
    expect(guide(toContact(2), { now: at('2025-07-15T07:30:00Z') }).blocked).toBeNull();
    expect(guide(toContact(2), { now: at('2025-01-15T07:30:00Z') }).blocked?.reason).toBe(
      'Carol can be called 08:00–20:00',
    );
  });

  it('points at the step asked for', () => {
    const g = stepGuidance({ ...context({ plan: plan(call('wearer'), call('police')) }), stepIndex: 1 });
    expect(g).toMatchObject({ index: 1, who: 'police' });
  });

  it.each([-1, 1, 0.5])('refuses step %s of a one-step plan', (index) => {
    expect(() => stepGuidance({ ...context(), stepIndex: index })).toThrow(RangeError);
  });
});

describe('startStep: where an alarm starts', () => {
  it.each([
    ['sos starts at the top', 'sos', plan(call('wearer'), toContact(1), call('police')), 0],
    ['duress goes to police', 'duress', plan(call('wearer'), toContact(1), call('police')), 2],
    ['duress with no police step skips the wearer', 'duress', plan(call('wearer'), toContact(1)), 1],
    ['duress with only the wearer', 'duress', plan(call('wearer')), 0],
  ] as const)('%s', (_name, type, value, expected) => {
    expect(startStep(value, { type })).toBe(expected);
  });
});

describe('reachStep: entering a step', () => {
  const ladder = plan(
    call('wearer', { waitS: 90 }),
    toContact(1, 'sms', 30),
    toContact(2, 'email', 0),
    toContact(4, 'webhook', 0),
    toContact(2, 'sms', 0),
  );
  const enter = (stepIndex: number, overrides: Partial<PlanContext> = {}) =>
    reachStep({ ...context({ plan: ladder, ...overrides }), stepIndex });

  it.each([
    [
      'an operator step waits its wait',
      0,
      {},
      { dueAt: at('2025-01-15T12:01:30Z'), runAutomatic: null, skipped: null },
    ],
    [
      'an sms runs at once',
      1,
      {},
      {
        dueAt: at('2025-01-15T12:00:30Z'),
        runAutomatic: {
          stepIndex: 1,
          channel: 'sms',
          recipient: '07700 900123',
          audience: 'contact',
          contactPosition: 1,
          contactName: 'Alice',
        },
        skipped: null,
      },
    ],
    [
      'email to a contact without one is skipped at once',
      2,
      {},
      { dueAt: NOON, runAutomatic: null, skipped: { reason: 'Carol has no email address' } },
    ],
    [
      'a webhook goes to the organisation',
      3,
      {},
      {
        dueAt: NOON,
        runAutomatic: {
          stepIndex: 3,
          channel: 'webhook',
          recipient: 'https://hooks.example.org/arc',
          audience: 'organisation',
          contactPosition: 4,
          contactName: 'Eve',
        },
        skipped: null,
      },
    ],
    [
      'a carer contact is the carer audience, at any hour',
      4,
      { now: NIGHT },
      {
        dueAt: NIGHT,
        runAutomatic: {
          stepIndex: 4,
          channel: 'sms',
          recipient: '07700 900456',
          audience: 'carer',
          contactPosition: 2,
          contactName: 'Carol',
        },
        skipped: null,
      },
    ],
    [
      'on test nothing is sent',
      1,
      { alarm: { ...SOS, isTest: true } },
      { dueAt: NOON, runAutomatic: null, skipped: { reason: TEST_MODE_REASON } },
    ],
  ] as const)('%s', (_name, index, overrides, expected) => {
    expect(enter(index, overrides)).toEqual({ index, ...expected });
  });
});

describe('stepDecision: when a step’s wait runs out', () => {
  const ladder = plan(
    call('wearer', { waitS: 60 }),
    toContact(1, 'sms', 120),
    toContact(2, 'email', 0),
    call('police', { waitS: 300 }),
    toContact(1, 'email', 0),
  );
  const DUE = NOON;
  const decide = (stepIndex: number, now: Date, overrides: Partial<PlanContext> = {}) =>
    stepDecision({ ...context({ plan: ladder, now, ...overrides }), stepIndex, stepDueAt: DUE });
  const before = at('2025-01-15T11:59:59Z');
  const after = at('2025-01-15T12:00:10Z');
  const quiet = { advanceTo: null, nextDueAt: null, runAutomatic: null, skipped: null };

  it.each([
    ['an operator step before its wait runs out', 0, before, {}, { overdue: false, ...quiet }],
    ['an operator step at the moment it falls due is overdue and stays', 0, DUE, {}, { overdue: true, ...quiet }],
    ['an operator step long overdue still stays', 3, at('2025-01-15T13:00:00Z'), {}, { overdue: true, ...quiet }],
    ['an automatic step before its wait runs out', 1, before, {}, { overdue: false, ...quiet }],
    [
      'an automatic step moves on to a message that cannot be sent: skipped',
      1,
      after,
      {},
      {
        overdue: true,
        advanceTo: 2,
        nextDueAt: after,
        runAutomatic: null,
        skipped: { reason: 'Carol has no email address' },
      },
    ],
    [
      'an automatic step moves on to an operator step',
      2,
      after,
      {},
      { overdue: true, advanceTo: 3, nextDueAt: at('2025-01-15T12:05:10Z'), runAutomatic: null, skipped: null },
    ],
    ['the last automatic step ends the plan', 4, after, {}, { overdue: true, ...quiet }],
  ] as const)('%s', (_name, index, now, overrides, expected) => {
    expect(decide(index, now, overrides)).toEqual(expected);
  });

  it('an automatic step moves on to another automatic step, which runs at once', () => {
    const twoMessages = plan(toContact(1, 'sms', 0), toContact(1, 'email', 600), call('police'));
    const decision = stepDecision({ ...context({ plan: twoMessages, now: after }), stepIndex: 0, stepDueAt: DUE });
    expect(decision).toEqual({
      overdue: true,
      advanceTo: 1,
      nextDueAt: at('2025-01-15T12:10:10Z'),
      runAutomatic: {
        stepIndex: 1,
        channel: 'email',
        recipient: 'alice@example.org',
        audience: 'contact',
        contactPosition: 1,
        contactName: 'Alice',
      },
      skipped: null,
    });
  });
});

describe('planProgress: a step is done only when it happened', () => {
  // wearer call, SMS to Alice, call Alice, police (mandatory)
  const steps = plan(call('wearer'), toContact(1, 'sms', 0), toContact(1), call('police', { mandatory: true }));
  const guidance = steps.steps.map((_, stepIndex) => stepGuidance({ ...context({ plan: steps }), stepIndex }));
  type Row = [
    string,
    { current: number; finished?: boolean; resolved?: boolean; records?: StepRecord[]; messages?: StepMessage[] },
    StepState[],
    boolean,
    number[],
  ];
  it.each<Row>([
    ['a new alarm', { current: 0 }, ['todo', 'todo', 'todo', 'todo'], false, [4]],
    [
      'the wearer called, the SMS on its way',
      { current: 1, records: [{ step: 0, kind: 'done' }], messages: [{ step: 1, status: 'pending', error: null }] },
      ['done', 'sending', 'todo', 'todo'],
      false,
      [4],
    ],
    [
      'the SMS delivered',
      { current: 2, messages: [{ step: 1, status: 'delivered', error: null }] },
      ['done', 'sent', 'todo', 'todo'],
      false,
      [4],
    ],
    [
      'no SMS gateway: failed, not done',
      { current: 2, messages: [{ step: 1, status: 'failed', error: 'no SMS gateway configured' }] },
      ['done', 'failed', 'todo', 'todo'],
      false,
      [4],
    ],
    [
      'a step skipped by the system',
      { current: 2, records: [{ step: 1, kind: 'skipped', reason: 'Alice has no phone number' }] },
      ['done', 'skipped', 'todo', 'todo'],
      false,
      [4],
    ],
    [
      'duress: the steps before police skipped',
      { current: 3, records: [0, 1, 2].map((step) => ({ step, kind: 'skipped' as const, reason: 'duress alarm' })) },
      ['skipped', 'skipped', 'skipped', 'todo'],
      false,
      [4],
    ],
    [
      'the last step logged: complete',
      { current: 3, finished: true, messages: [{ step: 1, status: 'delivered', error: null }] },
      ['done', 'sent', 'done', 'done'],
      true,
      [],
    ],
    [
      'resolved early: the rest not done',
      { current: 1, resolved: true, records: [{ step: 0, kind: 'done' }] },
      ['done', 'not_done', 'not_done', 'not_done'],
      false,
      [4],
    ],
    [
      'every step has an outcome: complete',
      {
        current: 3,
        records: [{ step: 3, kind: 'skipped', reason: 'withdrawn' }],
        messages: [{ step: 1, status: 'failed', error: 'x' }],
      },
      ['done', 'failed', 'done', 'skipped'],
      true,
      [4],
    ],
  ])('%s', (_name, input, states, complete, mandatoryOpen) => {
    const progress = planProgress({ guidance, finished: false, resolved: false, records: [], messages: [], ...input });
    expect(progress.steps.map((s) => s.state)).toEqual(states);
    expect(progress.complete).toBe(complete);
    expect(progress.mandatoryOpen).toEqual(mandatoryOpen);
  });

  it('a failed message says why and offers to call that contact instead', () => {
    const progress = planProgress({
      guidance,
      current: 2,
      finished: false,
      resolved: false,
      records: [],
      messages: [{ step: 1, status: 'failed', error: 'no SMS gateway configured' }],
    });
    expect(progress.steps[1]).toEqual({
      state: 'failed',
      current: false,
      reason: 'no SMS gateway configured',
      offer: 'Call Alice on 07700 900123 instead',
    });
    expect(progress.steps[2].current).toBe(true);
  });

  it('a failed email to a contact without a phone offers the next step', () => {
    const withEmail = plan(toContact(4, 'email', 0), call('police'));
    const g = withEmail.steps.map((_, stepIndex) => stepGuidance({ ...context({ plan: withEmail }), stepIndex }));
    const progress = planProgress({
      guidance: g,
      current: 1,
      finished: false,
      resolved: false,
      records: [],
      messages: [{ step: 0, status: 'failed', error: 'mail server refused' }],
    });
    expect(progress.steps[0].offer).toBe('Go on to step 2: Pass to police quoting URN NW-1234-5678');
  });
});

describe('the numbers to call', () => {
  const guidance = (wearer: Partial<WearerForPlan>, step: PlanStep, alarm = SOS) =>
    stepGuidance({ ...context({ plan: plan(step), wearer: { ...WEARER, ...wearer }, alarm }), stepIndex: 0 });
  it.each<[string, Partial<WearerForPlan>, string, { label: string; number: string }[]]>([
    ['no numbers recorded', {}, 'Call Wendy on their device', []],
    [
      'the device SIM',
      { devicePhone: '07700 900001' },
      'Call Wendy on their device (07700 900001)',
      [{ label: 'device', number: '07700 900001' }],
    ],
    [
      'the SIM and the wearer phone',
      { devicePhone: '07700 900001', phone: '+44 1704 500500' },
      'Call Wendy on their device (07700 900001), or their phone +44 1704 500500',
      [
        { label: 'device', number: '07700 900001' },
        { label: 'phone', number: '+44 1704 500500' },
      ],
    ],
    [
      'only the wearer phone',
      { phone: '01704 500500' },
      'Call Wendy on their device, or their phone 01704 500500',
      [{ label: 'phone', number: '01704 500500' }],
    ],
  ])('wearer step, %s', (_name, wearer, instruction, numbers) => {
    const g = guidance(wearer, call('wearer'));
    expect(g.instruction).toBe(instruction);
    expect(g.callNumbers).toEqual(numbers);
  });

  it('a contact step calls the contact, or the alternative', () => {
    expect(guidance({}, toContact(1)).callNumbers).toEqual([{ label: 'Alice', number: '07700 900123' }]);
    // Eve (the last) has no phone: the next contact, wrapping round, is Alice.
    expect(guidance({}, toContact(4)).callNumbers).toEqual([{ label: 'Alice', number: '07700 900123' }]);
  });

  it('a duress alarm offers no number of the wearer', () => {
    expect(
      guidance({ devicePhone: '07700 900001' }, call('wearer'), { type: 'duress', discreet: true, isTest: false })
        .callNumbers,
    ).toEqual([]);
  });
});
