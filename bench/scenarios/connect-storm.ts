// Scenario 1, connect storm: N devices open their connections at once. Measured: time until every
// one is connected, authenticated and subscribed (SUBACK), refusals and failures, and the ARC's
// memory per connection (peak and settled, from /proc/<pid>/status).
import type { SeededDevice } from '../seeded-data-dir.js';
import { LatencyHistogram } from '../latency-histogram.js';
import { cpuSecondsOf, memoryOf } from '../proc-stats.js';
import { kib, mib, ms, num, pct, type ScenarioResult } from '../report.js';
import {
  type BenchContext,
  type ScenarioArc,
  devicesFor,
  sleep,
  startScenarioArc,
  warningsOf,
} from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';

export async function measureConnectStorm(
  ctx: BenchContext,
  scenario: ScenarioArc,
  fleet: SimFleet,
  devices: SeededDevice[],
  { connectTimeoutMs = 900_000, settleS = 5 }: { connectTimeoutMs?: number; settleS?: number } = {},
): Promise<{ result: ScenarioResult; connectedIds: string[] }> {
  const startedAt = new Date();
  const { arc } = scenario;
  const before = memoryOf(arc.pid)!;
  const heapBefore = await retainedHeapOf(arc.http);
  const youngBefore = await youngGenerationOf(arc.http);
  const cpuBefore = cpuSecondsOf(arc.pid)!;
  ctx.log(`  connect storm: ${devices.length} devices at once (ARC RSS before ${mib(before.rss)})`);
  const t0 = performance.now();
  const progress = setInterval(
    async () => {
      const stats = await fleet.stats().catch(() => null);
      const mem = memoryOf(arc.pid);
      ctx.log(
        `    ${((performance.now() - t0) / 1000).toFixed(0)} s: connected ${stats?.connected ?? '?'} of ${devices.length}, ARC RSS ${mib(mem?.rss)}`,
      );
    },
    (ctx.progressEveryS ?? 10) * 1000,
  );
  const outcome = await fleet.connect(arc.mqtt, devices, { connectTimeoutMs }).finally(() => clearInterval(progress));
  const wallMs = performance.now() - t0;
  const cpu = cpuSecondsOf(arc.pid)! - cpuBefore;
  const peak = memoryOf(arc.pid)!;
  await sleep(settleS * 1000); // let the scrypt buffers and parser garbage go
  const settled = memoryOf(arc.pid)!;
  const heapSettled = await retainedHeapOf(arc.http);
  const youngSettled = await youngGenerationOf(arc.http);
  const times = LatencyHistogram.of(outcome.connectMs).summary();
  const allConnectedMs = outcome.connected === devices.length ? Math.max(...outcome.connectMs) : null;
  const perConnectionPeak = (peak.hwm - before.rss) / Math.max(1, outcome.connected);
  const perConnectionSettled = (settled.rss - before.rss) / Math.max(1, outcome.connected);
  // The young generation grows with the allocation rate up to its fixed cap (3 × 64 MiB), not
  // with the number of connections: RSS without its growth is what each connection costs.
  const youngGrowth = youngBefore !== null && youngSettled !== null ? youngSettled - youngBefore : null;
  const perConnectionWithoutYoung =
    youngGrowth === null ? null : (settled.rss - before.rss - youngGrowth) / Math.max(1, outcome.connected);
  const perConnectionHeap =
    heapBefore !== null && heapSettled !== null ? (heapSettled - heapBefore) / Math.max(1, outcome.connected) : null;
  const refusedByCode: Record<string, number> = {};
  for (const r of outcome.refused) refusedByCode[r.returnCode] = (refusedByCode[r.returnCode] ?? 0) + 1;
  const failureKinds: Record<string, number> = {};
  for (const f of outcome.failed) {
    const kind = f.error
      .replace(/^[^:]*: /, '')
      .replace(/\d+/g, 'N')
      .slice(0, 80);
    failureKinds[kind] = (failureKinds[kind] ?? 0) + 1;
  }
  const n = devices.length;
  const result: ScenarioResult = {
    name: `connect-storm-${n}`,
    title: `Connect storm, ${num(n)} devices`,
    startedAt: startedAt.toISOString(),
    seconds: wallMs / 1000,
    rows: [
      ['connected', `${num(outcome.connected)} of ${num(n)}`],
      [
        'all connected after',
        allConnectedMs === null ? `not all (${num(outcome.connected)} in ${ms(wallMs)})` : ms(allConnectedMs),
      ],
      ['connect time', `p50 ${ms(times.p50)} · p95 ${ms(times.p95)} · p99 ${ms(times.p99)}`],
      ['accepted per second', num(outcome.connected / (wallMs / 1000), 1)],
      ['refused (CONNACK code)', outcome.refused.length ? JSON.stringify(refusedByCode) : '0'],
      ['failed (no CONNACK)', outcome.failed.length ? `${outcome.failed.length} ${JSON.stringify(failureKinds)}` : '0'],
      ['ARC CPU during storm', `${cpu.toFixed(1)} s (${pct(cpu / (wallMs / 1000))} of one core)`],
      ['ARC RSS before / peak / settled', `${mib(before.rss)} / ${mib(peak.hwm)} / ${mib(settled.rss)}`],
      ['ARC memory per connection', `peak ${kib(perConnectionPeak)} · settled ${kib(perConnectionSettled)}`],
      [
        'young generation before / settled (3 × 64 MiB at most, whatever the connections)',
        `${mib(youngBefore)} / ${mib(youngSettled)}`,
      ],
      ['ARC memory per connection, settled RSS less the young generation’s growth', kib(perConnectionWithoutYoung)],
      ['of which retained by V8 (old space, large objects, external)', kib(perConnectionHeap)],
    ],
    // Issue 15's targets hold at 10,000 devices (smaller storms carry the fixed cost of the process).
    targets:
      n >= 10_000
        ? [
            {
              target: '10,000 devices connected from cold in < 10 s',
              measured:
                allConnectedMs === null ? `not all (${num(outcome.connected)} in ${ms(wallMs)})` : ms(allConnectedMs),
              met: allConnectedMs !== null && allConnectedMs < 10_000,
            },
            {
              target: 'memory per connection ≤ 20 KiB (settled RSS; and less the young generation’s growth)',
              measured: `settled ${kib(perConnectionSettled)} · less the young generation ${kib(perConnectionWithoutYoung)} · peak ${kib(perConnectionPeak)}`,
              met: perConnectionSettled <= 20 * 1024,
            },
          ]
        : [],
    data: {
      devices: n,
      connected: outcome.connected,
      allConnectedMs,
      wallMs,
      connectTimes: times,
      refused: outcome.refused.length,
      refusedByCode,
      failed: outcome.failed.length,
      failureKinds,
      failedSample: outcome.failed.slice(0, 10),
      arcCpuSeconds: cpu,
      arcRssBefore: before.rss,
      arcPeakHwm: peak.hwm,
      arcRssSettled: settled.rss,
      bytesPerConnectionPeak: perConnectionPeak,
      bytesPerConnectionSettled: perConnectionSettled,
      heapBytesPerConnection: perConnectionHeap,
      youngGenerationBefore: youngBefore,
      youngGenerationSettled: youngSettled,
      bytesPerConnectionWithoutYoung: perConnectionWithoutYoung,
      arcWarnings: warningsOf(arc),
    },
  };
  const connected = new Set(devices.map((d) => d.deviceId));
  for (const f of [...outcome.failed.map((f) => f.deviceId), ...outcome.refused.map((r) => r.deviceId)])
    connected.delete(f);
  return { result, connectedIds: [...connected] };
}

