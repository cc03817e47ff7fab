import { describe, expect, it } from 'vitest';
import { osmandEventId, osmandFixId, parseOsmAndTime, readOsmAndIdentifier, translateOsmAnd } from './osmand.js';

const RECEIVED = Date.UTC(2025, 0, 15, 12, 0, 0);
const DEVICE = 'phone-1';

// Payloads. Where each came from:
// - QUERY_FORUM: https://www.traccar.org/forums/topic/osmand-protocol2/ (the request a user
//   builds: id, lat, lon, timestamp, hdop, altitude, speed), values filled in.
// - QUERY_FULL: the fields of https://www.traccar.org/osmand/ and traccar's OsmAndProtocolDecoder
//   (speed in knots, bearing, accuracy, batt, charge, alarm), values ours.
// - JSON_DOC: verbatim (comments removed), the JSON example of https://www.traccar.org/osmand/.
// - JSON_CLIENT: the location template of traccar/traccar-client lib/preferences.dart
//   (`_locationTemplate`, params {device_id}), values ours; JSON_SOS adds the extras
//   `{'alarm': 'sos'}` of its lib/quick_actions.dart SOS shortcut.
const QUERY_FORUM = {
  id: 'tok',
  lat: '52.1',
  lon: '4.3',
  timestamp: '1736942390',
  hdop: '1.2',
  altitude: '3',
  speed: '10',
};
const QUERY_FULL = {
  id: 'tok',
  lat: '52.1',
  lon: '4.3',
  timestamp: '2025-01-15 11:59:50',
  speed: '0',
  bearing: '90',
  altitude: '-2.5',
  accuracy: '8',
  batt: '77',
  charge: 'true',
};
const JSON_DOC = {
  location: {
    timestamp: '2000-01-01T00:00:00.000Z',
    coords: { latitude: 0.0, longitude: 0.0, accuracy: 0, speed: 0, heading: 0, altitude: 0 },
    is_moving: false,
    odometer: 0,
    event: 'motionchange',
    battery: { level: 1, is_charging: false },
    activity: { type: 'still' },
    extras: {},
  },
  device_id: '48241179',
};
const JSON_CLIENT = {
  location: {
    timestamp: '2025-01-15T11:59:58.123Z',
    coords: { latitude: 52.3676, longitude: 4.9041, accuracy: 14.2, speed: 1.5, heading: -1, altitude: 2.1 },
    is_moving: true,
    odometer: 1234.5,
    event: '',
    battery: { level: 0.42, is_charging: false },
    activity: { type: 'walking' },
    extras: {},
    _: '&id=tok&lat=52.3676&lon=4.9041&timestamp=2025-01-15T11:59:58.123Z&',
  },
  device_id: 'tok',
};
const JSON_SOS = { ...JSON_CLIENT, location: { ...JSON_CLIENT.location, extras: { alarm: 'sos' } } };

