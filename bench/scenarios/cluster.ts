// Cluster mode (ARC_REDIS_URL): two ARC nodes on one PostgreSQL and a local redis-server, the
// devices spread over both (each also knows the other node's address, as behind a load balancer),
// an operator console on each node.
//
// 1. Alarm latency across nodes: single SOS presses from devices of both nodes, each timed from
//    the device's publish to `alarm:raised` at the console on the SAME node and on the OTHER one
//    (which it reaches through Redis). Both in one run, so their ratio is what the extra hop costs
//    on this machine, whatever its load.
// 2. kill -9 of node B during an SOS storm of every device that has not pressed yet: B's devices
//    reconnect to A by themselves and resend what was not acknowledged (same event ids). Checked:
//    every acknowledged SOS stored once with its alarm (0 lost, 0 duplicates) and on A's console
//    (pushed, and in its REST snapshot); reported: how long until every device was connected again.
//
// Cluster mode needs DATABASE_URL on every node: the bench runs the seeded data directory's
// PostgreSQL itself (as the operator of a cluster runs theirs), so killing a node leaves the
// database up. Everything listens on 127.0.0.1 and stops by itself.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { connectDatabase } from '../../api/db/connect.js';
import { startEmbeddedPostgres } from '../../api/db/embedded-postgres.js';
import { startTestRedis } from '../../tests/support/test-redis.js';
import { startArc, type ArcProcess } from '../arc-process.js';
import { freePort } from '../free-port.js';
import { copyDataDir } from '../seeded-data-dir.js';
import { LatencyHistogram } from '../latency-histogram.js';
import { OperatorConsole } from '../operator-console.js';
import { latencyRow, ms, num, type ScenarioResult } from '../report.js';
import { type BenchContext, devicesFor, pickRandom, sleep, waitFor, warningsOf } from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import { clockMs, type PressResult } from '../sim-protocol.js';
import { checkStorm } from '../storm-check.js';

export interface ClusterOptions {
  /** Devices in all, half on each node. */
  devices: number;
  /** Single presses timed across nodes (each by a device of its own). */
  latencyPresses: number;
  pressEveryMs: number;
  /** The storm during which node B is killed. */
  windowS: number;
  settleTimeoutS: number;
}

export const CLUSTER_DEFAULTS: ClusterOptions = {
  devices: 2000,
  latencyPresses: 300,
  pressEveryMs: 100,
  windowS: 10,
  settleTimeoutS: 45,
};

interface CrossPress extends PressResult {
  node: 'A' | 'B';
  sameNodeAt: number | null;
  otherNodeAt: number | null;
}

