// Handling an alarm on the console in a real Chromium: it arrives with a flash and a sound,
// the operator opens it (wearer, contacts, plan, map), accepts, logs a call, resolves with a
// closure code and annotates; two operators race to accept; the keyboard shortcut accepts.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import {
  SCREENSHOTS,
  consoleAs,
  launchChromium,
  markDocument,
  newProfile,
  openConsole,
  logIn,
  connected,
  queueRow,
  sameDocument,
} from './support/console-browser.js';

const HOME = { lat: 53.6458, lon: -3.0101, acc: 8 };

let t: TestArc;
let browser: Browser;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  // Tiles from OpenStreetMap as by default: this machine has no internet, so they never load.
  [t, browser] = await Promise.all([startTestArc(), launchChromium()]);
});

afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
});

async function deviceFor(wearerId: string, label: string): Promise<SimulatedDevice> {
  const credentials = await t.provisionDevice({ wearerId, label });
  const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, position: HOME });
  devices.push(device);
  await device.connect();
  return device;
}

async function alarmIdOf(deviceId: string): Promise<string> {
  const [row] = await t.sql<
    { id: string }[]
  >`select id from alarms where device_id = ${deviceId} order by received_at desc limit 1`;
  return row.id;
}

describe('handling an alarm on the console', () => {
  it('shows an SOS as it happens, and the operator accepts, logs a call and resolves it', async () => {
    const operator = await t.createUser('operator');
    const wearer = await t.createWearer({
      name: 'Alice Example',
      notes: 'Works alone at the pumping station; key code 4471',
    });
    await t.sql`update wearers set medical_notes = ${'Type 1 diabetic'}, urn = ${'MERS/2026/ab-001'} where id = ${wearer.id}`;
    await t.api('POST', `/api/wearers/${wearer.id}/contacts`, {
      name: 'Mo Manager',
      relationship: 'manager',
      phone: '+44 7700 900123',
    });
    await t.api('POST', `/api/wearers/${wearer.id}/geofences`, {
      name: 'Site',
      kind: 'safe',
      shape: { type: 'circle', lat: 53.6458, lon: -3.0105, radiusM: 400 },
    });
    const device = await deviceFor(wearer.id, 'Pendant 7');
    // The trail: fixes from before the alarm; the SOS comes from the last one.
    await device.sendFix({ ts: Date.now() - 600_000, lat: 53.6449, lon: -3.0121, acc: 12 });
    await device.sendFix({ ts: Date.now() - 300_000, lat: 53.6453, lon: -3.0112, acc: 10 });

    const context = await newProfile(browser);
    // Count the tones the page makes (WebAudio oscillators), without changing the page.
    await context.addInitScript(() => {
      const w = window as unknown as { tones: number };
      w.tones = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.tones++;
        return create.call(this);
      };
    });
    const page = await openConsole(t, context);
    await logIn(page, operator.email, operator.password);
    await connected(page);
    await page.getByRole('button', { name: 'Enable sound' }).click();
    await page.getByRole('button', { name: 'Sound on', pressed: true }).waitFor();
    const tonesBefore = await page.evaluate(() => (window as unknown as { tones: number }).tones);
    await markDocument(page);

    await device.sendEvent('sos');
    const row = queueRow(page, 'Alice Example');
    await row.waitFor();
    expect(await row.getAttribute('class')).toContain('is-new');
    await page.waitForFunction((before) => (window as unknown as { tones: number }).tones > before, tonesBefore);
    expect(await sameDocument(page)).toBe(true);
    // The accept deadline counts down (P1: 10 s by default).
    expect(await row.locator('td.deadline').textContent()).toMatch(/^0:\d\d left$/);

    await row.click();
    const detail = page.locator('#alarm-detail');
    await detail.getByRole('heading', { name: 'SOS — Alice Example' }).waitFor();
    await detail.getByText('Works alone at the pumping station; key code 4471').waitFor();
    await detail.getByText('Type 1 diabetic').waitFor();
    await detail.getByText('MERS/2026/ab-001').first().waitFor();
    expect(await detail.getByRole('link', { name: '+44 7700 900123', exact: true }).getAttribute('href')).toBe(
      'tel:+447700900123',
    );
    // The plan: the current step (call the wearer) highlighted with what to do.
    const current = detail.locator('.plan [aria-current="step"]');
    expect(await current.textContent()).toContain('If you hear a threat or no answer, go to police at once.');
    // The map, offline: the position, trail and zone in words on a plain background.
    await detail.getByText(/Map tiles cannot be loaded/).waitFor();
    await detail
      .locator('.map-readout')
      .getByText(/^Now: in Site · 53\.64530, -3\.01120 ±10 m at .* trail: 3 fixes/)
      .waitFor();
    await detail.getByText('Zones: Site (safe)').waitFor();
    expect(await detail.locator('.map .leaflet-interactive').count()).toBeGreaterThan(3);
    await detail.getByText('Accept the alarm to act on it.').waitFor();

    await detail.getByRole('button', { name: 'Accept', exact: true }).click();
    await detail.getByText(`Accepted by ${operatorName(operator)}`, { exact: true }).waitFor();
    expect(await row.locator('td.owner').textContent()).toBe(operatorName(operator));

    // The map follows live fixes.
    await device.sendFix({ ts: Date.now(), lat: 53.6461, lon: -3.0099, acc: 6 });
    await detail
      .locator('.map-readout')
      .getByText(/^Now: in Site · 53\.64610, -3\.00990 ±6 m/)
      .waitFor();

    // The police URN is filled in from the wearer's record.
    expect(await detail.getByLabel('Police URN').inputValue()).toBe('MERS/2026/ab-001');

    await detail.getByLabel('Who was called').selectOption({ label: 'Wearer: Alice Example' });
    await detail.getByLabel('Call note (optional)').fill('No reply, rang out');
    await detail.getByRole('button', { name: 'No answer' }).click();
    await detail.locator('table.history').getByText('Called the wearer: no answer: “No reply, rang out”').waitFor();

    // Telling the wearer: accepting told the device; a quick text reaches it (spec commands v1.1).
    await device.waitForCommand({ type: 'alarm.accepted' });
    await detail.getByRole('button', { name: 'Help is on the way' }).click();
    expect(await device.waitForCommand({ type: 'message' })).toMatchObject({ text: 'Help is on the way' });
    await detail.locator('table.history').getByText('Told the wearer: “Help is on the way”').waitFor();
    await page.waitForFunction(() => !document.querySelector('#queue-rows tr.is-new')); // the flash is over
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky bar at the top of the picture
    await page.screenshot({ path: path.join(SCREENSHOTS, 'alarm-detail.png'), fullPage: true });

    // A genuine closure needs a note: the ARC says so next to the field.
    await detail.getByLabel('Closure code').selectOption('genuine_assistance');
    await detail.getByRole('button', { name: 'Resolve alarm' }).click();
    const noteError = detail.locator(`#${await detail.getByLabel('Closure note').getAttribute('aria-describedby')}`);
    await noteError.getByText('A genuine alarm needs a note saying what was done').waitFor();
    await detail.getByLabel('Closure note').fill('Manager attended; Alice safe');
    await detail.getByRole('button', { name: 'Resolve alarm' }).click();

    await row.waitFor({ state: 'detached' });
    // Resolved: the panel closes; opened again from its address, it can be annotated.
    await detail.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => location.hash)).toBe('#/alarms');
    const resolvedId = await alarmIdOf(device.deviceId);
    await page.evaluate((id) => (location.hash = `#/alarms/${id}`), resolvedId);
    await detail.getByText('This alarm is resolved: it can only be annotated.').waitFor();
    await detail.getByLabel('Annotation').fill('Follow-up call booked');
    await detail.getByRole('button', { name: 'Add annotation' }).click();
    await detail.locator('table.history').getByText('Annotation: Follow-up call booked').waitFor();

    const alarmId = await alarmIdOf(device.deviceId);
    const actions = await t.sql<{ kind: string; detail: Record<string, unknown> }[]>`
      select kind, detail from alarm_actions where alarm_id = ${alarmId} and actor_id = ${operator.id} order by id`;
    expect(actions.map((a) => a.kind)).toEqual(['accept', 'called_wearer', 'message_wearer', 'resolve', 'annotate']);
    expect(actions[1].detail).toMatchObject({ outcome: 'no_answer', note: 'No reply, rang out' });
    expect(actions[2].detail).toMatchObject({ text: 'Help is on the way' });
    expect(actions[3].detail).toMatchObject({
      closureCode: 'genuine_assistance',
      note: 'Manager attended; Alice safe',
    });
    expect(await sameDocument(page)).toBe(true);
  });

  it('lets one of two operators accept an alarm, and shows the other who has it', async () => {
    const [first, second] = await Promise.all([t.createUser('operator'), t.createUser('operator')]);
    const wearer = await t.createWearer({ name: 'Rae Race' });
    const device = await deviceFor(wearer.id, 'Race pendant');
    const [one, two] = await Promise.all([consoleAs(t, browser, first), consoleAs(t, browser, second)]);
    await device.sendEvent('sos');
    const alarmId = await alarmIdOf(device.deviceId);
    for (const page of [one, two]) {
      await queueRow(page, 'Rae Race').click();
      await page.locator('#alarm-detail').getByRole('button', { name: 'Accept', exact: true }).waitFor();
    }

    // Both press Accept at the same moment (no waiting between the two pages).
    const press = (page: Page) =>
      page.evaluate(() => {
        const button = [...document.querySelectorAll<HTMLButtonElement>('#alarm-detail button')].find(
          (b) => b.textContent === 'Accept',
        );
        button?.click();
        return button !== undefined;
      });
    const pressed = await Promise.all([press(one), press(two)]);
    expect(pressed).toEqual([true, true]);

    // The clicks only start the two requests: wait for the ARC to have settled it.
    const ownerId = async () => (await t.api('GET', `/api/alarms/${alarmId}`)).body.alarm.owner?.id ?? null;
    await expect.poll(ownerId).not.toBeNull();
    const winner = (await ownerId()) === first.id ? first : second;
    const [winnerPage, loserPage] = winner === first ? [one, two] : [two, one];
    await winnerPage
      .locator('#alarm-detail')
      .getByText(`Accepted by ${operatorName(winner)}`, { exact: true })
      .waitFor();
    await loserPage
      .getByRole('alert')
      .getByText(`Already accepted by ${operatorName(winner)}`)
      .waitFor();
    await loserPage
      .locator('#alarm-detail')
      .getByText(`Accepted by ${operatorName(winner)}`, { exact: true })
      .waitFor();
    await loserPage.getByText(`Held by ${operatorName(winner)}. A supervisor can reassign it.`).waitFor();
    expect(await queueRow(loserPage, 'Rae Race').locator('td.owner').textContent()).toBe(operatorName(winner));
    const accepts = await t.sql`select 1 from alarm_actions where alarm_id = ${alarmId} and kind = 'accept'`;
    expect(accepts).toHaveLength(1);
  });

  it('accepts the top new alarm with the A key, and filters the queue', async () => {
    const operator = await t.createUser('operator');
    const fallWearer = await t.createWearer({ name: 'Fay Fall' });
    const sosWearer = await t.createWearer({ name: 'Kit Keyboard' });
    const page = await consoleAs(t, browser, operator);
    await (await deviceFor(fallWearer.id, 'Fall sensor')).sendEvent('fall');
    await (await deviceFor(sosWearer.id, 'Key pendant')).sendEvent('sos');
    await queueRow(page, 'Fay Fall').waitFor();
    await queueRow(page, 'Kit Keyboard').waitFor();
    await page.getByText('accept the top new alarm').waitFor();

    // The SOS (priority 1) is above the older fall (priority 2): A takes it.
    await page.keyboard.press('a');
    await page.locator('#alarm-detail').getByRole('heading', { name: 'SOS — Kit Keyboard' }).waitFor();
    await page
      .locator('#alarm-detail')
      .getByText(`Accepted by ${operatorName(operator)}`, { exact: true })
      .waitFor();
    expect(await queueRow(page, 'Kit Keyboard').locator('td.owner').textContent()).toBe(operatorName(operator));
    expect(await queueRow(page, 'Fay Fall').locator('td.owner').textContent()).toBe('—');

    // Again: the next one nobody holds.
    await page.keyboard.press('Escape');
    await page.locator('#alarm-detail').waitFor({ state: 'hidden' });
    await page.keyboard.press('a');
    await page
      .locator('#alarm-detail')
      .getByText(`Accepted by ${operatorName(operator)}`, { exact: true })
      .waitFor();
    await page.locator('#alarm-detail').getByRole('heading', { name: 'Fall — Fay Fall' }).waitFor();

    await page.getByLabel('Mine').check();
    await queueRow(page, 'Kit Keyboard').waitFor();
    await queueRow(page, 'Fay Fall').waitFor();
    await page.getByLabel('Unassigned').check();
    await queueRow(page, 'Kit Keyboard').waitFor({ state: 'detached' });
    await queueRow(page, 'Fay Fall').waitFor({ state: 'detached' });
  });
});

/** t.createUser names users "<role> <n>"; the console shows that name. */
function operatorName(user: { email: string }): string {
  return `operator ${user.email.split('-')[1]}`;
}
