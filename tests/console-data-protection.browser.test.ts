// Data protection in the console, in a real Chromium (issue 16, items 6 and 7): an administrator
// filters the audit log (who, about whom, looks at positions, when) and downloads it as CSV; on a
// wearer's page, downloads everything held on them and erases them with the name typed again; on
// an account's panel, downloads everything held on the account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the audit screen', () => {
  it('filters by who, about whom and looks at positions, pages, and downloads CSV; administrators only', async () => {
    const administrator = await t.createUser('administrator');
    const operator = await t.createUser('operator', 'nosy.operator@test.arc');
    const ann = await t.createWearer({ name: 'Ann Audited' });
    const bob = await t.createWearer({ name: 'Bob Other' });
    await t.api('GET', `/api/wearers/${ann.id}`, undefined, operator.token);
    await t.api('GET', `/api/devices?wearerId=${ann.id}`, undefined, operator.token);
    await t.api('GET', `/api/wearers/${bob.id}`, undefined, operator.token);

    const page = await consoleAs(t, browser, administrator);
    await page.goto(`${t.httpUrl}/#/admin/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const table = page.locator('table.audit-table tbody');
    await table.getByRole('row').first().waitFor();

    await page.getByLabel('Who', { exact: true }).fill('nosy');
    await page.getByLabel('About whom').fill(ann.id);
    await page.getByLabel('What', { exact: true }).selectOption({ label: 'Looks at positions (all kinds)' });
    await page.getByRole('button', { name: 'Show entries' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^2 entries$/ })
      .waitFor();
    expect((await table.locator('td.audit-action').allTextContents()).sort()).toEqual([
      'device.positions_viewed',
      'wearer.viewed',
    ]);

    // One kind of look, from the actions the log holds.
    await page.getByLabel('About whom').fill('');
    await page.getByLabel('What', { exact: true }).selectOption('wearer.viewed');
    await page.getByRole('button', { name: 'Show entries' }).click();
    await expect
      .poll(async () => (await table.locator('td.audit-target').allTextContents()).sort())
      .toEqual([ann.id, bob.id].sort());

    // A time window before any of it: nothing.
    await page.getByLabel('Until').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Show entries' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^0 entries$/ })
      .waitFor();
    await page.getByLabel('Until').fill('');
    await page.getByRole('button', { name: 'Show entries' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^2 entries$/ })
      .waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const csv = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,action,target,detail');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes('nosy.operator@test.arc') && l.includes('wearer.viewed'))).toBe(true);

    // Paging: more than a page of entries shows "Older entries".
    await t.sql`insert into audit_log (actor, action, target) select 'bulk@test.arc', 'bulk.test', n::text from generate_series(1, 150) n`;
    await page.getByLabel('Who', { exact: true }).fill('bulk@');
    await page.getByLabel('What', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Show entries' }).click();
    await page.getByRole('status').filter({ hasText: '100 entries (more older)' }).waitFor();
    await page.getByRole('button', { name: 'Older entries' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^150 entries$/ })
      .waitFor();

    // A supervisor has no audit screen.
    const supervisor = await t.createUser('supervisor');
    const theirs = await consoleAs(t, browser, supervisor);
    await theirs.getByRole('link', { name: 'Administration' }).click();
    await theirs.getByRole('heading', { name: 'Wearers', exact: true }).waitFor();
    expect(await theirs.locator('#admin-nav').getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  });
});

describe("the wearer's data protection panel", () => {
  it('downloads everything held on the wearer and erases them', async () => {
    const administrator = await t.createUser('administrator');
    const wearer = await t.createWearer({ name: 'Edna Erased', notes: 'Spare key under the mat' });
    const page = await consoleAs(t, browser, administrator);
    await page.goto(`${t.httpUrl}/#/admin/wearers/${wearer.id}`);
    const panel = page.locator('section.admin-panel', {
      has: page.getByRole('heading', { name: 'Data protection', exact: true }),
    });
    await panel.waitFor();

    // Who has looked: the audit screen, filtered to them (opening their page was a look).
    await panel.getByRole('link', { name: 'Audit entries about this wearer' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.getByLabel('About whom').inputValue()).toBe(wearer.id);
    await expect
      .poll(async () => await page.locator('table.audit-table td.audit-action').allTextContents())
      .toEqual(expect.arrayContaining(['wearer.created', 'wearer.viewed', 'device.positions_viewed']));
    await page.goBack();
    await panel.waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('link', { name: 'Download all data (JSON)' }).click(),
    ]);
    const data = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
    expect(data.wearer).toMatchObject({ name: 'Edna Erased', notes: 'Spare key under the mat' });

    await panel.getByLabel('Type “Edna Erased” to confirm').fill('Edna');
    await panel.getByRole('button', { name: 'Erase this wearer' }).click();
    await panel.getByText('must be the wearer’s name').waitFor();
    await panel.getByLabel('Type “Edna Erased” to confirm').fill('Edna Erased');
    await panel.getByRole('button', { name: 'Erase this wearer' }).click();
    await page.getByRole('heading', { name: 'Wearers', exact: true }).waitFor();
    expect(await t.sql`select 1 from wearers where id = ${wearer.id}`).toHaveLength(0);
    const [erased] = await t.sql`select actor from audit_log where action = 'wearer.erased' and target = ${wearer.id}`;
    expect(erased.actor).toBe(administrator.email);
  });
});

