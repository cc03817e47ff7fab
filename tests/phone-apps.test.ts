// Phones and existing trackers as devices (issue 11): Traccar Client (OsmAnd protocol) on its own
// port and OwnTracks over MQTT and HTTP, each through a real listener of a whole ARC, feeding the
// one intake. Payloads as the apps send them (sources cited in protocol/osmand.test.ts and
// protocol/owntracks.test.ts); times near the ARC's fixed clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import mqtt from 'mqtt';
import { insertCommand } from '../api/store/command-store.js';
import { connected, nextEvent, startTestArc, type TestArc } from './support/test-arc.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const NOW_S = NOW / 1000;
/** The ARC's clock: NOW, moved on only where a test lets a throttle's wait pass. */
let clock = NOW;
let t: TestArc;
const clients: mqtt.MqttClient[] = [];

beforeAll(async () => {
  t = await startTestArc({ ARC_OSMAND_PORT: '0' }, { now: () => new Date(clock) });
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await t?.close();
});

interface Provisioned {
  deviceId: string;
  secret: string;
  apps: {
    traccarClient: { url: string; identifier: string; link: string };
    ownTracks: { mqtt: { configuration: any; link: string }; http: { url: string; configuration: any; link: string } };
  };
}

let counter = 0;
async function provision(): Promise<Provisioned> {
  const wearer = await t.createWearer({ profile: 'lone_worker' });
  const id = `phone-${++counter}-${Math.random().toString(36).slice(2, 7)}`;
  const response = await t.api('POST', '/api/devices', { id, label: 'A phone', wearerId: wearer.id });
  expect(response.status).toBe(201);
  return { deviceId: id, secret: response.body.secret, apps: response.body.apps };
}

const fixesOf = (deviceId: string) =>
  t.sql<
    {
      ts: string;
      lat: number;
      lon: number;
      acc: number | null;
      speed: number | null;
      heading: number | null;
      batt: number | null;
    }[]
  >`
    select ts, lat, lon, acc, speed, heading, batt from fixes where device_id = ${deviceId} order by ts`;
const alarmsOf = (deviceId: string) =>
  t.sql<{ type: string; lat: number | null }[]>`select type, lat from alarms where device_id = ${deviceId}`;
const eventsOf = (deviceId: string) => t.sql`select * from events where device_id = ${deviceId}`;

/** A request to the OsmAnd listener, as Traccar Client makes it. */
function osmand(path: string, init: RequestInit = {}) {
  return fetch(t.addresses.osmand + path, init);
}

