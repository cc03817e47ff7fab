// The one path by which an alarm is raised, whoever raises it: a device's event (takeDeviceEvent)
// or the ARC itself (raiseSystemAlarm: an amber session ran out, a check-in was missed, a device
// went silent, a zone was crossed, a battery ran low). Both take the wearer's lock, read the
// wearer's open alarms and the device's test mode in one round, place the alarm by the pure rule
// (api/rules/event-rules.ts), give a new alarm its accept deadline, and, last in the same
// transaction, its response plan and carers' messages. The store holds the statements; the
// caller acknowledges and notifies after commit (store, then acknowledge, then notify).
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { DeviceEvent, EventWarning } from '../../protocol/device-event.js';
import { plausibleFixTs, type Command } from '../../protocol/device-payloads.js';
import {
  ALARM_PRIORITY,
  placeAlarm,
  type AlarmType,
  type EventContext,
  type EventDecision,
} from '../rules/event-rules.js';
import type { AcceptDeadline } from '../config.js';
import {
  attachActivation,
  deviceAtRaise,
  insertAlarm,
  lockWearer,
  markCancelledByWearer,
  openAlarmsOfWearer,
  type NewAlarm,
} from '../store/alarm-store.js';
import { alarmOfEvent, insertEvent, linkEventToAlarm } from '../store/event-store.js';
import { markBatteryLowRaised, touchDevice } from '../store/device-health-store.js';
import { upsertFixes } from '../store/fix-store.js';
import { applyAmberChange, hasOpenAmberSession } from '../store/amber-store.js';
import { recordCheckin } from '../store/shift-store.js';
import { insertCommand } from '../store/command-store.js';
import { audit } from '../store/audit-log.js';

/** What raising needs from the ARC's wiring, the same for every caller. */
export interface AlarmRaising {
  deadlines: Record<number, AcceptDeadline>;
  /** In the transaction that raised an alarm, after its row: its response plan and carers' messages. */
  onRaised(tx: TransactionSql, alarmId: string): Promise<void>;
}

export type Placed = { raised: string } | { updated: string };

type Placement = Pick<EventDecision, 'alarm' | 'attachTo' | 'routeTo'>;

/**
 * Round 1 of every raise: the wearer's lock, then what placement reads, issued after it so that
 * they run once it is held. Every statement is started here, in this order, before any await.
 */
function lockAndRead(tx: TransactionSql, deviceId: string, wearerId: string | null, at: Date) {
  return Promise.all([
    wearerId ? lockWearer(tx, wearerId) : null,
    deviceAtRaise(tx, deviceId, at),
    wearerId ? openAlarmsOfWearer(tx, wearerId) : [],
  ]).then(([, device, openAlarms]) => ({ device, openAlarms }));
}

/** The placement written: one more activation of an open alarm, or a new alarm with its deadline. Started now. */
function writePlacement(
  tx: TransactionSql,
  raising: AlarmRaising,
  placement: Placement,
  id: string,
  alarm: Omit<NewAlarm, 'id' | 'type' | 'priority' | 'discreet' | 'acceptDueAt' | 'owner'>,
): Promise<unknown> | null {
  if (placement.attachTo) {
    return attachActivation(tx, placement.attachTo.alarmId, placement.attachTo.priority, {
      lastActivationAt: alarm.receivedAt.toISOString(),
    });
  }
  if (!placement.alarm) return null;
  const { priority } = placement.alarm;
  return insertAlarm(tx, {
    ...alarm,
    id,
    type: placement.alarm.type,
    priority,
    discreet: placement.alarm.discreet,
    // BS 8484 response targets: the accept deadline by priority (ARC_ACCEPT_DEADLINES).
    acceptDueAt: new Date(alarm.receivedAt.getTime() + raising.deadlines[priority].overdueS * 1000),
    owner: placement.routeTo ? { id: placement.routeTo.ownerId, linkedTo: placement.routeTo.linkedTo } : null,
  });
}

export interface SystemAlarm {
  deviceId: string;
  wearerId: string | null;
  type: AlarmType;
  at: Date;
  position: { lat: number; lon: number; acc?: number | null } | null;
  flags: Record<string, unknown>;
  sessionNote?: string | null;
}

/**
 * An alarm the ARC decided on, in the caller's transaction (the clock's sweep, the zone or battery
 * watch), by the same placement rule as a device's own alarms: a repeat of an open alarm's kind
 * adds to it; a new one goes to whoever holds the wearer.
 */
