import { describe, expect, it } from 'vitest';
import { billingCounts, monthlyStatistics, NO_ORGANISATION, type OrganisationAlarm } from './organisation-reports.js';

const PERIOD = {
  month: '2026-03',
  timeZone: 'UTC',
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-04-01T00:00:00Z'),
  complete: false,
};
const NOW = new Date('2026-03-20T12:00:00Z');
const ORGS = [
  { id: 'b', name: 'Zeta Homes' },
  { id: 'a', name: 'Acme Care' },
];

const alarm = (fields: Partial<OrganisationAlarm>): OrganisationAlarm => ({
  id: Math.random().toString(36),
  type: 'sos',
  priority: 1,
  receivedAt: new Date('2026-03-10T10:00:00Z'),
  acceptedAt: null,
  resolvedAt: null,
  closureCode: null,
  verified: null,
  isTest: false,
  linkedTo: null,
  organisationId: 'a',
  passedToPolice: false,
  ...fields,
});

describe('monthlyStatistics', () => {
  it('lists every organisation asked for by name, a quiet one as zeros, then "no organisation"', () => {
    const report = monthlyStatistics([alarm({ organisationId: null })], ORGS, true, PERIOD, NOW);
    expect(report.organisations.map((o) => [o.organisationName, o.alarms])).toEqual([
      ['Acme Care', 0],
      ['Zeta Homes', 0],
      [NO_ORGANISATION, 1],
    ]);
  });

  it('leaves out linked alarms (one incident) and counts test alarms apart', () => {
    const first = alarm({ verified: 'genuine', passedToPolice: true });
    const report = monthlyStatistics(
      [first, alarm({ linkedTo: first.id, passedToPolice: true }), alarm({ isTest: true })],
      ORGS,
      false,
      PERIOD,
      NOW,
    );
    const acme = report.organisations[0];
    expect([acme.alarms, acme.excluded, acme.passedToPolice, acme.verified]).toEqual([
      1,
      { test: 1, linked: 1 },
      1,
      { genuine: 1, false: 0, undecided: 0 },
    ]);
  });

  it('never counts an alarm of an organisation outside the report', () => {
    const report = monthlyStatistics(
      [alarm({ organisationId: 'elsewhere' }), alarm({ organisationId: null })],
      ORGS,
      false,
      PERIOD,
      NOW,
    );
    expect(report.total.alarms).toBe(0);
  });
});

describe('billingCounts', () => {
  it('counts an alarm resolved after now as open, and test alarms apart', () => {
    const later = new Date(NOW.getTime() + 1000);
    const report = billingCounts(
      [
        alarm({ resolvedAt: later, closureCode: 'false_accidental' }),
        alarm({ resolvedAt: NOW, closureCode: 'genuine_police' }),
        alarm({ isTest: true }),
      ],
      [
        { id: 'd1', organisationId: 'a', heard: true },
        { id: 'd2', organisationId: 'b', heard: false },
      ],
      ORGS,
      false,
      PERIOD,
      NOW,
    );
    expect(report.organisations[0]).toMatchObject({
      organisationName: 'Acme Care',
      devicesInService: 1,
      devicesHeard: 1,
      alarms: 2,
      testAlarms: 1,
    });
    expect(report.organisations[0].byOutcome).toMatchObject({ open: 1, genuine_police: 1, false_accidental: 0 });
    expect(report.total.devicesInService).toBe(2);
  });
});
