// Fault run 3: one device floods garbage (random bytes as payloads, thousands of publishes a
// second; oversized payloads; new TCP connections that send random bytes) alongside 1,000
// well-behaved tracked devices. Their SOS latency during the flood is compared with a quiet
// period of the same run just before it: it must stay within 2×.
import { AlarmPresser, summarisePresses, type PressLatencies } from '../alarm-presses.js';
import { OperatorConsole } from '../operator-console.js';
import { memoryOf } from '../proc-stats.js';
import { latencyRow, mib, num, pct, type ScenarioResult } from '../report.js';
import {
  type BenchContext,
  Monitor,
  devicesFor,
  pickRandom,
  sleep,
  startScenarioArc,
  warningsOf,
} from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import type { FloodKind, FloodStats } from '../sim-protocol.js';

export interface GarbageOptions {
  devices: number;
  phaseS: number;
  pressEveryMs: number;
  kinds: FloodKind[];
  publishRate: number;
  hugeBytes: number;
  hugeEveryMs: number;
  rawConnectionsPerS: number;
  warmupS: number;
}

export const GARBAGE_DEFAULTS: GarbageOptions = {
  devices: 1000,
  phaseS: 45,
  pressEveryMs: 250,
  kinds: ['garbage-publishes', 'huge-payloads', 'raw-bytes'],
  publishRate: 5000,
  hugeBytes: 1024 * 1024,
  hugeEveryMs: 100,
  rawConnectionsPerS: 50,
  warmupS: 5,
};

