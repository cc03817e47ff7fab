// Fault run 1: kill -9 of the ARC in the middle of an alarm storm, then start it again, five times
// on one data directory. Each cycle uses devices of its own (a second SOS of a wearer would join
// the open alarm, not raise one). The devices reconnect by themselves with back-off and resend
// what was not acknowledged, with the same event ids; then every acknowledged event must be
// stored exactly once, every alarm be on the console (REST snapshot), and the accept deadlines
// that fell due while the ARC was down fire once.
import { OperatorConsole } from '../operator-console.js';
import { ms, num, type ScenarioResult } from '../report.js';
import { type BenchContext, devicesFor, sleep, startScenarioArc, waitFor, warningsOf } from '../scenario-kit.js';
import { SimFleet } from '../sim-fleet.js';
import { clockMs } from '../sim-protocol.js';
import { checkStorm, type StormCheck } from '../storm-check.js';

export interface KillOptions {
  cycles: number;
  devicesPerCycle: number;
  windowS: number;
  settleTimeoutS: number;
  /**
   * How long the ARC stays down before it is started again (a supervisor's restart delay). Longer
   * than the 10 s accept deadline of an SOS, so deadlines fall due while it is down.
   */
  downtimeS: number;
}

export const KILL_DEFAULTS: KillOptions = {
  cycles: 5,
  devicesPerCycle: 300,
  windowS: 10,
  settleTimeoutS: 30,
  downtimeS: 12,
};

interface Cycle extends StormCheck {
  cycle: number;
  killedAfterMs: number;
  restartMs: number;
  /** From the restarted ARC being ready until every device of the cycle was connected again. */
  reconnectedAfterMs: number | null;
  reconnected: number;
  devices: number;
  /** Accept deadlines that fell due while the ARC was down; how many fired; (alarm, level) fired twice. */
  dueInDowntime: number;
  dueInDowntimeFired: number;
  escalationDuplicates: number;
  pressErrors: Record<string, number>;
  /** Acknowledged presses whose device never got `alarm.received` within the settle time. */
  noReplyAtDevice: number;
  /** Their reply commands, still undelivered in device_commands. */
  repliesUndelivered: number;
  repliesUndeliveredStoredBeforeKill: number;
}

