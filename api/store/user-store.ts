// Staff and carer accounts, and their login sessions (tokens are stored only as SHA-256).
import { createHash } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import { EVERY_ORGANISATION, inScope, type Scope } from './tenancy-store.js';

import { Role } from '../domain/role.js';
import type { User, UserAccount } from '../domain/account.js';

// Defined in the core (api/domain/role.ts); re-exported for the tests that import it from here.
export { Role };
export type { User, UserAccount };

/** In the account list: whose the account is, and which organisations staff serve (none: all). */
export interface ListedAccount extends UserAccount {
  organisationId: string | null;
  servedOrganisationIds: string[];
}

export interface UserWithSecrets extends User {
  passwordHash: string;
  disabled: boolean;
}

export async function findUserByEmail(sql: Sql, email: string): Promise<UserWithSecrets | null> {
  const [row] = await sql<UserWithSecrets[]>`
    select id, email, name, role, password_hash, disabled
    from users where lower(email) = lower(${email})`;
  return row ?? null;
}

/** null when the email is taken, in any case (a unique index on lower(email)). */
export async function insertUser(
  sql: Sql,
  user: Omit<User, 'id'> & { passwordHash: string; organisationId?: string | null },
): Promise<User | null> {
  const [row] = await sql<User[]>`
    insert into users (email, name, role, password_hash, organisation_id)
    values (${user.email}, ${user.name}, ${user.role}, ${user.passwordHash}, ${user.organisationId ?? null})
    on conflict do nothing returning id, email, name, role`;
  return row ?? null;
}

export async function countUsers(sql: Sql, role?: Role): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from users ${role ? sql`where role = ${role}` : sql``}`;
  return row.n;
}

/** Scoped: the accounts of those organisations, and (for staff) the ARC's own staff accounts. */
export async function listUsers(
  sql: Sql,
  scope: Scope = EVERY_ORGANISATION,
  withStaff = true,
): Promise<ListedAccount[]> {
  return sql<ListedAccount[]>`
    select id, email, name, role, disabled, organisation_id,
           array(select s.organisation_id::text from staff_organisations s where s.user_id = users.id order by 1) as served_organisation_ids
    from users
    where ${inScope(sql, scope, 'organisation_id')} ${scope.organisationIds !== null && withStaff ? sql`or organisation_id is null` : sql``}
    order by email`;
}

/**
 * Locks the account and every active administrator, in id order (so two changes cannot deadlock
 * or both take away "the last" administrator), and counts those. null if no such account.
 */
export async function lockAccount(
  tx: TransactionSql,
  userId: string,
): Promise<{ account: UserAccount; activeAdministrators: number } | null> {
  const admins = await tx`select id from users where role = 'administrator' and not disabled order by id for update`;
  const [account] = await tx<
    UserAccount[]
  >`select id, email, name, role, disabled from users where id = ${userId} for update`;
  return account ? { account, activeAdministrators: admins.length } : null;
}

export interface AccountChanges {
  name?: string;
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
  organisationId?: string;
}

export async function updateAccount(tx: TransactionSql, userId: string, changes: AccountChanges): Promise<UserAccount> {
  const [row] = Object.keys(changes).length
    ? await tx<
        UserAccount[]
      >`update users set ${tx(changes as never)} where id = ${userId} returning id, email, name, role, disabled`
    : await tx<UserAccount[]>`select id, email, name, role, disabled from users where id = ${userId}`;
  return row;
}

/** Ends every login of the account (a disabled account, a new role or password applies at once). */
export async function deleteSessionsOf(tx: Sql | TransactionSql, userId: string): Promise<number> {
  return (await tx`delete from sessions where user_id = ${userId}`).count;
}

/** How a session is stored and found: never the token itself. */
export const sessionTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

// Session expiry is compared with the ARC's clock, passed in, never PostgreSQL's now(): the expiry
// was written from the ARC's clock, and two clocks disagree (issue 10).

/** Of these sessions, the ones still valid at `now`: not expired, not ended, their account not disabled. */
export async function liveSessions(sql: Sql, hashes: string[], now: Date): Promise<Set<string>> {
  const rows = await sql<{ tokenHash: string }[]>`
    select s.token_hash from sessions s join users u on u.id = s.user_id
    where s.token_hash = any(${hashes}) and s.expires_at > ${now} and not u.disabled`;
  return new Set(rows.map((r) => r.tokenHash));
}

export async function insertSession(sql: Sql, userId: string, token: string, expiresAt: Date): Promise<void> {
  await sql`insert into sessions (token_hash, user_id, expires_at) values (${sessionTokenHash(token)}, ${userId}, ${expiresAt})`;
}

export async function findSessionUser(sql: Sql, token: string, now: Date): Promise<User | null> {
  const [row] = await sql<User[]>`
    select u.id, u.email, u.name, u.role from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${sessionTokenHash(token)} and s.expires_at > ${now} and not u.disabled`;
  return row ?? null;
}

export async function deleteSession(sql: Sql, token: string): Promise<void> {
  await sql`delete from sessions where token_hash = ${sessionTokenHash(token)}`;
}

export async function findUserById(sql: Sql, id: string): Promise<User | null> {
  const [row] = await sql<User[]>`select id, email, name, role from users where id = ${id}`;
  return row ?? null;
}
