// An alarm nobody accepts turns overdue on screen as its deadline passes: the ARC's own clock
// escalates it (BS 8484), pushes alarm:escalated, and the console marks and announces it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, queueRow } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
let device: SimulatedDevice | undefined;

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startTestArc(
      // Priority 1 is overdue after 2 s and goes to supervisors after 4 s; the clock ticks by itself.
      {
        ARC_ACCEPT_DEADLINES: '1:2/4,2:30/60,3:60/180,4:120/300,5:300/900',
        ARC_CLOCK_TICK_MS: '200',
        ARC_MAP_TILES_URL: 'none',
      },
      { startTimers: true },
    ),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await device?.close({ force: true });
  await browser?.close();
  await t?.close();
});

describe('an alarm nobody accepts', () => {
  it('turns overdue on screen when its accept deadline passes, then says supervisors were told', async () => {
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    const wearer = await t.createWearer({ name: 'Olive Overdue' });
    device = new SimulatedDevice({
      ...(await t.provisionDevice({ wearerId: wearer.id })),
      url: t.mqttUrl,
      reconnect: false,
    });
    await device.connect();
    await device.sendEvent('sos');

    const row = queueRow(page, 'Olive Overdue');
    await row.waitFor();
    expect(await row.locator('td.deadline').textContent()).toMatch(/^0:0[0-2] left$/);
    expect(await row.locator('.mark-overdue').count()).toBe(0);

    // Overdue: marked by the ARC's escalation (escalationLevel 1), not by this page's clock.
    await row.locator('.mark-overdue').getByText('Overdue', { exact: true }).waitFor();
    expect(await row.getAttribute('class')).toContain('is-overdue');
    expect(await row.locator('td.deadline').textContent()).toMatch(/^late \d:\d\d$/);
    // Announced again: the row flashes and screen readers hear it.
    expect(await row.getAttribute('class')).toContain('is-new');
    expect(await page.locator('#announcer').textContent()).toContain('Overdue alarm: SOS, Olive Overdue');

    await row.locator('.mark-overdue').getByText('Overdue: supervisors told').waitFor();
    await row.click();
    const history = page.locator('#alarm-detail table.history');
    await history.getByText('Overdue: not accepted in time, announced again').waitFor();
    await history.getByText('Still not accepted: supervisors told').waitFor();

    // Accepting it ends the overdue marks.
    await page.locator('#alarm-detail').getByRole('button', { name: 'Accept', exact: true }).click();
    await row.locator('td.status').getByText('Accepted').waitFor();
    expect(await row.locator('.mark-overdue').count()).toBe(0);
  });
});