describe("an organisation's retention on its panel", () => {
  it('an administrator sets how long its data is kept; a supervisor sees it and cannot change it', async () => {
    const administrator = await t.createUser('administrator');
    const created = await t.api('POST', '/api/organisations', { name: 'Retention Council' });
    const id = created.body.organisation.id;
    const page = await consoleAs(t, browser, administrator);
    await page.goto(`${t.httpUrl}/#/admin/organisations/${id}`);
    const location = page.getByLabel('Keep routine location history (days)');
    await expect.poll(() => location.inputValue()).toBe('90');
    expect(await page.getByLabel('Keep alarms (days)').inputValue()).toBe('2557');
    await location.fill('0');
    await page.getByRole('button', { name: 'Save organisation' }).click();
    await page
      .locator('p.field-error')
      .filter({ hasText: /greater than or equal to 1|>=1|too small/i })
      .first()
      .waitFor();
    await location.fill('30');
    await page.getByRole('button', { name: 'Save organisation' }).click();
    await page.getByText('Retention Council saved.').waitFor();
    const [row] = await t.sql`select location_retention_days from organisations where id = ${id}`;
    expect(row.locationRetentionDays).toBe(30);

    const supervisor = await t.createUser('supervisor');
    const theirs = await consoleAs(t, browser, supervisor);
    await theirs.goto(`${t.httpUrl}/#/admin/organisations/${id}`);
    const shown = theirs.getByLabel('Keep routine location history (days)');
    await expect.poll(() => shown.inputValue()).toBe('30');
    expect(await shown.isDisabled()).toBe(true);
  });
});

describe("an account's data", () => {
  it('is downloaded from the account panel as JSON, and the download is audited', async () => {
    const administrator = await t.createUser('administrator');
    const operator = await t.createUser('operator', 'downloaded.operator@test.arc');
    const page = await consoleAs(t, browser, administrator);
    await page.goto(`${t.httpUrl}/#/admin/users/${operator.id}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download all data held on this account (JSON)' }).click(),
    ]);
    const data = JSON.parse(await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8'));
    expect(data.account).toMatchObject({ id: operator.id, email: 'downloaded.operator@test.arc', role: 'operator' });
    const [exported] =
      await t.sql`select actor from audit_log where action = 'user.exported' and target = ${operator.id}`;
    expect(exported.actor).toBe(administrator.email);
  });
});
