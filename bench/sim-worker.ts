// One simulator process of the bench: thousands of SimulatedDevices (device-sim/) on one event
// loop, driven over IPC by bench/sim-fleet.ts. Several run side by side when one core is not
// enough. Each device has its own connection and credentials; what it sends carries its device
// time (fixes) or an event id (SOS), so loss and duplicates can be looked up in PostgreSQL.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { DeviceChannel, deviceTopic } from '../protocol/device-topics.js';
import type { Command } from '../protocol/device-payloads.js';
import { ConnectRefusedError, SimulatedDevice } from '../device-sim/simulated-device.js';
import { fixOf, startWalk, stepWalk, type Walker } from '../device-sim/town-walk.js';
import { LatencyHistogram } from './latency-histogram.js';
import {
  clockMs,
  type ConnectResult,
  type DeviceLogin,
  type FloodOptions,
  type FloodStats,
  type PressResult,
  type TrackOptions,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStats,
} from './sim-protocol.js';

interface Sim {
  device: SimulatedDevice;
  index: number;
  walker: Walker;
  walkedUntil: number;
  timers: NodeJS.Timeout[];
}

const sims = new Map<string, Sim>();
/** When each device's `alarm.received` for an event id arrived; waiters for those not yet here. */
const arrivals = new Map<string, number>();
const arrivalWaiters = new Map<string, (at: number) => void>();

const counters = {
  fixesSent: 0,
  fixesAcked: 0,
  fixErrors: 0,
  statusSent: 0,
  statusAcked: 0,
  eventsSent: 0,
  eventsAcked: 0,
  ackedSinceReset: 0,
};
let fixAck = new LatencyHistogram();
let statusAck = new LatencyHistogram();
let ackedFixes: [string, number][] = [];
let tracking: { generation: number; options: TrackOptions } | null = null;
let generation = 0;
let nextIndex = 0;

function watchCommands(device: SimulatedDevice): void {
  device.on('command', (command: Command) => {
    if (command.type !== 'alarm.received' || !command.eventId) return;
    const at = clockMs();
    const waiter = arrivalWaiters.get(command.eventId);
    if (waiter) {
      arrivalWaiters.delete(command.eventId);
      waiter(at);
    } else if (!arrivals.has(command.eventId)) arrivals.set(command.eventId, at);
  });
  // Faults are counted by the device itself; an unheard 'error' would kill the worker.
  device.on('fault', () => {});
}

async function connectAll(request: Extract<WorkerRequest, { op: 'connect' }>): Promise<ConnectResult> {
  const start = clockMs();
  const result: ConnectResult = { connected: 0, connectMs: [], refused: [], failed: [] };
  const attempts: Promise<void>[] = [];
  for (let i = 0; i < request.devices.length; i++) {
    const login = request.devices[i];
    // A tick between groups lets the loop read CONNACKs while it is still opening sockets.
    if (i > 0 && i % request.openPerTick === 0) await new Promise((resolve) => setImmediate(resolve));
    attempts.push(connectOne(login, request, start, result));
  }
  await Promise.all(attempts);
  return result;
}

async function connectOne(
  login: DeviceLogin,
  request: Extract<WorkerRequest, { op: 'connect' }>,
  start: number,
  result: ConnectResult,
): Promise<void> {
  const device = new SimulatedDevice({
    deviceId: login.deviceId,
    secret: login.secret,
    url: request.url,
    fallbackUrls: request.fallbackUrls,
    keepaliveS: 60,
    reconnect: request.reconnect === false ? false : request.reconnect,
    connectTimeoutMs: request.connectTimeoutMs,
    // A device keeps trying after "server unavailable" (the ARC's database down), as real ones do.
    retryRefusedReconnects: true,
  });
  watchCommands(device);
  try {
    await device.connect();
  } catch (err) {
    if (err instanceof ConnectRefusedError)
      result.refused.push({ deviceId: login.deviceId, returnCode: err.returnCode });
    else result.failed.push({ deviceId: login.deviceId, error: (err as Error).message.slice(0, 300) });
    return;
  }
  result.connected++;
  result.connectMs.push(clockMs() - start);
  const index = nextIndex++;
  sims.set(login.deviceId, { device, index, walker: startWalk(index * 7919 + 1), walkedUntil: Date.now(), timers: [] });
}

function jittered(ms: number, jitter: number): number {
  return ms * (1 - jitter + 2 * jitter * Math.random());
}

