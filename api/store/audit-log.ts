// Every change and every operator action: who, what, when (and to what).
import type { Sql, TransactionSql } from 'postgres';

import type { Actor } from '../domain/actor.js';

export type { Actor };

export async function audit(
  sql: Sql | TransactionSql,
  actor: Actor,
  action: string,
  target: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await sql`insert into audit_log (actor_id, actor, action, target, detail)
            values (${actor.id}, ${actor.name}, ${action}, ${target}, ${sql.json(detail as never)})`;
}

/**
 * The same action on many targets, one row each, in one statement (a console following 10,000
 * devices at once): each row is what audit() would have written for that target.
 */
export async function auditEach(
  sql: Sql | TransactionSql,
  actor: Actor,
  action: string,
  targets: readonly string[],
): Promise<void> {
  if (targets.length === 0) return;
  await sql`insert into audit_log (actor_id, actor, action, target, detail)
            select ${actor.id}::uuid, ${actor.name}::text, ${action}::text, target, '{}'::jsonb from unnest(${targets as string[]}::text[]) as target`;
}

export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/** What the audit screen filters on (docs/reference/data-protection.md, "The audit"); every part optional. */
export interface AuditFilter {
  /** Part of the actor's email (or `system`, `device:<id>`), any case. */
  actor?: string;
  /** A wearer, device, alarm, user or organisation id: entries about it (as target or named in detail). */
  about?: string;
  /** One or more actions, exactly (`wearer.viewed`, `alarm.viewed`, …). */
  actions?: string[];
  from?: Date;
  to?: Date;
  /** Keyset paging: entries older than this id. */
  before?: number;
  /**
   * Only entries about these organisations (the column 023_tenancy.sql fills as each is written);
   * absent or null: every entry, ARC-wide ones included.
   */
  organisationIds?: string[] | null;
}

const filterClause = (sql: Sql, f: AuditFilter) => {
  const parts = [
    f.before === undefined ? null : sql`id < ${f.before}`,
    f.actor ? sql`actor ilike ${'%' + f.actor.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}` : null,
    f.about
      ? sql`(target = ${f.about} or detail->>'wearerId' = ${f.about} or detail->>'deviceId' = ${f.about}
             or coalesce(detail->'wearerIds', '[]') ? ${f.about})`
      : null,
    f.actions?.length ? sql`action = any(${f.actions})` : null,
    f.from ? sql`at >= ${f.from}` : null,
    f.to ? sql`at < ${f.to}` : null,
    f.organisationIds ? sql`organisation_id = any(${f.organisationIds}::uuid[])` : null,
  ].filter((p) => p !== null);
  return parts.length === 0
    ? sql``
    : parts.reduce((acc, p, i) => (i === 0 ? sql`where ${p}` : sql`${acc} and ${p}`), sql``);
};

export async function listAudit(sql: Sql, limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  return sql<AuditEntry[]>`
    select id, at, actor, action, target, detail from audit_log
    ${filterClause(sql, filter)}
    order by id desc limit ${limit}`;
}

/** Every action the log holds, for the screen's filter (a loose index scan over audit_log_action_idx). */
export async function listAuditActions(sql: Sql, organisationIds: string[] | null = null): Promise<string[]> {
  if (organisationIds) {
    const scoped = await sql<{ action: string }[]>`
      select distinct action from audit_log where organisation_id = any(${organisationIds}::uuid[]) order by action`;
    return scoped.map((r) => r.action);
  }
  const rows = await sql<{ action: string }[]>`
    with recursive a as (
      (select action from audit_log order by action limit 1)
      union all
      select (select action from audit_log where action > a.action order by action limit 1) from a where a.action is not null
    )
    select action from a where action is not null`;
  return rows.map((r) => r.action);
}
