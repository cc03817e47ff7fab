// Stores one device event and everything decided about it in one transaction: the event (its id
// is the idempotency key), the alarm it raises or the open alarm it adds to, the amber session
// and check-in changes, its position as a fix, the device's last-seen time and the reply
// command. After commit the intake acknowledges and notifies.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { DeviceEvent, EventWarning } from '../../protocol/device-event.js';
import type { Command } from '../../protocol/device-payloads.js';
import type { EventContext, EventDecision } from '../rules/event-rules.js';
import { upsertFixes } from './fix-store.js';
import { attachActivation, insertAlarm, openAlarmsOfWearer } from './alarm-store.js';
import { applyAmberChange, hasOpenAmberSession } from './amber-store.js';
import { recordCheckin } from './shift-store.js';
import { audit } from './audit-log.js';
import { insertCommand } from './command-store.js';

export interface EventToStore {
  deviceId: string;
  wearerId: string | null;
  event: DeviceEvent;
  warnings: EventWarning[];
  receivedAt: Date;
  /** The pure rule, called inside the transaction with what is known now. */
  decide(context: EventContext): EventDecision;
  acceptDueAt(priority: number): Date;
  /** In the same transaction, once a new alarm is written: its response plan, carers' messages. */
  onRaised(tx: TransactionSql, alarmId: string): Promise<void>;
}

export type StoredEvent =
  | { duplicate: false; raised: string | null; updated: string[]; commands: Command[]; commAlarmId: string | null }
  | { duplicate: true; alarmId: string | null; commAlarmId: string | null };

export async function storeDeviceEvent(sql: Sql, input: EventToStore): Promise<StoredEvent> {
  const { deviceId, wearerId, event, receivedAt } = input;
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
      const [seen] = await tx<{ commAlarmId: string | null }[]>`
        update devices set last_seen_at = greatest(last_seen_at, ${receivedAt}) where id = ${deviceId} returning comm_alarm_id`;
      return { duplicate: true, alarmId: existing?.alarmId ?? null, commAlarmId: seen?.commAlarmId ?? null };
    }

    // One event of a wearer at a time decides against their open alarms (two devices, one person).
    if (wearerId) await tx`select pg_advisory_xact_lock(hashtext(${wearerId}))`;
    const [device] = await tx<{ onTest: boolean; batteryLowRaised: boolean }[]>`
      select coalesce(test_until > ${receivedAt}, false) as on_test, battery_low_alarm_at is not null as battery_low_raised
      from devices where id = ${deviceId}`;
    const decision = input.decide({
      openAlarms: wearerId ? await openAlarmsOfWearer(tx, wearerId) : [],
      amberSessionOpen: await hasOpenAmberSession(tx, deviceId),
      batteryLowRaised: device.batteryLowRaised,
    });

    const position = event.lat !== undefined && event.lon !== undefined ? { lat: event.lat, lon: event.lon, acc: event.acc } : null;
    let raised: string | null = null;
    const updated: string[] = [];
    if (decision.alarm) {
      const flags: Record<string, unknown> = {};
      if (decision.alarm.silent) flags.silent = true;
      if (!event.known) flags.eventType = event.type;
      if (input.warnings.length) flags.warnings = input.warnings;
      raised = await insertAlarm(tx, {
        deviceId,
        wearerId,
        type: decision.alarm.type,
        priority: decision.alarm.priority,
        receivedAt,
        position,
        discreet: decision.alarm.discreet,
        flags,
        isTest: device.onTest,
        acceptDueAt: input.acceptDueAt(decision.alarm.priority),
        owner: decision.routeTo ? { id: decision.routeTo.ownerId, linkedTo: decision.routeTo.linkedTo } : null,
      });
      if (decision.alarm.type === 'battery.low') await tx`update devices set battery_low_alarm_at = ${receivedAt} where id = ${deviceId}`;
      await input.onRaised(tx, raised);
    }
    if (decision.attachTo) {
      await attachActivation(tx, decision.attachTo.alarmId, decision.attachTo.priority, { lastActivationAt: receivedAt.toISOString() });
      updated.push(decision.attachTo.alarmId);
    }
    if (decision.cancelledByWearer) {
      await tx`update alarms set cancelled_by_wearer_at = ${receivedAt} where id = ${decision.cancelledByWearer} and cancelled_by_wearer_at is null`;
      updated.push(decision.cancelledByWearer);
    }
    const alarmId = raised ?? decision.attachTo?.alarmId ?? null;
    if (alarmId) await tx`update events set alarm_id = ${alarmId} where id = ${inserted.id}`;
    if (decision.amber) {
      const sessionAlarm = await applyAmberChange(tx, deviceId, wearerId, event.id, decision.amber, receivedAt, raised);
      if (sessionAlarm) updated.push(sessionAlarm);
    }
    if (decision.checkin) {
      const started = await recordCheckin(tx, deviceId, receivedAt);
      if (started) {
        await audit(tx, { id: null, name: `device:${deviceId}` }, 'shift.started', deviceId, {
          by: 'wearer check-in',
          intervalS: started.intervalS,
          graceS: started.graceS,
          plannedEndAt: started.plannedEndAt?.toISOString() ?? null,
        });
      }
    }

    let commAlarmId: string | null;
    if (position) {
      // Spec, "Event": a position in an event is also stored as a fix.
      commAlarmId = await upsertFixes(tx, deviceId, [{ ts: event.ts, lat: position.lat, lon: position.lon, acc: position.acc, batt: event.batt }], receivedAt);
    } else {
      const [seen] = await tx<{ commAlarmId: string | null }[]>`
        update devices set last_seen_at = greatest(last_seen_at, ${receivedAt}) where id = ${deviceId} returning comm_alarm_id`;
      commAlarmId = seen?.commAlarmId ?? null;
    }

    // The reply first ("help knows"), then the request to track.
    const commands: Command[] = [];
    if (decision.reply) commands.push({ id: `c-${randomUUID()}`, type: decision.reply, eventId: event.id });
    if (decision.locate) commands.push({ id: `c-${randomUUID()}`, type: 'locate', ...decision.locate });
    for (const command of commands) await insertCommand(tx, deviceId, command);
    return { duplicate: false, raised, updated, commands, commAlarmId };
  });
}