/** A storm on a fresh ARC of its own. */
export async function runConnectStorm(ctx: BenchContext, n: number, settleS = 5): Promise<ScenarioResult> {
  const { template, devices } = await devicesFor(ctx, n);
  const scenario = await startScenarioArc(ctx, `connect-${n}`, template);
  const fleet = await SimFleet.start(ctx.workers);
  try {
    return (await measureConnectStorm(ctx, scenario, fleet, devices, { settleS })).result;
  } finally {
    await fleet.close();
    await scenario.stop();
  }
}

/** The committed size of the ARC's young generation (V8's new space), from its /metrics. */
async function youngGenerationOf(http: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const m = text.match(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)/m);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * What the ARC's V8 heap keeps after the young generation is left out: old space, large objects
 * and external memory (Buffers), from its /metrics (prom-client's default metrics; loopback needs
 * no token). RSS also counts the young generation, which the ARC lets grow to 3 × 64 MiB
 * (--max-semi-space-size=64, for throughput) whatever the number of connections.
 */
async function retainedHeapOf(http: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    let total = 0;
    for (const m of text.matchAll(/^nodejs_heap_space_size_used_bytes\{space="(old|large_object)"\} (\d+)/gm))
      total += Number(m[2]);
    const external = text.match(/^nodejs_external_memory_bytes (\d+)/m);
    return total > 0 ? total + Number(external?.[1] ?? 0) : null;
  } catch {
    return null;
  }
}
