// The devices view with a large fleet (issue 14: 10,000 devices), in a real Chromium with no map
// tiles: only the rows in view exist in the page, the count and the search stay exact, the map
// clusters its markers, and the last device is reached by scrolling. The time to draw and the
// long tasks are printed, never asserted (ARC_TEST_DEVICES=10000 for the full size).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium } from './support/console-browser.js';

const N = Number(process.env.ARC_TEST_DEVICES ?? 2000);
const id = (i: number) => `many-${String(i).padStart(5, '0')}`;
let t: TestArc;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
  // Inserted with SQL: the fleet is the setting, not the thing tested. Spread over 1° × 1°.
  await t.sql`
    insert into devices (id, label, heartbeat_s, secret_hash, fix_ts, fix_lat, fix_lon, fix_acc, batt, last_seen_at)
    select 'many-' || lpad(g::text, 5, '0'), 'Pendant ' || g, 300, 'not-a-hash', ${Date.parse('2026-12-04T21:00:00Z')},
      53 + (g % 100) / 100.0, -3 + (g / 100) / 100.0, 10, 50 + g % 50, ${new Date('2026-12-04T21:00:00Z')}
    from generate_series(1, ${N}) g`;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe(`the devices view with ${N} devices`, () => {
  it('draws only the rows in view, counts and searches all, clusters the map, scrolls to the last', async () => {
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({
        type: 'longtask',
      });
    });
    const started = Date.now();
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByText(new RegExp(`^${N} of ${N} devices`)).waitFor({ timeout: 120_000 });
    const drawnMs = Date.now() - started;
    const rows = page.locator('#device-rows tr[data-device-id]');
    await rows.first().waitFor();
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const map = page.getByRole('region', { name: 'Map of all devices' });
    // The map redraws at most once a second: its first clusters may come a moment after the list.
    await map.locator('.map-cluster-label').first().waitFor();
    const dots = await map.locator('path.leaflet-interactive').count();
    console.log(
      `devices view, ${N} devices: click → list and count ${drawnMs} ms; rows in the page ${await rows.count()}; map dots ${dots}; ` +
        `long tasks ${longTasks.length}, max ${Math.round(Math.max(0, ...longTasks))} ms, total ${Math.round(longTasks.reduce((a, b) => a + b, 0))} ms`,
    );

    expect(await rows.count()).toBeLessThan(400);
    expect(dots).toBeLessThan(N);
    expect(await map.locator('.map-cluster-label').count()).toBeGreaterThan(0);

    // The last device: no row until scrolled to.
    expect(await page.locator(`#device-rows tr[data-device-id="${id(N)}"]`).count()).toBe(0);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.locator(`#device-rows tr[data-device-id="${id(N)}"]`).waitFor();

    await page.getByLabel('Search devices').fill(id(N - 1));
    await page.getByText(new RegExp(`^1 of ${N} devices`)).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-device-id')).toBe(id(N - 1));
  });
});
