import { describe, expect, it } from 'vitest';
import { decideEvent, type PinCheck } from './event-rules.js';

const event = (type: string, extra: { known?: boolean; discreet?: boolean } = {}) => ({ type, known: extra.known ?? true, discreet: extra.discreet });

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
    const decision = decideEvent(event(type), pin as PinCheck);
    expect(decision.alarm?.type ?? null).toBe(alarmType);
    expect(decision.alarm?.priority ?? null).toBe(priority);
    expect(decision.reply).toBe(reply);
  });

  it('the duress PIN gets exactly the reply of the safe PIN, and its alarm is silent', () => {
    for (const type of ['amber.end', 'sos.cancel']) {
      const safe = decideEvent(event(type), 'safe');
      const duress = decideEvent(event(type), 'duress');
      expect(duress.reply).toBe(safe.reply);
      expect(duress.alarm).toMatchObject({ silent: true, priority: 1 });
    }
  });

  it('a discreet SOS is marked discreet; discreet means nothing on other types', () => {
    expect(decideEvent(event('sos', { discreet: true }), 'not_required').alarm?.discreet).toBe(true);
    expect(decideEvent(event('sos'), 'not_required').alarm?.discreet).toBe(false);
    expect(decideEvent(event('fall', { discreet: true }), 'not_required').alarm?.discreet).toBe(false);
  });

  it('an unknown type raises an unrecognised-event alarm of middle priority', () => {
    const decision = decideEvent(event('heart_rate.high', { known: false }), 'not_required');
    expect(decision.alarm).toMatchObject({ type: 'unrecognised', priority: 3 });
    expect(decision.reply).toBe('alarm.received');
  });
});
