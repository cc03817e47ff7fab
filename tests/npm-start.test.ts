// The ARC as a newcomer starts it: `npm start` (tsx api/main.ts) with no DATABASE_URL, so it runs
// its own PostgreSQL; stopped with SIGTERM and started again, the data is still there.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimulatedDevice } from '../device-sim/simulated-device.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  lines: Record<string, any>[];
  exited: Promise<number | null>;
}

/** The caller's environment without any ARC setting or database: never touch a real one. */
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARC_') && k !== 'DATABASE_URL'));

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, any>[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts.filter(Boolean)) {
        const entry = JSON.parse(line);
        lines.push(entry);
        if (String(entry.msg).startsWith('ARC ready')) resolve({ child, lines, exited });
      }
    });
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    void exited.then((code) => reject(new Error(`the ARC exited (${code}) before it was ready:\n${stderr}`)));
  });
}

const dirs: string[] = [];

/** A data directory of its own and free ports, loopback only. */
async function freshEnv() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'arc-start-'));
  dirs.push(dataDir);
  return {
    ARC_DATA_DIR: dataDir,
    ARC_HOST: '127.0.0.1',
    ARC_HTTP_PORT: String(await freePort()),
    ARC_MQTT_PORT: String(await freePort()),
    ARC_EMBEDDED_PG_PORT: String(await freePort()),
    ARC_LOG_LEVEL: 'info',
  };
}

async function loginToken(http: string, password: string): Promise<string> {
  const login = await fetch(`${http}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@arc.local', password }),
  });
  expect(login.status).toBe(200);
  return (await login.json()).token;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('starts everything on one command, prints a generated admin password once, stops cleanly, and keeps its data', async () => {
    const env = await freshEnv();
    const http = `http://127.0.0.1:${env.ARC_HTTP_PORT}`;

    const first = await start(env);
    const ready = first.lines.find((l) => String(l.msg).startsWith('ARC ready'))!;
    expect(ready).toMatchObject({
      http,
      mqtt: `mqtt://127.0.0.1:${env.ARC_MQTT_PORT}`,
      mqttWebSocket: `ws://127.0.0.1:${env.ARC_HTTP_PORT}/mqtt`,
      database: 'embedded',
    });
    const generated = first.lines.find((l) => l.password);
    expect(generated).toMatchObject({ email: 'admin@arc.local' });

    const token = await loginToken(http, generated!.password);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const provisioned = await fetch(`${http}/api/devices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 'kept-device' }),
    });
    const { secret } = await provisioned.json();
    const device = new SimulatedDevice({
      deviceId: 'kept-device',
      secret,
      url: `mqtt://127.0.0.1:${env.ARC_MQTT_PORT}`,
      reconnect: false,
    });
    await device.connect();
    const sos = await device.sendEvent('sos');
    await device.waitForCommand({ eventId: sos.id });
    await device.close();

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.lines.some((l) => l.msg === 'stopped')).toBe(true);

    const second = await start(env);
    try {
      expect(second.lines.some((l) => l.password)).toBe(false);
      const alarms = await fetch(`${http}/api/alarms`, { headers });
      expect(alarms.status).toBe(200);
      const body = await alarms.json();
      expect(body.alarms.map((a: any) => [a.deviceId, a.type])).toEqual([['kept-device', 'sos']]);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 120_000);

  it('a second start on the same data directory is refused with status 2, naming the owner; the first keeps serving', async () => {
    const env = await freshEnv();
    const http = `http://127.0.0.1:${env.ARC_HTTP_PORT}`;
    const first = await start(env);
    try {
      const generated = first.lines.find((l) => l.password)!;
      const token = await loginToken(http, generated.password);

      // Exactly the same command again, as a process manager restarting too early would.
      const second = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
        cwd: ROOT,
        env: { ...cleanEnv(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      second.stderr!.on('data', (chunk) => (stderr += chunk));
      expect(await new Promise((resolve) => second.on('exit', resolve))).toBe(2);
      expect(stderr).toContain(`process ${first.child.pid}`);
      expect(stderr).toContain(env.ARC_DATA_DIR);

      // The first ARC's database was not touched: it is ready and still stores alarms.
      expect((await fetch(`${http}/health/ready`)).status).toBe(200);
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
      const { secret } = await (
        await fetch(`${http}/api/devices`, { method: 'POST', headers, body: JSON.stringify({ id: 'still-served' }) })
      ).json();
      const device = new SimulatedDevice({
        deviceId: 'still-served',
        secret,
        url: `mqtt://127.0.0.1:${env.ARC_MQTT_PORT}`,
        reconnect: false,
      });
      await device.connect();
      const sos = await device.sendEvent('sos');
      expect((await device.waitForCommand({ eventId: sos.id })).type).toBe('alarm.received');
      await device.close();
      expect(first.lines.some((l) => String(l.msg).includes('left running'))).toBe(false);
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }
  }, 120_000);

  it('after a kill -9 of the ARC, the next start stops the PostgreSQL it left running and carries on with the data', async () => {
    const env = await freshEnv();
    const http = `http://127.0.0.1:${env.ARC_HTTP_PORT}`;
    const first = await start(env);
    const token = await loginToken(http, first.lines.find((l) => l.password)!.password);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start(env);
    try {
      expect(second.lines.some((l) => String(l.msg).includes('stopping a PostgreSQL left running'))).toBe(true);
      // Same data: the first start's login session is still valid.
      expect((await fetch(`${http}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${http}/health/ready`)).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 120_000);

  it('a bad configuration value stops the start with a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: ROOT,
      env: { ...cleanEnv(), ARC_HTTP_PORT: 'eighty', ARC_DATA_DIR: '/nonexistent-never-used' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('ARC_HTTP_PORT');
  });
});
