// Starts one real PostgreSQL for the whole test run (the same embedded server `npm start` uses),
// migrates a template database once, and hands its address to the test files.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../api/db/embedded-postgres.js';
import { connectDatabase } from '../../api/db/connect.js';
import { migrate } from '../../api/db/migrate.js';
import { ensureConsoleBuilt } from '../../api/console-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export const TEMPLATE_DATABASE = 'arc_template';

/**
 * The integration and browser projects (vitest.config.ts) both name this file, and vitest runs a
 * global setup once per project: they share one server here (the global setups run in one
 * process), stopped when the last of them tears down. The unit project names none: no PostgreSQL.
 */
const shared = globalThis as {
  arcTestPostgres?: { started: Promise<{ url: string; stop: () => Promise<void> }>; users: number };
};

export default async function setup(project: TestProject) {
  shared.arcTestPostgres ??= { started: startMigrated(), users: 0 };
  const entry = shared.arcTestPostgres;
  entry.users++;
  const { url, stop } = await entry.started;
  project.provide('postgresUrl', url);
  return async () => {
    if (--entry.users > 0) return;
    shared.arcTestPostgres = undefined;
    await stop();
  };
}

async function startMigrated() {
  // Tests serve the console as users get it: built by Vite (once, here, not in every worker).
  await ensureConsoleBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), 'arc-test-pg-'));
  const logger = pino({ level: 'warn' });
  const server = await startOnSomeFreePort(dir, logger);
  const admin = connectDatabase(server.url, 1);
  await admin.unsafe(`drop database if exists ${TEMPLATE_DATABASE}`);
  await admin.unsafe(`create database ${TEMPLATE_DATABASE}`);
  await admin.end();
  const templateUrl = server.url.replace(/\/arc$/, `/${TEMPLATE_DATABASE}`);
  const template = connectDatabase(templateUrl, 1);
  await migrate(template);
  await template.end();
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A random port may be taken (another test run, a benchmark's ARC): try a few. */
async function startOnSomeFreePort(dir: string, logger: pino.Logger) {
  for (let attempt = 1; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    try {
      return await startEmbeddedPostgres(dir, port, logger);
    } catch (error) {
      if (attempt >= 5 || !String(error).includes('Address already in use')) throw error;
    }
  }
}
