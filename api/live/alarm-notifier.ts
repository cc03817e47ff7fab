// After an alarm is committed, tell everyone who must know: the operator consoles now; carers and
// supervisors through the notification outbox, written in the deciding transaction.
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { getAlarmView } from '../store/alarm-views.js';
import type { AlarmView } from './console-contract.js';
import type { OperatorFeed } from './operator-feed.js';

export type AlarmChange = 'raised' | 'updated' | 'escalated';

export interface AlarmNotifier {
  /** `committedAt` (performance.now() at commit) times the push for the latency histogram. */
  raised(alarmId: string, committedAt?: number): void;
  updated(alarmId: string, committedAt?: number): void;
  escalated(alarmId: string): void;
  /** A change already read inside its transaction: push it as it is. */
  publish(change: AlarmChange, alarm: AlarmView): void;
  idle(): Promise<void>;
}

export function createAlarmNotifier(
  sql: Sql,
  feed: () => OperatorFeed | null,
  logger: Logger,
  /** Seconds from commit to the consoles' push, for alarms whose commit time was given. */
  pushed?: (seconds: number) => void,
): AlarmNotifier {
  const running = new Set<Promise<void>>();
  const publish = (change: AlarmChange, alarm: AlarmView) => {
    const f = feed();
    if (!f) return;
    if (change === 'raised') f.alarmRaised(alarm);
    else if (change === 'escalated') f.alarmEscalated(alarm);
    else f.alarmUpdated(alarm);
  };
  const push = (change: AlarmChange) => (alarmId: string, committedAt?: number) => {
    const work = getAlarmView(sql, alarmId)
      .then((view) => {
        if (view) publish(change, view);
        if (view && committedAt !== undefined && feed()) pushed?.((performance.now() - committedAt) / 1000);
      })
      // The alarm is stored; a console that missed this push still sees it in the snapshot.
      .catch((err) => logger.error({ err, alarmId, change }, 'could not push an alarm change to consoles'))
      .finally(() => running.delete(work));
    running.add(work);
  };
  return {
    raised: push('raised'),
    updated: push('updated'),
    escalated: push('escalated'),
    publish,
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
  };
}