describe('Traccar Client (OsmAnd protocol) on its own port', () => {
  it('provisioning gives the server URL, a secret identifier that is not the device id, and a link Traccar Client reads', async () => {
    const phone = await provision();
    const { traccarClient } = phone.apps;
    expect(traccarClient.identifier).not.toBe(phone.deviceId);
    expect(traccarClient.identifier.length).toBeGreaterThanOrEqual(40);
    expect(traccarClient.link).toBe(`${traccarClient.url}/?id=${traccarClient.identifier}`);
    // only a hash is stored
    const [row] = await t.sql`select osmand_token_hash from devices where id = ${phone.deviceId}`;
    expect(row.osmandTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(traccarClient.identifier);
  });

  it('GET with query fields: 200 once the fix is stored, speed from knots', async () => {
    const phone = await provision();
    const id = phone.apps.traccarClient.identifier;
    const response = await osmand(
      `/?id=${id}&lat=52.1&lon=4.3&timestamp=${NOW_S - 10}&speed=10&bearing=90&accuracy=8&batt=77`,
    );
    expect(response.status).toBe(200);
    const fixes = await fixesOf(phone.deviceId);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ ts: String(NOW - 10_000), lat: 52.1, lon: 4.3, acc: 8, heading: 90, batt: 77 });
    expect(fixes[0].speed).toBeCloseTo(5.144, 2);
  });

  it('POST with form fields, and POST with the JSON body of Traccar Client 9', async () => {
    const phone = await provision();
    const id = phone.apps.traccarClient.identifier;
    const form = await osmand('/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id, lat: '52.2', lon: '4.4', timestamp: String(NOW_S - 20) }).toString(),
    });
    expect(form.status).toBe(200);
    // the location template of traccar/traccar-client lib/preferences.dart
    const json = await osmand('/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        location: {
          timestamp: new Date(NOW - 5000).toISOString(),
          coords: { latitude: 52.3676, longitude: 4.9041, accuracy: 14.2, speed: 1.5, heading: -1, altitude: 2.1 },
          is_moving: true,
          odometer: 12,
          event: '',
          battery: { level: 0.42, is_charging: false },
          activity: { type: 'walking' },
          extras: {},
        },
        device_id: id,
      }),
    });
    expect(json.status).toBe(200);
    const fixes = await fixesOf(phone.deviceId);
    expect(fixes.map((f) => [Number(f.ts), f.lat])).toEqual([
      [NOW - 20_000, 52.2],
      [NOW - 5000, 52.3676],
    ]);
    expect(fixes[1]).toMatchObject({ batt: 42, speed: 1.5, heading: null });
  });

  it('alarm=sos raises one SOS on the console however often Traccar Client resends it', async () => {
    const phone = await provision();
    const id = phone.apps.traccarClient.identifier;
    const operator = t.operatorSocket(t.adminToken);
    await connected(operator);
    const raised = nextEvent(operator, 'alarm:raised');
    const sos = {
      location: {
        timestamp: new Date(NOW - 2000).toISOString(),
        coords: { latitude: 53.6458, longitude: -3.0101, accuracy: 9, speed: 0, heading: 0, altitude: 5 },
        battery: { level: 0.8, is_charging: false },
        extras: { alarm: 'sos' },
      },
      device_id: id,
    };
    for (let i = 0; i < 3; i++) {
      const response = await osmand('/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sos),
      });
      expect(response.status).toBe(200);
    }
    const alarm = await raised;
    expect(alarm).toMatchObject({ deviceId: phone.deviceId, type: 'sos' });
    expect(await alarmsOf(phone.deviceId)).toEqual([{ type: 'sos', lat: 53.6458 }]);
    expect(await eventsOf(phone.deviceId)).toHaveLength(1);
    // and the older clients' query form of the same alarm
    const query = await osmand(`/?id=${id}&lat=53.6&lon=-3.0&timestamp=${NOW_S - 1}&alarm=sos`);
    expect(query.status).toBe(200);
    expect(await alarmsOf(phone.deviceId)).toHaveLength(1); // the second press attaches to the open alarm
    expect(await eventsOf(phone.deviceId)).toHaveLength(2);
    operator.close();
  });

  it('a position Traccar Client resends (it believed the first failed) is stored once; another time or place is another fix', async () => {
    const phone = await provision();
    const other = await provision();
    const id = phone.apps.traccarClient.identifier;
    const query = `lat=52.1&lon=4.3&timestamp=${NOW_S - 40}&speed=10&accuracy=8`;
    for (let i = 0; i < 3; i++) expect((await osmand(`/?id=${id}&${query}`)).status).toBe(200);
    // the same request as a form, and the JSON of Traccar Client 9 sent twice
    const form = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `id=${id}&${query}`,
    };
    expect((await osmand('/', form)).status).toBe(200);
    const json = JSON.stringify({
      location: {
        timestamp: new Date(NOW - 30_000).toISOString(),
        coords: { latitude: 52.2, longitude: 4.4, accuracy: 5 },
      },
      device_id: id,
    });
    for (let i = 0; i < 2; i++)
      expect(
        (await osmand('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json })).status,
      ).toBe(200);
    expect((await osmand(`/?id=${id}&lat=52.1&lon=4.3&timestamp=${NOW_S - 39}`)).status).toBe(200);
    expect((await osmand(`/?id=${id}&lat=52.15&lon=4.3&timestamp=${NOW_S - 39}`)).status).toBe(200);
    expect((await fixesOf(phone.deviceId)).map((f) => [Number(f.ts), f.lat])).toEqual([
      [NOW - 40_000, 52.1],
      [NOW - 39_000, 52.1],
      [NOW - 39_000, 52.15],
      [NOW - 30_000, 52.2],
    ]);
    // the same position from another device is that device's own fix
    expect((await osmand(`/?id=${other.apps.traccarClient.identifier}&${query}`)).status).toBe(200);
    expect(await fixesOf(other.deviceId)).toHaveLength(1);
  });

  it("Traccar Client takes no commands: those queued for its SOS stop waiting, and an operator's message is refused with the reason", async () => {
    const phone = await provision();
    const id = phone.apps.traccarClient.identifier;
    expect((await osmand(`/?id=${id}&lat=53.6&lon=-3.0&timestamp=${NOW_S - 7}&alarm=sos`)).status).toBe(200);
    const [alarm] = await t.sql<{ id: string }[]>`select id from alarms where device_id = ${phone.deviceId}`;
    const waiting = () =>
      t.sql`select body->>'type' as type from device_commands where device_id = ${phone.deviceId} and delivered_at is null and undeliverable is null`;
    await expect.poll(waiting).toEqual([]);
    const closed = await t.sql`select distinct undeliverable from device_commands where device_id = ${phone.deviceId}`;
    expect(closed).toEqual([{ undeliverable: 'osmand_cannot_take' }]);
    expect((await t.api('POST', `/api/alarms/${alarm.id}/accept`)).status).toBe(200);
    const message = await t.api('POST', `/api/alarms/${alarm.id}/messages`, { text: 'Help is on the way' });
    expect(message.status).toBe(409);
    expect(message.body.error).toMatchObject({ code: 'ARC_ERR_DEVICE_APP_CANNOT_SHOW', details: { app: 'osmand' } });
    // accepting queued no alarm.accepted for it either
    expect(await waiting()).toEqual([]);
  });

  it('a wrong, missing or bare-device-id identifier is a 401 and nothing is stored; a disabled device is refused', async () => {
    const phone = await provision();
    for (const path of [
      `/?id=${phone.deviceId}&lat=1&lon=2`,
      '/?id=not-a-token&lat=1&lon=2&alarm=sos',
      '/?lat=1&lon=2',
    ]) {
      const response = await osmand(path);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('ARC_ERR_DEVICE_AUTH');
    }
    expect(await fixesOf(phone.deviceId)).toEqual([]);
    expect(await alarmsOf(phone.deviceId)).toEqual([]);
    expect((await t.api('PATCH', `/api/devices/${phone.deviceId}`, { enabled: false })).status).toBe(200);
    expect((await osmand(`/?id=${phone.apps.traccarClient.identifier}&lat=1&lon=2`)).status).toBe(401);
  });

  it('bad input is a 400 with its reason, counted, nothing stored', async () => {
    const phone = await provision();
    const id = phone.apps.traccarClient.identifier;
    const cases: [string, RequestInit, string][] = [
      [`/?id=${id}&lat=north&lon=2`, {}, 'osmand_lat_invalid'],
      [`/?id=${id}&lat=1&lon=2&timestamp=yesterday`, {}, 'osmand_timestamp_invalid'],
      [`/?id=${id}&lat=91&lon=2&timestamp=${NOW_S}`, {}, 'fix_invalid'],
      [`/?id=${id}&lat=1&lon=2&timestamp=${NOW_S + 3 * 86400}`, {}, 'fix_invalid'],
      [
        '/',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"device_id":' },
        'osmand_body_not_json',
      ],
      [
        '/',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device_id: id }) },
        'osmand_location_missing',
      ],
    ];
    for (const [path, init, reason] of cases) {
      const response = await osmand(path, init);
      expect(response.status, path).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: 'ARC_ERR_DEVICE_MESSAGE_REJECTED',
        details: { reason },
      });
    }
    expect(t.arc.metrics.get('intake_rejected{channel="osmand",reason="osmand_lat_invalid"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(await fixesOf(phone.deviceId)).toEqual([]);
  });

  it('rotating the secret replaces the identifier: the old one is refused', async () => {
    const phone = await provision();
    const rotated = await t.api('POST', `/api/devices/${phone.deviceId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.apps.traccarClient.identifier).not.toBe(phone.apps.traccarClient.identifier);
    expect((await osmand(`/?id=${phone.apps.traccarClient.identifier}&lat=1&lon=2`)).status).toBe(401);
    expect(
      (await osmand(`/?id=${rotated.body.apps.traccarClient.identifier}&lat=1&lon=2&timestamp=${NOW_S}`)).status,
    ).toBe(200);
  });

  it('a Traccar Client pointed at the HTTP port by mistake gets a 400 naming the right port, not the console', async () => {
    const response = await fetch(`${t.httpUrl}/?id=abc&lat=1&lon=2&timestamp=${NOW_S}`);
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('ARC_ERR_OSMAND_WRONG_PORT');
    expect((await fetch(`${t.httpUrl}/`)).status).toBe(200); // the console itself still opens
  });
});

/**
 * An MQTT client as OwnTracks connects: client id and username the device id, password its secret,
 * a persistent session (OwnTracks' cleanSession is off unless the user turns it on).
 */
async function ownTracksOverMqtt(phone: Provisioned): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(t.mqttUrl, {
    clientId: phone.deviceId,
    username: phone.deviceId,
    password: phone.secret,
    clean: false,
    reconnectPeriod: 0,
  });
  clients.push(client);
  return client;
}

describe('OwnTracks over MQTT', () => {
  it('provisioning offers the configuration OwnTracks imports: this broker, this device, its own topic', async () => {
    const phone = await provision();
    const { configuration, link } = phone.apps.ownTracks.mqtt;
    expect(configuration).toMatchObject({
      _type: 'configuration',
      mode: 0,
      username: phone.deviceId,
      password: phone.secret,
      clientId: phone.deviceId,
      pubTopicBase: `owntracks/${phone.deviceId}/phone`,
    });
    expect(JSON.parse(Buffer.from(link.split('inline=')[1], 'base64').toString())).toEqual(configuration);
  });

  it('a location on owntracks/<device-id>/phone is stored before its PUBACK, tst seconds → ms, vel km/h → m/s', async () => {
    const phone = await provision();
    const client = await ownTracksOverMqtt(phone);
    const payload = {
      _type: 'location',
      acc: 12,
      alt: 35,
      batt: 81,
      bs: 1,
      conn: 'm',
      lat: 51.5007,
      lon: -0.1246,
      t: 'u',
      tid: 'ph',
      tst: NOW_S - 30,
      vel: 18,
      cog: 270,
    };
    await client.publishAsync(`owntracks/${phone.deviceId}/phone`, JSON.stringify(payload), { qos: 1 });
    const fixes = await fixesOf(phone.deviceId);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({
      ts: String(NOW - 30_000),
      lat: 51.5007,
      lon: -0.1246,
      acc: 12,
      heading: 270,
      batt: 81,
    });
    expect(fixes[0].speed).toBeCloseTo(5, 5);
    // a transition on the event topic is a position too; an lwt is taken and ignored
    await client.publishAsync(
      `owntracks/${phone.deviceId}/phone/event`,
      JSON.stringify({
        _type: 'transition',
        wtst: NOW_S - 999,
        lat: 51.6,
        lon: -0.2,
        tst: NOW_S - 10,
        acc: 20,
        tid: 'ph',
        event: 'enter',
        desc: 'Office',
        t: 'c',
      }),
      { qos: 1 },
    );
    await client.publishAsync(`owntracks/${phone.deviceId}/phone`, JSON.stringify({ _type: 'lwt', tst: NOW_S - 5 }), {
      qos: 1,
    });
    expect((await fixesOf(phone.deviceId)).map((f) => f.lat)).toEqual([51.5007, 51.6]);
    expect(t.arc.metrics.get('intake_foreign_ignored{source="owntracks",type="lwt"}')).toBeGreaterThanOrEqual(1);
  });

  it('a bad OwnTracks message is rejected, counted and acknowledged (the app does not resend it); nothing stored', async () => {
    const phone = await provision();
    const client = await ownTracksOverMqtt(phone);
    const topic = `owntracks/${phone.deviceId}/phone`;
    await client.publishAsync(topic, JSON.stringify({ _type: 'teleport', lat: 1, lon: 2, tst: NOW_S }), { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ _type: 'location', lat: 1, lon: 2 }), { qos: 1 });
    await client.publishAsync(topic, 'not json', { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ _type: 'location', lat: 95, lon: 2, tst: NOW_S }), { qos: 1 });
    expect(
      t.arc.metrics.get('intake_rejected{channel="owntracks",reason="owntracks_type_unknown"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      t.arc.metrics.get('intake_rejected{channel="owntracks",reason="owntracks_tst_missing"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(t.arc.metrics.get('intake_rejected{channel="owntracks",reason="payload_not_json"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(t.arc.metrics.get('intake_rejected{channel="location",reason="fix_invalid"}')).toBeGreaterThanOrEqual(1);
    expect(await fixesOf(phone.deviceId)).toEqual([]);
    expect(client.connected).toBe(true);
    const logged = t.logs.find(
      (l) =>
        l.msg === 'device message rejected' && l.deviceId === phone.deviceId && l.reason === 'owntracks_type_unknown',
    );
    expect(logged).toBeDefined();
  });

  it("a device cannot publish on another device's owntracks topic: its connection is closed, nothing stored for either", async () => {
    const mine = await provision();
    const theirs = await provision();
    const client = await ownTracksOverMqtt(mine);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(
      `owntracks/${theirs.deviceId}/phone`,
      JSON.stringify({ _type: 'location', lat: 1, lon: 2, tst: NOW_S }),
      { qos: 1 },
    );
    await closed;
    expect(await fixesOf(theirs.deviceId)).toEqual([]);
    expect(await fixesOf(mine.deviceId)).toEqual([]);
    expect(t.arc.metrics.get('mqtt_publish_refused')).toBeGreaterThanOrEqual(1);
  });

  it("OwnTracks may subscribe to its own cmd topic only: friends and other devices' cmd topics are refused", async () => {
    const phone = await provision();
    const other = await provision();
    const client = await ownTracksOverMqtt(phone);
    // SUBACK 0x80 for each refused one (mqtt.js turns a refused subscription into an error)
    const refused = await client
      .subscribeAsync(['owntracks/+/+', `owntracks/${other.deviceId}/phone/cmd`, `owntracks/${phone.deviceId}/+/cmd`], {
        qos: 1,
      })
      .then(
        () => null,
        (err) => err,
      );
    expect(refused?.packet?.granted).toEqual([128, 128, 128]);
    const granted = await client.subscribeAsync(`owntracks/${phone.deviceId}/phone/cmd`, { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    await client.publishAsync(
      `owntracks/${phone.deviceId}/phone`,
      JSON.stringify({ _type: 'location', lat: 1, lon: 2, tst: NOW_S }),
      { qos: 1 },
    );
    expect(await fixesOf(phone.deviceId)).toHaveLength(1);
  });

  it('the configuration subscribes OwnTracks to its cmd topic alone, with remote commands on', async () => {
    const phone = await provision();
    expect(phone.apps.ownTracks.mqtt.configuration).toMatchObject({
      sub: true,
      subTopic: `owntracks/${phone.deviceId}/phone/cmd`,
      cmd: true,
    });
  });

  it('locate reaches OwnTracks as reportLocation on its cmd topic and is delivered at its PUBACK; what OwnTracks cannot take stops waiting', async () => {
    const phone = await provision();
    await insertCommand(t.sql, phone.deviceId, {
      id: `c-recv-${phone.deviceId}`,
      type: 'alarm.received',
      eventId: 'e-1',
    });
    await insertCommand(t.sql, phone.deviceId, {
      id: `c-locate-${phone.deviceId}`,
      type: 'locate',
      everyS: 10,
      forS: 600,
    });
    await insertCommand(t.sql, phone.deviceId, {
      id: `c-msg-${phone.deviceId}`,
      type: 'message',
      text: 'Help is on the way',
    });
    const client = await ownTracksOverMqtt(phone);
    const received: [string, unknown][] = [];
    client.on('message', (topic, payload) => received.push([topic, JSON.parse(payload.toString())]));
    await client.subscribeAsync(`owntracks/${phone.deviceId}/phone/cmd`, { qos: 1 });
    const commandsOf = () => t.sql<{ type: string; delivered: boolean; undeliverable: string | null }[]>`
      select body->>'type' as type, delivered_at is not null as delivered, undeliverable from device_commands where device_id = ${phone.deviceId} order by seq`;
    await expect.poll(commandsOf).toEqual([
      { type: 'alarm.received', delivered: false, undeliverable: 'owntracks_cannot_take' },
      { type: 'locate', delivered: true, undeliverable: null },
      { type: 'message', delivered: false, undeliverable: 'owntracks_cannot_take' },
    ]);
    expect(received).toEqual([[`owntracks/${phone.deviceId}/phone/cmd`, { _type: 'cmd', action: 'reportLocation' }]]);
    // the app answers with a position, stored as any other
    await client.publishAsync(
      `owntracks/${phone.deviceId}/phone`,
      JSON.stringify({ _type: 'location', lat: 51.5, lon: -0.1, tst: NOW_S - 1, t: 'r' }),
      { qos: 1 },
    );
    expect(await fixesOf(phone.deviceId)).toHaveLength(1);
    // nothing is sent again on the next subscription
    await client.unsubscribeAsync(`owntracks/${phone.deviceId}/phone/cmd`);
    await client.subscribeAsync(`owntracks/${phone.deviceId}/phone/cmd`, { qos: 1 });
    await t.arc.idle();
    await client.publishAsync(`owntracks/${phone.deviceId}/phone`, JSON.stringify({ _type: 'lwt', tst: NOW_S }), {
      qos: 1,
    });
    expect(received).toHaveLength(1);
  });
});

describe('OwnTracks over HTTP', () => {
  const post = (phone: Provisioned | null, body: string, auth?: string) =>
    fetch(`${t.httpUrl}/owntracks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(phone && {
          authorization: auth ?? `Basic ${Buffer.from(`${phone.deviceId}:${phone.secret}`).toString('base64')}`,
        }),
        'x-limit-u': phone?.deviceId ?? '',
        'x-limit-d': 'phone',
      },
      body,
    });

  it('provisioning offers the HTTP configuration: this endpoint, Basic auth as the device', async () => {
    const phone = await provision();
    expect(phone.apps.ownTracks.http.configuration).toMatchObject({
      _type: 'configuration',
      mode: 3,
      url: phone.apps.ownTracks.http.url,
      username: phone.deviceId,
      password: phone.secret,
    });
    expect(phone.apps.ownTracks.http.url).toMatch(/\/owntracks$/);
  });

  it("a location POSTed with the device's credentials is stored before the 200; the answer is an empty command list", async () => {
    const phone = await provision();
    // verbatim, https://owntracks.org/booklet/features/traccar/ ("HTTP Payloads"), tst moved near the ARC's clock
    const response = await post(
      phone,
      JSON.stringify({ lon: 2.29513, lat: 48.85833, _type: 'location', tst: NOW_S - 60, tid: 'JJ' }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
    expect((await fixesOf(phone.deviceId)).map((f) => [Number(f.ts), f.lat, f.lon])).toEqual([
      [NOW - 60_000, 48.85833, 2.29513],
    ]);
  });

  it('a location OwnTracks posts again (its queue after a failed answer) is stored once', async () => {
    const phone = await provision();
    const body = JSON.stringify({ _type: 'location', lat: 51.51, lon: -0.13, tst: NOW_S - 90, acc: 10 });
    for (let i = 0; i < 3; i++) expect((await post(phone, body)).status).toBe(200);
    expect(
      (await post(phone, JSON.stringify({ _type: 'location', lat: 51.51, lon: -0.13, tst: NOW_S - 80 }))).status,
    ).toBe(200);
    expect((await fixesOf(phone.deviceId)).map((f) => Number(f.ts))).toEqual([NOW - 90_000, NOW - 80_000]);
  });

  it("a pending locate is answered with OwnTracks' reportLocation, once; what OwnTracks cannot take stops waiting", async () => {
    const phone = await provision();
    await insertCommand(t.sql, phone.deviceId, { id: 'c-locate-1', type: 'locate', everyS: 10, forS: 600 });
    await insertCommand(t.sql, phone.deviceId, { id: 'c-message-1', type: 'message', text: 'Help is on the way' });
    await insertCommand(t.sql, phone.deviceId, { id: 'c-locate-2', type: 'locate', everyS: 10, forS: 600 });
    const body = JSON.stringify({ _type: 'location', lat: 51.5, lon: -0.12, tst: NOW_S - 1 });
    expect(await (await post(phone, body)).json()).toEqual([{ _type: 'cmd', action: 'reportLocation' }]);
    expect(await (await post(phone, body)).json()).toEqual([]);
    const rows =
      await t.sql`select id, delivered_at is not null as delivered, undeliverable from device_commands where device_id = ${phone.deviceId} order by seq`;
    expect(rows).toEqual([
      { id: 'c-locate-1', delivered: true, undeliverable: null },
      { id: 'c-message-1', delivered: false, undeliverable: 'owntracks_cannot_take' },
      { id: 'c-locate-2', delivered: true, undeliverable: null },
    ]);
  });

  it('wrong or missing credentials are a 401 with a Basic challenge; nothing stored', async () => {
    const phone = await provision();
    const other = await provision();
    const body = JSON.stringify({ _type: 'location', lat: 1, lon: 2, tst: NOW_S });
    for (const auth of [
      `Basic ${Buffer.from(`${phone.deviceId}:wrong`).toString('base64')}`,
      `Basic ${Buffer.from(`${phone.deviceId}:${other.secret}`).toString('base64')}`,
      'Bearer x',
    ]) {
      const response = await post(phone, body, auth);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    expect((await post(null, body)).status).toBe(401);
    expect(await fixesOf(phone.deviceId)).toEqual([]);
  });

  it('bad input is a 400 with its reason; an empty POST (a deleted friend) is a 200 with nothing stored', async () => {
    const phone = await provision();
    for (const [body, reason] of [
      ['{"_type":"location"', 'payload_not_json'],
      [JSON.stringify({ _type: 'encrypted', data: 'x' }), 'owntracks_encrypted_not_supported'],
      [JSON.stringify({ _type: 'location', lat: 1, lon: 2, tst: 'now' }), 'owntracks_tst_missing'],
    ]) {
      const response = await post(phone, body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({
        code: 'ARC_ERR_DEVICE_MESSAGE_REJECTED',
        details: { reason },
      });
    }
    expect((await post(phone, '')).status).toBe(200);
    expect(await fixesOf(phone.deviceId)).toEqual([]);
  });
});

/** A request from a loopback address of the test's own (127.0.0.x), so each test has its own address bucket. */
function from(
  localAddress: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; retryAfter: string | undefined; body: any }>((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, localAddress }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body: text ? JSON.parse(text) : null,
        }),
      );
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe("wrong device credentials are throttled on the ARC's clock (per credential at an address, and per address)", () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const ownTracksPost = (address: string, user: string, password: string, tst = NOW_S - 5) =>
    from(address, `${t.httpUrl}/owntracks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(user, password) },
      body: JSON.stringify({ _type: 'location', lat: 51.5, lon: -0.1, tst }),
    });

  it('OwnTracks: a device id named with one wrong secret again and again waits (429 with its reason and Retry-After); its right secret, other devices, and the device elsewhere are not held', async () => {
    const phone = await provision();
    const other = await provision();
    const oldPhone = '127.0.0.11';
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await ownTracksPost(oldPhone, phone.deviceId, 'the-old-secret'));
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect(answers[4]).toMatchObject({
      status: 429,
      retryAfter: '1',
      body: {
        error: { code: 'ARC_ERR_DEVICE_AUTH_THROTTLED', details: { reason: 'credential_throttled', retryAfterS: 1 } },
      },
    });
    // held before it is checked
    expect(answers[5]).toMatchObject({ status: 429, body: { error: { details: { reason: 'credential_throttled' } } } });
    // the secret is part of what is held: the device's right secret from that same address (the
    // new phone at home, beside the old one) is taken, as are other devices and other addresses
    expect((await ownTracksPost(oldPhone, phone.deviceId, phone.secret, NOW_S - 6)).status).toBe(200);
    expect((await ownTracksPost(oldPhone, other.deviceId, other.secret)).status).toBe(200);
    expect((await ownTracksPost('127.0.0.12', phone.deviceId, phone.secret, NOW_S - 5)).status).toBe(200);
    // once the wait has passed on the ARC's clock, the old secret is checked again: wrong, and held longer
    clock = NOW + 1000;
    try {
      expect((await ownTracksPost(oldPhone, phone.deviceId, 'the-old-secret')).status).toBe(429);
    } finally {
      clock = NOW;
    }
    expect((await fixesOf(phone.deviceId)).map((f) => Number(f.ts))).toEqual([NOW - 6000, NOW - 5000]);
  });

  it('OsmAnd: an address trying many identifiers gets 429s; a right identifier from it still raises its SOS', async () => {
    const phone = await provision();
    const address = '127.0.0.13';
    const osmandFrom = (id: string, extra = '') =>
      from(address, `${t.addresses.osmand}/?id=${id}&lat=53.6&lon=-3.0&timestamp=${NOW_S - 3}${extra}`);
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 20; i++) statuses.push((last = await osmandFrom(`guess-${i}`)).status);
    expect(statuses.slice(0, 19).every((s) => s === 401)).toBe(true);
    expect(last).toMatchObject({
      status: 429,
      body: { error: { code: 'ARC_ERR_DEVICE_AUTH_THROTTLED', details: { reason: 'address_throttled' } } },
    });
    expect((await osmandFrom('guess-20')).status).toBe(429);
    // a phone behind the same shared address is not held by the others' mistakes
    expect((await osmandFrom(phone.apps.traccarClient.identifier, '&alarm=sos')).status).toBe(200);
    expect(await alarmsOf(phone.deviceId)).toEqual([{ type: 'sos', lat: 53.6 }]);
    // one wrong identifier sent again and again is held before it is looked up
    const repeats = [];
    for (let i = 0; i < 6; i++)
      repeats.push(
        (await from('127.0.0.14', `${t.addresses.osmand}/?id=old-token&lat=1&lon=2`)).body.error.details?.reason ??
          null,
      );
    expect(repeats).toEqual([null, null, null, null, 'credential_throttled', 'credential_throttled']);
  });
});
