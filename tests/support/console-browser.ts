// A real Chromium for the console's browser tests: Debian's chromium driven by playwright-core,
// one browser per test file, one context (cookie jar) per user, 1366×768 as on an ARC desk.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startChromium } from './chromium.js';
import type { TestArc } from './test-arc.js';

/** Screenshots go where the README shows them from. */
export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
/** Generous: a loaded CI machine runs PostgreSQL, the ARC and Chromium on two cores. */
export const UI_TIMEOUT_MS = 15_000;

export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return startChromium();
}

export const newProfile = (browser: Browser) => browser.newContext({ viewport: { width: 1366, height: 768 } });

/** The console in a new tab of that profile. */
export async function openConsole(t: TestArc, context: BrowserContext, hash = ''): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(t.httpUrl + hash);
  return page;
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** "Connected" means the snapshot is loaded and pushes are flowing. */
export async function connected(page: Page): Promise<void> {
  await page.getByRole('status').getByText('Connected', { exact: true }).waitFor();
}

/** A fresh profile, logged in, with the console connected. */
export async function consoleAs(
  t: TestArc,
  browser: Browser,
  user: { email: string; password: string },
): Promise<Page> {
  const page = await openConsole(t, await newProfile(browser));
  await logIn(page, user.email, user.password);
  await connected(page);
  return page;
}

export const queueRows = (page: Page) => page.locator('#queue-rows').getByRole('row');
export const queueRow = (page: Page, text: string) => queueRows(page).filter({ hasText: text });

/** Marks the document; sameDocument() is then true until a reload. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
}
export const sameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);