export async function runGarbageFlood(
  ctx: BenchContext,
  options: GarbageOptions = GARBAGE_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  // One more device than the well-behaved ones: the flooder has credentials of its own.
  const { template, devices: all } = await devicesFor(ctx, options.devices + 1);
  const devices = all.slice(0, options.devices);
  const flooder = all[options.devices];
  const scenario = await startScenarioArc(ctx, 'fault-garbage', template);
  const fleet = await SimFleet.start(ctx.workers);
  let operator: OperatorConsole | null = null;
  try {
    ctx.log(`  garbage flood: connecting ${num(options.devices)} devices`);
    const connected = await fleet.connect(scenario.arc.mqtt, devices);
    const ids = devices.map((d) => d.deviceId).filter((id) => !connected.failed.some((f) => f.deviceId === id));
    operator = await OperatorConsole.open(scenario.arc.http);
    await fleet.track({ fixEveryS: 30, heartbeatS: 60, jitter: 0.2, firstWithinS: 30 });
    await sleep(options.warmupS * 1000);
    // Each press from a device of its own, quiet and flood phases apart.
    const order = pickRandom(ids, ids.length);
    const perPhase = Math.floor(order.length / 2);

    const phase = async (name: string, candidates: string[]) => {
      const monitor = Monitor.forArc(scenario, fleet, null, null).start(1000);
      await fleet.stats(true);
      const presser = new AlarmPresser(fleet, operator!, candidates, options.pressEveryMs).start();
      await sleep(options.phaseS * 1000);
      const presses = await presser.stop();
      monitor.stop();
      const stats = await fleet.stats(true);
      const latency = summarisePresses(presses);
      ctx.log(
        `    ${name}: alarm:raised ${latencyRow(latency.alarmRaised)} · ARC CPU ${pct(monitor.mean('arcCpu'))} PG ${pct(monitor.mean('pgCpu'))}`,
      );
      return {
        latency,
        fixAck: stats.fixAck.summary(),
        arcCpu: monitor.mean('arcCpu'),
        pgCpu: monitor.mean('pgCpu'),
        maxRss: Math.max(...monitor.samples.map((s) => s.arcRss ?? 0)),
        reconnects: stats.reconnectAttempts,
        connected: stats.connected,
      };
    };

    ctx.log(`  quiet phase, ${options.phaseS} s`);
    const quiet = await phase('quiet', order.slice(0, perPhase));
    ctx.log(`  flood phase, ${options.phaseS} s: ${options.kinds.join(', ')}`);
    const reconnectsBefore = (await fleet.stats()).reconnectAttempts;
    await fleet.startFlood({
      url: scenario.arc.mqtt,
      device: { deviceId: flooder.deviceId, secret: flooder.secret },
      kinds: options.kinds,
      publishRate: options.publishRate,
      hugeBytes: options.hugeBytes,
      hugeEveryMs: options.hugeEveryMs,
      rawConnectionsPerS: options.rawConnectionsPerS,
    });
    const flood = await phase('flood', order.slice(perPhase));
    const floodStats: FloodStats | null = await fleet.stopFlood();
    const afterFlood = await fleet.stats();
    const arcAlive = scenario.arc.pid !== undefined && memoryOf(scenario.arc.pid) !== null;
    const metrics = await fetch(`${scenario.arc.http}/api/metrics`, {
      headers: { authorization: `Bearer ${operator.token}` },
    })
      .then((r) => r.json() as Promise<{ metrics: unknown }>)
      .then((b) => b.metrics)
      .catch((err: Error) => err.message);

    const ratio = (key: keyof Pick<PressLatencies['alarmRaised'], 'p50' | 'p95' | 'p99'>) =>
      quiet.latency.alarmRaised[key] && flood.latency.alarmRaised[key]
        ? flood.latency.alarmRaised[key]! / quiet.latency.alarmRaised[key]!
        : null;
    const r50 = ratio('p50');
    const r95 = ratio('p95');
    const r99 = ratio('p99');
    const f = (r: number | null) => (r === null ? '–' : `${r.toFixed(2)}×`);
    const allShown = flood.latency.alarmRaised.count === flood.latency.presses;
    return {
      name: 'fault-garbage',
      title: `Garbage flood beside ${num(options.devices)} well-behaved devices`,
      startedAt: startedAt.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      rows: [
        ['quiet: publish → alarm:raised', latencyRow(quiet.latency.alarmRaised)],
        ['flood: publish → alarm:raised', latencyRow(flood.latency.alarmRaised)],
        ['ratio flood / quiet', `p50 ${f(r50)} · p95 ${f(r95)} · p99 ${f(r99)}`],
        [
          'quiet: publish → PUBACK · flood',
          `${latencyRow(quiet.latency.puback)} · ${latencyRow(flood.latency.puback)}`,
        ],
        ['fix PUBACK quiet · flood', `${latencyRow(quiet.fixAck)} · ${latencyRow(flood.fixAck)}`],
        [
          'flood sent',
          floodStats
            ? `${num(floodStats.garbagePublishes)} garbage publishes (${num(floodStats.garbagePublishes / options.phaseS)}/s) · ${num(floodStats.hugePublishes)} × ${mib(options.hugeBytes)} payloads · ${num(floodStats.rawConnections)} raw connections · flooder reconnected ${num(floodStats.reconnects)} times`
            : '–',
        ],
        [
          'ARC CPU quiet · flood',
          `${pct(quiet.arcCpu)} · ${pct(flood.arcCpu)} (PostgreSQL ${pct(quiet.pgCpu)} · ${pct(flood.pgCpu)})`,
        ],
        ['ARC RSS max quiet · flood', `${mib(quiet.maxRss)} · ${mib(flood.maxRss)}`],
        [
          'well-behaved devices dropped during the flood',
          `${num(afterFlood.reconnectAttempts - reconnectsBefore)} reconnect attempts; ${num(afterFlood.connected)} of ${num(ids.length)} connected after`,
        ],
        ['ARC still running', arcAlive ? 'yes' : 'NO'],
      ],
      targets: [
        {
          target: 'garbage flood: alarm latency within 2× of the quiet run',
          measured: `p50 ${f(r50)} · p95 ${f(r95)} · p99 ${f(r99)}${allShown ? '' : ` (${flood.latency.alarmRaised.count} of ${flood.latency.presses} shown)`}`,
          met:
            r50 === null || r95 === null || r99 === null
              ? null
              : r50 <= 2 && r95 <= 2 && r99 <= 2 && allShown && arcAlive,
        },
      ],
      data: {
        options,
        quiet,
        flood,
        ratios: { p50: r50, p95: r95, p99: r99 },
        floodStats,
        arcMetrics: metrics,
        arcWarnings: warningsOf(scenario.arc),
      },
    };
  } finally {
    operator?.close();
    await fleet.stopFlood().catch(() => null);
    await fleet.close();
    await scenario.stop();
  }
}