export async function runKillDuringStorm(
  ctx: BenchContext,
  options: KillOptions = KILL_DEFAULTS,
): Promise<ScenarioResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { template, devices } = await devicesFor(ctx, options.cycles * options.devicesPerCycle);
  const scenario = await startScenarioArc(ctx, 'fault-kill', template);
  const fleet = await SimFleet.start(ctx.workers);
  const operator = await OperatorConsole.open(scenario.arc.http);
  const cycles: Cycle[] = [];
  let warnings: Record<string, number> = {};
  try {
    for (let c = 0; c < options.cycles; c++) {
      const mine = devices.slice(c * options.devicesPerCycle, (c + 1) * options.devicesPerCycle);
      const ids = mine.map((d) => d.deviceId);
      ctx.log(`  cycle ${c + 1}: connecting ${mine.length} devices`);
      await fleet.connect(scenario.arc.mqtt, mine);
      await fleet.track({ fixEveryS: 30, heartbeatS: 60, jitter: 0.2, firstWithinS: 30 });
      const stormAt = clockMs() + 500;
      const storm = fleet.storm(ids, stormAt, options.windowS * 1000, options.settleTimeoutS * 1000);
      const killAfterMs = (0.3 + 0.4 * Math.random()) * options.windowS * 1000;
      await sleep(Math.max(0, stormAt + killAfterMs - clockMs()));
      const before = await fleet.stats();
      const killedAt = new Date();
      await scenario.arc.kill9();
      ctx.log(
        `  cycle ${c + 1}: ARC killed ${(killAfterMs / 1000).toFixed(1)} s into the storm (${num(before.eventsAcked)} SOS acknowledged so far); starting it again in ${options.downtimeS} s`,
      );
      await sleep(options.downtimeS * 1000);
      const restarting = performance.now();
      const arc = await scenario.restart();
      const readyAt = new Date();
      const restartMs = performance.now() - restarting;
      const allBack = await waitFor(
        async () => (await fleet.stats()).connected >= mine.length,
        options.settleTimeoutS * 1000,
        500,
      );
      const reconnectedAfterMs = allBack ? Date.now() - readyAt.getTime() : null;
      const presses = await storm;
      await waitFor(() => operator.connected(), 30_000);
      await waitFor(
        () => presses.filter((p) => p.ackedAt !== null).every((p) => operator.firstRaisedByDevice.has(p.deviceId)),
        10_000,
      );
      await sleep(2000); // a clock tick or two after the restart
      const check = await checkStorm(scenario.sql, operator, presses, stormAt);
      const deadlines = await scenario.sql<
        { id: string; acceptDueAt: Date | null; overdue: number; supervisors: number }[]
      >`
        select a.id, a.accept_due_at,
               (select count(*)::int from alarm_actions x where x.alarm_id = a.id and x.kind = 'escalated.overdue') as overdue,
               (select count(*)::int from alarm_actions x where x.alarm_id = a.id and x.kind = 'escalated.supervisors') as supervisors
        from alarms a where a.device_id = any(${ids}) and a.type = 'sos'`;
      // Replies never delivered, by when their event was stored: before the kill, or after the restart.
      const [{ undelivered, beforeKill }] = await scenario.sql<{ undelivered: number; beforeKill: number }[]>`
        select count(*)::int as undelivered, count(*) filter (where e.received_at < ${killedAt})::int as before_kill
        from device_commands c join events e on e.device_id = c.device_id and e.event_key = c.body->>'eventId'
        where c.device_id = any(${ids}) and c.delivered_at is null and c.body->>'type' = 'alarm.received'`;
      const inDowntime = deadlines.filter(
        (d) => d.acceptDueAt && d.acceptDueAt >= killedAt && d.acceptDueAt <= readyAt,
      );
      const stats = await fleet.stats();
      const cycle: Cycle = {
        cycle: c + 1,
        ...check,
        killedAfterMs: killAfterMs,
        restartMs,
        reconnectedAfterMs,
        reconnected: stats.connected,
        devices: mine.length,
        dueInDowntime: inDowntime.length,
        dueInDowntimeFired: inDowntime.filter((d) => d.overdue === 1).length,
        escalationDuplicates: deadlines.filter((d) => d.overdue > 1 || d.supervisors > 1).length,
        noReplyAtDevice: presses.filter((p) => p.ackedAt !== null && p.receivedAt === null).length,
        repliesUndelivered: undelivered,
        repliesUndeliveredStoredBeforeKill: beforeKill,
        pressErrors: presses.reduce<Record<string, number>>(
          (acc, p) => (p.error ? { ...acc, [p.error]: (acc[p.error] ?? 0) + 1 } : acc),
          {},
        ),
      };
      cycles.push(cycle);
      ctx.log(
        `  cycle ${c + 1}: acked ${cycle.acknowledged}/${cycle.pressed} · stored ${cycle.stored} · lost ${cycle.lost} · duplicate alarms ${cycle.duplicateAlarms} · not in snapshot ${cycle.notInSnapshot} · restart ${ms(restartMs)} · all reconnected after ${ms(reconnectedAfterMs)} · deadlines in downtime ${cycle.dueInDowntimeFired}/${cycle.dueInDowntime} fired, ${cycle.escalationDuplicates} twice · press errors ${JSON.stringify(cycle.pressErrors)}`,
      );
      warnings = { ...warnings, ...warningsOf(arc) };
      await fleet.stopTracking();
      await fleet.disconnect(ids);
    }
  } finally {
    operator.close();
    await fleet.close();
    await scenario.stop();
  }
  const total = (key: keyof Cycle) => cycles.reduce((n, c) => n + (c[key] as number), 0);
  const lost = total('lost');
  const dupes = total('duplicateAlarms') + total('escalationDuplicates');
  return {
    name: 'fault-kill',
    title: `kill -9 during an alarm storm, ${cycles.length} × ${num(options.devicesPerCycle)} devices, ${options.downtimeS} s down`,
    startedAt: startedAt.toISOString(),
    seconds: (performance.now() - t0) / 1000,
    rows: [
      [
        'pressed / acknowledged / stored',
        `${num(total('pressed'))} / ${num(total('acknowledged'))} / ${num(total('stored'))}`,
      ],
      ['lost (acked, not stored)', num(lost)],
      ['never acknowledged (within the settle time)', num(total('unacknowledged'))],
      ['duplicate alarms', num(total('duplicateAlarms'))],
      ['not on console after restart (REST snapshot)', num(total('notInSnapshot'))],
      ['acked but never pushed (shown by the snapshot)', num(total('notPushed'))],
      [
        'acked but no alarm.received at the device',
        `${num(total('noReplyAtDevice'))} (replies still undelivered in device_commands: ${num(total('repliesUndelivered'))}, of which stored before the kill: ${num(total('repliesUndeliveredStoredBeforeKill'))})`,
      ],
      ['devices reconnected by themselves', `${num(total('reconnected'))} of ${num(total('devices'))}`],
      ['restart (spawn → ready, after the downtime)', cycles.map((c) => ms(c.restartMs)).join(' · ')],
      ['all devices back after', cycles.map((c) => ms(c.reconnectedAfterMs)).join(' · ')],
      [
        'deadlines due while down: fired / due',
        `${num(total('dueInDowntimeFired'))} / ${num(total('dueInDowntime'))} (fired twice: ${num(total('escalationDuplicates'))})`,
      ],
    ],
    targets: [
      {
        target: 'kill -9: 0 lost acknowledged events',
        measured: `${num(lost)} lost, ${num(total('unacknowledged'))} never acknowledged`,
        met: lost === 0 && total('unacknowledged') === 0,
      },
      {
        target: 'kill -9: 0 duplicate alarms, deadlines fire once',
        measured: `${num(total('duplicateAlarms'))} duplicate alarms, ${num(total('escalationDuplicates'))} escalations twice`,
        met: dupes === 0,
      },
      {
        target: 'kill -9: every alarm on the console after restart',
        measured: `${num(total('notInSnapshot'))} missing from GET /api/alarms`,
        met: total('notInSnapshot') === 0,
      },
      {
        target: 'kill -9: every device reconnects by itself',
        measured: `${num(total('reconnected'))} of ${num(total('devices'))}`,
        met: total('reconnected') === total('devices'),
      },
    ],
    data: { options, cycles, arcWarnings: warnings },
  };
}
