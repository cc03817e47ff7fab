// Stores one device event and everything decided about it in one transaction: the event (its id
// is the idempotency key), the alarm it raises or the open alarm it adds to, the amber session
// and check-in changes, its position as a fix, the device's last-seen time and the reply
// command. After commit the intake acknowledges and notifies.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { DeviceEvent, EventWarning } from '../../protocol/device-event.js';
import { plausibleFixTs, type Command } from '../../protocol/device-payloads.js';
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
  return sql.begin((tx) => storeDeviceEventIn(tx, input));
}

/** The same, in a transaction the caller holds (the start-up rehearsal, api/intake/alarm-path-warm-up.ts, rolls it back). */
export async function storeDeviceEventIn(tx: TransactionSql, input: EventToStore): Promise<StoredEvent> {
  const { deviceId, wearerId, event, receivedAt } = input;
  // Few round trips, because each one waits a turn of the event loop, and under load a turn is
  // milliseconds: twenty awaited statements made an SOS wait 100–200 ms behind ordinary traffic
  // (issue 5). Statements issued together are pipelined on the transaction's one connection and
  // PostgreSQL runs them in the order they were sent, so a later one sees what an earlier one
  // wrote or locked. The postgres driver sends a statement a microtask after it is started, and
  // an awaited one is started later still: so each statement here, and the first statement of
  // each store function called here, is started with .execute() as it is created, and the
  // order of the calls below is the order PostgreSQL runs them in.

  // Round 1: the event (its id is the idempotency key), the wearer's lock, what the rule needs.
  // One event of a wearer at a time decides against their open alarms (two devices, one person):
  // the reads are issued after the lock, so they run once it is held.
  const [[inserted], , [device], openAlarms, amberSessionOpen] = await Promise.all([
    tx<{ id: string }[]>`
      insert into events (device_id, event_key, type, ts, received_at, payload, warnings)
      values (${deviceId}, ${event.id}, ${event.type}, ${event.ts}, ${receivedAt},
              ${tx.json(event.raw as never)}, ${input.warnings})
      on conflict (device_id, event_key) do nothing
      returning id`.execute(),
    wearerId ? tx`select pg_advisory_xact_lock(hashtext(${wearerId}))`.execute() : null,
    tx<{ onTest: boolean; batteryLowRaised: boolean }[]>`
      select coalesce(test_until > ${receivedAt}, false) as on_test, battery_low_alarm_at is not null as battery_low_raised
      from devices where id = ${deviceId}`.execute(),
    wearerId ? openAlarmsOfWearer(tx, wearerId) : [],
    hasOpenAmberSession(tx, deviceId),
  ]);
  if (!inserted) {
    // Spec guarantee 2: the same id is the same event and maps to the same alarm.
    const [[existing], [seen]] = await Promise.all([
      tx<{ alarmId: string | null }[]>`select alarm_id from events where device_id = ${deviceId} and event_key = ${event.id}`.execute(),
      tx<{ commAlarmId: string | null }[]>`
        update devices set last_seen_at = greatest(last_seen_at, ${receivedAt}) where id = ${deviceId} returning comm_alarm_id`.execute(),
    ]);
    return { duplicate: true, alarmId: existing?.alarmId ?? null, commAlarmId: seen?.commAlarmId ?? null };
  }

  const decision = input.decide({ openAlarms, amberSessionOpen, batteryLowRaised: device.batteryLowRaised });
  const position = event.lat !== undefined && event.lon !== undefined ? { lat: event.lat, lon: event.lon, acc: event.acc } : null;
  const raised = decision.alarm ? randomUUID() : null;
  const alarmId = raised ?? decision.attachTo?.alarmId ?? null;
  const updated = [decision.attachTo?.alarmId, decision.cancelledByWearer].filter((id): id is string => !!id);
  // The reply first ("help knows"), then the request to track.
  const commands: Command[] = [];
  if (decision.reply) commands.push({ id: `c-${randomUUID()}`, type: decision.reply, eventId: event.id });
  if (decision.locate) commands.push({ id: `c-${randomUUID()}`, type: 'locate', ...decision.locate });

  // Round 2: every single-statement write, issued in this order; then the new alarm's response
  // plan and carers' messages, which read the alarm written above.
  const writes: Promise<unknown>[] = [];
  if (decision.alarm) {
    const flags: Record<string, unknown> = {};
    if (decision.alarm.silent) flags.silent = true;
    if (!event.known) flags.eventType = event.type;
    if (input.warnings.length) flags.warnings = input.warnings;
    writes.push(
      insertAlarm(tx, {
        id: raised!,
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
      }),
    );
    if (decision.alarm.type === 'battery.low') writes.push(tx`update devices set battery_low_alarm_at = ${receivedAt} where id = ${deviceId}`.execute());
  }
  if (decision.attachTo) {
    writes.push(attachActivation(tx, decision.attachTo.alarmId, decision.attachTo.priority, { lastActivationAt: receivedAt.toISOString() }));
  }
  if (decision.cancelledByWearer) {
    writes.push(tx`update alarms set cancelled_by_wearer_at = ${receivedAt} where id = ${decision.cancelledByWearer} and cancelled_by_wearer_at is null`.execute());
  }
  if (alarmId) writes.push(tx`update events set alarm_id = ${alarmId} where id = ${inserted.id}`.execute());
  // Spec, "Event": a position in an event is also stored as a fix.
  const seen = position
    ? upsertFixes(tx, deviceId, [{ ts: plausibleFixTs(event.ts, receivedAt.getTime()), lat: position.lat, lon: position.lon, acc: position.acc, batt: event.batt }], receivedAt)
    : tx<{ commAlarmId: string | null }[]>`
        update devices set last_seen_at = greatest(last_seen_at, ${receivedAt}) where id = ${deviceId} returning comm_alarm_id`.execute().then(
        ([row]) => row?.commAlarmId ?? null,
      );
  for (const command of commands) writes.push(insertCommand(tx, deviceId, command));
  // Last: its first statement reads the alarm inserted above.
  if (raised) writes.push(input.onRaised(tx, raised));
  const [commAlarmId] = await Promise.all([seen, ...writes]);

  // Then, one after the other, the changes that read what they write.
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
  return { duplicate: false, raised, updated, commands, commAlarmId };
}
