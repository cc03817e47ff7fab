// Commands to devices wait here until the device acknowledges them (PUBACK).
import type { Sql, TransactionSql } from 'postgres';
import type { Command } from '../../protocol/device-payloads.js';

export async function pendingCommands(sql: Sql | TransactionSql, deviceId: string): Promise<Command[]> {
  const rows = await sql<{ body: Command }[]>`
    select body from device_commands where device_id = ${deviceId} and delivered_at is null order by seq`;
  return rows.map((r) => r.body);
}

/** Devices with a command not yet acknowledged (cluster mode: re-sent after Redis was away). */
export async function devicesWithPendingCommands(sql: Sql): Promise<string[]> {
  const rows = await sql<{ deviceId: string }[]>`select distinct device_id from device_commands where delivered_at is null`;
  return rows.map((r) => r.deviceId);
}

export async function markCommandDelivered(sql: Sql | TransactionSql, deviceId: string, commandId: string, at: Date): Promise<void> {
  await sql`update device_commands set delivered_at = ${at}
            where id = ${commandId} and device_id = ${deviceId} and delivered_at is null`;
}

export async function insertCommand(sql: Sql | TransactionSql, deviceId: string, command: Command): Promise<void> {
  await sql`insert into device_commands (id, device_id, body) values (${command.id}, ${deviceId}, ${sql.json(command as never)})`.execute();
}
