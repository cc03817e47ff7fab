// Scenario 3, ingest ceiling: the same devices send fixes at a rising rate (×1.4 per step) until
// the backlog grows (acknowledged rate below 90 % of offered, or the unacknowledged count rising
// by more than 5 % of the offered rate). The ARC acknowledges only after commit, so its PUBACK
// rate is its stored rate (checked against PostgreSQL after a drain). Then the same load against a
// bare Aedes broker whose subscriber stores nothing, in the same run; the ratio is the target.
import { postgresPidOf, startBareBroker } from '../arc-process.js';
import type { LatencySummary } from '../latency-histogram.js';
import { CpuMeter, cpuSecondsOf, treeCpuSeconds, loadAverage } from '../proc-stats.js';
import { ms, num, pct, type ScenarioResult } from '../report.js';
import { type BenchContext, devicesFor, sleep, startScenarioArc, waitFor, warningsOf } from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import { logIn } from '../operator-console.js';
import type { DeviceLogin } from '../sim-protocol.js';

export interface IngestOptions {
  devices: number;
  stepS: number;
  settleS: number;
  startRate: number;
  factor: number;
  maxRate: number;
}

export const INGEST_DEFAULTS: IngestOptions = {
  devices: 2000,
  stepS: 12,
  settleS: 3,
  startRate: 1000,
  factor: 1.4,
  maxRate: 80_000,
};

export interface Step {
  target: number;
  offered: number;
  acked: number;
  backlogStart: number;
  backlogEnd: number;
  growthPerS: number;
  ackLatency: LatencySummary;
  brokerCpu: number | null;
  pgCpu: number | null;
  simCpu: number | null;
  /** Microseconds of the broker's (the ARC's or bare Aedes') CPU per acknowledged fix in this step. */
  cpuPerFixUs: number | null;
  /** The same for PostgreSQL (its postmaster and backends), the ARC's only. */
  pgCpuPerFixUs: number | null;
  /** Fix messages per group commit (the ARC's intake_fix_batch_messages / intake_fix_batches). */
  batchSize: number | null;
  /** Milliseconds from a group commit's start to its commit, on average. */
  batchMs: number | null;
  verdict: 'keeps up' | 'backlog grows' | 'generator limited';
  loadAverage: number[];
}

export interface Ramp {
  steps: Step[];
  ceiling: number;
  /** The highest offered rate it kept up with. */
  keptUpWith: number;
  endedBy: Step['verdict'] | 'max rate';
}

/** The ARC's batch counters, to tell how many messages each group commit carried. */
type BatchCounters = () => Promise<{ batches: number; messages: number; ms: number } | null>;

export function arcBatchCounters(http: string): BatchCounters {
  let token: Promise<string> | null = null;
  return async () => {
    try {
      token ??= logIn(http);
      const response = await fetch(`${http}/api/metrics`, {
        headers: { authorization: `Bearer ${await token}` },
        signal: AbortSignal.timeout(10_000),
      });
      const { metrics } = (await response.json()) as { metrics: Record<string, number> };
      return {
        batches: metrics.intake_fix_batches ?? 0,
        messages: metrics.intake_fix_batch_messages ?? 0,
        ms: metrics.intake_fix_batch_ms ?? 0,
      };
    } catch {
      return null;
    }
  };
}

/** CPU seconds used so far by the broker(s) under test, and by PostgreSQL (null: not known). */
export interface RampMeters {
  brokerCpuSeconds: () => number | null;
  pgCpuSeconds: () => number | null;
  batchCounters?: BatchCounters;
}

/** CPU seconds of one process, for RampMeters. */
export const cpuOfPid = (pid: () => number | null) => () => {
  const p = pid();
  return p ? cpuSecondsOf(p) : null;
};

/** CPU seconds of a process and its children (PostgreSQL), for RampMeters. */
export const cpuOfTree = (pid: () => number | null) => () => {
  const p = pid();
  return p ? treeCpuSeconds(p) : null;
};

/**
 * Raises the fix rate of the fleet's connected devices step by step until the backlog grows; the
 * cluster scenario runs it too, against one node and then two.
 */
