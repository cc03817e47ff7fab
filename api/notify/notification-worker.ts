// Sends what the outbox holds: claim due rows, send each on its channel, record the outcome.
// One row's failure never stops the others; a failed attempt is retried on the back-off of
// retry-schedule.ts until ARC_NOTIFY_MAX_ATTEMPTS, then recorded as failed.
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { claimDueNotifications, recordDelivered, recordFailedAttempt } from './outbox.js';
import { channelsOfAlarms } from '../store/organisation-settings-store.js';
import { isFinalFailure, nextAttemptDelayMs } from './retry-schedule.js';
import { UndeliverableError, type NotificationChannels, type OutboxNotification } from './notification-channel.js';
import { createWebhookChannel } from './channels/webhook-channel.js';
import { createEmailChannel } from './channels/email-channel.js';
import { createSmsChannel } from './channels/sms-channel.js';

/** Rows one tick takes; a full batch makes the next tick start at once. */
const BATCH_SIZE = 20;
/**
 * How long a claimed row stays away from other workers. Far longer than any send can take
 * (each channel gives up after 10 s a stage), so only a worker that died lets it come back.
 */
const LEASE_MS = 5 * 60_000;

type NotifyConfig = Pick<
  Config,
  | 'ARC_SMTP_URL'
  | 'ARC_SMTP_FROM'
  | 'ARC_SMS_GATEWAY_URL'
  | 'ARC_SMS_GATEWAY_TOKEN'
  | 'ARC_WEBHOOK_URL'
  | 'ARC_WEBHOOK_SECRET'
  | 'ARC_NOTIFY_MAX_ATTEMPTS'
>;

export interface NotificationWorkerDeps {
  sql: Sql;
  config: NotifyConfig;
  logger: Logger;
  /** Every time the worker compares or records comes from here, never from SQL now(). */
  now: () => Date;
  /** Replaces the configured channels (tests); missing ones come from config. */
  channels?: Partial<NotificationChannels>;
  /** After a notification of an alarm was delivered or failed for good: consoles show it at once. */
  settled?(alarmId: string): void;
}

export interface NotificationWorker {
  /** Sends what is due now; resolves with how many notifications it attempted. */
  tick(): Promise<number>;
  start(intervalMs: number): void;
  /** Stops the timer and waits for every tick under way, then closes channel connections. */
  stop(): Promise<void>;
}

/** A failure as an operator reads it: fetch's "fetch failed" alone says nothing. */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : null;
  return cause ? `${err.message}: ${cause}` : err.message;
}

export function createNotificationWorker(deps: NotificationWorkerDeps): NotificationWorker {
  const { sql, config, now } = deps;
  const logger = deps.logger.child({ component: 'notify' });
  const channels: NotificationChannels = {
    webhook: deps.channels?.webhook ?? createWebhookChannel(config),
    email: deps.channels?.email ?? createEmailChannel(config),
    sms: deps.channels?.sms ?? createSmsChannel(config),
  };

  async function attempt(n: OutboxNotification): Promise<void> {
    // Personal details (recipient, body) stay out of the logs; the id leads to the row.
    const about = { notificationId: n.id, alarmId: n.alarmId, channel: n.channel, attempts: n.attempts };
    try {
      await channels[n.channel].send(n, now());
    } catch (err) {
      const error = describeFailure(err);
      const at = now();
      if (err instanceof UndeliverableError || isFinalFailure(n.attempts, config.ARC_NOTIFY_MAX_ATTEMPTS)) {
        await recordFailedAttempt(sql, n, { error, failedAt: at });
        logger.error({ ...about, error }, 'notification failed for good');
        if (n.alarmId) deps.settled?.(n.alarmId);
      } else {
        await recordFailedAttempt(sql, n, {
          error,
          nextAttemptAt: new Date(at.getTime() + nextAttemptDelayMs(n.attempts)),
        });
        logger.warn({ ...about, error }, 'notification attempt failed; will retry');
      }
      return;
    }
    await recordDelivered(sql, n.id, now());
    logger.info(about, 'notification delivered');
    if (n.alarmId) deps.settled?.(n.alarmId);
  }

  async function tick(): Promise<number> {
    const claimedAt = now();
    const due = await claimDueNotifications(sql, claimedAt, new Date(claimedAt.getTime() + LEASE_MS), BATCH_SIZE);
    // Each alarm's organisation's own channels, read now (as the configuration is) for the batch.
    const organisations = await channelsOfAlarms(sql, [...new Set(due.flatMap((n) => (n.alarmId ? [n.alarmId] : [])))]);
    for (const n of due) n.organisation = n.alarmId ? (organisations.get(n.alarmId) ?? null) : null;
    const outcomes = await Promise.allSettled(due.map(attempt));
    for (const [i, outcome] of outcomes.entries()) {
      // Only recording can get here (a send's failure is recorded); the lease brings the row back.
      if (outcome.status === 'rejected')
        logger.error({ err: outcome.reason, notificationId: due[i].id }, 'could not record a notification attempt');
    }
    return due.length;
  }

  const underWay = new Set<Promise<number>>();
  const tracked = () => {
    const work = tick();
    underWay.add(work);
    void work.catch(() => {}).finally(() => underWay.delete(work));
    return work;
  };

  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const loop = async (intervalMs: number) => {
    let attempted = 0;
    try {
      attempted = await tracked();
    } catch (err) {
      logger.error({ err }, 'notification tick failed');
    }
    if (running) timer = setTimeout(() => void loop(intervalMs), attempted >= BATCH_SIZE ? 0 : intervalMs);
  };

  return {
    tick: tracked,
    start(intervalMs) {
      if (running) return;
      running = true;
      timer = setTimeout(() => void loop(intervalMs), 0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      while (underWay.size) await Promise.allSettled([...underWay]);
      for (const channel of Object.values(channels)) channel.close?.();
    },
  };
}
