// The supervisor view (SLA figures, open and overdue alarms, who holds what, reassign) and the
// devices view (list, search, map that follows fixes) in a real Chromium, with no map tiles.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import {
  SCREENSHOTS,
  consoleAs,
  launchChromium,
  openConsole,
  newProfile,
  logIn,
  connected,
} from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
});

afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

async function deviceOf(name: string, label: string, position: { lat: number; lon: number; acc: number }) {
  const wearer = await t.createWearer({ name });
  const credentials = await t.provisionDevice({ wearerId: wearer.id, label });
  const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, position });
  devices.push(device);
  await device.connect();
  return device;
}

const alarmOf = async (device: SimulatedDevice) =>
  (
    await t.sql<
      { id: string }[]
    >`select id from alarms where device_id = ${device.deviceId} order by received_at desc limit 1`
  )[0].id;

describe('the supervisor and devices views', () => {
  it('shows a supervisor the SLA figures and who holds what, and reassigns an alarm', async () => {
    const [olga, omar, supervisor] = await Promise.all([
      t.createUser('operator'),
      t.createUser('operator'),
      t.createUser('supervisor'),
    ]);
    // Handled at once: counts within every line.
    const quick = await deviceOf('Quick Quentin', 'Pendant Q', { lat: 53.4084, lon: -2.9916, acc: 10 });
    await quick.sendEvent('sos');
    const quickId = await alarmOf(quick);
    await t.api('POST', `/api/alarms/${quickId}/accept`, undefined, olga.token);
    await t.api('POST', `/api/alarms/${quickId}/resolve`, { closureCode: 'false_accidental' }, olga.token);
    // Held by Olga, and one nobody has accepted.
    const held = await deviceOf('Hana Held', 'Pendant H', { lat: 53.4101, lon: -2.9779, acc: 15 });
    await held.sendEvent('fall');
    await t.api('POST', `/api/alarms/${await alarmOf(held)}/accept`, undefined, olga.token);
    const waiting = await deviceOf('Wes Waiting', 'Pendant W', { lat: 53.4005, lon: -2.9853, acc: 25 });
    await waiting.sendEvent('sos');

    // Olga is on shift (her console is open); Omar is not.
    const olgaPage = await consoleAs(t, browser, olga);
    const page = await consoleAs(t, browser, supervisor);
    await page.getByRole('link', { name: 'Supervisor' }).click();
    await page.getByRole('heading', { name: 'Service levels (BS 8484, TSA telecare)' }).waitFor();
    const bs10 = page.locator('table.sla tr', { hasText: 'BS 8484: accepted within 10 s (target 80.0 %)' });
    await bs10
      .getByRole('cell')
      .first()
      .getByText(/^\d+\.\d % \(\d+ of \d+\) (✓ met|✗ missed)$/)
      .waitFor();
    expect(await page.locator('table.sla tr', { hasText: 'TSA telecare: accepted within 180 s' }).count()).toBe(1);
    await page.locator('.counts').getByText('Not accepted').waitFor();
    expect(await page.locator('.counts').textContent()).toMatch(/2 Open.*1 Not accepted.*0 Overdue/);

    const olgaName = (await t.api('GET', '/api/users')).body.users.find((u: { id: string }) => u.id === olga.id).name;
    const omarName = (await t.api('GET', '/api/users')).body.users.find((u: { id: string }) => u.id === omar.id).name;
    const staffRow = page.locator('table.staff tr', { hasText: olgaName });
    await staffRow.getByText('1: Fall (Hana Held)').waitFor();
    await staffRow.getByText(/^Console open since \d\d:\d\d:\d\d$/).waitFor();
    expect(await page.locator('table.staff tr', { hasText: omarName }).getByRole('cell').nth(2).textContent()).toBe(
      'Not connected',
    );

    const hanaRow = page.locator('table.supervisor-alarms tr', { hasText: 'Hana Held' });
    await hanaRow.getByRole('cell', { name: olgaName, exact: true }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'supervisor.png') });

    await hanaRow.getByLabel('Reassign Fall, Hana Held to').selectOption({ label: `${omarName} (operator)` });
    await hanaRow.getByRole('button', { name: 'Reassign' }).click();
    await page.getByText(`Fall (Hana Held) is now held by ${omarName}`).waitFor();
    await page.locator('table.staff tr', { hasText: omarName }).getByText('1: Fall (Hana Held)').waitFor();
    const [owner] = await t.sql<
      { acceptedBy: string }[]
    >`select accepted_by from alarms where id = ${await alarmOf(held)}`;
    expect(owner.acceptedBy).toBe(omar.id);

    // An operator has no supervisor view, not even by its address.
    const operatorPage = await openConsole(t, await newProfile(browser), '#/supervisor');
    await logIn(operatorPage, omar.email, omar.password);
    await connected(operatorPage);
    await operatorPage.getByRole('heading', { name: /Open alarms/ }).waitFor();
    expect(await operatorPage.getByRole('link', { name: 'Supervisor' }).count()).toBe(0);
    expect(await operatorPage.getByRole('heading', { name: /Service levels/ }).isVisible()).toBe(false);

    // On shift = a console connected now: Omar's just opened, Olga's closed.
    const onConsole = async () =>
      (
        (await t.api('GET', '/api/staff/on-console', undefined, supervisor.token)).body.onConsole as {
          userId: string;
        }[]
      ).map((p) => p.userId);
    expect(await onConsole()).toContain(omar.id);
    await olgaPage.context().close();
    await expect.poll(onConsole).not.toContain(olga.id);
    expect((await t.api('GET', '/api/staff/on-console', undefined, omar.token)).status).toBe(403);
  });

  it('lists the devices with last seen, battery, connection, amber sessions, shifts and test mode, searchable, on a map that follows fixes', async () => {
    const operator = await t.createUser('operator');
    const low = await deviceOf('Lou Lowbatt', 'Belt clip L', { lat: 53.4032, lon: -2.9721, acc: 9 });
    await low.sendStatus({ batt: 14, charging: false });
    await low.sendFix();
    const testing = await deviceOf('Tess Tested', 'Pendant T', { lat: 53.4061, lon: -2.9902, acc: 12 });
    await testing.sendFix();
    await t.api('PUT', `/api/devices/${testing.deviceId}/test-mode`, {
      minutes: 30,
      reason: 'Installer commissioning',
    });
    await (await deviceOf('Gus Gone', 'Pendant G', { lat: 53.3991, lon: -2.9801, acc: 30 })).sendFix();
    await devices.at(-1)!.close({ force: true });
    // In the middle of something: an amber session, a lone-worker shift.
    await low.sendEvent('amber.start', { durationS: 1800, note: 'Visiting 12 Acacia Avenue' });
    const shifted = await deviceOf('Sam Shift', 'Pendant S', { lat: 53.4071, lon: -2.9751, acc: 11 });
    await shifted.sendFix();
    await t.api('POST', `/api/devices/${shifted.deviceId}/shift`, { intervalS: 900 });

    const page = await consoleAs(t, browser, operator);
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'Devices and wearers' }).waitFor();
    const lowRow = page.locator('#device-rows tr', { hasText: 'Lou Lowbatt' });
    await lowRow.waitFor();
    expect(await lowRow.getByRole('cell').nth(2).textContent()).toBe('Online');
    expect(await lowRow.getByRole('cell').nth(3).textContent()).toMatch(/^just now \(\d\d:\d\d:\d\d\)$/);
    expect(await lowRow.getByRole('cell').nth(4).textContent()).toBe('14 %');
    expect(
      await page.locator('#device-rows tr', { hasText: 'Tess Tested' }).getByRole('cell').nth(6).textContent(),
    ).toMatch(/^On test until .* \(Installer commissioning\)$/);
    expect(await page.locator('#device-rows tr', { hasText: 'Gus Gone' }).getByRole('cell').nth(2).textContent()).toBe(
      'Offline',
    );
    expect(await lowRow.getByRole('cell').nth(6).textContent()).toMatch(/(^|· )Amber session until \d\d:\d\d:\d\d$/); // (its low battery is an open alarm)
    expect(
      await page.locator('#device-rows tr', { hasText: 'Sam Shift' }).getByRole('cell').nth(6).textContent(),
    ).toMatch(/^On shift, check-in due \d\d:\d\d:\d\d$/);
    // The map of all devices, drawn with no tiles: each labelled, its coordinates a click away.
    const map = page.getByRole('region', { name: 'Map of all devices' });
    await map.getByText('Lou Lowbatt', { exact: true }).waitFor();
    expect(await map.locator('path.leaflet-interactive').count()).toBe(await page.locator('#device-rows tr').count());
    await page.getByText('No map tiles configured: positions, trail and zones on a plain background.').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'devices.png') });

    // Followed live: a new fix moves the device on the list and the map.
    await low.sendFix({ ts: Date.now(), lat: 53.4044, lon: -2.9701, acc: 7 });
    await lowRow.getByText(/^53\.40440, -2\.97010 ±7 m at/).waitFor();
    // (The label drawn before the move fades out first.)
    await expect.poll(() => map.getByText('Lou Lowbatt', { exact: true }).count()).toBe(1);
    await map.getByText('Lou Lowbatt', { exact: true }).click();
    await map.getByText('Lou Lowbatt: 53.40440, -2.97010 ±7 m').waitFor();

    await page.getByLabel('Search devices').fill('tess');
    await page.locator('#device-rows tr', { hasText: 'Lou Lowbatt' }).waitFor({ state: 'detached' });
    expect(await page.locator('#device-rows tr').count()).toBe(1);
    await page.getByText(/^1 of \d+ devices/).waitFor();
  });
});
