// A short run of `npm run bench -- cluster` with a handful of devices: two ARC nodes started as
// `npm start` does, on one PostgreSQL and a local redis-server, devices on both, a console on
// each, then kill -9 of node B during a storm. Only outcomes are asserted (every press seen on the
// other node's console; after the kill nothing acknowledged lost, nothing duplicated, every alarm
// shown on the surviving node's console, every device back on A), never a speed.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { formatTable } from '../bench/report.js';
import type { BenchContext } from '../bench/scenario-kit.js';
import { startBenchSmoke, type BenchSmoke } from './support/bench-smoke-context.js';
import { runCluster } from '../bench/scenarios/cluster.js';
import type { StormCheck } from '../bench/storm-check.js';

let smoke: BenchSmoke;
let ctx: BenchContext;
let lines: string[];

beforeAll(async () => {
  smoke = await startBenchSmoke('cluster-smoke', 16);
  ({ ctx, lines } = smoke);
}, 60_000);

afterAll(async () => {
  await smoke?.close();
});

describe('the cluster benchmark, with a handful of devices', () => {
  it("one node then two: the ingest ramp on each; presses reach the other node's console; kill -9 of one loses and duplicates nothing and its devices move", async () => {
    onTestFailed(() => console.error(lines.join('\n')));
    const result = await runCluster(ctx, {
      devices: 16,
      latencyPresses: 4,
      pressEveryMs: 100,
      stormDevices: 100,
      windowS: 3,
      settleTimeoutS: 40,
      ingest: { stepS: 2, settleS: 0.5, startRate: 16, factor: 2, maxRate: 32 },
    });
    const check = result.data.check as StormCheck;
    // 4 presses with one node, 4 with two, the other 8 devices in the storm.
    expect(check.pressed).toBe(8);
    expect(check.acknowledged).toBe(8);
    expect((result.data.oneNode as { count: number }).count).toBe(4);
    // The ramp ran on one node and on two, each storing fixes (a rate at this size says nothing).
    for (const key of ['oneNodeRamp', 'twoNodeRamp'])
      expect((result.data[key] as { steps: unknown[]; ceiling: number }).ceiling, key).toBeGreaterThan(0);
    expect(check.lost).toBe(0);
    expect(check.duplicateAlarms).toBe(0);
    expect(check.notInSnapshot).toBe(0);
    expect((result.data.otherNode as { count: number }).count).toBe(4);
    // Every acknowledged alarm shown at A: pushed, or (committed by B, which died before pushing)
    // in the snapshot A's console reloaded when A saw B stop beating.
    expect(result.data.notShown).toBe(0);
    for (const target of result.targets) expect(target, target.target).toMatchObject({ met: true });
    expect(formatTable(result)).toContain('console on the other node');
    expect(formatTable(result)).toContain('2 nodes / 1 node (ingest)');
  }, 180_000);
});
