// `npm run bench -- [scenario …] [flags]`: the load and latency scenarios of issue 5, each against
// a freshly started ARC. Prints a table per scenario, writes <out>/bench-<time>.json and refreshes
// bench/results/latest.md. See bench/README.md.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OUT_DIR } from './report.js';
import { DEFAULT_CACHE_DIR } from './seeded-data-dir.js';
import {
  COMMON_OPTIONS,
  commonFlags,
  isMainModule,
  positiveNumber,
  runCli,
  runSteps,
  type CommonFlags,
  type RunOutcome,
  type Step,
} from './bench-runner.js';
import { runConnectStorm } from './scenarios/connect-storm.js';
import { TRACKING_DEFAULTS, runTracking } from './scenarios/tracking.js';
import { PURGE_LOAD_DEFAULTS } from './purge-load.js';
import { INGEST_DEFAULTS, runIngestCeiling } from './scenarios/ingest-ceiling.js';
import { STORM_DEFAULTS, runAlarmStorm } from './scenarios/alarm-storm.js';
import { CLUSTER_DEFAULTS, runCluster } from './scenarios/cluster.js';
import { CONSOLE_FLOOD_DEFAULTS, runConsoleFlood } from './console-flood.js';
import { CONSOLE_CHURN_DEFAULTS, runConsoleChurn } from './console-churn.js';

export const BENCH_SCENARIOS = [
  'connect-storm',
  'tracking',
  'ingest',
  'alarm-storm',
  'console',
  'console-churn',
  'cluster',
] as const;
/** Run when no scenario is named: the console ones need Chromium, the cluster one redis-server; they are asked for by name. */
const DEFAULT_SCENARIOS = BENCH_SCENARIOS.filter((s) => s !== 'console' && s !== 'console-churn' && s !== 'cluster');

const USAGE = `Usage: npm run bench -- [scenario …] [flags]

Scenarios (default: all but console, console-churn and cluster, in this order):
  connect-storm   N devices connect at once, on a fresh ARC each (--sizes, default 1000,5000;
                  the 10,000 storm is the start of "tracking")
  tracking        10,000 devices connect at once, then a fix every 30 s and a heartbeat every 60 s
                  for 2 minutes, with single SOS presses timed (scenarios 1 at 10,000, 2 and 4);
                  old fixes fall due 60 s in and the retention sweep purges them while it runs
                  (tracking goes on until 30 s after the purge, at most 6 minutes)
  ingest          fix rate raised until the backlog grows, ARC then bare Aedes (scenario 3)
  alarm-storm     2,000 devices press SOS within 10 s (scenario 5)
  console         the operator console in Chromium: N open alarms, then SOS presses at a rate
                  (--console-open, --console-rate, --console-window-s; issue 14)
  console-churn   the console in Chromium on N open alarms while SOS alarms are raised and
                  resolved for M minutes: JS heap and DOM nodes sampled, slope per hour
                  (--churn-open, --churn-rate, --churn-minutes; issue 14)
  cluster         ARC nodes on one PostgreSQL and a local redis-server: the ingest ceiling and
                  alarm latency with 1 node, then with 2 (latency to the console on the same and
                  on the other node), then kill -9 of one node during an SOS storm (issue 15;
                  needs /usr/bin/redis-server)

Flags:
  --sizes 1000,5000        connect storm sizes
  --tracking-devices N     (10000)   --duration S (120)   --press-every-ms MS (250)
  --purge-rows N           old fixes for the purge during tracking (${PURGE_LOAD_DEFAULTS.rows}; 0: none)
  --ingest-devices N       (2000)    --step-s S (12)
  --storm-devices N        (2000)    --storm-window-s S (10)
  --console-open N         (5000)    --console-rate N (200)   --console-window-s S (10)
  --console-profile DIR    a CPU profile of the page during the storm (.cpuprofile), its top functions logged
  --console-trace DIR      a Chromium performance trace of the page during the storm, its long tasks summed up
  --churn-open N           (${CONSOLE_CHURN_DEFAULTS.open})    --churn-rate N (${CONSOLE_CHURN_DEFAULTS.rate})     --churn-minutes M (${CONSOLE_CHURN_DEFAULTS.minutes})
  --cluster-devices N      (${CLUSTER_DEFAULTS.devices})    --cluster-presses N (${CLUSTER_DEFAULTS.latencyPresses}, with 1 node and again with 2)
  --cluster-storm N        devices pressing SOS while a node is killed (${CLUSTER_DEFAULTS.stormDevices}, at most those left)
  --workers N              simulator processes (2)
  --out DIR                where the JSON goes (${DEFAULT_OUT_DIR})
  --cache DIR              seeded data directories (${DEFAULT_CACHE_DIR})
  --work DIR               scenario data directories, removed afterwards (${path.join(tmpdir(), 'arc-bench-work')})
  --cpu-prof DIR           run the ARC with --cpu-prof, profiles in DIR (written when it stops)
  --node-arg=ARG           one more flag for the ARC's node, e.g. --node-arg=--trace-gc (repeatable)
  --keep-work              keep the scenario work directories (the ARC's output: <work>/…/arc-output.log)
  --no-latest              do not touch bench/results/latest.md (smoke runs)`;

