// Wearers (the people carrying devices) and which carers may see them.
import type { Sql, TransactionSql } from 'postgres';
import { EVERY_ORGANISATION, inScope, type Scope } from './tenancy-store.js';

import { WearerProfile } from '../domain/wearer-profile.js';
import type { LinkedCarer, Wearer } from '../domain/wearer.js';

// Defined in the core (api/domain/wearer-profile.ts); re-exported for the tests that import it from here.
export { WearerProfile };
export type { LinkedCarer, Wearer };

const columns = (
  sql: Sql | TransactionSql,
) => sql`id, name, profile, notes, phone, home_lat, home_lon, access_info <> '' as has_access_info,
  safe_pin_hash is not null as has_safe_pin, duress_pin_hash is not null as has_duress_pin, carers_edit_safe_zones,
  medical_notes, low_battery_percent, organisation_id`;

export interface WearerFields {
  name?: string;
  profile?: WearerProfile;
  notes?: string;
  safePinHash?: string | null;
  duressPinHash?: string | null;
  carersEditSafeZones?: boolean;
  medicalNotes?: string;
  lowBatteryPercent?: number;
  organisationId?: string | null;
  phone?: string | null;
  homeLat?: number | null;
  homeLon?: number | null;
  accessInfo?: string;
}

export async function insertWearer(
  sql: Sql | TransactionSql,
  fields: WearerFields & { name: string },
): Promise<Wearer> {
  const [row] = await sql<Wearer[]>`insert into wearers ${sql(fields as never)} returning ${columns(sql)}`;
  return row;
}

export async function updateWearer(sql: Sql, id: string, fields: WearerFields): Promise<Wearer | null> {
  const [row] = Object.keys(fields).length
    ? await sql<Wearer[]>`update wearers set ${sql(fields as never)} where id = ${id} returning ${columns(sql)}`
    : await sql<Wearer[]>`select ${columns(sql)} from wearers where id = ${id}`;
  return row ?? null;
}

export async function getWearer(sql: Sql, id: string): Promise<Wearer | null> {
  const [row] = await sql<Wearer[]>`select ${columns(sql)} from wearers where id = ${id}`;
  return row ?? null;
}

export async function listWearers(sql: Sql, carerId?: string, scope: Scope = EVERY_ORGANISATION): Promise<Wearer[]> {
  return carerId === undefined
    ? sql<Wearer[]>`select ${columns(sql)} from wearers where ${inScope(sql, scope, 'organisation_id')} order by name`
    : sql<Wearer[]>`select ${columns(sql)} from wearers
                    where id in (select wearer_id from carer_links where carer_id = ${carerId}) order by name`;
}

export async function linkCarer(sql: Sql, carerId: string, wearerId: string): Promise<void> {
  await sql`insert into carer_links (carer_id, wearer_id) values (${carerId}, ${wearerId}) on conflict do nothing`;
}

export async function unlinkCarer(sql: Sql, carerId: string, wearerId: string): Promise<boolean> {
  return (
    (await sql`delete from carer_links where carer_id = ${carerId} and wearer_id = ${wearerId} returning 1`).length ===
    1
  );
}

/** The carers linked to a wearer (accounts that are carers now; a disabled one is listed as such). */
export async function listLinkedCarers(sql: Sql, wearerId: string): Promise<LinkedCarer[]> {
  return sql<LinkedCarer[]>`
    select u.id, u.name, u.email, u.disabled from carer_links l join users u on u.id = l.carer_id
    where l.wearer_id = ${wearerId} and u.role = 'carer' order by u.name, u.email`;
}
