// The statements of a device event: the event row (its id is the idempotency key) and its link to
// the alarm it raised or added to. The transaction that runs them, and decides between them, is
// api/handling/raise-alarm.ts. Each statement is started with .execute() as it is created, so a
// caller can pipeline them in the order it calls them (see takeDeviceEvent).
import type { Sql, TransactionSql } from 'postgres';
import type { DeviceEvent, EventWarning } from '../../protocol/device-event.js';

type Db = Sql | TransactionSql;

/** The new event's row id, or null when this device already sent an event with this id. */
export async function insertEvent(
  tx: Db,
  event: { deviceId: string; event: DeviceEvent; warnings: EventWarning[]; receivedAt: Date },
): Promise<string | null> {
  const [row] = await tx<{ id: string }[]>`
    insert into events (device_id, event_key, type, ts, received_at, payload, warnings)
    values (${event.deviceId}, ${event.event.id}, ${event.event.type}, ${event.event.ts}, ${event.receivedAt},
            ${tx.json(event.event.raw as never)}, ${event.warnings})
    on conflict (device_id, event_key) do nothing
    returning id`.execute();
  return row?.id ?? null;
}

/** The alarm an event already stored raised or added to. */
export async function alarmOfEvent(tx: Db, deviceId: string, eventKey: string): Promise<string | null> {
  const [row] = await tx<
    { alarmId: string | null }[]
  >`select alarm_id from events where device_id = ${deviceId} and event_key = ${eventKey}`.execute();
  return row?.alarmId ?? null;
}

export async function linkEventToAlarm(tx: Db, eventRowId: string, alarmId: string): Promise<void> {
  await tx`update events set alarm_id = ${alarmId} where id = ${eventRowId}`.execute();
}
