// A short run of every benchmark scenario with a handful of devices: the scripts work end to end
// (seeding, a real ARC started as `npm start` does, simulator workers, fault injection). Nothing
// here asserts a figure of speed; only what must hold at any size: nothing acknowledged lost,
// nothing duplicated. The real runs are `npm run bench` and `npm run bench:faults`.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { appendFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseBenchFlags } from '../bench/run-bench.js';
import { parseFaultFlags } from '../bench/run-faults.js';
import { formatTable, type ScenarioResult } from '../bench/report.js';
import type { BenchContext } from '../bench/scenario-kit.js';
import { ensureSeededTemplate } from '../bench/seeded-data-dir.js';
import { runConnectStorm } from '../bench/scenarios/connect-storm.js';
import { runTracking } from '../bench/scenarios/tracking.js';
import { runIngestCeiling } from '../bench/scenarios/ingest-ceiling.js';
import { runAlarmStorm } from '../bench/scenarios/alarm-storm.js';
import { runKillDuringStorm } from '../bench/scenarios/fault-kill.js';
import { runPostgresOutage } from '../bench/scenarios/fault-postgres.js';
import { runGarbageFlood } from '../bench/scenarios/fault-garbage.js';

let root: string;
let ctx: BenchContext;
const lines: string[] = [];
const OUTPUT = path.join(import.meta.dirname, '.output');
const LOG_FILE = path.join(OUTPUT, 'bench-smoke.log');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'arc-bench-smoke-'));
  // Every line also goes to tests/.output/bench-smoke.log as it is written: a run that times out
  // may never reach a hook that prints them, and the file says which wait it was in.
  await mkdir(OUTPUT, { recursive: true });
  await writeFile(LOG_FILE, '');
  const log = (l: string) => {
    lines.push(l);
    appendFileSync(LOG_FILE, `${new Date().toISOString()} ${l}\n`);
  };
  ctx = { workDir: path.join(root, 'work'), cacheDir: path.join(root, 'cache'), workers: 1, log, progressEveryS: 60 };
  await ensureSeededTemplate({ count: 12, cacheDir: ctx.cacheDir });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const row = (result: ScenarioResult, key: string) => result.rows.find(([k]) => k === key)?.[1];

describe('the benchmark scripts, with a handful of devices', () => {
  it('parse their command lines', () => {
    expect(parseBenchFlags(['tracking', '--tracking-devices', '50'])).toMatchObject({
      scenarios: ['tracking'],
      trackingDevices: 50,
    });
    expect(() => parseBenchFlags(['warp-speed'])).toThrow(/unknown scenario/);
    expect(parseFaultFlags(['--pg-modes', 'freeze'])).toMatchObject({
      faults: ['kill', 'postgres', 'garbage'],
      pgModes: ['freeze'],
    });
  });

  it('connect storm, sustained tracking with alarm latency', async () => {
    const storm = await runConnectStorm(ctx, 5, 0.2);
    expect(row(storm, 'connected')).toBe('5 of 5');
    const [, sustained, latency] = await runTracking(ctx, {
      devices: 6,
      durationS: 3,
      fixEveryS: 1,
      heartbeatS: 2,
      pressEveryMs: 500,
      connectSettleS: 0.2,
    });
    expect(sustained.data.ackedNotStored).toBe(0);
    expect(latency.data.acked).toBe(latency.data.presses);
    expect(formatTable(latency)).toContain('publish → alarm:raised at console');
  }, 60_000);

  it('ingest ceiling against the ARC and bare Aedes', async () => {
    const result = await runIngestCeiling(ctx, {
      devices: 4,
      stepS: 1.5,
      settleS: 0.5,
      startRate: 40,
      factor: 2,
      maxRate: 80,
    });
    expect((result.data.arc as { steps: unknown[] }).steps.length).toBeGreaterThan(0);
    expect((result.data.bare as { steps: unknown[] }).steps.length).toBeGreaterThan(0);
    // Every fix the devices sent was acknowledged and is in PostgreSQL, once (checked after a drain).
    const check = result.data.arcCheck as { sent: number; acked: number; stored: number; drained: boolean };
    expect(check.drained).toBe(true);
    expect(check.sent).toBeGreaterThan(0);
    expect(check).toMatchObject({ acked: check.sent, stored: check.sent });
    expect(result.targets.find((t) => t.target.startsWith('nothing acknowledged'))?.met).toBe(true);
    // The ratio to the bare broker, the scenario's figure, was computed (its size is not asserted).
    expect(result.data.ratio).toEqual(expect.any(Number));
    expect(result.data.ratio as number).toBeGreaterThan(0);
  }, 60_000);

  it('alarm storm', async () => {
    const result = await runAlarmStorm(ctx, { devices: 6, windowS: 1, settleTimeoutS: 20, warmupS: 0.5 });
    expect(result.data.check).toMatchObject({
      pressed: 6,
      acknowledged: 6,
      lost: 0,
      duplicateAlarms: 0,
      notInSnapshot: 0,
    });
  }, 60_000);
});

