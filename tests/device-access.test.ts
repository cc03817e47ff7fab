// Spec "Connection" and guarantee 3: only a device's own credentials, its own topics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import mqtt from 'mqtt';
import { DEVICE_ADDRESS, DEVICE_AT_ADDRESS } from '../api/auth/device-auth-throttle.js';
import { hashSecret, verifySecret } from '../api/auth/secret-hash.js';
import { ConnectRefusedError, SimulatedDevice } from '../device-sim/simulated-device.js';
import { deviceTopic } from '../protocol/device-topics.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

function device(options: ConstructorParameters<typeof SimulatedDevice>[0]) {
  const d = new SimulatedDevice({ reconnect: false, ...options });
  devices.push(d);
  return d;
}

async function refusal(d: SimulatedDevice): Promise<number> {
  const error = await d.connect().then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(ConnectRefusedError);
  return (error as ConnectRefusedError).returnCode;
}

describe('who may connect', () => {
  it('refuses a wrong secret, an unknown device, a client id that is not the username, and a disabled device with "not authorized"', async () => {
    const a = await t.provisionDevice();
    expect(await refusal(device({ deviceId: a.deviceId, secret: 'not-the-secret', url: t.mqttUrl }))).toBe(5);
    expect(await refusal(device({ deviceId: 'nobody-knows-me', secret: a.secret, url: t.mqttUrl }))).toBe(5);
    expect(
      await refusal(device({ deviceId: a.deviceId, secret: a.secret, url: t.mqttUrl, clientId: `${a.deviceId}-x` })),
    ).toBe(5);

    const disabled = await t.provisionDevice();
    expect((await t.api('PATCH', `/api/devices/${disabled.deviceId}`, { enabled: false })).status).toBe(200);
    expect(await refusal(device({ deviceId: disabled.deviceId, secret: disabled.secret, url: t.mqttUrl }))).toBe(5);
    expect(t.arc.metrics.get('mqtt_connect_refused{reason="bad_credentials"}')).toBeGreaterThanOrEqual(3);
  });

  it('accepts a 64-character device id over MQTT 3.1 and 3.1.1, and over WebSocket at /mqtt', async () => {
    const long = await t.provisionDevice({ id: 'L'.repeat(64) });
    const v31 = device({ ...long, url: t.mqttUrl, protocolVersion: 3 });
    await v31.connect();
    await v31.sendEvent('checkin');
    await v31.close();
    const ws = device({ ...(await t.provisionDevice()), url: t.mqttWebSocketUrl });
    await ws.connect();
    const sent = await ws.sendEvent('test');
    expect((await ws.waitForCommand({ eventId: sent.id })).type).toBe('alarm.received');
  });

  it('a device that connected once is still refused with a wrong secret, and refused once disabled', async () => {
    const credentials = await t.provisionDevice();
    const good = device({ ...credentials, url: t.mqttUrl });
    await good.connect();
    await good.close();
    expect(
      await refusal(device({ deviceId: credentials.deviceId, secret: credentials.secret + 'x', url: t.mqttUrl })),
    ).toBe(5);
    const again = device({ ...credentials, url: t.mqttUrl });
    await again.connect();
    await again.close();
    await t.api('PATCH', `/api/devices/${credentials.deviceId}`, { enabled: false });
    expect(await refusal(device({ ...credentials, url: t.mqttUrl }))).toBe(5);
  });

  it('stores a device secret under SHA-256 (spec, "Connection"), never the secret itself', async () => {
    const credentials = await t.provisionDevice();
    const [row] = await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`;
    expect(row.secretHash).toBe(`sha256$${createHash('sha256').update(credentials.secret).digest('base64url')}`);
    expect(row.secretHash).not.toContain(credentials.secret);
  });

  it("a secret still under an earlier version's scrypt hash is checked once the slow way and rehashed at that connect", async () => {
    const credentials = await t.provisionDevice();
    const legacy = await hashSecret(credentials.secret);
    await t.sql`update devices set secret_hash = ${legacy} where id = ${credentials.deviceId}`;
    expect(
      await refusal(device({ deviceId: credentials.deviceId, secret: credentials.secret + 'x', url: t.mqttUrl })),
    ).toBe(5);
    expect((await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`)[0].secretHash).toBe(
      legacy,
    );

    const d = device({ ...credentials, url: t.mqttUrl });
    await d.connect();
    await d.close();
    const [row] = await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`;
    expect(row.secretHash).toMatch(/^sha256\$/);
    expect(await verifySecret(credentials.secret, row.secretHash)).toBe(true);
    const again = device({ ...credentials, url: t.mqttUrl });
    await again.connect();
    await again.close();
  });

  it('refuses MQTT 5 with "unacceptable protocol version"', async () => {
    const credentials = await t.provisionDevice();
    expect(await refusal(device({ ...credentials, url: t.mqttUrl, protocolVersion: 5 }))).toBe(1);
  });

  it('drops a connected device when it is disabled or its secret is rotated', async () => {
    const credentials = await t.provisionDevice();
    const d = device({ ...credentials, url: t.mqttUrl });
    await d.connect();
    const rotated = await t.api('POST', `/api/devices/${credentials.deviceId}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(credentials.secret);
    await expect.poll(() => d.connected).toBe(false);
    expect(await refusal(device({ ...credentials, url: t.mqttUrl }))).toBe(5);
    const fresh = device({ deviceId: credentials.deviceId, secret: rotated.body.secret, url: t.mqttUrl });
    await fresh.connect();
  });
});

