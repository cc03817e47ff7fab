// The set-up the benchmark smoke tests share: a temporary work and cache directory, a seeded data
// directory of a few devices to start the ARC from, and the bench's log kept for a failure report.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchContext } from '../../bench/scenario-kit.js';
import { ensureSeededTemplate } from '../../bench/seeded-data-dir.js';

export interface BenchSmoke {
  ctx: BenchContext;
  /** Every line the bench logged, to print when a test fails. */
  lines: string[];
  close(): Promise<void>;
}

export async function startBenchSmoke(name: string, devices: number): Promise<BenchSmoke> {
  const root = await mkdtemp(path.join(tmpdir(), `arc-bench-${name}-`));
  const lines: string[] = [];
  const ctx: BenchContext = {
    workDir: path.join(root, 'work'),
    cacheDir: path.join(root, 'cache'),
    workers: 1,
    log: (l) => lines.push(l),
    progressEveryS: 60,
  };
  await ensureSeededTemplate({ count: devices, cacheDir: ctx.cacheDir });
  return { ctx, lines, close: () => rm(root, { recursive: true, force: true }) };
}