// Each fault run has its own ARC, PostgreSQL and ports. One after the other, not side by side:
// three fault runs at once beside another test file starved the PostgreSQL outage run on two
// cores until it timed out (issue 10's CI run).
describe('the fault scripts, with a handful of devices', () => {
  it('kill -9 during a storm', async () => {
    const kill = await runKillDuringStorm(ctx, {
      cycles: 1,
      devicesPerCycle: 4,
      windowS: 1,
      settleTimeoutS: 4,
      downtimeS: 0,
    });
    expect(kill.data.cycles).toEqual([
      expect.objectContaining({ lost: 0, duplicateAlarms: 0, escalationDuplicates: 0, notInSnapshot: 0 }),
    ]);
  }, 60_000);

  it('PostgreSQL stopped, then frozen', async () => {
    // Devices dropped by a failed store come back on their own back-off, twice (stop, then
    // freeze). With real devices' 1 s doubling to 30 s that alone passed a minute on a loaded
    // 2-core machine, and twice timed this test out in a full run: here the devices retry fast.
    // What the scenario saw, for whoever reads a failed run (a timeout too).
    onTestFailed(() => console.error(lines.slice(-30).join('\n')));
    const pg = await runPostgresOutage(ctx, {
      devices: 4,
      fixEveryS: 1,
      pressEveryMs: 500,
      beforeS: 1,
      outageS: 3,
      afterS: 2,
      modes: ['stop', 'freeze'],
      pressTimeoutS: 8,
      reconnect: { minMs: 200, maxMs: 2000 },
    });
    expect(pg.data).toMatchObject({ lostFixes: 0 });
    expect((pg.data.events as { lost: number }).lost).toBe(0);
  }, 240_000);

  it('a garbage flood', async () => {
    const garbage = await runGarbageFlood(ctx, {
      devices: 4,
      phaseS: 2,
      pressEveryMs: 500,
      kinds: ['garbage-publishes', 'huge-payloads', 'raw-bytes'],
      publishRate: 200,
      hugeBytes: 64 * 1024,
      hugeEveryMs: 500,
      rawConnectionsPerS: 5,
      warmupS: 0.5,
    });
    expect(row(garbage, 'ARC still running')).toBe('yes');
    // The alarm latency was measured in both phases, and no alarm was lost to the flood: every
    // press acknowledged and shown on the console.
    type Phase = { latency: { presses: number; acked: number; alarmRaised: { count: number } } };
    const { quiet, flood, ratios, floodStats, arcMetrics } = garbage.data as {
      quiet: Phase;
      flood: Phase;
      ratios: { p50: number | null };
      floodStats: { garbagePublishes: number } | null;
      arcMetrics: Record<string, number>;
    };
    for (const phase of [quiet, flood]) {
      expect(phase.latency.presses).toBeGreaterThan(0);
      expect(phase.latency.acked).toBe(phase.latency.presses);
      expect(phase.latency.alarmRaised.count).toBe(phase.latency.presses);
    }
    expect(ratios.p50).toEqual(expect.any(Number));
    // The garbage was sent, rejected by the intake and counted (GET /api/metrics).
    expect(floodStats?.garbagePublishes).toBeGreaterThan(0);
    const rejected = Object.entries(arcMetrics)
      .filter(([key]) => key.startsWith('intake_rejected'))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(rejected).toBeGreaterThan(0);
  }, 60_000);
});
