// Commands to devices wait here until the device acknowledges them (PUBACK).
import type { Sql, TransactionSql } from 'postgres';
import type { Command } from '../../protocol/device-payloads.js';

export async function pendingCommands(sql: Sql | TransactionSql, deviceId: string): Promise<Command[]> {
  const rows = await sql<{ body: Command }[]>`
    select body from device_commands where device_id = ${deviceId} and delivered_at is null and undeliverable is null order by seq`;
  return rows.map((r) => r.body);
}

/** Devices with a command not yet acknowledged (cluster mode: re-sent after Redis was away). */
export async function devicesWithPendingCommands(sql: Sql): Promise<string[]> {
  const rows = await sql<
    { deviceId: string }[]
  >`select distinct device_id from device_commands where delivered_at is null and undeliverable is null`;
  return rows.map((r) => r.deviceId);
}

export async function markCommandDelivered(
  sql: Sql | TransactionSql,
  deviceId: string,
  commandId: string,
  at: Date,
): Promise<void> {
  await sql`update device_commands set delivered_at = ${at}
            where id = ${commandId} and device_id = ${deviceId} and delivered_at is null`;
}

export async function insertCommand(sql: Sql | TransactionSql, deviceId: string, command: Command): Promise<void> {
  await sql`insert into device_commands (id, device_id, body) values (${command.id}, ${deviceId}, ${sql.json(command as never)})`.execute();
}

/**
 * The device's app cannot take this command (migration 021_commands_apps_cannot_take): it stops
 * waiting, with the reason.
 * Returns whether it was still waiting (a second node may have closed it first).
 */
export async function markCommandUndeliverable(
  sql: Sql,
  deviceId: string,
  commandId: string,
  reason: string,
): Promise<boolean> {
  const rows = await sql`update device_commands set undeliverable = ${reason}
            where id = ${commandId} and device_id = ${deviceId} and delivered_at is null and undeliverable is null returning 1`;
  return rows.length > 0;
}

/** Which app the device speaks when not our protocol (021_commands_apps_cannot_take.sql); null for protocol v1. */
export async function deviceApp(sql: Sql | TransactionSql, deviceId: string): Promise<'owntracks' | 'osmand' | null> {
  const [row] = await sql<{ app: 'owntracks' | 'osmand' | null }[]>`select app from devices where id = ${deviceId}`;
  return row?.app ?? null;
}

/** Records the app the device was heard through (null: our protocol); writes only on a change. */
export async function recordDeviceApp(sql: Sql, deviceId: string, app: 'owntracks' | 'osmand' | null): Promise<void> {
  await sql`update devices set app = ${app} where id = ${deviceId} and app is distinct from ${app}`;
}

/** Every command still waiting for a device whose app takes none (Traccar Client): closed with the reason. */
export async function closeCommandsNotTaken(sql: Sql, deviceId: string, reason: string): Promise<number> {
  const rows = await sql`update device_commands set undeliverable = ${reason}
            where device_id = ${deviceId} and delivered_at is null and undeliverable is null returning 1`;
  return rows.length;
}
