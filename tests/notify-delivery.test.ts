// The notification worker against real receivers on this machine: a node:http server stands in
// for webhook endpoints and the SMS gateway, an smtp-server for the mail relay. Time is injected
// and moved by hand, so back-off is exercised without sleeping.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { AddressObject } from 'mailparser';
import { loadConfig } from '../api/config.js';
import type { Sql } from '../api/db/connect.js';
import { enqueueNotification, type NewNotification } from '../api/notify/outbox.js';
import { createNotificationWorker, type NotificationWorker } from '../api/notify/notification-worker.js';
import { createWebhookChannel } from '../api/notify/channels/webhook-channel.js';
import type { NotificationChannels } from '../api/notify/notification-channel.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { startHttpReceiver, startSmtpReceiver } from './support/local-receivers.js';

const SECRET = 'webhook-secret-for-the-notify-tests';
const T0 = Date.parse('2025-07-01T13:02:00Z');
let clock = new Date(T0);
const at = (offsetMs: number) => (clock = new Date(T0 + offsetMs));

let db: TestDatabase;
let sql: Sql;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const workers: NotificationWorker[] = [];

function worker(env: Record<string, string> = {}, channels?: Partial<NotificationChannels>) {
  const config = loadConfig({
    ARC_WEBHOOK_URL: `${http.url}/organisation`,
    ARC_WEBHOOK_SECRET: SECRET,
    ARC_SMTP_URL: smtp.url,
    ARC_SMTP_FROM: 'ArcAngel ARC <arc@arc.test>',
    ARC_SMS_GATEWAY_URL: `${http.url}/sms`,
    ARC_SMS_GATEWAY_TOKEN: 'sms-gateway-token',
    ...env,
  });
  const created = createNotificationWorker({
    sql,
    config,
    logger: pino({ level: 'silent' }),
    now: () => clock,
    channels,
  });
  workers.push(created);
  return created;
}

const enqueue = (n: Partial<NewNotification> & Pick<NewNotification, 'channel' | 'recipient'>) =>
  enqueueNotification(sql, { alarmId: null, audience: 'contact', body: 'Test body', now: clock, ...n });

async function row(id: string) {
  const [found] = await sql`select * from notifications where id = ${id}`;
  return found;
}

