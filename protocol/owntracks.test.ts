import { describe, expect, it } from 'vitest';
import { ownTracksConfigLink, ownTracksConfiguration, translateOwnTracks } from './owntracks.js';

// Payloads. Where each came from:
// - BOOKLET_TRACCAR: verbatim, https://owntracks.org/booklet/features/traccar/ ("HTTP Payloads").
// - ANDROID_LOCATION, IOS_LOCATION, TRANSITION: the fields and units of
//   https://owntracks.org/booklet/tech/json/ (_type=location: acc, alt, batt, bs, cog, conn, lat,
//   lon, t, tid, tst, vac, vel, created_at; _type=transition: wtst, event, desc, t, rid), values ours;
//   iOS reporting an unknown speed and course as -1 is the booklet's "vel … (iOS/integer/kmh)" and
//   CoreLocation's negative "invalid" value.
const BOOKLET_TRACCAR = { lon: 2.29513, lat: 48.85833, _type: 'location', tst: 1497476456, tid: 'JJ' };
const ANDROID_LOCATION = {
  _type: 'location',
  acc: 12,
  alt: 35,
  batt: 81,
  bs: 1,
  conn: 'm',
  created_at: 1700000005,
  lat: 51.5007,
  lon: -0.1246,
  t: 'u',
  tid: 'ph',
  tst: 1700000000,
  vac: 3,
  vel: 18,
  cog: 270,
  BSSID: 'aa:bb:cc:dd:ee:ff',
  SSID: 'office',
};
const IOS_LOCATION = {
  _type: 'location',
  acc: 65,
  alt: 12,
  batt: 40,
  bs: 2,
  lat: 51.5,
  lon: -0.12,
  tid: 'io',
  tst: 1700000100,
  vel: -1,
  cog: -1,
  t: 'p',
};
const TRANSITION = {
  _type: 'transition',
  wtst: 1699990000,
  lat: 51.5007,
  lon: -0.1246,
  tst: 1700000200,
  acc: 20,
  tid: 'ph',
  event: 'enter',
  desc: 'Office',
  t: 'c',
  rid: 'r1',
};

describe('translateOwnTracks', () => {
  it.each([
    ["the booklet's Traccar example", BOOKLET_TRACCAR, { ts: 1497476456000, lat: 48.85833, lon: 2.29513 }],
    [
      'an Android location: tst s → ms, vel km/h → m/s, cog → heading',
      ANDROID_LOCATION,
      { ts: 1700000000000, lat: 51.5007, lon: -0.1246, acc: 12, alt: 35, speed: 5, heading: 270, batt: 81 },
    ],
    [
      'an iOS location with unknown speed and course (-1): left out',
      IOS_LOCATION,
      { ts: 1700000100000, lat: 51.5, lon: -0.12, acc: 65, alt: 12, batt: 40 },
    ],
    ['a transition: its position', TRANSITION, { ts: 1700000200000, lat: 51.5007, lon: -0.1246, acc: 20 }],
  ])('%s', (_name, payload, fix) => {
    const result = translateOwnTracks(payload);
    // the id is its time and place: a resend is stored once
    const id = `ot-${fix.ts / 1000}-${fix.lat}-${fix.lon}`;
    expect(result).toEqual({ ok: true, messages: [{ channel: 'location', value: { id, ...fix } }] });
  });

  it.each([
    ['lwt', { _type: 'lwt', tst: 1700000000 }],
    ['status', { _type: 'status', android: { wifi: 1, ps: 0, bo: 1, loc: 0, hib: 0 } }],
    ['card', { _type: 'card', name: 'J', face: 'AAAA' }],
    ['waypoint', { _type: 'waypoint', desc: 'Home', lat: 1, lon: 2, rad: 50, tst: 1700000000 }],
    ['steps', { _type: 'steps', steps: 100, from: 1, to: 2 }],
    ['cmd', { _type: 'cmd', action: 'dump' }],
    ['empty', null],
  ])('accepts and ignores %s', (type, payload) => {
    expect(translateOwnTracks(payload)).toEqual({ ok: true, messages: [], ignored: type });
  });

  it.each([
    ['owntracks_not_object', [BOOKLET_TRACCAR]],
    ['owntracks_not_object', 'location'],
    ['owntracks_type_missing', { lat: 1, lon: 2, tst: 1700000000 }],
    ['owntracks_type_unknown', { _type: 'teleport', lat: 1, lon: 2, tst: 1700000000 }],
    ['owntracks_encrypted_not_supported', { _type: 'encrypted', data: 'abc' }],
    ['owntracks_position_missing', { _type: 'location', tst: 1700000000 }],
    ['owntracks_position_missing', { _type: 'location', lat: '51.5', lon: -0.1, tst: 1700000000 }],
    ['owntracks_tst_missing', { _type: 'location', lat: 51.5, lon: -0.1 }],
    ['owntracks_tst_missing', { _type: 'location', lat: 51.5, lon: -0.1, tst: 1700000000.5 }],
  ])('rejects %s: %j', (reason, payload) => {
    expect(translateOwnTracks(payload)).toEqual({ ok: false, reason });
  });

  it('leaves out-of-range latitude to the intake, which rejects the fix as for protocol v1', () => {
    const result = translateOwnTracks({ _type: 'location', lat: 123, lon: 0, tst: 1700000000 });
    expect(result).toEqual({
      ok: true,
      messages: [{ channel: 'location', value: { id: 'ot-1700000000-123-0', ts: 1700000000000, lat: 123, lon: 0 } }],
    });
  });
});

describe('ownTracksConfiguration', () => {
  it('MQTT: the broker, the device id and secret, the topic the ACL allows, a subscription to its cmd topic alone', () => {
    const configuration = ownTracksConfiguration({
      mode: 'mqtt',
      deviceId: 'phone-17',
      secret: 's3cret',
      url: 'mqtts://arc.example.org:8883',
    });
    expect(configuration).toMatchObject({
      _type: 'configuration',
      mode: 0,
      host: 'arc.example.org',
      port: 8883,
      tls: true,
      ws: false,
      auth: true,
      username: 'phone-17',
      password: 's3cret',
      clientId: 'phone-17',
      pubTopicBase: 'owntracks/phone-17/phone',
      sub: true,
      subTopic: 'owntracks/phone-17/phone/cmd',
      cmd: true,
    });
  });

  it('HTTP: the endpoint with Basic auth as the device, commands on', () => {
    const configuration = ownTracksConfiguration({
      mode: 'http',
      deviceId: 'phone-17',
      secret: 's3cret',
      url: 'https://arc.example.org/owntracks',
    });
    expect(configuration).toMatchObject({
      _type: 'configuration',
      mode: 3,
      url: 'https://arc.example.org/owntracks',
      username: 'phone-17',
      password: 's3cret',
      cmd: true,
    });
  });

  it('the owntracks:///config link holds the configuration, base64 (booklet, "URL config")', () => {
    const configuration = ownTracksConfiguration({
      mode: 'mqtt',
      deviceId: 'phone-17',
      secret: 'sé',
      url: 'mqtt://arc.example.org:1883',
    });
    const link = ownTracksConfigLink(configuration);
    expect(link.startsWith('owntracks:///config?inline=')).toBe(true);
    const decoded = JSON.parse(
      Buffer.from(link.slice('owntracks:///config?inline='.length), 'base64').toString('utf8'),
    );
    expect(decoded).toEqual(configuration);
  });
});
