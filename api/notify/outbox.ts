// The notification outbox in PostgreSQL. A notification is written in the transaction of the
// decision that caused it (so a rolled-back decision tells nobody, and a committed one cannot
// lose its message), then claimed, sent and recorded by the notification worker.
import type { JSONValue, Sql, TransactionSql } from 'postgres';
import type { Audience, ChannelName, OutboxNotification } from './notification-channel.js';

export interface NewNotification {
  alarmId: string | null;
  channel: ChannelName;
  /** A URL (webhook), an address (email) or a phone number (sms); ignored by an organisation webhook. */
  recipient: string;
  audience: Audience;
  subject?: string;
  body: string;
  /** Machine-readable detail for webhooks (alarm type, links); people read `body`. */
  payload?: Record<string, unknown>;
  now: Date;
}

/** Queues one notification; pass the caller's transaction to commit it with the decision. */
export async function enqueueNotification(sql: Sql | TransactionSql, n: NewNotification): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into notifications (alarm_id, channel, recipient, audience, subject, body, payload, created_at, next_attempt_at)
    values (${n.alarmId}, ${n.channel}, ${n.recipient}, ${n.audience}, ${n.subject ?? ''}, ${n.body},
            ${sql.json((n.payload ?? {}) as JSONValue)}, ${n.now}, ${n.now})
    returning id`;
  return row.id;
}

/**
 * Takes up to `limit` due notifications for one attempt each. Claiming counts the attempt and
 * moves next_attempt_at to `leaseUntil`, in one statement with `skip locked`, so a second
 * worker neither waits for these rows nor sees them as due; the send then happens outside any
 * transaction. A worker that dies mid-send leaves the row to be tried again after the lease:
 * delivery is at least once, and receivers dedupe on the notification id.
 */
export async function claimDueNotifications(
  sql: Sql,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<OutboxNotification[]> {
  return sql<OutboxNotification[]>`
    update notifications n
    set attempts = n.attempts + 1, next_attempt_at = ${leaseUntil}
    from (select id from notifications
          where delivered_at is null and failed_at is null and next_attempt_at <= ${now}
          order by next_attempt_at, id
          limit ${limit}
          for update skip locked) due
    where n.id = due.id
    returning n.id, n.alarm_id, n.channel, n.recipient, n.audience, n.subject, n.body, n.payload,
              n.created_at, n.attempts`;
}

export async function recordDelivered(sql: Sql, id: string, at: Date): Promise<void> {
  await sql`update notifications set delivered_at = ${at} where id = ${id} and delivered_at is null`;
}

/**
 * Records a failed attempt: either the time of the next one or, when it was the last, the final
 * failure. Only the attempt that claimed the row may record it (`attempts` matches), so a worker
 * that outlived its lease cannot overwrite a newer attempt's outcome.
 */
export async function recordFailedAttempt(
  sql: Sql,
  claimed: Pick<OutboxNotification, 'id' | 'attempts'>,
  outcome: { error: string; failedAt: Date } | { error: string; nextAttemptAt: Date },
): Promise<void> {
  const failedAt = 'failedAt' in outcome ? outcome.failedAt : null;
  const nextAttemptAt = 'nextAttemptAt' in outcome ? outcome.nextAttemptAt : null;
  await sql`
    update notifications
    set last_error = ${outcome.error.slice(0, 2000)},
        failed_at = ${failedAt},
        next_attempt_at = coalesce(${nextAttemptAt}::timestamptz, next_attempt_at)
    where id = ${claimed.id} and attempts = ${claimed.attempts} and delivered_at is null and failed_at is null`;
}

/** What the console shows on an alarm: who was told, how, and whether it got there. */
export interface NotificationView {
  id: string;
  channel: ChannelName;
  recipient: string;
  audience: Audience;
  subject: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
  failedAt: string | null;
  /** The latest failure; kept after a later delivery so an operator sees a channel struggling. */
  lastError: string | null;
}

interface ViewRow {
  id: string;
  channel: ChannelName;
  recipient: string;
  audience: Audience;
  subject: string;
  attempts: number;
  createdAt: Date;
  deliveredAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
}

export async function notificationsForAlarm(sql: Sql | TransactionSql, alarmId: string): Promise<NotificationView[]> {
  const rows = await sql<ViewRow[]>`
    select id, channel, recipient, audience, subject, attempts, created_at, delivered_at, failed_at, last_error
    from notifications where alarm_id = ${alarmId} order by created_at, id`;
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    recipient: r.recipient,
    audience: r.audience,
    subject: r.subject,
    status: r.deliveredAt ? 'delivered' : r.failedAt ? 'failed' : 'pending',
    attempts: r.attempts,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    failedAt: r.failedAt?.toISOString() ?? null,
    lastError: r.lastError,
  }));
}
