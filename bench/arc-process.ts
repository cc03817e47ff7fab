// The ARC under test, started as a user starts it (`node --import tsx api/main.ts`, configured by
// environment) in a child process the bench can measure, kill -9 and start again on the same
// data directory and ports. Also the bare Aedes broker the ingest ceiling compares it with.
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { signalTree } from './proc-stats.js';
import { BENCH_ADMIN } from './seeded-data-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The node flags `npm start` and the Dockerfile run the ARC with (tests/node-flags.test.ts keeps
 * the three the same): the bench measures the ARC as users run it. The bare broker gets them too,
 * so the ingest ratio compares software, not runtime tuning.
 */
export const ARC_NODE_FLAGS = ['--max-semi-space-size=64'];

export interface ArcEndpoints {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  pgPort: number;
}

export interface ArcProcess extends ArcEndpoints {
  pid: number;
  http: string;
  mqtt: string;
  /** Milliseconds from spawn to the 'ARC ready' line. */
  startMs: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Log lines at warn and above, counted by message; the first few of each kept. */
  warnings: Map<string, { count: number; sample: Record<string, unknown> }>;
  /** Each retention sweep pass that purged something, from its log line (api/clock/retention-sweep.ts). */
  purgePasses: PurgePass[];
  /** SIGKILL: no shutdown at all. Its PostgreSQL stays up until the next start stops it. */
  kill9(): Promise<void>;
  /** SIGTERM and wait; kill -9 (and stop its PostgreSQL) if it does not stop in time. */
  stop(timeoutMs?: number): Promise<{ clean: boolean }>;
}

/** One pass of the retention sweep: when it was logged (epoch ms, the end of the pass), how long it took, what went. */
export interface PurgePass {
  at: number;
  ms: number;
  fixes: number;
  events: number;
  alarms: number;
  audit: number;
}

export interface StartArcOptions {
  /** Same ports and data directory as a previous run: devices reconnect to the same address. */
  endpoints?: Partial<ArcEndpoints> & { dataDir: string };
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

/**
 * ARCs this process started and has not stopped: if the bench dies (Ctrl-C, a timeout), they and
 * their detached PostgreSQL servers must not live on. Only synchronous work is possible on exit.
 */
const running = new Map<number, string>();
process.on('exit', () => {
  for (const [pid, dataDir] of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    const pg = postgresPidOf(dataDir);
    if (pg) {
      try {
        signalTree(pg, 'SIGCONT');
        process.kill(pg, 'SIGINT');
      } catch {
        // already gone
      }
    }
  }
});

/** For the bench's command-line entries: Ctrl-C or a kill stops everything it started. */
export function exitOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
}

