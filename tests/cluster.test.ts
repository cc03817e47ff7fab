// Two ARC nodes on one PostgreSQL and one real Redis (cluster mode, ARC_REDIS_URL): what happens on
// one node reaches devices, consoles and carers on the other; one live connection per device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket as NetSocket } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { createArc, type Arc, type ArcAddresses } from '../api/arc-app.js';
import {
  OPERATOR_NAMESPACE,
  type OperatorClientEvents,
  type OperatorServerEvents,
} from '../api/live/console-contract.js';
import { io, type Socket } from 'socket.io-client';
import {
  connected,
  disconnection,
  nextEvent,
  startTestArc,
  type ApiResponse,
  type TestArc,
} from './support/test-arc.js';
import { carerSocket, type CarerSocket } from './support/carer-socket.js';
import { startTestRedis, type TestRedis } from './support/test-redis.js';

let redis: TestRedis;
/** Node A: the test ARC (its database, its admin). */
let a: TestArc;
/** Node B: a second ARC on the same database and the same Redis. */
let b: { arc: Arc; addresses: ArcAddresses };
const devices: SimulatedDevice[] = [];
const sockets: { close(): unknown }[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  a = await startTestArc({ ARC_REDIS_URL: redis.url });
  const arc = await createArc({ config: a.config, sql: a.sql, logger: pino({ level: 'silent' }), startTimers: false });
  b = { arc, addresses: await arc.listen() };
}, 60_000);
afterAll(async () => {
  for (const socket of sockets) socket.close();
  for (const device of devices) await device.close({ force: true });
  await b?.arc.close();
  await a?.close();
  await redis?.close();
});

async function apiB<T = any>(
  method: string,
  path: string,
  body?: unknown,
  token: string | null = a.adminToken,
): Promise<ApiResponse<T>> {
  const response = await fetch(b.addresses.http + path, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : text, headers: response.headers };
}

function operatorOn(httpUrl: string, token: string): Socket<OperatorServerEvents, OperatorClientEvents> {
  const socket = io(httpUrl + OPERATOR_NAMESPACE, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  return socket;
}

async function deviceOn(mqttUrl: string, credentials: { deviceId: string; secret: string }): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({
    ...credentials,
    url: mqttUrl,
    reconnect: false,
    position: { lat: 53.6458, lon: -3.0101, acc: 8 },
  });
  devices.push(device);
  await device.connect();
  return device;
}

