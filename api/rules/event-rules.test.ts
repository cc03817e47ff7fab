import { describe, expect, it } from 'vitest';
import { decideEvent, placeAlarm, type EventContext, type PinCheck } from './event-rules.js';

const NOW = new Date('2026-11-23T14:00:00Z');
const quiet: EventContext = { openAlarms: [], amberSessionOpen: false, batteryLowRaised: false };
const event = (
  type: string,
  extra: { known?: boolean; discreet?: boolean; durationS?: number; note?: string } = {},
) => ({
  type,
  known: extra.known ?? true,
  discreet: extra.discreet,
  durationS: extra.durationS,
  note: extra.note,
});
const decide = (type: string, pin: PinCheck = 'not_required', context: Partial<EventContext> = {}, extra = {}) =>
  decideEvent(event(type, extra), pin, { ...quiet, ...context }, NOW);

describe('decideEvent: what each event raises and what the device hears back', () => {
  it.each([
    // type, pin, alarm type, priority, reply
    ['sos', 'not_required', 'sos', 1, 'alarm.received'],
    ['fall', 'not_required', 'fall', 2, 'alarm.received'],
    ['no_motion', 'not_required', 'no_motion', 2, 'alarm.received'],
    ['tamper', 'not_required', 'tamper', 3, 'alarm.received'],
    ['power.off', 'not_required', 'power.off', 3, 'alarm.received'],
    ['battery.low', 'not_required', 'battery.low', 5, null],
    ['test', 'not_required', null, null, 'alarm.received'],
    ['checkin', 'not_required', null, null, null],
    ['amber.start', 'not_required', null, null, null],
    ['amber.extend', 'not_required', null, null, null],
    ['amber.end', 'not_required', null, null, 'session.ended'],
    ['amber.end', 'safe', null, null, 'session.ended'],
    ['amber.end', 'duress', 'duress', 1, 'session.ended'],
    ['amber.end', 'wrong', null, null, null],
    ['amber.end', 'missing', null, null, null],
    ['sos.cancel', 'safe', null, null, 'alarm.received'],
    ['sos.cancel', 'duress', 'duress', 1, 'alarm.received'],
    ['sos.cancel', 'wrong', null, null, null],
  ] as const)('%s with PIN %s → %s (priority %s), reply %s', (type, pin, alarmType, priority, reply) => {
    const decision = decide(type, pin);
    expect(decision.alarm?.type ?? null).toBe(alarmType);
    expect(decision.alarm?.priority ?? null).toBe(priority);
    expect(decision.reply).toBe(reply);
  });

  it('the duress PIN gets exactly the reply of the safe PIN, and its alarm is silent', () => {
    for (const type of ['amber.end', 'sos.cancel']) {
      const safe = decide(type, 'safe', { amberSessionOpen: true });
      const duress = decide(type, 'duress', { amberSessionOpen: true });
      expect(duress.reply).toBe(safe.reply);
      expect(duress.alarm).toMatchObject({ silent: true, priority: 1 });
    }
  });

  it('a discreet SOS is marked discreet; discreet means nothing on other types', () => {
    expect(decide('sos', 'not_required', {}, { discreet: true }).alarm?.discreet).toBe(true);
    expect(decide('sos').alarm?.discreet).toBe(false);
    expect(decide('fall', 'not_required', {}, { discreet: true }).alarm?.discreet).toBe(false);
  });

  it('an unknown type raises an unrecognised-event alarm of middle priority', () => {
    const decision = decideEvent(event('heart_rate.high', { known: false }), 'not_required', quiet, NOW);
    expect(decision.alarm).toMatchObject({ type: 'unrecognised', priority: 3 });
    expect(decision.reply).toBe('alarm.received');
  });
});

describe('tracking after an activation', () => {
  it.each([
    ['sos', 'not_required', true],
    ['fall', 'not_required', true],
    ['no_motion', 'not_required', true],
    ['tamper', 'not_required', false],
    ['test', 'not_required', false],
    ['amber.end', 'duress', false],
    ['sos.cancel', 'duress', false],
  ] as const)('%s (PIN %s) asks for fixes: %s', (type, pin, tracks) => {
    expect(decide(type, pin).locate !== null).toBe(tracks);
  });
});

