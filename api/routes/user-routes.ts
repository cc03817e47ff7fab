// Accounts: administrators create staff and carer accounts, rename them, change their role,
// disable them and reset their passwords. Passwords are stored only as hashes. Who may change
// what is decided in api/rules/account-change.ts, and a change is made by api/handling/account-update.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { hashSecret } from '../auth/secret-hash.js';
import { audit } from '../store/audit-log.js';
import { commonPasswordReason } from '../auth/common-passwords.js';
import { Role } from '../domain/role.js';
import { insertUser, listUsers } from '../store/user-store.js';
import { changeAccount } from '../handling/account-update.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

const Name = z.string().trim().min(1).max(200);
const RoleName = z.enum(Object.values(Role) as [Role, ...Role[]]);
const Password = z
  .string()
  .min(12, 'a password is at least 12 characters')
  .max(1024)
  .superRefine((password, ctx) => {
    if (password.length < 12) return; // said above; one reason at a time
    const reason = commonPasswordReason(password);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  });

export const NewUser = z.object({ email: z.email(), name: Name, role: RoleName, password: Password });
export const UserUpdate = z.object({ name: Name.optional(), role: RoleName.optional(), disabled: z.boolean().optional(), password: Password.optional() });
export const UserParams = z.object({ id: z.uuid() });

export function userRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  const admin = deps.allow('administrator');

  app.get('/api/users', { preHandler: deps.allow('administrator', 'supervisor') }, async () => ({ users: await listUsers(sql) }));

  // Who is on shift: staff with an operator console connected now (read from the live feed's sockets on every node).
  app.get('/api/staff/on-console', { preHandler: deps.allow('administrator', 'supervisor') }, async () => ({
    onConsole: (await deps.staffOnConsole()).map((p) => ({ userId: p.userId, since: p.since.toISOString(), consoles: p.consoles })),
  }));

  app.post('/api/users', { preHandler: admin }, async (request, reply) => {
    const { password, ...input } = parseInput(NewUser, request.body);
    const passwordHash = await hashSecret(password);
    const user = await inTransaction(sql, async (tx) => {
      const created = await insertUser(tx, { ...input, passwordHash });
      if (!created) throw new ArcError('ARC_ERR_USER_EXISTS');
      await audit(tx, actorOf(request), 'user.created', created.id, { email: created.email, role: created.role });
      return created;
    });
    return reply.status(201).send({ user: { ...user, disabled: false } });
  });

  app.patch('/api/users/:id', { preHandler: admin }, async (request) => {
    const { id } = parseInput(UserParams, request.params);
    const { password, ...edit } = parseInput(UserUpdate, request.body);
    const actor = actorOf(request);
    // Hashed before the accounts are locked: scrypt is slow on purpose.
    const passwordHash = password === undefined ? null : await hashSecret(password);
    const result = await changeAccount(sql, actor, id, edit, passwordHash);
    // After commit: the sessions are gone, so the feeds must not keep pushing to this account.
    if (result.endSessions) deps.disconnectUser(id);
    return { user: result.user };
  });
}
