// The console is built by Vite into console/dist. `npm install` builds it (postinstall); if the
// build is missing (a fresh clone run some other way), the ARC builds it before it listens, so
// the two-command set-up always serves a console.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'console');
export const CONSOLE_DIST = path.join(CONSOLE_ROOT, 'dist');

export function consoleBuilt(): boolean {
  return ['index.html', 'carer.html', 'app/index.html'].every((page) => existsSync(path.join(CONSOLE_DIST, page)));
}

export async function buildConsole(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: path.join(CONSOLE_ROOT, 'vite.config.ts') });
}

export async function ensureConsoleBuilt(): Promise<void> {
  if (!consoleBuilt()) await buildConsole();
}
