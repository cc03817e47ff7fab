// The carer page with a day of fixes (issue 14: "the carer page gets the same treatment"): a
// wearer tracked every 30 s has 2,880 positions in 24 hours (2,800 here), and fixes arrive in
// quick succession. The trail is drawn on one canvas and a burst of pushes once a frame; the long
// tasks are printed, never asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { launchChromium } from './support/console-browser.js';

/** A fix every 30 s for 23 h 20 min, all inside the last 24 hours. */
const DAY_FIXES = 2800;
let t: TestArc;
let browser: Browser;
let device: SimulatedDevice;
let carer: { email: string; password: string };

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
  const wearer = await t.createWearer({ name: 'Walker' });
  const credentials = await t.provisionDevice({ wearerId: wearer.id });
  carer = await t.createUser('carer');
  await t.api('POST', '/api/carer-links', { carerId: (carer as { id?: string }).id, wearerId: wearer.id });
  // A day of fixes, the newest ten minutes ago (inserted with SQL: the history is the setting).
  const newest = Date.now() - 600_000;
  await t.sql`
    insert into fixes (device_id, ts, lat, lon, acc)
    select ${credentials.deviceId}, ${newest} - (g * 30000)::bigint, 53.6 + (g % 120) / 2000.0, -3.0 + (g / 120) / 2000.0, 10
    from generate_series(0, ${DAY_FIXES - 1}) g`;
  device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
  await device.connect();
}, 120_000);
afterAll(async () => {
  await device?.close({ force: true });
  await browser?.close();
  await t?.close();
});

describe('the carer page with a day of fixes', () => {
  it('draws 2,800 trail points on a canvas and takes 100 quick fixes', { timeout: 120_000 }, async () => {
    const page = await (await browser.newContext({ viewport: { width: 375, height: 667 } })).newPage();
    await page.goto(`${t.httpUrl}/carer.html`);
    await page.getByLabel('Email').fill(carer.email);
    await page.getByLabel('Password').fill(carer.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(`${DAY_FIXES} positions in the last 24 hours`, { exact: false }).waitFor({ timeout: 60_000 });
    // One canvas for the trail, not an SVG node per point.
    expect(await page.locator('#person-map canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('#person-map path.leaflet-interactive').count()).toBeLessThan(50);

    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({
        type: 'longtask',
      });
    });
    const now = Date.now();
    // A hundred fixes in quick succession, each the newest (the ARC may coalesce their pushes).
    for (let i = 0; i < 100; i++)
      await device.sendFix({ ts: now - (100 - i) * 1000, lat: 53.65 + i / 10000, lon: -3.01, acc: 8 });
    await page.getByText('Walker was at 53.65990, -3.01000 ±8 m', { exact: false }).waitFor({ timeout: 30_000 });
    const summary = await page.getByText(/positions in the last 24 hours/).textContent();
    expect(Number(summary!.match(/^(\d+) positions/)![1])).toBeGreaterThan(DAY_FIXES);
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    console.log(
      `carer page, ${DAY_FIXES} fixes then 100 quick fixes: long tasks ${longTasks.length}, max ${Math.round(Math.max(0, ...longTasks))} ms, total ${Math.round(longTasks.reduce((a, b) => a + b, 0))} ms`,
    );
  });
});
