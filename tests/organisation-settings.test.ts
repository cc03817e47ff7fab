// An organisation's own settings through the HTTP API on a real PostgreSQL: its notification
// channels (used by the real notification worker for its wearers' alarms, delivered to local
// receivers) and its default response plans per profile; the secret never comes back, every
// change is audited, and bad input is refused with the field and the reason.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifySupervisors } from '../api/handling/alarm-notifications.js';
import { enqueueNotification } from '../api/notify/outbox.js';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startHttpReceiver, startSmtpReceiver } from './support/local-receivers.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

const NOW = new Date('2026-06-01T10:00:00Z');
const ARC_SECRET = 'the-arcs-own-webhook-secret';
const ACME_SECRET = 'acme-care-webhook-secret-1';
let t: TestArc;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const ids = { acme: '', other: '', acmeWearer: '', acmeDementia: '', otherWearer: '', acmeAlarm: '', looseAlarm: '' };

const settings = (id: string, body: unknown, token?: string) =>
  t.api('PATCH', `/api/organisations/${id}/settings`, body, token);
const sign = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

async function alarmOf(wearerId: string | null): Promise<string> {
  const device = await t.provisionDevice({ wearerId });
  const [row] = await t.sql<{ id: string }[]>`
    insert into alarms (device_id, wearer_id, type, priority, received_at) values (${device.deviceId}, ${wearerId}, 'sos', 1, ${NOW}) returning id`;
  return row.id;
}

beforeAll(async () => {
  [http, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  t = await startTestArc(
    {
      ARC_WEBHOOK_URL: `${http.url}/arc-hook`,
      ARC_WEBHOOK_SECRET: ARC_SECRET,
      ARC_SMTP_URL: smtp.url,
      ARC_SMTP_FROM: 'ArcAngel ARC <arc@arc.test>',
      ARC_SMS_GATEWAY_URL: `${http.url}/sms`,
    },
    { now: () => NOW },
  );
  ids.acme = (await t.api('POST', '/api/organisations', { name: 'Acme Care' })).body.organisation.id;
  ids.other = (await t.api('POST', '/api/organisations', { name: 'Other Homes' })).body.organisation.id;
  ids.acmeWearer = (await t.createWearer({ organisationId: ids.acme, profile: 'lone_worker' })).id;
  ids.acmeDementia = (await t.createWearer({ organisationId: ids.acme, profile: 'dementia' })).id;
  ids.otherWearer = (await t.createWearer({ organisationId: ids.other, profile: 'lone_worker' })).id;
  ids.acmeAlarm = await alarmOf(ids.acmeWearer);
  ids.looseAlarm = await alarmOf((await t.createWearer()).id);
});
const devices: SimulatedDevice[] = [];
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
  await Promise.all([http?.close(), smtp?.close()]);
});

