// Scenarios 2 and 4 on the ARC of the 10,000-device connect storm: every device sends a fix every
// 30 s and a heartbeat every 60 s (±20 %, phases spread), for 2 minutes. Counted from PostgreSQL:
// fixes stored per second and the backlog (fixes published − fixes stored), which must stay flat.
// Meanwhile single SOS presses from random devices are timed (scenario 4), and (with `purge`) the
// retention sweep purges old fixes by itself for part of the run (bench/purge-load.ts).
import { AlarmPresser, summarisePresses } from '../alarm-presses.js';
import { OperatorConsole } from '../operator-console.js';
import { latencyRow, mib, ms, num, pct, type ScenarioResult } from '../report.js';
import {
  type BenchContext,
  Monitor,
  type ScenarioArc,
  devicesFor,
  sleep,
  slope,
  startScenarioArc,
  waitFor,
  warningsOf,
} from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import {
  type IngestMark,
  type PurgeComparison,
  type PurgeLoad,
  type SeededOldFixes,
  comparePhases,
  purgeFinished,
  seedOldFixes,
} from '../purge-load.js';
import { measureConnectStorm } from './connect-storm.js';

export interface TrackingOptions {
  devices: number;
  durationS: number;
  fixEveryS: number;
  heartbeatS: number;
  /** Mean gap between SOS presses. */
  pressEveryMs: number;
  /** Pause after the connect storm before memory is read as settled. */
  connectSettleS?: number;
  /** Old fixes for the retention sweep to purge during the run; tracking then lasts until it is done. */
  purge?: PurgeLoad;
}

export const TRACKING_DEFAULTS: TrackingOptions = {
  devices: 10_000,
  durationS: 120,
  fixEveryS: 30,
  heartbeatS: 60,
  pressEveryMs: 250,
};

