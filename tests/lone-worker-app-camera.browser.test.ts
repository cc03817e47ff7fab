// Pairing the lone-worker app with the phone's camera: Chromium's fake camera plays a picture of
// the provisioning page's QR code (the exact payload the page encodes), and the app pairs from it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startChromium } from './support/chromium.js';
import qrcode from 'qrcode-generator';
import { UI_TIMEOUT_MS } from './support/console-browser.js';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let dir: string;
let browser: Browser | null = null;

beforeAll(async () => {
  t = await startTestArc();
  dir = await mkdtemp(path.join(tmpdir(), 'arc-camera-'));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

/** One grey-scale frame of `payload` as a QR code, in the YUV4MPEG2 format Chromium's fake camera plays. */
function qrVideo(payload: string): Buffer {
  const code = qrcode(0, 'M');
  code.addData(payload, 'Byte');
  code.make();
  const modules = code.getModuleCount();
  const cell = 6;
  const quiet = 4;
  const side = (modules + 2 * quiet) * cell + (((modules + 2 * quiet) * cell) % 2); // 4:2:0 wants even sides
  const luma = Buffer.alloc(side * side, 235); // light
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const row = Math.floor(y / cell) - quiet;
      const col = Math.floor(x / cell) - quiet;
      if (row >= 0 && col >= 0 && row < modules && col < modules && code.isDark(row, col)) luma[y * side + x] = 16;
    }
  }
  const chroma = Buffer.alloc((side / 2) * (side / 2) * 2, 128); // no colour
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${side} H${side} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]);
}

describe('pairing the lone-worker app with the camera', () => {
  it('reads the provisioning QR code through the camera and pairs', async () => {
    const wearer = await t.createWearer({ name: 'Camera Pairing' });
    const response = await t.api('POST', '/api/devices', { id: 'camera-phone-1', wearerId: wearer.id });
    expect(response.status).toBe(201);
    const { url, clientId, username, password } = response.body.connection;
    // exactly the QR payload of console/src/admin/devices-admin.ts
    const video = path.join(dir, 'qr.y4m');
    await writeFile(video, qrVideo(JSON.stringify({ url, clientId, username, password })));

    browser = await startChromium([
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
      '--use-fake-ui-for-media-stream',
    ]);
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      permissions: ['camera'],
    });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${t.httpUrl}/app/`);
    await page.getByRole('button', { name: 'Scan the QR code' }).click();
    await page.getByText('This phone is device camera-phone-1').waitFor();
    await page.locator('#link-state').getByText('Connected', { exact: true }).waitFor();
    expect(await page.content()).not.toContain(password);
    await expect.poll(async () => (await t.api('GET', '/api/devices/camera-phone-1')).body.device.connected).toBe(true);
  });
});
