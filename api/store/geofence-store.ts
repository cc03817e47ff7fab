// Geofences per wearer, and what the ARC last concluded about each one for each device.
// Shapes and active hours are parsed at the route edge (geofence-zone.ts) and trusted here.
import type { Sql, TransactionSql } from 'postgres';
import type { GeofenceState } from '../rules/geofence-rules.js';
import type { ActiveHours, Geofence, GeofenceKind, GeofenceShape, GeofenceZone } from '../rules/geofence-zone.js';
import { inTransaction } from './in-transaction.js';

// Defined beside its schemas (api/rules/geofence-zone.ts); re-exported for the code that reads it from here.
export type { Geofence };

export interface NewGeofence {
  name: string;
  kind: GeofenceKind;
  shape: GeofenceShape;
  activeHours: ActiveHours | null;
  enabled: boolean;
}

export type GeofenceChanges = Partial<NewGeofence>;

const columns = (sql: Sql | TransactionSql) => sql`id, wearer_id, name, kind, shape, active_hours, enabled, created_at`;

/** jsonb columns go through sql.json: the driver would write a plain array as a PostgreSQL array. */
function rowOf(sql: Sql, fields: GeofenceChanges): Record<string, unknown> {
  const row: Record<string, unknown> = { ...fields };
  if (fields.shape !== undefined) row.shape = sql.json(fields.shape as never);
  if (fields.activeHours !== undefined)
    row.activeHours = fields.activeHours === null ? null : sql.json(fields.activeHours as never);
  return row;
}

export async function listGeofences(sql: Sql, wearerId: string): Promise<Geofence[]> {
  return sql<Geofence[]>`select ${columns(sql)} from geofences where wearer_id = ${wearerId} order by created_at, id`;
}

export async function getGeofence(sql: Sql, id: string): Promise<Geofence | null> {
  const [row] = await sql<Geofence[]>`select ${columns(sql)} from geofences where id = ${id}`;
  return row ?? null;
}

export async function insertGeofence(sql: Sql, wearerId: string, fields: NewGeofence): Promise<Geofence> {
  const [row] = await sql<
    Geofence[]
  >`insert into geofences ${sql({ ...rowOf(sql, fields), wearerId } as never)} returning ${columns(sql)}`;
  return row;
}

/**
 * States survive a change of shape, kind or hours: the next fix is judged against the new zone
 * and a crossing is reported only if the side really changed (a wearer already out, with an alarm
 * raised, is not alarmed again because the zone was redrawn). Disabling a zone forgets its
 * states, so enabling it again starts like a new zone: its first fix reports a wearer found on
 * the alarming side.
 */
export async function updateGeofence(sql: Sql, id: string, changes: GeofenceChanges): Promise<Geofence | null> {
  if (!Object.keys(changes).length) return getGeofence(sql, id);
  return inTransaction(sql, async (tx) => {
    const [row] = await tx<
      Geofence[]
    >`update geofences set ${tx(rowOf(sql, changes) as never)} where id = ${id} returning ${columns(tx)}`;
    if (row && changes.enabled === false) await tx`delete from geofence_states where geofence_id = ${id}`;
    return row ?? null;
  }) as Promise<Geofence | null>;
}

/** Deletes the zone (its states go with it) and returns what it was, for the audit log. */
export async function deleteGeofence(sql: Sql, id: string): Promise<Geofence | null> {
  const [row] = await sql<Geofence[]>`delete from geofences where id = ${id} returning ${columns(sql)}`;
  return row ?? null;
}

export interface DeviceZones {
  /** The enabled zones of the device's wearer; none when the device has no wearer. */
  zones: GeofenceZone[];
  /** This device's states for those zones. */
  states: GeofenceState[];
}

/** Everything evaluateFix needs for one device. Pass the intake's transaction to read consistently. */
export async function loadZonesForDevice(sql: Sql | TransactionSql, deviceId: string): Promise<DeviceZones> {
  const zones = await sql<GeofenceZone[]>`
    select g.id, g.name, g.kind, g.shape, g.active_hours from geofences g
    join devices d on d.wearer_id = g.wearer_id
    where d.id = ${deviceId} and g.enabled
    order by g.created_at, g.id`;
  if (!zones.length) return { zones: [], states: [] };
  const rows = await sql<{ zoneId: string; inside: boolean; fixTs: string }[]>`
    select s.geofence_id as zone_id, s.inside, s.fix_ts from geofence_states s
    where s.device_id = ${deviceId} and s.geofence_id in ${sql(zones.map((z) => z.id))}`;
  // fix_ts is a bigint, which the driver hands over as a string; device times fit a double.
  return { zones, states: rows.map((r) => ({ zoneId: r.zoneId, inside: r.inside, fixTs: Number(r.fixTs) })) };
}

/**
 * Upserts the states evaluateFix returned. A state never moves back to an older fix (two messages
 * of one device stored concurrently), and a zone deleted meanwhile is skipped rather than failing
 * the transaction that stores the fix.
 */
export async function saveStates(
  tx: Sql | TransactionSql,
  deviceId: string,
  states: readonly GeofenceState[],
): Promise<void> {
  if (!states.length) return;
  const rows = states.map((s) => ({ geofence_id: s.zoneId, inside: s.inside, fix_ts: s.fixTs }));
  await tx`
    insert into geofence_states (geofence_id, device_id, inside, fix_ts)
    select s.geofence_id, ${deviceId}, s.inside, s.fix_ts
    from jsonb_to_recordset(${tx.json(rows as never)}) as s(geofence_id uuid, inside boolean, fix_ts bigint)
    where exists (select 1 from geofences g where g.id = s.geofence_id)
    on conflict (geofence_id, device_id) do update set inside = excluded.inside, fix_ts = excluded.fix_ts
    where geofence_states.fix_ts <= excluded.fix_ts`;
}
