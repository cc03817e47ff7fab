// The operator console page in a real Chromium against the whole ARC: log in, the live queue fed
// by a simulated device's panic button, the snapshot after a late start, and a carer kept out.
import type { Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';
import {
  SCREENSHOTS,
  connected,
  launchChromium,
  logIn,
  newProfile as profileOf,
  openConsole as openIn,
} from './support/console-browser.js';
import { accountKey, knownAddressKey } from '../api/store/login-throttle-store.js';

const HERE = { lat: 53.6458, lon: -3.0101, acc: 8 };

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc(), launchChromium()]);
});

afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

/** A fresh browser profile: its own cookie jar, 1366×768 as on an ARC desk. */
const newProfile = () => profileOf(browser);

/** The console in a new tab of that profile, or of a fresh one. */
const openConsole = async (context?: BrowserContext): Promise<Page> => openIn(t, context ?? (await newProfile()));

async function pressButton(
  credentials: { deviceId: string; secret: string },
  type: string,
  extra: Record<string, unknown> = {},
) {
  const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, position: HERE });
  devices.push(device);
  await device.connect();
  // Resolves on the PUBACK, which the ARC sends only once the event is stored.
  return device.sendEvent(type, extra);
}

const alarmRows = (page: Page) => page.locator('#queue-rows').getByRole('row');
const rowOf = (page: Page, text: string) => alarmRows(page).filter({ hasText: text });

