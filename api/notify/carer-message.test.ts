import { describe, expect, it } from 'vitest';
import { carerMessage, type CarerMessageInput } from './carer-message.js';

// 13:02 UTC on a summer day is 14:02 in London (BST).
const base: CarerMessageInput = {
  wearerName: 'Mum',
  alarmType: 'sos',
  receivedAt: new Date('2025-07-01T13:02:30Z'),
  position: { lat: 51.5, lon: -0.12 },
  carerViewUrl: 'https://arc.example/my',
};

describe('carerMessage', () => {
  it('says who, what, since when and where to look', () => {
    expect(carerMessage(base)).toEqual({
      subject: 'Alarm for Mum: SOS button pressed',
      body: 'The alarm centre is dealing with an alarm for Mum (SOS button pressed) since 14:02. See where Mum is: https://arc.example/my',
    });
  });

  it('never tells a carer about a duress alarm', () => {
    expect(carerMessage({ ...base, alarmType: 'duress' })).toBeNull();
  });

  it.each([
    ['fall', 'a fall was detected'],
    ['no_motion', 'no movement for a while'],
    ['tamper', 'the alarm may have been removed or tampered with'],
    ['power.off', 'the alarm was switched off'],
    ['amber.expired', 'a safety timer ran out before they checked in safe'],
    ['checkin.missed', 'a check-in was missed'],
    ['no_comm', 'the alarm has stopped reporting'],
    ['geofence.left', 'left a safe area'],
    ['unrecognised', 'the alarm sent a signal we could not read'],
    ['something.new', 'the alarm sent a signal we could not read'],
  ])('words a %s alarm as "%s"', (alarmType, reason) => {
    const message = carerMessage({ ...base, alarmType });
    expect(message?.subject).toBe(`Alarm for Mum: ${reason}`);
    expect(message?.body).toContain(`an alarm for Mum (${reason}) since 14:02`);
  });

  it('tells of a low battery as a chore, not an emergency', () => {
    const message = carerMessage({ ...base, alarmType: 'battery.low' });
    expect(message?.subject).toBe("Mum's alarm battery is low");
    expect(message?.body).toMatch(/^Mum's alarm battery is low/);
    expect(message?.body).not.toContain('dealing with an alarm');
  });

  it('gives the link, never the coordinates (each look at a position is audited)', () => {
    const { body } = carerMessage(base)!;
    expect(body).toContain('https://arc.example/my');
    expect(body).not.toMatch(/51\.5|0\.12/);
  });

  it('says so when nobody knows where the wearer is', () => {
    expect(carerMessage({ ...base, position: null })?.body).toBe(
      'The alarm centre is dealing with an alarm for Mum (SOS button pressed) since 14:02. We do not know where Mum is yet. Follow the alarm here: https://arc.example/my',
    );
  });

  it('gives the clock time in the zone asked for', () => {
    expect(carerMessage({ ...base, timeZone: 'UTC' })?.body).toContain('since 13:02');
    expect(carerMessage({ ...base, receivedAt: new Date('2025-01-15T23:59:00Z') })?.body).toContain('since 23:59');
  });

  it('carries nothing but what it was given, even if handed operator notes', () => {
    const withNotes = { ...base, notes: 'NOTE-XYZ history of falls', resolutionNote: 'NOTE-XYZ' } as CarerMessageInput;
    const message = carerMessage(withNotes)!;
    expect(`${message.subject} ${message.body}`).not.toContain('NOTE-XYZ');
  });
});

describe('an exclusion zone alarm', () => {
  it('is told only as "an alarm": the zone may be near the very person to be kept away', () => {
    const message = carerMessage({ ...base, alarmType: 'geofence.entered' });
    expect(message?.subject).toBe('Alarm for Mum');
    expect(message?.body).toContain('an alarm for Mum since 14:02');
    expect(JSON.stringify(message)).not.toMatch(/zone|area|avoid/i);
  });
});