export async function runCluster(
  ctx: BenchContext,
  options: ClusterOptions = CLUSTER_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  if (options.latencyPresses >= options.devices)
    throw new Error('cluster: fewer latency presses than devices, please (the rest storm)');
  const { template, devices } = await devicesFor(ctx, options.devices);
  const work = path.join(ctx.workDir, `cluster-${process.pid}`);
  const pgDir = await copyDataDir(template, path.join(work, 'postgres-data'));
  const pg = await startEmbeddedPostgres(pgDir, await freePort(), pino({ level: 'warn' }));
  const redis = await startTestRedis().catch(async (err) => {
    await pg.stop();
    throw err;
  });
  ctx.log(`  PostgreSQL on the seeded copy, redis-server on ${redis.url}`);
  const sql = connectDatabase(pg.url, 3);
  let a: ArcProcess | null = null;
  let b: ArcProcess | null = null;
  let fleet: SimFleet | null = null;
  const consoles: OperatorConsole[] = [];
  try {
    const node = async (name: string) => {
      const dataDir = path.join(work, name, 'data');
      await mkdir(dataDir, { recursive: true });
      const arc = await startArc({
        endpoints: { dataDir },
        nodeArgs: ctx.arcNodeArgs,
        env: { ARC_REDIS_URL: redis.url, DATABASE_URL: pg.url },
      });
      ctx.log(`  node ${name} pid ${arc.pid} ready in ${Math.round(arc.startMs)} ms (${arc.mqtt}, ${arc.http})`);
      return arc;
    };
    a = await node('A');
    b = await node('B');
    const onA = devices.filter((_, i) => i % 2 === 0);
    const onB = devices.filter((_, i) => i % 2 === 1);
    const nodeOf = new Map<string, 'A' | 'B'>([
      ...onA.map((d) => [d.deviceId, 'A'] as const),
      ...onB.map((d) => [d.deviceId, 'B'] as const),
    ]);
    fleet = await SimFleet.start(ctx.workers);
    ctx.log(`  connecting ${num(onA.length)} devices to A and ${num(onB.length)} to B`);
    const [connectedA, connectedB] = await Promise.all([
      fleet.connect(a.mqtt, onA, { fallbackUrls: [b.mqtt] }),
      fleet.connect(b.mqtt, onB, { fallbackUrls: [a.mqtt] }),
    ]);
    const consoleA = await OperatorConsole.open(a.http);
    const consoleB = await OperatorConsole.open(b.http);
    consoles.push(consoleA, consoleB);
    await fleet.track({ fixEveryS: 30, heartbeatS: 60, jitter: 0.2, firstWithinS: 30 });

    // 1. Latency across nodes.
    const pressers = pickRandom(
      devices.map((d) => d.deviceId),
      options.latencyPresses,
    );
    ctx.log(`  ${pressers.length} single presses, one every ~${options.pressEveryMs} ms, timed at both consoles`);
    const timed: Promise<CrossPress>[] = [];
    let next = performance.now();
    for (let i = 0; i < pressers.length; i++) {
      const deviceId = pressers[i];
      const node = nodeOf.get(deviceId)!;
      const [same, other] = node === 'A' ? [consoleA, consoleB] : [consoleB, consoleA];
      timed.push(
        Promise.all([
          fleet.press(i, deviceId, 30_000),
          same.raisedFor(deviceId, 30_000),
          other.raisedFor(deviceId, 30_000),
        ]).then(([press, s, o]) => ({
          ...press,
          node,
          sameNodeAt: s?.at ?? null,
          otherNodeAt: o?.at ?? null,
        })),
      );
      next += options.pressEveryMs * (0.5 + Math.random());
      await sleep(Math.max(0, next - performance.now()));
    }
    const presses = await Promise.all(timed);
    const since = (pick: (p: CrossPress) => number | null, of = presses) =>
      LatencyHistogram.of(of.flatMap((p) => (pick(p) === null ? [] : [pick(p)! - p.publishedAt]))).summary();
    const sameNode = since((p) => p.sameNodeAt);
    const otherNode = since((p) => p.otherNodeAt);
    const puback = since((p) => p.ackedAt);
    const latencyAcked = presses.filter((p) => p.ackedAt !== null).length;
    const missingOther = presses.filter((p) => p.ackedAt !== null && p.otherNodeAt === null).length;
    ctx.log(`  same node: ${latencyRow(sameNode)}; other node: ${latencyRow(otherNode)}`);

    // 2. kill -9 of B during a storm of everyone else.
    const stormers = devices.map((d) => d.deviceId).filter((id) => !pressers.includes(id));
    const bStormers = stormers.filter((id) => nodeOf.get(id) === 'B').length;
    const stormAt = clockMs() + 500;
    const storm = fleet.storm(stormers, stormAt, options.windowS * 1000, options.settleTimeoutS * 1000);
    const killAfterMs = (0.3 + 0.4 * Math.random()) * options.windowS * 1000;
    await sleep(Math.max(0, stormAt + killAfterMs - clockMs()));
    const beforeKill = await fleet.stats();
    const killedAt = performance.now();
    await b.kill9();
    ctx.log(
      `  node B killed ${(killAfterMs / 1000).toFixed(1)} s into a storm of ${num(stormers.length)} devices (${num(beforeKill.eventsAcked)} SOS acknowledged so far)`,
    );
    const allBack = await waitFor(
      async () => (await fleet!.stats()).connected >= devices.length,
      options.settleTimeoutS * 1000,
      250,
    );
    const backAfterMs = allBack ? performance.now() - killedAt : null;
    const stormPresses = await storm;
    const shownAtA = (deviceId: string) =>
      consoleA.firstRaisedByDevice.has(deviceId) || consoleA.reloadedByDevice.has(deviceId);
    await waitFor(() => stormPresses.filter((p) => p.ackedAt !== null).every((p) => shownAtA(p.deviceId)), 15_000);
    const check = await checkStorm(sql, consoleA, stormPresses, stormAt);
    // Pushed, or (committed by B, which died before pushing) in the snapshot A's console reloaded
    // when A saw B stop beating (api/cluster/redis-link.ts, onPeerGone).
    const notShown = stormPresses.filter((p) => p.ackedAt !== null && !shownAtA(p.deviceId)).length;
    const reloaded = stormPresses.filter(
      (p) =>
        p.ackedAt !== null &&
        !consoleA.firstRaisedByDevice.has(p.deviceId) &&
        consoleA.reloadedByDevice.has(p.deviceId),
    ).length;
    const afterStats = await fleet.stats();
    ctx.log(
      `  storm: acked ${check.acknowledged}/${check.pressed} · stored ${check.stored} · lost ${check.lost} · duplicate alarms ${check.duplicateAlarms} · not pushed to A ${check.notPushed} (${reloaded} shown by its reload) · not in A's snapshot ${check.notInSnapshot} · all devices back after ${ms(backAfterMs)}`,
    );

    const lostOrUnacked = check.lost + check.unacknowledged;
    return {
      name: 'cluster',
      title: `Cluster: 2 nodes, one PostgreSQL, one Redis, ${num(devices.length)} devices`,
      startedAt: startedAt.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      rows: [
        [
          'devices connected (A · B)',
          `${num(connectedA.connected)} · ${num(connectedB.connected)} of ${num(onA.length)} · ${num(onB.length)}`,
        ],
        [
          'single presses acknowledged',
          `${num(latencyAcked)} of ${num(presses.length)} (not seen on the other node's console: ${num(missingOther)})`,
        ],
        ['publish → PUBACK', latencyRow(puback)],
        ['publish → alarm:raised, console on the same node', latencyRow(sameNode)],
        ['publish → alarm:raised, console on the other node', latencyRow(otherNode)],
        [
          'other node / same node',
          `p50 ${ratio(otherNode.p50, sameNode.p50)} · p99 ${ratio(otherNode.p99, sameNode.p99)}`,
        ],
        [
          'kill -9 of B: storm pressed / acknowledged / stored',
          `${num(check.pressed)} / ${num(check.acknowledged)} / ${num(check.stored)} (${num(bStormers)} of them on B)`,
        ],
        ['lost (acked, not stored) · never acknowledged', `${num(check.lost)} · ${num(check.unacknowledged)}`],
        ['duplicate alarms · duplicate pushes at A', `${num(check.duplicateAlarms)} · ${num(check.duplicatePushes)}`],
        [
          "not pushed to A's console · of them shown by its reload when B stopped beating · never shown",
          `${num(check.notPushed)} · ${num(reloaded)} · ${num(notShown)}`,
        ],
        ["not in A's snapshot (GET /api/alarms)", num(check.notInSnapshot)],
        ["A's console closed to reload", `${num(consoleA.disconnects)} time(s)`],
        [
          'devices connected after the kill',
          `${num(afterStats.connected)} of ${num(devices.length)}, all back ${ms(backAfterMs)} after the kill`,
        ],
      ],
      targets: [
        {
          target: 'cluster kill -9: 0 lost acknowledged alarms',
          measured: `${num(check.lost)} lost, ${num(check.unacknowledged)} never acknowledged`,
          met: lostOrUnacked === 0,
        },
        {
          target: 'cluster kill -9: 0 duplicate alarms',
          measured: `${num(check.duplicateAlarms)} duplicate alarms`,
          met: check.duplicateAlarms === 0,
        },
        {
          target: "cluster kill -9: every alarm on the surviving node's console",
          measured: `${num(notShown)} never shown (${num(check.notPushed)} not pushed, ${num(reloaded)} of them shown by the reload), ${num(check.notInSnapshot)} not in the snapshot`,
          met: check.notInSnapshot === 0 && notShown === 0,
        },
        {
          target: 'cluster kill -9: every device back on the surviving node',
          measured: `${num(afterStats.connected)} of ${num(devices.length)}`,
          met: afterStats.connected === devices.length,
        },
        {
          target: "cluster: every alarm on the other node's console",
          measured: `${num(missingOther)} missing`,
          met: missingOther === 0,
        },
      ],
      data: {
        options,
        sameNode,
        otherNode,
        puback,
        check,
        notShown,
        reloaded,
        backAfterMs,
        killAfterMs,
        arcWarnings: { A: warningsOf(a), B: warningsOf(b) },
      },
    };
  } finally {
    for (const c of consoles) c.close();
    await fleet?.close();
    await b?.stop();
    await a?.stop();
    await sql.end({ timeout: 2 }).catch(() => {});
    await redis.close();
    await pg.stop();
    if (!ctx.keepData) await rm(work, { recursive: true, force: true });
  }
}

const ratio = (x: number | null, y: number | null) =>
  x === null || y === null || y === 0 ? '–' : `${(x / y).toFixed(2)}×`;
