import { describe, expect, it } from 'vitest';
import { PURGE_BACKLOG_GAP_MS, PURGE_IDLE_MS, purgeDue } from './retention-rules.js';
import { subjectAccessText } from './subject-access-text.js';

const at = (ms: number) => new Date(Date.parse('2026-11-23T14:00:00Z') + ms);

describe('purgeDue', () => {
  it('runs at once, then a pass a second while there is a backlog, else once a minute', () => {
    expect(purgeDue(null, at(0))).toBe(true);
    expect(purgeDue({ at: at(0), backlog: true }, at(250))).toBe(false);
    expect(purgeDue({ at: at(0), backlog: true }, at(PURGE_BACKLOG_GAP_MS))).toBe(true);
    expect(purgeDue({ at: at(0), backlog: false }, at(250))).toBe(false);
    expect(purgeDue({ at: at(0), backlog: false }, at(PURGE_IDLE_MS))).toBe(true);
    // A clock set back does not stop the purge for the time it went back.
    expect(purgeDue({ at: at(0), backlog: false }, at(-1000))).toBe(true);
  });
});

describe('subjectAccessText', () => {
  const empty = {
    contacts: [],
    devices: [],
    carers: [],
    zones: [],
    positions: [],
    amberSessions: [],
    checkinShifts: [],
    alarms: [],
    events: [],
    actions: [],
    notifications: [],
    earlyHelpReviews: [],
    audit: [],
  };
  it('says every section, with what is held in words and "None held." for what is not', () => {
    const text = subjectAccessText({
      ...empty,
      exportedAt: '2026-11-23T14:00:00.000Z',
      wearer: { name: 'Grace', medicalNotes: '', hasSafePin: true },
      organisation: null,
      responsePlan: null,
      contacts: [{ name: 'Carol', phone: '07700 900123' }],
    });
    expect(text).toContain('Everything the alarm receiving centre holds on Grace');
    expect(text).toContain('  medical notes: -');
    expect(text).toContain('  has safe pin: true');
    expect(text).toContain('Contacts (1)');
    expect(text).toContain('  phone: 07700 900123');
    expect(text).toMatch(/Positions \(0\)\n=+\n.*\nNone held\./);
  });
});
