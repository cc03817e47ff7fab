// Devices: provisioning, credentials, settings, and the view the console lists.
import type { Sql, TransactionSql } from 'postgres';
import { EVERY_ORGANISATION, inScope, type Scope } from './tenancy-store.js';
import type { DeviceView } from '../live/console-contract.js';

export interface DeviceCredentials {
  secretHash: string;
  enabled: boolean;
}

export async function getDeviceCredentials(
  sql: Sql | TransactionSql,
  deviceId: string,
): Promise<DeviceCredentials | null> {
  const [row] = await sql<DeviceCredentials[]>`select secret_hash, enabled from devices where id = ${deviceId}`;
  return row ?? null;
}

/** Replaces an earlier version's hash of the same secret; a rotation made meanwhile wins. */
export async function replaceSecretHash(sql: Sql, deviceId: string, oldHash: string, newHash: string): Promise<void> {
  await sql`update devices set secret_hash = ${newHash} where id = ${deviceId} and secret_hash = ${oldHash}`;
}

/** The enabled device whose Traccar Client identifier has this hash, or null. */
export async function deviceOfOsmAndToken(sql: Sql, tokenHash: string): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`select id from devices where osmand_token_hash = ${tokenHash} and enabled`;
  return row?.id ?? null;
}

export interface NewDevice {
  id: string;
  label: string;
  wearerId: string | null;
  heartbeatS: number;
  secretHash: string;
  /** SHA-256 of the Traccar Client identifier (api/auth/osmand-token.ts), when one was issued. */
  osmandTokenHash?: string | null;
  simNumber?: string | null;
  /** The ARC's clock when it was provisioned: billing counts a device from then (the database's clock only when not given). */
  createdAt?: Date;
  /** Without one: the wearer's, or the default organisation (the trigger of 023_tenancy.sql). */
  organisationId?: string | null;
}

/** False when the id is taken. */
export async function insertDevice(sql: Sql | TransactionSql, device: NewDevice): Promise<boolean> {
  const rows = await sql`
    insert into devices (id, label, wearer_id, heartbeat_s, secret_hash, osmand_token_hash, sim_number, organisation_id, created_at)
    values (${device.id}, ${device.label}, ${device.wearerId}, ${device.heartbeatS}, ${device.secretHash}, ${device.osmandTokenHash ?? null}, ${device.simNumber ?? null},
            ${device.organisationId ?? null}, coalesce(${device.createdAt ?? null}::timestamptz, now()))
    on conflict (id) do nothing returning id`;
  return rows.length === 1;
}

export interface DeviceChanges {
  label?: string;
  enabled?: boolean;
  inUse?: boolean;
  wearerId?: string | null;
  heartbeatS?: number;
  secretHash?: string;
  osmandTokenHash?: string;
  simNumber?: string | null;
  /** An unworn device moved to another organisation (a worn one is always in its wearer's). */
  organisationId?: string;
}

export async function updateDevice(sql: Sql, deviceId: string, changes: DeviceChanges): Promise<boolean> {
  if (Object.keys(changes).length === 0) {
    return (await sql`select 1 from devices where id = ${deviceId}`).length === 1;
  }
  const rows = await sql`update devices set ${sql(changes as never)} where id = ${deviceId} returning id`;
  return rows.length === 1;
}

interface DeviceRow {
  id: string;
  label: string;
  enabled: boolean;
  inUse: boolean;
  testUntil: Date | null;
  testReason: string | null;
  testByName: string | null;
  heartbeatS: number;
  wearerId: string | null;
  wearerName: string | null;
  lastSeenAt: Date | null;
  fixTs: string | null;
  fixLat: number | null;
  fixLon: number | null;
  fixAcc: number | null;
  statusTs: string | null;
  batt: number | null;
  charging: boolean | null;
  rssi: number | null;
  fw: string | null;
  amberUntil: Date | null;
  checkinDueAt: Date | null;
  decommissionedAt: Date | null;
  decommissionedReason: string | null;
  simNumber: string | null;
  organisationId: string;
}

/**
 * All devices in service, or only one (`{ deviceId }`, decommissioned or not), or only a wearer's
 * (`{ wearerId }`); `includeDecommissioned` lists those taken out of service too.
 */
