// The carer view in a real Chromium on a phone-sized screen, against the whole ARC: a carer sees
// their own relative move and an alarm's status change as it happens, and cannot reach another
// wearer: the page shows nothing of them, the API says 404, the socket brings nothing.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startChromium } from './support/chromium.js';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { carerSocket, recordPushes } from './support/carer-socket.js';

const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');
/** Generous: a loaded CI machine runs PostgreSQL, the ARC and Chromium on two cores. */
const UI_TIMEOUT_MS = 15_000;
/** An iPhone SE: the smallest phone the carer view is made for. */
const PHONE = { width: 375, height: 667 };
const HOME = { lat: 53.6458, lon: -3.0101, acc: 8 };

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];
let mum: { id: string; name: string };
let stranger: { id: string; name: string };
let mumsPendant: SimulatedDevice;
let strangersPendant: SimulatedDevice;
let carer: { id: string; email: string; password: string; token: string };

async function deviceOf(wearerId: string): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId })),
    url: t.mqttUrl,
    reconnect: false,
    position: HOME,
  });
  devices.push(device);
  await device.connect();
  return device;
}

beforeAll(async () => {
  // No tiles: the machine has no internet, and the carer view must work without them.
  t = await startTestArc({ ARC_MAP_TILES_URL: 'none' });
  browser = await startChromium();
  await mkdir(SCREENSHOTS, { recursive: true });

  mum = await t.createWearer({ name: 'Mum', notes: 'ARC only: key safe 4321' });
  stranger = await t.createWearer({ name: 'Someone Else' });
  await t.api('POST', `/api/wearers/${mum.id}/geofences`, {
    name: 'Home',
    kind: 'safe',
    shape: { type: 'circle', lat: HOME.lat, lon: HOME.lon, radiusM: 600 },
  });
  await t.api('POST', `/api/wearers/${mum.id}/geofences`, {
    name: 'Near his address',
    kind: 'exclusion',
    shape: { type: 'circle', lat: 53.41, lon: -2.98, radiusM: 400 },
  });
  mumsPendant = await deviceOf(mum.id);
  strangersPendant = await deviceOf(stranger.id);
  carer = await t.createUser('carer');
  await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId: mum.id });

  // Mum's morning so far: a walk from home.
  const now = Date.now();
  await mumsPendant.sendFixes([
    { ts: now - 3 * 3600_000, lat: 53.6441, lon: -3.0131, acc: 12 },
    { ts: now - 2 * 3600_000, lat: 53.6449, lon: -3.0117, acc: 10 },
    { ts: now - 3600_000, lat: HOME.lat, lon: HOME.lon, acc: HOME.acc },
  ]);
  await mumsPendant.sendStatus({ batt: 64, charging: false });
  await strangersPendant.sendFix({ ts: now, lat: 53.7012, lon: -2.9034, acc: 5 });
  await t.arc.idle();
});

afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

async function openCarerView(hash = '', prepare?: (page: Page) => void): Promise<Page> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  prepare?.(page);
  await page.goto(`${t.httpUrl}/carer.html${hash}`);
  await page.getByRole('heading', { name: 'Carer log in' }).waitFor();
  await page.getByLabel('Email').fill(carer.email);
  await page.getByLabel('Password').fill(carer.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor();
  // A reload would lose this.
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  return page;
}

const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);
const cardOf = (page: Page, name: string) =>
  page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
const factOf = async (page: Page, name: string, fact: string) => {
  const facts = await cardOf(page, name).locator('dt, dd').allTextContents();
  return facts[facts.indexOf(fact) + 1];
};

