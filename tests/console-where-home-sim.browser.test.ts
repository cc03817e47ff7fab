// Issue 13's leftovers in a real Chromium, with no map tiles and a local stand-in geocoder: the
// queue row says where in words (from the wearer's home and zones, then the street), the wearer's
// home is set on the administration screen (typed or clicked on its map, checked both in the page
// and by the ARC), and the provisioning form takes the device's SIM number, checked as the ARC
// checks phone numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, queueRow } from './support/console-browser.js';
import { startHttpReceiver } from './support/local-receivers.js';

let t: TestArc;
let browser: Browser;
let geocoder: Awaited<ReturnType<typeof startHttpReceiver>>;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  geocoder = await startHttpReceiver();
  [t, browser] = await Promise.all([
    startTestArc({ ARC_MAP_TILES_URL: 'none', ARC_GEOCODER_URL: `${geocoder.url}/geo` }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
  await geocoder?.close();
});

const admin = { email: ADMIN.email, password: ADMIN.password };
const HOME = { lat: 53.6458, lon: -3.0101 };
/** 320 m north-east of home. */
const NEAR_HOME = {
  lat: HOME.lat + 226 / 111_195,
  lon: HOME.lon + 226 / (111_195 * Math.cos((HOME.lat * Math.PI) / 180)),
  acc: 8,
};

const errorOf = (page: Page, label: string) =>
  page.getByLabel(label, { exact: true }).locator('xpath=following-sibling::p[contains(@class, "field-error")]');
const panelOf = (page: Page, title: string) =>
  page.locator('section.admin-panel', { has: page.getByRole('heading', { name: title, exact: true }) });

async function sosFrom(
  wearerName: string,
  position: { lat: number; lon: number; acc: number },
  home: { lat: number; lon: number } | null,
  zones: object[] = [],
): Promise<void> {
  const wearer = await t.createWearer({ name: wearerName, ...(home && { homeLat: home.lat, homeLon: home.lon }) });
  for (const zone of zones) expect((await t.api('POST', `/api/wearers/${wearer.id}/geofences`, zone)).status).toBe(201);
  const credentials = await t.provisionDevice({ wearerId: wearer.id });
  const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, position });
  devices.push(device);
  await device.connect();
  await device.sendEvent('sos');
}

describe('where, home and SIM', () => {
  it('the queue row says where in words: from home, in a zone, then the street; the whole in its title', async () => {
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    await sosFrom('Nora Nearhome', NEAR_HOME, HOME);
    await sosFrom('Zed Zoned', { ...HOME, acc: 5 }, null, [
      { name: 'Garden', kind: 'safe', shape: { type: 'circle', lat: HOME.lat, lon: HOME.lon, radiusM: 100 } },
    ]);

    const near = queueRow(page, 'Nora Nearhome').locator('td.position');
    await near.getByText('320 m NE of Home · 12 Lord Street, Southport, PR8 1QJ', { exact: true }).waitFor();
    expect(await near.getAttribute('title')).toMatch(
      /^320 m NE of Home · 12 Lord Street, Southport, PR8 1QJ · 53\.6478\d, -3\.0066\d ±8 m$/,
    );
    await queueRow(page, 'Zed Zoned')
      .locator('td.position')
      .getByText('in Garden · 12 Lord Street, Southport, PR8 1QJ', { exact: true })
      .waitFor();
    // The words come with the alarm from the ARC (snapshot and pushes alike).
    const snapshot = await t.api('GET', '/api/alarms');
    expect(snapshot.body.alarms.find((a: { wearerName: string }) => a.wearerName === 'Nora Nearhome').place).toBe(
      '320 m NE of Home',
    );
  });

  it('sets a wearer’s home on the administration screen: refused half or out of range, typed, clicked on the map, removed', async () => {
    const wearer = await t.createWearer({ name: 'Hal Homeless' });
    const page = await consoleAs(t, browser, admin);
    await page.goto(`${t.httpUrl}/#/admin/wearers/${wearer.id}`);
    const home = panelOf(page, 'Home');
    const lat = home.getByLabel('Latitude (e.g. 53.6458)');
    const lon = home.getByLabel('Longitude (e.g. -3.0101)');
    const save = home.getByRole('button', { name: 'Save home' });
    const stored = async () =>
      (
        await t.sql<
          { homeLat: number | null; homeLon: number | null }[]
        >`select home_lat, home_lon from wearers where id = ${wearer.id}`
      )[0];

    await lat.fill('53.6458');
    await save.click();
    await errorOf(page, 'Longitude (e.g. -3.0101)').getByText('give both coordinates of home, or neither').waitFor();
    await lon.fill('-190');
    await save.click();
    await errorOf(page, 'Longitude (e.g. -3.0101)')
      .getByText(/from -180 to 180/)
      .waitFor();
    expect(await stored()).toEqual({ homeLat: null, homeLon: null });

    await lon.fill('-3,0101');
    await save.click();
    await home.getByText('Home saved: 53.64580, -3.01010.').waitFor();
    expect(await stored()).toEqual({ homeLat: 53.6458, homeLon: -3.0101 });
    expect(await errorOf(page, 'Longitude (e.g. -3.0101)').textContent()).toBe('');

    // A click on the map puts home there (in the fields, saved with the button).
    const map = home.locator('.map');
    const box = (await map.boundingBox())!;
    await map.click({ position: { x: box.width / 4, y: box.height / 4 } });
    const clicked = { lat: Number(await lat.inputValue()), lon: Number(await lon.inputValue()) };
    expect(clicked.lat).toBeGreaterThan(53.6458);
    expect(clicked.lon).toBeLessThan(-3.0101);
    await save.click();
    await home.getByText(/^Home saved: /).waitFor();
    expect(await stored()).toEqual({ homeLat: clicked.lat, homeLon: clicked.lon });

    await home.getByRole('button', { name: 'Remove home' }).click();
    await home.getByText('Home removed.').waitFor();
    expect(await stored()).toEqual({ homeLat: null, homeLon: null });
  });

  it('provisions a device with its SIM number, refusing what is not a number before sending it', async () => {
    const page = await consoleAs(t, browser, admin);
    await page.goto(`${t.httpUrl}/#/admin/devices`);
    const form = page.getByRole('form', { name: 'Provision a device' });
    await form.getByLabel('Device id').fill('sim-dev-1');
    await form.getByLabel('SIM number, if the device takes calls (optional)').fill('call me maybe');
    await form.getByRole('button', { name: 'Provision device' }).click();
    await errorOf(page, 'SIM number, if the device takes calls (optional)')
      .getByText(/a phone number is digits/)
      .waitFor();
    expect(await t.sql`select id from devices where id = 'sim-dev-1'`).toHaveLength(0);

    await form.getByLabel('SIM number, if the device takes calls (optional)').fill(' +44 7700 900001 ');
    await form.getByRole('button', { name: 'Provision device' }).click();
    await page.getByRole('heading', { name: /^Secret for .*: shown once/ }).waitFor();
    expect(
      (await t.sql<{ simNumber: string }[]>`select sim_number from devices where id = 'sim-dev-1'`)[0].simNumber,
    ).toBe('+44 7700 900001');
    expect(await form.getByLabel('SIM number, if the device takes calls (optional)').inputValue()).toBe('');

    // The device's settings show it, and take a change.
    await page.goto(`${t.httpUrl}/#/admin/devices/sim-dev-1`);
    const settings = page.getByRole('form', { name: 'Settings' });
    expect(await settings.getByLabel('SIM number, if the device takes calls (optional)').inputValue()).toBe(
      '+44 7700 900001',
    );
  });
});
