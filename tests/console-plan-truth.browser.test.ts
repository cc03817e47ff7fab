// Plans that tell the truth, in a real Chromium: a text that could not be sent (no SMS gateway)
// shows as failed with the reason, pushed as it happens, and the plan offers the next step; a
// mandatory step blocks a genuine closure until it is logged or overridden with an audited reason;
// a duress alarm shows the steps it passed over as skipped; the plan says when it is complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, queueRow } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  // No ARC_SMS_GATEWAY_URL: every SMS fails for good at its first attempt.
  [t, browser] = await Promise.all([startTestArc(), launchChromium()]);
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

async function deviceFor(wearerId: string): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({ ...(await t.provisionDevice({ wearerId })), url: t.mqttUrl, reconnect: false });
  devices.push(device);
  await device.connect();
  return device;
}

async function raise(device: SimulatedDevice, type: string, extra: Record<string, unknown> = {}): Promise<string> {
  const sent = await device.sendEvent(type, extra);
  await t.arc.idle();
  const [row] = await t.sql<{ alarmId: string }[]>`select alarm_id from events where event_key = ${sent.id}`;
  return row.alarmId;
}

describe('a plan that tells the truth', () => {
  it('shows a failed SMS as failed, live, offers the next step, and a mandatory step blocks a genuine closure until overridden', async () => {
    const operator = await t.createUser('operator');
    const wearer = await t.createWearer({ name: 'Pip Child', profile: 'child' });
    await t.api('POST', `/api/wearers/${wearer.id}/contacts`, {
      name: 'Pat Parent',
      relationship: 'parent',
      phone: '+44 7700 900555',
    });
    // The child plan, with the police step made mandatory.
    const steps = [
      { who: 'contact', contactPosition: 1, how: 'sms', waitS: 0 },
      { who: 'wearer', how: 'operator_call', waitS: 60 },
      { who: 'police', how: 'operator_call', waitS: 600, mandatory: true },
    ];
    expect((await t.api('PUT', `/api/wearers/${wearer.id}/response-plan`, { steps })).status).toBe(200);
    const device = await deviceFor(wearer.id);
    const page = await consoleAs(t, browser, operator);

    const alarmId = await raise(device, 'sos');
    await queueRow(page, 'Pip Child').click();
    const detail = page.locator('#alarm-detail');
    const plan = detail.locator('.plan');
    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await plan
      .locator('li')
      .first()
      .getByText(/^Sending/)
      .waitFor();

    // The sender fails (no gateway); nobody touches the console: the failure is pushed.
    while ((await t.arc.notifications.tick()) > 0);
    const first = plan.locator('li').first();
    await first.getByText('Failed: sms is not configured: set ARC_SMS_GATEWAY_URL').waitFor();
    expect(await first.getAttribute('class')).toContain('step-failed');
    expect(await first.locator('.tick').textContent()).toBe('✗');
    await first.getByText('Call Pat Parent on +44 7700 900555 instead').waitFor();

    // The text's wait is 0 s: the clock moves the plan on to calling the child.
    await t.arc.clock.tick();
    await plan.locator('li').nth(1).and(page.locator('[aria-current="step"]')).waitFor();
    // The call to the child is logged: done. Police is mandatory and not logged.
    await detail.getByLabel('Who was called').selectOption({ label: 'Wearer: Pip Child' });
    await detail.getByRole('button', { name: 'Answered' }).click();
    await plan.locator('li').nth(1).getByText(/^Done/).waitFor();
    await detail
      .getByText('Mandatory plan step 3 not logged: a genuine closure needs it, or a reason to override.')
      .waitFor();

    await detail.getByLabel('Closure code').selectOption('genuine_assistance');
    await detail.getByLabel('Closure note').fill('Parent collected the child');
    await detail.getByRole('button', { name: 'Resolve alarm' }).click();
    const override = detail.getByLabel('Reason to resolve without the mandatory steps (audited)');
    const overrideError = detail.locator(`#${await override.getAttribute('aria-describedby')}`);
    await overrideError.getByText('Mandatory plan step 3 not logged: log it, or give a reason to override').waitFor();
    const [{ status }] = await t.sql`select status from alarms where id = ${alarmId}`;
    expect(status).toBe('accepted');

    await override.fill('Parent with the child; police not needed');
    await detail.getByRole('button', { name: 'Resolve alarm' }).click();
    await detail.waitFor({ state: 'hidden' }); // resolved: the panel closes
    await page.evaluate((id) => (location.hash = `#/alarms/${id}`), alarmId);
    await detail.getByText('This alarm is resolved: it can only be annotated.').waitFor();
    await plan.locator('li').nth(2).getByText('Not done').waitFor();
    const [audited] =
      await t.sql`select actor, detail from audit_log where action = 'alarm.plan_override' and target = ${alarmId}`;
    expect(audited).toMatchObject({
      actor: operator.email,
      detail: { reason: 'Parent with the child; police not needed', steps: [3] },
    });
  });

  it('a plan whose every step is logged says it is complete, and a false alarm needs no override', async () => {
    const operator = await t.createUser('operator');
    const wearer = await t.createWearer({ name: 'Lou Worker', profile: 'lone_worker' });
    await t.api('PUT', `/api/wearers/${wearer.id}/response-plan`, {
      steps: [{ who: 'wearer', how: 'operator_call', waitS: 60, mandatory: true }],
    });
    const device = await deviceFor(wearer.id);
    const page = await consoleAs(t, browser, operator);
    await raise(device, 'sos');
    await queueRow(page, 'Lou Worker').click();
    const detail = page.locator('#alarm-detail');
    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await detail.getByRole('button', { name: 'No answer' }).click();
    await detail.getByText('Plan complete: every step has an outcome.').waitFor();
    expect(await detail.locator('.plan li').first().locator('.tick').textContent()).toBe('✓');
  });

  it('a duress alarm shows the steps before the police as skipped, never done', async () => {
    const wearer = await t.createWearer({
      name: 'Dee Duress',
      profile: 'lone_worker',
      safePin: '1212',
      duressPin: '3434',
    });
    const device = await deviceFor(wearer.id);
    const alarmId = await raise(device, 'sos.cancel', { pin: '3434' });
    const { body } = await t.api('GET', `/api/alarms/${alarmId}`);
    expect(body.plan.progress.steps.map((s: { state: string }) => s.state)).toEqual(['skipped', 'skipped', 'todo']);
    expect(body.plan.progress.steps[0].reason).toMatch(/duress/);
    expect(body.plan.progress.steps[2].current).toBe(true);
  });
});