export interface BenchFlags extends CommonFlags {
  scenarios: string[];
  sizes: number[];
  trackingDevices: number;
  durationS: number;
  pressEveryMs: number;
  purgeRows: number;
  ingestDevices: number;
  stepS: number;
  stormDevices: number;
  stormWindowS: number;
  consoleOpen: number;
  consoleRate: number;
  consoleWindowS: number;
  consoleProfile?: string;
  consoleTrace?: string;
  churnOpen: number;
  churnRate: number;
  churnMinutes: number;
  clusterDevices: number;
  clusterPresses: number;
  clusterStorm: number;
}

export function parseBenchFlags(argv: string[]): BenchFlags | { help: true } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      sizes: { type: 'string', default: '1000,5000' },
      'tracking-devices': { type: 'string', default: String(TRACKING_DEFAULTS.devices) },
      duration: { type: 'string', default: String(TRACKING_DEFAULTS.durationS) },
      'press-every-ms': { type: 'string', default: String(TRACKING_DEFAULTS.pressEveryMs) },
      'purge-rows': { type: 'string', default: String(PURGE_LOAD_DEFAULTS.rows) },
      'ingest-devices': { type: 'string', default: String(INGEST_DEFAULTS.devices) },
      'step-s': { type: 'string', default: String(INGEST_DEFAULTS.stepS) },
      'storm-devices': { type: 'string', default: String(STORM_DEFAULTS.devices) },
      'storm-window-s': { type: 'string', default: String(STORM_DEFAULTS.windowS) },
      'console-open': { type: 'string', default: String(CONSOLE_FLOOD_DEFAULTS.open) },
      'console-rate': { type: 'string', default: String(CONSOLE_FLOOD_DEFAULTS.rate) },
      'console-window-s': { type: 'string', default: String(CONSOLE_FLOOD_DEFAULTS.windowS) },
      'console-profile': { type: 'string' },
      'console-trace': { type: 'string' },
      'churn-open': { type: 'string', default: String(CONSOLE_CHURN_DEFAULTS.open) },
      'churn-rate': { type: 'string', default: String(CONSOLE_CHURN_DEFAULTS.rate) },
      'churn-minutes': { type: 'string', default: String(CONSOLE_CHURN_DEFAULTS.minutes) },
      'cluster-devices': { type: 'string', default: String(CLUSTER_DEFAULTS.devices) },
      'cluster-presses': { type: 'string', default: String(CLUSTER_DEFAULTS.latencyPresses) },
      'cluster-storm': { type: 'string', default: String(CLUSTER_DEFAULTS.stormDevices) },
      ...COMMON_OPTIONS,
    },
  });
  if (values.help) return { help: true };
  const unknown = positionals.filter((p) => !(BENCH_SCENARIOS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; one of ${BENCH_SCENARIOS.join(', ')}`);
  const int = positiveNumber;
  return {
    scenarios: positionals.length ? positionals : [...DEFAULT_SCENARIOS],
    sizes: values
      .sizes!.split(',')
      .filter(Boolean)
      .map((s) => int('sizes', s)),
    trackingDevices: int('tracking-devices', values['tracking-devices']!),
    durationS: int('duration', values.duration!),
    pressEveryMs: int('press-every-ms', values['press-every-ms']!),
    purgeRows: values['purge-rows'] === '0' ? 0 : int('purge-rows', values['purge-rows']!),
    ingestDevices: int('ingest-devices', values['ingest-devices']!),
    stepS: int('step-s', values['step-s']!),
    stormDevices: int('storm-devices', values['storm-devices']!),
    stormWindowS: int('storm-window-s', values['storm-window-s']!),
    // 0 is allowed: the alarm storm seen in a browser, with no backlog.
    consoleOpen: values['console-open'] === '0' ? 0 : int('console-open', values['console-open']!),
    consoleRate: int('console-rate', values['console-rate']!),
    consoleWindowS: int('console-window-s', values['console-window-s']!),
    consoleProfile: values['console-profile'],
    consoleTrace: values['console-trace'],
    churnOpen: values['churn-open'] === '0' ? 0 : int('churn-open', values['churn-open']!),
    churnRate: int('churn-rate', values['churn-rate']!),
    churnMinutes: int('churn-minutes', values['churn-minutes']!),
    clusterDevices: int('cluster-devices', values['cluster-devices']!),
    clusterPresses: int('cluster-presses', values['cluster-presses']!),
    clusterStorm: int('cluster-storm', values['cluster-storm']!),
    ...commonFlags(values),
  };
}

/** Runs the chosen scenarios; a failing one is reported and the rest still run. */
export function runBench(
  flags: BenchFlags,
  log: (line: string) => void = (l) => console.error(l),
): Promise<RunOutcome> {
  const steps: Step[] = [];
  for (const scenario of flags.scenarios) {
    if (scenario === 'connect-storm')
      for (const n of flags.sizes) steps.push([`connect storm ${n}`, (ctx) => runConnectStorm(ctx, n)]);
    if (scenario === 'tracking')
      steps.push([
        'tracking',
        (ctx) =>
          runTracking(ctx, {
            ...TRACKING_DEFAULTS,
            devices: flags.trackingDevices,
            durationS: flags.durationS,
            pressEveryMs: flags.pressEveryMs,
            purge: flags.purgeRows > 0 ? { ...PURGE_LOAD_DEFAULTS, rows: flags.purgeRows } : undefined,
          }),
      ]);
    if (scenario === 'ingest')
      steps.push([
        'ingest ceiling',
        (ctx) => runIngestCeiling(ctx, { ...INGEST_DEFAULTS, devices: flags.ingestDevices, stepS: flags.stepS }),
      ]);
    if (scenario === 'alarm-storm')
      steps.push([
        'alarm storm',
        (ctx) => runAlarmStorm(ctx, { ...STORM_DEFAULTS, devices: flags.stormDevices, windowS: flags.stormWindowS }),
      ]);
    if (scenario === 'console')
      steps.push([
        'console flood',
        (ctx) =>
          runConsoleFlood(ctx, {
            ...CONSOLE_FLOOD_DEFAULTS,
            open: flags.consoleOpen,
            rate: flags.consoleRate,
            windowS: flags.consoleWindowS,
            profileDir: flags.consoleProfile,
            traceDir: flags.consoleTrace,
          }),
      ]);
    if (scenario === 'console-churn')
      steps.push([
        'console churn',
        (ctx) =>
          runConsoleChurn(ctx, {
            ...CONSOLE_CHURN_DEFAULTS,
            open: flags.churnOpen,
            rate: flags.churnRate,
            minutes: flags.churnMinutes,
          }),
      ]);
    if (scenario === 'cluster')
      steps.push([
        'cluster',
        (ctx) =>
          runCluster(ctx, {
            ...CLUSTER_DEFAULTS,
            devices: flags.clusterDevices,
            latencyPresses: flags.clusterPresses,
            stormDevices: flags.clusterStorm,
          }),
      ]);
  }
  return runSteps('bench', 'bench', flags, steps, log);
}

if (isMainModule(import.meta.url)) await runCli('bench', USAGE, parseBenchFlags, runBench);
