// The bench's handle on its simulator workers: forks them, shares devices out among them, sends
// each request to the worker that holds the device, and adds up their figures.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LatencyHistogram } from './latency-histogram.js';
import type {
  Backoff,
  ConnectResult,
  DeviceLogin,
  FloodOptions,
  FloodStats,
  PressResult,
  TrackOptions,
  WorkerReply,
  WorkerRequest,
  WorkerStats,
} from './sim-protocol.js';

const WORKER = fileURLToPath(new URL('./sim-worker.ts', import.meta.url));

class Worker {
  #next = 0;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new Error(`simulator worker ${child.pid}: ${reply.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        for (const waiting of this.#pending.values())
          waiting.reject(new Error(`simulator worker ${child.pid} exited (${code ?? signal})`));
        this.#pending.clear();
        resolve();
      }),
    );
  }
  request<T>(request: WorkerRequest): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, request });
    });
  }
}

export interface FleetStats extends Omit<WorkerStats, 'fixAck' | 'statusAck' | 'flood'> {
  fixAck: LatencyHistogram;
  statusAck: LatencyHistogram;
  workerCpuSeconds: number[];
  workerRssBytes: number[];
}

export interface ConnectOptions {
  connectTimeoutMs?: number;
  /** Other cluster nodes a device reconnects to in turn when its own is gone. */
  fallbackUrls?: string[];
  reconnect?: Backoff | false;
  openPerTick?: number;
}

export class SimFleet {
  readonly #workers: Worker[];
  /** Which worker holds each device. */
  readonly #owner = new Map<string, Worker>();
  #floodWorker: Worker | null = null;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
  }

  static async start(workers: number): Promise<SimFleet> {
    const children = Array.from({ length: Math.max(1, workers) }, () =>
      fork(WORKER, [], {
        execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    return new SimFleet(children.map((c) => new Worker(c)));
  }

  get pids(): number[] {
    return this.#workers.map((w) => w.child.pid!);
  }

  /** All devices at once, dealt out to the workers in turn; resolves when every attempt settled. */
  async connect(url: string, devices: DeviceLogin[], options: ConnectOptions = {}): Promise<ConnectResult> {
    const slices = this.#workers.map((_, i) => devices.filter((_, j) => j % this.#workers.length === i));
    const results = await Promise.all(
      this.#workers.map((worker, i) => {
        for (const d of slices[i]) this.#owner.set(d.deviceId, worker);
        return worker.request<ConnectResult>({
          op: 'connect',
          url,
          fallbackUrls: options.fallbackUrls,
          devices: slices[i],
          connectTimeoutMs: options.connectTimeoutMs ?? 600_000,
          reconnect: options.reconnect ?? { minMs: 1000, maxMs: 30_000 },
          openPerTick: options.openPerTick ?? 200,
        });
      }),
    );
    return {
      connected: results.reduce((n, r) => n + r.connected, 0),
      connectMs: results.flatMap((r) => r.connectMs),
      refused: results.flatMap((r) => r.refused),
      failed: results.flatMap((r) => r.failed),
    };
  }

  track(options: TrackOptions): Promise<unknown[]> {
    return Promise.all(this.#workers.map((w) => w.request({ op: 'track', options })));
  }

  stopTracking(): Promise<unknown[]> {
    return Promise.all(this.#workers.map((w) => w.request({ op: 'stop-tracking' })));
  }

  press(pressId: number, deviceId: string, timeoutMs = 30_000): Promise<PressResult> {
    return this.#ownerOf(deviceId).request<PressResult>({ op: 'sos', pressId, deviceId, timeoutMs });
  }

  /** Every device presses SOS once at a random moment of the window starting at startAt. */
  async storm(deviceIds: string[], startAt: number, windowMs: number, settleTimeoutMs: number): Promise<PressResult[]> {
    const byWorker = new Map<Worker, string[]>();
    for (const id of deviceIds) {
      const w = this.#ownerOf(id);
      byWorker.set(w, [...(byWorker.get(w) ?? []), id]);
    }
    const results = await Promise.all(
      [...byWorker].map(([w, ids]) =>
        w.request<PressResult[]>({ op: 'storm', deviceIds: ids, startAt, windowMs, settleTimeoutMs }),
      ),
    );
    return results.flat();
  }

  async stats(reset = false): Promise<FleetStats> {
    const all = await Promise.all(this.#workers.map((w) => w.request<WorkerStats>({ op: 'stats', reset })));
    const sum = (key: keyof WorkerStats) => all.reduce((n, s) => n + (s[key] as number), 0);
    return {
      devices: sum('devices'),
      connected: sum('connected'),
      reconnectAttempts: sum('reconnectAttempts'),
      errors: sum('errors'),
      fixesSent: sum('fixesSent'),
      fixesAcked: sum('fixesAcked'),
      fixErrors: sum('fixErrors'),
      statusSent: sum('statusSent'),
      statusAcked: sum('statusAcked'),
      eventsSent: sum('eventsSent'),
      eventsAcked: sum('eventsAcked'),
      ackedSinceReset: sum('ackedSinceReset'),
      cpuSeconds: sum('cpuSeconds'),
      rssBytes: sum('rssBytes'),
      fixAck: all.reduce((h, s) => h.add(s.fixAck), new LatencyHistogram()),
      statusAck: all.reduce((h, s) => h.add(s.statusAck), new LatencyHistogram()),
      workerCpuSeconds: all.map((s) => s.cpuSeconds),
      workerRssBytes: all.map((s) => s.rssBytes),
    };
  }

  async ackedFixes(): Promise<[string, number][]> {
    return (await Promise.all(this.#workers.map((w) => w.request<[string, number][]>({ op: 'acked-fixes' })))).flat();
  }

  async disconnect(deviceIds: string[]): Promise<void> {
    const byWorker = new Map<Worker, string[]>();
    for (const id of deviceIds) {
      const w = this.#owner.get(id);
      if (!w) continue;
      this.#owner.delete(id);
      byWorker.set(w, [...(byWorker.get(w) ?? []), id]);
    }
    await Promise.all([...byWorker].map(([w, ids]) => w.request({ op: 'disconnect', deviceIds: ids })));
  }

  /** The misbehaving device runs in a worker of its own, so its flood does not slow the others' clocks. */
  async startFlood(options: FloodOptions): Promise<number> {
    if (!this.#floodWorker) {
      this.#floodWorker = new Worker(
        fork(WORKER, [], {
          execArgv: ['--import', 'tsx'],
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
    }
    await this.#floodWorker.request({ op: 'flood-start', options });
    return this.#floodWorker.child.pid!;
  }

  async stopFlood(): Promise<FloodStats | null> {
    return this.#floodWorker ? this.#floodWorker.request<FloodStats | null>({ op: 'flood-stop' }) : null;
  }

  async close(): Promise<void> {
    const all = this.#floodWorker ? [...this.#workers, this.#floodWorker] : this.#workers;
    await Promise.all(
      all.map(async (w) => {
        await Promise.race([w.request({ op: 'close' }).catch(() => {}), new Promise((r) => setTimeout(r, 15_000))]);
        w.child.disconnect?.();
        await Promise.race([w.exited, new Promise((r) => setTimeout(r, 5000))]);
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      }),
    );
  }

  #ownerOf(deviceId: string): Worker {
    const w = this.#owner.get(deviceId);
    if (!w) throw new Error(`${deviceId} is not connected in any simulator worker`);
    return w;
  }
}
