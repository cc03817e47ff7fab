// What the billing counts read besides the alarms (sla-store.ts): the devices in service in a
// period, each under the organisation it is billed to, and the names of the organisations a
// report covers. Bounds are parameters from the ARC's clock, never now().
import type { Sql } from 'postgres';
import { organisationFilter } from './sla-store.js';

export interface ReportDevice {
  id: string;
  /** The organisation it belongs to now (devices.organisation_id). */
  organisationId: string | null;
  /** The device sent an event or a position received in the period. */
  heard: boolean;
}

/**
 * Devices in service at some time in [from, to): provisioned before `to`, and not decommissioned
 * before `from`, counted under the organisation each belongs to now. (A device that changed
 * organisation within the month counts once, under the one it is with now.)
 */
export async function devicesInService(
  sql: Sql,
  from: Date,
  to: Date,
  organisationIds: readonly string[] | null,
): Promise<ReportDevice[]> {
  return sql<ReportDevice[]>`
    select d.id, d.organisation_id,
           (exists (select 1 from events e where e.device_id = d.id and e.received_at >= ${from} and e.received_at < ${to})
            or exists (select 1 from fixes f where f.device_id = d.id and f.received_at >= ${from} and f.received_at < ${to})) as heard
    from devices d
    where d.created_at < ${to}
      and (d.decommissioned_at is null or d.decommissioned_at >= ${from})
      ${organisationFilter(sql, organisationIds, 'd.organisation_id')}
    order by d.id`;
}

/** Names of the organisations a report covers: those asked for, or all. */
export async function organisationNames(
  sql: Sql,
  organisationIds: readonly string[] | null,
): Promise<{ id: string; name: string }[]> {
  return organisationIds === null
    ? sql<{ id: string; name: string }[]>`select id, name from organisations order by name, id`
    : sql<
        { id: string; name: string }[]
      >`select id, name from organisations where id = any(${organisationIds as string[]}::uuid[]) order by name, id`;
}
