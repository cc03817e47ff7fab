// The lone-worker app (issue 11, first slice) in a real Chromium on a phone-sized screen against
// the whole ARC: paired from the provisioning page's real settings, an SOS pressed on the phone
// reaches the operator console with the phone's position, a cancelled countdown sends nothing,
// the shell opens offline once installed, an SOS pressed offline arrives exactly once after
// reconnecting (across a reload), a duress-PIN cancel looks like a safe one on the phone while
// the console gets a duress alarm, and unpairing forgets the secret.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SCREENSHOTS, UI_TIMEOUT_MS, consoleAs, launchChromium, queueRow } from './support/console-browser.js';
import { ADMIN, connected, nextEvent, startTestArc, type TestArc } from './support/test-arc.js';
import { insertCommand } from '../api/store/command-store.js';

const HERE = { latitude: 53.6458, longitude: -3.0101, accuracy: 12 };
/** console/src/app/main.ts SOS_COUNTDOWN_S, and a second to spare. */
const COUNTDOWN_AND_SPARE_MS = 4000;

let t: TestArc;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** How far the ARC's clock runs ahead of the phone's (to let a visit timer run out). */
let arcAheadMs = 0;

beforeAll(async () => {
  [t, browser] = await Promise.all([
    startTestArc({}, { now: () => new Date(Date.now() + arcAheadMs) }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
});

/** A phone: small screen, touch, location allowed and set. */
async function phone(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    geolocation: HERE,
    permissions: ['geolocation'],
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  return page;
}

/** A device provisioned through the API, and the settings its provisioning page shows as text and QR code. */
async function provisioned(
  id = `app-phone-${Math.random().toString(36).slice(2, 8)}`,
  wearerFields: Record<string, unknown> = {},
) {
  const wearer = await t.createWearer({ name: 'Lone Worker', profile: 'lone_worker', ...wearerFields });
  const response = await t.api('POST', '/api/devices', { id, label: 'Work phone', wearerId: wearer.id });
  expect(response.status).toBe(201);
  const { url, clientId, username, password } = response.body.connection;
  // exactly the QR payload of console/src/admin/devices-admin.ts
  return { deviceId: id, secret: password as string, settings: JSON.stringify({ url, clientId, username, password }) };
}

async function pair(page: Page, settings: string): Promise<void> {
  await page.goto(`${t.httpUrl}/app/`);
  await page.getByRole('heading', { name: 'Pair this phone' }).waitFor();
  await page.getByLabel('Settings from the provisioning page').fill(settings);
  await page.getByRole('button', { name: 'Pair' }).click();
  await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
}

const eventsOf = (deviceId: string) =>
  t.sql<{ type: string }[]>`select type from events where device_id = ${deviceId} order by id`;

describe('the lone-worker app', () => {
  it('is installable: a manifest scoped to /app/ and a service worker', async () => {
    const manifest = await (await fetch(`${t.httpUrl}/app/manifest.webmanifest`)).json();
    expect(manifest).toMatchObject({ start_url: '/app/', scope: '/app/', display: 'standalone' });
    const page = await phone();
    await page.goto(`${t.httpUrl}/app/`);
    const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
    expect(scope).toBe(`${t.httpUrl}/app/`);
  });

  it("refuses settings that are not a device's, and says why", async () => {
    const page = await phone();
    await page.goto(`${t.httpUrl}/app/`);
    await page.getByLabel('Settings from the provisioning page').fill('{"username":"x y","password":"p"}');
    await page.getByRole('button', { name: 'Pair' }).click();
    await page.getByRole('alert').getByText('The settings name no device.').waitFor();
  });

  it('pairs from the provisioning settings; a cancelled countdown sends nothing; an SOS reaches the console with the position', async () => {
    const device = await provisioned('work-phone-1', { name: 'Wendy Worker' }); // a fixed id: the README's screenshot
    const page = await phone();
    await pair(page, device.settings);
    await page.getByText(`This phone is device ${device.deviceId}`).waitFor();
    expect(await page.content()).not.toContain(device.secret); // never shown again

    // A mistaken press, cancelled during the countdown: nothing reaches the ARC.
    await page.getByRole('button', { name: 'SOS: call for help' }).click();
    await page
      .getByRole('timer')
      .getByText(/Sending SOS in \d/)
      .waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('SOS cancelled. Nothing was sent.').waitFor();
    await page.waitForTimeout(COUNTDOWN_AND_SPARE_MS);
    expect(await eventsOf(device.deviceId)).toEqual([]);

    // A real press: the operator console gets the alarm with the phone's position.
    const operatorPage = await consoleAs(t, browser, ADMIN);
    const operator = t.operatorSocket(t.adminToken);
    await connected(operator);
    const raised = nextEvent(operator, 'alarm:raised', UI_TIMEOUT_MS);
    await page.getByRole('button', { name: 'SOS: call for help' }).click();
    const alarm = await raised;
    expect(alarm).toMatchObject({ deviceId: device.deviceId, type: 'sos' });
    expect(alarm.position).toMatchObject({ lat: HERE.latitude, lon: HERE.longitude });
    await page.getByText('Alarm received: the alarm centre is dealing with it.').waitFor();
    await queueRow(operatorPage, 'Wendy Worker').waitFor(); // on the operator's screen
    expect(await eventsOf(device.deviceId)).toEqual([{ type: 'sos' }]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'app-sos-received.png') });
    operator.close();
  });

  it('opens its shell offline once installed, and unpairing forgets the secret', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload(); // now under the service worker: the shell is cached as it loads
    await page.getByText(`This phone is device ${device.deviceId}`).waitFor();
    await page.context().setOffline(true);
    await page.reload();
    await page.getByRole('button', { name: 'SOS: call for help' }).waitFor();
    await page.locator('#link-state').getByText('Not connected', { exact: true }).waitFor();
    await page.context().setOffline(false);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Unpair this phone' }).click();
    await page.getByRole('heading', { name: 'Pair this phone' }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify(localStorage));
    expect(stored).not.toContain(device.secret);
  });

  it('an SOS pressed without a connection waits on the phone, survives a reload, and arrives exactly once when the connection is back', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();

    await page.context().setOffline(true);
    await page.reload(); // the shell from the service worker; no connection to the ARC
    await page.locator('#link-state').getByText('Not connected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'SOS: call for help' }).click();
    await page
      .getByText('SOS saved on this phone: it goes to the alarm centre as soon as the phone is connected.')
      .waitFor();
    await page.reload(); // closed and opened again, still offline: the SOS is still waiting
    await page
      .getByText('SOS saved on this phone: it goes to the alarm centre as soon as the phone is connected.')
      .waitFor();
    expect(await eventsOf(device.deviceId)).toEqual([]);

    const operator = t.operatorSocket(t.adminToken);
    await connected(operator);
    const raised = nextEvent(operator, 'alarm:raised', UI_TIMEOUT_MS);
    await page.context().setOffline(false);
    expect(await raised).toMatchObject({ deviceId: device.deviceId, type: 'sos' });
    await page.getByText('Alarm received: the alarm centre is dealing with it.').waitFor();
    // once: a reload (a second chance to resend) adds nothing
    await page.reload();
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    await t.arc.idle();
    expect(await eventsOf(device.deviceId)).toEqual([{ type: 'sos' }]);
    expect(await t.sql`select 1 from alarms where device_id = ${device.deviceId}`).toHaveLength(1);
    operator.close();
  });

  it('cancelling a sent SOS with the duress PIN looks on the phone exactly like the safe PIN, while the console gets a duress alarm', async () => {
    const pins = { safePin: '1234', duressPin: '9999' };
    const operator = t.operatorSocket(t.adminToken);
    await connected(operator);

    async function pressAndCancel(pin: string) {
      const device = await provisioned(undefined, pins);
      const page = await phone();
      await pair(page, device.settings);
      await page.getByRole('button', { name: 'SOS: call for help' }).click();
      await page.getByText('Alarm received: the alarm centre is dealing with it.').waitFor();
      await page.getByRole('button', { name: 'Cancel the alarm' }).click();
      await page.getByLabel('PIN').fill(pin);
      await page.getByRole('button', { name: 'Cancel alarm' }).click();
      await page.getByText('Alarm cancelled.').waitFor();
      return { device, shown: await page.locator('main').innerText() };
    }

    const raised: { deviceId: string; type: string }[] = [];
    operator.on('alarm:raised', (alarm) => raised.push(alarm));
    const safe = await pressAndCancel(pins.safePin);
    const duress = await pressAndCancel(pins.duressPin);
    // the same screen, word for word, but for the device id
    expect(duress.shown.replace(duress.device.deviceId, 'X')).toBe(safe.shown.replace(safe.device.deviceId, 'X'));
    const alarms = await t.sql<
      { type: string }[]
    >`select type from alarms where device_id = ${duress.device.deviceId} order by received_at`;
    expect(alarms.map((a) => a.type).sort()).toEqual(['duress', 'sos']);
    // the console was told of the duress alarm as it was raised
    await expect
      .poll(() =>
        raised
          .filter((a) => a.deviceId === duress.device.deviceId)
          .map((a) => a.type)
          .sort(),
      )
      .toEqual(['duress', 'sos']);
    // the safe cancel raised no duress alarm
    expect(
      (await t.sql<{ type: string }[]>`select type from alarms where device_id = ${safe.device.deviceId}`).map(
        (a) => a.type,
      ),
    ).toEqual(['sos']);
    operator.close();
  });

  it('a visit timer left to run out raises at the ARC; "I\u2019m OK" is a check-in; a duress-PIN end of a visit looks like a safe end', async () => {
    const pins = { safePin: '2468', duressPin: '1357' };
    const device = await provisioned(undefined, pins);
    const page = await phone();
    await pair(page, device.settings);
    // a status on connecting: the phone's heartbeat
    await expect
      .poll(async () => (await t.api('GET', `/api/devices/${device.deviceId}`)).body.device.lastSeenAt)
      .not.toBeNull();
    await page.getByRole('button', { name: 'I\u2019m OK' }).click();
    await page.getByRole('button', { name: 'Start a visit timer' }).click();
    await page.getByLabel('Where are you going? (optional)').fill('12 Acacia Avenue, meter reading');
    await page.getByLabel('Expect me back in').selectOption('30');
    await page.getByRole('button', { name: 'Start visit' }).click();
    await page.getByText(/Visit timer running: back by/).waitFor();
    await expect
      .poll(async () => (await t.api('GET', `/api/devices/${device.deviceId}`)).body.device.amberUntil)
      .not.toBeNull();
    // Both stored (which the ARC stored first is not the point, and a query without an order has none).
    expect((await eventsOf(device.deviceId)).map((e) => e.type).sort()).toEqual(['amber.start', 'checkin']);

    // the wearer does not come back: the ARC's clock passes the due time
    arcAheadMs = 31 * 60_000;
    try {
      await t.arc.clock.tick();
      const alarms = await t.sql<{ type: string }[]>`select type from alarms where device_id = ${device.deviceId}`;
      // (and "no communication": the phone's heartbeat cannot have run in the minutes the clock jumped)
      expect(alarms.map((a) => a.type)).toContain('amber.expired');
    } finally {
      arcAheadMs = 0;
    }

    // two visits ended, one with the safe PIN, one with the duress PIN: the phone shows the same
    async function startAndEnd(pin: string): Promise<string> {
      await page
        .getByRole('button', { name: 'Start a visit timer' })
        .or(page.getByRole('button', { name: 'End visit' }))
        .first()
        .waitFor();
      if (await page.getByRole('button', { name: 'Start a visit timer' }).isVisible()) {
        await page.getByRole('button', { name: 'Start a visit timer' }).click();
        await page.getByRole('button', { name: 'Start visit' }).click();
      }
      await page.getByRole('button', { name: 'End visit' }).click();
      await page.getByLabel('PIN').fill(pin);
      await page.getByRole('button', { name: 'End visit now' }).click();
      await page.getByText('Visit ended.').waitFor();
      const shown = await page.locator('main').innerText();
      await page.getByRole('button', { name: 'SOS: call for help' }).focus(); // leave the message as it is
      return shown;
    }
    const safe = await startAndEnd(pins.safePin);
    await page.reload();
    const duress = await startAndEnd(pins.duressPin);
    expect(duress).toBe(safe);
    await expect
      .poll(async () =>
        (
          await t.sql<
            { type: string }[]
          >`select type from alarms where device_id = ${device.deviceId} and type <> 'no_comm'`
        )
          .map((a) => a.type)
          .sort(),
      )
      .toEqual(['amber.expired', 'duress']);
  });

  it('the discreet alarm changes nothing on the screen and raises a discreet SOS', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    const before = await page.locator('main').innerText();
    await page.getByRole('button', { name: 'Discreet alarm' }).click();
    await expect
      .poll(
        async () =>
          await t.sql<
            { type: string; discreet: boolean }[]
          >`select type, discreet from alarms where device_id = ${device.deviceId}`,
      )
      .toEqual([{ type: 'sos', discreet: true }]);
    await t.arc.idle();
    expect(await page.locator('main').innerText()).toBe(before);
  });

  it('obeys locate: a fix now and at its interval as the phone moves; shows an operator\u2019s message', async () => {
    const device = await provisioned();
    // waiting for the phone: sent when it connects and subscribes
    await insertCommand(t.sql, device.deviceId, { id: 'c-locate-app', type: 'locate', everyS: 1, forS: 60 });
    await insertCommand(t.sql, device.deviceId, {
      id: 'c-message-app',
      type: 'message',
      text: 'Help is on the way',
    } as never);
    const page = await phone();
    await pair(page, device.settings);
    await page.getByText('Help is on the way').waitFor();
    const fixes = () =>
      t.sql<
        { lat: number; acc: number }[]
      >`select lat, acc from fixes where device_id = ${device.deviceId} order by ts`;
    await expect.poll(async () => (await fixes()).map((f) => f.lat)).toEqual([HERE.latitude]);
    await page.context().setGeolocation({ latitude: 53.65, longitude: -3.0, accuracy: 30 });
    await expect
      .poll(async () => (await fixes()).map((f) => f.lat), { timeout: UI_TIMEOUT_MS })
      .toEqual([HERE.latitude, 53.65]);
    expect((await fixes())[1].acc).toBe(30);
  });

  it('obeys config: a status at heartbeatS and a fix at locationS as the phone moves, kept across a reload; unknown fields ignored', async () => {
    const device = await provisioned();
    await insertCommand(t.sql, device.deviceId, {
      id: 'c-config-app',
      type: 'config',
      heartbeatS: 12,
      locationS: 1,
      ringtone: 'loud',
    } as never);
    const page = await phone();
    await pair(page, device.settings);
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('arcangel.app.config')))
      .toBe(JSON.stringify({ heartbeatS: 12, locationS: 1, shift: null }));
    const lats = async () =>
      (await t.sql<{ lat: number }[]>`select lat from fixes where device_id = ${device.deviceId} order by ts`).map(
        (f) => f.lat,
      );
    await expect.poll(lats, { timeout: UI_TIMEOUT_MS }).toEqual([HERE.latitude]);
    await page.context().setGeolocation({ latitude: 53.66, longitude: -3.0, accuracy: 10 });
    await expect.poll(lats, { timeout: UI_TIMEOUT_MS }).toEqual([HERE.latitude, 53.66]);
    // a status within the heartbeat (12 s × 0.8), beyond the one sent at connecting
    const statusTs = async () =>
      Number(
        (await t.sql<{ statusTs: string | null }[]>`select status_ts from devices where id = ${device.deviceId}`)[0]
          .statusTs ?? 0,
      );
    await expect.poll(statusTs).toBeGreaterThan(0);
    const atConnect = await statusTs();
    await expect.poll(statusTs, { timeout: 15_000 }).toBeGreaterThan(atConnect);
    await page.reload();
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    await page.context().setGeolocation({ latitude: 53.67, longitude: -3.0, accuracy: 10 });
    await expect.poll(lats, { timeout: UI_TIMEOUT_MS }).toEqual([HERE.latitude, 53.66, 53.67]);
  });

  it('fixes made offline wait on the phone and go, with their own ids, in batches of at most 100 when the connection is back; a resend stores nothing twice', async () => {
    const device = await provisioned();
    await insertCommand(t.sql, device.deviceId, { id: 'c-config-batch', type: 'config', locationS: 1 } as never);
    const page = await phone();
    await pair(page, device.settings);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload(); // now under the service worker: the shell is cached as it loads
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('arcangel.app.config')))
      .toContain('"locationS":1');
    const stored = () => t.sql<{ deviceFixId: string; receivedAt: Date; lat: number }[]>`
      select device_fix_id, received_at, lat from fixes where device_id = ${device.deviceId} order by ts`;
    await expect.poll(async () => (await stored()).length, { timeout: UI_TIMEOUT_MS }).toBe(1);

    await page.context().setOffline(true);
    await page.reload(); // the shell from the service worker; no connection to the ARC
    await page.locator('#link-state').getByText('Not connected', { exact: true }).waitFor();
    // the phone moves while offline: the app keeps each fix in its outbox
    const outboxFixKeys = () =>
      page.evaluate(
        () =>
          new Promise<string[]>((resolve) => {
            const open = indexedDB.open('arcangel-app', 1);
            open.onsuccess = () => {
              const all = open.result.transaction('outbox', 'readonly').objectStore('outbox').getAll();
              all.onsuccess = () =>
                resolve(
                  (all.result as { channel: string; key: string }[])
                    .filter((i) => i.channel === 'location')
                    .map((i) => i.key),
                );
            };
          }),
      );
    const outboxFixes = async () => (await outboxFixKeys()).length;
    // (the position the phone reopened with is one more fix of its own, once its first tick has passed)
    await page.waitForTimeout(1500);
    const reopened = await outboxFixes();
    await page.context().setGeolocation({ latitude: 53.7, longitude: -3.0, accuracy: 10 });
    await expect.poll(outboxFixes, { timeout: UI_TIMEOUT_MS }).toBe(reopened + 1);
    await page.context().setGeolocation({ latitude: 53.71, longitude: -3.0, accuracy: 10 });
    await expect.poll(outboxFixes, { timeout: UI_TIMEOUT_MS }).toBe(reopened + 2);

    // A long time out of coverage, without waiting for it: 150 earlier fixes in the app's own outbox format.
    const earlier = Date.now() - 3_600_000;
    const seeded = Array.from({ length: 150 }, (_, i) => ({
      key: `fix-${earlier + i * 1000}`,
      ts: earlier + i * 1000,
    }));
    const seed = (items: typeof seeded) =>
      page.evaluate(
        (items) =>
          new Promise<void>((resolve) => {
            const open = indexedDB.open('arcangel-app', 1);
            open.onsuccess = () => {
              const tx = open.result.transaction('outbox', 'readwrite');
              items.forEach((item, i) =>
                tx.objectStore('outbox').put({
                  key: item.key,
                  channel: 'location',
                  seq: i,
                  payload: { id: item.key, ts: item.ts, lat: 53.5, lon: -3.1, acc: 20 },
                }),
              );
              tx.oncomplete = () => resolve();
            };
          }),
        items,
      );
    await seed(seeded);
    const [first] = await stored();
    expect(first).toBeDefined();
    // a fix the phone reopened with may be the very fix sent before (same time, same id): it is stored once
    const expected = new Set([first.deviceFixId, ...(await outboxFixKeys())]).size;
    expect(expected).toBeGreaterThanOrEqual(153);

    await page.context().setOffline(false);
    await expect.poll(async () => (await stored()).length, { timeout: UI_TIMEOUT_MS }).toBe(expected);
    await expect.poll(outboxFixes).toBe(0);
    const rows = await stored();
    // each fix under the id it was made with
    expect(rows.filter((r) => r.lat === 53.5).map((r) => r.deviceFixId)).toEqual(seeded.map((s) => s.key));
    expect(rows.filter((r) => r.lat >= 53.7).map((r) => r.deviceFixId)).toEqual([
      expect.stringMatching(/^fix-\d+$/),
      expect.stringMatching(/^fix-\d+$/),
    ]);
    // one location message stores its fixes with one receive time: none held more than 100
    const perMessage = new Map<number, number>();
    for (const r of rows) perMessage.set(r.receivedAt.getTime(), (perMessage.get(r.receivedAt.getTime()) ?? 0) + 1);
    expect(Math.max(...perMessage.values())).toBeLessThanOrEqual(100);
    expect(perMessage.size).toBeGreaterThanOrEqual(3); // the first fix, then 152 or more in at least two messages

    // the same fixes sent again (a PUBACK lost on the way back): nothing stored twice
    await seed(seeded);
    await page.reload();
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    await expect.poll(outboxFixes, { timeout: UI_TIMEOUT_MS }).toBe(0);
    await t.arc.idle();
    expect(await stored()).toHaveLength(expected);
  });

  it('a phone refused at CONNECT keeps trying: disabled then enabled again, it reconnects by itself and its SOS goes', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    const refusals = () =>
      t.logs.filter((l) => l.msg === 'device connection refused' && l.username === device.deviceId).length;
    expect((await t.api('PATCH', `/api/devices/${device.deviceId}`, { enabled: false })).status).toBe(200);
    await page.locator('#link-state').getByText('Not connected', { exact: true }).waitFor();
    await expect.poll(refusals, { timeout: UI_TIMEOUT_MS }).toBeGreaterThanOrEqual(2); // refused, and tried again
    expect((await t.api('PATCH', `/api/devices/${device.deviceId}`, { enabled: true })).status).toBe(200);
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'SOS: call for help' }).click();
    await expect
      .poll(async () => (await eventsOf(device.deviceId)).map((e) => e.type), { timeout: UI_TIMEOUT_MS })
      .toEqual(['sos']);
  });

  it('a running visit timer counts down each second while the app is open, and warns near the end', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    await page.getByRole('button', { name: 'Start a visit timer' }).click();
    await page.getByLabel('Expect me back in').selectOption('15');
    await page.getByRole('button', { name: 'Start visit' }).click();
    const left = page.getByRole('timer', { name: 'Time left on the visit timer' });
    await expect.poll(() => left.innerText()).toMatch(/^1[45]:\d\d left$/);
    const first = await left.innerText();
    await expect.poll(() => left.innerText()).not.toBe(first); // redrawn each second
    expect(await left.evaluate((e) => e.classList.contains('visit-warning'))).toBe(false);
    // near the end (the phone's own due time moved on, as if the minutes had passed): a warning, said once
    await page.evaluate((dueAt) => localStorage.setItem('arcangel.app.amber', String(dueAt)), Date.now() + 4 * 60_000);
    await page.reload();
    await expect.poll(() => left.innerText()).toMatch(/^[34]:\d\d left: end the visit or add time$/);
    expect(await left.evaluate((e) => e.classList.contains('visit-warning'))).toBe(true);
    await page.getByText('Less than 5 minutes left on the visit timer.').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'app-visit-warning.png') });
    // past due
    await page.evaluate((dueAt) => localStorage.setItem('arcangel.app.amber', String(dueAt)), Date.now() - 1000);
    await page.reload();
    await expect
      .poll(() => left.innerText())
      .toBe('Time is up: end the visit or add time, or the alarm centre is alerted.');
  });

  it('a shift staff start through the API shows on the phone (config with shiftStarted); "I\u2019m OK" moves its next check-in; ended, it stops', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    expect(await page.locator('#shift-state').count()).toBe(0);
    expect((await t.api('POST', `/api/devices/${device.deviceId}/shift`, { intervalS: 3600 })).status).toBe(201);
    await page.getByText('The alarm centre has started your shift.').waitFor();
    // no length: it runs until the alarm centre ends it
    await expect.poll(() => page.locator('#shift-state').innerText()).toMatch(/^On shift\. Next check-in by .+\.$/);
    const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('arcangel.app.shift') ?? 'null'));
    const before = (await stored()).dueAt;
    await page.waitForTimeout(1100);
    await page.getByRole('button', { name: 'I\u2019m OK' }).click();
    await expect.poll(async () => (await stored()).dueAt).toBeGreaterThan(before);
    expect((await t.api('DELETE', `/api/devices/${device.deviceId}/shift`)).status).toBe(200);
    await page.getByText('The alarm centre has ended your shift.').waitFor();
    expect(await page.locator('#shift-state').count()).toBe(0);
    // with a length, the phone shows its planned end
    expect(
      (await t.api('POST', `/api/devices/${device.deviceId}/shift`, { intervalS: 1800, lengthS: 4 * 3600 })).status,
    ).toBe(201);
    await expect
      .poll(() => page.locator('#shift-state').innerText())
      .toMatch(/^On shift until .+\. Next check-in by .+\.$/);
  });

  it('a shift the ARC ends early stops on the phone: it is sent a config with shiftEndedAt, and "Start shift" is offered again', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    expect(
      (await t.api('PUT', `/api/devices/${device.deviceId}/shift-pattern`, { intervalS: 1800, lengthS: 8 * 3600 }))
        .status,
    ).toBe(200);
    await page.getByRole('button', { name: 'Start shift' }).click();
    await page.locator('#shift-state').waitFor();
    await expect
      .poll(async () => (await t.api('GET', `/api/devices/${device.deviceId}/shift`)).body.shift?.startedBy ?? null)
      .toBe('wearer');
    expect((await t.api('DELETE', `/api/devices/${device.deviceId}/shift`)).status).toBe(200);
    await page.getByText('The alarm centre has ended your shift.').waitFor();
    await page.getByRole('button', { name: 'Start shift' }).waitFor();
    expect(await page.locator('#shift-state').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('arcangel.app.shift'))).toBeNull();
    // the phone acknowledged it; across a reload the shift stays ended
    await expect
      .poll(async () =>
        (
          await t.sql<
            { deliveredAt: Date | null }[]
          >`select delivered_at from device_commands where device_id = ${device.deviceId} and body->>'shiftEndedAt' is not null`
        ).map((c) => c.deliveredAt !== null),
      )
      .toEqual([true]);
    await page.reload();
    await page.getByRole('button', { name: 'Start shift' }).waitFor();
    expect(await page.locator('#shift-state').count()).toBe(0);
  });

  it('where a shift pattern is set, the phone offers "Start shift": a check-in starts the shift at the ARC, the phone shows its end and the next check-in', async () => {
    const device = await provisioned();
    const page = await phone();
    await pair(page, device.settings);
    expect(await page.getByRole('button', { name: 'Start shift' }).count()).toBe(0);
    // the manager sets the pattern: the phone is told in a config command
    expect(
      (await t.api('PUT', `/api/devices/${device.deviceId}/shift-pattern`, { intervalS: 1800, lengthS: 8 * 3600 }))
        .status,
    ).toBe(200);
    await page.getByText('Shift pattern: 480 minutes, checking in every 30 minutes.').waitFor();
    await page.getByRole('button', { name: 'Start shift' }).click();
    await expect
      .poll(() => page.locator('#shift-state').innerText())
      .toMatch(/^On shift until .+\. Next check-in by .+\.$/);
    await expect
      .poll(async () => (await t.api('GET', `/api/devices/${device.deviceId}/shift`)).body.shift?.startedBy ?? null)
      .toBe('wearer');
    // across a reload the phone still knows its shift
    await page.reload();
    await page.locator('#shift-state').waitFor();
    // the pattern removed: no new shift offered once this one is over (the running one stays shown)
    expect((await t.api('DELETE', `/api/devices/${device.deviceId}/shift-pattern`)).status).toBe(200);
    await expect
      .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('arcangel.app.config') ?? '{}').shift))
      .toBeNull();
    await page.evaluate(() => localStorage.removeItem('arcangel.app.shift'));
    await page.reload();
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Start shift' }).count()).toBe(0);
  });
});
