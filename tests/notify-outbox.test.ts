// The outbox's guarantees on a real PostgreSQL: a notification commits or rolls back with the
// decision that queued it, two workers never send one row twice, a dead worker's row comes back
// after its lease, and the console's view of an alarm's notifications.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { loadConfig } from '../api/config.js';
import { connectDatabase, type Sql } from '../api/db/connect.js';
import {
  claimDueNotifications,
  enqueueNotification,
  notificationsForAlarm,
  type NewNotification,
} from '../api/notify/outbox.js';
import { createNotificationWorker, type NotificationWorker } from '../api/notify/notification-worker.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** A webhook receiver that takes `delayMs` to answer, like a real endpoint across a network. */
async function startWebhookReceiver() {
  const ids: string[] = [];
  let delayMs = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      ids.push(JSON.parse(Buffer.concat(chunks).toString('utf8')).id);
      setTimeout(() => res.writeHead(204).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    ids,
    answerAfter: (ms: number) => (delayMs = ms),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const T0 = Date.parse('2025-07-01T13:02:00Z');
let clock = new Date(T0);

let db: TestDatabase;
let sql: Sql;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
const workers: NotificationWorker[] = [];
const config = () => loadConfig({ ARC_WEBHOOK_SECRET: 'webhook-secret-for-the-notify-tests' });

function worker(pool: Sql = sql) {
  const created = createNotificationWorker({
    sql: pool,
    config: config(),
    logger: pino({ level: 'silent' }),
    now: () => clock,
  });
  workers.push(created);
  return created;
}

const webhook = (fields: Partial<NewNotification> = {}): NewNotification => ({
  alarmId: null,
  channel: 'webhook',
  recipient: receiver.url,
  audience: 'contact',
  body: 'Test body',
  now: clock,
  ...fields,
});

const countRows = async () => (await sql`select count(*)::int as n from notifications`)[0].n;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = db.sql;
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await db?.drop();
});

beforeEach(async () => {
  clock = new Date(T0);
  receiver.ids.length = 0;
  receiver.answerAfter(0);
  await sql`delete from notifications`;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe('the outbox and its transaction', () => {
  it('sends nothing when the decision that queued it rolls back', async () => {
    const rejected = sql.begin(async (tx) => {
      await enqueueNotification(tx, webhook({ body: 'must never arrive' }));
      throw new Error('the decision was rejected');
    });
    await expect(rejected).rejects.toThrow('the decision was rejected');

    expect(await worker().tick()).toBe(0);
    expect(await countRows()).toBe(0);
    expect(receiver.ids).toEqual([]);
  });

  it('sends once the decision that queued it commits, not before', async () => {
    let queued = '';
    await sql.begin(async (tx) => {
      queued = await enqueueNotification(tx, webhook());
      // Another connection's worker cannot see an uncommitted notification.
      expect(await worker().tick()).toBe(0);
    });
    expect(await worker().tick()).toBe(1);
    expect(receiver.ids).toEqual([queued]);
  });
});

describe('workers', () => {
  it('two workers ticking at once never send the same row twice', async () => {
    const other = connectDatabase(db.url);
    try {
      receiver.answerAfter(20);
      const queued = new Set<string>();
      for (let i = 0; i < 60; i++) queued.add(await enqueueNotification(sql, webhook({ body: `message ${i}` })));
      const a = worker(sql);
      const b = worker(other);

      const firstRound = await Promise.all([a.tick(), b.tick()]);
      // Neither waited for the other's locks: each took a full batch of different rows.
      expect(firstRound).toEqual([20, 20]);
      while ((await Promise.all([a.tick(), b.tick()])).some((n) => n > 0));

      expect(receiver.ids).toHaveLength(60);
      expect(new Set(receiver.ids)).toEqual(queued);
      const [summary] =
        await sql`select count(*)::int as delivered, max(attempts) as most_attempts from notifications where delivered_at is not null`;
      expect(summary).toEqual({ delivered: 60, mostAttempts: 1 });
    } finally {
      await other.end({ timeout: 5 });
    }
  });

  it('tries again after the lease when a worker died between claiming and recording', async () => {
    const id = await enqueueNotification(sql, webhook());
    // A worker that claimed the row and then died: no outcome is ever recorded.
    await claimDueNotifications(sql, clock, new Date(T0 + 5 * 60_000), 20);
    const notify = worker();

    clock = new Date(T0 + 5 * 60_000 - 1);
    expect(await notify.tick()).toBe(0);
    clock = new Date(T0 + 5 * 60_000);
    expect(await notify.tick()).toBe(1);

    expect(receiver.ids).toEqual([id]);
    const [row] = await sql`select attempts, delivered_at from notifications where id = ${id}`;
    expect(row).toEqual({ attempts: 2, deliveredAt: clock });
  });

  it('start() sends on its own and stop() waits for the tick under way', async () => {
    receiver.answerAfter(300);
    const id = await enqueueNotification(sql, webhook());
    const notify = worker();
    notify.start(20);
    await expect.poll(() => receiver.ids.length, { timeout: 5_000 }).toBe(1);

    await notify.stop();

    const [row] = await sql`select delivered_at from notifications where id = ${id}`;
    expect(row.deliveredAt).toEqual(clock);
    await enqueueNotification(sql, webhook());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.ids).toHaveLength(1);
  });
});

describe('notificationsForAlarm', () => {
  it('shows who was told about an alarm, how, and whether it got there', async () => {
    const [wearer] = await sql`insert into wearers (name) values ('Mum') returning id`;
    await sql`insert into devices (id, wearer_id, secret_hash) values ('notify-dev-1', ${wearer.id}, 'x')`;
    const [alarm] = await sql`
      insert into alarms (device_id, wearer_id, type, priority, received_at)
      values ('notify-dev-1', ${wearer.id}, 'sos', 1, ${clock}) returning id`;
    const delivered = await enqueueNotification(
      sql,
      webhook({ alarmId: alarm.id, audience: 'carer', subject: 'Alarm for Mum' }),
    );
    clock = new Date(T0 + 1_000);
    const failed = await enqueueNotification(sql, {
      alarmId: alarm.id,
      channel: 'email',
      recipient: 'son@family.test',
      audience: 'contact',
      body: 'b',
      now: clock,
    });
    await enqueueNotification(sql, webhook({ body: 'about no alarm' }));

    await worker().tick();

    expect(await notificationsForAlarm(sql, alarm.id)).toEqual([
      {
        id: delivered,
        channel: 'webhook',
        recipient: receiver.url,
        audience: 'carer',
        subject: 'Alarm for Mum',
        status: 'delivered',
        attempts: 1,
        createdAt: new Date(T0).toISOString(),
        deliveredAt: new Date(T0 + 1_000).toISOString(),
        failedAt: null,
        lastError: null,
      },
      {
        id: failed,
        channel: 'email',
        recipient: 'son@family.test',
        audience: 'contact',
        subject: '',
        status: 'failed',
        attempts: 1,
        createdAt: new Date(T0 + 1_000).toISOString(),
        deliveredAt: null,
        failedAt: new Date(T0 + 1_000).toISOString(),
        lastError: 'email is not configured: set ARC_SMTP_URL',
      },
    ]);
  });
});
