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
import { findUserById, insertUser, listUsers } from '../store/user-store.js';
import { changeAccount, organisationRequired, servedByStaffOnly } from '../handling/account-update.js';
import { parseInput } from './parse-input.js';
import { actorOf, scopeOf } from './request-user.js';
import { organisationFilter } from './tenant-scope.js';
import { organisationsOf, servedOrganisations, setServedOrganisations, type Scope } from '../store/tenancy-store.js';
import type { FastifyRequest } from 'fastify';
import type { Sql } from 'postgres';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';
import { exportAccount } from '../store/account-export-store.js';

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

const ServedOrganisations = z.array(z.uuid()).max(1000);
/**
 * organisationId: whose account it is (organisation managers must have one; carers without one
 * are the default organisation's). servedOrganisationIds: the organisations a staff account
 * serves, [] for all of them (docs organisations.md).
 */
export const NewUser = z.object({
  email: z.email(),
  name: Name,
  role: RoleName,
  password: Password,
  organisationId: z.uuid().optional(),
  servedOrganisationIds: ServedOrganisations.optional(),
});
export const UserUpdate = z.object({
  name: Name.optional(),
  role: RoleName.optional(),
  disabled: z.boolean().optional(),
  password: Password.optional(),
  organisationId: z.uuid().optional(),
  servedOrganisationIds: ServedOrganisations.optional(),
});

const isStaffRole = (role: Role) => role === 'administrator' || role === 'supervisor' || role === 'operator';

/** An organisation manager creates and looks after carer accounts of their own organisation, nothing else. */
function refuseBeyondCarers(request: FastifyRequest, role: Role | undefined, served: string[] | undefined) {
  if (request.user?.role !== 'organisation_manager') return;
  if ((role !== undefined && role !== 'carer') || served !== undefined) {
    throw new ArcError('ARC_ERR_FORBIDDEN', 'An organisation manager manages carer accounts only');
  }
}
export const UserParams = z.object({ id: z.uuid() });