describe('which topics', () => {
  it('a device cannot publish as another device: its connection is closed, nothing is stored, the other is unaffected', async () => {
    const victim = await t.provisionDevice();
    const intruder = await t.provisionDevice();
    const good = device({ ...victim, url: t.mqttUrl });
    await good.connect();
    const bad = device({ ...intruder, url: t.mqttUrl });
    await bad.connect();

    const forged = JSON.stringify({ id: randomUUID(), ts: Date.now(), type: 'sos' });
    await bad.publishRaw(deviceTopic(victim.deviceId, 'events'), forged, 1).catch(() => {});
    await expect.poll(() => bad.connected).toBe(false);
    const wildcard = device({ ...intruder, url: t.mqttUrl });
    await wildcard.connect();
    void wildcard.publishRaw('arc/v1/devices/+/events', forged, 0).catch(() => {});
    await expect.poll(() => wildcard.connected).toBe(false);

    const sent = await good.sendEvent('checkin');
    await t.arc.idle();
    const events =
      await t.sql`select event_key, device_id from events where device_id in (${victim.deviceId}, ${intruder.deviceId})`;
    expect(events.map((e) => e.eventKey)).toEqual([sent.id]);
    expect(t.arc.metrics.get('mqtt_publish_refused')).toBeGreaterThanOrEqual(1);
  });

  it('what a device publishes is stored and reaches no other client; its commands still reach it', async () => {
    // The broker hands device messages to the intake and routes nothing else of them (issue 5).
    const sender = device({ ...(await t.provisionDevice()), url: t.mqttUrl });
    const listener = device({ ...(await t.provisionDevice()), url: t.mqttUrl });
    await sender.connect();
    await listener.connect();
    // An hour old, so the event's own position (stored as a fix at its ts) is told apart.
    const ts = Date.now() - 3_600_000;
    await sender.sendFix({ ts, lat: 53.6, lon: -3 });
    await sender.publishRaw(
      deviceTopic(sender.deviceId, 'location'),
      JSON.stringify({ ts: ts + 1, lat: 53.6, lon: -3 }),
      0,
    );
    await sender.sendStatus();
    const sent = await sender.sendEvent('test');
    await sender.waitForCommand({ eventId: sent.id });
    await t.arc.idle();
    await expect
      .poll(
        async () =>
          (
            await t.sql`select count(*)::int as n from fixes where device_id = ${sender.deviceId} and ts in (${ts}, ${ts + 1})`
          )[0].n,
      )
      .toBe(2);
    expect(sender.strayMessages).toEqual([]);
    expect(listener.strayMessages).toEqual([]);
    expect(listener.commands).toEqual([]);
  });

  it('publishing to its own commands topic or an unknown channel is refused', async () => {
    const credentials = await t.provisionDevice();
    for (const topic of [
      deviceTopic(credentials.deviceId, 'commands'),
      `arc/v1/devices/${credentials.deviceId}/secrets`,
    ]) {
      const d = device({ ...credentials, url: t.mqttUrl });
      await d.connect();
      await d.publishRaw(topic, JSON.stringify({ ts: Date.now() }), 1).catch(() => {});
      await expect.poll(() => d.connected).toBe(false);
    }
  });

  it('subscribing to #, to another device commands or to its own events gets SUBACK 0x80; its own commands topic is granted', async () => {
    const mine = await t.provisionDevice();
    const other = await t.provisionDevice();
    const d = device({ ...mine, url: t.mqttUrl });
    await d.connect();
    expect(await d.subscribeRaw('#')).toEqual([128]);
    expect(await d.subscribeRaw('arc/v1/devices/+/commands')).toEqual([128]);
    expect(await d.subscribeRaw(deviceTopic(other.deviceId, 'commands'))).toEqual([128]);
    expect(await d.subscribeRaw(deviceTopic(mine.deviceId, 'events'))).toEqual([128]);
    expect(await d.subscribeRaw(deviceTopic(mine.deviceId, 'commands'))).toEqual([1]);
    expect(d.connected).toBe(true);

    // The other device's commands never reach this one.
    const o = device({ ...other, url: t.mqttUrl });
    await o.connect();
    const sent = await o.sendEvent('test');
    await o.waitForCommand({ eventId: sent.id });
    expect(d.commands.find((c) => c.eventId === sent.id)).toBeUndefined();
    expect(d.strayMessages).toEqual([]);
    expect(t.arc.metrics.get('mqtt_subscribe_refused')).toBeGreaterThanOrEqual(4);
  });
});

