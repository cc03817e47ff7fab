// A short run of the tracking benchmark with the retention purge working (issue 16, item 5): old
// fixes fall due on the ARC's clock during the run and the ARC's own sweep purges them in batches
// while devices track and press SOS. Asserted: what must hold at any size (every old fix purged,
// every recent one kept, no alarm lost); never a figure of speed. The real run is
// `npm run bench -- tracking` (docs/guides/benchmarks.md).
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { PURGE_BATCH } from '../api/rules/retention-rules.js';
import type { BenchContext } from '../bench/scenario-kit.js';
import { startBenchSmoke, type BenchSmoke } from './support/bench-smoke-context.js';
import { runTracking } from '../bench/scenarios/tracking.js';
import type { PurgeComparison } from '../bench/purge-load.js';

let smoke: BenchSmoke;
let ctx: BenchContext;
let lines: string[];

beforeAll(async () => {
  smoke = await startBenchSmoke('purge-smoke', 8);
  ({ ctx, lines } = smoke);
}, 60_000);

afterAll(async () => {
  await smoke?.close();
});

describe('the tracking benchmark with the retention purge', () => {
  it('purges every old fix by itself in batches, keeps the recent ones and loses no alarm', async () => {
    onTestFailed(() => console.error(lines.slice(-30).join('\n')));
    // Three full batches and a bit: the sweep must come back for the rest without waiting a minute.
    const rows = PURGE_BATCH * 3 + 123;
    // An idle sweep passes once a minute from the ARC's start: the old fixes fall due at the
    // first pass, about a minute in.
    const results = await runTracking(ctx, {
      devices: 6,
      durationS: 3,
      fixEveryS: 1,
      heartbeatS: 2,
      pressEveryMs: 500,
      connectSettleS: 0.2,
      purge: { rows, idleS: 1, tailS: 2, maxS: 120 },
    });
    const purge = results.find((r) => r.name === 'purge-during-tracking')!;
    const data = purge.data as unknown as PurgeComparison & {
      oldLeft: number;
      alarmsStored: number;
      run: { presses: number; acked: number; shown: number; ackedNotStored: number };
    };
    expect(data.oldLeft).toBe(0);
    expect(data.purgedFixes).toBe(rows);
    expect(data.passes).toBeGreaterThanOrEqual(4); // in batches, never one statement for all
    expect(data.longestPassMs).toEqual(expect.any(Number));
    // Recent fixes kept: everything the devices had acknowledged is still stored.
    expect(data.run.ackedNotStored).toBe(0);
    const [, sustained] = results;
    expect(sustained.data.storedAfterDrain as number).toBeGreaterThan(0);
    // No alarm lost: every press acknowledged, shown on the console and stored.
    expect(data.run.presses).toBeGreaterThan(0);
    expect(data.run).toMatchObject({ acked: data.run.presses, shown: data.run.presses });
    expect(data.alarmsStored).toBeGreaterThanOrEqual(data.run.presses);
    expect(purge.targets.slice(0, 2).map((t) => t.met)).toEqual([true, true]);
  }, 240_000);
});
