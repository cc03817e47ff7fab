// Nothing missed, in a real Chromium: twenty alarms fit a 1440×900 screen with the unaccepted
// above the accepted; an unaccepted alarm keeps sounding until accepted (tones counted through
// WebAudio); the sound setting survives a reload and a blocked AudioContext is a banner; a new
// alarm shows in the arrivals bar however far the operator has scrolled; a hidden tab gets a
// desktop notification; a lost connection sounds and shows at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import {
  connected,
  launchChromium,
  logIn,
  newProfile,
  openConsole,
  queueRows,
  UI_TIMEOUT_MS,
} from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
let operator: Awaited<ReturnType<TestArc['createUser']>>;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
  operator = await t.createUser('operator');
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

async function pressSos(name: string, type = 'sos'): Promise<string> {
  const wearer = await t.createWearer({ name });
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId: wearer.id })),
    url: t.mqttUrl,
    reconnect: false,
  });
  devices.push(device);
  await device.connect();
  const sent = await device.sendEvent(type);
  await t.arc.idle();
  const [row] = await t.sql<{ alarmId: string }[]>`select alarm_id from events where event_key = ${sent.id}`;
  return row.alarmId;
}

/**
 * Desktop notifications granted and noted in `window.shown` (the browser's own would need a
 * person to allow them); the tab hidden while `window.hideTab` is true.
 */
async function stubNotifications(context: BrowserContext, { hidden }: { hidden: boolean }): Promise<void> {
  await context.addInitScript((startHidden) => {
    const w = window as unknown as { shown: { title: string; tag?: string }[]; hideTab: boolean };
    w.shown = [];
    w.hideTab = startHidden;
    class StubNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, options: { tag?: string } = {}) {
        w.shown.push({ title, tag: options.tag });
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: StubNotification, configurable: true });
    Object.defineProperty(document, 'visibilityState', {
      get: () => (w.hideTab ? 'hidden' : 'visible'),
      configurable: true,
    });
  }, hidden);
}

/** Devices of new wearers, connected, ready to press. */
async function connectedDevices(count: number, name: string): Promise<SimulatedDevice[]> {
  const connectedOnes: SimulatedDevice[] = [];
  for (let i = 0; i < count; i++) {
    const wearer = await t.createWearer({ name: `${name} ${i}` });
    const device = new SimulatedDevice({
      ...(await t.provisionDevice({ wearerId: wearer.id })),
      url: t.mqttUrl,
      reconnect: false,
    });
    devices.push(device);
    connectedOnes.push(device);
    await device.connect();
  }
  return connectedOnes;
}

/** Closes devices made by connectedDevices, so later tests do not carry them (the ARC's restart among them). */
async function closeDevices(done: SimulatedDevice[]): Promise<void> {
  for (const device of done) {
    await device.close({ force: true });
    devices.splice(devices.indexOf(device), 1);
  }
}

async function resolveAll(): Promise<void> {
  for (const { id, status } of await t.sql<
    { id: string; status: string }[]
  >`select id, status from alarms where status <> 'resolved'`) {
    if (status === 'raised') await t.api('POST', `/api/alarms/${id}/accept`);
    await t.api('POST', `/api/alarms/${id}/resolve`, { closureCode: 'false_test' });
  }
}

/** Counts the tones the page makes (WebAudio oscillators), without changing what the page does. */
async function countTones(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { tones: number };
    w.tones = 0;
    const create = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      w.tones++;
      return create.call(this);
    };
  });
}
const tones = (page: Page) => page.evaluate(() => (window as unknown as { tones: number }).tones);

async function consoleIn(context: BrowserContext): Promise<Page> {
  const page = await openConsole(t, context);
  await logIn(page, operator.email, operator.password);
  await connected(page);
  return page;
}

