import { describe, expect, it } from 'vitest';
import { carerAlarmKind, carerAlarmReason, carerAlarmStatus } from './carer-alarm-words.js';

const at = (iso: string) => new Date(iso);
const NOW = at('2026-07-14T15:30:00Z'); // 16:30 in London (BST)

describe('carerAlarmStatus', () => {
  const cases: [string, Parameters<typeof carerAlarmStatus>[1], string, 'open' | 'closed' | 'none'][] = [
    ['no alarm ever', { openCount: 0, oldestOpen: null, lastClosed: null }, 'No alarm for Mum so far.', 'none'],
    [
      'one open alarm, London time',
      { openCount: 1, oldestOpen: { type: 'sos', receivedAt: at('2026-07-14T13:02:00Z') }, lastClosed: null },
      'The alarm centre is dealing with an alarm for Mum (SOS button pressed) since 14:02.',
      'open',
    ],
    [
      'two open alarms: since the oldest',
      { openCount: 2, oldestOpen: { type: 'fall', receivedAt: at('2026-07-14T13:02:00Z') }, lastClosed: null },
      'The alarm centre is dealing with 2 alarms for Mum since 14:02.',
      'open',
    ],
    [
      'open since yesterday says the day',
      { openCount: 1, oldestOpen: { type: 'no_comm', receivedAt: at('2026-07-13T22:10:00Z') }, lastClosed: null },
      'The alarm centre is dealing with an alarm for Mum (the alarm has stopped reporting) since 23:10 on 13 Jul.',
      'open',
    ],
    [
      'an exclusion zone is never named',
      {
        openCount: 1,
        oldestOpen: { type: 'geofence.entered', receivedAt: at('2026-07-14T13:02:00Z') },
        lastClosed: null,
      },
      'The alarm centre is dealing with an alarm for Mum since 14:02.',
      'open',
    ],
    [
      'the last one closed',
      { openCount: 0, oldestOpen: null, lastClosed: { type: 'battery.low', resolvedAt: at('2026-07-14T14:20:00Z') } },
      'The last alarm for Mum (the alarm battery is low) was closed at 15:20.',
      'closed',
    ],
  ];
  it.each(cases)('%s', (_name, facts, text, state) => {
    const status = carerAlarmStatus('Mum', facts, NOW);
    expect(status.text).toBe(text);
    expect(status.state).toBe(state);
  });

  it('keeps when the last alarm closed while another is open', () => {
    const status = carerAlarmStatus(
      'Mum',
      {
        openCount: 1,
        oldestOpen: { type: 'sos', receivedAt: NOW },
        lastClosed: { type: 'fall', resolvedAt: at('2026-07-14T10:00:00Z') },
      },
      NOW,
    );
    expect(status).toMatchObject({ state: 'open', since: NOW.toISOString(), closedAt: '2026-07-14T10:00:00.000Z' });
  });
});

describe('carerAlarmKind', () => {
  it.each([
    ['sos', 'help'],
    ['geofence.entered', 'help'],
    ['amber.expired', 'missed_check'],
    ['geofence.left', 'safe_zone'],
    ['no_comm', 'device'],
    ['x.glitter', 'device'],
    ['battery.low', 'battery'],
    ['duress', null],
  ])('%s is %s', (type, kind) => expect(carerAlarmKind(type)).toBe(kind));

  it('says nothing of duress', () => expect(carerAlarmReason('duress')).toBeNull());
});
