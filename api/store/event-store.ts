// Stores one device event and everything decided about it in one transaction: the event (its id
// is the idempotency key), the alarm it raises, its position as a fix, the device's last-seen
// time and the reply command. After commit the intake acknowledges and notifies.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { DeviceEvent, EventWarning } from '../../protocol/device-event.js';
import type { Command } from '../../protocol/device-payloads.js';
import type { EventDecision } from '../rules/event-rules.js';
import { upsertFixes } from './fix-store.js';

export interface EventToStore {
  deviceId: string;
  wearerId: string | null;
  event: DeviceEvent;
  warnings: EventWarning[];
  receivedAt: Date;
  decision: EventDecision;
}

export type StoredEvent =
  | { duplicate: false; alarmId: string | null; command: Command | null }
  | { duplicate: true; alarmId: string | null };

export async function storeDeviceEvent(sql: Sql, input: EventToStore): Promise<StoredEvent> {
  const { deviceId, event, receivedAt, decision } = input;
  return sql.begin(async (tx) => {
    const [inserted] = await tx<{ id: string }[]>`
      insert into events (device_id, event_key, type, ts, received_at, payload, warnings)
      values (${deviceId}, ${event.id}, ${event.type}, ${event.ts}, ${receivedAt},
              ${tx.json(event.raw as never)}, ${input.warnings})
      on conflict (device_id, event_key) do nothing
      returning id`;
    if (!inserted) {
      // Spec guarantee 2: the same id is the same event and maps to the same alarm.
      const [existing] = await tx<{ alarmId: string | null }[]>`
        select alarm_id from events where device_id = ${deviceId} and event_key = ${event.id}`;
      await touch(tx, deviceId, receivedAt);
      return { duplicate: true, alarmId: existing?.alarmId ?? null };
    }

    const position = event.lat !== undefined && event.lon !== undefined ? { lat: event.lat, lon: event.lon, acc: event.acc } : null;
    let alarmId: string | null = null;
    if (decision.alarm) {
      const flags: Record<string, unknown> = {};
      if (decision.alarm.silent) flags.silent = true;
      if (!event.known) flags.eventType = event.type;
      if (input.warnings.length) flags.warnings = input.warnings;
      const [alarm] = await tx<{ id: string }[]>`
        insert into alarms (device_id, wearer_id, type, priority, received_at, lat, lon, acc, discreet, flags)
        values (${deviceId}, ${input.wearerId}, ${decision.alarm.type}, ${decision.alarm.priority}, ${receivedAt},
                ${position?.lat ?? null}, ${position?.lon ?? null}, ${position?.acc ?? null},
                ${decision.alarm.discreet}, ${tx.json(flags as never)})
        returning id`;
      alarmId = alarm.id;
      await tx`update events set alarm_id = ${alarmId} where id = ${inserted.id}`;
    }

    if (position) {
      // Spec, "Event": a position in an event is also stored as a fix.
      await upsertFixes(tx, deviceId, [{ ts: event.ts, lat: position.lat, lon: position.lon, acc: position.acc, batt: event.batt }], receivedAt);
    } else {
      await touch(tx, deviceId, receivedAt);
    }

    let command: Command | null = null;
    if (decision.reply) {
      command = { id: `c-${randomUUID()}`, type: decision.reply, eventId: event.id };
      await tx`insert into device_commands (id, device_id, body) values (${command.id}, ${deviceId}, ${tx.json(command as never)})`;
    }
    return { duplicate: false, alarmId, command };
  });
}

async function touch(tx: TransactionSql, deviceId: string, at: Date): Promise<void> {
  await tx`update devices set last_seen_at = greatest(last_seen_at, ${at}) where id = ${deviceId}`;
}
