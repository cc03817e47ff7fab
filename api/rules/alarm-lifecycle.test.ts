import { describe, expect, it } from 'vitest';
import {
  applyAlarmAction,
  tellsDeviceAccepted,
  type ActingUser,
  type AlarmAction,
  type AlarmState,
} from './alarm-lifecycle.js';

const ann: ActingUser = { id: 'u-ann', name: 'Ann Operator', role: 'operator' };
const bob: ActingUser = { id: 'u-bob', name: 'Bob Operator', role: 'operator' };
const sue: ActingUser = { id: 'u-sue', name: 'Sue Supervisor', role: 'supervisor' };

const alarm = (over: Partial<AlarmState> = {}): AlarmState => ({
  status: 'raised',
  owner: null,
  verified: null,
  closureCode: null,
  isTest: false,
  silent: false,
  mandatoryStepsOpen: [],
  wearer: { urn: 'NW-1234-5678', policeWithdrawn: false, policeWithdrawnReason: null },
  ...over,
});
const raised = alarm();
const heldByAnn = alarm({ status: 'accepted', owner: { id: ann.id, name: ann.name } });
const resolved = alarm({
  status: 'resolved',
  owner: { id: ann.id, name: ann.name },
  closureCode: 'false_accidental',
  verified: 'false',
});
const duress = alarm({ status: 'accepted', owner: { id: ann.id, name: ann.name }, silent: true });
const onTest = alarm({ status: 'accepted', owner: { id: ann.id, name: ann.name }, isTest: true });
const withdrawn = alarm({
  status: 'accepted',
  owner: { id: ann.id, name: ann.name },
  wearer: { urn: 'NW-1', policeWithdrawn: true, policeWithdrawnReason: 'Repeated false calls, review 1 Dec' },
});

type Row = [
  string,
  AlarmState,
  AlarmAction,
  ActingUser,
  string | { status?: string; owner?: string | null; verified?: string | null },
];

