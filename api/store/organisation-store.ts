// Organisations wearers belong to (an employer, a housing provider) and the police URN the force
// issued to the organisation. Also the one way every alarm and plan query reads police details:
// the wearer's own and their organisation's, decided by api/rules/police-urn.ts.
import type { Sql, TransactionSql } from 'postgres';
import { EVERY_ORGANISATION, inScope, type Scope } from './tenancy-store.js';
import { effectivePolice, type EffectivePolice, type PoliceSetting } from '../rules/police-urn.js';

import type { Organisation } from '../domain/organisation.js';

// Defined in the core (api/domain/organisation.ts); re-exported for the code that reads it from here.
export type { Organisation };

type Db = Sql | TransactionSql;

export interface OrganisationFields {
  name?: string;
  urn?: string | null;
  policeWithdrawn?: boolean;
  policeWithdrawnReason?: string | null;
  locationRetentionDays?: number;
  alarmRetentionDays?: number;
  auditRetentionDays?: number;
}

const columns = (sql: Db) => sql`o.id, o.name, o.urn, o.police_withdrawn, o.police_withdrawn_reason, o.created_at,
  o.location_retention_days, o.alarm_retention_days, o.audit_retention_days,
  (select count(*)::int from wearers w where w.organisation_id = o.id) as wearer_count`;

export async function listOrganisations(sql: Db, scope: Scope = EVERY_ORGANISATION): Promise<Organisation[]> {
  return sql<
    Organisation[]
  >`select ${columns(sql)} from organisations o where ${inScope(sql, scope, 'o.id')} order by o.name`;
}

export async function getOrganisation(sql: Db, id: string): Promise<Organisation | null> {
  const [row] = await sql<Organisation[]>`select ${columns(sql)} from organisations o where o.id = ${id}`;
  return row ?? null;
}

/** null when the name is taken. */
export async function insertOrganisation(
  sql: Db,
  fields: OrganisationFields & { name: string },
): Promise<Organisation | null> {
  const [row] = await sql<
    { id: string }[]
  >`insert into organisations ${sql(fields as never)} on conflict (name) do nothing returning id`;
  return row ? getOrganisation(sql, row.id) : null;
}

export type OrganisationUpdate =
  { ok: true; organisation: Organisation } | { ok: false; reason: 'not_found' | 'name_taken' };

export async function updateOrganisation(sql: Db, id: string, fields: OrganisationFields): Promise<OrganisationUpdate> {
  try {
    const rows = Object.keys(fields).length
      ? await sql`update organisations set ${sql(fields as never)} where id = ${id} returning id`
      : await sql`select id from organisations where id = ${id}`;
    if (rows.length === 0) return { ok: false, reason: 'not_found' };
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return { ok: false, reason: 'name_taken' };
    throw err;
  }
  return { ok: true, organisation: (await getOrganisation(sql, id))! };
}

/**
 * The police columns of a query over `wearers w left join organisations o on o.id =
 * w.organisation_id`; policeOf turns a row holding them into the details in force.
 */
export const policeColumns = (sql: Db) => sql`w.urn, w.police_withdrawn, w.police_withdrawn_reason, w.organisation_id,
  o.name as organisation_name, o.urn as organisation_urn, o.police_withdrawn as organisation_police_withdrawn,
  o.police_withdrawn_reason as organisation_police_withdrawn_reason`;

export interface PoliceRow {
  urn: string | null;
  /** null only when the query found no wearer (a left join). */
  policeWithdrawn: boolean | null;
  policeWithdrawnReason: string | null;
  organisationId: string | null;
  organisationName: string | null;
  organisationUrn: string | null;
  organisationPoliceWithdrawn: boolean | null;
  organisationPoliceWithdrawnReason: string | null;
}

export function ownPoliceOf(row: PoliceRow): PoliceSetting {
  return {
    urn: row.urn,
    policeWithdrawn: row.policeWithdrawn ?? false,
    policeWithdrawnReason: row.policeWithdrawnReason,
  };
}

export function policeOf(row: PoliceRow): EffectivePolice {
  const organisation =
    row.organisationId === null
      ? null
      : {
          urn: row.organisationUrn,
          policeWithdrawn: row.organisationPoliceWithdrawn ?? false,
          policeWithdrawnReason: row.organisationPoliceWithdrawnReason,
        };
  return effectivePolice(ownPoliceOf(row), organisation);
}