export async function runTracking(
  ctx: BenchContext,
  options: TrackingOptions = TRACKING_DEFAULTS,
): Promise<ScenarioResult[]> {
  const { template, devices } = await devicesFor(ctx, options.devices);
  const scenario = await startScenarioArc(ctx, `tracking-${options.devices}`, template);
  const arcReadyAt = Date.now();
  const fleet = await SimFleet.start(ctx.workers);
  let operator: OperatorConsole | null = null;
  try {
    const storm = await measureConnectStorm(ctx, scenario, fleet, devices, { settleS: options.connectSettleS });
    operator = await OperatorConsole.open(scenario.arc.http);
    const seeded = options.purge
      ? await seedOldFixes(scenario.sql, storm.connectedIds, options.purge, arcReadyAt)
      : null;
    if (seeded)
      ctx.log(
        `  ${num(seeded.rows)} fixes older than ${seeded.retentionDays} days inserted in ${ms(seeded.insertMs)}; they fall due ${num((seeded.dueAt - Date.now()) / 1000, 0)} s from now`,
      );
    const startedAt = new Date();
    // Fixes stored from here on (by id: a range of the primary key, cheap however many old rows there are).
    const [{ maxId }] = await scenario.sql<
      { maxId: string }[]
    >`select coalesce(max(id), 0)::text as "maxId" from fixes`;
    // Tracking fixes only: an SOS carrying a position stores a fix too (src null), not published as one.
    const countFixes = async () =>
      (
        await scenario.sql<
          { n: number }[]
        >`select count(*)::int as n from fixes where id > ${maxId} and src is not null`
      )[0].n;
    const storedBefore = await countFixes();
    ctx.log(
      `  sustained tracking: ${num(storm.connectedIds.length)} devices, a fix every ${options.fixEveryS} s, a heartbeat every ${options.heartbeatS} s, ${options.durationS} s; SOS every ~${options.pressEveryMs} ms`,
    );
    const marks: IngestMark[] = [];
    let monitorT0 = Date.now();
    const monitor = Monitor.forArc(
      scenario,
      fleet,
      async () => (await countFixes()) - storedBefore,
      (s, fleetStats) => {
        if (fleetStats && s.stored !== null)
          marks.push({
            at: monitorT0 + s.t * 1000,
            fixesSent: s.fixesSent,
            stored: s.stored,
            fixAck: fleetStats.fixAck.toData(),
          });
        if (Math.round(s.t) % (ctx.progressEveryS ?? 10) < 2)
          ctx.log(
            `    ${s.t.toFixed(0)} s: fixes sent ${num(s.fixesSent)} acked ${num(s.fixesAcked)} stored ${num(s.stored)} · ARC CPU ${pct(s.arcCpu)} PG ${pct(s.pgCpu)} sim ${pct(s.simCpu)} · connected ${num(s.connected)}`,
          );
      },
    );
    await fleet.stats(true);
    const sentBefore = (await fleet.stats()).fixesSent;
    monitorT0 = Date.now();
    monitor.start(2000);
    await fleet.track({
      fixEveryS: options.fixEveryS,
      heartbeatS: options.heartbeatS,
      jitter: 0.2,
      firstWithinS: options.fixEveryS,
    });
    const presser = new AlarmPresser(fleet, operator, storm.connectedIds, options.pressEveryMs).start();
    const t0 = performance.now();
    await sleep(options.durationS * 1000);
    if (options.purge) {
      const { tailS, maxS } = options.purge;
      while (!purgeFinished(scenario.arc.purgePasses, tailS) && performance.now() - t0 < maxS * 1000) await sleep(1000);
    }
    const windowS = (performance.now() - t0) / 1000;
    const atEnd = await monitor.sampleNow();
    await fleet.stopTracking();
    const presses = await presser.stop();
    monitor.stop();
    const stats = await fleet.stats();
    // Drain: whatever was published must be acknowledged and stored.
    await waitFor(
      async () => {
        const s = await fleet.stats();
        return s.fixesAcked + s.fixErrors >= s.fixesSent;
      },
      30_000,
      500,
    );
    const drained = await fleet.stats();
    const storedAfterDrain = (await countFixes()) - storedBefore;

    const samples = monitor.samples.filter((s) => s.stored !== null);
    const backlog = samples.map((s) => [s.t, s.fixesSent - sentBefore - s.stored!] as [number, number]);
    // Skip the first fix interval: phases are spread over it, the rate is still rising.
    const steady = backlog.filter(([t]) => t >= Math.min(options.fixEveryS, options.durationS / 4));
    const backlogSlope = slope(steady);
    const maxBacklog = Math.max(0, ...backlog.map(([, b]) => b));
    const storedInWindow = atEnd?.stored ?? storedAfterDrain;
    const storedPerS = storedInWindow / windowS;
    const expectedPerS = storm.connectedIds.length / options.fixEveryS;
    const flat = backlogSlope !== null && Math.abs(backlogSlope) < Math.max(2, expectedPerS * 0.01);
    const arcCpu = monitor.mean('arcCpu');
    const pgCpu = monitor.mean('pgCpu');
    const fixAck = stats.fixAck.summary();
    const lost = Math.max(0, drained.fixesAcked - storedAfterDrain);
    const sustained: ScenarioResult = {
      name: 'sustained-tracking',
      title: `Sustained tracking, ${num(storm.connectedIds.length)} devices`,
      startedAt: startedAt.toISOString(),
      seconds: windowS,
      rows: [
        [
          'devices connected',
          `${num(storm.connectedIds.length)} of ${num(options.devices)} (still connected at the end: ${num(stats.connected)})`,
        ],
        ['fixes stored per second', `${num(storedPerS, 1)} (offered ≈ ${num(expectedPerS, 1)})`],
        ['heartbeats acknowledged', `${num(stats.statusAcked)} of ${num(stats.statusSent)}`],
        [
          'backlog (published − stored)',
          `max ${num(maxBacklog)} · slope ${backlogSlope === null ? '–' : num(backlogSlope, 2)} fixes/s`,
        ],
        ['fix publish → stored (PUBACK)', latencyRow(fixAck)],
        [
          'ARC CPU (one core = 100 %)',
          `mean ${pct(arcCpu)} · max ${pct(Math.max(...monitor.samples.map((s) => s.arcCpu ?? 0)))}`,
        ],
        ['PostgreSQL CPU', `mean ${pct(pgCpu)}`],
        ['simulator CPU', `mean ${pct(monitor.mean('simCpu'))}`],
        ['ARC RSS at end', mib(atEnd?.arcRss)],
        [
          'after drain',
          `sent ${num(drained.fixesSent)} · acked ${num(drained.fixesAcked)} · errors ${num(drained.fixErrors)} · stored ${num(storedAfterDrain)} · acked but not stored ${num(lost)}`,
        ],
      ],
      targets: [
        {
          target: '10,000 devices connected and tracked by one ARC process',
          measured: `${num(storm.connectedIds.length)} connected, ${num(stats.connected)} at the end`,
          met: storm.connectedIds.length >= 10_000 && stats.connected >= 10_000,
        },
        {
          target: 'backlog flat',
          measured: `slope ${backlogSlope === null ? '–' : num(backlogSlope, 2)} fixes/s, max ${num(maxBacklog)}`,
          met: backlogSlope === null ? null : flat,
        },
      ],
      data: {
        options,
        windowS,
        storedInWindow,
        storedPerS,
        expectedPerS,
        backlogSlope,
        maxBacklog,
        fixAck,
        statusAck: stats.statusAck.summary(),
        arcCpuMean: arcCpu,
        pgCpuMean: pgCpu,
        drained: { ...drained, fixAck: undefined, statusAck: undefined },
        storedAfterDrain,
        ackedNotStored: lost,
        samples: monitor.samples,
        arcWarnings: warningsOf(scenario.arc),
      },
    };

    const latency = summarisePresses(presses);
    // The first alarms after a start run cold code and fresh statements; shown apart, never dropped.
    const firstAt = Math.min(...presses.map((p) => p.publishedAt));
    const warm = summarisePresses(presses.filter((p) => p.publishedAt - firstAt >= 5000));
    const cold = presses
      .filter((p) => p.publishedAt - firstAt < 5000 && p.raisedAt !== null)
      .map((p) => Math.round(p.raisedAt! - p.publishedAt));
    const latencyResult: ScenarioResult = {
      name: 'alarm-latency',
      title: `Alarm latency under sustained load (${num(storm.connectedIds.length)} devices)`,
      startedAt: startedAt.toISOString(),
      seconds: windowS,
      rows: [
        [
          'SOS presses',
          `${num(latency.presses)} (acked ${num(latency.acked)}, all three answers ${num(latency.complete)})`,
        ],
        ['publish → PUBACK', latencyRow(latency.puback)],
        ['publish → alarm.received at device', latencyRow(latency.alarmReceived)],
        ['publish → alarm:raised at console', latencyRow(latency.alarmRaised)],
        ['after the first 5 s (warm)', `publish → alarm:raised ${latencyRow(warm.alarmRaised)}`],
        ['the first 5 s (cold), ms', cold.join(' ')],
        ['errors', Object.keys(latency.errors).length ? JSON.stringify(latency.errors) : 'none'],
      ],
      targets: [
        {
          target: 'p99 publish → operator screen < 25 ms at 10,000 devices (issue 15; was 100 ms)',
          measured: `p99 ${ms(latency.alarmRaised.p99)} (${num(latency.alarmRaised.count)} of ${num(latency.presses)} shown)`,
          met:
            latency.alarmRaised.p99 === null
              ? null
              : latency.alarmRaised.p99 < 25 &&
                latency.alarmRaised.count === latency.presses &&
                storm.connectedIds.length >= 10_000,
        },
      ],
      data: { ...latency, warm, cold, pressList: presses },
    };
    const results = [storm.result, sustained, latencyResult];
    if (seeded)
      results.push(
        await purgeResult(
          scenario,
          seeded,
          comparePhases(scenario.arc.purgePasses, marks, presses, monitorT0 + options.fixEveryS * 1000),
          {
            startedAt,
            windowS,
            presses: latency.presses,
            shown: latency.alarmRaised.count,
            acked: latency.acked,
            ackedNotStored: lost,
          },
        ),
      );
    return results;
  } finally {
    operator?.close();
    await fleet.close();
    await scenario.stop();
  }
}