describe('the carer view on a phone', () => {
  it("shows the carer's relative, and their position moving without a reload", async () => {
    const page = await openCarerView();
    const card = cardOf(page, 'Mum');
    await card.waitFor();
    expect(
      await page
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading') })
        .count(),
    ).toBe(1);
    expect(await card.locator('.alarm-status').textContent()).toBe('No alarm for Mum so far.');
    expect(await factOf(page, 'Mum', 'Last seen')).toBe('just now');
    expect(await factOf(page, 'Mum', 'Battery')).toBe('64 %');
    // The fix of an hour ago: its time, or its day and time when that hour was yesterday (a run
    // just after midnight).
    expect(await factOf(page, 'Mum', 'Position')).toMatch(
      /^53\.64580, -3\.01010 ±8 m at (\d\d:\d\d:\d\d|\d{1,2} [A-Z][a-z]{2} \d\d:\d\d)$/,
    );
    // The only person is on the map at once, with the trail of the last 24 hours and the safe zone.
    await page.getByRole('heading', { name: 'Where Mum is' }).waitFor();
    await page.getByText('3 positions in the last 24 hours', { exact: false }).waitFor();
    await page.locator('.leaflet-tooltip').filter({ hasText: 'Mum: 53.64580, -3.01010 ±8 m' }).waitFor();
    await page.locator('.leaflet-tooltip').filter({ hasText: 'Home (safe zone)' }).waitFor();
    await page.getByText('No map tiles configured').waitFor();
    expect(await page.getByText(/Near his address|exclusion/).count()).toBe(0);
    expect(await page.getByText('key safe').count()).toBe(0);

    await mumsPendant.sendFix({ ts: Date.now(), lat: 53.6471, lon: -3.008, acc: 10 });
    await page.locator('.leaflet-tooltip').filter({ hasText: 'Mum: 53.64710, -3.00800 ±10 m' }).waitFor();
    await page.getByText(/^Mum was at 53\.64710, -3\.00800 ±10 m at \d\d:\d\d:\d\d\.$/).waitFor();
    await page.waitForFunction(() =>
      document.querySelector('.facts')?.textContent?.includes('53.64710, -3.00800 ±10 m'),
    );
    await page.getByText('4 positions in the last 24 hours', { exact: false }).waitFor();
    expect(await sameDocument(page)).toBe(true);

    // Another day: the trail of that day only.
    const yesterday = new Date(Date.now() - 24 * 3600_000).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    await page.getByLabel('Day').fill(yesterday);
    await page.getByText(/^(No positions|\d+ positions?) on /).waitFor();
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await page.getByText('4 positions in the last 24 hours', { exact: false }).waitFor();
    await page.context().close();
  });

  it("shows an alarm's status appear and change when an operator resolves it", async () => {
    const page = await openCarerView();
    const status = cardOf(page, 'Mum').locator('.alarm-status');
    await status.getByText('No alarm for Mum so far.').waitFor();

    await mumsPendant.sendEvent('sos');
    await status
      .getByText(/^The alarm centre is dealing with an alarm for Mum \(SOS button pressed\) since \d\d:\d\d\.$/)
      .waitFor();
    expect(await status.getAttribute('data-state')).toBe('open');
    await mumsPendant.sendFix({ ts: Date.now(), lat: 53.6476, lon: -3.0071, acc: 9 });
    await page.locator('.leaflet-tooltip').filter({ hasText: 'Mum: 53.64760, -3.00710 ±9 m' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'carer-view.png'), fullPage: true });

    const [sos] = await t.sql`select id from alarms where wearer_id = ${mum.id} and status <> 'resolved'`;
    expect((await t.api('POST', `/api/alarms/${sos.id}/accept`)).status).toBe(200);
    expect((await t.api('POST', `/api/alarms/${sos.id}/resolve`, { closureCode: 'false_accidental' })).status).toBe(
      200,
    );
    await status.getByText(/^The last alarm for Mum \(SOS button pressed\) was closed at \d\d:\d\d\.$/).waitFor();
    expect(await status.getAttribute('data-state')).toBe('closed');
    expect(await sameDocument(page)).toBe(true);
    await page.context().close();
  });

  it('cannot reach another wearer: the page shows nothing of them, the API says 404, the socket brings nothing', async () => {
    // Everything the page's sockets receive, frame by frame; the link names the stranger.
    const frames: string[] = [];
    const page = await openCarerView(`#wearer=${stranger.id}`, (p) =>
      p.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(String(payload)))),
    );

    await page.getByRole('alert').getByText('That link is not for one of your people.').waitFor();
    expect(await page.getByRole('heading', { name: /Where .* is/ }).isVisible()).toBe(false);
    await cardOf(page, 'Mum').waitFor();

    // The API, asked with this carer's own cookie from inside the page.
    const asked = await page.evaluate(async (id) => {
      const answers = [];
      for (const path of [
        `/api/my/wearers/${id}/trail`,
        `/api/my/wearers/${id}/zones`,
        `/api/wearers/${id}`,
        `/api/wearers/${id}/geofences`,
      ]) {
        const response = await fetch(path);
        answers.push({ path, status: response.status, code: (await response.json()).error?.code });
      }
      return answers;
    }, stranger.id);
    expect(asked.map((a) => [a.status, a.code])).toEqual([
      [404, 'ARC_ERR_WEARER_NOT_FOUND'],
      [404, 'ARC_ERR_WEARER_NOT_FOUND'],
      [403, 'ARC_ERR_FORBIDDEN'],
      [403, 'ARC_ERR_FORBIDDEN'],
    ]);

    // The stranger moves and raises an alarm; their own carer hears it, this page does not.
    const theirCarer = await t.createUser('carer');
    await t.api('POST', '/api/carer-links', { carerId: theirCarer.id, wearerId: stranger.id });
    const theirSocket = carerSocket(t.httpUrl, theirCarer.token);
    const theirPushes = recordPushes(theirSocket);
    await new Promise((resolve) => theirSocket.once('connect', () => resolve(undefined)));
    await strangersPendant.sendFix({ ts: Date.now(), lat: 53.7021, lon: -2.9045, acc: 6 });
    await strangersPendant.sendEvent('fall');
    await expect
      .poll(() => theirPushes.map((p) => p.event).sort(), { timeout: UI_TIMEOUT_MS })
      .toEqual(['wearer:alarm', 'wearer:moved', 'wearer:moved']);
    // Then Mum moves: the page hears that, so it would have heard the stranger by now.
    await mumsPendant.sendFix({ ts: Date.now(), lat: 53.6479, lon: -3.0066, acc: 7 });
    await expect.poll(() => frames.some((f) => f.includes('53.6479')), { timeout: UI_TIMEOUT_MS }).toBe(true);
    theirSocket.close();

    const heard = frames.join('\n');
    expect(heard).not.toContain(stranger.id);
    expect(heard).not.toContain('53.702');
    expect(heard).not.toContain('53.701');
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('Someone Else');
    expect(text).not.toContain('53.70');
    expect(await page.locator(`[data-wearer-id="${stranger.id}"]`).count()).toBe(0);
    expect(
      await page
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading') })
        .count(),
    ).toBe(1);
    await page.context().close();
  });
  it('changes a safe zone where the wearer allows it, and saves how the carer wants to be told', async () => {
    expect((await t.api('PATCH', `/api/wearers/${mum.id}`, { carersEditSafeZones: true })).status).toBe(200);
    const page = await openCarerView();
    await page.getByRole('heading', { name: 'Where Mum is' }).waitFor();

    await page.getByRole('button', { name: 'Change Home' }).click();
    const form = page.getByRole('form', { name: 'Change Home' });
    await form.getByLabel('Zone name').fill('Home and garden');
    await form.getByLabel('Radius in metres').fill('5');
    await form.getByRole('button', { name: 'Save zone' }).click();
    await form.getByText('a circle radius is at least 10 m').waitFor();
    await form.getByLabel('Radius in metres').fill('700');
    await form.getByRole('button', { name: 'Save zone' }).click();
    await page.getByText('Home and garden — within 700 m of 53.64580, -3.01010').waitFor();
    await page.locator('.leaflet-tooltip').filter({ hasText: 'Home and garden (safe zone)' }).waitFor();

    await page.getByRole('button', { name: 'Add a safe zone' }).click();
    const added = page.getByRole('form', { name: 'New safe zone' });
    await added.getByLabel('Zone name').fill('Day centre');
    await added.getByRole('button', { name: 'Centre on where Mum is now' }).click();
    await added.getByLabel('Radius in metres').fill('900');
    await added.getByRole('button', { name: 'Add zone' }).click();
    await page.getByText(/^Day centre — within 900 m of 53\.647\d\d, -3\.00\d\d\d\b/).waitFor();
    const zones =
      await t.sql`select name, kind, shape->>'radiusM' as radius from geofences where wearer_id = ${mum.id} order by created_at`;
    expect(zones.map((z) => [z.name, z.kind, Number(z.radius)])).toEqual([
      ['Home and garden', 'safe', 700],
      ['Near his address', 'exclusion', 400],
      ['Day centre', 'safe', 900],
    ]);

    const choices = page.getByRole('form', { name: 'Messages to me' });
    await choices.getByLabel('Low battery').uncheck();
    await choices.getByLabel('Text message', { exact: true }).check();
    await choices.getByRole('button', { name: 'Save my choices' }).click();
    await choices.getByText('a text message needs a phone number').waitFor();
    await choices.getByLabel('Mobile number for text messages').fill('+44 7700 900123');
    await choices.getByRole('button', { name: 'Save my choices' }).click();
    await choices.getByText('Saved. You will be told by text message.').waitFor();
    const [saved] = await t.sql`select channel, phone, kinds from carer_preferences where carer_id = ${carer.id}`;
    expect(saved).toEqual({
      channel: 'sms',
      phone: '+44 7700 900123',
      kinds: ['help', 'missed_check', 'safe_zone', 'device'],
    });
    await page.context().close();
  });
});
