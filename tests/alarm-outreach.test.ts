// Who hears about an alarm beyond the console, end to end through the real ARC: carers by email
// in plain words, contacts by SMS when the response plan says so, supervisors when nobody
// accepts; the plan's steps on the console; zones; and the SLA report from the same alarms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { startHttpReceiver, startSmtpReceiver } from './support/local-receivers.js';

let t: TestArc;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let clock = Date.parse('2026-11-23T14:00:00Z');
const now = () => new Date(clock);
const advance = (seconds: number) => (clock += seconds * 1000);
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  [http, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  t = await startTestArc(
    {
      ARC_SMTP_URL: smtp.url,
      ARC_SMS_GATEWAY_URL: `${http.url}/sms`,
      ARC_SMS_GATEWAY_TOKEN: 'gateway-token',
      ARC_PUBLIC_URL: 'https://arc.example.org',
    },
    { now },
  );
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
  await http?.close();
  await smtp?.close();
});

async function deviceOf(wearerId: string) {
  const d = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId })),
    url: t.mqttUrl,
    reconnect: false,
    now: () => clock,
  });
  devices.push(d);
  await d.connect();
  return d;
}
async function raise(d: SimulatedDevice, type: string, extra: Record<string, unknown> = {}) {
  const sent = await d.sendEvent(type, extra);
  await t.arc.idle();
  return (await t.sql`select alarm_id from events where device_id = ${d.deviceId} and event_key = ${sent.id}`)[0]
    .alarmId as string;
}
const sendAll = async () => {
  while ((await t.arc.notifications.tick()) > 0);
};
const mailsTo = (address: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(address));

describe('carers', () => {
  it('are told in plain words with a link, never operator notes; never of duress or a test', async () => {
    const carer = await t.createUser('carer');
    const mum = await t.createWearer({
      name: 'Mum',
      profile: 'older_person',
      notes: 'Key safe code K4321Q',
      safePin: '1234',
      duressPin: '9876',
    });
    await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId: mum.id });
    const d = await deviceOf(mum.id);

    const sos = await raise(d, 'sos');
    await sendAll();
    const mails = mailsTo(carer.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe('Alarm for Mum: SOS button pressed');
    expect(mails[0].text).toContain(
      'The alarm centre is dealing with an alarm for Mum (SOS button pressed) since 14:00',
    );
    expect(mails[0].text).toContain(`https://arc.example.org/carer.html#wearer=${mum.id}`);
    expect(mails[0].text).not.toContain('K4321Q');
    const shown = (await t.api('GET', `/api/alarms/${sos}`)).body.notifications;
    expect(shown).toEqual([
      expect.objectContaining({ channel: 'email', audience: 'carer', recipient: carer.email, status: 'delivered' }),
    ]);

    await d.sendEvent('sos.cancel', { pin: '9876' }); // duress
    await t.api('PUT', `/api/devices/${d.deviceId}/test-mode`, { minutes: 10, reason: 'Annual test' });
    await raise(d, 'fall');
    await sendAll();
    expect(mailsTo(carer.email)).toHaveLength(1);
  });
});

describe('the response plan', () => {
  it('texts the parent at once (child profile), then waits for the operator to call the child, marks the step overdue, and moves on after the outcome', async () => {
    const child = await t.createWearer({ name: 'Sam', profile: 'child' });
    const added = await t.api('POST', `/api/wearers/${child.id}/contacts`, {
      name: 'Pat Parent',
      relationship: 'mother',
      phone: '+44 7700 900123',
    });
    expect(added.status).toBe(201);
    const d = await deviceOf(child.id);
    const id = await raise(d, 'sos');

    await sendAll();
    const sms = http.seen.filter((r) => r.path === '/sms');
    expect(sms).toHaveLength(1);
    expect(JSON.parse(sms[0].body)).toMatchObject({ to: '+44 7700 900123' });
    expect(sms[0].headers.authorization).toBe('Bearer gateway-token');

    await t.arc.clock.tick(); // the text's wait is 0 s: on to "call the child"
    let detail = (await t.api('GET', `/api/alarms/${id}`)).body;
    expect(detail.plan.current).toBe(1);
    expect(detail.plan.steps[1]).toMatchObject({ who: 'wearer', how: 'operator_call', automatic: false });
    expect(detail.plan.steps[0]).toMatchObject({ who: 'contact', how: 'sms', automatic: true });

    advance(61);
    await t.arc.clock.tick();
    await t.arc.clock.tick();
    detail = (await t.api('GET', `/api/alarms/${id}`)).body;
    expect(detail.alarm.flags.stepOverdue).toBe(1);
    expect(detail.actions.filter((a: any) => a.kind === 'step.overdue')).toHaveLength(1);

    await t.api('POST', `/api/alarms/${id}/accept`);
    await t.api('POST', `/api/alarms/${id}/actions`, { kind: 'called_wearer', outcome: 'no_answer' });
    detail = (await t.api('GET', `/api/alarms/${id}`)).body;
    expect(detail.plan.current).toBe(2);
    expect(detail.alarm.flags.stepOverdue).toBeUndefined();
    expect(detail.plan.steps[2].instruction).toContain('Pat Parent');
  });

  it('a duress alarm sends no automatic message, even when the plan starts with one', async () => {
    const wearer = await t.createWearer({ name: 'Dee', profile: 'lone_worker', safePin: '1111', duressPin: '2222' });
    await t.api('POST', `/api/wearers/${wearer.id}/contacts`, {
      name: 'Partner',
      relationship: 'partner',
      phone: '+44 7700 900999',
    });
    const plan = {
      steps: [
        { who: 'contact', contactPosition: 1, how: 'sms', waitS: 0 },
        { who: 'wearer', how: 'operator_call', waitS: 60 },
      ],
    };
    expect((await t.api('PUT', `/api/wearers/${wearer.id}/response-plan`, plan)).status).toBe(200);
    const d = await deviceOf(wearer.id);
    const cancel = await d.sendEvent('sos.cancel', { pin: '2222' });
    await t.arc.idle();
    const [{ alarmId }] = await t.sql`select alarm_id from events where event_key = ${cancel.id}`;
    expect(await t.sql`select 1 from notifications where alarm_id = ${alarmId}`).toHaveLength(0);
    const actions = (await t.api('GET', `/api/alarms/${alarmId}`)).body.actions;
    expect(actions.find((a: any) => a.kind === 'step.skipped').detail.reason).toMatch(/duress/);
  });

  it('police response withdrawn blocks the police step and says why', async () => {
    const victim = await t.createWearer({ name: 'Vic', profile: 'domestic_abuse' });
    await t.api('PUT', `/api/wearers/${victim.id}/police`, {
      urn: 'NW/2026/0042',
      policeWithdrawn: true,
      policeWithdrawnReason: 'Under review after false calls',
    });
    const d = await deviceOf(victim.id);
    const id = await raise(d, 'sos');
    const { plan } = (await t.api('GET', `/api/alarms/${id}`)).body;
    expect(plan.steps[0]).toMatchObject({
      who: 'police',
      blocked: { reason: expect.stringContaining('Under review after false calls') },
    });
  });
});

