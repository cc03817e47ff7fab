// A short run of `npm run bench -- cluster` with a handful of devices: two ARC nodes started as
// `npm start` does, on one PostgreSQL and a local redis-server, devices on both, a console on
// each, then kill -9 of node B during a storm. Only outcomes are asserted (every press seen on the
// other node's console; after the kill nothing acknowledged lost, nothing duplicated, every alarm
// shown on the surviving node's console, every device back on A), never a speed.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatTable } from '../bench/report.js';
import type { BenchContext } from '../bench/scenario-kit.js';
import { ensureSeededTemplate } from '../bench/seeded-data-dir.js';
import { runCluster } from '../bench/scenarios/cluster.js';
import type { StormCheck } from '../bench/storm-check.js';

let root: string;
let ctx: BenchContext;
const lines: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'arc-bench-cluster-smoke-'));
  ctx = {
    workDir: path.join(root, 'work'),
    cacheDir: path.join(root, 'cache'),
    workers: 1,
    log: (l) => lines.push(l),
    progressEveryS: 60,
  };
  await ensureSeededTemplate({ count: 16, cacheDir: ctx.cacheDir });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the cluster benchmark, with a handful of devices', () => {
  it("two nodes: presses reach the other node's console; kill -9 of one loses and duplicates nothing and its devices move", async () => {
    onTestFailed(() => console.error(lines.join('\n')));
    const result = await runCluster(ctx, {
      devices: 16,
      latencyPresses: 4,
      pressEveryMs: 100,
      windowS: 3,
      settleTimeoutS: 40,
    });
    const check = result.data.check as StormCheck;
    expect(check.pressed).toBe(12);
    expect(check.acknowledged).toBe(12);
    expect(check.lost).toBe(0);
    expect(check.duplicateAlarms).toBe(0);
    expect(check.notInSnapshot).toBe(0);
    expect((result.data.otherNode as { count: number }).count).toBe(4);
    // Every acknowledged alarm shown at A: pushed, or (committed by B, which died before pushing)
    // in the snapshot A's console reloaded when A saw B stop beating.
    expect(result.data.notShown).toBe(0);
    for (const target of result.targets) expect(target, target.target).toMatchObject({ met: true });
    expect(formatTable(result)).toContain('console on the other node');
  }, 180_000);
});
