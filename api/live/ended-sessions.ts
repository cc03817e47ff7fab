// The live feeds whose session ended (log-out, expiry, a disabled account) are closed: at once on
// a log-out (the route calls close()), else by a timer every SESSION_RECHECK_MS (session-watch.ts).
import type { Logger } from 'pino';
import { SESSION_RECHECK_MS } from './session-watch.js';

interface Feed {
  closeEndedSessions(): Promise<number>;
}

export interface EndedSessions {
  /** One pass over both feeds; resolves with how many sockets it closed (0 when it failed: the next pass retries). */
  close(): Promise<number>;
  start(): void;
  stop(): void;
}

export function createEndedSessions(
  feeds: () => { operators: Feed | null; carers: Feed | null },
  logger: Logger,
): EndedSessions {
  let timer: NodeJS.Timeout | null = null;
  const close = async () => {
    try {
      const { operators: operatorFeed, carers: carerFeed } = feeds();
      const [operators, carers] = await Promise.all([
        operatorFeed?.closeEndedSessions() ?? 0,
        carerFeed?.closeEndedSessions() ?? 0,
      ]);
      if (operators + carers) logger.info({ operators, carers }, 'live feeds of ended sessions closed');
      return operators + carers;
    } catch (err) {
      logger.error({ err }, 'could not check the sessions of the live feeds; next pass retries');
      return 0;
    }
  };
  return {
    close,
    start() {
      timer = setInterval(() => void close(), SESSION_RECHECK_MS).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
