// Issue 12, item 1, as the probe did it: a page served from another port of the same host, opened
// in a real Chromium that holds an administrator's session cookie, tries a no-cors POST to accept
// an alarm and to rotate a device secret, and a raw WebSocket to the /operator feed.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';
import { connected, launchChromium, logIn, newProfile, openConsole } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
let attacker: Server;
let attackerUrl: string;
const devices: SimulatedDevice[] = [];

/** The attacking page: the ARC's address and what to do come in the query string. */
const ATTACK_PAGE = `<!doctype html><title>loading</title><script>
const q = new URLSearchParams(location.search);
const arc = q.get('arc');
window.frames_ = [];
Promise.all([
  fetch(arc + '/api/alarms/' + q.get('alarm') + '/accept', { method: 'POST', mode: 'no-cors', credentials: 'include' }),
  fetch(arc + '/api/devices/' + q.get('device') + '/rotate-secret', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }),
]).then(() => { document.title = 'sent'; }, () => { document.title = 'sent'; });
const ws = new WebSocket(arc.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
ws.onmessage = (e) => { window.frames_.push(String(e.data)); if (String(e.data).startsWith('0{')) ws.send('40/operator,'); if (e.data === '2') ws.send('3'); };
ws.onclose = () => { window.wsClosed = true; };
ws.onerror = () => { window.wsClosed = true; };
</script>`;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestArc({ ARC_MAP_TILES_URL: 'none' }), launchChromium()]);
  attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ATTACK_PAGE));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', () => resolve()));
  // Same host as the ARC (127.0.0.1), another port: the same site.
  attackerUrl = `http://127.0.0.1:${(attacker.address() as { port: number }).port}/`;
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await browser?.close();
  attacker?.close();
  await t?.close();
});

describe("a page on another port of the same host, in the administrator's browser", () => {
  it('cannot accept an alarm, rotate a secret, or listen to the operator feed', async () => {
    const credentials = await t.provisionDevice();
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    const sent = await device.sendEvent('sos');
    await t.arc.idle();
    const [{ alarmId }] =
      await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
    const [before] = await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`;

    // The administrator is logged in to the console in this browser.
    const context = await newProfile(browser);
    const consolePage = await openConsole(t, context);
    await logIn(consolePage, ADMIN.email, ADMIN.password);
    await connected(consolePage);

    // …and opens the attacker's page in another tab.
    const page = await context.newPage();
    const arc = new URL(t.httpUrl).origin;
    await page.goto(`${attackerUrl}?arc=${encodeURIComponent(arc)}&alarm=${alarmId}&device=${credentials.deviceId}`);
    await page.waitForFunction(() => document.title === 'sent');
    await page.waitForFunction(
      () =>
        (window as unknown as { wsClosed?: boolean }).wsClosed === true ||
        (window as unknown as { frames_: string[] }).frames_.length > 1,
      undefined,
      { timeout: 10_000 },
    );

    // A new alarm while the attacker's socket is (or would be) open.
    await device.sendEvent('sos', { id: 'second-press' });
    await t.arc.idle();
    await page.waitForTimeout(500);

    const [alarm] = await t.sql`select accepted_by from alarms where id = ${alarmId}`;
    expect(alarm.acceptedBy).toBeNull();
    const [after] = await t.sql`select secret_hash from devices where id = ${credentials.deviceId}`;
    expect(after.secretHash).toBe(before.secretHash);
    const frames = await page.evaluate(() => (window as unknown as { frames_: string[] }).frames_);
    expect(frames.some((f) => f.startsWith('40/operator,{"sid"'))).toBe(false);
    expect(frames.some((f) => f.includes('alarm:raised'))).toBe(false);
    const refused = t.logs.filter((l) => String(l.msg).includes("not from the ARC's own origin"));
    expect(refused.length).toBeGreaterThanOrEqual(2);
    // The console itself, same browser, same cookie, still works.
    await consolePage.getByRole('status').getByText('Connected', { exact: true }).waitFor();
  });
});