/** The purge during tracking: what went, what stayed, and the intake with it working vs idle. */
async function purgeResult(
  scenario: ScenarioArc,
  seeded: SeededOldFixes,
  c: PurgeComparison,
  run: { startedAt: Date; windowS: number; presses: number; shown: number; acked: number; ackedNotStored: number },
): Promise<ScenarioResult> {
  const [{ oldLeft }] = await scenario.sql<{ oldLeft: number }[]>`
    select count(*)::int as "oldLeft" from fixes where id between ${seeded.firstId} and ${seeded.lastId}`;
  const [{ alarms }] = await scenario.sql<
    { alarms: number }[]
  >`select count(*)::int as alarms from alarms where received_at >= ${run.startedAt}`;
  const phaseRow = (p: PurgeComparison['working']) =>
    `${num(p.seconds, 0)} s · fixes stored ${p.storedPerS === null ? '–' : num(p.storedPerS, 1)}/s · backlog max ${p.maxBacklog === null ? '–' : num(p.maxBacklog)} · fix → PUBACK ${latencyRow(p.fixAck)} · ${num(p.presses)} SOS, publish → console ${latencyRow(p.alarmRaised)}`;
  const x = (r: number | null) => (r === null ? '–' : `${r.toFixed(2)}×`);
  return {
    name: 'purge-during-tracking',
    title: `Retention purge during sustained tracking (${num(seeded.rows)} old fixes)`,
    startedAt: run.startedAt.toISOString(),
    seconds: run.windowS,
    rows: [
      [
        'old fixes',
        `${num(seeded.rows)} inserted (past ${seeded.retentionDays} days on the ARC's clock), ${num(seeded.rows - oldLeft)} purged, ${num(oldLeft)} left`,
      ],
      [
        'purge passes',
        `${num(c.passes)} · ${num(c.purgedFixes)} fixes in ${num(c.purgeSeconds, 1)} s = ${c.purgedPerS === null ? '–' : num(c.purgedPerS, 0)} rows/s`,
      ],
      [
        'longest pass (one batch)',
        `${c.longestPassMs === null ? '–' : ms(c.longestPassMs)} · mean ${c.meanPassMs === null ? '–' : ms(c.meanPassMs)}`,
      ],
      ['purge working', phaseRow(c.working)],
      ['purge idle', phaseRow(c.idle)],
      [
        'working ÷ idle',
        `alarm p50 ${x(c.ratios.alarmP50)} p99 ${x(c.ratios.alarmP99)} · fix → PUBACK p50 ${x(c.ratios.fixAckP50)} p99 ${x(c.ratios.fixAckP99)} · fixes stored/s ${x(c.ratios.storedPerS)}`,
      ],
      [
        'recent kept, alarms',
        `acknowledged fixes not stored ${num(run.ackedNotStored)} · SOS ${num(run.presses)}, acked ${num(run.acked)}, shown ${num(run.shown)}, alarms stored ${num(alarms)}`,
      ],
    ],
    targets: [
      {
        target: 'every old fix purged, no recent one',
        measured: `${num(oldLeft)} old left, ${num(run.ackedNotStored)} recent missing`,
        met: oldLeft === 0 && run.ackedNotStored === 0,
      },
      {
        target: '0 alarms lost',
        measured: `${num(run.shown)} of ${num(run.presses)} shown`,
        met: run.shown === run.presses && run.acked === run.presses,
      },
      {
        target: 'the purge does not slow the intake (alarm p99 working ÷ idle ≤ 1.5)',
        measured: x(c.ratios.alarmP99),
        met: c.ratios.alarmP99 === null ? null : c.ratios.alarmP99 <= 1.5,
      },
    ],
    data: { seeded, oldLeft, alarmsStored: alarms, ...c, run },
  };
}