describe("wrong credentials at CONNECT are throttled on the ARC's clock, as at the HTTP doors", () => {
  // Its own ARC, with a clock the test moves, and connections from chosen local addresses
  // (127.0.0.x), each a real MQTT client over TCP.
  const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
  let clock = NOW;
  let c: TestArc;
  beforeAll(async () => {
    c = await startTestArc({}, { now: () => new Date(clock) });
  });
  afterAll(async () => {
    await c?.close();
  });

  /** CONNECT as deviceId with secret from a local address: the CONNACK return code (0 = accepted), and the client if accepted. */
  function connectFrom(
    localAddress: string,
    deviceId: string,
    secret: string,
  ): Promise<{ code: number; client: mqtt.MqttClient }> {
    const port = Number(new URL(c.mqttUrl).port);
    const client = new mqtt.MqttClient(() => createConnection({ host: '127.0.0.1', port, localAddress }), {
      clientId: deviceId,
      username: deviceId,
      password: secret,
      protocolVersion: 4,
      reconnectPeriod: 0,
      clean: true,
    } as mqtt.IClientOptions);
    return new Promise((resolve) => {
      client.once('connect', () => resolve({ code: 0, client }));
      client.once('error', (err) => {
        client.end(true);
        resolve({ code: (err as { code?: number }).code ?? -1, client });
      });
    });
  }
  const codeFrom = async (localAddress: string, deviceId: string, secret: string) => {
    const { code, client } = await connectFrom(localAddress, deviceId, secret);
    if (code === 0) await client.endAsync();
    return code;
  };
  const refused = (reason: string) => c.arc.metrics.get(`mqtt_connect_refused{reason="${reason}"}`) ?? 0;
  /** Refusals logged as warnings: those decided after the credential was checked (a held one is debug). */
  const checkedRefusals = (deviceId: string) =>
    c.logs.filter((l) => l.msg === 'device connection refused' && l.username === deviceId).length;

  it('an old phone left running with an old secret is held at its address ("server unavailable", not looked up); the new phone there, with the right secret, is not', async () => {
    const phone = await c.provisionDevice();
    const home = '127.0.0.21';
    const codes = [];
    for (let i = 0; i < DEVICE_AT_ADDRESS.free; i++) codes.push(await codeFrom(home, phone.deviceId, 'the-old-secret'));
    // a handful of "not authorized", then "server unavailable" (MQTT 3.1.1's "server busy": try later)
    expect(codes).toEqual([5, 5, 5, 5, 3]);
    const checked = checkedRefusals(phone.deviceId);
    expect(checked).toBe(5);
    expect(await codeFrom(home, phone.deviceId, 'the-old-secret')).toBe(3);
    expect(checkedRefusals(phone.deviceId)).toBe(checked); // refused before it was looked up
    expect(refused('credential_throttled')).toBeGreaterThanOrEqual(2);
    // the device's right secret from the same address is checked and taken, and an SOS goes through
    const { code, client } = await connectFrom(home, phone.deviceId, phone.secret);
    expect(code).toBe(0);
    const sos = { id: randomUUID(), ts: NOW - 1000, type: 'sos', lat: 51.5, lon: -0.1 };
    await client.publishAsync(deviceTopic(phone.deviceId, 'events'), JSON.stringify(sos), { qos: 1 });
    expect(await c.sql`select type from alarms where device_id = ${phone.deviceId}`).toEqual([{ type: 'sos' }]);
    await client.endAsync();
    // once the wait has passed on the ARC's clock, the old secret is checked again (wrong, and held longer)
    clock = NOW + DEVICE_AT_ADDRESS.maxWaitMs;
    try {
      expect(await codeFrom(home, phone.deviceId, 'the-old-secret')).toBe(3);
      expect(checkedRefusals(phone.deviceId)).toBe(checked + 1);
    } finally {
      clock = NOW;
    }
  });

  it('an address failing with many device ids gets "server unavailable" for wrong ones; a right secret from it still connects; other addresses are not held', async () => {
    const phone = await c.provisionDevice();
    const carrier = '127.0.0.22';
    const codes = [];
    for (let i = 0; i < DEVICE_ADDRESS.free; i++) codes.push(await codeFrom(carrier, `unknown-${i}`, 'guess'));
    expect(codes.slice(0, -1).every((code) => code === 5)).toBe(true);
    expect(codes.at(-1)).toBe(3);
    expect(refused('address_throttled')).toBeGreaterThanOrEqual(1);
    expect(await codeFrom(carrier, 'unknown-x', 'guess')).toBe(3);
    expect(await codeFrom(carrier, phone.deviceId, phone.secret)).toBe(0);
    expect(await codeFrom('127.0.0.23', 'unknown-y', 'guess')).toBe(5);
  });

  it('over WebSocket (/mqtt) the address is the peer of the upgraded request: held the same way', async () => {
    const phone = await c.provisionDevice();
    const overWebSocket = (secret: string) =>
      new Promise<number>((resolve) => {
        const client = mqtt.connect(c.mqttWebSocketUrl, {
          clientId: phone.deviceId,
          username: phone.deviceId,
          password: secret,
          reconnectPeriod: 0,
          protocolVersion: 4,
        });
        client.once('connect', () => client.end(true, () => resolve(0)));
        client.once('error', (err) => {
          client.end(true);
          resolve((err as { code?: number }).code ?? -1);
        });
      });
    const codes = [];
    for (let i = 0; i < DEVICE_AT_ADDRESS.free + 1; i++) codes.push(await overWebSocket('the-old-secret'));
    expect(codes).toEqual([5, 5, 5, 5, 3, 3]);
    expect(await overWebSocket(phone.secret)).toBe(0);
    expect(
      c.logs.some(
        (l) => l.msg === 'device connection refused' && l.username === phone.deviceId && l.address === '127.0.0.1',
      ),
    ).toBe(true);
  });

  it('malformed credentials (client id not the username, no secret) count as wrong ones', async () => {
    const phone = await c.provisionDevice();
    const address = '127.0.0.24';
    const codes = [];
    for (let i = 0; i < DEVICE_AT_ADDRESS.free; i++) codes.push(await codeFrom(address, phone.deviceId, ''));
    expect(codes).toEqual([5, 5, 5, 5, 3]);
    expect(await codeFrom(address, phone.deviceId, phone.secret)).toBe(0);
  });
});
