// The ARC restarts while a console is open: the page reconnects by itself to the same address,
// reloads the REST snapshot and shows what changed while it was away, nothing stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import {
  connected,
  launchChromium,
  logIn,
  markDocument,
  newProfile,
  openConsole,
  queueRow,
  sameDocument,
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

async function pressSos(name: string): Promise<string> {
  const wearer = await t.createWearer({ name });
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId: wearer.id })),
    url: t.mqttUrl,
    reconnect: false,
  });
  devices.push(device);
  await device.connect();
  await device.sendEvent('sos');
  const [alarm] = await t.sql<{ id: string }[]>`select id from alarms where device_id = ${device.deviceId}`;
  return alarm.id;
}

describe('a console open across a restart of the ARC', () => {
  it('recovers by itself and shows the alarm raised during the restart, and not the one resolved', async () => {
    const operator = await t.createUser('operator');
    const staleId = await pressSos('Sam Stale');
    const context = await newProfile(browser);
    const page = await openConsole(t, context);
    await logIn(page, operator.email, operator.password);
    await connected(page);
    await queueRow(page, 'Sam Stale').waitFor();
    await markDocument(page);
    const urlBefore = t.httpUrl;

    await t.arc.close();
    for (const device of devices.splice(0)) await device.close({ force: true });
    await page
      .getByRole('status')
      .getByText(/Reconnecting|Offline/)
      .waitFor();
    // Kept from reaching the ARC until the changes below are made: only the snapshot can show them.
    await context.setOffline(true);
    await t.restart();
    expect(t.httpUrl).toBe(urlBefore);
    await pressSos('Nina New');
    expect((await t.api('POST', `/api/alarms/${staleId}/accept`)).status).toBe(200);
    expect((await t.api('POST', `/api/alarms/${staleId}/resolve`, { closureCode: 'false_accidental' })).status).toBe(
      200,
    );
    // Still the old picture, and the page says it may be out of date.
    expect(await queueRow(page, 'Sam Stale').count()).toBe(1);
    expect(await queueRow(page, 'Nina New').count()).toBe(0);
    expect(await page.getByRole('status').getByText('Connected', { exact: true }).count()).toBe(0);

    await context.setOffline(false);
    await connected(page);
    await queueRow(page, 'Nina New').waitFor();
    await queueRow(page, 'Sam Stale').waitFor({ state: 'detached' });
    expect(await page.title()).toBe('(1) ArcAngel ARC console');
    expect(await sameDocument(page)).toBe(true);
  });
});