function startTracking(options: TrackOptions): void {
  stopTracking();
  const mine = ++generation;
  tracking = { generation: mine, options };
  for (const sim of sims.values()) {
    const fixEveryMs = options.fixEveryS * 1000;
    const fixLoop = () => {
      if (tracking?.generation !== mine) return;
      sendFix(sim, options);
      sim.timers[0] = setTimeout(fixLoop, jittered(fixEveryMs, options.jitter));
    };
    sim.timers[0] = setTimeout(fixLoop, Math.random() * options.firstWithinS * 1000);
    if (options.heartbeatS > 0) {
      const statusLoop = () => {
        if (tracking?.generation !== mine) return;
        sendStatus(sim);
        sim.timers[1] = setTimeout(statusLoop, jittered(options.heartbeatS * 1000, options.jitter));
      };
      sim.timers[1] = setTimeout(statusLoop, Math.random() * options.heartbeatS * 1000);
    }
  }
}

function stopTracking(): void {
  tracking = null;
  for (const sim of sims.values()) {
    for (const timer of sim.timers) clearTimeout(timer);
    sim.timers = [];
  }
}

function sendFix(sim: Sim, options: TrackOptions): void {
  const now = Date.now();
  sim.walker = stepWalk(sim.walker, (now - sim.walkedUntil) / 1000);
  sim.walkedUntil = now;
  const fix = fixOf(sim.walker, now);
  const sentAt = clockMs();
  counters.fixesSent++;
  sim.device.sendFix(fix).then(
    () => {
      counters.fixesAcked++;
      counters.ackedSinceReset++;
      fixAck.record(clockMs() - sentAt);
      if (options.recordAcked) ackedFixes.push([sim.device.deviceId, fix.ts]);
    },
    () => counters.fixErrors++,
  );
}

function sendStatus(sim: Sim): void {
  const sentAt = clockMs();
  counters.statusSent++;
  sim.device.sendStatus().then(
    () => {
      counters.statusAcked++;
      counters.ackedSinceReset++;
      statusAck.record(clockMs() - sentAt);
    },
    () => {},
  );
}

/** One SOS press: publish, PUBACK, and the `alarm.received` reply for its event id. */
function press(pressId: number, deviceId: string, timeoutMs: number): Promise<PressResult> {
  const sim = sims.get(deviceId);
  const eventId = randomUUID();
  const result: PressResult = {
    pressId,
    deviceId,
    eventId,
    publishedAt: clockMs(),
    ackedAt: null,
    receivedAt: null,
    error: null,
  };
  if (!sim) return Promise.resolve({ ...result, error: 'not connected in this worker' });
  return new Promise((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled || result.ackedAt === null || result.receivedAt === null) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      arrivalWaiters.delete(eventId);
      result.error ??=
        result.ackedAt === null ? 'no PUBACK within the timeout' : 'no alarm.received within the timeout';
      resolve(result);
    }, timeoutMs);
    const arrived = (at: number) => {
      result.receivedAt = at;
      finish();
    };
    arrivalWaiters.set(eventId, arrived);
    counters.eventsSent++;
    // The id is ours, so the reply can be matched even if it overtakes the PUBACK.
    sim.device.sendEvent('sos', { id: eventId }).then(
      () => {
        counters.eventsAcked++;
        counters.ackedSinceReset++;
        result.ackedAt = clockMs();
        const early = arrivals.get(eventId);
        if (early !== undefined) {
          arrivals.delete(eventId);
          arrivalWaiters.delete(eventId);
          result.receivedAt = early;
        }
        finish();
      },
      (err: Error) => {
        result.error = err.message.slice(0, 300);
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          arrivalWaiters.delete(eventId);
          resolve(result);
        }
      },
    );
  });
}

async function storm(request: Extract<WorkerRequest, { op: 'storm' }>): Promise<PressResult[]> {
  const presses = request.deviceIds.map(
    (deviceId, i) =>
      new Promise<PressResult>((resolve) => {
        const at = request.startAt + Math.random() * request.windowMs;
        setTimeout(
          () => {
            const timeoutMs = Math.max(1000, request.startAt + request.windowMs + request.settleTimeoutMs - Date.now());
            resolve(press(i, deviceId, timeoutMs));
          },
          Math.max(0, at - Date.now()),
        );
      }),
  );
  return Promise.all(presses);
}

function stats(reset: boolean): WorkerStats {
  let connected = 0;
  let reconnectAttempts = 0;
  let errors = 0;
  for (const { device } of sims.values()) {
    if (device.connected) connected++;
    reconnectAttempts += device.counters.reconnectAttempts;
    errors += device.counters.errors;
  }
  const cpu = process.cpuUsage();
  const result: WorkerStats = {
    devices: sims.size,
    connected,
    reconnectAttempts,
    errors,
    ...counters,
    fixAck: fixAck.toData(),
    statusAck: statusAck.toData(),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssBytes: process.memoryUsage.rss(),
    flood: flood?.stats,
  };
  if (reset) {
    fixAck = new LatencyHistogram();
    statusAck = new LatencyHistogram();
    counters.ackedSinceReset = 0;
  }
  return result;
}

// ---- the misbehaving device -------------------------------------------------------------

interface Flood {
  stats: FloodStats;
  timers: NodeJS.Timeout[];
  device: SimulatedDevice;
  sockets: Set<Socket>;
}
let flood: Flood | null = null;

