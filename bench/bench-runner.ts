// What `npm run bench` and `npm run bench:faults` share: the flags every run takes, the loop that
// runs scenarios one by one (a failing one is reported and the rest still run) and writes the
// results, and the command-line entry.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_OUT_DIR, formatTable, machine, writeRun, type ScenarioResult } from './report.js';
import { DEFAULT_CACHE_DIR } from './seeded-data-dir.js';
import { exitOnSignals } from './arc-process.js';
import type { BenchContext } from './scenario-kit.js';

/** parseArgs options every run takes. */
export const COMMON_OPTIONS = {
  workers: { type: 'string', default: '2' },
  out: { type: 'string', default: DEFAULT_OUT_DIR },
  cache: { type: 'string', default: DEFAULT_CACHE_DIR },
  work: { type: 'string', default: path.join(tmpdir(), 'arc-bench-work') },
  'cpu-prof': { type: 'string' },
  'node-arg': { type: 'string', multiple: true },
  'keep-work': { type: 'boolean', default: false },
  'no-latest': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

export interface CommonFlags {
  workers: number;
  out: string;
  cache: string;
  work: string;
  cpuProf?: string;
  /** More flags for the ARC's node (e.g. --trace-gc: its output goes to arc-output.log in the work directory). */
  nodeArgs: string[];
  /** Keep the scenario work directories (the ARC's data and arc-output.log). */
  keepWork: boolean;
  latest: boolean;
}

export function positiveNumber(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

export function commonFlags(values: {
  workers?: string;
  out?: string;
  cache?: string;
  work?: string;
  'cpu-prof'?: string;
  'node-arg'?: string[];
  'keep-work'?: boolean;
  'no-latest'?: boolean;
}): CommonFlags {
  return {
    workers: positiveNumber('workers', values.workers!),
    out: values.out!,
    cache: values.cache!,
    work: values.work!,
    cpuProf: values['cpu-prof'],
    nodeArgs: values['node-arg'] ?? [],
    keepWork: values['keep-work'] ?? false,
    latest: !values['no-latest'],
  };
}

export function contextOf(
  flags: Pick<CommonFlags, 'work' | 'cache' | 'workers' | 'cpuProf'> &
    Partial<Pick<CommonFlags, 'nodeArgs' | 'keepWork'>>,
  log: (line: string) => void,
): BenchContext {
  const nodeArgs = [
    ...(flags.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${flags.cpuProf}`] : []),
    ...(flags.nodeArgs ?? []),
  ];
  return {
    workDir: flags.work,
    cacheDir: flags.cache,
    workers: flags.workers,
    log,
    arcNodeArgs: nodeArgs.length ? nodeArgs : undefined,
    keepData: flags.keepWork,
  };
}

export type Step = [name: string, work: (ctx: BenchContext) => Promise<ScenarioResult | ScenarioResult[]>];

export interface RunOutcome {
  results: ScenarioResult[];
  file: string;
  failures: string[];
}

export async function runSteps(
  kind: 'bench' | 'faults',
  title: string,
  flags: CommonFlags,
  steps: Step[],
  log: (line: string) => void,
): Promise<RunOutcome> {
  await mkdir(flags.work, { recursive: true });
  const ctx = contextOf(flags, log);
  const host = machine();
  log(
    `ArcAngel ${title} on ${host.cores} × ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}; load average ${host.loadAverageAtStart.join(' ')}`,
  );
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  for (const [name, work] of steps) {
    log(`\n# ${name}`);
    try {
      for (const result of [await work(ctx)].flat()) {
        results.push(result);
        console.log(formatTable(result));
      }
    } catch (err) {
      failures.push(`${name}: ${(err as Error).stack ?? err}`);
      log(`${name} failed: ${(err as Error).stack ?? err}`);
    }
  }
  const file = await writeRun(kind, results, flags.out, host, flags.latest);
  log(`\nresults: ${file}${flags.latest ? ' · summary: bench/results/latest.md' : ''}`);
  return { results, file, failures };
}

/** The command-line entry: bad flags exit 2 with the usage, a failed scenario exits 1. */
export async function runCli<F>(
  command: string,
  usage: string,
  parse: (argv: string[]) => F | { help: true },
  run: (flags: F) => Promise<RunOutcome>,
): Promise<never> {
  exitOnSignals();
  let flags: F | { help: true };
  try {
    flags = parse(process.argv.slice(2));
  } catch (err) {
    console.error(`${command}: ${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (typeof flags === 'object' && flags !== null && 'help' in flags) {
    console.log(usage);
    process.exit(0);
  }
  const { failures } = await run(flags as F);
  process.exit(failures.length ? 1 : 0);
}

export const isMainModule = (url: string) =>
  Boolean(process.argv[1]) && path.resolve(process.argv[1]) === path.resolve(new URL(url).pathname);