describe('notification channels', () => {
  it('are set, shown without the secret, and audited without it', async () => {
    const response = await settings(ids.acme, {
      webhookUrl: `${http.url}/acme-hook`,
      webhookSecret: ACME_SECRET,
      smsSender: 'AcmeCare',
      emailSender: 'Acme Care <alarms@acme.example>',
    });
    expect(response.status).toBe(200);
    expect(response.body.settings.channels).toEqual({
      webhookUrl: `${http.url}/acme-hook`,
      webhookSecretSet: true,
      smsSender: 'AcmeCare',
      emailSender: 'Acme Care <alarms@acme.example>',
    });
    const read = await t.api('GET', `/api/organisations/${ids.acme}/settings`);
    expect(read.body.settings.channels.webhookSecretSet).toBe(true);
    for (const body of [
      response.body,
      read.body,
      (await t.api('GET', `/api/organisations/${ids.acme}`)).body,
      (await t.api('GET', '/api/organisations')).body,
    ]) {
      expect(JSON.stringify(body)).not.toContain(ACME_SECRET);
    }
    const [entry] = await t.sql<
      { detail: any }[]
    >`select detail from audit_log where action = 'organisation.channels_changed' and target = ${ids.acme} order by id desc limit 1`;
    expect(entry.detail).toMatchObject({
      before: { webhookSecretSet: false, smsSender: null },
      after: { webhookSecretSet: true, smsSender: 'AcmeCare' },
      webhookSecretReplaced: true,
    });
    expect(JSON.stringify(entry.detail)).not.toContain(ACME_SECRET);
  });

  it("are used for the organisation's wearers, and the ARC's for everyone else", async () => {
    const queue = async (
      alarmId: string,
      channel: 'email' | 'sms' | 'webhook',
      recipient: string,
      audience: 'contact' | 'organisation' = 'contact',
    ) =>
      enqueueNotification(t.sql, {
        alarmId,
        channel,
        recipient,
        audience,
        subject: 'Alarm',
        body: `About ${alarmId}`,
        now: NOW,
      });
    await t.sql.begin((tx) =>
      notifySupervisors(tx, ids.acmeAlarm, NOW, {
        publicUrl: 'https://arc.test',
        webhookUrl: t.config.ARC_WEBHOOK_URL ?? null,
      }),
    );
    await t.sql.begin((tx) =>
      notifySupervisors(tx, ids.looseAlarm, NOW, {
        publicUrl: 'https://arc.test',
        webhookUrl: t.config.ARC_WEBHOOK_URL ?? null,
      }),
    );
    for (const alarmId of [ids.acmeAlarm, ids.looseAlarm]) {
      await queue(alarmId, 'email', 'daughter@family.example');
      await queue(alarmId, 'sms', '+447700900001');
      await queue(alarmId, 'webhook', `${http.url}/contact-hook`);
    }
    while ((await t.arc.notifications.tick()) > 0);

    // The unanswered-alarm webhook: Acme's endpoint and secret for Acme's wearer, the ARC's otherwise.
    const acmeHook = http.seen.filter((r) => r.path === '/acme-hook');
    expect(acmeHook).toHaveLength(1);
    expect(JSON.parse(acmeHook[0].body).alarmId).toBe(ids.acmeAlarm);
    expect(acmeHook[0].headers['x-arc-signature']).toBe(sign(acmeHook[0].body, ACME_SECRET));
    const arcHook = http.seen.filter((r) => r.path === '/arc-hook');
    expect(arcHook.map((r) => JSON.parse(r.body).alarmId)).toEqual([ids.looseAlarm]);
    expect(arcHook[0].headers['x-arc-signature']).toBe(sign(arcHook[0].body, ARC_SECRET));
    // A contact's own webhook is signed with the organisation's secret when it set one.
    const contactHooks = http.seen.filter((r) => r.path === '/contact-hook');
    const signedFor = Object.fromEntries(
      contactHooks.map((r) => [JSON.parse(r.body).alarmId, r.headers['x-arc-signature']]),
    );
    expect(signedFor[ids.acmeAlarm]).toBe(
      sign(contactHooks.find((r) => JSON.parse(r.body).alarmId === ids.acmeAlarm)!.body, ACME_SECRET),
    );
    expect(signedFor[ids.looseAlarm]).toBe(
      sign(contactHooks.find((r) => JSON.parse(r.body).alarmId === ids.looseAlarm)!.body, ARC_SECRET),
    );

    const sms = http.seen.filter((r) => r.path === '/sms').map((r) => JSON.parse(r.body));
    expect(sms.find((s) => s.text === `About ${ids.acmeAlarm}`)).toMatchObject({
      from: 'AcmeCare',
      to: '+447700900001',
    });
    expect(sms.find((s) => s.text === `About ${ids.looseAlarm}`)).not.toHaveProperty('from');

    const mails = smtp.mails.filter((m) => m.to && JSON.stringify(m.to).includes('daughter@family.example'));
    const fromOf = (alarmId: string) => mails.find((m) => m.text?.includes(alarmId))!.from!.value[0];
    expect(fromOf(ids.acmeAlarm)).toEqual({ name: 'Acme Care', address: 'alarms@acme.example' });
    expect(fromOf(ids.looseAlarm)).toEqual({ name: 'ArcAngel ARC', address: 'arc@arc.test' });
  });

  it('clearing the webhook clears its secret; a URL without a secret is refused', async () => {
    const cleared = await settings(ids.acme, { webhookUrl: '', smsSender: null });
    expect(cleared.body.settings.channels).toMatchObject({
      webhookUrl: null,
      webhookSecretSet: false,
      smsSender: null,
      emailSender: 'Acme Care <alarms@acme.example>',
    });
    const [row] = await t.sql`select webhook_secret from organisations where id = ${ids.acme}`;
    expect(row.webhookSecret).toBeNull();
    const unsigned = await settings(ids.other, { webhookUrl: 'https://other.example/hook' });
    expect([unsigned.status, unsigned.body.error.code, unsigned.body.error.details]).toEqual([
      400,
      'ARC_ERR_VALIDATION',
      [{ field: 'webhookSecret', message: 'required with webhookUrl: webhooks are signed' }],
    ]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a URL that is not http(s)', { webhookUrl: 'ftp://x.example/hook', webhookSecret: ACME_SECRET }, 'webhookUrl'],
    [
      'credentials in the URL',
      { webhookUrl: 'https://user:pw@x.example/hook', webhookSecret: ACME_SECRET },
      'webhookUrl',
    ],
    ['a short secret', { webhookUrl: 'https://x.example/hook', webhookSecret: 'short' }, 'webhookSecret'],
    ['a secret with nothing to sign', { webhookSecret: ACME_SECRET }, 'webhookSecret'],
    ['a sender id over 11 characters', { smsSender: 'Acme Care Ltd' }, 'smsSender'],
    ['a sender id of symbols', { smsSender: 'Acme!' }, 'smsSender'],
    [
      'an email sender with a line break',
      { emailSender: 'Acme <a@acme.example>\r\nBcc: x@evil.example' },
      'emailSender',
    ],
    ['an email sender that is no address', { emailSender: 'Acme Care' }, 'emailSender'],
    ['a field the ARC does not know', { webhookSecretSet: true }, ''],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const response = await settings(ids.other, body);
    expect([response.status, response.body.error.code]).toEqual([400, 'ARC_ERR_VALIDATION']);
    if (field) expect(response.body.error.details.map((d: any) => d.field)).toContain(field);
  });

  it('404 for no such organisation; operators and carers may neither read nor change them', async () => {
    const none = '00000000-0000-4000-8000-000000000000';
    expect((await settings(none, { smsSender: 'Acme' })).body.error.code).toBe('ARC_ERR_ORGANISATION_NOT_FOUND');
    expect((await t.api('GET', `/api/organisations/${none}/settings`)).status).toBe(404);
    for (const role of ['operator', 'carer'] as const) {
      const user = await t.createUser(role);
      expect((await t.api('GET', `/api/organisations/${ids.acme}/settings`, undefined, user.token)).status).toBe(403);
      expect((await settings(ids.acme, { smsSender: 'Evil' }, user.token)).status).toBe(403);
    }
    const supervisor = await t.createUser('supervisor');
    expect((await settings(ids.other, { smsSender: 'Other' }, supervisor.token)).status).toBe(200);
  });
});

describe('default response plans per profile', () => {
  const plan = {
    steps: [
      { who: 'wearer', how: 'operator_call', waitS: 30 },
      { who: 'police', how: 'operator_call', waitS: 300, instruction: 'Acme: quote the URN.' },
    ],
  };
  const planOf = async (wearerId: string) => (await t.api('GET', `/api/wearers/${wearerId}/response-plan`)).body;

  it("a wearer without a plan gets the organisation's default for their profile, else the ARC's", async () => {
    const set = await t.api('PUT', `/api/organisations/${ids.acme}/response-plans/lone_worker`, plan);
    expect(set.status).toBe(200);
    expect(set.body.settings.defaultPlans).toMatchObject({ lone_worker: plan, dementia: null });
    expect(await planOf(ids.acmeWearer)).toMatchObject({ plan, isDefault: true, planSource: 'organisation' });
    expect(await planOf(ids.acmeDementia)).toMatchObject({ isDefault: true, planSource: 'arc' });
    expect(await planOf(ids.otherWearer)).toMatchObject({ isDefault: true, planSource: 'arc' });
    expect((await planOf(ids.otherWearer)).plan).not.toEqual(plan);
    const [entry] = await t.sql<
      { detail: any }[]
    >`select detail from audit_log where action = 'organisation.default_plan_set' and target = ${ids.acme}`;
    expect(entry.detail).toEqual({ profile: 'lone_worker', plan });
  });

  it("the wearer's own plan still wins", async () => {
    const own = { steps: [{ who: 'police', how: 'operator_call', waitS: 0 }] };
    expect((await t.api('PUT', `/api/wearers/${ids.acmeWearer}/response-plan`, own)).status).toBe(200);
    expect(await planOf(ids.acmeWearer)).toMatchObject({ plan: own, isDefault: false, planSource: 'wearer' });
    expect((await t.api('DELETE', `/api/wearers/${ids.acmeWearer}/response-plan`)).status).toBe(200);
    expect(await planOf(ids.acmeWearer)).toMatchObject({ plan, planSource: 'organisation' });
  });

  it("removing the organisation's default goes back to the ARC's, audited", async () => {
    const reset = await t.api('DELETE', `/api/organisations/${ids.acme}/response-plans/lone_worker`);
    expect(reset.body.settings.defaultPlans.lone_worker).toBeNull();
    expect(await planOf(ids.acmeWearer)).toMatchObject({ planSource: 'arc' });
    const [{ n }] =
      await t.sql`select count(*)::int as n from audit_log where action = 'organisation.default_plan_reset' and target = ${ids.acme}`;
    expect(n).toBe(1);
  });

  it('refuses a bad plan, an unknown profile and an unknown organisation', async () => {
    const bad = await t.api('PUT', `/api/organisations/${ids.acme}/response-plans/lone_worker`, { steps: [] });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'ARC_ERR_VALIDATION']);
    expect((await t.api('PUT', `/api/organisations/${ids.acme}/response-plans/astronaut`, plan)).status).toBe(400);
    const none = await t.api(
      'PUT',
      '/api/organisations/00000000-0000-4000-8000-000000000000/response-plans/child',
      plan,
    );
    expect([none.status, none.body.error.code]).toEqual([404, 'ARC_ERR_ORGANISATION_NOT_FOUND']);
    const [{ n }] = await t.sql`select count(*)::int as n from organisation_response_plans`;
    expect(n).toBe(0);
  });

  it("a real device's alarm follows the organisation's default, and its SMS carries the organisation's sender", async () => {
    // Texts contact 1 at once: the ARC's default for an older person starts with a call instead.
    const texting = {
      steps: [
        { who: 'contact', contactPosition: 1, how: 'sms', waitS: 0 },
        { who: 'wearer', how: 'operator_call', waitS: 60 },
      ],
    };
    expect((await t.api('PUT', `/api/organisations/${ids.other}/response-plans/older_person`, texting)).status).toBe(
      200,
    );
    expect((await settings(ids.other, { smsSender: 'OtherHomes' })).status).toBe(200);
    const gran = await t.createWearer({ organisationId: ids.other, profile: 'older_person' });
    expect(
      (
        await t.api('POST', `/api/wearers/${gran.id}/contacts`, {
          name: 'Kim',
          relationship: 'son',
          phone: '+44 7700 900555',
        })
      ).status,
    ).toBe(201);
    const device = new SimulatedDevice({
      ...(await t.provisionDevice({ wearerId: gran.id })),
      url: t.mqttUrl,
      reconnect: false,
      now: () => NOW.getTime(),
    });
    devices.push(device);
    await device.connect();
    const sent = await device.sendEvent('sos', {});
    await t.arc.idle();
    const [{ alarmId }] = await t.sql<
      { alarmId: string }[]
    >`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
    while ((await t.arc.notifications.tick()) > 0);

    const detail = (await t.api('GET', `/api/alarms/${alarmId}`)).body;
    expect(detail.plan.steps[0]).toMatchObject({ who: 'contact', how: 'sms' });
    const sms = http.seen
      .filter((r) => r.path === '/sms')
      .map((r) => JSON.parse(r.body))
      .filter((b) => b.to === '+44 7700 900555');
    expect(sms).toHaveLength(1);
    expect(sms[0].from).toBe('OtherHomes');
  });
});