describe('supervisors', () => {
  it('get an email when an alarm is still not accepted at its second deadline', async () => {
    const supervisor = await t.createUser('supervisor');
    const d = await deviceOf((await t.createWearer({ name: 'Unanswered Una' })).id);
    await raise(d, 'sos');
    advance(41);
    await t.arc.clock.tick();
    await t.arc.clock.tick();
    await sendAll();
    const mails = mailsTo(supervisor.email).filter((m) => m.subject?.includes('Unanswered Una'));
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toMatch(/^Unanswered sos alarm \(priority 1\) for Unanswered Una: 4\d s$/);
  });
});

describe('zones', () => {
  it('entering an exclusion zone raises the highest priority alarm from an ordinary fix', async () => {
    const wearer = await t.createWearer({ name: 'Zoe Zone', profile: 'domestic_abuse' });
    const zone = await t.api('POST', `/api/wearers/${wearer.id}/geofences`, {
      name: "Perpetrator's street",
      kind: 'exclusion',
      shape: { type: 'circle', lat: 53.65, lon: -3.0, radiusM: 300 },
    });
    expect(zone.status).toBe(201);
    const d = await deviceOf(wearer.id);
    await d.sendFix({ ts: clock - 10_000, lat: 53.66, lon: -3.0, acc: 10 }); // 1.1 km away
    await t.arc.idle();
    expect(await t.sql`select 1 from alarms where device_id = ${d.deviceId}`).toHaveLength(0);
    await d.sendFix({ ts: clock, lat: 53.6502, lon: -3.0001, acc: 10 });
    await t.arc.idle();
    const [alarm] = await t.sql`select type, priority, flags from alarms where device_id = ${d.deviceId}`;
    expect(alarm).toMatchObject({
      type: 'geofence.entered',
      priority: 1,
      flags: { zoneName: "Perpetrator's street", zoneKind: 'exclusion' },
    });
  });
});

describe('the SLA report', () => {
  it('counts what happened today from the same alarms, as JSON and CSV', async () => {
    const supervisor = await t.createUser('supervisor');
    advance(1); // the period runs up to now, exclusive: the zone alarm came in at this very instant
    const report = await t.api('GET', '/api/reports/sla?period=today', undefined, supervisor.token);
    expect(report.status).toBe(200);
    const [{ counted }] =
      await t.sql`select count(*)::int as counted from alarms where not is_test and linked_to is null`;
    expect(report.body.report.overall.alarms).toBe(counted);
    const [una] =
      await t.sql`select a.id from alarms a join wearers w on w.id = a.wearer_id where w.name = 'Unanswered Una'`;
    expect(report.body.report.breaches.map((b: any) => b.alarmId)).toContain(una.id); // nobody accepted it
    const csv = await fetch(`${t.httpUrl}/api/reports/sla?period=today&format=csv`, {
      headers: { authorization: `Bearer ${supervisor.token}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).split('\r\n')[0]).toMatch(/class/i);
    const operator = await t.createUser('operator');
    expect((await t.api('GET', '/api/reports/sla', undefined, operator.token)).status).toBe(403);
  });
});
