// Issue 12, item 1: a page on another port of the same host (the same *site*, so SameSite=Strict
// does not help) in a browser holding an administrator's cookie must not accept alarms, rotate
// secrets or listen to the live feed. Each attack is replayed here with the headers a browser
// sends for it: the victim's cookie and the attacking page's Origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { io } from 'socket.io-client';
import { connect as connectMqtt } from 'mqtt';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { OPERATOR_NAMESPACE } from '../api/live/console-contract.js';
import { CARER_NAMESPACE, CARER_SOCKET_PATH } from '../api/live/carer-contract.js';
import { ADMIN, connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let cookie: string;
let attacker: string;
let own: string;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
  const login = await fetch(`${t.httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(t.httpUrl).origin },
    body: JSON.stringify(ADMIN),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0];
  own = new URL(t.httpUrl).origin;
  const url = new URL(t.httpUrl);
  url.port = String(Number(url.port) + 1);
  attacker = url.origin; // another port of the same host
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

async function raisedAlarm() {
  const credentials = await t.provisionDevice();
  const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
  devices.push(device);
  await device.connect();
  const sent = await device.sendEvent('sos');
  await t.arc.idle();
  const [row] =
    await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
  return { alarmId: row.alarmId as string, device, credentials };
}

/** What `fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include'})` sends from a page at `origin`. */
const noCorsPost = (path: string, origin: string | null, body: string | undefined = undefined) =>
  fetch(t.httpUrl + path, {
    method: 'POST',
    headers: {
      cookie,
      ...(origin && { origin }),
      ...(body !== undefined && { 'content-type': 'text/plain;charset=UTF-8' }),
    },
    body,
  });

describe('state-changing requests', () => {
  it('a no-cors POST from another port of the same host cannot accept an alarm', async () => {
    const { alarmId } = await raisedAlarm();
    const forged = await noCorsPost(`/api/alarms/${alarmId}/accept`, attacker);
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.code).toBe('ARC_ERR_ORIGIN_REFUSED');
    const [alarm] = await t.sql`select accepted_by from alarms where id = ${alarmId}`;
    expect(alarm.acceptedBy).toBeNull();
    // Nor with no Origin at all (a browser always sends one on a POST; a cookie alone is not enough).
    expect((await noCorsPost(`/api/alarms/${alarmId}/accept`, null)).status).toBe(403);
    // The console, from the ARC's own origin, still can.
    const mine = await fetch(`${t.httpUrl}/api/alarms/${alarmId}/accept`, {
      method: 'POST',
      headers: { cookie, origin: own },
    });
    expect(mine.status).toBe(200);
  });

  it('a no-cors POST from another port cannot rotate a device secret; the device stays connected with its own', async () => {
    const { device, credentials } = await raisedAlarm();
    const [before] = await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`;
    const forged = await noCorsPost(`/api/devices/${credentials.deviceId}/rotate-secret`, attacker, '{}');
    expect(forged.status).toBe(403);
    const [after] = await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`;
    expect(after.secretHash).toBe(before.secretHash);
    expect(t.arc.broker.isConnected(credentials.deviceId)).toBe(true);
    await device.sendEvent('checkin');
  });

  it("a body a form or a no-cors fetch can send is refused where JSON is expected, even from the ARC's own origin", async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await fetch(`${t.httpUrl}/api/wearers`, {
        method: 'POST',
        headers: { cookie, origin: own, 'content-type': type },
        body: '{"name":"Forged"}',
      });
      expect(response.status, type).toBe(415);
      expect((await response.json()).error.code).toBe('ARC_ERR_CONTENT_TYPE');
    }
    expect((await t.sql`select 1 from wearers where name = 'Forged'`).length).toBe(0);
  });

  it('scripts with a Bearer token need no Origin; a foreign Origin is refused whatever the credentials', async () => {
    expect((await t.api('POST', '/api/wearers', { name: 'By script' })).status).toBe(201);
    const foreign = await fetch(`${t.httpUrl}/api/wearers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, origin: attacker, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Foreign' }),
    });
    expect(foreign.status).toBe(403);
    // Reading is not changed: a GET with the cookie works from anywhere it is sent (CORS keeps the answer from a foreign page).
    expect((await fetch(`${t.httpUrl}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('a page cannot log a victim in (login CSRF): a login from a foreign origin is refused', async () => {
    const response = await fetch(`${t.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { origin: attacker, 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(response.status).toBe(403);
  });
});

describe('live feeds', () => {
  /** A raw WebSocket as the attacking page opens it, joining a namespace; resolves with what it got. */
  function rawJoin(
    namespace: string,
    path: string,
    origin: string | null,
  ): Promise<{ opened: boolean; frames: string[] }> {
    return new Promise((resolve) => {
      const frames: string[] = [];
      let opened = false;
      const ws = new WebSocket(`${t.httpUrl.replace('http', 'ws')}${path}/?EIO=4&transport=websocket`, {
        headers: { cookie, ...(origin && { origin }) },
      });
      ws.on('open', () => (opened = true));
      ws.on('message', (data) => {
        const text = String(data);
        frames.push(text);
        if (text.startsWith('0{')) ws.send(`40${namespace},`); // engine open → join the namespace
        if (text.startsWith(`40${namespace},{"sid"`) || text.startsWith(`44${namespace},`))
          setTimeout(() => ws.close(), 300);
      });
      ws.on('unexpected-response', () => resolve({ opened: false, frames }));
      ws.on('error', () => resolve({ opened, frames }));
      ws.on('close', () => resolve({ opened, frames }));
    });
  }

  it('a raw WebSocket with the cookie and a foreign Origin cannot join /operator', async () => {
    const foreign = await rawJoin(OPERATOR_NAMESPACE, '/socket.io', attacker);
    expect(foreign.opened).toBe(false);
    // Without an Origin the engine opens, but the namespace refuses a cookie-only handshake.
    const bare = await rawJoin(OPERATOR_NAMESPACE, '/socket.io', null);
    expect(
      bare.frames.some((f) => f.startsWith(`44${OPERATOR_NAMESPACE},`) && f.includes('ARC_ERR_ORIGIN_REFUSED')),
    ).toBe(true);
    expect(bare.frames.some((f) => f.startsWith(`40${OPERATOR_NAMESPACE},{"sid"`))).toBe(false);
    // The console's own origin joins.
    const mine = await rawJoin(OPERATOR_NAMESPACE, '/socket.io', own);
    expect(mine.frames.some((f) => f.startsWith(`40${OPERATOR_NAMESPACE},{"sid"`))).toBe(true);
  });

  it('the carer feed refuses a foreign Origin too', async () => {
    expect((await rawJoin(CARER_NAMESPACE, CARER_SOCKET_PATH, attacker)).opened).toBe(false);
  });

  it('a client with a token (no cookie) joins without an Origin; with a foreign Origin it is refused all the same', async () => {
    await connected(t.operatorSocket(t.adminToken));
    const socket = io(t.httpUrl + OPERATOR_NAMESPACE, {
      auth: { token: t.adminToken },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: attacker },
    });
    await expect(connected(socket)).rejects.toBeTruthy();
    socket.close();
  });
});

describe('MQTT over WebSocket', () => {
  it('the cookie grants nothing at /mqtt: a device still needs its id and secret', async () => {
    const credentials = await t.provisionDevice();
    const client = connectMqtt(t.mqttWebSocketUrl, {
      clientId: credentials.deviceId,
      username: credentials.deviceId,
      reconnectPeriod: 0,
      wsOptions: { headers: { cookie, origin: attacker } },
    });
    const outcome = await new Promise<string>((resolve) => {
      client.once('connect', () => resolve('connected'));
      client.once('error', (err) => resolve(String((err as { code?: number }).code ?? err.message)));
    });
    client.end(true);
    expect(outcome).not.toBe('connected');
  });
});
