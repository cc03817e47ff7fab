// Seeded ARC data directories for the benchmarks. Hashing 10,000 device secrets with the ARC's
// scrypt costs minutes, so it is done once: a template data directory (embedded PostgreSQL,
// migrated, an administrator, N devices each with a wearer) is built under the cache directory
// with the secrets beside it in seed.json, and each scenario starts from a copy of it, taken
// with PostgreSQL stopped.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../api/config.js';
import { connectDatabase } from '../api/db/connect.js';
import { startEmbeddedPostgres } from '../api/db/embedded-postgres.js';
import { migrate } from '../api/db/migrate.js';
import { ensureAdministrator } from '../api/auth/bootstrap-admin.js';
import { createLogger } from '../api/logger.js';
import { deviceIdOf, provisionDeviceBatch, MAX_BULK_DEVICES } from '../api/handling/bulk-provisioning.js';
import { SIM_DURESS_PIN, SIM_SAFE_PIN } from '../device-sim/provision.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** The benchmarks' administrator: the ARC listens on 127.0.0.1 only during a run. */
export const BENCH_ADMIN = { email: 'bench-admin@arc.local', password: 'bench-admin-password' } as const;

export const DEFAULT_CACHE_DIR = process.env.ARC_BENCH_CACHE ?? path.join(tmpdir(), 'arc-bench-cache');

const SeedFile = z.object({
  version: z.literal(2),
  prefix: z.string(),
  count: z.number().int(),
  heartbeatS: z.number().int(),
  admin: z.object({ email: z.string(), password: z.string() }),
  hash: z.string(),
  createdAt: z.string(),
  devices: z.array(z.object({ deviceId: z.string(), secret: z.string(), wearerId: z.string().nullable() })),
});
export type SeedFile = z.infer<typeof SeedFile>;
export type SeededDevice = SeedFile['devices'][number];

export interface SeededTemplate {
  /** The template's ARC_DATA_DIR: copy it, never run an ARC on it. */
  dataDir: string;
  seed: SeedFile;
}

export interface SeedOptions {
  count: number;
  prefix?: string;
  cacheDir?: string;
  /** Devices' heartbeat interval: the silence sweep raises no_comm after it plus the grace. */
  heartbeatS?: number;
  log?: (line: string) => void;
}

/** A template holding at least `count` devices of the prefix: found in the cache, or built now. */
export async function ensureSeededTemplate(options: SeedOptions): Promise<SeededTemplate> {
  const prefix = options.prefix ?? 'bench';
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const log = options.log ?? (() => {});
  const found = await findTemplate(cacheDir, prefix, options.count);
  if (found) return found;
  if (options.count > MAX_BULK_DEVICES * 10) throw new Error(`at most ${MAX_BULK_DEVICES * 10} devices`);

  await mkdir(cacheDir, { recursive: true });
  const finalDir = path.join(cacheDir, `${prefix}-${options.count}`);
  const building = path.join(cacheDir, `.building-${prefix}-${options.count}-${process.pid}`);
  await rm(building, { recursive: true, force: true });
  await mkdir(building, { recursive: true });
  const dataDir = path.join(building, 'data');
  const logger = createLogger('warn', false);
  const heartbeatS = options.heartbeatS ?? 60;
  const startedAt = Date.now();
  log(`seeding ${options.count} devices (${prefix}-00001…) into ${finalDir}: this takes a while once`);

  const pg = await startEmbeddedPostgres(dataDir, await freePort(), logger);
  const sql = connectDatabase(pg.url);
  const devices: SeededDevice[] = [];
  try {
    await migrate(sql);
    await ensureAdministrator(
      sql,
      loadConfig({ ARC_ADMIN_EMAIL: BENCH_ADMIN.email, ARC_ADMIN_PASSWORD: BENCH_ADMIN.password }),
      logger,
    );
    for (let first = 1; first <= options.count; first += MAX_BULK_DEVICES) {
      const count = Math.min(MAX_BULK_DEVICES, options.count - first + 1);
      const result = await provisionDeviceBatch(
        sql,
        { prefix, first, count, heartbeatS, wearers: true, safePin: SIM_SAFE_PIN, duressPin: SIM_DURESS_PIN },
        (done, total) =>
          log(
            `  hashed and stored ${first - 1 + done} of ${first - 1 + total} (${Math.round((Date.now() - startedAt) / 1000)} s)`,
          ),
      );
      if (result.skipped.length)
        throw new Error(`${result.skipped.length} devices existed already in a fresh data directory`);
      devices.push(...result.created);
    }
  } finally {
    await sql.end({ timeout: 5 });
    await pg.stop();
  }
  const seed: SeedFile = {
    version: 2,
    prefix,
    count: options.count,
    heartbeatS,
    admin: { ...BENCH_ADMIN },
    hash: 'sha256 (hashDeviceSecret in api/auth/secret-hash.ts, the production hash)',
    createdAt: new Date().toISOString(),
    devices,
  };
  const seedPath = path.join(building, 'seed.json');
  // Device secrets: readable by the owner only.
  await writeFile(seedPath, JSON.stringify(seed) + '\n', { mode: 0o600 });
  await chmod(seedPath, 0o600);
  await rename(building, finalDir);
  log(`seeded ${options.count} devices in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  return { dataDir: path.join(finalDir, 'data'), seed };
}

async function findTemplate(cacheDir: string, prefix: string, count: number): Promise<SeededTemplate | null> {
  if (!existsSync(cacheDir)) return null;
  const candidates = (await readdir(cacheDir))
    .map((name) => ({ name, n: Number(name.slice(prefix.length + 1)) }))
    .filter((c) => c.name.startsWith(`${prefix}-`) && Number.isInteger(c.n) && c.n >= count)
    .sort((a, b) => a.n - b.n);
  for (const candidate of candidates) {
    const dir = path.join(cacheDir, candidate.name);
    const seedPath = path.join(dir, 'seed.json');
    if (!existsSync(seedPath) || !existsSync(path.join(dir, 'data', 'postgres', 'PG_VERSION'))) continue;
    const seed = SeedFile.parse(JSON.parse(await readFile(seedPath, 'utf8')));
    return { dataDir: path.join(dir, 'data'), seed };
  }
  return null;
}

/**
 * A fresh ARC_DATA_DIR from the template. `cp -a` keeps owners and modes: PostgreSQL insists on
 * its data directory being private, and runs as `postgres` when we are root.
 */
export async function copyDataDir(template: SeededTemplate, dest: string): Promise<string> {
  await rm(dest, { recursive: true, force: true });
  await mkdir(path.dirname(dest), { recursive: true });
  await run('cp', ['-a', template.dataDir, dest]);
  return dest;
}

/** The first `count` seeded devices: bench-00001, bench-00002, … */
export function seededDevices(template: SeededTemplate, count: number, offset = 0): SeededDevice[] {
  if (offset + count > template.seed.devices.length) {
    throw new Error(`the template holds ${template.seed.devices.length} devices, ${offset + count} asked for`);
  }
  return template.seed.devices.slice(offset, offset + count);
}

export { deviceIdOf };