export async function ramp(
  ctx: BenchContext,
  label: string,
  fleet: SimFleet,
  options: IngestOptions,
  meters: RampMeters,
): Promise<Ramp> {
  const batchCounters = meters.batchCounters ?? (async () => null);
  const steps: Step[] = [];
  let endedBy: Ramp['endedBy'] = 'max rate';
  for (let rate = options.startRate; rate <= options.maxRate; rate = Math.round(rate * options.factor)) {
    const fixEveryS = options.devices / rate;
    await fleet.track({ fixEveryS, heartbeatS: 0, jitter: 0.5, firstWithinS: fixEveryS });
    await sleep(options.settleS * 1000);
    const brokerCpu = new CpuMeter(meters.brokerCpuSeconds);
    const pgCpu = new CpuMeter(meters.pgCpuSeconds);
    brokerCpu.sample();
    pgCpu.sample();
    const b0 = await batchCounters();
    const s0 = await fleet.stats(true);
    const t0 = performance.now();
    await sleep((options.stepS - options.settleS) * 1000);
    const s1 = await fleet.stats(true);
    const b1 = await batchCounters();
    const dt = (performance.now() - t0) / 1000;
    const offered = (s1.fixesSent - s0.fixesSent) / dt;
    const acked = (s1.fixesAcked - s0.fixesAcked) / dt;
    const backlogStart = s0.fixesSent - s0.fixesAcked - s0.fixErrors;
    const backlogEnd = s1.fixesSent - s1.fixesAcked - s1.fixErrors;
    const growthPerS = (backlogEnd - backlogStart) / dt;
    // Growing: the unacknowledged count rises by more than 5 % of the offered rate (at least 50/s).
    // A backlog left by the settle period that shrinks is not growth.
    const grows = growthPerS > Math.max(50, 0.05 * offered) || (acked < 0.9 * offered && growthPerS > 0);
    const verdict: Step['verdict'] = grows ? 'backlog grows' : offered < 0.85 * rate ? 'generator limited' : 'keeps up';
    const brokerShare = brokerCpu.sample();
    const pgShare = pgCpu.sample();
    const step: Step = {
      target: rate,
      offered,
      acked,
      backlogStart,
      backlogEnd,
      growthPerS,
      ackLatency: s1.fixAck.summary(),
      brokerCpu: brokerShare,
      pgCpu: pgShare,
      simCpu: (s1.cpuSeconds - s0.cpuSeconds) / dt,
      cpuPerFixUs: brokerShare !== null && acked > 0 ? (brokerShare / acked) * 1e6 : null,
      pgCpuPerFixUs: pgShare !== null && acked > 0 ? (pgShare / acked) * 1e6 : null,
      batchSize: b0 && b1 && b1.batches > b0.batches ? (b1.messages - b0.messages) / (b1.batches - b0.batches) : null,
      batchMs: b0 && b1 && b1.batches > b0.batches ? (b1.ms - b0.ms) / (b1.batches - b0.batches) : null,
      verdict,
      loadAverage: loadAverage(),
    };
    steps.push(step);
    ctx.log(
      `    ${label} ${num(rate)}/s: offered ${num(offered)} acked ${num(acked)} backlog ${num(backlogStart)}→${num(backlogEnd)} · ack p99 ${ms(step.ackLatency.p99)} · broker CPU ${pct(step.brokerCpu)} (${num(step.cpuPerFixUs)} µs a fix) PG ${pct(step.pgCpu)} sim ${pct(step.simCpu)}${step.batchSize === null ? '' : ` · batches of ${num(step.batchSize)} in ${ms(step.batchMs)}`} · load ${step.loadAverage[0]} · ${verdict}`,
    );
    if (verdict !== 'keeps up') {
      endedBy = verdict;
      break;
    }
  }
  await fleet.stopTracking();
  return {
    steps,
    ceiling: Math.max(...steps.map((s) => s.acked)),
    keptUpWith: Math.max(0, ...steps.filter((s) => s.verdict === 'keeps up').map((s) => s.acked)),
    endedBy,
  };
}

export async function drain(fleet: SimFleet, timeoutMs: number): Promise<boolean> {
  return waitFor(
    async () => {
      const s = await fleet.stats();
      return s.fixesAcked + s.fixErrors >= s.fixesSent;
    },
    timeoutMs,
    500,
  );
}