describe('the operator console page', () => {
  it('logs an administrator in through the form and shows the empty queue, connected', async () => {
    const page = await openConsole();
    await page.getByRole('heading', { name: 'Operator log in' }).waitFor();

    await logIn(page, ADMIN.email, 'not-the-password');
    await page.getByRole('alert').getByText('Wrong email or password').waitFor();

    await logIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: /Open alarms/ }).waitFor();
    await connected(page);
    await page.getByText('No open alarms').waitFor();
    expect(await page.title()).toBe('(0) ArcAngel ARC console');
    expect(await page.getByRole('button', { name: 'Log out' }).isVisible()).toBe(true);
  });

  it('shows a panic button press as it happens, without a reload', async () => {
    const page = await openConsole();
    await logIn(page, ADMIN.email, ADMIN.password);
    await connected(page);
    await page.getByText('No open alarms').waitFor();
    // A reload would lose this.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    const wearer = await t.createWearer({ name: 'Alice Example' });
    const alice = await t.provisionDevice({ wearerId: wearer.id, label: 'Pendant 7' });
    await pressButton(alice, 'sos');

    const row = rowOf(page, 'Alice Example');
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['P1', 'SOS', 'Alice Example', 'Pendant 7']);
    expect(cells[4]).toMatch(/^\d+:\d\d$/);
    expect(cells[5]).toBe('53.64580, -3.01010 ±8 m');
    expect(cells[6]).toBe('New');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await page.waitForFunction(() => document.title === '(1) ArcAngel ARC console');
    // The age counts up on its own.
    await page.waitForFunction((before) => {
      const age = [...document.querySelectorAll('#queue-rows td.age')].at(0)?.textContent;
      return age !== undefined && age !== before;
    }, cells[4]);
  });

  it('shows alarms raised while the page was closed, most urgent first, with their marks', async () => {
    const context = await newProfile();
    const first = await openConsole(context);
    await logIn(first, ADMIN.email, ADMIN.password);
    await connected(first);
    await first.close();

    // Raised with no console open: only the snapshot can show them.
    const duressWearer = await t.createWearer({ name: 'Dana Duress', safePin: '1234', duressPin: '9999' });
    await pressButton(await t.provisionDevice({ wearerId: duressWearer.id }), 'sos.cancel', { pin: '9999' });
    const quietWearer = await t.createWearer({ name: 'Quinn Quiet' });
    await pressButton(await t.provisionDevice({ wearerId: quietWearer.id }), 'sos', { discreet: true });
    const loose = await t.provisionDevice({ wearerId: null });
    await pressButton(loose, 'fall', { lat: undefined, lon: undefined, acc: undefined });
    const markupWearer = await t.createWearer({ name: 'Bob <b>Bold</b>' });
    await pressButton(await t.provisionDevice({ wearerId: markupWearer.id }), 'x.glitter');
    await pressButton(await t.provisionDevice({ wearerId: markupWearer.id }), 'battery.low');

    // The cookie is still good: no form, straight to the queue.
    const page = await openConsole(context);
    await connected(page);
    expect(await page.getByLabel('Password').isVisible()).toBe(false);
    await rowOf(page, 'Low battery').waitFor();

    const rows = await alarmRows(page).allTextContents();
    const indexOf = (text: string) => rows.findIndex((row) => row.includes(text));
    // Priority first (1 before 2 before 3 before 5), then oldest first: Alice's SOS came earlier.
    expect(indexOf('Alice Example')).toBe(0);
    expect(indexOf('Dana Duress')).toBe(1);
    expect(indexOf('Quinn Quiet')).toBe(2);
    expect(indexOf(`Unassigned device ${loose.deviceId}`)).toBe(3);
    expect(indexOf('Unrecognised event: x.glitter')).toBe(4);
    expect(indexOf('Low battery')).toBe(5);
    expect(rows).toHaveLength(6);

    const duress = rowOf(page, 'Dana Duress');
    expect(await duress.getByRole('cell').nth(1).textContent()).toBe('Duress (silent)');
    await duress.getByText('Duress: act silently').waitFor();
    await duress.getByText('Do not call back audibly').waitFor();
    await rowOf(page, 'Quinn Quiet').getByText('Do not call back audibly').waitFor();
    expect(await rowOf(page, 'Alice Example').getByText('Do not call back audibly').count()).toBe(0);
    expect(await rowOf(page, 'Unassigned device').getByRole('cell').nth(5).textContent()).toBe('no position');
    // A name is text, never markup.
    await rowOf(page, 'Bob <b>Bold</b>').first().waitFor();
    expect(await page.locator('#queue-rows b').count()).toBe(0);
    await page.waitForFunction(() => document.title === '(6) ArcAngel ARC console');

    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-queue.png') });
  });

  it('tells a carer the console is for ARC staff and shows no alarms', async () => {
    const carer = await t.createUser('carer');
    const page = await openConsole();
    await logIn(page, carer.email, carer.password);

    await page.getByRole('heading', { name: 'This console is for ARC staff' }).waitFor();
    expect(await page.getByRole('heading', { name: /Open alarms/ }).isVisible()).toBe(false);
    expect(await alarmRows(page).count()).toBe(0);
    expect(await page.getByText('Alice Example').count()).toBe(0);
  });

  it('after a lost connection, reloads the snapshot so an alarm raised meanwhile appears', async () => {
    const wearer = await t.createWearer({ name: 'Rita Reconnect' });
    const rita = await t.provisionDevice({ wearerId: wearer.id });
    // Every TCP connection to the ARC's HTTP port from here on, so the test can cut them.
    let refusing = false;
    const open = new Set<Socket>();
    const watch = (socket: Socket) => (refusing ? socket.destroy() : open.add(socket));
    t.arc.http.server.on('connection', watch);
    try {
      const page = await openConsole();
      await logIn(page, ADMIN.email, ADMIN.password);
      await connected(page);
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));

      // The page loses the ARC (Socket.IO included) and cannot get back for now.
      refusing = true;
      for (const socket of open) socket.destroy();
      await page
        .getByRole('status')
        .getByText(/Reconnecting|Offline/)
        .waitFor();

      // The ARC stores no socket events: only the snapshot after reconnecting can show this.
      await pressButton(rita, 'sos');
      expect(await rowOf(page, 'Rita Reconnect').count()).toBe(0);
      refusing = false;

      await connected(page);
      await rowOf(page, 'Rita Reconnect').waitFor();
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    } finally {
      t.arc.http.server.off('connection', watch);
    }
  });

  it('says how long to wait when logins are throttled', async () => {
    const operator = await t.createUser('operator');
    // As if someone had guessed at this account many times just now.
    for (const key of [accountKey(operator.email), knownAddressKey(operator.email, '127.0.0.1')]) {
      await t.sql`insert into login_throttle (key, attempts, last_at) values (${key}, 20, ${new Date()})
                  on conflict (key) do update set attempts = 20, last_at = excluded.last_at`;
    }
    const page = await openConsole();
    await logIn(page, operator.email, operator.password);
    await page
      .getByRole('alert')
      .getByText(/Too many failed logins; wait before trying again \(about \d+ s\)/)
      .waitFor();
    expect(await page.getByRole('heading', { name: /Open alarms/ }).isVisible()).toBe(false);
  });

  it('logs out back to the form, and a reload stays logged out', async () => {
    const page = await openConsole();
    await logIn(page, ADMIN.email, ADMIN.password);
    await connected(page);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Operator log in' }).waitFor();
    expect(await alarmRows(page).count()).toBe(0);

    await page.reload();
    await page.getByRole('heading', { name: 'Operator log in' }).waitFor();
  });
});