/** Every command the device is sent, in order of arrival. */
function recordCommands(device: SimulatedDevice): { id: string; type: string; alarmId?: string }[] {
  const seen: { id: string; type: string; alarmId?: string }[] = [];
  device.on('command', (command: { id: string; type: string; alarmId?: string }) => seen.push(command));
  return seen;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const idle = () => Promise.all([a.arc.idle(), b.arc.idle()]);

describe('two nodes, one database, one Redis', () => {
  it('an SOS on A is seen, accepted and resolved on B; the device on A hears alarm.closed; a carer on B sees it', async () => {
    const wearer = await a.createWearer({ name: 'Alice Example' });
    const device = await deviceOn(a.mqttUrl, await a.provisionDevice({ wearerId: wearer.id }));
    const commands = recordCommands(device);
    const operator = await a.createUser('operator');
    const carer = await a.createUser('carer');
    expect((await a.api('POST', '/api/carer-links', { carerId: carer.id, wearerId: wearer.id })).status).toBe(201);
    const consoleOnB = operatorOn(b.addresses.http, operator.token);
    const consoleOnA = operatorOn(a.httpUrl, operator.token);
    const carerOnB: CarerSocket = carerSocket(b.addresses.http, carer.token);
    sockets.push(carerOnB);
    await Promise.all([connected(consoleOnB), connected(consoleOnA), connected(carerOnB as never)]);

    const raisedOnB = nextEvent(consoleOnB, 'alarm:raised');
    const raisedOnA = nextEvent(consoleOnA, 'alarm:raised');
    const carerHeard = new Promise<any>((resolve) => carerOnB.on('wearer:alarm', (push) => resolve(push)));
    const sent = await device.sendEvent('sos');
    const alarm = await raisedOnB;
    // Both nodes' consoles get the same alarm, once each, as the node that raised it pushed it.
    expect(alarm).toMatchObject({
      type: 'sos',
      deviceId: device.deviceId,
      wearerName: 'Alice Example',
      status: 'raised',
    });
    expect(await raisedOnA).toEqual(alarm);
    expect(await carerHeard).toMatchObject({ wearerId: wearer.id });
    await device.waitForCommand({ type: 'alarm.received', eventId: sent.id });

    const updatedOnA = new Promise<any>((resolve) =>
      consoleOnA.on('alarm:updated', (x) => x.id === alarm.id && x.status === 'accepted' && resolve(x)),
    );
    expect((await apiB('POST', `/api/alarms/${alarm.id}/accept`, undefined, operator.token)).status).toBe(200);
    expect(await updatedOnA).toMatchObject({ owner: { id: operator.id } });
    const resolved = await apiB(
      'POST',
      `/api/alarms/${alarm.id}/resolve`,
      { closureCode: 'false_accidental', note: 'pressed by mistake' },
      operator.token,
    );
    expect(resolved.status).toBe(200);
    // Queued on B, delivered by A, which holds the device's connection.
    await device.waitForCommand({ type: 'alarm.closed', alarmId: alarm.id } as never);
    await idle();
    await until(
      async () =>
        (
          await a.sql`select delivered_at from device_commands where device_id = ${device.deviceId} and body->>'type' = 'alarm.closed'`
        )[0]?.deliveredAt != null,
      'the delivery mark',
    );
    expect(commands.filter((c) => c.type === 'alarm.closed')).toHaveLength(1);

    // A console on B following the device sees the positions A stores.
    consoleOnB.emit('device:follow', device.deviceId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const moved = nextEvent(consoleOnB, 'device:moved');
    await device.sendFix({ ts: Date.now(), lat: 53.647, lon: -3.011, acc: 9 });
    expect(await moved).toMatchObject({ deviceId: device.deviceId, position: { lat: 53.647, lon: -3.011 } });
  });

  it('the same device connecting to B ends its connection on A; commands queued while it moved arrive once', async () => {
    const credentials = await a.provisionDevice();
    const onA = await deviceOn(a.mqttUrl, credentials);
    const operator = await a.createUser('operator');
    const first = await onA.sendEvent('sos');
    await onA.waitForCommand({ type: 'alarm.received', eventId: first.id });
    const [{ id: alarmId }] = await a.sql<
      { id: string }[]
    >`select id from alarms where device_id = ${credentials.deviceId}`;
    expect(a.arc.broker.isConnected(credentials.deviceId)).toBe(true);

    const aClosed = disconnection({ once: (_e, listener) => onA.once('close', () => listener('closed')) }, 10_000);
    // While it moves: accepted and resolved, the alarm.closed command waits in PostgreSQL.
    expect((await a.api('POST', `/api/alarms/${alarmId}/accept`, undefined, operator.token)).status).toBe(200);
    const onB = new SimulatedDevice({ ...credentials, url: b.addresses.mqtt, reconnect: false });
    devices.push(onB);
    const onBCommands = recordCommands(onB);
    const resolving = a.api(
      'POST',
      `/api/alarms/${alarmId}/resolve`,
      { closureCode: 'false_accidental', note: 'moved node' },
      operator.token,
    );
    await onB.connect();
    expect((await resolving).status).toBe(200);
    await aClosed;
    await until(() => !a.arc.broker.isConnected(credentials.deviceId), 'A to let go of the device');
    expect(b.arc.broker.isConnected(credentials.deviceId)).toBe(true);

    await onB.waitForCommand({ type: 'alarm.closed', alarmId } as never);
    // Queued on A after the move: reaches the device on B through the notice to B.
    const second = await onB.sendEvent('sos');
    await onB.waitForCommand({ type: 'alarm.received', eventId: second.id });
    await idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = onBCommands.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(onBCommands.filter((c) => c.type === 'alarm.closed')).toHaveLength(1);
  });

  it('B shows a device on A as connected; disabled through B, it is dropped on A', async () => {
    const credentials = await a.provisionDevice();
    const device = await deviceOn(a.mqttUrl, credentials);
    // B's devices view says it is connected (to A).
    expect((await apiB('GET', `/api/devices/${credentials.deviceId}`)).body).toMatchObject({
      device: { connected: true },
    });
    expect(
      (await apiB('GET', '/api/devices')).body.devices.find((d: { id: string }) => d.id === credentials.deviceId),
    ).toMatchObject({ connected: true });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    expect((await apiB('PATCH', `/api/devices/${credentials.deviceId}`, { enabled: false })).status).toBe(200);
    await closed;
    await until(() => !a.arc.broker.isConnected(credentials.deviceId), 'A to drop the disabled device');
    expect((await apiB('GET', `/api/devices/${credentials.deviceId}`)).body).toMatchObject({
      device: { connected: false },
    });
  });

  it('who is on shift counts consoles on every node; a log-out on B closes the console on A', async () => {
    const olga = await a.createUser('operator');
    const omar = await a.createUser('operator');
    const supervisor = await a.createUser('supervisor');
    const olgaOnA = operatorOn(a.httpUrl, olga.token);
    const omarOnB = operatorOn(b.addresses.http, omar.token);
    const olgaOnB = operatorOn(b.addresses.http, olga.token);
    await Promise.all([connected(olgaOnA), connected(omarOnB), connected(olgaOnB)]);
    const onConsole = async () =>
      (await apiB('GET', '/api/staff/on-console', undefined, supervisor.token)).body.onConsole as {
        userId: string;
        consoles: number;
      }[];
    const seen = await onConsole();
    expect(seen.find((p) => p.userId === olga.id)?.consoles).toBe(2);
    expect(seen.find((p) => p.userId === omar.id)?.consoles).toBe(1);
    expect((await a.api('GET', '/api/staff/on-console', undefined, supervisor.token)).body.onConsole).toEqual(
      expect.arrayContaining(seen),
    );

    // Omar logs out through B with the token his console on B uses... and Olga's session is
    // ended through A by an administrator: both close wherever the sockets are.
    const omarGone = disconnection(omarOnB);
    expect((await apiB('POST', '/api/auth/logout', undefined, omar.token)).status).toBeLessThan(300);
    await omarGone;
    const olgaGoneA = disconnection(olgaOnA);
    const olgaGoneB = disconnection(olgaOnB);
    expect((await apiB('PATCH', `/api/users/${olga.id}`, { disabled: true })).status).toBe(200);
    await Promise.all([olgaGoneA, olgaGoneB]);
  });

  it('a zone drawn through B takes effect at once for a device on A', async () => {
    const wearer = await a.createWearer({ name: 'Zoe Zone', profile: 'domestic_abuse' });
    const device = await deviceOn(a.mqttUrl, await a.provisionDevice({ wearerId: wearer.id }));
    // A learns (and caches) that this device has no zones.
    await device.sendFix({ ts: Date.now() - 10_000, lat: 53.66, lon: -3.0, acc: 10 });
    await idle();
    const zone = await apiB('POST', `/api/wearers/${wearer.id}/geofences`, {
      name: "Perpetrator's street",
      kind: 'exclusion',
      shape: { type: 'circle', lat: 53.65, lon: -3.0, radiusM: 300 },
    });
    expect(zone.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the notice crosses Redis
    await device.sendFix({ ts: Date.now(), lat: 53.6502, lon: -3.0001, acc: 10 });
    await idle();
    const [alarm] = await a.sql`select type from alarms where device_id = ${device.deviceId}`;
    expect(alarm).toMatchObject({ type: 'geofence.entered' });
  });

  it("a log-out on B closes the same session's console on A at once", async () => {
    const operator = await a.createUser('operator');
    const onA = operatorOn(a.httpUrl, operator.token);
    await connected(onA);
    const gone = disconnection(onA, 3000);
    expect((await apiB('POST', '/api/auth/logout', undefined, operator.token)).status).toBeLessThan(300);
    await gone;
  });
});

const ROOT = path.resolve(import.meta.dirname, '..');

/** A third node in a process of its own, as `npm start` runs it, so that it can be killed -9. */
function startNodeProcess(): Promise<{ child: ChildProcess; mqttPort: number; exited: Promise<unknown> }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARC_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      DATABASE_URL: a.config.DATABASE_URL!,
      ARC_REDIS_URL: redis.url,
      ARC_HOST: '127.0.0.1',
      ARC_HTTP_PORT: '0',
      ARC_MQTT_PORT: '0',
      ARC_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const entry = JSON.parse(line);
        if (String(entry.msg).startsWith('ARC ready'))
          resolve({ child, mqttPort: Number(new URL(entry.mqtt).port), exited });
      }
    });
    void exited.then((code) => reject(new Error(`node C exited (${code}) before it was ready:\n${stderr}`)));
  });
}

