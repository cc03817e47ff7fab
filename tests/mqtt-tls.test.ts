// MQTT over TLS when a certificate and key are configured (spec, "Connection": default 8883).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import selfsigned from 'selfsigned';
import { deviceTopic } from '../protocol/device-topics.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let dir: string;
let cert: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'arc-tls-'));
  const pems = selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    days: 1,
    keySize: 2048,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  cert = pems.cert;
  await writeFile(path.join(dir, 'cert.pem'), pems.cert);
  await writeFile(path.join(dir, 'key.pem'), pems.private);
  t = await startTestArc({
    ARC_TLS_CERT_FILE: path.join(dir, 'cert.pem'),
    ARC_TLS_KEY_FILE: path.join(dir, 'key.pem'),
    ARC_MQTTS_PORT: '0',
  });
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('MQTT over TLS', () => {
  it('a device that trusts the certificate connects and its SOS is stored; wrong credentials are still refused', async () => {
    expect(t.addresses.mqtts).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const { deviceId, secret } = await t.provisionDevice();
    const client = await mqtt.connectAsync(t.addresses.mqtts!, {
      clientId: deviceId,
      username: deviceId,
      password: secret,
      ca: cert,
      reconnectPeriod: 0,
    });
    await client.publishAsync(
      deviceTopic(deviceId, 'events'),
      JSON.stringify({ id: 'tls-1', ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );
    await client.endAsync();
    await t.arc.idle();
    const [alarm] = await t.sql`select type from alarms where device_id = ${deviceId}`;
    expect(alarm.type).toBe('sos');

    const refused = await mqtt
      .connectAsync(t.addresses.mqtts!, {
        clientId: deviceId,
        username: deviceId,
        password: 'wrong',
        ca: cert,
        reconnectPeriod: 0,
      })
      .then(
        (c) => (c.end(true), null),
        (err) => err,
      );
    expect(refused?.code).toBe(5);
  });
});
