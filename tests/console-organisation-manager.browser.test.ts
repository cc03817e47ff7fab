// An organisation manager in a real Chromium: logs in to the console, sees only the
// administration screens they may use (no alarm queue, no live feed, no organisations list),
// and in them only their own organisation's wearers and accounts; a carer account they create
// is their organisation's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, logIn, newProfile, openConsole } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
const PASSWORD = 'manager-password-for-tests';

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the console for an organisation manager', () => {
  it('shows the administration of their own organisation only', async () => {
    const mine = (await t.api('POST', '/api/organisations', { name: 'Riverside Housing' })).body.organisation;
    const theirs = (await t.api('POST', '/api/organisations', { name: 'Hilltop Care' })).body.organisation;
    await t.createWearer({ name: 'Rita Riverside', organisationId: mine.id });
    await t.createWearer({ name: 'Harry Hilltop', organisationId: theirs.id });
    const created = await t.api('POST', '/api/users', {
      email: 'manager@riverside.test',
      name: 'Rosa Manager',
      role: 'organisation_manager',
      password: PASSWORD,
      organisationId: mine.id,
    });
    expect(created.status).toBe(201);

    const page = await openConsole(t, await newProfile(browser));
    await logIn(page, 'manager@riverside.test', PASSWORD);
    await page.getByRole('heading', { name: 'Wearers', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Rita Riverside' }).waitFor();
    expect(await page.getByText('Harry Hilltop').count()).toBe(0);
    // The views nav offers administration only; the administration nav what they may use.
    const views = page.getByRole('navigation', { name: 'Views' });
    expect(
      await views
        .getByRole('link')
        .evaluateAll((links) => links.filter((l) => !(l as HTMLElement).hidden).map((l) => l.textContent)),
    ).toEqual(['Administration']);
    expect(await page.locator('#admin-nav a').allTextContents()).toEqual([
      'Wearers',
      'Devices',
      'Reports',
      'Users',
      'Audit log',
    ]);
    expect(await page.locator('#connection').isHidden()).toBe(true);

    // A carer account: only the carer role is offered, and it is theirs.
    await page.locator('#admin-nav').getByRole('link', { name: 'Users' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Create an account' }) });
    await form.getByLabel('Role').waitFor();
    expect(await form.getByLabel('Role').locator('option').allTextContents()).toEqual([
      expect.stringMatching(/^Carer/),
    ]);
    await form.getByLabel('Email (they log in with it)').fill('carer@riverside.test');
    await form.getByLabel('Name').fill('Cara Carer');
    await form.getByLabel(/^Password/).fill('carer-password-for-tests');
    await form.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Account for Cara Carer (carer) created.').waitFor();
    const [carer] = await t.sql<
      { organisationId: string }[]
    >`select organisation_id from users where email = 'carer@riverside.test'`;
    expect(carer.organisationId).toBe(mine.id);
    // Staff accounts are the ARC's, not listed to them.
    expect(await page.getByText('admin@test.arc').count()).toBe(0);

    // Their reports: their own organisation's row, no other's.
    await page.locator('#admin-nav').getByRole('link', { name: 'Reports', exact: true }).click();
    await page.locator(`table.statistics-table tr[data-organisation-id="${mine.id}"]`).waitFor();
    expect(await page.locator(`table.statistics-table tr[data-organisation-id="${theirs.id}"]`).count()).toBe(0);
    expect(await page.locator(`table.billing-table tr[data-organisation-id="${theirs.id}"]`).count()).toBe(0);
    expect(await page.getByText('Hilltop Care').count()).toBe(0);
  });
});

describe('the console for an administrator', () => {
  it('sets the organisations a staff account serves, and back to every organisation', async () => {
    const riverside = (await t.api('GET', '/api/organisations')).body.organisations.find(
      (o: { name: string }) => o.name === 'Riverside Housing',
    );
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, ADMIN);
    await page.goto(`${t.httpUrl}/#/admin/users/${operator.id}`);
    const serves = page.getByLabel('Serves (none chosen: every organisation)');
    await serves.locator('option', { hasText: 'Riverside Housing' }).waitFor({ state: 'attached' });
    await serves.selectOption([riverside.id]);
    await page.getByRole('button', { name: 'Save account' }).click();
    await page.getByText('Saved.').waitFor();
    const servedNow = async () =>
      (
        await t.sql<
          { organisationId: string }[]
        >`select organisation_id from staff_organisations where user_id = ${operator.id}`
      ).map((r) => r.organisationId);
    expect(await servedNow()).toEqual([riverside.id]);
    await page.getByLabel('Serves (none chosen: every organisation)').selectOption([]);
    await page.getByRole('button', { name: 'Save account' }).click();
    // "Saved." is still shown from the first save: wait for the database instead.
    await expect.poll(servedNow, { timeout: 10_000 }).toEqual([]);
  });
});
