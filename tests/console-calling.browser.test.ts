// Calling, in a real Chromium: the wearer's phone and the device's SIM are on their records,
// every number is a click-to-call link of the configured softphone, and the plan's step shows
// the number to call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { startTestArc, type TestArc } from './support/test-arc.js';
import { consoleAs, launchChromium, queueRow } from './support/console-browser.js';
import { startHttpReceiver } from './support/local-receivers.js';

let t: TestArc;
let browser: Browser;
let geocoder: Awaited<ReturnType<typeof startHttpReceiver>>;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  geocoder = await startHttpReceiver();
  [t, browser] = await Promise.all([
    startTestArc({
      ARC_MAP_TILES_URL: 'none',
      ARC_CALL_URI_TEMPLATE: 'sip:{number}@pbx.example.org',
      ARC_GEOCODER_URL: `${geocoder.url}/geo`,
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  for (const device of devices) await device.close({ force: true });
  await browser?.close();
  await t?.close();
  await geocoder?.close();
});

describe('calling from the console', () => {
  it('keeps numbers on the records, refuses what is not a number, and makes each a softphone link', async () => {
    const wearer = await t.createWearer({ name: 'Cal Caller', profile: 'lone_worker', phone: '+44 1704 500500' });
    await t.api('POST', `/api/wearers/${wearer.id}/contacts`, {
      name: 'Mo Manager',
      relationship: 'manager',
      phone: '+44 7700 900123',
    });
    const credentials = await t.provisionDevice({ wearerId: wearer.id, label: 'Cal pendant' });
    expect(
      (await t.api('PATCH', `/api/devices/${credentials.deviceId}`, { simNumber: '07700 900001' })).body.device
        .simNumber,
    ).toBe('07700 900001');
    const bad = await t.api('PATCH', `/api/wearers/${wearer.id}`, { phone: 'call me maybe' });
    expect(bad.body.error).toMatchObject({ code: 'ARC_ERR_VALIDATION', details: [{ field: 'phone' }] });
    expect((await t.api('GET', `/api/wearers/${wearer.id}`)).body.wearer.phone).toBe('+44 1704 500500');

    // Home, for the place in words: the device is 320 m north-east of it.
    const home = { lat: 53.6458, lon: -3.0101 };
    expect((await t.api('PATCH', `/api/wearers/${wearer.id}`, { homeLat: home.lat, homeLon: home.lon })).status).toBe(
      200,
    );
    expect((await t.api('PATCH', `/api/wearers/${wearer.id}`, { homeLat: 53.6 })).body.error.code).toBe(
      'ARC_ERR_VALIDATION',
    );
    const position = {
      lat: home.lat + 226 / 111_195,
      lon: home.lon + 226 / (111_195 * Math.cos((home.lat * Math.PI) / 180)),
      acc: 8,
    };
    const device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, position });
    devices.push(device);
    await device.connect();
    const operator = await t.createUser('operator');
    const page = await consoleAs(t, browser, operator);
    await device.sendEvent('sos');
    await queueRow(page, 'Cal Caller').click();
    const detail = page.locator('#alarm-detail');
    await detail.getByRole('heading', { name: 'SOS — Cal Caller' }).waitFor();

    const wearerBox = detail.getByRole('region', { name: 'Wearer' });
    expect(await wearerBox.getByRole('link', { name: '+44 1704 500500' }).getAttribute('href')).toBe(
      'sip:+441704500500@pbx.example.org',
    );
    expect(await wearerBox.getByRole('link', { name: '07700 900001' }).getAttribute('href')).toBe(
      'sip:07700900001@pbx.example.org',
    );
    expect(await wearerBox.getByRole('link', { name: '+44 7700 900123' }).getAttribute('href')).toBe(
      'sip:+447700900123@pbx.example.org',
    );

    await detail
      .locator('.map-readout')
      .getByText(/^Now: 320 m NE of Home · 53\.6478\d, -3\.0066\d ±8 m/)
      .waitFor();
    // The configured reverse geocoder's address (a local stand-in).
    await detail.getByText('Address: 12 Lord Street, Southport, PR8 1QJ').waitFor();

    const step = detail.locator('.plan [aria-current="step"]');
    await step.getByText('Call Cal Caller on their device (07700 900001), or their phone +44 1704 500500').waitFor();
    expect(await step.getByRole('link', { name: 'Call device: 07700 900001' }).getAttribute('href')).toBe(
      'sip:07700900001@pbx.example.org',
    );
    expect(await step.getByRole('link', { name: 'Call phone: +44 1704 500500' }).count()).toBe(1);
  });
});