export async function runIngestCeiling(
  ctx: BenchContext,
  options: IngestOptions = INGEST_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { template, devices } = await devicesFor(ctx, options.devices);
  const logins: DeviceLogin[] = devices.map((d) => ({ deviceId: d.deviceId, secret: d.secret }));

  // The ARC
  const scenario = await startScenarioArc(ctx, `ingest-${options.devices}`, template);
  let arcRamp: Ramp;
  let arcCheck: { sent: number; acked: number; stored: number; drained: boolean };
  let arcWarnings: Record<string, number>;
  const arcFleet = await SimFleet.start(ctx.workers);
  try {
    ctx.log(`  ingest ceiling, ARC: connecting ${num(options.devices)} devices`);
    const connected = await arcFleet.connect(scenario.arc.mqtt, logins);
    if (connected.connected < options.devices) ctx.log(`    only ${connected.connected} connected`);
    arcRamp = await ramp(ctx, 'ARC', arcFleet, options, {
      brokerCpuSeconds: cpuOfPid(() => scenario.arc.pid),
      pgCpuSeconds: cpuOfTree(() => postgresPidOf(scenario.dataDir)),
      batchCounters: arcBatchCounters(scenario.arc.http),
    });
    const drained = await drain(arcFleet, 60_000);
    const s = await arcFleet.stats();
    const [{ n }] = await scenario.sql<{ n: number }[]>`select count(*)::int as n from fixes`;
    arcCheck = { sent: s.fixesSent, acked: s.fixesAcked, stored: n, drained };
    arcWarnings = warningsOf(scenario.arc);
  } finally {
    await arcFleet.close();
    await scenario.stop();
  }

  // The bare broker, same devices, same steps
  const bare = await startBareBroker();
  let bareRamp: Ramp;
  let bareCheck: { acked: number; received: number };
  const bareFleet = await SimFleet.start(ctx.workers);
  try {
    ctx.log(`  ingest ceiling, bare Aedes: connecting ${num(options.devices)} devices`);
    await bareFleet.connect(bare.mqtt, logins);
    bareRamp = await ramp(ctx, 'bare', bareFleet, options, {
      brokerCpuSeconds: cpuOfPid(() => bare.pid),
      pgCpuSeconds: () => null,
    });
    await drain(bareFleet, 30_000);
    bareCheck = { acked: (await bareFleet.stats()).fixesAcked, received: await bare.received() };
  } finally {
    await bareFleet.close();
    await bare.stop();
  }

  const ratio = bareRamp.ceiling > 0 ? arcRamp.ceiling / bareRamp.ceiling : null;
  const arcCpu = cpuPerFix(arcRamp, 'cpuPerFixUs');
  const arcPgCpu = cpuPerFix(arcRamp, 'pgCpuPerFixUs');
  const bareCpu = cpuPerFix(bareRamp, 'cpuPerFixUs');
  const last = (r: Ramp) => r.steps[r.steps.length - 1];
  const describe = (r: Ramp) =>
    `${num(r.ceiling)} fixes/s (kept up with ${num(r.keptUpWith)}/s; ended: ${r.endedBy}; broker CPU at the top ${pct(last(r)?.brokerCpu)})`;
  return {
    name: 'ingest-ceiling',
    title: `Ingest ceiling, ${num(options.devices)} devices, QoS 1 fixes`,
    startedAt: startedAt.toISOString(),
    seconds: (performance.now() - t0) / 1000,
    rows: [
      ['ARC stored rate (ceiling)', describe(arcRamp)],
      ['bare Aedes rate (ceiling)', describe(bareRamp)],
      ['ratio ARC / bare', ratio === null ? '–' : ratio.toFixed(2)],
      [
        'ARC at its top step',
        `ack p50 ${ms(last(arcRamp)?.ackLatency.p50)} p99 ${ms(last(arcRamp)?.ackLatency.p99)} · PostgreSQL CPU ${pct(last(arcRamp)?.pgCpu)} · simulators ${pct(last(arcRamp)?.simCpu)}`,
      ],
      [
        'CPU per acknowledged fix (median of the steps kept up with)',
        `ARC ${num(arcCpu)} µs + its PostgreSQL ${num(arcPgCpu)} µs · bare Aedes ${num(bareCpu)} µs · ARC / bare ${arcCpu !== null && bareCpu ? (arcCpu / bareCpu).toFixed(2) : '–'}× (ARC with PostgreSQL ${arcCpu !== null && arcPgCpu !== null && bareCpu ? ((arcCpu + arcPgCpu) / bareCpu).toFixed(2) : '–'}×)`,
      ],
      [
        'ARC check after drain',
        `acked ${num(arcCheck.acked)} · in PostgreSQL ${num(arcCheck.stored)}${arcCheck.drained ? '' : ' (drain timed out)'}`,
      ],
      ['bare check after drain', `acked ${num(bareCheck.acked)} · received by subscriber ${num(bareCheck.received)}`],
    ],
    targets: [
      {
        target: 'ARC ingest ceiling ≥ 0.6 of bare Aedes in the same run (issue 15)',
        measured:
          ratio === null ? '–' : `${ratio.toFixed(2)} (${num(arcRamp.ceiling)} / ${num(bareRamp.ceiling)} fixes/s)`,
        met: ratio === null ? null : ratio >= 0.6,
      },
      {
        target: 'nothing acknowledged is missing from PostgreSQL',
        measured: `${num(Math.max(0, arcCheck.acked - arcCheck.stored))} missing`,
        met: arcCheck.stored >= arcCheck.acked,
      },
    ],
    data: {
      options,
      arc: arcRamp,
      bare: bareRamp,
      ratio,
      cpuPerFixUs: { arc: arcCpu, arcPostgres: arcPgCpu, bare: bareCpu },
      arcCheck,
      bareCheck,
      arcWarnings,
    },
  };
}

/** Median CPU µs per fix over the steps that kept up (all steps when none did): less noise than one step. */
export function cpuPerFix(r: Ramp, key: 'cpuPerFixUs' | 'pgCpuPerFixUs'): number | null {
  const kept = r.steps.filter((s) => s.verdict === 'keeps up');
  const values = (kept.length ? kept : r.steps)
    .map((s) => s[key])
    .filter((v): v is number => v !== null)
    .sort((x, y) => x - y);
  return values.length ? values[Math.floor(values.length / 2)] : null;
}
