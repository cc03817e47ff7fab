// `npm run bench:faults -- [fault …] [flags]`: the fault runs of issue 5 (kill -9 during a storm,
// PostgreSQL unavailable under load, a device flooding garbage), each on a fresh ARC.
import { parseArgs } from 'node:util';
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
import { KILL_DEFAULTS, runKillDuringStorm } from './scenarios/fault-kill.js';
import { POSTGRES_OUTAGE_DEFAULTS, runPostgresOutage, type OutageMode } from './scenarios/fault-postgres.js';
import { GARBAGE_DEFAULTS, runGarbageFlood } from './scenarios/fault-garbage.js';
import type { FloodKind } from './sim-protocol.js';

export const FAULTS = ['kill', 'postgres', 'garbage'] as const;

const USAGE = `Usage: npm run bench:faults -- [fault …] [flags]

Faults (default: all, in this order):
  kill       kill -9 of the ARC during an alarm storm, restart; --cycles times, new devices each
  postgres   PostgreSQL unavailable --outage-s under load: stopped and started, then frozen
  garbage    one device floods garbage beside --garbage-devices well-behaved ones

Flags:
  --cycles N (5)  --cycle-devices N (300)  --storm-window-s S (10)  --settle-s S (30: how long a press may wait for its answers)
  --downtime-s S (12: the ARC stays down this long before it is started again)
  --pg-devices N (500)  --outage-s S (30)  --pg-modes stop,freeze
  --garbage-devices N (1000)  --phase-s S (45)  --flood-rate N (5000 publishes/s)
  --flood-kinds garbage-publishes,huge-payloads,raw-bytes
  --workers N (2)  --out DIR  --cache DIR  --work DIR  --cpu-prof DIR  --node-arg=ARG  --keep-work  --no-latest`;

export interface FaultFlags extends CommonFlags {
  faults: string[];
  cycles: number;
  cycleDevices: number;
  stormWindowS: number;
  settleS: number;
  downtimeS: number;
  pgDevices: number;
  outageS: number;
  pgModes: OutageMode[];
  garbageDevices: number;
  phaseS: number;
  floodRate: number;
  floodKinds: FloodKind[];
}

export function parseFaultFlags(argv: string[]): FaultFlags | { help: true } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cycles: { type: 'string', default: String(KILL_DEFAULTS.cycles) },
      'cycle-devices': { type: 'string', default: String(KILL_DEFAULTS.devicesPerCycle) },
      'storm-window-s': { type: 'string', default: String(KILL_DEFAULTS.windowS) },
      'settle-s': { type: 'string', default: String(KILL_DEFAULTS.settleTimeoutS) },
      'downtime-s': { type: 'string', default: String(KILL_DEFAULTS.downtimeS) },
      'pg-devices': { type: 'string', default: String(POSTGRES_OUTAGE_DEFAULTS.devices) },
      'outage-s': { type: 'string', default: String(POSTGRES_OUTAGE_DEFAULTS.outageS) },
      'pg-modes': { type: 'string', default: POSTGRES_OUTAGE_DEFAULTS.modes.join(',') },
      'garbage-devices': { type: 'string', default: String(GARBAGE_DEFAULTS.devices) },
      'phase-s': { type: 'string', default: String(GARBAGE_DEFAULTS.phaseS) },
      'flood-rate': { type: 'string', default: String(GARBAGE_DEFAULTS.publishRate) },
      'flood-kinds': { type: 'string', default: GARBAGE_DEFAULTS.kinds.join(',') },
      ...COMMON_OPTIONS,
    },
  });
  if (values.help) return { help: true };
  const unknown = positionals.filter((p) => !(FAULTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown fault ${unknown.join(', ')}; one of ${FAULTS.join(', ')}`);
  const int = positiveNumber;
  const modes = values['pg-modes']!.split(',').filter(Boolean);
  if (modes.some((m) => m !== 'stop' && m !== 'freeze')) throw new Error('--pg-modes takes stop and/or freeze');
  const kinds = values['flood-kinds']!.split(',').filter(Boolean);
  const allKinds: FloodKind[] = ['garbage-publishes', 'huge-payloads', 'raw-bytes'];
  if (!kinds.length || kinds.some((k) => !allKinds.includes(k as FloodKind)))
    throw new Error(`--flood-kinds takes ${allKinds.join(', ')}`);
  return {
    faults: positionals.length ? positionals : [...FAULTS],
    cycles: int('cycles', values.cycles!),
    cycleDevices: int('cycle-devices', values['cycle-devices']!),
    stormWindowS: int('storm-window-s', values['storm-window-s']!),
    settleS: int('settle-s', values['settle-s']!),
    downtimeS: Number(values['downtime-s']),
    pgDevices: int('pg-devices', values['pg-devices']!),
    outageS: int('outage-s', values['outage-s']!),
    pgModes: modes as OutageMode[],
    garbageDevices: int('garbage-devices', values['garbage-devices']!),
    phaseS: int('phase-s', values['phase-s']!),
    floodRate: int('flood-rate', values['flood-rate']!),
    floodKinds: kinds as FloodKind[],
    ...commonFlags(values),
  };
}

export function runFaults(
  flags: FaultFlags,
  log: (line: string) => void = (l) => console.error(l),
): Promise<RunOutcome> {
  const steps: Step[] = [];
  for (const fault of flags.faults) {
    if (fault === 'kill')
      steps.push([
        'kill -9 during a storm',
        (ctx) =>
          runKillDuringStorm(ctx, {
            ...KILL_DEFAULTS,
            cycles: flags.cycles,
            devicesPerCycle: flags.cycleDevices,
            windowS: flags.stormWindowS,
            settleTimeoutS: flags.settleS,
            downtimeS: flags.downtimeS,
          }),
      ]);
    if (fault === 'postgres')
      steps.push([
        'PostgreSQL unavailable',
        (ctx) =>
          runPostgresOutage(ctx, {
            ...POSTGRES_OUTAGE_DEFAULTS,
            devices: flags.pgDevices,
            outageS: flags.outageS,
            modes: flags.pgModes,
          }),
      ]);
    if (fault === 'garbage')
      steps.push([
        'garbage flood',
        (ctx) =>
          runGarbageFlood(ctx, {
            ...GARBAGE_DEFAULTS,
            devices: flags.garbageDevices,
            phaseS: flags.phaseS,
            publishRate: flags.floodRate,
            kinds: flags.floodKinds,
          }),
      ]);
  }
  return runSteps('faults', 'fault runs', flags, steps, log);
}

if (isMainModule(import.meta.url)) await runCli('bench:faults', USAGE, parseFaultFlags, runFaults);
