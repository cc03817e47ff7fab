// The statements of bulk provisioning (api/handling/bulk-provisioning.ts): many rows per
// statement, one round trip each.
import type { Sql, TransactionSql } from 'postgres';
import type { WearerProfile } from '../domain/wearer-profile.js';

type Db = Sql | TransactionSql;

export async function existingDeviceIds(sql: Db, ids: string[]): Promise<string[]> {
  return (await sql<{ id: string }[]>`select id from devices where id = any(${ids})`).map((r) => r.id);
}

export interface BatchWearer {
  name: string;
  profile: WearerProfile;
  notes: string;
  safePinHash: string | null;
  duressPinHash: string | null;
  organisationId: string;
}

/** The new wearers' ids, in the order given. */
export async function insertWearerBatch(tx: Db, wearers: BatchWearer[]): Promise<string[]> {
  return (await tx<{ id: string }[]>`insert into wearers ${tx(wearers as never)} returning id`).map((r) => r.id);
}

export interface BatchDevice {
  id: string;
  label: string;
  wearerId: string | null;
  heartbeatS: number;
  secretHash: string;
  organisationId: string;
}

/** The ids inserted; one that exists already (created meanwhile) is left as it was. */
export async function insertDeviceBatch(tx: Db, devices: BatchDevice[]): Promise<string[]> {
  return (
    await tx<{ id: string }[]>`insert into devices ${tx(devices as never)} on conflict (id) do nothing returning id`
  ).map((r) => r.id);
}
