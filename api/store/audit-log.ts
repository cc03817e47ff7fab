// Every change and every operator action: who, what, when (and to what).
import type { Sql, TransactionSql } from 'postgres';

export interface Actor {
  id: string | null;
  /** Email of a user, or `system`, or `device:<id>`. */
  name: string;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system' };

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

export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

export async function listAudit(sql: Sql, limit: number, before?: number): Promise<AuditEntry[]> {
  return sql<AuditEntry[]>`
    select id, at, actor, action, target, detail from audit_log
    ${before === undefined ? sql`` : sql`where id < ${before}`}
    order by id desc limit ${limit}`;
}
