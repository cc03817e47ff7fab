// A real Redis for the cluster tests: Debian's redis-server (installed by .ci/run when missing) on a
// free port in a temporary directory, started by the test file that needs it, as global-postgres.ts
// starts PostgreSQL for all. Only the cluster tests pay for it. stop() and start() let a test take
// Redis away under load and bring it back on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REDIS_SERVER = process.env.ARC_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

export interface TestRedis {
  url: string;
  /** Stop Redis abruptly (SIGKILL): every client loses its connection at once. */
  stop(): Promise<void>;
  /** Start it again on the same port, empty. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'arc-test-redis-'));
  let child: ChildProcess | null = null;
  let port = 0;

  const run = (onPort: number) =>
    new Promise<ChildProcess>((resolve, reject) => {
      // No persistence: the ARC keeps nothing in Redis it cannot lose.
      const p = spawn(
        REDIS_SERVER,
        ['--port', String(onPort), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      const timer = setTimeout(() => fail(new Error(`redis-server did not start:\n${output}`)), 10_000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        p.kill('SIGKILL');
        reject(err);
      };
      p.on('error', fail);
      p.on('exit', (code) => fail(new Error(`redis-server exited (${code}):\n${output}`)));
      p.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          p.removeAllListeners('exit');
          resolve(p);
        }
      });
      p.stderr!.on('data', (chunk) => (output += chunk));
    });

  for (let attempt = 1; ; attempt++) {
    port = 40000 + Math.floor(Math.random() * 20000);
    try {
      child = await run(port);
      break;
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('Address already in use')) throw err;
    }
  }

  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    async start() {
      if (child) return;
      child = await run(port);
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
