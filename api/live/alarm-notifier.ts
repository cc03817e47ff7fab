// After an alarm is committed, tell everyone who must know. Today: the operator consoles.
// (Carers and notification channels come with the alarm-handling work.)
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import { getAlarmView } from '../store/alarm-views.js';
import type { OperatorFeed } from './operator-feed.js';

export interface AlarmNotifier {
  raised(alarmId: string): void;
  idle(): Promise<void>;
}

export function createAlarmNotifier(sql: Sql, feed: () => OperatorFeed | null, logger: Logger): AlarmNotifier {
  const running = new Set<Promise<void>>();
  return {
    raised(alarmId) {
      const work = getAlarmView(sql, alarmId)
        .then((view) => {
          if (view) feed()?.alarmRaised(view);
        })
        // The alarm is stored; a console that missed this push still sees it in the snapshot.
        .catch((err) => logger.error({ err, alarmId }, 'could not push a raised alarm to consoles'))
        .finally(() => running.delete(work));
      running.add(work);
    },
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
  };
}
