// The whole ARC for one test file: a real PostgreSQL database, the real Aedes broker on a free
// port, the HTTP API and the Socket.IO feed, plus small clients to drive them.
import { Writable } from 'node:stream';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { loadConfig, type Config } from '../../api/config.js';
import { createArc, type Arc, type ArcAddresses } from '../../api/arc-app.js';
import { ensureAdministrator } from '../../api/auth/bootstrap-admin.js';
import {
  OPERATOR_NAMESPACE,
  type OperatorClientEvents,
  type OperatorServerEvents,
} from '../../api/live/console-contract.js';
import type { Sql } from '../../api/db/connect.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN = { email: 'admin@test.arc', password: 'admin-password-for-tests' };

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestArc {
  arc: Arc;
  sql: Sql;
  config: Config;
  addresses: ArcAddresses;
  httpUrl: string;
  mqttUrl: string;
  mqttWebSocketUrl: string;
  /** Every log line the ARC wrote, parsed. */
  logs: Record<string, any>[];
  adminToken: string;
  api<T = any>(method: string, path: string, body?: unknown, token?: string | null): Promise<ApiResponse<T>>;
  login(email: string, password: string): Promise<string>;
  createUser(
    role: 'administrator' | 'supervisor' | 'operator' | 'carer',
    email?: string,
  ): Promise<{ id: string; email: string; password: string; token: string }>;
  createWearer(fields?: Record<string, unknown>): Promise<{ id: string; name: string }>;
  provisionDevice(options?: {
    id?: string;
    wearerId?: string | null;
    label?: string;
  }): Promise<{ deviceId: string; secret: string; wearerId: string | null }>;
  operatorSocket(token: string | null): Socket<OperatorServerEvents, OperatorClientEvents>;
  /** Restart the ARC on the same database and the same ports (an open console reconnects). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export interface TestArcOptions {
  /** The ARC's clock; tests that move time pass their own. */
  now?: () => Date;
  /** Let the deadline clock and the notification sender run by themselves (default: tests tick them). */
  startTimers?: boolean;
}

export async function startTestArc(
  overrides: Record<string, string> = {},
  options: TestArcOptions = {},
): Promise<TestArc> {
  const db: TestDatabase = await createTestDatabase();
  const logs: Record<string, any>[] = [];
  const capture = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: process.env.ARC_TEST_LOG_LEVEL ?? 'info' }, capture);
  const config = loadConfig({
    ARC_HOST: '127.0.0.1',
    ARC_HTTP_PORT: '0',
    ARC_MQTT_PORT: '0',
    ARC_ADMIN_EMAIL: ADMIN.email,
    ARC_ADMIN_PASSWORD: ADMIN.password,
    // The ARC is handed its connection; the URL only satisfies cluster mode's check (one database).
    DATABASE_URL: db.url,
    ...overrides,
  });
  await ensureAdministrator(db.sql, config, logger);
  const sockets: Socket[] = [];

  const build = (ports: Partial<Pick<Config, 'ARC_HTTP_PORT' | 'ARC_MQTT_PORT'>> = {}) =>
    createArc({
      config: { ...config, ...ports },
      sql: db.sql,
      logger,
      now: options.now,
      startTimers: options.startTimers ?? false,
    });
  let arc = await build();
  let addresses = await arc.listen();

  const self: TestArc = {
    get arc() {
      return arc;
    },
    sql: db.sql,
    config,
    get addresses() {
      return addresses;
    },
    get httpUrl() {
      return addresses.http;
    },
    get mqttUrl() {
      return addresses.mqtt;
    },
    get mqttWebSocketUrl() {
      return addresses.mqttWebSocket;
    },
    logs,
    adminToken: '',
    async api(method, path, body, token = self.adminToken) {
      const response = await fetch(addresses.http + path, {
        method,
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async login(email, password) {
      const response = await self.api('POST', '/api/auth/login', { email, password }, null);
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.token;
    },
    async createUser(role, email = `${role}-${++counter}-${Date.now()}@test.arc`) {
      const password = `password-of-${email}`;
      const response = await self.api('POST', '/api/users', { email, name: `${role} ${counter}`, role, password });
      if (response.status !== 201) throw new Error(`createUser: ${response.status} ${JSON.stringify(response.body)}`);
      return { id: response.body.user.id, email, password, token: await self.login(email, password) };
    },
    async createWearer(fields = {}) {
      const response = await self.api('POST', '/api/wearers', { name: `Wearer ${++counter}`, ...fields });
      if (response.status !== 201) throw new Error(`createWearer: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.wearer;
    },
    async provisionDevice(options = {}) {
      const wearerId = options.wearerId === undefined ? (await self.createWearer()).id : options.wearerId;
      const id = options.id ?? `dev-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
      const response = await self.api('POST', '/api/devices', { id, label: options.label ?? `Device ${id}`, wearerId });
      if (response.status !== 201)
        throw new Error(`provisionDevice: ${response.status} ${JSON.stringify(response.body)}`);
      return { deviceId: id, secret: response.body.secret, wearerId };
    },
    operatorSocket(token) {
      const socket = io(addresses.http + OPERATOR_NAMESPACE, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      return socket;
    },
    async restart() {
      await arc.close();
      arc = await build({
        ARC_HTTP_PORT: Number(new URL(addresses.http).port),
        ARC_MQTT_PORT: Number(new URL(addresses.mqtt).port),
      });
      addresses = await arc.listen();
    },
    async close() {
      for (const socket of sockets) socket.close();
      await arc.close();
      await db.drop();
    },
  };
  self.adminToken = await self.login(ADMIN.email, ADMIN.password);
  return self;
}

/** Resolves with the first event of that name the socket receives. */
export function nextEvent<E extends keyof OperatorServerEvents>(
  socket: Socket<OperatorServerEvents>,
  event: E,
  timeoutMs = 10_000,
): Promise<Parameters<OperatorServerEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket as any).once(event, (payload: any) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/** Resolves with the reason given when the server closes the socket. */
export function disconnection(
  socket: { once(event: 'disconnect', listener: (reason: string) => void): unknown },
  timeoutMs = 5000,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the socket was not disconnected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** Resolves once the socket is connected (rejects with the server's refusal code). */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
      reject(Object.assign(err, { code: err.data?.code ?? err.message })),
    );
  });
}
