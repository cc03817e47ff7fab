// A short run of the console flood benchmark (issue 14, `npm run bench -- console`) with a handful
// of alarms: the script works end to end (a real ARC with alarms inserted, Chromium at 1440×900
// logged in, an SOS storm through MQTT, every figure measured in the page, a trace of the page
// written and summed up). Nothing here asserts a speed; only that every field is reported and
// what must hold at any size: the count on the page is the count of open alarms.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsoleFlood } from '../bench/console-flood.js';
import { runConsoleChurn } from '../bench/console-churn.js';
import { parseBenchFlags } from '../bench/run-bench.js';
import { formatTable } from '../bench/report.js';
import type { BenchContext } from '../bench/scenario-kit.js';
import { startBenchSmoke, type BenchSmoke } from './support/bench-smoke-context.js';

let smoke: BenchSmoke;
let ctx: BenchContext;

beforeAll(async () => {
  smoke = await startBenchSmoke('console', 6);
  ({ ctx } = smoke);
}, 60_000);

afterAll(async () => {
  await smoke?.close();
});

describe('the console flood benchmark, with a handful of alarms', () => {
  it('is a scenario of npm run bench, asked for by name', () => {
    expect(parseBenchFlags(['console', '--console-open', '30'])).toMatchObject({
      scenarios: ['console'],
      consoleOpen: 30,
    });
    expect(parseBenchFlags([])).toMatchObject({ scenarios: ['connect-storm', 'tracking', 'ingest', 'alarm-storm'] });
  });

  it('measures a storm in Chromium and reports every figure', async () => {
    const traceDir = path.join(ctx.workDir, 'trace');
    const result = await runConsoleFlood(ctx, { open: 30, rate: 5, windowS: 1, settleTimeoutS: 60, traceDir });
    const table = formatTable(result);
    for (const field of [
      'publish → shown in the page',
      'push reaching the page → shown',
      'long tasks during the storm',
      'click → paint, median · max of 5: open an alarm · accept it',
      'JS heap before · after the storm',
      'log-in → first row',
      'GET /api/alarms: objects · ?form=rows (the console) · gzipped',
    ]) {
      expect(table).toContain(field);
    }
    expect(result.data).toMatchObject({ finalCount: 35, stored: 35 });
    expect((result.data.shown as { count: number }).count).toBe(5);
    // Every push was seen arriving in the page (the WebSocket probe) and then shown.
    expect((result.data.pushToShown as { count: number }).count).toBe(5);
    expect(result.data.openPaint).toEqual(expect.any(Number));
    expect(result.data.acceptPaint).toEqual(expect.any(Number));
    expect(result.data.acceptedPaint).toEqual(expect.any(Number));
    expect(result.data.heapAfter).toEqual(expect.any(Number));
    const snapshot = result.data.snapshot as { objects: number; rows: number; gzipped: number };
    expect(snapshot.rows).toBeGreaterThan(0);
    expect(snapshot.rows).toBeLessThan(snapshot.objects);
    // --console-trace: a Chromium trace of the storm, written and summed up (the renderer's main
    // thread found, its tasks counted).
    const [traceFile] = await readdir(traceDir);
    expect(traceFile).toMatch(/\.trace\.json$/);
    expect(smoke.lines.join('\n')).toMatch(/page trace .*\.trace\.json\n\s+[1-9][\d,]* tasks on the main thread/);
  }, 120_000);
});

describe('the console churn benchmark, for a few seconds', () => {
  it('raises and resolves alarms with the console open, samples its memory, and the count stays exact', async () => {
    expect(parseBenchFlags(['console-churn', '--churn-minutes', '5'])).toMatchObject({
      scenarios: ['console-churn'],
      churnMinutes: 5,
    });
    const result = await runConsoleChurn(ctx, { open: 20, rate: 0.5, minutes: 0.2, sampleEveryS: 5 });
    const table = formatTable(result);
    for (const field of [
      'JS heap after GC: first · last · slope',
      'DOM nodes: first · last · slope',
      'count on the page · open in PostgreSQL',
    ])
      expect(table).toContain(field);
    const data = result.data as {
      raised: number;
      resolved: number;
      refused: number;
      finalCount: number;
      stored: number;
      samples: { heap: number; nodes: number }[];
    };
    expect(data.raised).toBeGreaterThan(0);
    // Every alarm the presses raised was resolved (a press on a still open alarm raises none), and the page counts the backlog again.
    expect(data.resolved).toBeGreaterThan(0);
    expect(data).toMatchObject({ refused: 0, stored: 20, finalCount: 20 });
    expect(data.samples.length).toBeGreaterThanOrEqual(2);
    for (const s of data.samples) {
      expect(s.heap).toBeGreaterThan(0);
      expect(s.nodes).toBeGreaterThan(0);
    }
  }, 180_000);
});
