// Device, organisation and account administration in a real Chromium, with no map tiles: the
// settings a new device is given on screen (and in its QR code) let a real MQTT client in, a
// rotated secret locks the old one out, test mode records who and why, a disabled account
// cannot log in, and a supervisor never sees the accounts section.
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { connectAsync, type MqttClient } from 'mqtt';
import qrcode from 'qrcode-generator';
import { ConnectRefusedError, SimulatedDevice } from '../device-sim/simulated-device.js';
import { ADMIN, startTestArc, type TestArc } from './support/test-arc.js';
import { SCREENSHOTS, consoleAs, launchChromium } from './support/console-browser.js';

let t: TestArc;
let browser: Browser;
const clients: MqttClient[] = [];
const devices: SimulatedDevice[] = [];

/** A port free now: the ARC tells devices its configured MQTT port, so it must not be 0 here. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const mqttPort = await freePort();
  [t, browser] = await Promise.all([
    startTestArc({ ARC_MAP_TILES_URL: 'none', ARC_MQTT_PORT: String(mqttPort) }),
    launchChromium(),
  ]);
});

afterAll(async () => {
  for (const client of clients) await client.endAsync(true).catch(() => undefined);
  for (const device of devices) await device.close({ force: true }).catch(() => undefined);
  await browser?.close();
  await t?.close();
});

/** Logged in, on one administration section, reached through the links as a person would. */
async function adminSection(user: { email: string; password: string }, section: string): Promise<Page> {
  const page = await consoleAs(t, browser, user);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Administration' }).click();
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: section }).click();
  return page;
}

/** The error line the form ties to this control (aria-describedby). */
async function errorOf(control: Locator): Promise<string> {
  const id = await control.getAttribute('aria-describedby');
  return (await control.page().locator(`[id="${id}"]`).textContent()) ?? '';
}

interface ShownConnection {
  url: string;
  clientId: string;
  username: string;
  password: string;
}

/** The connection settings exactly as the secret box shows them. */
async function shownConnection(box: Locator): Promise<ShownConnection> {
  const setting = (term: string) =>
    box.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]').innerText();
  return {
    url: await setting('MQTT address'),
    clientId: await setting('Client id'),
    username: await setting('Username'),
    password: await setting('Password (device secret)'),
  };
}

/** The canvas read back module by module (true = dark), quiet zone skipped. */
function canvasModules(canvas: Locator): Promise<boolean[][]> {
  return canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement;
    const n = Number(c.dataset.modules);
    const cell = Number(c.dataset.cellPx);
    const quiet = Number(c.dataset.quietModules);
    const pixels = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const darkAt = (x: number, y: number) => pixels[(y * c.width + x) * 4] < 128;
    const centre = (i: number) => (i + quiet) * cell + Math.floor(cell / 2);
    return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, col) => darkAt(centre(col), centre(r))));
  });
}

function expectedModules(payload: string): boolean[][] {
  const code = qrcode(0, 'M');
  code.addData(payload, 'Byte'); // ASCII: the bytes are the chars
  code.make();
  const n = code.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => code.isDark(r, c)));
}

