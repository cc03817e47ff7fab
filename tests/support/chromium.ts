// Debian's Chromium driven by playwright-core: the one way the browser tests and the console
// benchmarks start it (ARC_CHROMIUM names another binary).
import { chromium, type Browser } from 'playwright-core';

/** We run as root (no sandbox); the rest stops Chromium calling home on a closed network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh Chromium; `extraArgs` add to the standard flags (a fake camera, precise memory figures). */
export function startChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ARC_CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}