/** The load balancer in front of the nodes, for MQTT: one address, the target changes when a node dies. */
function mqttBalancer(): Promise<{ url: string; target: number; server: Server; cut(): void }> {
  const open = new Set<NetSocket>();
  const balancer = {
    url: '',
    target: 0,
    server: null as unknown as Server,
    cut: () => open.forEach((s) => s.destroy()),
  };
  balancer.server = createServer((device) => {
    const node = connect(balancer.target, '127.0.0.1');
    for (const [from, to] of [
      [device, node],
      [node, device],
    ]) {
      open.add(from);
      from.on('close', () => (open.delete(from), to.destroy()));
      from.on('error', () => to.destroy());
      from.pipe(to);
    }
  });
  return new Promise((resolve) =>
    balancer.server.listen(0, '127.0.0.1', () => {
      balancer.url = `mqtt://127.0.0.1:${(balancer.server.address() as { port: number }).port}`;
      resolve(balancer);
    }),
  );
}

describe('a node killed (-9) during an alarm storm', () => {
  it('its devices reconnect to B by themselves; no acknowledged event lost, no alarm twice, every alarm on B', async () => {
    const c = await startNodeProcess();
    const balancer = await mqttBalancer();
    balancer.target = c.mqttPort;
    try {
      // B's console stays connected through C's death; it is told to reload what C may not have pushed.
      await until(() => b.arc.cluster!.peers().length >= 2, 'B to see A and C beating');
      const consoleOnB = operatorOn(b.addresses.http, a.adminToken);
      await connected(consoleOnB);
      const reload = disconnection(consoleOnB, 10_000);
      const fleet = await Promise.all(Array.from({ length: 12 }, () => a.provisionDevice()));
      const moving = await Promise.all(
        fleet.map(async (credentials) => {
          const device = new SimulatedDevice({
            ...credentials,
            url: balancer.url,
            reconnect: { minMs: 100, maxMs: 400 },
            retryRefusedReconnects: true,
          });
          devices.push(device);
          await device.connect();
          return device;
        }),
      );
      const acked: string[] = [];
      // C dies the moment its third SOS acknowledgement arrives, so the rest of the storm is still
      // on the way (waiting for it with a poll let a quick C acknowledge all twelve first).
      let ackedOnC = -1;
      const killC = () => {
        balancer.target = Number(new URL(b.addresses.mqtt).port);
        ackedOnC = acked.length;
        c.child.kill('SIGKILL');
      };
      const storm = moving.flatMap((device) => [
        device.sendEvent('sos').then((sent) => {
          acked.push(sent.id);
          if (acked.length === 3) killC();
        }),
        ...Array.from({ length: 5 }, (_, i) =>
          device.sendFix({ ts: Date.now() + i, lat: 53.6 + i / 1000, lon: -3.01, acc: 10 }),
        ),
      ]);
      // Some of the storm is stored and acknowledged on C, the rest is on the way, then C dies.
      await c.exited;
      await reload;
      expect(ackedOnC).toBeLessThan(fleet.length); // else nothing was on the way: the test proves less
      balancer.cut();
      await Promise.all(storm);
      expect(acked).toHaveLength(fleet.length);
      await until(() => fleet.every((d) => b.arc.broker.isConnected(d.deviceId)), 'every device on B');
      await idle();

      const ids = fleet.map((d) => d.deviceId);
      const events = await a.sql<
        { eventKey: string }[]
      >`select event_key from events where device_id = any(${ids}) and type = 'sos'`;
      // Every acknowledged SOS stored, once.
      expect(events.map((e) => e.eventKey).sort()).toEqual([...acked].sort());
      const alarms = await a.sql<
        { deviceId: string; n: number }[]
      >`select device_id, count(*)::int as n from alarms where device_id = any(${ids}) group by device_id`;
      expect(alarms).toHaveLength(fleet.length);
      expect(alarms.every((x) => x.n === 1)).toBe(true);
      // Every one of them is in B's console queue (the snapshot a console loads when it connects).
      const queue = await apiB('GET', '/api/alarms');
      expect(queue.body.alarms.map((x: { deviceId: string }) => x.deviceId)).toEqual(expect.arrayContaining(ids));
    } finally {
      c.child.kill('SIGKILL');
      balancer.cut();
      balancer.server.close();
    }
  }, 60_000);
});

