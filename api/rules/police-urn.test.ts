import { describe, expect, it } from 'vitest';
import { effectivePolice, type EffectivePolice, type PoliceSetting } from './police-urn.js';

const none: PoliceSetting = { urn: null, policeWithdrawn: false, policeWithdrawnReason: null };
const own: PoliceSetting = { urn: 'MERS/2026/ab-001', policeWithdrawn: false, policeWithdrawnReason: null };
const ownWithdrawn: PoliceSetting = {
  urn: 'MERS/2026/ab-001',
  policeWithdrawn: true,
  policeWithdrawnReason: 'False calls, review 1 Dec',
};
const withdrawnNoUrn: PoliceSetting = {
  urn: null,
  policeWithdrawn: true,
  policeWithdrawnReason: 'Wearer asked for no police',
};
const org: PoliceSetting = { urn: 'ORG/123', policeWithdrawn: false, policeWithdrawnReason: null };
const orgWithdrawn: PoliceSetting = {
  urn: 'ORG/123',
  policeWithdrawn: true,
  policeWithdrawnReason: 'Organisation under review',
};
const orgWithdrawnNoUrn: PoliceSetting = {
  urn: null,
  policeWithdrawn: true,
  policeWithdrawnReason: 'Organisation under review',
};

describe('effectivePolice: the wearer’s own URN wins; a withdrawal follows the URN in use', () => {
  it.each<[string, PoliceSetting, PoliceSetting | null, EffectivePolice]>([
    [
      'no organisation, no URN',
      none,
      null,
      { urn: null, urnSource: null, policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'own URN, no organisation',
      own,
      null,
      { urn: 'MERS/2026/ab-001', urnSource: 'wearer', policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'own URN beats the organisation’s',
      own,
      org,
      { urn: 'MERS/2026/ab-001', urnSource: 'wearer', policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'no own URN: the organisation’s',
      none,
      org,
      { urn: 'ORG/123', urnSource: 'organisation', policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'neither has a URN',
      none,
      { ...none },
      { urn: null, urnSource: null, policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'own withdrawn',
      ownWithdrawn,
      org,
      {
        urn: 'MERS/2026/ab-001',
        urnSource: 'wearer',
        policeWithdrawn: true,
        policeWithdrawnReason: 'False calls, review 1 Dec',
      },
    ],
    [
      'own withdrawn without a URN still withdraws the organisation’s',
      withdrawnNoUrn,
      org,
      {
        urn: 'ORG/123',
        urnSource: 'organisation',
        policeWithdrawn: true,
        policeWithdrawnReason: 'Wearer asked for no police',
      },
    ],
    [
      'own withdrawn, no organisation',
      withdrawnNoUrn,
      null,
      { urn: null, urnSource: null, policeWithdrawn: true, policeWithdrawnReason: 'Wearer asked for no police' },
    ],
    [
      'organisation withdrawn, its URN in use',
      none,
      orgWithdrawn,
      {
        urn: 'ORG/123',
        urnSource: 'organisation',
        policeWithdrawn: true,
        policeWithdrawnReason: 'Organisation under review',
      },
    ],
    [
      'organisation withdrawn, the wearer’s own URN in use',
      own,
      orgWithdrawn,
      { urn: 'MERS/2026/ab-001', urnSource: 'wearer', policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'organisation withdrawn without a URN: nothing of it is in use',
      none,
      orgWithdrawnNoUrn,
      { urn: null, urnSource: null, policeWithdrawn: false, policeWithdrawnReason: null },
    ],
    [
      'both withdrawn: the wearer’s reason',
      ownWithdrawn,
      orgWithdrawn,
      {
        urn: 'MERS/2026/ab-001',
        urnSource: 'wearer',
        policeWithdrawn: true,
        policeWithdrawnReason: 'False calls, review 1 Dec',
      },
    ],
    [
      'a stale reason without the flag is not shown',
      { ...own, policeWithdrawnReason: 'old' },
      null,
      { urn: 'MERS/2026/ab-001', urnSource: 'wearer', policeWithdrawn: false, policeWithdrawnReason: null },
    ],
  ])('%s', (_name, wearer, organisation, expected) => {
    expect(effectivePolice(wearer, organisation)).toEqual(expected);
  });

  it('quotes the URN exactly as issued', () => {
    expect(effectivePolice(none, { ...org, urn: 'wmp/2024/ 000123 a' }).urn).toBe('wmp/2024/ 000123 a');
  });
});