async function mqttConnect(settings: ShownConnection): Promise<MqttClient> {
  const client = await connectAsync(settings.url, {
    clientId: settings.clientId,
    username: settings.username,
    password: settings.password,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  clients.push(client);
  return client;
}

const deviceRow = (page: Page, deviceId: string) => page.locator(`tr[data-device-id="${deviceId}"]`);

describe('device administration', () => {
  it('provisions a device for a wearer; the secret, settings and QR code shown once let a real MQTT client in', async () => {
    const wearer = await t.createWearer({ name: 'Priya Provisioned' });
    const page = await adminSection(ADMIN, 'Devices');
    const form = page.getByRole('form', { name: 'Provision a device' });
    await form.getByLabel(/^Device id/).fill('pendant-priya-1');
    await form.getByLabel('Label').fill('Priya pendant');
    await form.getByLabel('Wearer').selectOption({ label: 'Priya Provisioned' });
    await form.getByLabel(/^Heartbeat/).fill('120');
    await form.getByRole('button', { name: 'Provision device' }).click();

    const box = page.getByRole('region', { name: 'Secret for Priya pendant: shown once — copy it now' });
    await box.waitFor();
    const settings = await shownConnection(box);
    expect(settings.clientId).toBe('pendant-priya-1');
    expect(settings.username).toBe('pendant-priya-1');
    expect(settings.password.length).toBeGreaterThanOrEqual(20);
    // Where this ARC tells devices to go: its public host and its MQTT port.
    expect(settings.url).toBe(`mqtt://localhost:${new URL(t.mqttUrl).port}`);

    // The QR code carries exactly those settings, and says so beside it.
    const payload = JSON.stringify({
      url: settings.url,
      clientId: settings.clientId,
      username: settings.username,
      password: settings.password,
    });
    expect(await box.locator('.qr-payload').innerText()).toBe(payload);
    const qr = box.getByRole('img', { name: 'QR code of the connection settings for Priya pendant' });
    expect(await canvasModules(qr)).toEqual(expectedModules(payload));

    // The list reloaded with the new device and its wearer.
    await deviceRow(page, 'pendant-priya-1').getByText('Priya Provisioned').waitFor();
    const [stored] = await t.sql<
      { wearerId: string; heartbeatS: number }[]
    >`select wearer_id, heartbeat_s from devices where id = 'pendant-priya-1'`;
    expect(stored).toEqual({ wearerId: wearer.id, heartbeatS: 120 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-device-provisioned.png') });

    // The same device as a phone app: OwnTracks imports its configuration from the link (and its code).
    await box.getByText('Use a phone app instead (Traccar Client, OwnTracks)').click();
    const ownTracks = box.getByRole('region', { name: 'OwnTracks (MQTT) for Priya pendant' });
    const link = await ownTracks.locator('.app-link').innerText();
    expect(link).toMatch(/^owntracks:\/\/\/config\?inline=/);
    const imported = JSON.parse(Buffer.from(link.split('inline=')[1], 'base64').toString('utf8'));
    expect(imported).toMatchObject({
      _type: 'configuration',
      mode: 0,
      username: 'pendant-priya-1',
      password: settings.password,
      pubTopicBase: 'owntracks/pendant-priya-1/phone',
    });
    expect(
      await canvasModules(ownTracks.getByRole('img', { name: 'QR code for OwnTracks (MQTT), Priya pendant' })),
    ).toEqual(expectedModules(link));
    // this ARC serves no OsmAnd port: the page says so instead of an identifier
    await box.getByText('Traccar Client: the OsmAnd port is off on this ARC (ARC_OSMAND_PORT).').waitFor();

    // The screen's settings are the ones that work.
    const client = await mqttConnect(settings);
    expect(client.connected).toBe(true);
    await expect
      .poll(async () => (await t.api('GET', '/api/devices/pendant-priya-1')).body.device.connected)
      .toBe(true);

    // Once: closed, or left, and it is gone from the page.
    await box.getByRole('button', { name: 'Done, I have copied it' }).click();
    await box.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(settings.password);
    await deviceRow(page, 'pendant-priya-1').getByRole('link', { name: 'Priya pendant' }).click();
    await page.getByRole('heading', { name: 'Priya pendant', level: 2 }).waitFor();
    expect(await page.content()).not.toContain(settings.password);
    expect(await page.getByText('shown once').count()).toBe(0);
  });

  it("shows the ARC's refusal of a bad or taken device id next to the id field", async () => {
    const page = await adminSection(ADMIN, 'Devices');
    const form = page.getByRole('form', { name: 'Provision a device' });
    const id = form.getByLabel(/^Device id/);
    await id.fill('bad id!');
    await form.getByRole('button', { name: 'Provision device' }).click();
    await expect.poll(() => id.getAttribute('aria-invalid')).toBe('true');
    expect(await errorOf(id)).toBe('a device id is 3 to 64 of A-Z a-z 0-9 _ -');

    const { deviceId } = await t.provisionDevice({ wearerId: null });
    await id.fill(deviceId);
    await form.getByRole('button', { name: 'Provision device' }).click();
    await expect.poll(() => errorOf(id)).toBe('A device with that id already exists');
    expect(await page.getByText('shown once').count()).toBe(0);
    expect((await t.sql`select 1 from devices where id = 'bad id!'`).length).toBe(0);
  });

  it('lets a supervisor put a device on test: shown on the list, stored with who and why', async () => {
    const supervisor = await t.createUser('supervisor');
    const wearer = await t.createWearer({ name: 'Tilly Tested' });
    const { deviceId } = await t.provisionDevice({ wearerId: wearer.id, label: 'Tilly pendant' });
    const page = await adminSection(supervisor, 'Devices');
    // Supervisors may not provision, change settings or rotate secrets, nor see accounts.
    await deviceRow(page, deviceId).waitFor();
    expect(await page.getByRole('form', { name: 'Provision a device' }).count()).toBe(0);
    expect(
      await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Users' }).count(),
    ).toBe(0);

    await deviceRow(page, deviceId).getByRole('link', { name: 'Tilly pendant' }).click();
    const test = page.getByRole('form', { name: 'Test mode' });
    await test.getByLabel(/minutes/).fill('45');
    await test.getByLabel('Why').fill('Installer visit');
    expect(await page.getByRole('form', { name: 'Settings' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Rotate secret…' }).count()).toBe(0);
    await test.getByRole('button', { name: 'Start test mode' }).click();

    await page.getByRole('status').getByText('The device is on test.').waitFor();
    const [{ name: supervisorName }] = await t.sql<
      { name: string }[]
    >`select name from users where id = ${supervisor.id}`;
    // Who put it on test is shown, in the list and on the device's page.
    await deviceRow(page, deviceId)
      .getByRole('cell', { name: `: Installer visit, set by ${supervisorName}`, exact: false })
      .waitFor();
    await page
      .getByRole('form', { name: 'Test mode' })
      .getByText(`Installer visit, set by ${supervisorName}. Its alarms go to no contact`)
      .waitFor();
    const [row] = await t.sql<
      { testBy: string; testReason: string; testUntil: Date }[]
    >`select test_by, test_reason, test_until from devices where id = ${deviceId}`;
    expect(row.testBy).toBe(supervisor.id);
    expect(row.testReason).toBe('Installer visit');
    expect(Math.abs(row.testUntil.getTime() - (Date.now() + 45 * 60_000))).toBeLessThan(60_000);

    // Ended from the same place.
    await page
      .getByRole('form', { name: 'Test mode' })
      .getByRole('button', { name: 'End test mode', exact: true })
      .click();
    await page.getByRole('status').getByText('Test mode ended.').waitFor();
    await deviceRow(page, deviceId).getByRole('cell', { name: '—', exact: true }).waitFor();
    expect((await t.sql`select test_until from devices where id = ${deviceId}`)[0].testUntil).toBeNull();

    // Not even by its address.
    await page.evaluate(() => (location.hash = '#/admin/users'));
    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Wearers' })
      .and(page.locator('[aria-current="page"]'))
      .waitFor();
    expect(await page.getByRole('heading', { name: 'User accounts' }).count()).toBe(0);
  });

  it('sets a lone worker’s shift pattern; the worker’s check-in then starts a shift, shown on the device', async () => {
    const supervisor = await t.createUser('supervisor');
    const wearer = await t.createWearer({ name: 'Lena Lone' });
    const credentials = await t.provisionDevice({ wearerId: wearer.id, label: 'Lena phone' });
    const page = await adminSection(supervisor, 'Devices');
    await deviceRow(page, credentials.deviceId).getByRole('link', { name: 'Lena phone' }).click();
    const shifts = page.getByRole('form', { name: 'Lone-worker shifts' });
    await shifts.getByText('No pattern: a check-in does not start a shift').waitFor();
    // Refused beside the field: the interval must be shorter than the shift.
    await shifts.getByLabel('Check in every (minutes)').fill('120');
    await shifts.getByLabel('Shift length (hours)').fill('1');
    await shifts.getByRole('button', { name: 'Save pattern' }).click();
    await expect
      .poll(() => errorOf(shifts.getByLabel('Check in every (minutes)')))
      .toBe('the check-in interval must be shorter than the shift');
    await shifts.getByLabel('Check in every (minutes)').fill('30');
    await shifts.getByLabel('Shift length (hours)').fill('8');
    await shifts.getByLabel(/^Grace before the alarm/).fill('5');
    await shifts.getByRole('button', { name: 'Save pattern' }).click();
    await shifts.getByText('A check-in starts a shift of 8 h with check-ins every 30 min (5 min grace).').waitFor();
    const [stored] =
      await t.sql`select shift_interval_s, shift_length_s, shift_grace_s from devices where id = ${credentials.deviceId}`;
    expect(stored).toEqual({ shiftIntervalS: 1800, shiftLengthS: 28800, shiftGraceS: 300 });

    // The worker checks in from the device: a shift starts, and the device's page says so.
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    await device.sendEvent('checkin');
    await expect
      .poll(
        async () =>
          (
            await t.sql`select started_by from checkin_shifts where device_id = ${credentials.deviceId} and ended_at is null`
          )[0]?.startedBy,
      )
      .toBe('wearer');
    await page.reload();
    await page
      .getByRole('form', { name: 'Lone-worker shifts' })
      .getByText(/^On shift now: next check-in due \d\d:\d\d:\d\d\.$/)
      .waitFor();
  });

  it('rotates a secret after asking: the device is dropped, the old secret refused, the new one shown works', async () => {
    const old = await t.provisionDevice({ label: 'Rory pendant' });
    const connectedDevice = new SimulatedDevice({ ...old, url: t.mqttUrl, reconnect: false });
    devices.push(connectedDevice);
    await connectedDevice.connect();
    const dropped = new Promise<void>((resolve) => connectedDevice.once('close', () => resolve()));

    const page = await adminSection(ADMIN, 'Devices');
    await deviceRow(page, old.deviceId).getByRole('link', { name: 'Rory pendant' }).click();
    const secretForm = page.getByRole('form', { name: 'Secret' });
    await secretForm.getByRole('button', { name: 'Rotate secret…' }).click();
    await secretForm.getByText(/disconnected at once/).waitFor();
    // Cancel really cancels.
    await secretForm.getByRole('button', { name: 'Cancel' }).click();
    expect(await secretForm.getByText(/disconnected at once/).isVisible()).toBe(false);
    expect(connectedDevice.connected).toBe(true);
    await secretForm.getByRole('button', { name: 'Rotate secret…' }).click();
    await secretForm.getByRole('button', { name: 'Rotate and disconnect' }).click();

    const box = page.getByRole('region', { name: 'Secret for Rory pendant: shown once — copy it now' });
    await box.waitFor();
    await dropped;
    const settings = await shownConnection(box);
    expect(settings.password).not.toBe(old.secret);

    const withOld = new SimulatedDevice({ ...old, url: t.mqttUrl, reconnect: false });
    devices.push(withOld);
    await expect(withOld.connect()).rejects.toBeInstanceOf(ConnectRefusedError);
    expect((await mqttConnect(settings)).connected).toBe(true);
  });
});

describe('organisations', () => {
  it('adds an organisation with its police URN, says the wearer’s own URN wins, and wants a reason for a withdrawal', async () => {
    const supervisor = await t.createUser('supervisor');
    const page = await adminSection(supervisor, 'Organisations');
    await page.getByText("A wearer's own police URN overrides the organisation's", { exact: false }).first().waitFor();
    const form = page.getByRole('form', { name: 'Add an organisation' });
    await form.getByLabel('Name').fill('Harbour Housing');
    await form.getByLabel(/^Police URN/).fill(' MER/2024/0042 ');
    await form.getByLabel('Police response withdrawn for this URN').check();
    await form.getByRole('button', { name: 'Add organisation' }).click();
    const reason = form.getByLabel(/^Why police response was withdrawn/);
    await expect.poll(() => errorOf(reason)).toMatch(/say why police response was withdrawn/);

    await reason.fill('Repeated false alarms, letter of 3 March');
    await form.getByRole('button', { name: 'Add organisation' }).click();
    await form.getByRole('status').getByText('Harbour Housing added.').waitFor();
    const row = page.locator('tr', { hasText: 'Harbour Housing' });
    await row.getByRole('cell', { name: 'MER/2024/0042', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Withdrawn: Repeated false alarms, letter of 3 March' }).waitFor();

    // Changed from its own page: police response reinstated.
    await row.getByRole('link', { name: 'Harbour Housing' }).click();
    const change = page.getByRole('form', { name: 'Change the organisation' });
    await change.getByLabel('Police response withdrawn for this URN').uncheck();
    await change.getByRole('button', { name: 'Save organisation' }).click();
    await row.getByRole('cell', { name: 'Police may be called' }).waitFor();
    const [stored] = await t.sql<
      { urn: string; policeWithdrawn: boolean }[]
    >`select urn, police_withdrawn from organisations where name = 'Harbour Housing'`;
    expect(stored).toEqual({ urn: 'MER/2024/0042', policeWithdrawn: false });
  });
});

describe('user accounts', () => {
  it('lets an administrator create an operator account and disable it; the disabled account cannot log in', async () => {
    const email = `olive-${Date.now()}@test.arc`;
    const password = 'olive-operator-password';
    const page = await adminSection(ADMIN, 'Users');
    const form = page.getByRole('form', { name: 'Create an account' });
    await form.getByLabel(/^Email/).fill(email);
    await form.getByLabel('Name').fill('Olive Operator');
    await form.getByLabel('Role').selectOption('operator');
    // Too short first: the ARC's reason beside the field, and the password is not kept.
    const passwordField = form.getByLabel(/^Password/);
    await passwordField.fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => errorOf(passwordField)).toBe('a password is at least 12 characters');
    expect(await passwordField.inputValue()).toBe('');

    await passwordField.fill(password);
    await passwordField.press('Enter'); // by keyboard: Enter in a field sends the form
    await form.getByRole('status').getByText('Account for Olive Operator (operator) created.').waitFor();
    expect(await passwordField.inputValue()).toBe('');
    expect(await page.content()).not.toContain(password);
    const row = page.locator('tr', { hasText: email });
    await row.getByRole('cell', { name: 'operator', exact: true }).waitFor();
    expect((await t.api('POST', '/api/auth/login', { email, password }, null)).status).toBe(200);

    await row.getByRole('link', { name: 'Olive Operator' }).click();
    const change = page.getByRole('form', { name: 'Change the account' });
    await change.getByLabel(/^Disabled/).check();
    await change.getByRole('button', { name: 'Save account' }).click();
    await row.getByRole('cell', { name: 'Disabled', exact: true }).waitFor();

    const refused = await t.api('POST', '/api/auth/login', { email, password }, null);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('ARC_ERR_AUTH_INVALID');
  });

  it('shows the ARC refusing an administrator disabling their own account, next to the field', async () => {
    const page = await adminSection(ADMIN, 'Users');
    const me = page.locator('tr', { hasText: ADMIN.email });
    await me.getByRole('link').click();
    const change = page.getByRole('form', { name: 'Change the account' });
    const disabled = change.getByLabel(/^Disabled/);
    await disabled.check();
    await change.getByRole('button', { name: 'Save account' }).click();
    await expect.poll(() => errorOf(disabled)).toMatch(/cannot disable your own account/);
    expect((await t.sql`select disabled from users where email = ${ADMIN.email}`)[0].disabled).toBe(false);
  });
});

describe('decommissioning', () => {
  it('decommissions a device: asked twice with a reason, dropped from the list, refused by the broker, audited', async () => {
    const wearer = await t.createWearer({ name: 'Dora Decommissioned' });
    const credentials = await t.provisionDevice({ wearerId: wearer.id, label: 'Dora pendant' });
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(device);
    await device.connect();
    const page = await adminSection({ email: ADMIN.email, password: ADMIN.password }, 'Devices');
    await deviceRow(page, credentials.deviceId).getByRole('link', { name: 'Dora pendant' }).click();
    const form = page.getByRole('form', { name: 'Decommission' });
    await form.getByLabel('Why it is taken out of service').fill('Returned broken');
    await form.getByRole('button', { name: 'Decommission…' }).click();
    await form.getByText('This cannot be undone.', { exact: false }).waitFor();
    await form.getByRole('button', { name: 'Decommission for good' }).click();
    await page.getByRole('status').getByText('The device is decommissioned.').waitFor();
    await page.getByText(/Decommissioned .*: Returned broken\. Its history is kept/).waitFor();
    await deviceRow(page, credentials.deviceId).waitFor({ state: 'detached' });
    const [audited] =
      await t.sql`select detail from audit_log where action = 'device.decommissioned' and target = ${credentials.deviceId}`;
    expect(audited.detail).toMatchObject({ reason: 'Returned broken' });
    const again = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false });
    devices.push(again);
    await expect(again.connect()).rejects.toThrow();
  });
});