describe('applyAlarmAction: every state × action', () => {
  it.each<Row>([
    // accept
    ['accept a raised alarm', raised, { kind: 'accept' }, ann, { status: 'accepted', owner: 'Ann Operator' }],
    [
      'accept again by the owner changes nothing',
      heldByAnn,
      { kind: 'accept' },
      ann,
      { status: 'accepted', owner: 'Ann Operator' },
    ],
    ['accept one held by another', heldByAnn, { kind: 'accept' }, bob, 'ARC_ERR_ALARM_ALREADY_ACCEPTED'],
    ['accept a resolved one', resolved, { kind: 'accept' }, bob, 'ARC_ERR_ALARM_RESOLVED'],
    // reassign
    [
      'a supervisor reassigns',
      heldByAnn,
      { kind: 'reassign', to: bob },
      sue,
      { status: 'accepted', owner: 'Bob Operator' },
    ],
    [
      'a supervisor assigns a raised one',
      raised,
      { kind: 'reassign', to: bob },
      sue,
      { status: 'accepted', owner: 'Bob Operator' },
    ],
    ['an operator cannot reassign', heldByAnn, { kind: 'reassign', to: bob }, ann, 'ARC_ERR_FORBIDDEN'],
    ['nobody reassigns a resolved one', resolved, { kind: 'reassign', to: bob }, sue, 'ARC_ERR_ALARM_RESOLVED'],
    // actions need an owner
    ['a note on a raised alarm', raised, { kind: 'note', text: 'x' }, ann, 'ARC_ERR_ALARM_NOT_ACCEPTED'],
    ['a note by the owner', heldByAnn, { kind: 'note', text: 'x' }, ann, { status: 'accepted' }],
    ['a note by someone else', heldByAnn, { kind: 'note', text: 'x' }, bob, 'ARC_ERR_ALARM_NOT_YOURS'],
    [
      'a supervisor steps in',
      heldByAnn,
      { kind: 'note', text: 'x' },
      sue,
      { status: 'accepted', owner: 'Ann Operator' },
    ],
    ['called the wearer', heldByAnn, { kind: 'called_wearer', outcome: 'no_answer' }, ann, { status: 'accepted' }],
    [
      'called a contact',
      heldByAnn,
      { kind: 'called_contact', contactName: 'Carol', outcome: 'answered' },
      ann,
      { status: 'accepted' },
    ],
    [
      'called a contact on test',
      onTest,
      { kind: 'called_contact', contactName: 'Carol', outcome: 'answered' },
      ann,
      'ARC_ERR_ALARM_TEST_MODE',
    ],
    [
      'contact notified on test',
      onTest,
      { kind: 'contact_notified', contactName: 'Carol', how: 'sms' },
      ann,
      'ARC_ERR_ALARM_TEST_MODE',
    ],
    ['passed to police with the URN', heldByAnn, { kind: 'passed_to_police' }, ann, { status: 'accepted' }],
    ['police withdrawn', withdrawn, { kind: 'passed_to_police' }, ann, 'ARC_ERR_ALARM_POLICE_WITHDRAWN'],
    ['police on test', onTest, { kind: 'passed_to_police' }, ann, 'ARC_ERR_ALARM_TEST_MODE'],
    [
      'police without a URN',
      alarm({ status: 'accepted', owner: ann, wearer: null }),
      { kind: 'passed_to_police' },
      ann,
      'ARC_ERR_ALARM_NO_URN',
    ],
    ['ambulance', heldByAnn, { kind: 'passed_to_ambulance', reference: 'AMB-1' }, ann, { status: 'accepted' }],
    ['ambulance on test', onTest, { kind: 'passed_to_ambulance' }, ann, 'ARC_ERR_ALARM_TEST_MODE'],
    ['verified genuine', heldByAnn, { kind: 'verified', verdict: 'genuine' }, ann, { verified: 'genuine' }],
    // resolve
    [
      'resolve false',
      heldByAnn,
      { kind: 'resolve', closureCode: 'false_accidental' },
      ann,
      { status: 'resolved', verified: 'false' },
    ],
    [
      'resolve genuine without a note',
      heldByAnn,
      { kind: 'resolve', closureCode: 'genuine_police' },
      ann,
      'ARC_ERR_CLOSURE_NOTE_REQUIRED',
    ],
    [
      'resolve genuine with a blank note',
      heldByAnn,
      { kind: 'resolve', closureCode: 'genuine_police', note: '  ' },
      ann,
      'ARC_ERR_CLOSURE_NOTE_REQUIRED',
    ],
    [
      'resolve genuine with a note',
      heldByAnn,
      { kind: 'resolve', closureCode: 'genuine_police', note: 'Police attended, wearer safe' },
      ann,
      { status: 'resolved', verified: 'genuine' },
    ],
    [
      'resolve a raised alarm',
      raised,
      { kind: 'resolve', closureCode: 'false_test' },
      ann,
      'ARC_ERR_ALARM_NOT_ACCEPTED',
    ],
    ['resolve twice', resolved, { kind: 'resolve', closureCode: 'false_test' }, ann, 'ARC_ERR_ALARM_RESOLVED'],
    ['a note on a resolved alarm', resolved, { kind: 'note', text: 'x' }, ann, 'ARC_ERR_ALARM_RESOLVED'],
    ['verify a resolved alarm', resolved, { kind: 'verified', verdict: 'genuine' }, ann, 'ARC_ERR_ALARM_RESOLVED'],
    // tell the wearer (spec command `message`)
    [
      'a message to the wearer',
      heldByAnn,
      { kind: 'message_wearer', text: 'Help is on the way' },
      ann,
      { status: 'accepted' },
    ],
    [
      'a message on a raised alarm',
      raised,
      { kind: 'message_wearer', text: 'Help is on the way' },
      ann,
      'ARC_ERR_ALARM_NOT_ACCEPTED',
    ],
    [
      'a message after a duress activation',
      duress,
      { kind: 'message_wearer', text: 'Help is on the way' },
      ann,
      'ARC_ERR_ALARM_SILENT',
    ],
    [
      'a message over 160 characters',
      heldByAnn,
      { kind: 'message_wearer', text: 'x'.repeat(161) },
      ann,
      'ARC_ERR_VALIDATION',
    ],
    ['a message on a resolved alarm', resolved, { kind: 'message_wearer', text: 'x' }, ann, 'ARC_ERR_ALARM_RESOLVED'],
    // mandatory plan steps (a genuine closure only)
    [
      'genuine with mandatory steps open',
      alarm({ ...heldByAnn, mandatoryStepsOpen: [2] }),
      { kind: 'resolve', closureCode: 'genuine_police', note: 'Police attended' },
      ann,
      'ARC_ERR_PLAN_STEPS_OPEN',
    ],
    [
      'genuine, steps open, a blank override',
      alarm({ ...heldByAnn, mandatoryStepsOpen: [2] }),
      { kind: 'resolve', closureCode: 'genuine_police', note: 'Police attended', override: ' ' },
      ann,
      'ARC_ERR_PLAN_STEPS_OPEN',
    ],
    [
      'genuine, steps open, overridden with a reason',
      alarm({ ...heldByAnn, mandatoryStepsOpen: [2] }),
      { kind: 'resolve', closureCode: 'genuine_police', note: 'Police attended', override: 'Manager on leave' },
      ann,
      { status: 'resolved' },
    ],
    [
      'false alarm with mandatory steps open',
      alarm({ ...heldByAnn, mandatoryStepsOpen: [2] }),
      { kind: 'resolve', closureCode: 'false_accidental' },
      ann,
      { status: 'resolved' },
    ],
    // annotate
    [
      'annotate a resolved alarm',
      resolved,
      { kind: 'annotate', text: 'Family called back to thank us' },
      bob,
      { status: 'resolved', verified: 'false' },
    ],
  ])('%s', (_name, state, action, actor, expected) => {
    const outcome = applyAlarmAction(state, action, actor);
    if (typeof expected === 'string') {
      expect(outcome).toMatchObject({ ok: false, code: expected });
      return;
    }
    if (!outcome.ok) throw new Error(`refused: ${outcome.code} ${outcome.message}`);
    if (expected.status) expect(outcome.alarm.status).toBe(expected.status);
    if (expected.owner !== undefined) expect(outcome.alarm.owner?.name ?? null).toBe(expected.owner);
    if (expected.verified !== undefined) expect(outcome.alarm.verified).toBe(expected.verified);
  });

  it('says who holds an alarm when a second operator tries to accept it', () => {
    expect(applyAlarmAction(heldByAnn, { kind: 'accept' }, bob)).toMatchObject({
      ok: false,
      message: 'Already accepted by Ann Operator',
    });
  });

  it('passes the URN exactly as issued, or the one the operator gives', () => {
    const own = applyAlarmAction(heldByAnn, { kind: 'passed_to_police' }, ann);
    const given = applyAlarmAction(heldByAnn, { kind: 'passed_to_police', urn: 'NW/99/ab' }, ann);
    expect(own.ok && own.record?.detail.urn).toBe('NW-1234-5678');
    expect(given.ok && given.record?.detail.urn).toBe('NW/99/ab');
  });

  it('tells the operator why police response is withdrawn', () => {
    expect(applyAlarmAction(withdrawn, { kind: 'passed_to_police' }, ann)).toMatchObject({
      message: 'Police response withdrawn: Repeated false calls, review 1 Dec',
    });
  });

  it('a resolved alarm keeps its closure code when annotated', () => {
    const outcome = applyAlarmAction(resolved, { kind: 'annotate', text: 'x' }, ann);
    expect(outcome.ok && outcome.alarm.closureCode).toBe('false_accidental');
  });
});

