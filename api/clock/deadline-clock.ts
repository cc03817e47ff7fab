// The clock: every pending deadline lives in PostgreSQL as a due time (accept deadlines, amber
// sessions, check-ins, device silence). Each tick finds what fell due, applies the pure rule in
// one transaction that also marks it done (so it fires once, even across processes: rows are
// claimed with SKIP LOCKED), and publishes after commit. A restarted ARC's first tick fires
// everything that fell due while it was down, marked late.
import type { Sql, TransactionSql } from 'postgres';
import type { Logger } from 'pino';
import type { AcceptDeadline } from '../config.js';
import type { AlarmChange } from '../live/alarm-notifier.js';
import type { AlarmRaising } from '../handling/raise-alarm.js';
import { escalateUnaccepted } from './escalation-sweep.js';
import { endFinishedShifts, expireAmberSessions, raiseMissedCheckins } from './session-sweeps.js';
import { raiseSilentDevices } from './silence-sweep.js';

export interface ClockContext {
  tx: TransactionSql;
  now: Date;
  deadlines: Record<number, AcceptDeadline>;
  noCommGraceS: number;
  /** Notifications to write in this transaction (the outbox), for supervisors. */
  notifySupervisors(tx: TransactionSql, alarmId: string, now: Date): Promise<void>;
  /** The one path that raises an alarm (api/handling/raise-alarm.ts), with what every new alarm gets. */
  raising: AlarmRaising;
}

export interface ClockEffect {
  change: AlarmChange;
  alarmId: string;
}

export type Sweep = ((ctx: ClockContext) => Promise<ClockEffect[]>) & {
  /** A sweep that has nothing to do most ticks says so here, and costs no transaction then. */
  due?: (now: Date) => boolean;
};

/** In the order they run each tick. */
const SWEEPS: [string, Sweep][] = [
  ['accept deadlines', escalateUnaccepted],
  ['amber sessions', expireAmberSessions],
  ['missed check-ins', raiseMissedCheckins],
  // After the missed check-ins: a shift whose last check-in was missed is closed only once raised.
  ['finished shifts', endFinishedShifts],
  ['silent devices', raiseSilentDevices],
];

export interface DeadlineClockDeps {
  sql: Sql;
  logger: Logger;
  now: () => Date;
  deadlines: Record<number, AcceptDeadline>;
  noCommGraceS: number;
  notifySupervisors: ClockContext['notifySupervisors'];
  raising: AlarmRaising;
  publish(effect: ClockEffect): void;
  /** More sweeps (response plan steps, …) added by their owners. */
  extraSweeps?: [string, Sweep][];
}

export interface DeadlineClock {
  /** One pass over every sweep; resolves with what it did. */
  tick(): Promise<ClockEffect[]>;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export function createDeadlineClock(deps: DeadlineClockDeps): DeadlineClock {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<ClockEffect[]> | null = null;
  const sweeps = [...SWEEPS, ...(deps.extraSweeps ?? [])];

  async function tick(): Promise<ClockEffect[]> {
    const done: ClockEffect[] = [];
    for (const [name, sweep] of sweeps) {
      const now = deps.now();
      if (sweep.due && !sweep.due(now)) continue;
      try {
        // Each sweep commits on its own: one failing (the database blinked) does not undo another.
        const effects = await deps.sql.begin((tx) =>
          sweep({
            tx,
            now,
            deadlines: deps.deadlines,
            noCommGraceS: deps.noCommGraceS,
            notifySupervisors: deps.notifySupervisors,
            raising: deps.raising,
          }),
        );
        for (const effect of effects) deps.publish(effect);
        done.push(...effects);
      } catch (err) {
        deps.logger.error({ err, sweep: name }, 'clock sweep failed; it runs again next tick');
      }
    }
    return done;
  }

  const guardedTick = () => {
    // Never two ticks at once in one process.
    running ??= tick().finally(() => (running = null));
    return running;
  };

  return {
    tick: guardedTick,
    start(intervalMs) {
      const loop = () => {
        timer = setTimeout(() => void guardedTick().finally(() => timer && loop()), intervalMs);
      };
      loop();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
