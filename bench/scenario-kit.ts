// What every scenario needs: a fresh ARC on a copy of the seeded data directory, simulator
// workers, a PostgreSQL connection to count rows, and a monitor sampling CPU, memory and backlog
// while it runs.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { connectDatabase, type Sql } from '../api/db/connect.js';
import { startArc, postgresPidOf, postgresUrlOf, type ArcProcess, type StartArcOptions } from './arc-process.js';
import { CpuMeter, cpuSecondsOf, treeCpuSeconds, memoryOf } from './proc-stats.js';
import {
  copyDataDir,
  ensureSeededTemplate,
  seededDevices,
  type SeededDevice,
  type SeededTemplate,
} from './seeded-data-dir.js';
import type { FleetStats, SimFleet } from './sim-fleet.js';

export interface BenchContext {
  /** Where scenario data directories go (removed afterwards unless keepData). */
  workDir: string;
  cacheDir?: string;
  workers: number;
  log: (line: string) => void;
  /** Node flags for the ARC process, e.g. --cpu-prof. */
  arcNodeArgs?: string[];
  keepData?: boolean;
  /** Seconds between progress lines. */
  progressEveryS?: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function devicesFor(
  ctx: BenchContext,
  count: number,
  offset = 0,
): Promise<{ template: SeededTemplate; devices: SeededDevice[] }> {
  const template = await ensureSeededTemplate({ count: offset + count, cacheDir: ctx.cacheDir, log: ctx.log });
  return { template, devices: seededDevices(template, count, offset) };
}

export interface ScenarioArc {
  arc: ArcProcess;
  sql: Sql;
  dataDir: string;
  /** Start the ARC again on the same data directory and ports (after a kill -9). */
  restart(): Promise<ArcProcess>;
  stop(): Promise<void>;
}

/** A fresh ARC on a copy of the template; stop() stops it and removes the copy. */
export async function startScenarioArc(
  ctx: BenchContext,
  name: string,
  template: SeededTemplate,
  options: Omit<StartArcOptions, 'endpoints'> = {},
): Promise<ScenarioArc> {
  const dataDir = path.join(ctx.workDir, `${name}-${process.pid}`);
  await copyDataDir(template, dataDir);
  let arc = await startArc({ ...options, nodeArgs: options.nodeArgs ?? ctx.arcNodeArgs, endpoints: { dataDir } });
  ctx.log(`  ARC pid ${arc.pid} ready in ${Math.round(arc.startMs)} ms (${arc.mqtt}, ${arc.http})`);
  // Few connections: the bench only counts and checks; the ARC's pool has 10.
  const sql = connectDatabase(postgresUrlOf(arc), 3);
  const self: ScenarioArc = {
    get arc() {
      return arc;
    },
    sql,
    dataDir,
    async restart() {
      arc = await startArc({
        ...options,
        nodeArgs: options.nodeArgs ?? ctx.arcNodeArgs,
        endpoints: { dataDir, httpPort: arc.httpPort, mqttPort: arc.mqttPort, pgPort: arc.pgPort },
      });
      return arc;
    },
    async stop() {
      await sql.end({ timeout: 2 }).catch(() => {});
      const { clean } = await arc.stop();
      if (!clean) ctx.log('  (the ARC did not stop cleanly within the timeout)');
      if (!ctx.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

export function warningsOf(arc: ArcProcess): Record<string, number> {
  return Object.fromEntries([...arc.warnings].map(([msg, { count }]) => [msg, count]));
}

export interface Sample {
  t: number;
  arcCpu: number | null;
  pgCpu: number | null;
  simCpu: number | null;
  arcRss: number | null;
  connected: number;
  fixesSent: number;
  fixesAcked: number;
  sent: number;
  acked: number;
  stored: number | null;
}

/**
 * Samples every intervalMs until stopped: the ARC's and PostgreSQL's CPU (share of one core),
 * the ARC's RSS, the fleet's counters and, if given, a row count from PostgreSQL.
 */
export class Monitor {
  readonly samples: Sample[] = [];
  #timer: NodeJS.Timeout | null = null;
  #arcCpu: CpuMeter;
  #pgCpu: CpuMeter;
  #simCpu: CpuMeter;
  #started = performance.now();
  #busy = false;
  #lastStats: FleetStats | null = null;

  constructor(
    private readonly arcPid: () => number | null,
    private readonly pgPid: () => number | null,
    private readonly fleet: SimFleet | null,
    private readonly storedCount: (() => Promise<number>) | null,
    private readonly progress: ((s: Sample, stats: FleetStats | null) => void) | null,
  ) {
    this.#arcCpu = new CpuMeter(() => {
      const pid = this.arcPid();
      return pid ? cpuSecondsOf(pid) : null;
    });
    this.#pgCpu = new CpuMeter(() => {
      const pid = this.pgPid();
      return pid ? treeCpuSeconds(pid) : null;
    });
    this.#simCpu = new CpuMeter(() => this.#lastStats?.cpuSeconds ?? null);
  }

  static forArc(
    scenario: ScenarioArc,
    fleet: SimFleet | null,
    storedCount: (() => Promise<number>) | null,
    progress: Monitor['progress'],
  ): Monitor {
    return new Monitor(
      () => scenario.arc.pid,
      () => postgresPidOf(scenario.dataDir),
      fleet,
      storedCount,
      progress,
    );
  }

  start(intervalMs: number): this {
    this.#arcCpu.sample();
    this.#pgCpu.sample();
    this.#started = performance.now();
    this.#timer = setInterval(() => void this.sampleNow(), intervalMs);
    return this;
  }

  async sampleNow(): Promise<Sample | null> {
    if (this.#busy) return null;
    this.#busy = true;
    try {
      const stats = this.fleet ? await this.fleet.stats() : null;
      this.#lastStats = stats;
      let stored: number | null = null;
      if (this.storedCount) stored = await this.storedCount().catch(() => null);
      const pid = this.arcPid();
      const sample: Sample = {
        t: (performance.now() - this.#started) / 1000,
        arcCpu: this.#arcCpu.sample(),
        pgCpu: this.#pgCpu.sample(),
        simCpu: this.#simCpu.sample(),
        arcRss: pid ? (memoryOf(pid)?.rss ?? null) : null,
        connected: stats?.connected ?? 0,
        fixesSent: stats?.fixesSent ?? 0,
        fixesAcked: stats?.fixesAcked ?? 0,
        sent: stats ? stats.fixesSent + stats.statusSent + stats.eventsSent : 0,
        acked: stats ? stats.fixesAcked + stats.statusAcked + stats.eventsAcked : 0,
        stored,
      };
      this.samples.push(sample);
      this.progress?.(sample, stats);
      return sample;
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Mean of a field over the samples from t0 on (seconds since start). */
  mean(field: 'arcCpu' | 'pgCpu' | 'simCpu', fromT = 0): number | null {
    const values = this.samples.filter((s) => s.t >= fromT && s[field] !== null).map((s) => s[field] as number);
    return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
}

/** Least-squares slope of y over x: how fast a backlog grows (per second when x is seconds). */
export function slope(points: [number, number][]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}

/** Random sample without replacement. */
export function pickRandom<T>(items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}

/** Waits until check() is true or the time is up; returns whether it became true. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