describe('overriding mandatory steps', () => {
  it('names the steps, and keeps the reason and the steps on the record', () => {
    const open = alarm({ ...heldByAnn, mandatoryStepsOpen: [1, 3] });
    expect(
      applyAlarmAction(open, { kind: 'resolve', closureCode: 'genuine_assistance', note: 'x' }, ann),
    ).toMatchObject({
      message: 'Mandatory plan steps 1, 3 not logged: log them, or give a reason to override',
    });
    const outcome = applyAlarmAction(
      open,
      { kind: 'resolve', closureCode: 'genuine_assistance', note: 'x', override: 'Wearer safe, seen by staff' },
      ann,
    );
    expect(outcome.ok && outcome.record?.detail).toMatchObject({
      overrideReason: 'Wearer safe, seen by staff',
      stepsOverridden: [1, 3],
    });
  });
});

describe('tellsDeviceAccepted (spec command alarm.accepted)', () => {
  it.each<[string, AlarmState, { kind: string } | null, boolean]>([
    ['first accept', raised, { kind: 'accept' }, true],
    ['a supervisor assigns a raised alarm', raised, { kind: 'reassign' }, true],
    ['a reassign between operators', heldByAnn, { kind: 'reassign' }, false],
    ['an accept that changed nothing', heldByAnn, null, false],
    ['a note', heldByAnn, { kind: 'note' }, false],
    ['a silent duress alarm', alarm({ silent: true }), { kind: 'accept' }, false],
  ])('%s', (_name, before, record, expected) => {
    expect(tellsDeviceAccepted(before, record)).toBe(expected);
  });
});
