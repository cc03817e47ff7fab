// Which organisations a user may see, and which organisation a thing belongs to: the two reads
// every scoped request makes (api/routes/tenant-scope.ts). Scoping rules: docs organisations.md.
import type { Sql, TransactionSql } from 'postgres';

type Db = Sql | TransactionSql;

/**
 * The organisations a caller may see: null means every one (ARC staff serving all).
 * An organisation manager or carer sees their own; staff see the set they serve, or all when
 * they serve no chosen set.
 */
export interface Scope {
  organisationIds: string[] | null;
}

export const EVERY_ORGANISATION: Scope = { organisationIds: null };

export async function scopeOfUser(sql: Db, userId: string): Promise<Scope> {
  const [row] = await sql<{ organisationId: string | null; served: string[] }[]>`
    select u.organisation_id,
           array(select s.organisation_id::text from staff_organisations s where s.user_id = u.id order by 1) as served
    from users u where u.id = ${userId}`;
  if (!row) return { organisationIds: [] };
  if (row.organisationId) return { organisationIds: [row.organisationId] };
  return { organisationIds: row.served.length ? row.served : null };
}

/** Whether a scope lets its holder see this organisation (null: an ARC-wide thing, staff only). */
export const scopeAllows = (scope: Scope, organisationId: string | null) =>
  scope.organisationIds === null || (organisationId !== null && scope.organisationIds.includes(organisationId));

/** A SQL condition on an organisation column: true for every organisation when unscoped. */
export const inScope = (sql: Db, scope: Scope, column: string) =>
  scope.organisationIds === null ? sql`true` : sql`${sql(column)} = any(${scope.organisationIds}::uuid[])`;

export type OwnedKind = 'wearer' | 'device' | 'alarm' | 'contact' | 'geofence' | 'organisation' | 'user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organisation each of these things belongs to; a thing that does not exist is left out.
 * A user's is null for ARC staff (who belong to none). Ids that cannot name one are left out.
 */
export async function organisationsOf(sql: Db, kind: OwnedKind, ids: string[]): Promise<Map<string, string | null>> {
  const wanted = kind === 'device' ? ids : ids.filter((id) => UUID.test(id));
  if (wanted.length === 0) return new Map();
  const rows = await (() => {
    switch (kind) {
      case 'wearer':
        return sql<
          { id: string; org: string | null }[]
        >`select id::text, organisation_id as org from wearers where id = any(${wanted}::uuid[])`;
      case 'device':
        return sql<
          { id: string; org: string | null }[]
        >`select id, organisation_id as org from devices where id = any(${wanted})`;
      case 'alarm':
        return sql<
          { id: string; org: string | null }[]
        >`select id::text, organisation_id as org from alarms where id = any(${wanted}::uuid[])`;
      case 'contact':
        return sql<{ id: string; org: string | null }[]>`
          select c.id::text, w.organisation_id as org from contacts c join wearers w on w.id = c.wearer_id where c.id = any(${wanted}::uuid[])`;
      case 'geofence':
        return sql<{ id: string; org: string | null }[]>`
          select g.id::text, w.organisation_id as org from geofences g join wearers w on w.id = g.wearer_id where g.id = any(${wanted}::uuid[])`;
      case 'organisation':
        return sql<
          { id: string; org: string | null }[]
        >`select id::text, id as org from organisations where id = any(${wanted}::uuid[])`;
      case 'user':
        return sql<
          { id: string; org: string | null }[]
        >`select id::text, organisation_id as org from users where id = any(${wanted}::uuid[])`;
    }
  })();
  return new Map(rows.map((r) => [r.id, r.org]));
}

/** The organisations a staff account serves (none: all). */
export async function servedOrganisations(sql: Db, userId: string): Promise<string[]> {
  const rows = await sql<
    { organisationId: string }[]
  >`select organisation_id from staff_organisations where user_id = ${userId} order by organisation_id`;
  return rows.map((r) => r.organisationId);
}

export async function setServedOrganisations(
  tx: TransactionSql,
  userId: string,
  organisationIds: string[],
): Promise<void> {
  await tx`delete from staff_organisations where user_id = ${userId}`;
  if (organisationIds.length) {
    await tx`insert into staff_organisations ${tx(organisationIds.map((organisationId) => ({ userId, organisationId })))}`;
  }
}

export async function defaultOrganisationId(sql: Db): Promise<string> {
  const [row] = await sql<{ id: string }[]>`select default_organisation() as id`;
  return row.id;
}