describe('Redis down', () => {
  it('devices keep raising alarms into PostgreSQL and are acknowledged; readiness says Redis is down; consoles reload when it is back', async () => {
    const credentials = await a.provisionDevice();
    const device = await deviceOn(a.mqttUrl, credentials);
    const consoleOnB = operatorOn(b.addresses.http, a.adminToken);
    await connected(consoleOnB);
    const before = await device.sendEvent('sos');
    await device.waitForCommand({ type: 'alarm.received', eventId: before.id });
    const [{ id: alarmId }] = await a.sql<
      { id: string }[]
    >`select id from alarms where device_id = ${credentials.deviceId}`;
    expect((await apiB('POST', `/api/alarms/${alarmId}/accept`)).status).toBe(200);
    expect((await apiB('GET', '/health/ready', undefined, null)).body).toEqual({
      status: 'ready',
      database: 'up',
      redis: 'up',
    });

    await redis.stop();
    await until(() => !a.arc.cluster!.ready(), 'A to notice Redis is gone');
    const ready = await a.api('GET', '/health/ready', undefined, null);
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not ready', database: 'up', redis: 'down' });

    // Stored, then acknowledged: the PUBACK comes while Redis is down.
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await device.sendEvent(i === 0 ? 'sos' : 'fall')).id);
    const stored = await a.sql<
      { id: string }[]
    >`select event_key as id from events where device_id = ${credentials.deviceId}`;
    expect(stored.map((e) => e.id).sort()).toEqual([before.id, ...sent].sort());
    // Resolved through B: the command is stored; the notice to A cannot go while Redis is away.
    expect(
      (await apiB('POST', `/api/alarms/${alarmId}/resolve`, { closureCode: 'false_accidental', note: 'Redis down' }))
        .status,
    ).toBe(200);
    // A device that connects now can still raise an alarm.
    const late = await a.provisionDevice();
    const lateDevice = await deviceOn(a.mqttUrl, late);
    const lateEvent = await lateDevice.sendEvent('sos');
    expect((await a.sql`select 1 from events where event_key = ${lateEvent.id}`).length).toBe(1);
    // Commands to a device on the node that decided them do not need Redis: the wearer hears "help knows".
    await lateDevice.waitForCommand({ type: 'alarm.received', eventId: lateEvent.id });
    // A device that drops and reconnects to the same node is not held up either.
    await lateDevice.close({ force: true });
    const again = await deviceOn(a.mqttUrl, late);
    const afterReconnect = await again.sendEvent('fall');
    await again.waitForCommand({ type: 'alarm.received', eventId: afterReconnect.id });

    // Back: the console on B, which missed A's pushes, is closed so that it reloads its snapshot.
    const reload = disconnection(consoleOnB, 15_000);
    await redis.start();
    await reload;
    await until(
      async () => (await a.api('GET', '/health/ready', undefined, null)).status === 200,
      'A ready again',
      15_000,
    );
    // The command queued on B while Redis was away reaches the device on A once Redis is back.
    await device.waitForCommand({ type: 'alarm.closed', alarmId } as never, 15_000);
    const snapshot = await apiB('GET', '/api/alarms');
    expect(snapshot.body.alarms.map((x: { deviceId: string }) => x.deviceId)).toEqual(
      expect.arrayContaining([credentials.deviceId, late.deviceId]),
    );
  }, 60_000);

  it('a node that starts while Redis is unreachable serves its devices and says it is not ready', async () => {
    const unreachable = `redis://127.0.0.1:${Number(new URL(redis.url).port) + 1}`;
    const lonely = await createArc({
      config: { ...a.config, ARC_REDIS_URL: unreachable },
      sql: a.sql,
      logger: pino({ level: 'silent' }),
      startTimers: false,
    });
    try {
      const addresses = await lonely.listen();
      const device = await deviceOn(addresses.mqtt, await a.provisionDevice());
      const sent = await device.sendEvent('sos');
      expect((await a.sql`select 1 from events where event_key = ${sent.id}`).length).toBe(1);
      await device.waitForCommand({ type: 'alarm.received', eventId: sent.id });
      const ready = await fetch(`${addresses.http}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ database: 'up', redis: 'down' });
      await device.close({ force: true });
    } finally {
      await lonely.close();
    }
  }, 30_000);

  it('stopped and started under load: every acknowledged event is stored, on both nodes', async () => {
    const fleet = await Promise.all(Array.from({ length: 8 }, () => a.provisionDevice()));
    const connectedFleet = await Promise.all(
      fleet.map((credentials, i) => deviceOn(i % 2 ? b.addresses.mqtt : a.mqttUrl, credentials)),
    );
    const acked: string[] = [];
    let running = true;
    const load = connectedFleet.map(async (device) => {
      while (running) acked.push((await device.sendEvent('fall')).id);
    });
    await until(() => acked.length >= 16, 'load before the outage');
    await redis.stop();
    const duringStart = acked.length;
    await until(() => acked.length >= duringStart + 16, 'acknowledgements while Redis is down');
    await redis.start();
    await until(() => a.arc.cluster!.ready() && b.arc.cluster!.ready(), 'both nodes back on Redis', 15_000);
    const afterStart = acked.length;
    await until(() => acked.length >= afterStart + 16, 'acknowledgements after Redis is back');
    running = false;
    await Promise.all(load);
    await idle();
    const ids = fleet.map((d) => d.deviceId);
    const stored = await a.sql<{ eventKey: string }[]>`select event_key from events where device_id = any(${ids})`;
    expect(new Set(stored.map((e) => e.eventKey))).toEqual(new Set(acked));
  }, 60_000);
});
