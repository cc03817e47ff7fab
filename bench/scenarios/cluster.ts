// Cluster mode (ARC_REDIS_URL): ARC nodes on one PostgreSQL and a local redis-server, with an
// operator console on each node.
//
// 1. One node: every device on node A. The ingest ceiling (the ingest scenario's ramp: fixes at a
//    rising rate until the backlog grows) and single SOS presses timed to A's console.
// 2. Two nodes: node B started, half the devices moved to it (each also knows the other node's
//    address, as behind a load balancer). The same ramp over both nodes, so "1 node vs 2 nodes"
//    is one run on one machine at one load; then single presses from devices of both nodes, each
//    timed from the device's publish to `alarm:raised` at the console on the SAME node and on the
//    OTHER one (which it reaches through Redis): their ratio is what the extra hop costs.
// 3. kill -9 of node B during an SOS storm: B's devices reconnect to A by themselves and resend
//    what was not acknowledged (same event ids). Checked: every acknowledged SOS stored once with
//    its alarm (0 lost, 0 duplicates) and on A's console (pushed, and in its REST snapshot);
//    reported: how long until every device was connected again.
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
import { postgresPidOf, startArc, type ArcProcess } from '../arc-process.js';
import { freePort } from '../free-port.js';
import { copyDataDir } from '../seeded-data-dir.js';
import { LatencyHistogram } from '../latency-histogram.js';
import { OperatorConsole } from '../operator-console.js';
import { latencyRow, ms, num, type ScenarioResult } from '../report.js';
import { type BenchContext, devicesFor, pickRandom, sleep, waitFor, warningsOf } from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import { clockMs, type PressResult } from '../sim-protocol.js';
import { checkStorm } from '../storm-check.js';
import { INGEST_DEFAULTS, cpuOfTree, cpuPerFix, drain, ramp, type IngestOptions, type Ramp } from './ingest-ceiling.js';
import { cpuSecondsOf } from '../proc-stats.js';

export interface ClusterOptions {
  /** Devices in all, half on each node. */
  devices: number;
  /** Single presses timed with one node, and again with two (each by a device of its own). */
  latencyPresses: number;
  pressEveryMs: number;
  /** Devices pressing SOS in the storm during which node B is killed (at most those left). */
  stormDevices: number;
  /** The storm during which node B is killed. */
  windowS: number;
  settleTimeoutS: number;
  /** The ingest ramp with one node and with two (its `devices` is this scenario's); null: skipped. */
  ingest: Omit<IngestOptions, 'devices'> | null;
}

export const CLUSTER_DEFAULTS: ClusterOptions = {
  devices: 2000,
  latencyPresses: 300,
  pressEveryMs: 100,
  stormDevices: 2000,
  windowS: 10,
  settleTimeoutS: 45,
  ingest: INGEST_DEFAULTS,
};

interface CrossPress extends PressResult {
  node: 'A' | 'B';
  sameNodeAt: number | null;
  otherNodeAt: number | null;
}

const NO_RAMP: Ramp = { steps: [], ceiling: 0, keptUpWith: 0, endedBy: 'max rate' };

