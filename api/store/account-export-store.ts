// Subject access for an account (docs/reference/data-protection.md, "Subject access"): what the
// ARC holds on a member of staff, an organisation manager or a carer, read in one snapshot. The
// wearers' own exports are api/store/subject-access-store.ts; this is the other side: the people
// who use the ARC. Never a password hash or a session token, only that they exist.
import type { Sql } from 'postgres';
import { inScope, type Scope } from './tenancy-store.js';

export interface AccountExport {
  exportedAt: string;
  account: Record<string, unknown>;
  /** Staff held to some organisations: which (none: all). */
  servedOrganisations: Record<string, unknown>[];
  /** Signed-in sessions still held: when each began and ends. */
  sessions: Record<string, unknown>[];
  /** Addresses they logged in from (kept so a colleague behind the same address is not throttled with an attacker). */
  loginAddresses: Record<string, unknown>[];
  /** A carer's people, and how they want to be told. */
  carerOf: Record<string, unknown>[];
  carerPreferences: Record<string, unknown> | null;
  handoverNotes: Record<string, unknown>[];
  /** Minutes on a console per hour (staff), for Insight's staffing table. */
  presence: Record<string, unknown>[];
  /** What they did (the audit entries they are the actor of) and what was done to their account. */
  audit: Record<string, unknown>[];
}

/**
 * null when there is no such account. `scope` is the asker's: audit entries about another
 * organisation's things (a carer refused a look at someone else's person, say) are left out for
 * those held to their own organisations, as everywhere else.
 */
export async function exportAccount(sql: Sql, userId: string, now: Date, scope: Scope): Promise<AccountExport | null> {
  return (await sql.begin('isolation level repeatable read read only', async (tx) => {
    const [account] = await tx`
      select id, email, name, role, organisation_id, disabled, created_at from users where id = ${userId}`;
    if (!account) return null;
    const [servedOrganisations, sessions, loginAddresses, carerOf, [carerPreferences], handoverNotes, presence, audit] =
      await Promise.all([
        tx`select o.id, o.name from staff_organisations s join organisations o on o.id = s.organisation_id
           where s.user_id = ${userId} order by o.name`,
        tx`select created_at, expires_at from sessions where user_id = ${userId} order by created_at`,
        tx`select address, last_login_at from login_known_addresses where user_id = ${userId} order by last_login_at`,
        tx`select w.id, w.name from carer_links l join wearers w on w.id = l.wearer_id where l.carer_id = ${userId} order by w.name`,
        tx`select channel, phone, kinds, updated_at from carer_preferences where carer_id = ${userId}`,
        tx`select id, text, created_at from handover_notes where author_id = ${userId} order by created_at`,
        tx`select hour_start, minutes from staff_presence_hours where user_id = ${userId} order by hour_start`,
        tx`select at, actor, action, target, detail from audit_log
           where (actor_id = ${userId} or target = ${userId}) and ${inScope(tx, scope, 'organisation_id')} order by id`,
      ]);
    return {
      exportedAt: now.toISOString(),
      account,
      servedOrganisations,
      sessions,
      loginAddresses,
      carerOf,
      carerPreferences: carerPreferences ?? null,
      handoverNotes,
      presence,
      audit,
    } as AccountExport;
  })) as AccountExport | null;
}
