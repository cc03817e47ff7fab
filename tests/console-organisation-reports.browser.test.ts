// The reports screen and an organisation's own settings in a real Chromium: a supervisor reads a
// month's alarm statistics and billing counts per organisation, and sets an organisation's
// notification channels (a refusal lands beside the field it is about; the secret never comes
// back) and its default response plan for a profile. Each change is checked in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium } from './support/console-browser.js';

const NOW = new Date('2026-03-20T12:00:00Z');
let t: TestArc;
let browser: Browser;
let acme = '';

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startTestArc({ ARC_MAP_TILES_URL: 'none', ARC_REPORT_TIME_ZONE: 'UTC' }, { now: () => NOW }),
    launchChromium(),
  ]);
  acme = (await t.api('POST', '/api/organisations', { name: 'Acme Care' })).body.organisation.id;
  const { deviceId, wearerId } = await t.provisionDevice({
    wearerId: (await t.createWearer({ organisationId: acme, profile: 'lone_worker' })).id,
  });
  await t.sql`
    insert into alarms (device_id, wearer_id, type, priority, status, received_at, accepted_at, resolved_at, closure_code, verified)
    values (${deviceId}, ${wearerId}, 'sos', 1, 'resolved', '2026-03-10T09:00:00Z', '2026-03-10T09:00:07Z', '2026-03-10T09:10:00Z', 'genuine_assistance', 'genuine')`;
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const errorOf = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).locator('xpath=following-sibling::p[contains(@class, "field-error")]');

describe('reports and organisation settings in the console', () => {
  it('shows the month per organisation: statistics and billing, with CSV downloads', async () => {
    const supervisor = await t.createUser('supervisor');
    const page = await consoleAs(t, browser, supervisor);
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Reports', exact: true }).click();
    const statistics = page.locator('table.statistics-table');
    const acmeRow = statistics.locator(`tr[data-organisation-id="${acme}"]`);
    await acmeRow.waitFor();
    expect(await acmeRow.locator('td').allTextContents()).toEqual([
      '1',
      'sos 1',
      '1',
      '0',
      '0',
      '0',
      '7 s',
      '7 s',
      '100.0 %',
      '100.0 %',
      '100.0 %',
      '100.0 %',
    ]);
    await page.getByRole('status').getByText('2026-03 (UTC), so far: 1 alarms, 1 devices in service.').waitFor();
    const billingRow = page.locator(`table.billing-table tr[data-organisation-id="${acme}"]`);
    expect((await billingRow.locator('td').allTextContents()).slice(0, 4)).toEqual(['1', '0', '1', '0']);
    const csv = await page.getByRole('link', { name: 'Alarm statistics (CSV)' }).getAttribute('href');
    expect(csv).toBe('/api/reports/monthly-statistics?month=2026-03&format=csv');

    // A month that has not started: the ARC's reason beside the month.
    await page.getByLabel('Month (empty: this month)').fill('2026-05');
    await page.getByRole('button', { name: 'Show' }).click();
    await errorOf(page, 'Month (empty: this month)').getByText('2026-05 has not started yet (UTC)').waitFor();
  });

  it("sets an organisation's channels and its default plan for a profile", async () => {
    const supervisor = await t.createUser('supervisor');
    const page = await consoleAs(t, browser, supervisor);
    await page.goto(`${t.httpUrl}/#/admin/organisations/${acme}`);
    const channels = page.locator('form.organisation-channels');
    await channels.getByLabel('Webhook URL').fill('https://acme.example/arc-hook');
    await channels.getByRole('button', { name: 'Save channels' }).click();
    await errorOf(page, 'Webhook signing secret').getByText('required with webhookUrl: webhooks are signed').waitFor();

    await channels.getByLabel('Webhook signing secret').fill('acme-signing-secret-123');
    await channels.getByLabel('SMS sender (up to 11 letters and digits, or a number)').fill('AcmeCare');
    await channels.getByRole('button', { name: 'Save channels' }).click();
    await page.getByText('Channels saved. Webhook secret set.').waitFor();
    expect(await channels.getByLabel('Webhook signing secret').inputValue()).toBe('');
    const [row] = await t.sql`select webhook_url, webhook_secret, sms_sender from organisations where id = ${acme}`;
    expect(row).toEqual({
      webhookUrl: 'https://acme.example/arc-hook',
      webhookSecret: 'acme-signing-secret-123',
      smsSender: 'AcmeCare',
    });

    // The lone worker default: starts as the ARC's; saved, it is the organisation's own.
    await page.getByLabel('Wearer profile').selectOption({ label: 'Lone worker' });
    // The innermost panel: the settings panel around it holds the same heading.
    const plan = page
      .locator('section.admin-panel', { has: page.getByRole('heading', { name: 'Default plan: Lone worker' }) })
      .last();
    await plan.getByText("Using the ARC's default for Lone worker.", { exact: false }).waitFor();
    await plan.getByLabel('Step 1: wait (seconds)').fill('45');
    await plan.getByRole('button', { name: 'Save plan' }).click();
    await plan
      .getByText("This organisation's Lone worker wearers without a plan of their own get this plan.")
      .waitFor();
    const [saved] = await t.sql<
      { plan: any }[]
    >`select plan from organisation_response_plans where organisation_id = ${acme} and profile = 'lone_worker'`;
    expect(saved.plan.steps[0].waitS).toBe(45);
    const [{ n }] =
      await t.sql`select count(*)::int as n from audit_log where actor_id = ${supervisor.id} and action in ('organisation.channels_changed', 'organisation.default_plan_set')`;
    expect(n).toBe(2);
  });
});
