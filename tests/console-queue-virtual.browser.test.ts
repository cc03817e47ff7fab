// The queue as a virtual list (issue 14), in a real Chromium: with hundreds of open alarms only
// the rows in view and a margin exist in the page, the table still says how many rows it has and
// where each is (aria-rowcount / aria-rowindex), the arrow keys walk past the drawn rows, a scroll
// draws the rows it reaches, and the count follows every arrival and resolution exactly; in a
// flood new rows are outlined instead of flashing, and the queue is drawn a few times a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { connected, launchChromium, logIn, openConsole, UI_TIMEOUT_MS } from './support/console-browser.js';

const OPEN = 400;
let t: TestArc;
let browser: Browser;
let device: SimulatedDevice | null = null;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await device?.close({ force: true });
  await browser?.close();
  await t?.close();
});

describe('the queue with hundreds of open alarms', () => {
  it('draws only the rows in view, keeps the count, the row semantics and the arrow keys exact', async () => {
    const operator = await t.createUser('operator');
    const wearer = await t.createWearer({ name: 'Virtual Wearer' });
    const provisioned = await t.provisionDevice({ wearerId: wearer.id });
    // Silent devices, one a second over the last few minutes (inserted: the backlog is the setting).
    const start = new Date(Date.now() - OPEN * 1000);
    await t.sql`
      insert into alarms (device_id, wearer_id, type, priority, status, received_at)
      select ${provisioned.deviceId}, ${wearer.id}, 'no_comm', 4, 'raised', ${start}::timestamptz + make_interval(secs => g)
      from generate_series(1, ${OPEN}) g`;

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await openConsole(t, context);
    await logIn(page, operator.email, operator.password);
    await connected(page);
    const count = page.locator('#open-count');
    await expect.poll(() => count.textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(OPEN));

    const drawn = page.locator('#queue-rows tr[data-alarm-id]');
    await expect.poll(() => drawn.count(), { timeout: UI_TIMEOUT_MS }).toBeLessThan(150);
    expect(await drawn.count()).toBeGreaterThanOrEqual(20);
    expect(await page.locator('#queue-table').getAttribute('aria-rowcount')).toBe(String(OPEN + 1));
    expect(await drawn.first().getAttribute('aria-rowindex')).toBe('2');
    // The stand-ins for the rows not drawn are not rows to a screen reader.
    expect(await page.locator('#queue-rows').getByRole('row').count()).toBe(await drawn.count());

    // Down the list by keyboard, past what was drawn at first.
    await drawn.first().focus();
    for (let i = 0; i < 160; i++) await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('aria-rowindex')), {
        timeout: UI_TIMEOUT_MS,
      })
      .toBe('162');
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-rowindex'))).toBe('161');

    // Scrolled to the bottom: the last rows are drawn, the first are not.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.locator(`#queue-rows tr[aria-rowindex="${OPEN + 1}"]`).waitFor();
    expect(await page.locator('#queue-rows tr[aria-rowindex="2"]').count()).toBe(0);
    expect(await drawn.count()).toBeLessThan(150);

    // An SOS through MQTT: counted at once, at the top of the list, flashing.
    await page.evaluate(() => window.scrollTo(0, 0));
    device = new SimulatedDevice({ ...provisioned, url: t.mqttUrl, reconnect: false });
    await device.connect();
    await device.sendEvent('sos');
    await expect.poll(() => count.textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(OPEN + 1));
    await expect.poll(() => drawn.first().textContent(), { timeout: UI_TIMEOUT_MS }).toContain('SOS');
    expect(await page.locator('#filter-count-unassigned').textContent()).toBe(`(${OPEN + 1})`);
    // One new alarm alone flashes (an outline is for a flood).
    expect(await drawn.first().getAttribute('class')).toContain('is-new');
    expect(await drawn.first().getAttribute('class')).not.toContain('in-flood');

    // One resolved elsewhere: the count follows.
    const [oldest] = await t.sql<
      { id: string }[]
    >`select id from alarms where type = 'no_comm' order by received_at limit 1`;
    await t.api('POST', `/api/alarms/${oldest.id}/accept`, undefined, operator.token);
    await t.api('POST', `/api/alarms/${oldest.id}/resolve`, { closureCode: 'false_test' }, operator.token);
    await expect.poll(() => count.textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(OPEN));
    expect(await page.locator('#queue-table').getAttribute('aria-rowcount')).toBe(String(OPEN + 1));
    await context.close();
  }, 90_000);

  it('in a flood, the queue is drawn a few times a second and new rows are outlined rather than flashed', async () => {
    const operator = await t.createUser('operator');
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await openConsole(t, context);
    await logIn(page, operator.email, operator.password);
    await connected(page);
    const count = page.locator('#open-count');
    const before = Number(await count.textContent());
    const FLOOD = 14;
    const devices: SimulatedDevice[] = [];
    try {
      for (let i = 0; i < FLOOD; i++) {
        const wearer = await t.createWearer({ name: `Flood Wearer ${i}` });
        const provisioned = await t.provisionDevice({ wearerId: wearer.id });
        const floodDevice = new SimulatedDevice({ ...provisioned, url: t.mqttUrl, reconnect: false });
        await floodDevice.connect();
        devices.push(floodDevice);
      }
      await Promise.all(devices.map((d) => d.sendEvent('sos')));
      await expect.poll(() => count.textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(before + FLOOD));

      // Still in the flood, alarms arriving one by one: the queue is drawn at most once in each
      // fifth of a second (frame-task.ts), not once per alarm. Every drawing of the queue sets
      // the count (a mutation of #open-count, even when it is the same number).
      await page.evaluate(() => {
        const draws: number[] = [];
        (window as unknown as { draws: number[] }).draws = draws;
        new MutationObserver(() => draws.push(performance.now())).observe(document.getElementById('open-count')!, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      const startedAt = await page.evaluate(() => performance.now());
      // Sent on a timer, not one after another's acknowledgement: on a slow machine they still
      // come within the flash's seconds of each other (the flood lasts), only bunched closer.
      const presses: Promise<unknown>[] = [];
      for (const type of ['fall', 'tamper'])
        for (const floodDevice of devices) {
          presses.push(floodDevice.sendEvent(type));
          await new Promise((resolve) => setTimeout(resolve, 60));
        }
      await Promise.all(presses);
      await expect.poll(() => count.textContent(), { timeout: UI_TIMEOUT_MS }).toBe(String(before + 3 * FLOOD));
      const draws = await page.evaluate(() => (window as unknown as { draws: number[] }).draws);
      const slots = Math.floor(draws[draws.length - 1] / 200) - Math.floor(startedAt / 200) + 1;
      expect(draws.length).toBeGreaterThan(1);
      expect(draws.length).toBeLessThanOrEqual(slots);

      // More than ten new within the flash's seconds: the newest rows carry the outline.
      expect(await page.locator('#queue-rows tr.is-new.in-flood').count()).toBeGreaterThan(0);
      const animation = await page
        .locator('#queue-rows tr.is-new.in-flood')
        .first()
        .evaluate((row) => [getComputedStyle(row).animationName, getComputedStyle(row).outlineStyle]);
      expect(animation).toEqual(['none', 'solid']);
    } finally {
      await Promise.all(devices.map((d) => d.close({ force: true })));
      await context.close();
    }
  }, 90_000);
});