/** The caller's environment without any ARC setting or database: never touch a real one. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARC_') && k !== 'DATABASE_URL'));

export async function startArc(options: StartArcOptions & { endpoints: { dataDir: string } }): Promise<ArcProcess> {
  const endpoints: ArcEndpoints = {
    dataDir: options.endpoints.dataDir,
    httpPort: options.endpoints.httpPort ?? (await freePort()),
    mqttPort: options.endpoints.mqttPort ?? (await freePort()),
    pgPort: options.endpoints.pgPort ?? (await freePort()),
  };
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...ARC_NODE_FLAGS, ...(options.nodeArgs ?? []), '--import', 'tsx', 'api/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...cleanEnv(),
        ARC_DATA_DIR: endpoints.dataDir,
        ARC_HOST: '127.0.0.1',
        ARC_HTTP_PORT: String(endpoints.httpPort),
        ARC_MQTT_PORT: String(endpoints.mqttPort),
        ARC_MQTTS_PORT: '0',
        ARC_EMBEDDED_PG_PORT: String(endpoints.pgPort),
        ARC_ADMIN_EMAIL: BENCH_ADMIN.email,
        ARC_ADMIN_PASSWORD: BENCH_ADMIN.password,
        // info, not warn: the 'ARC ready' line is logged at info (per-message logging is at debug).
        ARC_LOG_LEVEL: 'info',
        ARC_MAP_TILES_URL: 'none',
        // The whole simulated fleet connects from this one address: lift the per-address caps.
        ARC_MQTT_MAX_CONNECTIONS_PER_ADDRESS: '10000000',
        ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  running.set(child.pid!, endpoints.dataDir);
  const warnings: ArcProcess['warnings'] = new Map();
  const purgePasses: PurgePass[] = [];
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child.pid!);
      resolve({ code, signal });
    }),
  );
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
  // Everything the ARC wrote, beside its data directory: what a failed or odd run is read from.
  const output = createWriteStream(path.join(endpoints.dataDir, '..', 'arc-output.log'), { flags: 'a' });
  child.stdout!.pipe(output, { end: false });
  child.stderr!.pipe(output, { end: false });
  void exited.then(() => output.end());

  const ready = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      void stopPostgresOf(endpoints.dataDir);
      reject(new Error(`the ARC was not ready within ${options.readyTimeoutMs ?? 120_000} ms:\n${stderr}`));
    }, options.readyTimeoutMs ?? 120_000);
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        const msg = String(entry.msg);
        if (msg.startsWith('ARC ready')) {
          clearTimeout(timer);
          resolve(performance.now() - spawnedAt);
        }
        if (msg === 'purged data past its retention period') {
          const purged = entry.purged as Omit<PurgePass, 'at'>;
          purgePasses.push({ at: Number(entry.time), ...purged });
        }
        if (Number(entry.level) >= 40) {
          const known = warnings.get(msg);
          if (known) known.count++;
          else warnings.set(msg, { count: 1, sample: entry });
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the ARC exited (${code ?? signal}) before it was ready:\n${stderr}`));
    });
  });

  return {
    ...endpoints,
    pid: child.pid!,
    http: `http://127.0.0.1:${endpoints.httpPort}`,
    mqtt: `mqtt://127.0.0.1:${endpoints.mqttPort}`,
    startMs: ready,
    exited,
    warnings,
    purgePasses,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 60_000) {
      if (child.exitCode !== null || child.signalCode !== null) {
        await stopPostgresOf(endpoints.dataDir);
        return { clean: false };
      }
      child.kill('SIGTERM');
      const outcome = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
      if (outcome === null) {
        child.kill('SIGKILL');
        await exited;
      }
      // A PostgreSQL the bench restarted itself, or one left by a kill: stop it too.
      await stopPostgresOf(endpoints.dataDir);
      return { clean: outcome !== null && outcome.code === 0 };
    },
  };
}

/** The embedded PostgreSQL's postmaster pid, from its data directory. */
export function postgresPidOf(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isPostgres(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

/** Fast shutdown (SIGINT) of whatever PostgreSQL still runs on the data directory. */
export async function stopPostgresOf(dataDir: string, timeoutMs = 30_000): Promise<void> {
  const pid = postgresPidOf(dataDir);
  if (!pid) return;
  try {
    signalTree(pid, 'SIGCONT'); // a frozen one cannot shut down
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  const until = Date.now() + timeoutMs;
  while (isPostgres(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (isPostgres(pid)) signalTree(pid, 'SIGKILL');
}

/** The password the ARC gave its embedded PostgreSQL, to count rows from the bench. */
export function postgresUrlOf(arc: ArcEndpoints): string {
  const password = readFileSync(path.join(arc.dataDir, 'postgres-password'), 'utf8').trim();
  return `postgres://arc:${encodeURIComponent(password)}@127.0.0.1:${arc.pgPort}/arc`;
}

export interface BareBroker {
  pid: number;
  mqtt: string;
  /** Messages the in-process subscriber has received so far. */
  received(): Promise<number>;
  stop(): Promise<void>;
}

/** Bare Aedes in a process of its own, like the ARC: see bench/bare-broker.ts. */
export async function startBareBroker(): Promise<BareBroker> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./bare-broker.ts', import.meta.url)), [], {
    execArgv: [...ARC_NODE_FLAGS, '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending: ((n: number) => void)[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the bare broker exited (${code})`)));
    child.on('message', (message: { ready?: number; received?: number }) => {
      if (message.ready !== undefined) resolve(message.ready);
      if (message.received !== undefined) pending.shift()?.(message.received);
    });
  });
  return {
    pid: child.pid!,
    mqtt: `mqtt://127.0.0.1:${port}`,
    received: () =>
      new Promise((resolve) => {
        pending.push(resolve);
        child.send('count');
      }),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