async function startFlood(options: FloodOptions): Promise<void> {
  const device = new SimulatedDevice({
    deviceId: options.device.deviceId,
    secret: options.device.secret,
    url: options.url,
    reconnect: { minMs: 200, maxMs: 2000 },
  });
  device.on('fault', (err) => {
    if (flood && flood.stats.errors.length < 20) flood.stats.errors.push(err.message.slice(0, 200));
  });
  await device.connect();
  const stats: FloodStats = {
    garbagePublishes: 0,
    hugePublishes: 0,
    hugeBytesSent: 0,
    rawConnections: 0,
    reconnects: 0,
    errors: [],
  };
  const state: Flood = { stats, timers: [], device, sockets: new Set() };
  flood = state;
  device.on('connect', () => stats.reconnects++);
  const events = deviceTopic(options.device.deviceId, DeviceChannel.events);
  const location = deviceTopic(options.device.deviceId, DeviceChannel.location);

  if (options.kinds.includes('garbage-publishes')) {
    // Every 10 ms a burst, so the rate holds without a timer per message; QoS 0, no waiting for
    // acknowledgements, but never more than 500 unwritten at once.
    let unwritten = 0;
    const perTick = Math.max(1, Math.round(options.publishRate / 100));
    const tick = () => {
      if (device.connected) {
        for (let i = 0; i < perTick && unwritten < 500; i++) {
          unwritten++;
          stats.garbagePublishes++;
          device.publishRaw(events, randomBytes(16 + Math.floor(Math.random() * 200)), 0).then(
            () => unwritten--,
            () => unwritten--,
          );
        }
      }
      state.timers[0] = setTimeout(tick, 10);
    };
    tick();
  }
  if (options.kinds.includes('huge-payloads')) {
    const huge = randomBytes(options.hugeBytes);
    let writing = false;
    const tick = () => {
      if (device.connected && !writing) {
        writing = true;
        stats.hugePublishes++;
        stats.hugeBytesSent += huge.length;
        device.publishRaw(location, huge, 0).then(
          () => (writing = false),
          () => (writing = false),
        );
      }
      state.timers[1] = setTimeout(tick, options.hugeEveryMs);
    };
    tick();
  }
  if (options.kinds.includes('raw-bytes')) {
    const { port, hostname } = new URL(options.url);
    const everyMs = 1000 / Math.max(1, options.rawConnectionsPerS);
    const tick = () => {
      if (state.sockets.size < 200) {
        const socket = connectTcp({ host: hostname, port: Number(port) });
        state.sockets.add(socket);
        stats.rawConnections++;
        socket.setNoDelay(true);
        socket.on('connect', () => socket.end(randomBytes(64 + Math.floor(Math.random() * 4096))));
        socket.on('error', () => {});
        socket.on('close', () => state.sockets.delete(socket));
        setTimeout(() => socket.destroy(), 2000).unref();
      }
      state.timers[2] = setTimeout(tick, everyMs);
    };
    tick();
  }
}

async function stopFlood(): Promise<FloodStats | null> {
  const state = flood;
  if (!state) return null;
  for (const timer of state.timers) clearTimeout(timer);
  for (const socket of state.sockets) socket.destroy();
  await state.device.close({ force: true });
  flood = null;
  return state.stats;
}

// ---- IPC ----------------------------------------------------------------------------------

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'connect':
      return connectAll(request);
    case 'track':
      startTracking(request.options);
      return null;
    case 'stop-tracking':
      stopTracking();
      return null;
    case 'sos':
      return press(request.pressId, request.deviceId, request.timeoutMs);
    case 'storm':
      return storm(request);
    case 'stats':
      return stats(request.reset);
    case 'acked-fixes': {
      const list = ackedFixes;
      ackedFixes = [];
      return list;
    }
    case 'disconnect':
      await Promise.all(
        request.deviceIds.map(async (id) => {
          const sim = sims.get(id);
          if (!sim) return;
          sims.delete(id);
          for (const timer of sim.timers) clearTimeout(timer);
          await sim.device.close({ graceMs: 0 });
        }),
      );
      return null;
    case 'flood-start':
      await startFlood(request.options);
      return null;
    case 'flood-stop':
      return stopFlood();
    case 'close':
      stopTracking();
      await stopFlood();
      await Promise.all([...sims.values()].map((s) => s.device.close({ force: true })));
      sims.clear();
      return null;
  }
}

process.on('message', (message: { id: number; request: WorkerRequest }) => {
  handle(message.request).then(
    (result) => process.send!({ id: message.id, ok: true, result } satisfies WorkerReply),
    (err: Error) => process.send!({ id: message.id, ok: false, error: err.stack ?? err.message } satisfies WorkerReply),
  );
});
// The bench going away takes its workers with it: never leave devices connected behind.
process.on('disconnect', () => process.exit(0));