export async function raiseSystemAlarm(tx: TransactionSql, raising: AlarmRaising, alarm: SystemAlarm): Promise<Placed> {
  const { device, openAlarms } = await lockAndRead(tx, alarm.deviceId, alarm.wearerId, alarm.at);
  const placement = placeAlarm(
    { type: alarm.type, priority: ALARM_PRIORITY[alarm.type], discreet: false, silent: false },
    openAlarms,
  );
  const id = randomUUID();
  await writePlacement(tx, raising, placement, id, {
    deviceId: alarm.deviceId,
    wearerId: alarm.wearerId,
    receivedAt: alarm.at,
    position: alarm.position,
    flags: alarm.flags,
    isTest: device?.onTest ?? false,
    sessionNote: alarm.sessionNote ?? null,
  });
  if (placement.attachTo) return { updated: placement.attachTo.alarmId };
  await raising.onRaised(tx, id);
  return { raised: id };
}

export interface DeviceEventToTake {
  deviceId: string;
  wearerId: string | null;
  event: DeviceEvent;
  warnings: EventWarning[];
  receivedAt: Date;
  /** The pure rule, called inside the transaction with what is known now. */
  decide(context: EventContext): EventDecision;
}

export type TakenEvent =
  | { duplicate: false; raised: string | null; updated: string[]; commands: Command[]; commAlarmId: string | null }
  | { duplicate: true; alarmId: string | null; commAlarmId: string | null };

/**
 * One device event and everything decided about it in one transaction: the event (its id is the
 * idempotency key), the alarm it raises or the open alarm it adds to, the amber session and
 * check-in changes, its position as a fix, the device's last-seen time and the reply command.
 */
export async function takeDeviceEvent(sql: Sql, raising: AlarmRaising, input: DeviceEventToTake): Promise<TakenEvent> {
  return sql.begin((tx) => takeDeviceEventIn(tx, raising, input));
}

/** The same, in a transaction the caller holds (the start-up rehearsal, api/intake/alarm-path-warm-up.ts, rolls it back). */
export async function takeDeviceEventIn(
  tx: TransactionSql,
  raising: AlarmRaising,
  input: DeviceEventToTake,
): Promise<TakenEvent> {
  const { deviceId, wearerId, event, receivedAt } = input;
  // Few round trips, because each one waits a turn of the event loop, and under load a turn is
  // milliseconds: twenty awaited statements made an SOS wait 100–200 ms behind ordinary traffic
  // (issue 5). Statements issued together are pipelined on the transaction's one connection and
  // PostgreSQL runs them in the order they were sent, so a later one sees what an earlier one
  // wrote or locked. The postgres driver sends a statement a microtask after it is started, and
  // an awaited one is started later still: so each store statement starts itself with .execute()
  // as it is called, and the order of the calls below is the order PostgreSQL runs them in.
  {
    // Round 1: the event (its id is the idempotency key), the wearer's lock, what the rule needs.
    const [eventRowId, { device, openAlarms }, amberSessionOpen] = await Promise.all([
      insertEvent(tx, input),
      lockAndRead(tx, deviceId, wearerId, receivedAt),
      hasOpenAmberSession(tx, deviceId),
    ]);
    if (!eventRowId) {
      // Spec guarantee 2: the same id is the same event and maps to the same alarm.
      const [alarmId, commAlarmId] = await Promise.all([
        alarmOfEvent(tx, deviceId, event.id),
        touchDevice(tx, deviceId, receivedAt),
      ]);
      return { duplicate: true, alarmId, commAlarmId };
    }

    const decision = input.decide({
      openAlarms,
      amberSessionOpen,
      batteryLowRaised: device?.batteryLowRaised ?? false,
    });
    const position =
      event.lat !== undefined && event.lon !== undefined ? { lat: event.lat, lon: event.lon, acc: event.acc } : null;
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
    const flags: Record<string, unknown> = {};
    if (decision.alarm?.silent) flags.silent = true;
    if (!event.known) flags.eventType = event.type;
    if (input.warnings.length) flags.warnings = input.warnings;
    const placed = writePlacement(tx, raising, decision, raised ?? '', {
      deviceId,
      wearerId,
      receivedAt,
      position,
      flags,
      isTest: device?.onTest ?? false,
    });
    if (placed) writes.push(placed);
    if (decision.alarm?.type === 'battery.low') writes.push(markBatteryLowRaised(tx, deviceId, receivedAt));
    if (decision.cancelledByWearer) writes.push(markCancelledByWearer(tx, decision.cancelledByWearer, receivedAt));
    if (alarmId) writes.push(linkEventToAlarm(tx, eventRowId, alarmId));
    // Spec, "Event": a position in an event is also stored as a fix.
    const seen = position
      ? upsertFixes(
          tx,
          deviceId,
          [
            {
              ts: plausibleFixTs(event.ts, receivedAt.getTime()),
              lat: position.lat,
              lon: position.lon,
              acc: position.acc,
              batt: event.batt,
            },
          ],
          receivedAt,
        )
      : touchDevice(tx, deviceId, receivedAt);
    for (const command of commands) writes.push(insertCommand(tx, deviceId, command));
    // Last: its first statement reads the alarm inserted above.
    if (raised) writes.push(raising.onRaised(tx, raised));
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
}