describe('translateOsmAnd', () => {
  it.each([
    [
      'a query with seconds and knots',
      { fields: QUERY_FORUM },
      'location',
      { ts: 1736942390000, lat: 52.1, lon: 4.3, alt: 3, speed: 10 * (1852 / 3600) },
    ],
    [
      'a form with "yyyy-MM-dd HH:mm:ss" (UTC)',
      { fields: QUERY_FULL },
      'location',
      {
        ts: Date.UTC(2025, 0, 15, 11, 59, 50),
        lat: 52.1,
        lon: 4.3,
        acc: 8,
        alt: -2.5,
        speed: 0,
        heading: 90,
        batt: 77,
      },
    ],
    [
      'location=lat,lon and a millisecond timestamp',
      { fields: { id: 'tok', location: '52.1,4.3', timestamp: '1736942390000' } },
      'location',
      { ts: 1736942390000, lat: 52.1, lon: 4.3 },
    ],
    [
      'the JSON of the documentation (battery 0..1 → %)',
      { fields: {}, json: JSON_DOC },
      'location',
      { ts: Date.UTC(2000, 0, 1), lat: 0, lon: 0, acc: 0, alt: 0, speed: 0, heading: 0, batt: 100 },
    ],
    [
      'Traccar Client 9 JSON: speed already m/s, heading -1 left out',
      { fields: {}, json: JSON_CLIENT },
      'location',
      {
        ts: Date.parse('2025-01-15T11:59:58.123Z'),
        lat: 52.3676,
        lon: 4.9041,
        acc: 14.2,
        alt: 2.1,
        speed: 1.5,
        batt: 42,
      },
    ],
    [
      'no time: the receive time',
      { fields: { id: 'tok', lat: '1', lon: '2' } },
      'location',
      { ts: RECEIVED, lat: 1, lon: 2 },
    ],
    [
      'no position: a sign of life with the battery',
      { fields: { id: 'tok', timestamp: '1736942390', batt: '15', charge: 'false' } },
      'status',
      { ts: 1736942390000, batt: 15, charging: false },
    ],
  ])('%s', (_name, request, channel, value) => {
    // a position carries an id of its time and place: a resend is stored once
    const place = value as { ts: number; lat: number; lon: number };
    const expected = channel === 'location' ? { id: osmandFixId(place.ts, place.lat, place.lon), ...value } : value;
    expect(translateOsmAnd(request, DEVICE, RECEIVED)).toEqual({ ok: true, messages: [{ channel, value: expected }] });
  });

  it('the same position sent again has the same fix id; another time or place another', () => {
    const idOf = (fields: Record<string, string>) => {
      const result = translateOsmAnd({ fields }, DEVICE, RECEIVED);
      return result.ok ? (result.messages[0].value as { id: string }).id : null;
    };
    const fields = { id: 'tok', lat: '52.1', lon: '4.3', timestamp: '1736942390' };
    expect(idOf(fields)).toBe(idOf({ ...fields, speed: '3' }));
    expect(idOf(fields)).not.toBe(idOf({ ...fields, timestamp: '1736942391' }));
    expect(idOf(fields)).not.toBe(idOf({ ...fields, lat: '52.2' }));
    expect(idOf(fields)!.length).toBeLessThanOrEqual(64);
  });

  it('alarm=sos (query) is an SOS event with a derived id, position and battery', () => {
    const result = translateOsmAnd(
      { fields: { ...QUERY_FORUM, alarm: 'sos', batt: '50', accuracy: '5' } },
      DEVICE,
      RECEIVED,
    );
    expect(result).toEqual({
      ok: true,
      messages: [
        {
          channel: 'events',
          value: {
            id: osmandEventId(DEVICE, 1736942390000, 'sos'),
            type: 'sos',
            ts: 1736942390000,
            lat: 52.1,
            lon: 4.3,
            acc: 5,
            batt: 50,
            osmandAlarm: 'sos',
          },
        },
      ],
    });
  });

  it("Traccar Client's SOS shortcut (extras.alarm) is an SOS event; the same request again has the same id", () => {
    const first = translateOsmAnd({ fields: {}, json: JSON_SOS }, DEVICE, RECEIVED);
    const retry = translateOsmAnd({ fields: {}, json: JSON_SOS }, DEVICE, RECEIVED + 60_000);
    expect(first.ok && first.messages[0]).toMatchObject({
      channel: 'events',
      value: { type: 'sos', lat: 52.3676, lon: 4.9041 },
    });
    expect(retry).toEqual(first);
    // another device's alarm at the same moment is another event
    expect(osmandEventId('phone-2', 1, 'sos')).not.toBe(osmandEventId(DEVICE, 1, 'sos'));
  });

  it.each([
    ['fallDown', 'fall'],
    ['lowBattery', 'battery.low'],
    ['powerCut', 'power.off'],
    ['tampering', 'tamper'],
    ['geofenceEnter', 'osmand.geofenceEnter'],
  ])('alarm=%s → event %s', (alarm, type) => {
    const result = translateOsmAnd({ fields: { id: 'tok', alarm, timestamp: '1736942390' } }, DEVICE, RECEIVED);
    expect(result.ok && result.messages[0]).toMatchObject({ channel: 'events', value: { type, ts: 1736942390000 } });
  });

  it('a batch of positions is one location payload', () => {
    const json = {
      location: [JSON_CLIENT.location, { ...JSON_CLIENT.location, timestamp: '2025-01-15T11:59:59.000Z' }],
      device_id: 'tok',
    };
    const result = translateOsmAnd({ fields: {}, json }, DEVICE, RECEIVED);
    expect(result.ok && result.messages).toHaveLength(1);
    expect(result.ok && Array.isArray(result.messages[0].value)).toBe(true);
  });

  it.each([
    ['osmand_lat_invalid', { fields: { id: 'tok', lat: 'north', lon: '2' } }],
    ['osmand_location_invalid', { fields: { id: 'tok', location: '52.1' } }],
    ['osmand_position_incomplete', { fields: { id: 'tok', lat: '1' } }],
    ['osmand_timestamp_invalid', { fields: { id: 'tok', lat: '1', lon: '2', timestamp: 'yesterday' } }],
    ['osmand_timestamp_invalid', { fields: { id: 'tok', lat: '1', lon: '2', timestamp: '2025-13-45T99:00:00Z' } }],
    ['osmand_json_not_object', { fields: {}, json: [1, 2] }],
    ['osmand_location_missing', { fields: {}, json: { device_id: 'tok' } }],
    [
      'osmand_coords_invalid',
      {
        fields: {},
        json: {
          device_id: 'tok',
          location: { timestamp: '2025-01-15T11:59:58Z', coords: { latitude: 'x', longitude: 1 } },
        },
      },
    ],
    [
      'osmand_timestamp_invalid',
      { fields: {}, json: { device_id: 'tok', location: { timestamp: 12, coords: { latitude: 1, longitude: 1 } } } },
    ],
  ])('rejects %s', (reason, request) => {
    expect(translateOsmAnd(request, DEVICE, RECEIVED)).toEqual({ ok: false, reason });
  });
});

describe('readOsmAndIdentifier', () => {
  it.each([
    [{ fields: { id: 'a' } }, 'a'],
    [{ fields: { deviceid: 'b' } }, 'b'],
    [{ fields: { id: 'q' }, json: { device_id: 'c' } }, 'c'],
    [{ fields: { id: 'q' }, json: { location: {} } }, 'q'],
    [{ fields: {} }, null],
    [{ fields: { id: '' } }, null],
  ])('%j → %s', (request, identifier) => {
    expect(readOsmAndIdentifier(request)).toBe(identifier);
  });
});

describe('parseOsmAndTime', () => {
  it.each([
    ['1736942390', 1736942390000],
    ['1736942390000', 1736942390000],
    ['2025-01-15T11:59:58.123Z', Date.parse('2025-01-15T11:59:58.123Z')],
    ['2025-01-15 11:59:50', Date.UTC(2025, 0, 15, 11, 59, 50)],
    ['15/01/2025', 'invalid'],
    ['', 'invalid'],
  ])('%s → %s', (text, ms) => {
    expect(parseOsmAndTime(text)).toBe(ms);
  });
});
