// Results: a table for people, a JSON file per run, and bench/results/latest.md, which keeps the
// newest result of every scenario (and of every target) for docs/guides/benchmarks.md to link.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LatencySummary } from './latency-histogram.js';
import { loadAverage } from './proc-stats.js';

export interface TargetCheck {
  target: string;
  measured: string;
  /** null when the run could not tell (too few samples, scenario incomplete). */
  met: boolean | null;
}

export interface ScenarioResult {
  name: string;
  title: string;
  startedAt: string;
  seconds: number;
  /** The human table: metric, value. */
  rows: [string, string][];
  targets: TargetCheck[];
  /** Everything measured, for the JSON file. */
  data: Record<string, unknown>;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  loadAverageAtStart: number[];
}

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
export const DEFAULT_OUT_DIR = path.join(tmpdir(), 'arc-bench-results');

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadAverage(),
  };
}

export const ms = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`;
export const num = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '–'
    : v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const mib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? '–' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
export const kib = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? '–' : `${(bytes / 1024).toFixed(1)} KiB`;
export const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '–' : `${Math.round(share * 100)} %`;
export const latencyRow = (s: LatencySummary) =>
  `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · p99 ${ms(s.p99)} · max ${ms(s.max)} (n=${s.count})`;

export function formatTable(result: ScenarioResult): string {
  const width = Math.max(...result.rows.map(([k]) => k.length), 10);
  const lines = [`\n== ${result.title} (${result.seconds.toFixed(0)} s) ==`];
  for (const [k, v] of result.rows) lines.push(`  ${k.padEnd(width)}  ${v}`);
  for (const t of result.targets)
    lines.push(`  ${t.met === true ? 'MET ' : t.met === false ? 'MISS' : '??  '}  ${t.target}: ${t.measured}`);
  return lines.join('\n');
}

/** Writes <out>/<run>-<timestamp>.json and refreshes bench/results/latest.md; returns the JSON path. */
export async function writeRun(
  run: string,
  results: ScenarioResult[],
  outDir: string,
  host: Machine,
  updateLatest = true,
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(outDir, `${run}-${stamp}.json`);
  await writeFile(file, JSON.stringify({ run, machine: host, results }, null, 2) + '\n');
  if (updateLatest) await updateLatestSummary(results, host);
  return file;
}

interface LatestStore {
  scenarios: Record<string, { result: ScenarioResult; machine: Machine }>;
}

async function updateLatestSummary(results: ScenarioResult[], host: Machine): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const storePath = path.join(RESULTS_DIR, 'latest.json');
  const store: LatestStore = existsSync(storePath) ? JSON.parse(await readFile(storePath, 'utf8')) : { scenarios: {} };
  for (const result of results) store.scenarios[result.name] = { result: { ...result, data: {} }, machine: host };
  await writeFile(storePath, JSON.stringify(store, null, 2) + '\n');

  const lines = [
    '# Benchmark results (newest run of each scenario)',
    '',
    'Written by `npm run bench` and `npm run bench:faults` (bench/report.ts); see bench/README.md for what each figure means.',
    '',
    '| Scenario | Date | Machine | Load avg at start | Figures | Targets |',
    '|---|---|---|---|---|---|',
  ];
  const order = Object.values(store.scenarios).sort((a, b) =>
    a.result.name.localeCompare(b.result.name, 'en', { numeric: true }),
  );
  for (const { result, machine: m } of order) {
    const figures = result.rows.map(([k, v]) => `${k}: ${v}`).join('<br>');
    const targets =
      result.targets
        .map((t) => `${t.met === true ? '✅' : t.met === false ? '❌' : '❔'} ${t.target}: ${t.measured}`)
        .join('<br>') || '–';
    lines.push(
      `| ${result.title} | ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC | ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node} | ${m.loadAverageAtStart.join(' ')} | ${figures.replace(/\|/g, '\\|')} | ${targets.replace(/\|/g, '\\|')} |`,
    );
  }
  await writeFile(path.join(RESULTS_DIR, 'latest.md'), lines.join('\n') + '\n');
}