export function userRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  const admin = deps.allow('administrator', 'organisation_manager');

  app.get(
    '/api/users',
    { preHandler: deps.allow('administrator', 'supervisor', 'organisation_manager') },
    async (request) => ({
      users: await listUsers(sql, scopeOf(request), request.user?.role !== 'organisation_manager'),
    }),
  );

  // Who is on shift: staff with an operator console connected now (read from the live feed's sockets on every node).
  app.get('/api/staff/on-console', { preHandler: deps.allow('administrator', 'supervisor') }, async () => ({
    onConsole: (await deps.staffOnConsole()).map((p) => ({
      userId: p.userId,
      since: p.since.toISOString(),
      consoles: p.consoles,
    })),
  }));

  app.post('/api/users', { preHandler: admin }, async (request, reply) => {
    const { password, servedOrganisationIds: asked, ...input } = parseInput(NewUser, request.body);
    refuseBeyondCarers(request, input.role, asked);
    const servedOrganisationIds = servedWithin(scopeOf(request), input.role, asked);
    const organisationId =
      input.role === 'carer' || input.role === 'organisation_manager'
        ? organisationFilter(scopeOf(request), input.organisationId)
        : null;
    if (input.role === 'organisation_manager' && !organisationId) throw organisationRequired();
    if (servedOrganisationIds?.length && !isStaffRole(input.role)) throw servedByStaffOnly();
    await requireOrganisations(sql, [...(organisationId ? [organisationId] : []), ...(servedOrganisationIds ?? [])]);
    const passwordHash = await hashSecret(password);
    const user = await inTransaction(sql, async (tx) => {
      const created = await insertUser(tx, { ...input, organisationId, passwordHash });
      if (!created) throw new ArcError('ARC_ERR_USER_EXISTS');
      if (servedOrganisationIds?.length) await setServedOrganisations(tx, created.id, servedOrganisationIds);
      await audit(tx, actorOf(request), 'user.created', created.id, {
        email: created.email,
        role: created.role,
        ...(organisationId && { organisationId }),
        ...(servedOrganisationIds?.length && { servedOrganisationIds }),
      });
      return created;
    });
    return reply
      .status(201)
      .send({ user: { ...user, disabled: false, organisationId, servedOrganisationIds: servedOrganisationIds ?? [] } });
  });

  // Subject access for an account (docs/reference/data-protection.md): administrators for anyone
  // they may manage, an organisation manager for their own organisation's carers, as a file.
  app.get('/api/users/:id/export', { preHandler: admin }, async (request, reply) => {
    const { id } = parseInput(UserParams, request.params);
    await refuseStaffBeyondScope(sql, scopeOf(request), id);
    if (request.user?.role === 'organisation_manager' && (await findUserById(sql, id))?.role !== 'carer')
      throw new ArcError('ARC_ERR_USER_NOT_FOUND');
    const data = await exportAccount(sql, id, deps.now(), scopeOf(request));
    if (!data) throw new ArcError('ARC_ERR_USER_NOT_FOUND');
    await audit(sql, actorOf(request), 'user.exported', id, {
      auditEntries: data.audit.length,
      presenceHours: data.presence.length,
    });
    reply.header('content-disposition', `attachment; filename="account-${id}-${data.exportedAt.slice(0, 10)}.json"`);
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  });

  app.patch('/api/users/:id', { preHandler: admin }, async (request) => {
    const { id } = parseInput(UserParams, request.params);
    const { password, servedOrganisationIds, organisationId, ...edit } = parseInput(UserUpdate, request.body);
    refuseBeyondCarers(request, edit.role, servedOrganisationIds);
    if (servedOrganisationIds !== undefined) servedWithin(scopeOf(request), 'operator', servedOrganisationIds);
    await refuseStaffBeyondScope(sql, scopeOf(request), id);
    if (request.user?.role === 'organisation_manager' && (await findUserById(sql, id))?.role !== 'carer')
      throw new ArcError('ARC_ERR_USER_NOT_FOUND');
    if (organisationId !== undefined || servedOrganisationIds?.length)
      await requireOrganisations(sql, [...(organisationId ? [organisationId] : []), ...(servedOrganisationIds ?? [])]);
    const actor = actorOf(request);
    // Hashed before the accounts are locked: scrypt is slow on purpose.
    const passwordHash = password === undefined ? null : await hashSecret(password);
    const result = await changeAccount(sql, actor, id, edit, passwordHash, { organisationId, servedOrganisationIds });
    // After commit: the sessions are gone, so the feeds must not keep pushing to this account.
    // Another served set: the live feed rejoins the rooms of the organisations served now.
    if (result.endSessions || servedOrganisationIds !== undefined || organisationId !== undefined)
      deps.disconnectUser(id);
    return { user: result.user };
  });
}

async function requireOrganisations(sql: Sql, ids: string[]) {
  const found = await organisationsOf(sql, 'organisation', ids);
  if (ids.some((id) => !found.has(id))) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
}

/**
 * Staff held to a set of organisations give no one more than they hold themselves: an account
 * they create serves their set unless they name a part of it, and "all organisations" ([]) is
 * not theirs to give.
 */
function servedWithin(scope: Scope, role: Role, asked: string[] | undefined): string[] | undefined {
  if (scope.organisationIds === null || !isStaffRole(role)) return asked;
  if (asked !== undefined && asked.length === 0)
    throw new ArcError('ARC_ERR_FORBIDDEN', 'Only staff serving every organisation may give an account all of them');
  return asked ?? scope.organisationIds;
}

/** Staff held to a set may change only the staff accounts that serve within it (not those serving all). */
async function refuseStaffBeyondScope(sql: Sql, scope: Scope, userId: string) {
  if (scope.organisationIds === null) return;
  const [target] = await sql<
    { organisationId: string | null }[]
  >`select organisation_id from users where id = ${userId}`;
  if (!target || target.organisationId !== null) return; // an organisation's account: the scope check has judged it
  const served = await servedOrganisations(sql, userId);
  if (served.length === 0 || served.some((id) => !scope.organisationIds!.includes(id)))
    throw new ArcError('ARC_ERR_USER_NOT_FOUND');
}