export async function listDevices(
  sql: Sql,
  isConnected: (id: string) => boolean,
  only: { deviceId?: string; wearerId?: string; includeDecommissioned?: boolean } = {},
  scope: Scope = EVERY_ORGANISATION,
): Promise<DeviceView[]> {
  const inService =
    only.includeDecommissioned || only.deviceId !== undefined ? sql`` : sql`and d.decommissioned_at is null`;
  const rows = await sql<DeviceRow[]>`
    select d.id, d.label, d.enabled, d.in_use, d.test_until, d.test_reason, t.name as test_by_name, d.heartbeat_s, d.wearer_id, w.name as wearer_name, d.last_seen_at,
           d.fix_ts, d.fix_lat, d.fix_lon, d.fix_acc, d.status_ts, d.batt, d.charging, d.rssi, d.fw,
           a.due_at as amber_until, s.due_at as checkin_due_at, d.decommissioned_at, d.decommissioned_reason, d.sim_number, d.organisation_id
    from devices d left join wearers w on w.id = d.wearer_id
         left join users t on t.id = d.test_by
         -- At most one open session and one open shift per device (unique partial indexes
         -- amber_sessions_open_idx and checkin_shifts_open_idx), so these joins add no rows.
         left join amber_sessions a on a.device_id = d.id and a.ended_at is null
         left join checkin_shifts s on s.device_id = d.id and s.ended_at is null
    where true ${only.deviceId !== undefined ? sql`and d.id = ${only.deviceId}` : only.wearerId !== undefined ? sql`and d.wearer_id = ${only.wearerId}` : sql``} ${inService}
      and ${inScope(sql, scope, 'd.organisation_id')}
    order by d.id`;
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    enabled: r.enabled,
    inUse: r.inUse,
    testUntil: r.testUntil?.toISOString() ?? null,
    testReason: r.testReason,
    testBy: r.testUntil === null ? null : r.testByName,
    heartbeatS: r.heartbeatS,
    wearerId: r.wearerId,
    wearerName: r.wearerName,
    lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
    connected: isConnected(r.id),
    amberUntil: r.amberUntil?.toISOString() ?? null,
    checkinDueAt: r.checkinDueAt?.toISOString() ?? null,
    decommissionedAt: r.decommissionedAt?.toISOString() ?? null,
    decommissionedReason: r.decommissionedReason,
    simNumber: r.simNumber,
    organisationId: r.organisationId,
    position:
      r.fixTs === null || r.fixLat === null || r.fixLon === null
        ? null
        : { ts: Number(r.fixTs), lat: r.fixLat, lon: r.fixLon, acc: r.fixAcc },
    health: {
      ts: r.statusTs === null ? null : Number(r.statusTs),
      batt: r.batt,
      charging: r.charging,
      rssi: r.rssi,
      fw: r.fw,
    },
  }));
}

export interface EventContext {
  wearerId: string | null;
  safePinHash: string | null;
  duressPinHash: string | null;
}

/** What the intake needs to know about the wearer of a device to decide on an event. */
export async function getEventContext(sql: Sql | TransactionSql, deviceId: string): Promise<EventContext> {
  const [row] = await sql<EventContext[]>`
    select d.wearer_id, w.safe_pin_hash, w.duress_pin_hash
    from devices d left join wearers w on w.id = d.wearer_id where d.id = ${deviceId}`;
  return row ?? { wearerId: null, safePinHash: null, duressPinHash: null };
}

/**
 * Takes a device out of service for good: disabled (it cannot connect), not in use (not
 * supervised for silence), its open amber session and lone-worker shift ended. Its history stays.
 * Returns false when there is no such device; null when it was decommissioned already.
 */
export async function decommissionDevice(
  sql: Sql,
  deviceId: string,
  reason: string,
  at: Date,
): Promise<{ wearerId: string | null } | null | false> {
  return sql.begin(async (tx) => {
    const [device] = await tx<{ decommissionedAt: Date | null; wearerId: string | null }[]>`
      select decommissioned_at, wearer_id from devices where id = ${deviceId} for update`;
    if (!device) return false;
    if (device.decommissionedAt) return null;
    await tx`update devices set decommissioned_at = ${at}, decommissioned_reason = ${reason}, enabled = false, in_use = false
             where id = ${deviceId}`;
    await tx`update amber_sessions set ended_at = ${at}, end_reason = 'decommissioned' where device_id = ${deviceId} and ended_at is null`;
    await tx`update checkin_shifts set ended_at = ${at} where device_id = ${deviceId} and ended_at is null`;
    return { wearerId: device.wearerId };
  });
}

/** Test mode on (until a time) or off (null); false when there is no such device. */
export async function setTestMode(
  sql: Sql,
  deviceId: string,
  test: { until: Date; reason: string; byId: string | null } | null,
): Promise<boolean> {
  const rows =
    await sql`update devices set test_until = ${test?.until ?? null}, test_reason = ${test?.reason ?? null}, test_by = ${test?.byId ?? null}
                         where id = ${deviceId} returning id`;
  return rows.length > 0;
}
