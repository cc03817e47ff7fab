import { describe, expect, it } from 'vitest';
import { parseDeviceEvent } from './device-event.js';

const NOW = Date.UTC(2026, 10, 23, 12);

describe('parseDeviceEvent: safety first', () => {
  it('takes a tidy event as sent, keeping unknown fields', () => {
    const raw = {
      id: 'e-1',
      ts: NOW - 1000,
      type: 'sos',
      lat: 53.6458,
      lon: -3.0101,
      acc: 8,
      batt: 84,
      discreet: true,
      extra: 1,
    };
    const parsed = parseDeviceEvent(raw, 'dev-1', NOW);
    expect(parsed).toEqual({
      ok: true,
      warnings: [],
      event: {
        id: 'e-1',
        ts: NOW - 1000,
        type: 'sos',
        known: true,
        lat: 53.6458,
        lon: -3.0101,
        acc: 8,
        batt: 84,
        discreet: true,
        raw,
      },
    });
  });

  it.each([
    [null, 'event_not_object'],
    [[], 'event_not_object'],
    ['sos', 'event_not_object'],
    [{ id: 'x', ts: NOW }, 'event_type_missing'],
    [{ type: 7 }, 'event_type_missing'],
    [{ type: '' }, 'event_type_missing'],
  ])('rejects %j: %s', (raw, reason) => {
    expect(parseDeviceEvent(raw, 'dev-1', NOW)).toEqual({ ok: false, reason });
  });

  it('derives a stable id when there is none, so a resend is the same event', () => {
    const a = parseDeviceEvent({ ts: NOW - 5, type: 'sos' }, 'dev-1', NOW);
    const b = parseDeviceEvent({ ts: NOW - 5, type: 'sos' }, 'dev-1', NOW + 9000);
    const other = parseDeviceEvent({ ts: NOW - 5, type: 'sos' }, 'dev-2', NOW);
    if (!a.ok || !b.ok || !other.ok) throw new Error('should parse');
    expect(a.warnings).toEqual(['id_missing']);
    expect(a.event.id).toBe(b.event.id);
    expect(a.event.id).not.toBe(other.event.id);
    expect(a.event.id.length).toBeLessThanOrEqual(64);
  });

  it.each([
    [{ type: 'sos' }, ['ts_missing', 'id_missing']],
    [{ id: 'a', type: 'sos', ts: 12 }, ['ts_invalid']],
    [{ id: 'a', type: 'sos', ts: NOW + 2 * 86400_000 }, ['ts_invalid']],
    [{ id: 'a', type: 'sos', ts: 1.5e12 + 0.5 }, ['ts_invalid']],
    [{ id: 'a', type: 'sos', ts: '1763800000000' }, ['ts_invalid']],
  ])('an impossible or missing ts becomes the receive time: %j', (raw, warnings) => {
    const parsed = parseDeviceEvent(raw, 'dev-1', NOW);
    if (!parsed.ok) throw new Error('should parse');
    expect(parsed.event.ts).toBe(NOW);
    expect(parsed.warnings).toEqual(warnings);
  });

  it('drops and flags invalid optional fields, and still takes the event', () => {
    const parsed = parseDeviceEvent(
      {
        id: 'x'.repeat(65),
        ts: NOW,
        type: 'sos',
        lat: 200,
        lon: -3,
        acc: -1,
        batt: 101,
        discreet: 'yes',
        pin: 1234,
        note: 5,
      },
      'dev-1',
      NOW,
    );
    if (!parsed.ok) throw new Error('should parse');
    expect(parsed.event).toMatchObject({ type: 'sos', ts: NOW });
    expect(parsed.event.lat).toBeUndefined();
    expect(parsed.event.acc).toBeUndefined();
    expect(parsed.event.discreet).toBeUndefined();
    expect(parsed.event.id).toMatch(/^derived-/);
    expect(parsed.warnings.sort()).toEqual(
      [
        'id_invalid',
        'position_invalid',
        'acc_invalid',
        'batt_invalid',
        'discreet_invalid',
        'pin_invalid',
        'note_invalid',
      ].sort(),
    );
  });

  it('a position needs both lat and lon', () => {
    const parsed = parseDeviceEvent({ id: 'a', ts: NOW, type: 'fall', lat: 53.6 }, 'dev-1', NOW);
    if (!parsed.ok) throw new Error('should parse');
    expect(parsed.event.lat).toBeUndefined();
    expect(parsed.warnings).toEqual(['position_invalid']);
  });

  it('marks unknown types as not known', () => {
    const parsed = parseDeviceEvent({ id: 'a', ts: NOW, type: 'heart_rate.high' }, 'dev-1', NOW);
    expect(parsed.ok && parsed.event.known).toBe(false);
  });
});

describe('an event with neither id nor ts', () => {
  it('is a new event each time it is received: without a ts a resend cannot be told from a new press', () => {
    const first = parseDeviceEvent({ type: 'sos' }, 'dev-1', NOW);
    const later = parseDeviceEvent({ type: 'sos' }, 'dev-1', NOW + 86_400_000);
    if (!first.ok || !later.ok) throw new Error('should parse');
    expect(first.event.id).not.toBe(later.event.id);
  });
});