describe('the console calls for attention', () => {
  it('fits twenty alarms on a 1440×900 screen, the unaccepted above the accepted of their priority', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) ids.push(await pressSos(`Flood Wearer ${String(i).padStart(2, '0')}`));
    // The oldest is being handled: it goes below the nineteen nobody holds.
    await t.api('POST', `/api/alarms/${ids[0]}/accept`, undefined, operator.token);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await consoleIn(context);
    await expect.poll(() => queueRows(page).count(), { timeout: UI_TIMEOUT_MS }).toBe(20);
    const rows = queueRows(page);
    expect(await rows.last().textContent()).toContain('Flood Wearer 01');
    expect(await rows.first().textContent()).toContain('Flood Wearer 02');
    const last = await rows.last().boundingBox();
    expect(last!.y + last!.height).toBeLessThanOrEqual(900);
    await context.close();
    await resolveAll();
  });

  it('keeps sounding an unaccepted alarm until it is accepted; the setting survives a reload', async () => {
    const context = await newProfile(browser);
    await countTones(context);
    const page = await consoleIn(context);
    await page.getByRole('button', { name: 'Enable sound' }).click();
    await page.getByRole('button', { name: 'Sound on', pressed: true }).waitFor();

    const start = await tones(page);
    const alarmId = await pressSos('Ringing Rita');
    // Arrival: one sound (two tones). Then again after P1's 10 s, and again: it does not stop.
    await page.waitForFunction((n) => (window as unknown as { tones: number }).tones >= n + 2, start);
    await page.waitForFunction((n) => (window as unknown as { tones: number }).tones >= n + 4, start, {
      timeout: 15_000,
    });
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, operator.token);
    // Accepted (the push reached the page): the arrivals bar empties and the sound stops.
    await page.locator('#arrivals').waitFor({ state: 'hidden' });
    const accepted = await tones(page);
    await page.waitForTimeout(11_000);
    expect(await tones(page)).toBe(accepted);

    // After a reload the sound is still on (or, where the browser holds it back, says so).
    await page.reload();
    await connected(page);
    await page.getByRole('button', { name: 'Sound on', pressed: true }).waitFor();
    await context.close();
    await resolveAll();
  });

  it('shows a banner when the browser blocks the sound after a reload', async () => {
    const context = await newProfile(browser);
    await context.addInitScript(() => {
      localStorage.setItem('arc.console.sound', 'on');
      // A browser that will not start audio until the user does something on the page.
      Object.defineProperty(AudioContext.prototype, 'state', { get: () => 'suspended', configurable: true });
      AudioContext.prototype.resume = () => new Promise<void>(() => {});
    });
    const page = await consoleIn(context);
    await page
      .getByRole('alert')
      .getByText('Sound is blocked by the browser: click anywhere on this page to turn it on.')
      .waitFor();
    await page.getByRole('button', { name: 'Sound on', pressed: true }).waitFor();
    await context.close();
  });

  it('keeps a new alarm in view while the operator is scrolled down in another, and tells a hidden tab by desktop notification', async () => {
    const context = await newProfile(browser);
    await stubNotifications(context, { hidden: false });
    const page = await consoleIn(context);
    const firstId = await pressSos('Scrolled Sue');
    await page.goto(`${t.httpUrl}/#/alarms/${firstId}`);
    const detail = page.locator('#alarm-detail');
    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await detail.getByText(/^Accepted by/).waitFor();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);

    await pressSos('Arriving Ann');
    const arrivals = page.getByRole('navigation', { name: 'Alarms waiting to be accepted' });
    const arriving = arrivals.getByRole('button', { name: /P1 SOS — Arriving Ann/ });
    await arriving.waitFor();
    const box = await arriving.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(768);
    // Visible, not merely present: nothing covers it.
    expect(
      await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('#arrivals') !== null, {
        x: box!.x + 5,
        y: box!.y + box!.height / 2,
      }),
    ).toBe(true);
    await arriving.click();
    await detail.getByRole('heading', { name: 'SOS — Arriving Ann' }).waitFor();

    // No desktop notification while the console is in view; one when the tab is hidden.
    expect(await page.evaluate(() => (window as unknown as { shown: unknown[] }).shown)).toEqual([]);
    await page.evaluate(() => ((window as unknown as { hideTab: boolean }).hideTab = true));
    const hiddenId = await pressSos('Hidden Hal');
    await page.waitForFunction(() => (window as unknown as { shown: unknown[] }).shown.length > 0);
    expect(await page.evaluate(() => (window as unknown as { shown: unknown[] }).shown)).toEqual([
      { title: 'New alarm: SOS — Hidden Hal', tag: hiddenId },
    ]);
    await context.close();
    await resolveAll();
  });

  it('tells a hidden tab of a flood by one notification that counts the alarms, not one each', async () => {
    const context = await newProfile(browser);
    await stubNotifications(context, { hidden: true });
    const page = await consoleIn(context);
    const FLOOD = 14;
    const flood = await connectedDevices(FLOOD, 'Flooded');
    await Promise.all(flood.map((device) => device.sendEvent('sos')));
    const shown = () => page.evaluate(() => (window as unknown as { shown: { title: string; tag?: string }[] }).shown);
    // Every alarm told: one notification each for the first few, one counting the rest.
    const told = async () => {
      const notes = await shown();
      const each = notes.filter((n) => n.tag !== 'arc-new-alarms').length;
      const counted = notes.filter((n) => n.tag === 'arc-new-alarms').at(-1);
      return each + (counted ? Number(/^(\d+) new alarms$/.exec(counted.title)?.[1]) : 0);
    };
    await expect.poll(told, { timeout: UI_TIMEOUT_MS }).toBe(FLOOD);
    const notes = await shown();
    expect(notes.filter((n) => n.tag !== 'arc-new-alarms').length).toBeLessThanOrEqual(10);
    expect(notes.some((n) => n.tag === 'arc-new-alarms')).toBe(true);
    await context.close();
    await closeDevices(flood);
    await resolveAll();
  });

  it('in a flood, sounds once per tone, not over a tone still sounding', async () => {
    const context = await newProfile(browser);
    await countTones(context);
    const page = await consoleIn(context);
    await page.getByRole('button', { name: 'Enable sound' }).click();
    await page.getByRole('button', { name: 'Sound on', pressed: true }).waitFor();
    const flood = await connectedDevices(14, 'Noisy');
    await page.waitForTimeout(700); // the tone of the click is over
    const before = await tones(page);
    const startedAt = Date.now();
    for (const device of flood) {
      void device.sendEvent('sos');
      await new Promise((resolve) => setTimeout(resolve, 70));
    }
    await expect.poll(() => queueRows(page).count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThanOrEqual(14);
    // Each sound is two tones; at most one sound each 600 ms (and the first at once).
    const sounds = ((await tones(page)) - before) / 2;
    const elapsedMs = Date.now() - startedAt;
    expect(sounds).toBeGreaterThanOrEqual(1);
    expect(sounds).toBeLessThanOrEqual(Math.floor(elapsedMs / 600) + 1);
    await context.close();
    await closeDevices(flood);
    await resolveAll();
  });

  it('in a flood, announces a count to a screen reader every few seconds, not each alarm', async () => {
    const context = await newProfile(browser);
    const page = await consoleIn(context);
    const flood = await connectedDevices(14, 'Announced');
    await page.evaluate(() => {
      const said: { at: number; text: string }[] = [];
      (window as unknown as { said: typeof said }).said = said;
      const announcer = document.getElementById('announcer')!;
      new MutationObserver(() => said.push({ at: performance.now(), text: announcer.textContent ?? '' })).observe(
        announcer,
        { childList: true, characterData: true, subtree: true },
      );
    });
    // A burst (a flood from here on: more than ten new within seconds), then one by one.
    await Promise.all(flood.map((device) => device.sendEvent('sos')));
    const presses: Promise<unknown>[] = [];
    for (const device of flood) {
      presses.push(device.sendEvent('fall'));
      await new Promise((resolve) => setTimeout(resolve, 70));
    }
    await Promise.all(presses);
    const SUMMARY = /^(\d+) alarms new or overdue, \d+ of priority 1 or 2\.$/;
    const said = () => page.evaluate(() => (window as unknown as { said: { at: number; text: string }[] }).said);
    // Every alarm announced once: by name (up to five, "and N more"), or counted in a summary.
    const announced = (texts: { text: string }[]) =>
      texts.reduce(
        (sum, { text }) =>
          sum +
          Number(SUMMARY.exec(text)?.[1] ?? 0) +
          (text.match(/New alarm: /g)?.length ?? 0) +
          Number(/and (\d+) more$/.exec(text)?.[1] ?? 0),
        0,
      );
    await expect.poll(async () => announced(await said()), { timeout: UI_TIMEOUT_MS }).toBe(28);
    const texts = await said();
    const summaries = texts.filter(({ text }) => SUMMARY.test(text));
    // Alarm by alarm only until the flood is seen (ten at most); then a count each 4 s at most.
    expect(texts.length - summaries.length).toBeLessThanOrEqual(10);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    const span = summaries.at(-1)!.at - summaries[0].at;
    expect(summaries.length).toBeLessThanOrEqual(Math.floor(span / 4000) + 1);
    await context.close();
    await closeDevices(flood);
    await resolveAll();
  });

  it('sounds and shows at once when the live connection is lost', async () => {
    const context = await newProfile(browser);
    await countTones(context);
    const page = await consoleIn(context);
    await page.getByRole('button', { name: 'Enable sound' }).click();
    await page.getByRole('button', { name: 'Sound on', pressed: true }).waitFor();
    await page.waitForTimeout(500);
    const before = await tones(page);
    const lost = page
      .getByRole('alert')
      .getByText('Connection to the ARC lost: new alarms cannot reach this console. Reconnecting…');
    expect(await lost.isVisible()).toBe(false);

    await t.arc.close();
    for (const device of devices.splice(0)) await device.close({ force: true });
    await lost.waitFor();
    await page.waitForFunction((n) => (window as unknown as { tones: number }).tones > n, before);

    await t.restart();
    await connected(page);
    await lost.waitFor({ state: 'hidden' });
    await context.close();
  });
});