beforeAll(async () => {
  db = await createTestDatabase();
  sql = db.sql;
  [http, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
});

afterAll(async () => {
  await Promise.all([http?.close(), smtp?.close()]);
  await db?.drop();
});

beforeEach(async () => {
  at(0);
  http.seen.length = 0;
  smtp.mails.length = 0;
  await sql`delete from notifications`;
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe('delivery on each channel', () => {
  it('POSTs a signed webhook to the recipient, and to ARC_WEBHOOK_URL for the organisation', async () => {
    const contactId = await enqueue({
      channel: 'webhook',
      recipient: `${http.url}/contact-hook`,
      subject: 'Alarm for Mum: SOS button pressed',
      body: 'The alarm centre is dealing with an alarm for Mum.',
      payload: { alarmType: 'sos', link: 'https://arc.test/my' },
    });
    const organisationId = await enqueue({
      channel: 'webhook',
      recipient: 'organisation',
      audience: 'organisation',
      body: 'For the organisation',
    });
    at(1_500);

    expect(await worker().tick()).toBe(2);

    const contact = http.seen.find((r) => r.path === '/contact-hook')!;
    expect(JSON.parse(contact.body)).toEqual({
      id: contactId,
      alarmId: null,
      audience: 'contact',
      recipient: `${http.url}/contact-hook`,
      subject: 'Alarm for Mum: SOS button pressed',
      body: 'The alarm centre is dealing with an alarm for Mum.',
      payload: { alarmType: 'sos', link: 'https://arc.test/my' },
      createdAt: new Date(T0).toISOString(),
    });
    expect(contact.headers['content-type']).toBe('application/json');
    expect(contact.headers['x-arc-timestamp']).toBe(String(Math.floor((T0 + 1_500) / 1000)));
    // The receiver's side of the contract: HMAC the exact bytes received, compare in constant time.
    const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(contact.body).digest('hex')}`);
    const signature = Buffer.from(String(contact.headers['x-arc-signature']));
    expect(signature.length === expected.length && timingSafeEqual(signature, expected)).toBe(true);

    const organisation = http.seen.find((r) => r.path === '/organisation')!;
    expect(JSON.parse(organisation.body)).toMatchObject({
      id: organisationId,
      audience: 'organisation',
      body: 'For the organisation',
    });

    for (const id of [contactId, organisationId]) {
      expect(await row(id)).toMatchObject({
        attempts: 1,
        deliveredAt: new Date(T0 + 1_500),
        failedAt: null,
        lastError: null,
      });
    }
  });

  it('sends a plain-text email through SMTP from ARC_SMTP_FROM', async () => {
    const id = await enqueue({
      channel: 'email',
      recipient: 'daughter@family.test',
      audience: 'carer',
      subject: 'Alarm for Mum: a fall was detected',
      body: 'The alarm centre is dealing with an alarm for Mum (a fall was detected) since 14:02. See where Mum is: https://arc.test/my — “thanks”',
    });

    expect(await worker().tick()).toBe(1);

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.from?.text).toBe('"ArcAngel ARC" <arc@arc.test>');
    expect((mail.to as AddressObject).text).toBe('daughter@family.test');
    expect(mail.subject).toBe('Alarm for Mum: a fall was detected');
    expect(mail.text?.trim()).toBe(
      'The alarm centre is dealing with an alarm for Mum (a fall was detected) since 14:02. See where Mum is: https://arc.test/my — “thanks”',
    );
    expect(mail.html).toBe(false);
    expect(mail.headers.get('x-arc-notification-id')).toBe(id);
    expect(await row(id)).toMatchObject({ attempts: 1, deliveredAt: clock, lastError: null });
  });

  it('POSTs {to, text} to the SMS gateway with its bearer token', async () => {
    const id = await enqueue({
      channel: 'sms',
      recipient: '+447700900123',
      audience: 'supervisor',
      subject: 'not sent by SMS',
      body: 'Alarm 14:02: Mum, SOS',
    });

    expect(await worker().tick()).toBe(1);

    const [request] = http.seen;
    expect(request.path).toBe('/sms');
    expect(request.headers.authorization).toBe('Bearer sms-gateway-token');
    expect(request.headers['idempotency-key']).toBe(`arc-notification-${id}`);
    expect(JSON.parse(request.body)).toEqual({ to: '+447700900123', text: 'Alarm 14:02: Mum, SOS' });
    expect(await row(id)).toMatchObject({ attempts: 1, deliveredAt: clock });
  });
});

describe('retries and failure', () => {
  it('delivers on the third attempt after two failures, backing off in between', async () => {
    const id = await enqueue({ channel: 'webhook', recipient: `${http.url}/fail-twice` });
    const notify = worker();

    expect(await notify.tick()).toBe(1);
    expect(await row(id)).toMatchObject({
      attempts: 1,
      deliveredAt: null,
      failedAt: null,
      lastError: 'webhook answered HTTP 500',
      nextAttemptAt: new Date(T0 + 5_000),
    });

    at(4_999);
    expect(await notify.tick()).toBe(0);

    at(5_000);
    expect(await notify.tick()).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 2, deliveredAt: null, nextAttemptAt: new Date(T0 + 20_000) });

    at(20_000);
    expect(await notify.tick()).toBe(1);
    expect(await row(id)).toMatchObject({
      attempts: 3,
      deliveredAt: new Date(T0 + 20_000),
      failedAt: null,
      lastError: 'webhook answered HTTP 500',
    });

    at(3_600_000);
    expect(await notify.tick()).toBe(0);
    const attempts = http.seen.filter((r) => r.path === '/fail-twice');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((r) => JSON.parse(r.body).id))).toEqual(new Set([id]));
  });

  it('records the final failure after ARC_NOTIFY_MAX_ATTEMPTS and stops trying', async () => {
    const id = await enqueue({ channel: 'sms', recipient: '+447700900123' });
    const notify = worker({ ARC_SMS_GATEWAY_URL: `${http.url}/always-503`, ARC_NOTIFY_MAX_ATTEMPTS: '3' });

    for (let step = 0; step < 6; step++) {
      at(step * 15 * 60_000);
      await notify.tick();
    }

    expect(http.seen.filter((r) => r.path === '/always-503')).toHaveLength(3);
    expect(await row(id)).toMatchObject({
      attempts: 3,
      deliveredAt: null,
      failedAt: new Date(T0 + 2 * 15 * 60_000),
      lastError: 'sms gateway answered HTTP 503',
    });
  });

  it('fails an unconfigured channel at once with a message saying what to set, keeping the row', async () => {
    const email = await enqueue({ channel: 'email', recipient: 'son@family.test' });
    const sms = await enqueue({ channel: 'sms', recipient: '+447700900123' });
    const organisation = await enqueue({ channel: 'webhook', recipient: 'organisation', audience: 'organisation' });
    const unsigned = await enqueue({ channel: 'webhook', recipient: `${http.url}/contact-hook` });
    const notify = worker({ ARC_SMTP_URL: '', ARC_SMS_GATEWAY_URL: '', ARC_WEBHOOK_URL: '', ARC_WEBHOOK_SECRET: '' });

    expect(await notify.tick()).toBe(4);

    const failedNow = { attempts: 1, deliveredAt: null, failedAt: clock };
    expect(await row(email)).toMatchObject({ ...failedNow, lastError: 'email is not configured: set ARC_SMTP_URL' });
    expect(await row(sms)).toMatchObject({ ...failedNow, lastError: 'sms is not configured: set ARC_SMS_GATEWAY_URL' });
    expect(await row(organisation)).toMatchObject({
      ...failedNow,
      lastError: 'webhook is not configured: set ARC_WEBHOOK_URL',
    });
    expect(await row(unsigned)).toMatchObject({
      ...failedNow,
      lastError: 'webhook is not configured: set ARC_WEBHOOK_SECRET',
    });
    expect(http.seen).toEqual([]);
  });

  it('treats a refused connection and a timeout as failed attempts, and one row never stops the others', async () => {
    const closed = await startHttpReceiver();
    await closed.close();
    const refused = await enqueue({ channel: 'webhook', recipient: `${closed.url}/gone` });
    const slow = await enqueue({ channel: 'webhook', recipient: `${http.url}/hang` });
    const notAUrl = await enqueue({ channel: 'webhook', recipient: 'mailto:someone@family.test' });
    const good = await enqueue({ channel: 'webhook', recipient: `${http.url}/contact-hook` });
    const config = { ARC_WEBHOOK_URL: undefined, ARC_WEBHOOK_SECRET: SECRET };
    const notify = worker({}, { webhook: createWebhookChannel(config, { timeoutMs: 300 }) });

    expect(await notify.tick()).toBe(4);

    expect(await row(refused)).toMatchObject({ attempts: 1, failedAt: null, nextAttemptAt: new Date(T0 + 5_000) });
    expect((await row(refused)).lastError).toMatch(/^fetch failed: .*ECONNREFUSED/);
    expect(await row(slow)).toMatchObject({ attempts: 1, failedAt: null, nextAttemptAt: new Date(T0 + 5_000) });
    expect((await row(slow)).lastError).toMatch(/timeout/i);
    expect(await row(notAUrl)).toMatchObject({
      attempts: 1,
      failedAt: clock,
      lastError: 'webhook recipient is not an http(s) URL',
    });
    expect(await row(good)).toMatchObject({ attempts: 1, deliveredAt: clock });
  });

  it('records a channel that throws like any failed attempt', async () => {
    const id = await enqueue({ channel: 'sms', recipient: '+447700900123' });
    const notify = worker(
      {},
      {
        sms: {
          send: () => {
            throw new Error('gateway library exploded');
          },
        },
      },
    );

    expect(await notify.tick()).toBe(1);
    expect(await row(id)).toMatchObject({ attempts: 1, failedAt: null, lastError: 'gateway library exploded' });
  });
});