export async function runCluster(
  ctx: BenchContext,
  options: ClusterOptions = CLUSTER_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  if (2 * options.latencyPresses >= options.devices)
    throw new Error('cluster: fewer than half as many latency presses as devices, please (the rest storm)');
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
    const nodeA = a;
    const pgCpuSeconds = cpuOfTree(() => postgresPidOf(pgDir));
    const onA = devices.filter((_, i) => i % 2 === 0);
    const onB = devices.filter((_, i) => i % 2 === 1);
    const nodeOf = new Map<string, 'A' | 'B'>([
      ...onA.map((d) => [d.deviceId, 'A'] as const),
      ...onB.map((d) => [d.deviceId, 'B'] as const),
    ]);
    // Each timed press by a device of its own: one node's, then two nodes'.
    const pressers = pickRandom(
      devices.map((d) => d.deviceId),
      2 * options.latencyPresses,
    );
    const pressersOne = pressers.slice(0, options.latencyPresses);
    const pressersTwo = pressers.slice(options.latencyPresses);
    fleet = await SimFleet.start(ctx.workers);
    const background = () => fleet!.track({ fixEveryS: 30, heartbeatS: 60, jitter: 0.2, firstWithinS: 30 });
    const ingestRamp = async (label: string, cpuSeconds: () => number | null): Promise<Ramp> => {
      if (!options.ingest) return NO_RAMP;
      ctx.log(`  ingest ceiling, ${label}`);
      const result = await ramp(
        ctx,
        label,
        fleet!,
        { ...options.ingest, devices: devices.length },
        { brokerCpuSeconds: cpuSeconds, pgCpuSeconds },
      );
      await drain(fleet!, 60_000);
      return result;
    };

    // 1. One node.
    ctx.log(`  one node: connecting all ${num(devices.length)} devices to A`);
    const connectedOne = await fleet.connect(a.mqtt, devices);
    const consoleA = await OperatorConsole.open(a.http);
    consoles.push(consoleA);
    const oneNodeRamp = await ingestRamp('1 node', () => cpuSecondsOf(nodeA.pid));
    await background();
    ctx.log(`  one node: ${pressersOne.length} single presses, one every ~${options.pressEveryMs} ms`);
    const onePresses = await timedPresses(pressersOne, options.pressEveryMs, (deviceId, i) =>
      Promise.all([fleet!.press(i, deviceId, 30_000), consoleA.raisedFor(deviceId, 30_000)]).then(([press, seen]) => ({
        ...press,
        seenAt: seen?.at ?? null,
      })),
    );
    const oneNode = LatencyHistogram.of(
      onePresses.flatMap((p) => (p.seenAt === null ? [] : [p.seenAt - p.publishedAt])),
    ).summary();
    ctx.log(`  one node: publish → alarm:raised ${latencyRow(oneNode)}`);
    await fleet.stopTracking();

    // 2. Two nodes: B started, half the devices move to it.
    b = await node('B');
    const nodeB = b;
    await fleet.disconnect(onB.map((d) => d.deviceId));
    ctx.log(`  two nodes: ${num(onB.length)} devices move to B`);
    const connectedB = await fleet.connect(b.mqtt, onB, { fallbackUrls: [a.mqtt] });
    const connectedA = { connected: (await fleet.stats()).connected - connectedB.connected };
    const consoleB = await OperatorConsole.open(b.http);
    consoles.push(consoleB);
    const twoNodeRamp = await ingestRamp('2 nodes', () => {
      const [x, y] = [cpuSecondsOf(nodeA.pid), cpuSecondsOf(nodeB.pid)];
      return x === null || y === null ? null : x + y;
    });
    await background();

    // Latency across nodes.
    ctx.log(`  two nodes: ${pressersTwo.length} single presses, timed at both consoles`);
    const presses = await timedPresses(pressersTwo, options.pressEveryMs, (deviceId, i) => {
      const node = nodeOf.get(deviceId)!;
      const [same, other] = node === 'A' ? [consoleA, consoleB] : [consoleB, consoleA];
      return Promise.all([
        fleet!.press(options.latencyPresses + i, deviceId, 30_000),
        same.raisedFor(deviceId, 30_000),
        other.raisedFor(deviceId, 30_000),
      ]).then(([press, s, o]): CrossPress => ({
        ...press,
        node,
        sameNodeAt: s?.at ?? null,
        otherNodeAt: o?.at ?? null,
      }));
    });
    const since = (pick: (p: CrossPress) => number | null, of = presses) =>
      LatencyHistogram.of(of.flatMap((p) => (pick(p) === null ? [] : [pick(p)! - p.publishedAt]))).summary();
    const sameNode = since((p) => p.sameNodeAt);
    const otherNode = since((p) => p.otherNodeAt);
    const puback = since((p) => p.ackedAt);
    const latencyAcked = presses.filter((p) => p.ackedAt !== null).length;
    const missingOther = presses.filter((p) => p.ackedAt !== null && p.otherNodeAt === null).length;
    ctx.log(`  same node: ${latencyRow(sameNode)}; other node: ${latencyRow(otherNode)}`);

    // 3. kill -9 of B during a storm of devices that have not pressed yet.
    const pressed = new Set(pressers);
    const stormers = devices
      .map((d) => d.deviceId)
      .filter((id) => !pressed.has(id))
      .slice(0, options.stormDevices);
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
    const scaling = oneNodeRamp.ceiling > 0 ? twoNodeRamp.ceiling / oneNodeRamp.ceiling : null;
    const describeRamp = (r: Ramp, cpuLabel: string) =>
      options.ingest
        ? `${num(r.ceiling)} fixes/s (kept up with ${num(r.keptUpWith)}/s; ended: ${r.endedBy}; ${cpuLabel} CPU a fix ${num(cpuPerFix(r, 'cpuPerFixUs'))} µs + PostgreSQL ${num(cpuPerFix(r, 'pgCpuPerFixUs'))} µs)`
        : 'not run';
    return {
      name: 'cluster',
      title: `Cluster: 1 node, then 2 nodes, one PostgreSQL, one Redis, ${num(devices.length)} devices`,
      startedAt: startedAt.toISOString(),
      seconds: (performance.now() - t0) / 1000,
      rows: [
        ['devices connected, one node', `${num(connectedOne.connected)} of ${num(devices.length)}`],
        ['ingest ceiling, 1 node', describeRamp(oneNodeRamp, 'node')],
        ['ingest ceiling, 2 nodes', describeRamp(twoNodeRamp, 'nodes')],
        ['2 nodes / 1 node (ingest)', scaling === null ? '–' : `${scaling.toFixed(2)}×`],
        ['publish → alarm:raised, 1 node', latencyRow(oneNode)],
        [
          'devices connected, two nodes (A · B)',
          `${num(connectedA.connected)} · ${num(connectedB.connected)} of ${num(onA.length)} · ${num(onB.length)}`,
        ],
        [
          'single presses acknowledged',
          `${num(latencyAcked)} of ${num(presses.length)} (not seen on the other node's console: ${num(missingOther)})`,
        ],
        ['publish → PUBACK, 2 nodes', latencyRow(puback)],
        ['publish → alarm:raised, console on the same node', latencyRow(sameNode)],
        ['publish → alarm:raised, console on the other node', latencyRow(otherNode)],
        [
          'other node / same node',
          `p50 ${ratio(otherNode.p50, sameNode.p50)} · p99 ${ratio(otherNode.p99, sameNode.p99)}`,
        ],
        [
          '2 nodes (same node) / 1 node',
          `p50 ${ratio(sameNode.p50, oneNode.p50)} · p99 ${ratio(sameNode.p99, oneNode.p99)}`,
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
        oneNodeRamp,
        twoNodeRamp,
        scaling,
        oneNode,
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

/** Presses by these devices, one every ~`everyMs` (0.5–1.5×), each timed by `press`. */
async function timedPresses<T>(
  deviceIds: string[],
  everyMs: number,
  press: (deviceId: string, index: number) => Promise<T>,
): Promise<T[]> {
  const timed: Promise<T>[] = [];
  let next = performance.now();
  for (let i = 0; i < deviceIds.length; i++) {
    timed.push(press(deviceIds[i], i));
    next += everyMs * (0.5 + Math.random());
    await sleep(Math.max(0, next - performance.now()));
  }
  return Promise.all(timed);
}

const ratio = (x: number | null, y: number | null) =>
  x === null || y === null || y === 0 ? '–' : `${(x / y).toFixed(2)}×`;