describe('repeated activations and the operator who holds the wearer', () => {
  const openSos = { id: 'a-sos', type: 'sos', priority: 1, ownerId: null, linkedTo: null };
  const heldFall = { id: 'a-fall', type: 'fall', priority: 2, ownerId: 'u-ann', linkedTo: null };

  it('a second SOS while one is open is one more activation of it, not a new alarm', () => {
    const decision = decide('sos', 'not_required', { openAlarms: [openSos] });
    expect(decision).toMatchObject({
      alarm: null,
      attachTo: { alarmId: 'a-sos', priority: 1 },
      reply: 'alarm.received',
    });
  });

  it('a new kind of alarm goes to the operator holding the wearer, linked to what they hold', () => {
    const decision = decide('sos', 'not_required', { openAlarms: [heldFall] });
    expect(decision.alarm?.type).toBe('sos');
    expect(decision.routeTo).toEqual({ ownerId: 'u-ann', linkedTo: 'a-fall' });
  });

  it('links to the root of a chain of linked alarms', () => {
    const placed = placeAlarm({ type: 'tamper', priority: 3, discreet: false, silent: false }, [
      { id: 'a-2', type: 'sos', priority: 1, ownerId: 'u-ann', linkedTo: 'a-1' },
    ]);
    expect(placed.routeTo).toEqual({ ownerId: 'u-ann', linkedTo: 'a-1' });
  });

  it('nobody holds the wearer: a new alarm goes to the queue', () => {
    expect(decide('fall', 'not_required', { openAlarms: [openSos] }).routeTo).toBeNull();
  });

  it('low battery is raised once per charge cycle', () => {
    expect(decide('battery.low', 'not_required', { batteryLowRaised: true }).alarm).toBeNull();
  });
});

describe('amber sessions', () => {
  it('start: due after its duration from the ARC receive time, with its note', () => {
    expect(
      decide('amber.start', 'not_required', {}, { durationS: 2700, note: 'Visiting 12 Acacia Avenue' }).amber,
    ).toEqual({
      kind: 'start',
      dueAt: new Date('2026-11-23T14:45:00Z'),
      note: 'Visiting 12 Acacia Avenue',
    });
  });
  it('start without a usable duration still watches, for the default half hour', () => {
    expect(decide('amber.start').amber).toMatchObject({ kind: 'start', dueAt: new Date('2026-11-23T14:30:00Z') });
  });
  it('extend counts from now', () => {
    expect(decide('amber.extend', 'not_required', { amberSessionOpen: true }, { durationS: 600 }).amber).toEqual({
      kind: 'extend',
      dueAt: new Date('2026-11-23T14:10:00Z'),
    });
  });
  it('extend with no session starts one', () => {
    expect(decide('amber.extend', 'not_required', {}, { durationS: 600 }).amber?.kind).toBe('start');
  });
  it.each([
    ['safe', { kind: 'end', reason: 'safe_pin' }],
    ['not_required', { kind: 'end', reason: 'safe_pin' }],
    ['duress', { kind: 'end', reason: 'duress' }],
    ['wrong', null],
    ['missing', null],
  ] as const)('end with PIN %s → %j', (pin, amber) => {
    expect(decide('amber.end', pin, { amberSessionOpen: true }).amber).toEqual(amber);
  });
});

describe('sos.cancel', () => {
  const openSos = { id: 'a-sos', type: 'sos', priority: 1, ownerId: null, linkedTo: null };
  it('with the safe PIN marks the open SOS cancelled by the wearer, for an operator to verify', () => {
    expect(decide('sos.cancel', 'safe', { openAlarms: [openSos] })).toMatchObject({
      cancelledByWearer: 'a-sos',
      alarm: null,
    });
  });
  it('with the duress PIN leaves the SOS as it is and raises duress', () => {
    expect(decide('sos.cancel', 'duress', { openAlarms: [openSos] })).toMatchObject({
      cancelledByWearer: null,
      alarm: { type: 'duress' },
    });
  });
  it('with a wrong PIN changes nothing', () => {
    expect(decide('sos.cancel', 'wrong', { openAlarms: [openSos] })).toMatchObject({
      cancelledByWearer: null,
      alarm: null,
      reply: null,
    });
  });
});

describe('check-ins', () => {
  it('a checkin restarts the shift timer and raises nothing', () => {
    expect(decide('checkin')).toMatchObject({ checkin: true, alarm: null });
  });
});
