// The small things a newcomer hit, each checked in a real Chromium: the panel's close button says
// it closes the panel, the page has a favicon, "1 organisation", the police panel follows a
// change of organisation, History's WHO column never breaks a word, the queue shows the position
// the map shows, and a QR code carrying a loopback address comes with a warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, queueRow } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  // No ARC_PUBLIC_URL: new devices are told mqtt://localhost-like addresses.
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

const admin = { email: ADMIN.email, password: ADMIN.password };

describe('small fixes', () => {
  it('favicon, a close button that says what it closes, the queue position as on the map, WHO never broken', async () => {
    const wearer = await t.createWearer({ name: 'Pos Itionless' });
    const credentials = await t.provisionDevice({ wearerId: wearer.id });
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    // A fix first, then an SOS with no position of its own.
    await device.sendFix({ ts: Date.now() - 30_000, lat: 53.6458, lon: -3.0101, acc: 9 });
    await device.sendEvent('sos', { lat: undefined, lon: undefined });
    const operator = await t.createUser('operator');
    await t.sql`update users set name = ${'Operator Extraordinarily-Longnamed'} where id = ${operator.id}`;
    const page = await consoleAs(t, browser, operator);

    expect(await page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    const row = queueRow(page, 'Pos Itionless');
    await row.locator('td.position').getByText('53.64580, -3.01010 ±9 m').waitFor();

    await row.click();
    const detail = page.locator('#alarm-detail');
    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    const close = detail.getByRole('button', { name: 'Close this panel (the alarm stays open)' });
    expect(await close.textContent()).toBe('✕ Close panel');
    const who = detail
      .locator('table.history td:nth-child(2)')
      .filter({ hasText: 'Operator Extraordinarily-Longnamed' })
      .first();
    await who.waitFor();
    expect(await who.evaluate((td) => getComputedStyle(td).overflowWrap)).toBe('normal');
    await close.click();
    await detail.waitFor({ state: 'hidden' });
    expect((await t.sql`select status from alarms where device_id = ${credentials.deviceId}`)[0].status).toBe(
      'accepted',
    );
  });

  it('says "1 organisation", and the police panel follows a change of organisation without a reload', async () => {
    // A new ARC holds one organisation: the default one every wearer starts in (023_tenancy).
    const page = await consoleAs(t, browser, admin);
    await page.goto(`${t.httpUrl}/#/admin/organisations`);
    await page.getByText('1 organisation', { exact: true }).waitFor();
    await t.api('POST', '/api/organisations', { name: 'Acme Security', urn: 'ACME/URN/1' });
    const wearer = await t.createWearer({ name: 'Org Changer' });
    await page.reload();
    await page.getByText('2 organisations', { exact: true }).waitFor();

    await page.evaluate((id) => (location.hash = `#/admin/wearers/${id}`), wearer.id);
    await page.getByText('No URN: the police step cannot quote one.').waitFor();
    await page.getByLabel('Organisation', { exact: true }).selectOption({ label: 'Acme Security (URN ACME/URN/1)' });
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('URN in use: ACME/URN/1 (from Acme Security).').waitFor();
  });

  it('warns that a QR code carrying a loopback address reaches no device', async () => {
    const page = await consoleAs(t, browser, admin);
    await page.goto(`${t.httpUrl}/#/admin/devices`);
    const form = page.getByRole('form', { name: 'Provision a device' });
    await form.getByLabel('Device id').fill('qr-loop-1');
    await form.getByRole('button', { name: 'Provision device' }).click();
    await page
      .getByRole('alert')
      .getByText(/only works on the ARC's own computer; a device or phone cannot reach it/)
      .waitFor();
  });
});
