// A small Fastify app of its own for testing route modules over a real PostgreSQL: the given
// routes, the ARC's one error handler and role guard, and a logged-in user for every role.
import type { Sql } from 'postgres';
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../api/config.js';
import { Metrics } from '../../api/metrics.js';
import { installErrorHandler } from '../../api/routes/error-handler.js';
import { roleGuard } from '../../api/routes/request-user.js';
import type { RouteDeps } from '../../api/routes/route-deps.js';
import { insertSession, insertUser, Role, type User } from '../../api/store/user-store.js';
import type { TestDatabase } from './test-database.js';

/** What api/routes/*.ts export: a function that adds its routes to an app. */
export type RouteModule = (app: FastifyInstance, deps: RouteDeps) => void;

export type TestUser = User & { token: string };

export interface RouteTestAppOptions {
  /** Replace any of the default deps (e.g. `now` for a fixed clock, `zonesChanged` to watch it). */
  deps?: Partial<RouteDeps>;
  /** A user's email by role; by default `<role>-<uuid>@test.arc`, unique on every call. */
  email?: (role: Role) => string;
}

export interface RouteTestApp {
  app: FastifyInstance;
  deps: RouteDeps;
  /** One user with a live session for each role. */
  users: Record<Role, TestUser>;
  /** Each role's user's session token (the same as users[role].token). */
  tokens: Record<Role, string>;
  /** Insert one more user (named `A <role>`) with a live session. */
  addUser(role: Role): Promise<TestUser>;
  /** A request as the role's user (with its bearer token), or with no session at all for null. */
  inject(
    role: Role | null,
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
}

/** RouteDeps for routes tested without a broker or live feeds: nothing connected, nobody on a console. */
export function routeTestDeps(sql: Sql, overrides: Partial<RouteDeps> = {}): RouteDeps {
  const now = overrides.now ?? (() => new Date());
  return {
    sql,
    config: loadConfig({}),
    metrics: new Metrics(),
    now,
    isDeviceConnected: () => false,
    disconnectDevice: () => {},
    disconnectUser: () => {},
    sessionEnded: () => {},
    staffOnConsole: async () => [],
    allow: roleGuard(sql, now),
    zonesChanged: () => {},
    databaseReady: async () => true,
    ...overrides,
  };
}

export async function buildRouteTestApp(
  db: TestDatabase,
  routes: RouteModule[],
  options: RouteTestAppOptions = {},
): Promise<RouteTestApp> {
  const emailFor = options.email ?? ((role: Role) => `${role}-${randomUUID()}@test.arc`);
  const deps = routeTestDeps(db.sql, options.deps);

  const app = Fastify();
  installErrorHandler(app);
  for (const addRoutes of routes) addRoutes(app, deps);
  await app.ready();

  async function addUser(role: Role): Promise<TestUser> {
    const email = emailFor(role);
    const user = await insertUser(db.sql, { email, name: `A ${role}`, role, passwordHash: 'not-used' });
    if (!user) throw new Error(`buildRouteTestApp: a user with the email ${email} exists already`);
    const token = randomBytes(24).toString('hex');
    // Sessions expire by the routes' clock (issue 10: one clock).
    await insertSession(db.sql, user.id, token, new Date(deps.now().getTime() + 3_600_000));
    return { ...user, token };
  }

  const users = {} as Record<Role, TestUser>;
  const tokens = {} as Record<Role, string>;
  for (const role of Object.values(Role)) {
    users[role] = await addUser(role);
    tokens[role] = users[role].token;
  }

  return {
    app,
    deps,
    users,
    tokens,
    addUser,
    inject: (role, method, url, body) =>
      app.inject({
        method,
        url,
        headers: role ? { authorization: `Bearer ${tokens[role]}` } : {},
        ...(body !== undefined && { payload: body as InjectOptions['payload'] }),
      }),
  };
}
